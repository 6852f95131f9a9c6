"""Which rows an analysis uses: evidence level, reading of each documented conflict, coding of ties.

- ``evidence``: ``"seed"`` keeps only rows stated in the seed texts; ``"seed+external"`` adds the
  rows resting on named reference works.
- ``reading``: for every documented conflict, which side to use. ``"default"`` takes each
  conflict's ``default_reading`` (the curators' judgement); ``"article"``, ``"blog"`` or
  ``"standard"`` take that side wherever a conflict has it (and the default elsewhere); a dict
  ``{conflict_id: reading}`` sets single conflicts (the rest follow ``"article"``).
- ``coding``: which historiographical reading of the ties (codings.coding_id).

Persons, sources, organisations, codings and conflicts are never filtered: they are the frame
of reference, not assertions the analysis counts.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from patronage.errors import ParameterError

EVIDENCE_LEVELS = ("seed", "seed+external")
READING_POLICIES = ("article", "blog", "standard", "default")
FILTERED = ("attributes", "spells", "events", "event_participants", "ties")


def check_choice(name: str, value: object, choices) -> str:
    """``value`` if it is one of ``choices``, else a ParameterError naming the closest ones."""
    choices = list(choices)
    if isinstance(value, str) and value in choices:
        return value
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise ParameterError(name, value, f"valid choices are {', '.join(map(repr, choices))}{hint}")


def chosen_readings(conflicts: pd.DataFrame, reading: str | dict) -> dict[str, str]:
    """The reading used for each conflict under a policy name or a {conflict_id: reading} dict."""
    if isinstance(reading, dict):
        unknown = set(reading) - set(conflicts["conflict_id"])
        if unknown:
            check_choice("reading", sorted(unknown)[0], conflicts["conflict_id"])
        base = chosen_readings(conflicts, "article")
        for cid, side in reading.items():
            row = conflicts.loc[conflicts["conflict_id"] == cid].iloc[0]
            check_choice(f"reading[{cid!r}]", side, (row["reading_a"], row["reading_b"]))
            base[cid] = side
        return base
    check_choice("reading", reading, READING_POLICIES)
    out = {}
    for row in conflicts.itertuples(index=False):
        sides = (row.reading_a, row.reading_b)
        out[row.conflict_id] = reading if reading in sides else row.default_reading
    return out


def keep_rows(frame: pd.DataFrame, evidence: str, chosen: dict[str, str]) -> np.ndarray:
    """Boolean mask of the rows of one assertion table kept under an evidence level and chosen readings."""
    if evidence == "seed":
        keep = frame["evidence"].eq("seed").to_numpy(dtype=bool, na_value=False)
    else:
        keep = np.ones(len(frame), dtype=bool)
    tagged = frame["conflict_id"].notna().to_numpy(dtype=bool)
    if tagged.any():  # only the few rows tagged with a conflict are looked at
        rows = frame.loc[tagged, ["conflict_id", "reading"]]
        keep[tagged] &= rows["reading"].eq(rows["conflict_id"].map(chosen)).to_numpy(dtype=bool, na_value=False)
    return keep


def rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` where ``mask`` holds; the frame itself when all do (tables are never
    changed in place, and a register of hundreds of thousands of rows is not copied for nothing)."""
    return frame if bool(mask.all()) else frame[mask]


def select(tables, evidence: str = "seed", reading: str | dict = "article", coding: str = "blauvelt"):
    """The tables restricted to the rows one analysis uses.

    returns: Tables whose ``selection`` records the choices; raises ParameterError on a bad choice.
    """
    check_choice("evidence", evidence, EVIDENCE_LEVELS)
    check_choice("coding", coding, tables.codings["coding_id"])
    chosen = chosen_readings(tables.conflicts, reading)
    distinct = tables.distinct()  # the columns' codes, shared by every selection of these tables
    kept = {name: keep_rows(getattr(tables, name), evidence, chosen) for name in FILTERED}
    # a tie holds under the coding if the coding is in its list: each distinct list read once
    lists = distinct.codes("ties", "codings")[1]
    holds = [coding in text.replace(" ", "").split("|") for text in lists] + [coding == ""]  # then the empty cell
    kept["ties"] &= distinct.spread("ties", "codings", holds)
    # a participation is kept if its event is (pandas' isin, on the codes: an empty id matches an empty id)
    codes, ids = distinct.codes("events", "event_id")
    event_kept = np.zeros(len(ids) + 2, dtype=bool)  # each id, then the empty id, then an id no event has
    event_kept[np.where(codes < 0, len(ids), codes)[kept["events"]]] = True
    found = distinct.match("event_participants", "event_id", "events", "event_id")
    kept["event_participants"] &= distinct.spread("event_participants", "event_id",
                                                  event_kept[np.where(found < 0, len(ids) + 1, found)])
    frames = {name: rows(getattr(tables, name), mask) for name, mask in kept.items()}
    narrowed = distinct.narrowed({**tables.frames(), **frames},
                                 {"persons": None, **{name: None if mask.all() else mask for name, mask in kept.items()}})
    new = tables.replace(distinct=narrowed, **frames)
    from dataclasses import replace

    return replace(new, selection={"evidence": evidence, "reading": reading, "coding": coding, "chosen": chosen})
