"""The rules that hold the tables together: every id refers to a row that exists, no composite key repeats,
nothing ends before it starts, and nobody holds a post or attends an event after his death."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.distinct import Distinct
from patronage.tables.rules import file_of, problems_where

# events a dead man cannot attend, whatever his role (an award can be posthumous: its roles are ALIVE_ROLES' concern)
LIVING = {"appointment", "arrest", "meeting", "testimony", "transfer"}

# Columns that hold several ids separated by '|': a Frictionless foreign key cannot say this.
LIST_REFERENCES = {
    ("organisations", "predecessors"): ("organisations", "org_id"),
    ("ties", "codings"): ("codings", "coding_id"),
    ("codings", "source_ids"): ("sources", "source_id"),
}


def foreign_keys(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Every id a row refers to exists in the table it points to (declared and list references)."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    for res in tables.descriptor["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            (col,), target = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]], fk["reference"]
            tcol = target["fields"][0] if isinstance(target["fields"], list) else target["fields"]
            codes, values = distinct.codes(res["name"], col)
            unknown = distinct.match(res["name"], col, target["resource"] or res["name"], tcol) < 0
            rows = np.flatnonzero(unknown[codes])  # an empty cell (code -1) refers to nothing: its slot is never -1
            if len(rows):
                name = target["resource"] or res["name"]
                # a table left with its header alone is the cause of every such line: each says so, the first one seen too
                why = f" ({file_of(tables, name)} has no rows)" if getattr(tables, name).empty else ""
                file, index = file_of(tables, res["name"]), getattr(tables, res["name"]).index
                out += [Problem(file, int(index[i]), col, f"{values[codes[i]]!r} is not an id in {name}{why}") for i in rows]
    for (name, col), (tname, tcol) in LIST_REFERENCES.items():
        frame = getattr(tables, name)
        codes, lists = distinct.codes(name, col)  # each distinct list of ids split once
        items = pd.Series(np.asarray(lists, dtype=object)).str.split("|").explode().str.strip()
        bad = items[~items.isin(pd.Index(distinct.codes(tname, tcol)[1], dtype=object))]
        if bad.empty:
            continue
        bad_items = bad.groupby(level=0).agg(list).to_dict()  # distinct list -> its unknown ids
        where = pd.Series(codes, index=frame.index)
        where = where[where.isin(bad.index)]
        out += [Problem(file_of(tables, name), int(i), col, f"{v!r} is not an id in {tname}")
                for i, c in where.items() for v in bad_items[c]]
    return out


def chronology(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Nothing ends before it starts, and nobody holds a post or gets an award after death."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    for name, start, end in (("spells", "start", "end"), ("ties", "start", "end"),
                             ("organisations", "valid_from", "valid_to")):
        f = getattr(tables, name)
        out += problems_where(tables, name, f[f"{end}_hi"] < f[f"{start}_lo"], end,
                              lambda r, s=start, e=end: f"ends ({r[e]}) before it starts ({r[s]}): check both dates")
    # each person's death, found once per distinct id: died_hi of the first row holding the id (an
    # empty id matching an empty id, as a lookup in an index does), NaT where there is none
    nat = np.datetime64("NaT")
    died = distinct.first_values("persons", "person_id", tables.persons["died_hi"].to_numpy(), nat)

    def death(table: str) -> np.ndarray:
        """The death of the person each row of ``table`` names."""
        return distinct.spread(table, "person_id", died[distinct.match(table, "person_id", "persons", "person_id")])

    s, dead = tables.spells, death("spells")
    out += problems_where(tables, "spells", s["start_lo"].to_numpy() > dead, "start",
                          lambda r: f"starts ({r['start']}) after {r['person_id']} died")
    out += problems_where(tables, "spells", s["end_lo"].to_numpy() > dead, "end",
                          lambda r: f"ends ({r['end']}) after {r['person_id']} died")
    at = distinct.match("event_participants", "event_id", "events", "event_id")

    def event(values: np.ndarray, missing) -> np.ndarray:
        """``values`` (one per event) of the event each participant row names, the first of a repeated id."""
        return distinct.spread("event_participants", "event_id", distinct.first_values("events", "event_id", values, missing)[at])

    living = event(distinct.per_value("events", "kind", lambda kinds: kinds.isin(LIVING)), False)
    day = event(tables.events["date_lo"].to_numpy(), nat)
    out += problems_where(tables, "event_participants", living & (day > death("event_participants")), "event_id",
                          lambda r: f"{r['person_id']} takes part in {r['event_id']} after his death: check the event's "
                          "date, its kind and the person")
    return out


def composite_keys(tables, distinct: Distinct | None = None) -> list[Problem]:
    """No two rows share a composite primary key (single keys are checked by the schema)."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    for res in tables.descriptor["resources"]:
        pk = res["schema"].get("primaryKey", [])
        if isinstance(pk, list) and len(pk) > 1:
            # rows compared by the codes of their key cells: equal cells have equal codes (empty ones -1)
            codes = pd.DataFrame({k: distinct.codes(res["name"], k)[0] for k in pk})
            out += problems_where(tables, res["name"], codes.duplicated(keep="first").to_numpy(), None,
                                  lambda r, pk=pk: f"duplicate key {tuple(r[k] for k in pk)}")
    return out
