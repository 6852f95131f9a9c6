"""One day recorded twice: a post ended by an arrest, and the arrest.

The tables record an arrest twice where they know both: as the end of the posts it ended
(``spells.end_cause`` "arrest") and as an event in which the man is "arrested". Where the sources
date it to a month or a season, the two cells carry the same uncertain text ("1953-09/1953-10": Merkulov's
post at State Control and his arrest), and drawn one by one they fall on different days: the post
ends weeks before or after the arrest that ended it, which no source says. So the two are drawn as one
day (:func:`link`), inside the days both allow, as a move's two ends are
(:func:`patronage.robustness.date_draws.moves`).

An arrest that ended more than one recorded post (or one event recording several men's arrests) is drawn
with the first of those posts in table order; the others are drawn on their own, inside the same days.
An arrest whose dates share no day with the post's end (another arrest of the same man) is not linked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ENDED_BY = "arrest"  # spells.end_cause of a post ended by its holder's arrest
ROLE = "arrested"  # event_participants.role of the man arrested at an event


def arrests(tables, end: tuple[np.ndarray, np.ndarray], date: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    """The arrests recorded both as an event and as the end of a post: (position of the event, position of the
    spell) in table order, where the two dates share a day (``end``, ``date``: the (lo, hi) bounds the draws use)."""
    spells, events, part = tables.spells, tables.events, tables.event_participants
    ended = pd.DataFrame({"person_id": spells["person_id"].to_numpy(), "spell": np.arange(len(spells))})
    ended = ended[spells["end_cause"].eq(ENDED_BY).fillna(False).to_numpy()]
    where = pd.Series(np.arange(len(events)), index=events["event_id"].to_numpy())
    held = part[part["role"].eq(ROLE).fillna(False) & part["event_id"].isin(where.index)]
    arrested = pd.DataFrame({"person_id": held["person_id"].to_numpy(), "event": where[held["event_id"]].to_numpy()})
    pairs = arrested.merge(ended, on="person_id").sort_values(["event", "spell"], kind="stable")
    e, s = pairs["event"].to_numpy(int), pairs["spell"].to_numpy(int)
    known = ~(np.isnat(date[0][e]) | np.isnat(end[0][s]))
    meet = known & (np.maximum(date[0][e], end[0][s]) <= np.minimum(date[1][e], end[1][s]))
    return list(zip(e[meet].tolist(), s[meet].tolist(), strict=True))


def narrow(end: tuple[np.ndarray, np.ndarray], date: tuple[np.ndarray, np.ndarray],
           pairs: list[tuple[int, int]]) -> tuple[tuple, tuple, dict[int, int]]:
    """The bounds of the posts' ends and of the events' dates narrowed to the days each arrest and the posts it
    ended allow (copies), and the pairs drawn as one day: position of the event -> position of the spell.

    Pairs are taken in order: an event is drawn with its first post, and narrows the posts after it to its
    days where they share one; a spell is drawn with one event at most.
    """
    (e_lo, e_hi), (d_lo, d_hi) = (tuple(a.copy() for a in b) for b in (end, date))
    linked: dict[int, int] = {}
    for event, spell in pairs:
        lo, hi = max(d_lo[event], e_lo[spell]), min(d_hi[event], e_hi[spell])
        if lo > hi or spell in linked.values():
            continue
        e_lo[spell], e_hi[spell] = lo, hi
        if event not in linked:
            d_lo[event], d_hi[event] = lo, hi
            linked[event] = spell
    return (e_lo, e_hi), (d_lo, d_hi), linked


def link(days: dict, linked: dict[int, int]) -> None:
    """Give each linked event the drawn day of the post its arrest ended (``days``: the draws by (table, field),
    changed in place)."""
    if linked:
        events, spells = np.fromiter(linked, int), np.fromiter(linked.values(), int)
        days["events", "date"][:, events] = days["spells", "end"][:, spells]
