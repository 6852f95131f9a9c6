"""The orderings the argument rests on, under the uncertainty of the dates: decided by the bounds, or by the draws.

For each defector: did he defect before his patron fell, and before his reward? Did the reward
fall inside the window H3 counts? Did he take up his new post before its previous holder left
it? Each day is read from the draws of :mod:`patronage.robustness.date_draws`, with the exact earliest and
latest day it can take. An ordering those bounds already decide (one interval ends on or before
the other begins) is reported as decided and given no share: no draw can move it, and a share
would only measure where inside the bounds the draws happened to fall. Shares of the draws are
given only where the bounds leave more than one ordering possible.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from patronage.analysis.careers import act_earliest, point
from patronage.analysis.crisis import DAY, Crisis, crisis_events
from patronage.analysis.offices import SUCCESSION_GAP, predecessors
from patronage.robustness.date_draws import DateDraws
from patronage.robustness.ordered_draws import NOT_A_DAY

LAST_DAY = np.datetime64("9999-12-31", "D")


class Drawn(NamedTuple):
    """A day in every draw, with the earliest and latest it can take (NaT: never recorded) and
    whether it is recorded in every draw."""

    days: np.ndarray
    lo: np.datetime64
    hi: np.datetime64
    always: bool


def fixed(day: pd.Timestamp, n: int) -> Drawn:
    """A day known exactly (the crisis, the end of a window), as a Drawn."""
    d = np.datetime64(day.date(), "D")
    return Drawn(np.full(n, d), d, d, True)


def nothing(n: int) -> Drawn:
    """A day that is not recorded in any draw."""
    return Drawn(np.full(n, NOT_A_DAY), NOT_A_DAY, NOT_A_DAY, False)


def _defection(view, crisis: Crisis, draws: DateDraws, person) -> Drawn:
    """Drawn day of a defection: the tie's defection_date, else the earliest crisis event where he acted against the patron."""
    tie = view.ties[view.ties["tie_id"] == crisis.roster.set_index("client_id").loc[person, "tie_id"]]
    if len(tie) and pd.notna(tie["defection_date_lo"].iloc[0]):
        # the draws read a defection dated only 'by' a day on that day; its bounds, what decides an ordering, reach
        # back to its tie's start (careers.act_earliest)
        lo, hi = draws.bounds_of("ties", "defection_date", tie.index[0])
        return Drawn(draws.of("ties", "defection_date", tie.index[0]),
                     min(lo, np.datetime64(act_earliest(tie).iloc[0], "D")), hi, True)
    parts = crisis_events(view, crisis.patron, crisis.date, crisis.window_days)
    acts = parts.loc[(parts["person_id"] == person) & (parts["role"] == "defecting"), "event_id"]
    at = np.array([draws.index["events"].get_loc(r) for r in view.events.index[view.events["event_id"].isin(acts)]], dtype=int)
    lo, hi = (b[at] for b in draws.bounds["events", "date"])
    known = ~(np.isnat(lo) | np.isnat(hi))
    if not known.any():
        return nothing(draws.n)
    return Drawn(draws.at("events", "date", at[known]).min(axis=1), lo[known].min(), hi[known].min(), True)


def defection_days(view, crisis: Crisis, draws: DateDraws, person) -> np.ndarray:
    """Drawn day of a defection: the tie's defection_date, else the crisis event where he acted against the patron."""
    return _defection(view, crisis, draws, person).days


def _rank_before(crisis: Crisis, person) -> int | None:
    """His rank the day before the crisis, None if no post of his is recorded that day."""
    rank = crisis.roster.set_index("client_id").loc[person, "rank_before"]
    return None if pd.isna(rank) else int(rank)


def _reward(view, crisis: Crisis, draws: DateDraws, person) -> tuple[Drawn, pd.DataFrame]:
    """The drawn reward (see :func:`reward_days`) with its exact bounds.

    With cutoff c (the day before the crisis), a candidate whose latest start is c or later may be
    the reward; one whose earliest start is c or later always starts after c, so the reward is
    never later than its latest start. Hence lo = min over the possible of max(earliest, c), hi =
    min over the sure of their latest (the latest of the possible if none is sure, and then the
    reward is missing in some draws).
    """
    rank = _rank_before(crisis, person)
    spells = view.spells
    cand = spells[(spells["person_id"] == person) & (spells["seniority"] > rank)] if rank is not None else spells.iloc[0:0]
    if cand.empty:
        return nothing(draws.n), cand
    at = [draws.index["spells"].get_loc(r) for r in cand.index]
    cols = draws.at("spells", "start", at)
    lo, hi = (b[at] for b in draws.bounds["spells", "start"])
    cutoff = np.datetime64((crisis.date - DAY).date(), "D")
    cols = np.where(cols >= cutoff, cols, NOT_A_DAY)
    first = np.where(np.isnat(cols), LAST_DAY, cols).min(axis=1)
    days = np.where(first == LAST_DAY, NOT_A_DAY, first)
    possible, sure = ~np.isnat(hi) & (hi >= cutoff), ~np.isnat(lo) & (lo >= cutoff)
    if not possible.any():
        return nothing(draws.n), cand
    low = np.where(lo[possible] > cutoff, lo[possible], cutoff).min()
    high = hi[sure].min() if sure.any() else hi[possible].max()
    return Drawn(days, low, high, bool(sure.any())), cand


def reward_days(view, crisis: Crisis, draws: DateDraws, person) -> tuple[np.ndarray, pd.DataFrame]:
    """Drawn start of each defector's first higher post after the crisis, and the candidate spells.

    Candidates: his spells of a seniority above his rank the day before the crisis. In each draw
    the reward is the earliest candidate starting on or after the day before the crisis (NaT if
    none). If his rank that day is not recorded, no post is known to be higher: NaT in every draw,
    no candidates.
    """
    drawn, cand = _reward(view, crisis, draws, person)
    return drawn.days, cand


def reward_spell(view, crisis: Crisis, person) -> pd.DataFrame:
    """The first higher post after the crisis at the point estimates of the dates (one spell or none;
    none if his rank the day before is not recorded)."""
    rank = _rank_before(crisis, person)
    s = view.spells
    if rank is None:
        return s.iloc[0:0]
    s = s[(s["person_id"] == person) & (s["seniority"] > rank)]
    s = s[point(s, "start") >= crisis.date - DAY]
    return s.assign(_day=point(s, "start")).sort_values(["_day", "spell_id"]).head(1).drop(columns="_day")


def predecessor_spell(view, spell: pd.DataFrame) -> pd.DataFrame:
    """The spell the previous holder of an office left, as :func:`patronage.analysis.offices.predecessors` finds him."""
    if spell.empty:
        return spell
    pred = predecessors(view, spell)["predecessor_id"].iloc[0]
    if pd.isna(pred):
        return spell.iloc[0:0]
    lineage = view.organisations.set_index("org_id")["lineage"]
    row = spell.iloc[0]
    s = view.spells
    s = s[(s["person_id"] == pred) & (s["org_id"].map(lineage) == lineage[row["org_id"]]) & (s["seniority"] == row["seniority"])]
    start = point(spell, "start").iloc[0]
    end = point(s, "end")
    s = s[(end >= start - SUCCESSION_GAP) & (end <= start + DAY)]
    return s.assign(_end=point(s, "end")).sort_values(["_end", "spell_id"]).tail(1).drop(columns="_end")


def decided_by_bounds(first: Drawn, second: Drawn) -> str:
    """The ordering of two days if their bounds decide it, else 'no'.

    'before' / 'after': one interval ends before the other begins; 'on or before' / 'on or after':
    it ends on the day the other begins (the bounds share that one day); 'same day': both are the
    same single day; 'not recorded': one of them is in no draw. 'no': the bounds overlap otherwise
    (or a day is missing in some draws only), so only the draws can tell.
    """
    if np.isnat(first.lo) or np.isnat(second.lo):
        return "not recorded"
    if not (first.always and second.always):
        return "no"
    if first.lo == first.hi == second.lo == second.hi:
        return "same day"
    if first.hi < second.lo:
        return "before"
    if first.lo > second.hi:
        return "after"
    if first.hi == second.lo:
        return "on or before"
    if first.lo == second.hi:
        return "on or after"
    return "no"


def _span(d: Drawn) -> str:
    if np.isnat(d.lo):
        return "not recorded"
    return str(d.lo) if d.lo == d.hi else f"{d.lo} to {d.hi}"


def _compare(first: Drawn, second: Drawn) -> dict:
    """What the bounds decide, else the shares of draws with first before, on the same day as, after
    second, and undefined (a missing day); the shares are NaN where the bounds decide."""
    decided = decided_by_bounds(first, second)
    out = {"first's bounds": _span(first), "second's bounds": _span(second), "decided by the bounds": decided}
    if decided != "no" or _pinned(first) or _pinned(second):  # a date read on one day in every draw: no share either
        return out | dict.fromkeys(("before", "same day", "after", "undefined"), np.nan)
    a, b, n = first.days, second.days, len(first.days)
    defined = ~(np.isnat(a) | np.isnat(b))
    return out | {"before": float((defined & (a < b)).sum() / n), "same day": float((defined & (a == b)).sum() / n),
                  "after": float((defined & (a > b)).sum() / n), "undefined": float((~defined).sum() / n)}


def _pinned(drawn: Drawn) -> bool:
    """True for a day the draws put on one day in every draw though its bounds span more: a defection dated only 'by'
    a day, which the draws read on that day (as the point estimates do) while its bounds reach back to its tie's start
    (Mamsurov's 'by 29 October 1957'). Shares of such a day would only repeat that reading, not weigh the bounds."""
    days = drawn.days[~np.isnat(drawn.days)]
    return bool(len(days)) and not np.isnat(drawn.lo) and drawn.lo < drawn.hi and (days == days[0]).all()


ORDERING_COLUMNS = ["person_id", "ordering", "first", "second", "first's bounds", "second's bounds",
                    "decided by the bounds", "before", "same day", "after", "undefined"]


def orderings(view, crisis: Crisis, draws: DateDraws, window_days: int = 365) -> pd.DataFrame:
    """The orderings the argument rests on, per defector: decided by the bounds, or shares of the draws.

    - the defection against the fall of the patron (the crisis day, fixed);
    - the defection against the reward (the start of his first higher post after the crisis);
    - the reward against the end of the reward window (crisis + ``window_days``), as H3 counts it;
    - his taking up that post against its previous holder leaving it (the post and the holder
      found at the point estimates, as in H3b).

    An ordering the bounds decide (:func:`decided_by_bounds`) is reported as decided, its shares
    left empty: no draw can move it, and a share would only measure where inside the bounds the
    draws fell. Shares are given only where the bounds leave more than one ordering possible, and left empty too
    where one of the days is read on the same day in every draw though its bounds leave it open (:func:`_pinned`).

    returns: one row per defector and ordering: person_id, ordering, first, second, the bounds of
    each, ``decided by the bounds`` (the ordering, or 'no'), and the shares of draws with first
    before / on the same day as / after second, and undefined (one of the days missing in that draw).
    """
    rows = []
    names = view.persons.set_index("person_id")["name"]
    fall = fixed(crisis.date, draws.n)
    window_end = fixed(crisis.date + pd.Timedelta(days=window_days), draws.n)
    for person in crisis.defectors:
        defection = _defection(view, crisis, draws, person)
        reward, _ = _reward(view, crisis, draws, person)
        post = reward_spell(view, crisis, person)
        prior = predecessor_spell(view, post)
        name = post["post"].iloc[0] if len(post) else "no higher post"
        rows.append({"person_id": person, "ordering": "defection vs the patron's fall", "first": "defection",
                     "second": f"fall ({crisis.date.date()})", **_compare(defection, fall)})
        rows.append({"person_id": person, "ordering": "defection vs reward", "first": "defection",
                     "second": "first higher post", **_compare(defection, reward)})
        rows.append({"person_id": person, "ordering": "reward vs end of window", "first": "first higher post",
                     "second": f"crisis + {window_days} days", **_compare(reward, window_end)})
        rows.append({"person_id": person, "ordering": "took up the post vs previous holder left",
                     "first": f"start: {name}", **_succession(draws, names, post, prior)})
    return pd.DataFrame(rows, columns=ORDERING_COLUMNS)


def _succession(draws: DateDraws, names: pd.Series, post: pd.DataFrame, prior: pd.DataFrame) -> dict:
    """A defector's taking up his reward against its previous holder leaving it: ``second`` (who left it,
    or why no one did) and the comparison of the two days (:func:`_compare`)."""
    took = nothing(draws.n) if post.empty else Drawn(draws.of("spells", "start", post.index[0]),
                                                      *draws.bounds_of("spells", "start", post.index[0]), True)
    if len(prior):
        holder = names.get(prior["person_id"].iloc[0], prior["person_id"].iloc[0])
        lo, hi = draws.bounds_of("spells", "end", prior.index[0])
        left = Drawn(draws.of("spells", "end", prior.index[0]), lo, hi, not np.isnat(lo))
        second = f"{holder} left it"
    else:
        left, second = nothing(draws.n), "no previous holder recorded" if len(post) else "no post"
    return {"second": second, **_compare(took, left)}


