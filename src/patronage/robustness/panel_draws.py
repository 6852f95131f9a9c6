"""The panel under its uncertain dates: how many top clients each crisis has, and the pooled share, when
every uncertain date of the tables is drawn inside its bounds.

Whether a client is a top client depends on two dates: a patronage tie must run the day before the crisis,
and so must the post that gives his rank. Many of those dates are known to a month, a year or a span (a post
taken up "by June 1957", an appointment "1936-1937"), and the panel's counts take one reading of them,
the point estimates (:func:`patronage.analysis.careers.point`). Each draw of
:func:`patronage.robustness.date_draws.draw_dates` is another reading, equally consistent with the
sources: the same rule, applied to it, says how far the counts and the pooled share rest on where
inside their bounds the true days fell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage import cache
from patronage.analysis.crisis import AGAINST_ROLES, DAY, TARGET_ROLES, WINDOW_DAYS
from patronage.robustness.date_draws import DateDraws, cache_inputs
from patronage.robustness.life_dates import LAST, LifeDates

DRAW_COLUMNS = ["draw", "crisis", "top clients", "defected"]
COUNT_COLUMNS = ["crisis", "recorded", "fewest", "median", "most", "draws with another count", "defected",
                 "defected fewest", "defected most", "draws with another defected count"]


def top_clients_under_draws(view, listed: pd.DataFrame, draws: DateDraws, min_rank: int = 4) -> pd.DataFrame:
    """Each crisis of ``listed`` (:func:`patronage.robustness.crisis_list.crisis_list`) under each draw of the dates:
    how many top clients (rank >= min_rank the day before) its patron had, and how many of them defected.

    In a build the result is kept in the cache (:func:`patronage.cache.cached_result`) under the content
    of the tables, the draws, the list and the threshold.

    returns: one row per draw and crisis (:data:`DRAW_COLUMNS`).
    """
    inputs = [*cache_inputs(view, draws), listed[["crisis", "patron_id", "date"]].to_csv(index=False), repr(int(min_rank))]
    return cache.cached_result("top-clients-under-draws", inputs, lambda: _under_draws(view, listed, draws, min_rank))


def _under_draws(view, listed: pd.DataFrame, draws: DateDraws, min_rank: int) -> pd.DataFrame:
    """The computation of :func:`top_clients_under_draws`: every draw at once, crisis by crisis.

    The rule is :func:`patronage.analysis.crisis.make_crisis`'s roster read through :func:`top_count`,
    restated on arrays of draws: running the roster's pandas steps once per draw cost about a fifth of a
    second a draw for the nine crises; here 10,000 draws of the whole panel take under a second.
    tests/test_panel_draws.py holds the two to the same counts on every draw of the real tables.
    """
    days, died = _read_days(view, draws), _deaths(view, draws)
    parts = []
    for c in listed[["crisis", "patron_id", "date"]].itertuples(index=False):
        top, defected = _top_counts(view, days, died, c.patron_id, pd.Timestamp(c.date), min_rank)
        parts.append(pd.DataFrame({"draw": np.arange(draws.n), "crisis": c.crisis, "top clients": top, "defected": defected}))
    rows = pd.concat(parts, ignore_index=True).sort_values(["draw"], kind="stable", ignore_index=True)
    return rows[DRAW_COLUMNS]


def _read_days(view, draws: DateDraws) -> dict:
    """Each drawn date as the analysis reads it (:func:`patronage.analysis.careers.point` of a drawn day: the day,
    raised to its column's floor): (table, field) -> (n, rows) datetime64[D]."""
    out = {}
    for (table, field), drawn in draws.days.items():
        floor = getattr(view, table)[f"{field}_floor"].to_numpy(dtype="datetime64[D]")[None, :]
        out[table, field] = np.where(~np.isnat(floor) & (floor > drawn), floor, drawn)
    return out


def _deaths(view, draws: DateDraws) -> dict[str, np.ndarray]:
    """Per draw, each person's latest day of death (NaT where none is recorded), as the persons of a redated table read
    it (:class:`patronage.robustness.life_dates.LifeDates`: the latest drawn day of his death and execution events):
    person_id -> (n,) datetime64[D]."""
    if ("events", "date") not in draws.days:
        return {}
    person, event = LifeDates.of(view).plan["died"]
    ids, drawn = view.persons["person_id"].to_numpy(object), draws.days["events", "date"][:, event].astype("datetime64[D]")
    latest = np.where(np.isnat(drawn), LAST, drawn.astype("int64"))  # no day drawn: below every day
    out = {}
    for p in np.unique(person):
        most = latest[:, person == p].max(axis=1)
        out[ids[p]] = np.where(most == LAST, np.datetime64("NaT", "D"), most.astype("datetime64[D]"))
    return out


def _running(start: np.ndarray, end: np.ndarray, day: np.datetime64) -> np.ndarray:
    """Rows running on ``day`` in each draw, as :func:`patronage.analysis.careers.active` reads them: begun by then
    (an unknown start: not), not ended before (an unknown end: not ended)."""
    return (start <= day) & ~(end < day)


def _top_counts(view, days: dict, died: dict, patron: str, date: pd.Timestamp, min_rank: int, window_days: int = WINDOW_DAYS):
    """Per draw: how many of ``patron``'s clients the day before ``date`` are top clients, and how many of those defected
    (:func:`patronage.analysis.crisis.roster_of`: his patronage ties running that day or ended by a defection within the
    window, each client's first recording a defection at the crisis, else his first by tie_id,
    none of a client dead by then (``died``: :func:`_deaths`); his rank that day; a recorded defection within the
    window, or an act against him at the crisis)."""
    day, before, window = np.datetime64(date.date(), "D"), np.datetime64((date - DAY).date(), "D"), np.timedelta64(window_days, "D")
    ties = view.ties
    mine = np.flatnonzero(((ties["patron_id"] == patron) & (ties["kind"] == "patronage")).fillna(False).to_numpy(bool))
    mine = mine[np.argsort(ties["tie_id"].to_numpy(object)[mine], kind="stable")]
    start, end, when = (days["ties", c][:, mine] for c in ("start", "end", "defection_date"))
    recorded = ties["defected"].fillna(False).to_numpy(bool)[mine] & ~((when < day - window) | (when > day + window))
    # running the day before, or ended within the window before the day by a defection within it (roster_of)
    by_it = (ties["end"] == ties["defection_date"]).fillna(False).to_numpy(bool)[mine]
    run = _running(start, end, before) | (recorded & by_it & (start <= before) & (end >= day - window))
    turned = _turncoats(view, days, patron, day, window)
    spells, n = view.spells, run.shape[0]
    top, defected = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
    for client in dict.fromkeys(ties["client_id"].to_numpy(object)[mine]):
        own = np.flatnonzero(ties["client_id"].to_numpy(object)[mine] == client)
        # each draw's tie of his: the first recording a defection at this crisis, else his first running (roster_of)
        first = own[np.argmax(run[:, own] & recorded[:, own], axis=1)]
        first = np.where((run[:, own] & recorded[:, own]).any(axis=1), first, own[np.argmax(run[:, own], axis=1)])
        held = run[:, own].any(axis=1) & ~(died.get(client, np.datetime64("NaT", "D")) < before)  # NaT: not dead
        posts = np.flatnonzero((spells["person_id"] == client).fillna(False).to_numpy(bool))
        on = _running(days["spells", "start"][:, posts], days["spells", "end"][:, posts], before)
        rank = np.where(on, spells["seniority"].to_numpy(float)[posts], -np.inf).max(axis=1, initial=-np.inf)
        counted = held & (rank >= min_rank)
        top += counted
        defected += counted & (recorded[np.arange(n), first] | turned.get(client, False))
    return top, defected


def _turncoats(view, days: dict, patron: str, day: np.datetime64, window: np.timedelta64) -> dict:
    """Per draw, who acted against ``patron`` in an event of his within the window before ``day`` (and on it):
    person -> (n,) bool (:func:`patronage.analysis.crisis.crisis_events`), event by event as
    :func:`patronage.analysis.crisis.turncoats_of` reads them: an event aimed at others and not at him counts no one;
    one aimed at him and others counts only a man a tie joins to him, begun by the day (in each draw)."""
    events, parts = view.events, view.event_participants
    his = set(parts.loc[parts["person_id"] == patron, "event_id"])
    out: dict = {}
    for j in np.flatnonzero(events["event_id"].isin(his).to_numpy(bool)):
        mid = days["events", "date"][:, j]
        near = (mid >= day - window) & (mid <= day)
        here = parts[parts["event_id"] == events["event_id"].iat[j]]
        acting = set(here.loc[here["role"].isin(AGAINST_ROLES), "person_id"].dropna()) - {patron}
        aimed = set(here.loc[here["role"].isin(TARGET_ROLES), "person_id"].dropna()) - acting
        if acting and not aimed <= {patron} and patron not in aimed:
            continue  # his rivals' fall, or theirs at his hands: no one turned on him
        for person in acting:
            out[person] = out.get(person, False) | (near & (_tied(view, days, patron, person, day) if aimed - {patron} else True))
    return out


def _tied(view, days: dict, patron: str, person: str, day: np.datetime64) -> np.ndarray:
    """Per draw, whether a tie of any kind joins ``person`` to ``patron``, begun by ``day`` (an unknown start included)."""
    ties = view.ties
    pair = (((ties["patron_id"] == patron) & (ties["client_id"] == person))
            | ((ties["client_id"] == patron) & (ties["patron_id"] == person))).fillna(False).to_numpy(bool)
    start = days["ties", "start"][:, pair]
    return (np.isnat(start) | (start <= day)).any(axis=1)


def top_count(roster: pd.DataFrame, min_rank: int) -> dict:
    """How many clients of a roster are top clients (rank >= min_rank the day before; an unknown rank is not), and
    how many of those defected: the count of :func:`patronage.robustness.verdict_panel.top_clients`."""
    top = roster[roster["rank_before"].ge(min_rank).fillna(False).to_numpy(dtype=bool)]
    return {"top clients": len(top), "defected": int(top["defected"].sum())}


def counts_under_draws(under: pd.DataFrame, rosters: dict, min_rank: int = 4) -> pd.DataFrame:
    """Per crisis of ``rosters`` (name -> Crisis at the point estimates, in the panel's order): its count of top
    clients as recorded, the fewest, median and most over the draws, and the share of draws with another
    count; then the same for the defectors among them.

    returns: :data:`COUNT_COLUMNS`.
    """
    rows = []
    for name, crisis in rosters.items():
        recorded, drawn = top_count(crisis.roster, min_rank), under[under["crisis"] == name]
        n, k = drawn["top clients"], drawn["defected"]
        rows.append({"crisis": name, "recorded": recorded["top clients"], "fewest": int(n.min()), "median": float(n.median()),
                     "most": int(n.max()), "draws with another count": float((n != recorded["top clients"]).mean()),
                     "defected": recorded["defected"], "defected fewest": int(k.min()), "defected most": int(k.max()),
                     "draws with another defected count": float((k != recorded["defected"]).mean())})
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def pooled_under_draws(under: pd.DataFrame, confidence: float = 0.95, counts: pd.DataFrame | None = None,
                       min_clients: int = 5) -> pd.Series:
    """The pooled share of defectors among all top clients, draw by draw, summed up: the number of draws, the
    range of the pooled count of top clients, and the median and central ``confidence`` range of the shares
    (a spread from the dates alone, beside which the exact interval of the point estimates gives the spread
    from the small number of men).

    Also how many crises have at least ``min_clients`` top clients (the panel's aim for a crisis that can speak
    of a rate): fewest and most over the draws and, given ``counts`` (:func:`counts_under_draws`), how many at
    the point estimates and the share of draws with fewer.
    """
    per_draw = under.groupby("draw")[["top clients", "defected"]].sum()
    share = per_draw["defected"] / per_draw["top clients"].where(per_draw["top clients"] > 0)
    tail = (1 - confidence) / 2
    large = under["top clients"].ge(min_clients).groupby(under["draw"]).sum()
    recorded = int(counts["recorded"].ge(min_clients).sum()) if counts is not None else pd.NA
    return pd.Series({"draws": len(per_draw), "top clients fewest": int(per_draw["top clients"].min()),
                      "top clients most": int(per_draw["top clients"].max()), "share median": float(share.median()),
                      "share low": float(share.quantile(tail)), "share high": float(share.quantile(1 - tail)),
                      "confidence": confidence, "min clients": int(min_clients), "crises at min clients": recorded,
                      "crises at min clients fewest": int(large.min()), "crises at min clients most": int(large.max()),
                      "draws with fewer crises at min clients": float((large < recorded).mean()) if counts is not None else pd.NA},
                     dtype="object")
