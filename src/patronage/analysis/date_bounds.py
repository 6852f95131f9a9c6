"""The bounds a date can be read between, as the date draws read them and the steps decide with them.

A spell's start and end are narrowed to the period in which its organisation existed (:func:`date_bounds`), and a
move from one post to the next, which the sources date once, is one day that both posts' bounds allow
(:func:`moves`, :func:`on_the_same_day`): Serov's headship of the MGB, dated '1953-06-26/1954' by the article, began
on the day he left the first deputyship of an MVD that ceased to exist on 13 March 1954, so by that day.
:mod:`patronage.robustness.date_draws` draws every date inside these bounds; a step that must say whether a date
certainly falls on one side of a line (a reward within the window: :func:`patronage.analysis.defectors.rewards_of`)
reads the same bounds (:func:`spell_start_bounds`), so that the point estimates and the draws do not disagree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.analysis.careers import moves_between


def organisation_periods(tables, spells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For each spell, the widest period in which its organisation may have existed: from the
    earliest day of ``valid_from`` to the latest day of ``valid_to`` (NaT where open or unknown)."""
    orgs = tables.organisations.set_index("org_id")
    first = spells["org_id"].map(orgs["valid_from_lo"]).to_numpy(dtype="datetime64[D]")
    last = spells["org_id"].map(orgs["valid_to_hi"]).to_numpy(dtype="datetime64[D]")
    return first, last


def within(lo: np.ndarray, hi: np.ndarray, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds [lo, hi] narrowed to [first, last] (NaT: no limit on that side) wherever the two overlap;
    where they do not (the tables disagree with themselves), the bounds as recorded."""
    new_lo = np.where(~np.isnat(first) & (first > lo), first, lo)
    new_hi = np.where(~np.isnat(last) & (last < hi), last, hi)
    ok = ~(np.isnat(lo) | np.isnat(hi)) & (new_lo <= new_hi)
    return np.where(ok, new_lo, lo), np.where(ok, new_hi, hi)


def date_bounds(tables, table: str, col: str) -> tuple[np.ndarray, np.ndarray]:
    """Earliest and latest day (datetime64[D], NaT if empty) of one EDTF column, rows in table order.

    A spell's start and end are narrowed to its organisation's period (:func:`organisation_periods`)
    where that leaves at least one day.
    """
    frame = getattr(tables, table)
    lo = frame[f"{col}_lo"].to_numpy(dtype="datetime64[D]")
    hi = frame[f"{col}_hi"].to_numpy(dtype="datetime64[D]")
    if table == "spells":
        lo, hi = within(lo, hi, *organisation_periods(tables, frame))
    return lo, hi


def moves(spells: pd.DataFrame, start: tuple[np.ndarray, np.ndarray], end: tuple[np.ndarray, np.ndarray]) -> dict[int, int]:
    """The posts taken up by a move, drawn on the day the previous post ended: position of the later spell ->
    position of the earlier one.

    A move (:func:`patronage.analysis.careers.moves_between`): a spell ends by promotion, transfer,
    reorganisation or demotion, and the same person's spell that starts with the same EDTF text (on bounds
    that share a day, once narrowed to the organisations' periods) is the post he moved to. The sources date the move once ("1938": moved to the railways), so its two ends are
    one uncertain day, not two: drawn independently they would leave a gap, or an overlap, that no source
    records. The day lies where both bounds allow it (:func:`on_the_same_day`): a post left "in 1954" in a
    ministry dissolved on 13 March 1954 for one "in 1954" in its successor, created that day, was left on it.
    With several earlier spells (other readings of the same post) the first in table order is taken.
    ``start``/``end``: the (lo, hi) bounds the draws use (:func:`date_bounds`).
    """
    pairs = moves_between(spells)
    a, b = pairs["a"].to_numpy(int), pairs["b"].to_numpy(int)
    meet = ~np.isnat(start[0][b]) & (np.maximum(start[0][b], end[0][a]) <= np.minimum(start[1][b], end[1][a]))
    found: dict[int, int] = {}
    for i, j in sorted(zip(b[meet].tolist(), a[meet].tolist(), strict=True)):
        found.setdefault(i, j)
    return found


def on_the_same_day(bounds: dict, one_day: dict[int, int]) -> dict[int, int]:
    """Narrow the two ends of each move (:func:`moves`) to the days both allow, in ``bounds`` (col -> (lo, hi),
    changed in place), so they can be drawn as one day; returns the moves kept (a later post whose start no
    longer meets the end it would share, narrowed by an earlier move from the same post, is drawn on its own)."""
    if not one_day:
        return one_day
    (s_lo, s_hi), (e_lo, e_hi) = (tuple(a.copy() for a in bounds[c]) for c in ("start", "end"))
    kept = {}
    for b, a in sorted(one_day.items()):
        lo, hi = max(s_lo[b], e_lo[a]), min(s_hi[b], e_hi[a])
        if lo <= hi:
            e_lo[a], e_hi[a] = lo, hi
            kept[b] = a
    for b, a in kept.items():
        s_lo[b], s_hi[b] = e_lo[a], e_hi[a]
    bounds["start"], bounds["end"] = (s_lo, s_hi), (e_lo, e_hi)
    return kept


def spell_bounds(tables) -> tuple[dict, dict[int, int]]:
    """The bounds of every spell's start and end (col -> (lo, hi), rows in table order): narrowed to the
    organisation's period (:func:`date_bounds`), and the two ends of each move to the days both allow
    (:func:`on_the_same_day`); with the moves kept (later spell's position -> earlier spell's)."""
    theirs = {col: date_bounds(tables, "spells", col) for col in ("start", "end")}
    return theirs, on_the_same_day(theirs, moves(tables.spells, theirs["start"], theirs["end"]))


def spell_start_bounds(tables) -> tuple[np.ndarray, np.ndarray]:
    """The earliest and latest day each spell (in table order) can have begun, as the draws bound it
    (:func:`spell_bounds`), and no later than its own latest end. Computed once per tables."""
    def compute(t) -> tuple[np.ndarray, np.ndarray]:
        theirs, _ = spell_bounds(t)
        (lo, hi), end_hi = theirs["start"], theirs["end"][1]
        return lo, np.where(~np.isnat(end_hi) & (end_hi < hi) & (end_hi >= lo), end_hi, hi)

    return tables.derived("spell start bounds", compute)
