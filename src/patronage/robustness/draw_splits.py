"""Which uncertain date a split of the date draws follows.

Where the draws of notebook 04 give a step two verdicts, the share of each is only as meaningful as the date behind
it: a verdict that flips with where inside "1963" a post ended is a fact about that year's calendar (the draws take
every day inside the bounds as equally likely), not a finding. For each such step this finds the one drawn date that
best tells its two most frequent verdicts apart: the cell (table, column, row) and the day such that one verdict comes
out in the draws that put the cell on or before that day, the other in those after it. A split that no single date
explains in nearly every draw (:data:`EXPLAINS`) is said to follow none: several dates, or their order, decide it.

No library does this: it is a one-split decision tree over each drawn cell, written with numpy so that every cell of
the tables is tried at once (scikit-learn's tree would be one fit per cell, and is not a dependency here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.robustness.date_draws import DateDraws

EXPLAINS = 0.95  # the share of the draws one date must sort right to be named as the date a split follows
ID_COLUMNS = {"spells": "spell_id", "ties": "tie_id", "events": "event_id"}
NAT = np.datetime64("NaT", "D").astype(np.int64)  # a missing day, as the int64 the days are sorted by (the smallest)
COLUMNS = ["hypothesis", "first", "second", "table", "field", "row", "recorded", "day", "next", "agree", "draws"]


def split_dates(view, under_draws: pd.DataFrame, draws: DateDraws) -> pd.DataFrame:
    """For each step whose draws give more than one verdict, the date its split follows (``under_draws``:
    :func:`patronage.robustness.date_draws.verdicts_under_draws` on ``draws`` of ``view``).

    returns: one row per split step: hypothesis; first (the verdict of the draws on or before ``day``) and second
    (after it); table, field, row (its id) and recorded (the date as written) of the cell; day and next (the last drawn
    day before the cut and the first after it: the line lies between them); agree (how many of the
    draws with either verdict the split sorts right) and draws (how many draws give either verdict). A step whose best
    cell sorts fewer than :data:`EXPLAINS` of them has an empty table, field and row: no one date explains it.
    """
    rows = []
    for h, mine in under_draws.sort_values("draw").groupby("hypothesis", sort=False):
        top = mine["verdict"].value_counts().index[:2]
        if len(top) < 2:
            continue
        both = mine[mine["verdict"].isin(top)]
        best = _best_cell(draws, both["draw"].to_numpy(), (both["verdict"] == top[0]).to_numpy())
        row = {"hypothesis": h, "first": top[0], "second": top[1], "table": "", "field": "", "row": "", "recorded": "",
               "day": pd.NaT, "next": pd.NaT, "agree": best[0], "draws": len(both)}
        if best[0] >= EXPLAINS * len(both):
            _, table, field, j, (day, after), first_before = best
            frame = getattr(view, table).loc[draws.index[table]]
            row |= {"table": table, "field": field, "row": frame[ID_COLUMNS.get(table, frame.columns[0])].iloc[j],
                    "recorded": frame[field].iloc[j], "day": pd.Timestamp(day), "next": pd.Timestamp(after),
                    "first": top[0] if first_before else top[1], "second": top[1] if first_before else top[0]}
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _best_cell(draws: DateDraws, which: np.ndarray, is_first: np.ndarray) -> tuple:
    """The cell whose drawn days, over the draws ``which``, best sort ``is_first`` by one cut: (agree, table, field,
    column position, (last day before the cut, first day after it), True if the first verdict lies before it); (0, ...)
    if none varies."""
    best = (0, "", "", -1, None, True)
    y = is_first.astype(np.int64)
    for (table, field), days in draws.days.items():
        # the days as the analysis read them (an open start's draw raised to its floor: DateDraws.at); NaT is the
        # smallest int64, so a missing day sorts first
        d = draws.at(table, field, np.arange(days.shape[1]))[which].astype("datetime64[D]").astype(np.int64)
        order = np.argsort(d, axis=0, kind="stable")
        ds, ys = np.take_along_axis(d, order, 0), y[order]
        known = ds != NAT  # a draw in which the cell is empty sorts on neither side: it agrees with no cut
        first, second = ys * known, (1 - ys) * known
        before_first, before_second = np.cumsum(first, axis=0)[:-1], np.cumsum(second, axis=0)[:-1]
        # a cut only between two different days, never right after a missing one: it would only say whether the date
        # is recorded in a draw, which is no day the split follows
        cut = (ds[:-1] != ds[1:]) & known[:-1]
        agree_first = before_first + (second.sum(axis=0) - before_second)  # first before the cut, second after
        agree_second = before_second + (first.sum(axis=0) - before_first)  # second before, first after
        score = np.where(cut, np.maximum(agree_first, agree_second), 0)
        if score.size == 0 or score.max() <= best[0]:
            continue
        i, j = np.unravel_index(np.argmax(score), score.shape)
        day = ds[i, j]
        days_around = (np.datetime64(int(day), "D"), np.datetime64(int(ds[i + 1, j]), "D"))
        best = (int(score[i, j]), table, field, int(j), days_around, bool(agree_first[i, j] >= agree_second[i, j]))
    return best


def split_lines(splits: pd.DataFrame) -> list[str]:
    """One sentence per split step (:func:`split_dates`): the date it follows, or that no one date explains it."""
    lines = []
    for r in splits.itertuples(index=False):
        if not r.table:
            lines.append(f"{r.hypothesis}: {r.first} or {r.second} follows no single date (the best sorts {r.agree} of "
                         f"{r.draws} draws): several dates, or their order, decide it.")
            continue
        lines.append(f"{r.hypothesis}: {r.first} where {r.table} {r.row!r} {r.field} (recorded {r.recorded!r}) is drawn on or "
                     f"before {r.day.date()}, {r.second} where on or after {r.next.date()}, in {r.agree} of {r.draws} draws: the shares are "
                     "how much of that date's bounds lies on each side, not evidence for either verdict.")
    return lines
