"""What the panel of crises shows under draws of its uncertain dates, in sentences built from the counts
(:mod:`patronage.robustness.panel_draws`): how far the pooled share and the counts of top clients and defectors move, at
which crises, and how many crises reach the panel's aim of top clients."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.verdicts import number
from patronage.robustness.wording import listing as _listing
from patronage.robustness.wording import share_of_draws


def panel_draw_findings(counts: pd.DataFrame, drawn: pd.Series, point_share: float) -> str:
    """How far the panel moves with its uncertain dates (``counts``, ``drawn``: :func:`patronage.robustness.panel_draws.
    counts_under_draws` and :func:`~patronage.robustness.panel_draws.pooled_under_draws`), beside the pooled share
    at the point estimates, and at which crises the count of top clients or of defectors moves."""
    share = "no share" if pd.isna(drawn["share median"]) else (
        f"a share of {drawn['share median']:.3f} in at least {float(drawn['confidence']):.0%} of the draws"
        if drawn["share low"] == drawn["share high"] else
        f"a median share of {drawn['share median']:.3f} ({float(drawn['confidence']):.0%} of the draws between "
        f"{drawn['share low']:.3f} and {drawn['share high']:.3f})")
    point = f"{point_share:.3f}" if pd.notna(point_share) else "no share"
    fewest, most = int(drawn["top clients fewest"]), int(drawn["top clients most"])
    held = f"{fewest} to {most} top clients" if fewest != most else f"{number(most, 'top client')} in every draw"
    out = [f"Under {number(int(drawn['draws']), 'draw')} of the uncertain dates the panel holds {held}, with {share}, "
           f"against {point} at the point estimates."]
    for what, recorded, low, high, moved in (("top clients", "recorded", "fewest", "most", "draws with another count"),
                                             ("defectors", "defected", "defected fewest", "defected most",
                                              "draws with another defected count")):
        items = [f"{r['crisis']} ({int(r[low])} to {int(r[high])}, against {int(r[recorded])} recorded; another count in "
                 f"{share_of_draws(r[moved])} of the draws)" for _, r in counts[counts[moved] > 0].iterrows()]
        out.append(f"The count of {what} moves with the dates at {_listing(items)}." if items
                   else f"No crisis's count of {what} moves with the dates.")
    return " ".join(filter(None, [*out, _aim_under_draws(drawn)]))


def _aim_under_draws(drawn: pd.Series) -> str:
    """How many crises reach the panel's aim of ``min clients`` top clients, recorded and over the draws ('' when the
    summary does not say: one written before the aim was counted, or without the recorded counts)."""
    if pd.isna(drawn.get("crises at min clients", pd.NA)):
        return ""
    k, n = int(drawn["min clients"]), int(drawn["crises at min clients"])
    low, high, fewer = int(drawn["crises at min clients fewest"]), int(drawn["crises at min clients most"]), float(
        drawn["draws with fewer crises at min clients"])
    if low == high == n:
        tail = " and in every draw."
    else:
        fewer_than = "no such crisis" if n == 1 else f"fewer than {n} such crises"
        tail = f", {low} to {high} over the draws" + (f"; {fewer_than} in {share_of_draws(fewer)} of the draws." if fewer else "; never fewer.")
    count = "No crisis has" if not n else "1 crisis has" if n == 1 else f"{n} crises have"
    return f"{count} at least {number(k, 'top client')} at the point estimates" + tail
