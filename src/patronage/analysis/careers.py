"""Careers: who held which post, and how senior, on a given day.

A date stored as EDTF has bounds, which a selection of the tables narrows where the tables know more (a post
within its office's period, a move and an arrest recorded twice each on one day: :mod:`patronage.tables.bounds`);
decisions on a given day use the point estimate of each bound pair, its midpoint
(``patronage.tables.dates.midpoint``), except for a date whose start is
unknown ('/1953-03', 'by March 1953'): edtf pads that start ten years back, and the point estimate
is taken to be no earlier than the first day of its recorded end (``f_floor``,
``patronage.tables.dates.open_start_floor``). So a spell or tie whose start no source gives is not
known to be running before the earliest day the source attests it, and is not counted before then.
A start's bounds end where its end's do, and an end's begin where its start's do (:func:`in_order`):
no post or tie is read as ending before it began. A spell or tie with no end is taken to continue.
The Monte Carlo of the sensitivity analysis draws inside the bounds instead (the same floor applies
to each draw, and no draw puts an end before its start).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.tables.bounds import moves_between
from patronage.tables.dates import midpoint, to_date

PersonId = str


def point(frame: pd.DataFrame, column: str) -> pd.Series:
    """Point estimate of an EDTF column of ``frame``: the midpoint of the bounds, raised to the column's
    floor (``f_floor``: the first day of the recorded end of a date whose start is unknown) where
    the frame carries one and the midpoint lies before it. The bounds of a start are first cut at the
    latest day its end allows, and those of an end at the earliest day its start allows
    (:func:`in_order`), so that no post or tie is read as ending before it began."""
    lo, hi = in_order(frame, column)
    return _raised(midpoint(lo, hi), frame.get(f"{column}_floor"))


def in_order(frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """The bounds of ``column`` (``start`` or ``end``; any other column as recorded), cut by the other end of the
    same row where they overlap it: a post begun "in 1946" and left on 15 March 1946 began between 1 January and
    15 March. Bounds that do not overlap (the tables disagree with themselves) are kept as recorded."""
    lo, hi = frame[f"{column}_lo"], frame[f"{column}_hi"]
    if column == "start" and "end_hi" in frame:
        cut = frame["end_hi"]
        hi = hi.where(~((cut < hi) & (cut >= lo)).fillna(False), cut)
    elif column == "end" and "start_lo" in frame:
        cut = frame["start_lo"]
        lo = lo.where(~((cut > lo) & (cut <= hi)).fillna(False), cut)
    return lo, hi


def floored(frame: pd.DataFrame, column: str, bound: str) -> pd.Series:
    """One bound (``"lo"`` or ``"hi"``) of an EDTF column of ``frame``, raised to the column's floor (``f_floor``) where
    it has one: the day the date can be read as at the earliest, under the rule of :func:`point`. A defection dated
    'by 25 September 1936' can then fall on that day, not ten years before it (edtf's padding). A recorded upper
    bound is never below the floor; a drawn day (:mod:`patronage.robustness.date_draws`), which takes the place
    of both bounds, is raised to it as :func:`point` raises it."""
    return _raised(frame[f"{column}_{bound}"], frame.get(f"{column}_floor"))


def act_earliest(frame: pd.DataFrame, column: str = "defection_date") -> pd.Series:
    """The earliest day an act of ``frame``'s rows (a tie's defection) may have fallen on, for a decision of what came
    first: its lower bound raised to its floor (:func:`floored`), but for an act dated only 'by' a day (an open start),
    its row's start as read (the start's floor, else its earliest day) where that lies within the act's bounds. The
    floor reads such an act on the last day it can, as the point estimates and the draws read it; it does not decide
    that the act came after anything: Mamsurov, who had come to the Central Committee 'by' 29 October 1957, did not
    act 'only after' Zhukov's fall on the 26th."""
    start = frame["start_floor"].where(frame["start_floor"].notna(), frame["start_lo"])
    opened = (frame[f"{column}_floor"].notna() & (start >= frame[f"{column}_lo"]) & (start <= frame[f"{column}_hi"])).fillna(False)
    return floored(frame, column, "lo").where(~opened.to_numpy(dtype=bool), start)


def _raised(values: pd.Series, floor: pd.Series | None) -> pd.Series:
    """``values`` raised to ``floor`` wherever the floor is later (None: no floor; NaT on either side: the value stays)."""
    if floor is None:
        return values
    a, f = values.to_numpy(), floor.to_numpy()
    if a.dtype.kind == "M" and f.dtype.kind == "M":
        f = f.astype(a.dtype)
        return pd.Series(np.where(f > a, f, a), index=values.index)  # NaT compares False
    return values.where(~(floor > values).fillna(False), floor)


def active(frame: pd.DataFrame, on, start: str = "start", end: str = "end") -> pd.Series:
    """Mask of rows (spells, ties) running on day ``on``: started by then and not ended before."""
    day = to_date(on)
    began = point(frame, start) <= day
    ended = point(frame, end) < day
    return (began & ~ended.fillna(False)).astype(bool)


def point_of(tables, table: str, column: str) -> pd.Series:
    """:func:`point` of a column of a whole table (``tables.spells``, ``tables.ties``, ...), computed once per
    tables: a run of the steps asks for the same few columns dozens of times."""
    return tables.derived(("point", table, column), lambda t: point(getattr(t, table), column))


def floored_of(tables, table: str, column: str, bound: str) -> pd.Series:
    """:func:`floored` of a column of a whole table, computed once per tables (the roster and the later turns read the
    bounds of every tie's defection)."""
    return tables.derived(("floored", table, column, bound), lambda t: floored(getattr(t, table), column, bound))


def running_on(tables, table: str, on, start: str = "start", end: str = "end") -> pd.Series:
    """:func:`active` over a whole table (``"spells"`` or ``"ties"``), from its point estimates computed once per tables."""
    day = to_date(on)
    began = point_of(tables, table, start) <= day
    ended = point_of(tables, table, end) < day
    return (began & ~ended.fillna(False)).astype(bool)


def posts_as_of(tables, on) -> pd.DataFrame:
    """The spells running on day ``on``, most senior first."""
    s = tables.spells[running_on(tables, "spells", on)]
    return s.sort_values(["seniority", "person_id"], ascending=[False, True], kind="stable")


def rank_as_of(tables, on, persons=None, missing=0) -> pd.Series:
    """Highest seniority each person holds on day ``on``, indexed by person_id.

    missing: the value for a person with no post recorded that day: 0 (no office) by default;
    ``pd.NA`` where no recorded post means the rank is unknown, not zero.
    """
    s = tables.spells
    # the posts running that day (dates compare as numbers), read as plain values: a few dozen, and the steps ask this of
    # a dozen men in every draw of the dates, where a slice, a filter and a groupby of the table cost more
    running = running_on(tables, "spells", on).to_numpy()
    ids = list(tables.persons["person_id"]) if persons is None else list(persons)
    if persons is not None:  # only their posts are read in Python (pandas' isin, in C, finds them in a register of any size)
        running = running & s["person_id"].isin(ids).to_numpy(dtype=bool)
    held: dict = {}
    for person, rank in zip(s["person_id"].to_numpy()[running], s["seniority"].to_numpy()[running], strict=True):
        if person not in held or rank > held[person]:
            held[person] = rank
    # the index as a reindex of the ids gives it: text inferred from them, or the column's own type if there are none
    index = pd.Index(ids, dtype="str" if ids else s["person_id"].dtype, name="person_id")
    if missing is pd.NA:
        return pd.Series(pd.array([held.get(p) for p in ids], dtype="Int64"), index=index, name="seniority")
    return pd.Series([held.get(p, missing) for p in ids], index=index, name="seniority").astype(int)


def alive_on(tables, on, persons) -> pd.Series:
    """True for each person not known to be dead on day ``on``."""
    died = tables.persons.set_index("person_id")["died_lo"].reindex(list(persons))
    return ~(died <= to_date(on)).fillna(False).astype(bool)


def moved(tables, spells: pd.DataFrame) -> pd.MultiIndex:
    """(spell_id of the post left, spell_id of the post taken up) of every move between two of ``spells`` (rows of
    ``tables.spells``): the moves of the whole table (:func:`moves_between`), found once for these tables and every
    redating of them, as a move reads its dates as they are written, not their bounds
    (:meth:`patronage.tables.load.Tables.undated`); a pair of one person's spells, so those among some rows are the
    table's moves between two of them."""
    def every(t) -> pd.MultiIndex:
        pairs, ids = moves_between(t.spells), t.spells["spell_id"].to_numpy(object)
        return pd.MultiIndex.from_arrays([ids[pairs["a"].to_numpy(int)], ids[pairs["b"].to_numpy(int)]])

    found, ids = tables.undated("moves", every), spells["spell_id"]
    return found[found.get_level_values(0).isin(ids) & found.get_level_values(1).isin(ids)]
