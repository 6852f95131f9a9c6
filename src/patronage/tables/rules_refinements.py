"""Refinements: a row that restates another row of its table at a reference work's precision (an exact day for the
seed's year, a full title), with its own source; what it may change and what it keeps
(:mod:`patronage.tables.readings` applies them)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.distinct import Distinct
from patronage.tables.rules import problems_where

REFINABLE = {"attributes": "attribute_id", "spells": "spell_id", "events": "event_id", "ties": "tie_id"}
# what a refinement keeps of the row it refines (besides conflict_id and reading): its subject
SAME_SUBJECT = {"attributes": ("person_id", "attribute"), "spells": ("person_id",), "events": ("kind",),
                "ties": ("patron_id", "client_id", "kind", "codings")}
EDTF_FIELDS = {"attributes": ("date",), "spells": ("start", "end"), "events": ("date",),
               "ties": ("start", "end", "defection_date")}


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Cell by cell: equal values, or both empty."""
    a, b = a.astype("object"), b.astype("object")
    return ((a == b).fillna(False) | (a.isna() & b.isna())).to_numpy(dtype=bool)


def refinements(tables, distinct: Distinct | None = None) -> list[Problem]:
    """A refinement (a row naming in ``refines`` the row it restates at a reference work's precision, see
    :mod:`patronage.tables.readings`) is external, refines a row of its own table that no other row
    refines (unless the refinements are the readings of one conflict the row is not in: two works that restate
    it and disagree, :func:`_readings_of_a_conflict`) and that is not itself a refinement, keeps that row's
    subject, conflict and reading (but for those readings), and
    narrows its dates: each bound lies within the refined row's bounds where that row has a date (a date
    outside them contradicts it and belongs in a conflict). The refined row is a seed row (a reference
    work's day for the seed's year), or an external row that another work bounds more closely (one
    work attests a man in office, another the day his successor took over). An event's refinement
    repeats the event's participations."""
    out: list[Problem] = []
    for name, key in REFINABLE.items():
        frame = getattr(tables, name)
        if "refines" in frame.columns and frame["refines"].notna().any():
            out += _refinements_of(tables, name, key)
    return out


def _refinements_of(tables, name: str, key: str) -> list[Problem]:
    """The rules of :func:`refinements` on the refinements of one table (``key``: its id column)."""
    frame = getattr(tables, name)
    mine = frame[frame["refines"].notna()]
    first = frame.drop_duplicates(key, keep="first").set_index(key)
    found = mine["refines"].isin(first.index)  # an unknown id is named by foreign_keys
    out = problems_where(tables, name, mine["evidence"].ne("external").reindex(frame.index, fill_value=False), "evidence",
                         lambda r: f"refines {r['refines']!r} but its evidence is {r['evidence']!r}: a refinement is external")
    mine = mine[found]
    base = first.loc[mine["refines"].to_numpy()].set_axis(mine.index)
    name_rows = _namer(tables, name, mine, frame)
    out += name_rows(mine["refines"].isin(frame.loc[frame["refines"].notna(), key]).to_numpy(), "refines",
                     lambda r: f"refines {r['refines']!r}, which is itself a refinement: refine the row it refines")
    readings = _readings_of_a_conflict(mine, base)
    out += name_rows(mine["refines"].duplicated(keep=False).to_numpy() & ~readings, "refines",
                     lambda r: f"{r['refines']!r} has more than one refinement: one row refines it, and it cites one work; "
                     "where the works agree keep one, and where they differ record a conflict (conflicts.csv), each reading "
                     "a refinement of its own")
    out += name_rows((mine["refines"] == mine[key]).to_numpy(), "refines", "a row cannot refine itself")
    for column in (*SAME_SUBJECT[name], "conflict_id", "reading"):
        kept = ~_same(mine[column], base[column]) & ~(readings & (column in ("conflict_id", "reading")))
        out += name_rows(kept, column,
                         lambda r, c=column: f"refines {r['refines']!r} but its {c} ({r[c]!r}) differs from that row's: "
                                             "a refinement restates the same assertion")
    out += _dates_outside(name, mine, base, name_rows)
    if name == "events":
        out += _participations_missing(tables, key, mine, name_rows)
    return out


def _readings_of_a_conflict(mine: pd.DataFrame, base: pd.DataFrame) -> np.ndarray:
    """For each refinement: is it one of two or more refinements of one row that are the readings of one conflict the
    refined row is not in (two works that each restate it, a year as a day, and disagree: the reading picks the day,
    and under either the seed's year gives way)? Such refinements share the conflict_id, differ in reading, and are
    told apart from a second refinement that only repeats the first."""
    group = mine["refines"].astype("object")
    conflict = mine["conflict_id"].astype("object")
    shared = conflict.notna() & base["conflict_id"].isna().to_numpy() & (conflict.groupby(group).transform("nunique").eq(1))
    distinct = mine["reading"].astype("object").groupby(group).transform(lambda r: r.notna().all() and r.is_unique)
    several = group.duplicated(keep=False)
    return (several & shared & distinct.astype(bool)).to_numpy(dtype=bool)


def _namer(tables, name: str, mine: pd.DataFrame, frame: pd.DataFrame):
    """name_rows(mask, column, message): a Problem for each refinement (a row of ``mine``) where ``mask`` holds."""
    def name_rows(mask, column: str, message) -> list[Problem]:
        return problems_where(tables, name, pd.Series(mask, index=mine.index).reindex(frame.index, fill_value=False),
                              column, message)
    return name_rows


def _dates_outside(name: str, mine: pd.DataFrame, base: pd.DataFrame, name_rows) -> list[Problem]:
    """The refinements with a date outside the bounds of the refined row's (an open start or end of that
    row's interval bounds nothing on that side)."""
    out = []
    for column in EDTF_FIELDS[name]:
        lo, hi = mine[f"{column}_lo"].to_numpy(), mine[f"{column}_hi"].to_numpy()
        blo, bhi = base[f"{column}_lo"].to_numpy(), base[f"{column}_hi"].to_numpy()
        dated = ~pd.isna(blo)
        text = base[column].astype("object").fillna("")
        open_start = text.str.startswith("/").to_numpy(dtype=bool)  # '/1948': by 1948, start unknown
        open_end = text.str.endswith("/").to_numpy(dtype=bool)  # '1953-03-06/': from then, end unknown
        outside = dated & (pd.isna(lo) | ((lo < blo) & ~open_start) | ((hi > bhi) & ~open_end))
        out += name_rows(outside, column,
                         lambda r, c=column: f"{c} ({r[c]!r}) is not within the dates of the row it refines "
                                             f"({r['refines']!r}): a date that contradicts it is a conflict")
    return out


def _participations_missing(tables, key: str, mine: pd.DataFrame, name_rows) -> list[Problem]:
    """The refinements of events that do not repeat every participation of the event they refine."""
    parts = tables.event_participants[["event_id", "person_id", "role"]].astype("object")
    pairs = pd.DataFrame({"refining": mine[key].to_numpy(dtype=object), "event_id": mine["refines"].to_numpy(dtype=object)})
    needed = pairs.merge(parts, on="event_id")
    have = set(map(tuple, parts.to_numpy()))
    missing = {a for a, p, r in zip(needed["refining"], needed["person_id"], needed["role"], strict=True)
               if (a, p, r) not in have}
    return name_rows(mine[key].isin(missing).to_numpy(), "refines",
                     lambda r: f"refines {r['refines']!r} but does not repeat all of its participations "
                               "(a participation follows its event)")
