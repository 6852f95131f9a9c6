"""Rows a historian could mean: a tie joins two persons, each alive while it ran; nobody holds a post, has a patron or
takes part in an event before he was born, nor acts after his death; a defection date belongs to a defection, not before
the tie it left, and only a client or an ally defects; no row repeats another under a new id.

Each of these, let through, moved verdicts: a tie from Beria to himself made him his own defecting client (H1 mixed,
H3 to H5 mixed); a post dated before its holder's birth, or a tie begun after a man was shot, changed who was on the
patron's roster the day before his fall.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.columns import LIVES
from patronage.tables.distinct import Distinct
from patronage.tables.rules import problems_where


def sense(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Every rule of this module (``distinct`` is accepted, as by every rule, and not needed: the columns read are few)."""
    return [*_ties_join_two_living_persons(tables), *_ties_end_in_lives(tables), *_posts_after_birth(tables),
            *_acts_in_lives(tables), *_one_death(tables), *_defection_dates(tables), *_defections_of_a_tie(tables),
            *_repeated_rows(tables)]


def _life(tables, ids: pd.Series, column: str) -> np.ndarray:
    """``persons[column]`` (born_lo, died_hi: datetime64) of the person each id names; NaT where none is recorded."""
    values = tables.persons.drop_duplicates("person_id").set_index("person_id")[column]
    return values.reindex(ids.to_numpy()).to_numpy(dtype="datetime64[ns]")  # reindex, not map: an empty table maps to floats


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


def _ties_end_in_lives(tables) -> list[Problem]:
    """A tie ends in both lives: not certainly after either man died (its earliest end after his latest death). A
    patronage tie running after the client was shot kept him on the roster of a fall thirteen years later."""
    t, out = tables.ties, []
    for role in ("patron_id", "client_id"):
        died = _life(tables, t[role], "died_hi")
        out += problems_where(tables, "ties", t["end_lo"].to_numpy(dtype="datetime64[ns]") > died, "end",
                              lambda r, c=role: f"ends ({r['end']}) after {r[c]} died: end it by his death at the latest")
    return out


# roles in which a man acts, or is acted on as a living man, whatever the kind of event: no one takes them after his
# death (those a dead man may hold: the subject of a rehabilitation, one stripped of an award, purged or tried after it)
ALIVE_ROLES = ("appealed_to", "appealing", "appointed", "appointing", "arrested", "arresting", "defecting", "dismissing",
               "executed", "organiser", "present", "purging", "released", "reported_to", "reporting", "testifying")


def _acts_in_lives(tables) -> list[Problem]:
    """Nobody takes part in an event before he was born (its latest day before his earliest birth), nor acts in one after
    his death (its earliest day after his latest death, in a role of ALIVE_ROLES): a man shot in 1953 'defecting' at a
    fall of 1955 was counted as a turncoat. The kinds of event no dead man attends, whatever his role, are
    :func:`patronage.tables.rules_structure.chronology`'s."""
    from patronage.tables.rules_structure import LIVING

    parts, events = tables.event_participants, tables.events.drop_duplicates("event_id").set_index("event_id")
    day = {end: events[f"date_{end}"].reindex(parts["event_id"].to_numpy()).to_numpy(dtype="datetime64[ns]")
           for end in ("lo", "hi")}  # reindex, not map: an empty table maps to floats
    born, died = _life(tables, parts["person_id"], "born_lo"), _life(tables, parts["person_id"], "died_hi")
    acting = parts["role"].isin(ALIVE_ROLES).fillna(False).to_numpy(dtype=bool) & ~parts["event_id"].map(
        events["kind"]).isin(LIVING).fillna(False).to_numpy(dtype=bool)
    return (problems_where(tables, "event_participants", day["hi"] < born, "event_id",
                           lambda r: f"{r['person_id']} takes part in {r['event_id']} before he was born: check the event's "
                           "date and the person")
            + problems_where(tables, "event_participants", acting & (day["lo"] > died), "role",
                             lambda r: f"{r['person_id']} is '{r['role']}' in {r['event_id']} after his death: check the "
                             "event's date and the person"))


def _one_death(tables) -> list[Problem]:
    """A man dies once: two deaths of his on days that cannot be the same, neither under a conflict of the sources
    (conflicts.csv, each reading a row of its own), are refused at the later one. A second execution of Beria in 1960,
    entered without one, moved his latest death to 1960 and let every check of acts after his death pass him by. A
    death is what the persons' life dates read as one (:data:`patronage.tables.columns.LIVES`: his part as the subject of
    a death, or the man executed at an execution; not an official present at it)."""
    kinds, roles = next((k, r) for life, k, r in LIVES if life == "died")
    parts, events = tables.event_participants, tables.events.drop_duplicates("event_id").set_index("event_id")
    dies = (parts["event_id"].map(events["kind"]).isin(kinds).fillna(False).to_numpy(dtype=bool)
            & parts["role"].isin(roles).fillna(False).to_numpy(dtype=bool))
    unsettled = dies & parts["conflict_id"].isna().to_numpy(dtype=bool) & events["conflict_id"].reindex(
        parts["event_id"].to_numpy()).isna().to_numpy(dtype=bool)
    lo = events["date_lo"].reindex(parts["event_id"].to_numpy()).to_numpy(dtype="datetime64[ns]")
    hi = events["date_hi"].reindex(parts["event_id"].to_numpy()).to_numpy(dtype="datetime64[ns]")
    first_end = pd.Series(hi[unsettled], index=parts.index[unsettled]).groupby(parts.loc[unsettled, "person_id"]).transform("min")
    later = np.zeros(len(parts), dtype=bool)
    later[np.flatnonzero(unsettled)] = lo[unsettled] > first_end.to_numpy(dtype="datetime64[ns]")
    return problems_where(tables, "event_participants", later, "event_id",
                          lambda r: f"{r['person_id']} dies a second time in {r['event_id']}, on a day his earlier death "
                          "cannot fall on: record the disagreement in conflicts.csv, or keep one death")


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


DEFECTABLE = ("patronage", "alliance")  # the ties one side can leave: a client his patron, an ally his ally


def _defections_of_a_tie(tables) -> list[Problem]:
    """A defection leaves a tie that was there: it is not dated before the tie began (its latest day before the tie's
    earliest start) nor after the client died (its earliest day after his latest death), though it may come after the
    tie ended (Broverman's testimony against Abakumov, in prison a year after his fall); and only a client or an ally
    defects (a tie of a kind in DEFECTABLE), not a rival."""
    t = tables.ties
    when = {b: t[f"defection_date_{b}"].to_numpy(dtype="datetime64[ns]") for b in ("lo", "hi")}
    early = when["hi"] < t["start_lo"].to_numpy(dtype="datetime64[ns]")
    dead = when["lo"] > _life(tables, t["client_id"], "died_hi")
    other = t["defected"].eq(True).fillna(False).to_numpy(dtype=bool) & ~t["kind"].isin(DEFECTABLE).fillna(False).to_numpy(dtype=bool)
    return (problems_where(tables, "ties", early, "defection_date",
                           lambda r: f"dates the defection ({r['defection_date']}) before the tie began ({r['start']})")
            + problems_where(tables, "ties", dead, "defection_date",
                             lambda r: f"dates the defection ({r['defection_date']}) after {r['client_id']} died")
            + problems_where(tables, "ties", other, "defected",
                             lambda r: f"records a defection on a {r['kind']} tie: only a client (patronage) or an ally "
                             "(alliance) defects; set defected to false, or record the tie it left"))


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
