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

import pandas as pd

from patronage import cache
from patronage.analysis.crisis import make_crisis
from patronage.parallel import map_ordered
from patronage.robustness.date_draws import DateDraws, cache_inputs, redated

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
    """The computation of :func:`top_clients_under_draws`; the draws are shared among the cores."""
    crises = list(listed[["crisis", "patron_id", "date"]].itertuples(index=False))

    def one_draw(i: int) -> list[dict]:
        tables = redated(view, draws, i)
        return [{"draw": i, "crisis": c.crisis, **top_count(make_crisis(tables, c.patron_id, c.date).roster, min_rank)}
                for c in crises]

    rows = [row for rows in map_ordered(one_draw, range(draws.n)) for row in rows]
    return pd.DataFrame(rows, columns=DRAW_COLUMNS)


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
