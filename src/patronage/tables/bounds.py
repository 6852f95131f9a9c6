"""The bounds a date can be read between: as recorded, narrowed by what the tables know of it.

A spell's start and end are narrowed to the period in which its organisation existed (:func:`date_bounds`), and a
move from one post to the next, which the sources date once, is one day that both posts' bounds allow
(:func:`moves`, :func:`on_the_same_day`): Serov's headship of the MGB, dated '1953-06-26/1954' by the article, began
on the day he left the first deputyship of an MVD that ceased to exist on 13 March 1954, so by that day. An arrest
recorded both as an event and as the end of the post it ended is one day too (:func:`arrests`, :func:`narrow`):
Merkulov's, '1953-09/1953-10' in both.

Every selection of the tables reads its spells and events inside these bounds (:func:`as_read`, applied by
:func:`patronage.tables.readings.select`), so that the point estimates of the analysis (the middle of each date's
bounds) and the date draws of :mod:`patronage.robustness.date_draws` (uniform inside them) read the same dates:
no point estimate puts a man in a ministry before it was created, or leaves a gap at a move that no source records.
On bounds already narrowed, narrowing again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

MOVES = frozenset({"promotion", "transfer", "reorganisation", "demotion"})  # end causes that take a man straight to his next post
ENDED_BY = "arrest"  # spells.end_cause of a post ended by its holder's arrest
ROLE = "arrested"  # event_participants.role of the man arrested at an event
READ = {"spells": ("start", "end"), "events": ("date",)}  # the dates a selection reads inside these bounds


def moves_between(spells: pd.DataFrame) -> pd.DataFrame:
    """The posts taken up by a move: each pair of one person's spells where the first ended by promotion,
    transfer, reorganisation or demotion (MOVES) on a date written exactly as the second's start. The sources
    then date the move once ("1946": the commissariat renamed a ministry), and the two posts follow each other
    whatever their point estimates say (two dates "1946" have the same midpoint).

    returns: columns a (position of the earlier spell in ``spells``) and b (of the later), sorted by b, then a.
    """
    pos = np.arange(len(spells))
    moved = spells["end_cause"].isin(MOVES).fillna(False).to_numpy(bool) & spells["end"].notna().to_numpy(bool)
    # the texts as integer codes, ends and starts in one code space, so that the join is on integers: on a register
    # of millions of posts, joining on the strings themselves cost most of a selection
    texts = pd.factorize(np.concatenate([spells["end"].to_numpy(object)[moved], spells["start"].to_numpy(object)]))[0]
    person = pd.factorize(spells["person_id"].to_numpy(object))[0].astype(np.int64)
    width = int(texts.max(initial=-1)) + 2
    left = pd.DataFrame({"key": person[moved] * width + texts[:moved.sum()], "a": pos[moved]})
    right = pd.DataFrame({"key": person * width + texts[moved.sum():], "b": pos})[texts[moved.sum():] >= 0]
    pairs = left.merge(right, on="key").query("a != b")
    return pairs[["a", "b"]].sort_values(["b", "a"], kind="stable").reset_index(drop=True)


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

    A move (:func:`moves_between`): a spell ends by promotion, transfer,
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


def arrests(tables, end: tuple[np.ndarray, np.ndarray], date: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    """The arrests recorded both as an event and as the end of a post: (position of the event, position of the
    spell) in table order, where the two dates share a day (``end``, ``date``: the (lo, hi) bounds the draws use)."""
    spells, events, part = tables.spells, tables.events, tables.event_participants
    held = part[part["role"].eq(ROLE).fillna(False).to_numpy(bool)]  # the few arrested first, then their events
    event = pd.Index(events["event_id"].to_numpy(object)).get_indexer(held["event_id"].to_numpy(object))
    arrested = pd.DataFrame({"person_id": held["person_id"].to_numpy(object), "event": event})[event >= 0]
    ended = spells["end_cause"].eq(ENDED_BY).fillna(False).to_numpy(bool) & \
        spells["person_id"].isin(arrested["person_id"]).to_numpy(bool)
    ended = pd.DataFrame({"person_id": spells["person_id"].to_numpy(object)[ended], "spell": np.flatnonzero(ended)})
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


def linked_bounds(tables, fields: Mapping[str, Iterable[str]] = READ) -> tuple[dict, dict, dict[int, int]]:
    """The bounds each date can be read between ((table, col) -> (lo, hi)), the moves by table (:func:`moves`) and
    the arrests read as one day with the posts they ended (event position -> spell position).

    Bounds: :func:`date_bounds`; for the two ends of a move, the days both allow (:func:`on_the_same_day`); for a
    post ended by an arrest recorded as an event, the days the post's end and the arrest both allow
    (:func:`arrests`, :func:`narrow`). Any other table's dates as recorded.
    """
    bounds, one_day = {}, {}
    for table, cols in fields.items():
        if table == "spells" and {"start", "end"} <= set(cols):
            theirs, one_day[table] = spell_bounds(tables)
            theirs |= {col: date_bounds(tables, table, col) for col in cols if col not in theirs}
        else:
            theirs = {col: date_bounds(tables, table, col) for col in cols}
        bounds.update({(table, col): b for col, b in theirs.items()})
    linked: dict[int, int] = {}
    if {("spells", "end"), ("events", "date")} <= bounds.keys():
        pairs = arrests(tables, bounds["spells", "end"], bounds["events", "date"])
        bounds["spells", "end"], bounds["events", "date"], linked = narrow(
            bounds["spells", "end"], bounds["events", "date"], pairs)
    return bounds, one_day, linked


def as_read(tables) -> dict[str, pd.DataFrame]:
    """The spells and the events of ``tables`` (anything with the frames ``organisations``, ``spells``, ``events`` and
    ``event_participants``) with the ``_lo``/``_hi`` columns of their dates narrowed as :func:`linked_bounds` narrows
    them: new frames, the EDTF text as recorded. A selection reads its dates inside these bounds
    (:func:`patronage.tables.readings.select`)."""
    bounds, _, _ = linked_bounds(tables, READ)
    out = {}
    for table, cols in READ.items():
        frame = getattr(tables, table)
        out[table] = frame.assign(**{f"{col}_{end}": bounds[table, col][i].astype(frame[f"{col}_{end}"].dtype)
                                     for col in cols for i, end in enumerate(("lo", "hi"))})
    return out
