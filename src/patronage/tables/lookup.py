"""Look-ups for the questions historians bring: everything about a person, who held a post on a day,
and where the sources disagree.

Each returns a DataFrame read from every row of the tables (all evidence levels, both readings of
every conflict, every coding): a look-up shows what the tables hold, the selection of an analysis
is the notebooks' business. ``python -m patronage about|who-held|conflicts`` prints them as CSV
(``--format table`` for a terminal).
"""

from __future__ import annotations

import pandas as pd

from patronage.errors import ParameterError
from patronage.tables.assertions import SOURCING, assertions
from patronage.tables.dates import midpoint, parse_bounds
from patronage.tables.names import fold, resolve_person
from patronage.tables.readings import EVIDENCE_LEVELS, READING_POLICIES, chosen_readings

ABOUT_COLUMNS = ["table", "row_id", "kind", "what", "when", "until", "counterpart", *SOURCING]


def about(tables, name: str) -> pd.DataFrame:
    """Every assertion about a person: his own rows, the ties and appointments that name him, the events he
    took part in (through their participants), and both sides of every conflict that touches any of these.

    name: any recorded name variant, Latin or Cyrillic (a miss raises ParameterError with the closest names).
    returns: table, row_id, kind, what, when, until, counterpart (the other person of a tie or an
    appointment), source_id, locator, quote, evidence, conflict_id, reading.
    """
    pid = resolve_person(name, tables.persons, parameter="person")
    names = tables.persons.set_index("person_id")["name"]
    flat = assertions(tables)
    mine = flat[(flat["person_id"] == pid) | (flat["other_person_id"] == pid)]
    counterpart = mine["other_person_id"].where(mine["person_id"] == pid, mine["person_id"])
    mine = mine.assign(counterpart=counterpart.map(names))
    took_part = tables.event_participants.loc[tables.event_participants["person_id"] == pid, "event_id"]
    events = flat[(flat["table"] == "events") & flat["row_id"].isin(took_part)]
    touched = set(mine["conflict_id"].dropna()) | set(events["conflict_id"].dropna())
    sides = flat[(flat["table"] == "conflicts") & flat["conflict_id"].isin(touched)]
    rows = pd.concat([mine, events, sides], ignore_index=True)
    return rows.reindex(columns=ABOUT_COLUMNS).reset_index(drop=True)


def _words(text: str) -> set[str]:
    return set(fold(text).split()) - {"of", "the", "for", "and", "in"}


def who_held(tables, post: str, when: str) -> pd.DataFrame:
    """Who held a post on a day or in an EDTF interval.

    A spell matches if every word of ``post`` (case, accents and transliteration signs ignored) is
    in its post title, or in the name, abbreviation or Russian name of its organisation or of any
    organisation of the same lineage (so "NKVD" finds the MVD of 1954, one office across its
    renamings). It is counted if its dates, as bounded by EDTF, can overlap ``when``.

    returns: person_id, name, post, organisation, start, end (as recorded), earliest start, latest end,
    spell_id and its sourcing, refines (the row an external row restates at a reference work's
    precision: both are shown); most senior first.
    """
    try:
        lo, hi = (pd.Timestamp(d) for d in parse_bounds(str(when).strip()))
    except (ValueError, TypeError):
        raise ParameterError("date", when, "give an ISO or EDTF date or interval, e.g. 1953-06-25 or 1953-06/1953-07") from None
    wanted = _words(post)
    if not wanted:
        raise ParameterError("post", post, "give words of a post title or an organisation, e.g. 'first deputy minister internal affairs'")
    orgs = tables.organisations
    label = orgs["name"].fillna("") + " " + orgs["abbreviation"].fillna("") + " " + orgs["name_russian"].fillna("")
    by_lineage = label.groupby(orgs["lineage"].fillna(orgs["org_id"])).agg(" ".join)
    org_words = (orgs["lineage"].fillna(orgs["org_id"]).map(by_lineage) + " " + label).set_axis(orgs["org_id"])
    s = tables.spells
    text = s["post"].fillna("") + " " + s["org_id"].map(org_words).fillna("")
    hit = text.map(lambda t: wanted <= _words(t)).to_numpy(dtype=bool)
    began, ended = s["start_lo"], s["end_hi"]
    overlaps = ((began <= hi) & ~(ended < lo).fillna(False)).to_numpy(dtype=bool)
    found = s[hit & overlaps]
    out = pd.DataFrame({"person_id": found["person_id"], "name": found["person_id"].map(tables.persons.set_index("person_id")["name"]),
                        "post": found["post"], "organisation": found["org_id"].map(orgs.set_index("org_id")["name"]),
                        "start": found["start"], "end": found["end"],
                        "earliest start": found["start_lo"].dt.date.astype(str),
                        "latest end": found["end_hi"].dt.date.astype(str).where(found["end_hi"].notna(), "open"),
                        "spell_id": found["spell_id"], **{c: found[c] for c in SOURCING},
                        "refines": found["refines"] if "refines" in found else pd.NA, "seniority": found["seniority"],
                        "_start": midpoint(found["start_lo"], found["start_hi"])})
    return out.sort_values(["seniority", "_start", "person_id"], ascending=[False, True, True]).drop(
        columns=["_start"]).reset_index(drop=True)


def conflicts(tables, name: str | None = None) -> pd.DataFrame:
    """The documented disagreements between sources: both readings with their sources, and which side each
    value of the ``reading`` parameter picks, under each evidence level (under seed evidence a side resting
    on a reference work gives way to the side the seeds state: see patronage.tables.readings).

    name: a person; then only the conflicts that touch his rows (see :func:`about`).
    """
    c = tables.conflicts
    if name is not None:
        touched = set(about(tables, name)["conflict_id"].dropna())
        c = c[c["conflict_id"].isin(touched)]
    out = c[["conflict_id", "kind", "topic", "reading_a", "a_source_id", "a_locator", "a_quote", "a_evidence",
             "reading_b", "b_source_id", "b_locator", "b_quote", "b_evidence", "default_reading"]].copy()
    for policy in READING_POLICIES:
        for evidence in EVIDENCE_LEVELS:
            picked = chosen_readings(tables.conflicts, policy, evidence)
            out[f"reading={policy}, evidence={evidence}"] = out["conflict_id"].map(picked)
    return out.sort_values("conflict_id").reset_index(drop=True)


def as_text(frame: pd.DataFrame, fmt: str) -> str:
    """A look-up as CSV (the default) or as a table to read in a terminal."""
    if fmt == "table":
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 60):
            return frame.to_string(index=False)
    return frame.to_csv(index=False, lineterminator="\n")

