"""Rows a historian could mean: a tie joins two persons, each alive when it began; nobody holds a post or has a
patron before he was born; a defection date belongs to a defection; no row repeats another under a new id.

Each of these, let through, moved verdicts: a tie from Beria to himself made him his own defecting client (H1 mixed,
H3 to H5 mixed); a post dated before its holder's birth, or a tie begun after a man was shot, changed who was on the
patron's roster the day before his fall.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.distinct import Distinct
from patronage.tables.rules import problems_where


def sense(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Every rule of this module (``distinct`` is accepted, as by every rule, and not needed: the columns read are few)."""
    return [*_ties_join_two_living_persons(tables), *_posts_after_birth(tables), *_defection_dates(tables),
            *_repeated_rows(tables)]


def _life(tables, ids: pd.Series, column: str) -> np.ndarray:
    """``persons[column]`` (born_lo, died_hi: datetime64) of the person each id names; NaT where none is recorded."""
    values = tables.persons.drop_duplicates("person_id").set_index("person_id")[column]
    return ids.map(values).to_numpy(dtype="datetime64[ns]")


def _ties_join_two_living_persons(tables) -> list[Problem]:
    """A tie joins two persons, not one to himself, and begins in both lives: not after either died (the earliest day
    it may begin is after the latest day he may have died) nor before either was born (its latest start before his
    earliest birth)."""
    t = tables.ties
    out = problems_where(tables, "ties", (t["patron_id"] == t["client_id"]).fillna(False).to_numpy(dtype=bool), "client_id",
                         lambda r: f"the tie joins {r['patron_id']} to himself: a patron and his client are two persons")
    for role in ("patron_id", "client_id"):
        died, born = _life(tables, t[role], "died_hi"), _life(tables, t[role], "born_lo")
        out += problems_where(tables, "ties", t["start_lo"].to_numpy(dtype="datetime64[ns]") > died, "start",
                              lambda r, c=role: f"starts ({r['start']}) after {r[c]} died")
        out += problems_where(tables, "ties", t["start_hi"].to_numpy(dtype="datetime64[ns]") < born, "start",
                              lambda r, c=role: f"starts ({r['start']}) before {r[c]} was born")
    return out


def _posts_after_birth(tables) -> list[Problem]:
    """No post begins before its holder was born (its latest start before his earliest birth); those held after his
    death are :func:`patronage.tables.rules_structure.chronology`'s."""
    s = tables.spells
    born = _life(tables, s["person_id"], "born_lo")
    return problems_where(tables, "spells", s["start_hi"].to_numpy(dtype="datetime64[ns]") < born, "start",
                          lambda r: f"starts ({r['start']}) before {r['person_id']} was born")


def _defection_dates(tables) -> list[Problem]:
    """A defection date belongs to a defection, and a defection has one: a tie that records none (defected false) gives
    no date for one, and a defection with no date would belong to every crisis of the patron (a year will do: '1953')."""
    t = tables.ties
    dated = (t["defection_date"].notna() & t["defection_date"].astype("string").str.strip().ne("")).fillna(False)
    out = problems_where(tables, "ties", (dated & t["defected"].eq(False).fillna(False)).to_numpy(dtype=bool),
                         "defection_date", lambda r: f"dates a defection ({r['defection_date']}) that 'defected' ({r['defected']}) "
                         "says did not happen: set defected to true, or leave the date empty")
    return out + problems_where(tables, "ties", (~dated & t["defected"].eq(True).fillna(False)).to_numpy(dtype=bool),
                                "defection_date", "records a defection with no date: give its date, at the precision the "
                                "source allows (a year, '1953'; 'by' a day, '/1953-06-26'), or it counts at every crisis of the patron")


REPEATABLE = ("spells", "ties", "attributes")  # the tables whose rows name their persons: an event's are its participants


def _repeated_rows(tables) -> list[Problem]:
    """No post, tie or attribute repeats another in every field but its id (it would be counted twice). An event may:
    two births on one day, both titled 'Birth', are two events, told apart by their participants."""
    out: list[Problem] = []
    for res in (r for r in tables.descriptor["resources"] if r["name"] in REPEATABLE):
        key = res["schema"].get("primaryKey")
        key = key if isinstance(key, str) else key[0] if isinstance(key, list) and len(key) == 1 else None
        frame = getattr(tables, res["name"], None)
        if key is None or frame is None or key not in frame.columns:
            continue
        fields = [f["name"] for f in res["schema"]["fields"] if f["name"] != key and f["name"] in frame.columns]
        again = frame.duplicated(subset=fields, keep="first").to_numpy(dtype=bool)
        if again.any():
            first = frame.groupby(fields, dropna=False, sort=False)[key].transform("first")
            out += problems_where(tables, res["name"], again, key,
                                  lambda r, s=first: f"repeats row {s[r.name]!r} in every field but its id: record it once")
    return out
