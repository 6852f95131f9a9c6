"""Which uncertain date a split of the date draws follows.

Where the draws of notebook 04 give a step more than one verdict, the share of each is only as meaningful as the date
behind it: a verdict that flips with where inside "1963" a post ended is a fact about how often the draws put that
day on each side of a line (every day the bounds allow taken as equally likely, a start and an end of one row drawn
together), not a finding. For each such step this finds the one drawn date that best sorts its verdicts: the cell
(table, column, row) and the day such that some verdicts come out in the draws that put the cell on or before that
day, the others in those after it. A split that no single date explains in nearly every draw (:data:`EXPLAINS`) is
said to follow none: several dates, or their order, decide it. Nor is one named that sorts them well only as
some date of the hundreds drawn would by chance (:data:`CHANCE`): with five draws, some post of 1953 sorted
the verdicts of Yezhov's fall in 1938.

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
CHANCE = 0.05  # the largest chance, bounded over every date drawn and every cut, of a date sorting the draws as well
COLUMNS = ["hypothesis", "before", "after", "table", "field", "row", "recorded", "day", "next", "agree", "draws", "dates",
           "chance"]


def split_dates(view, under_draws: pd.DataFrame, draws: DateDraws) -> pd.DataFrame:
    """For each step whose draws give more than one verdict, the date its split follows (``under_draws``:
    :func:`patronage.robustness.date_draws.verdicts_under_draws` on ``draws`` of ``view``).

    Every verdict of the step counts: a cut of a cell's drawn days sorts each verdict to the side where most of its
    draws lie, and the cell and cut that sort the most draws to their verdict's side, with a verdict on each side, is
    the date the split follows (a third verdict that lies with one of two others, H1's 'fails' beside 'inconclusive'
    at Yezhov's fall, is named on its side, not left out).

    returns: one row per split step: hypothesis; before and after (the verdicts sorted to each side, with how many
    draws give each there, most first: 'inconclusive (114) or fails (22)'); table, field, row (its id) and recorded
    (the date as written) of the cell; day and next (the last drawn day before the cut and the first after it: the
    line lies between them); agree (how many draws the cut sorts to their verdict's side) and draws (how many there
    are); dates (how many drawn dates vary over those draws) and chance (a bound on the chance that one of them sorts
    the draws as well with no bearing on the verdicts, :func:`_by_chance`). A step whose best cell sorts fewer than
    :data:`EXPLAINS` of them, or might by more than :data:`CHANCE`, has an empty table, field and row, and its
    verdicts in ``before``: no one date explains it.
    """
    rows = []
    for h, mine in under_draws.sort_values("draw").groupby("hypothesis", sort=False):
        counts = mine["verdict"].value_counts()
        if len(counts) < 2:
            continue
        codes = pd.Categorical(mine["verdict"], categories=counts.index).codes
        agree, cell, left, right, dates = _best_cell(draws, mine["draw"].to_numpy(), codes, len(counts))
        chance = _by_chance(left, right, dates, len(counts)) if cell else 1.0
        row = {"hypothesis": h, "before": _listed(counts), "after": "", "table": "", "field": "", "row": "",
               "recorded": "", "day": pd.NaT, "next": pd.NaT, "agree": agree, "draws": len(mine), "dates": dates,
               "chance": chance}
        if agree >= EXPLAINS * len(mine) and chance <= CHANCE:
            table, field, j, day, after = cell
            frame = getattr(view, table).loc[draws.index[table]]
            row |= {"table": table, "field": field, "row": frame[ID_COLUMNS.get(table, frame.columns[0])].iloc[j],
                    "recorded": frame[field].iloc[j], "day": pd.Timestamp(day), "next": pd.Timestamp(after),
                    "before": _listed(_side(counts.index, left, right)), "after": _listed(_side(counts.index, right, left))}
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _side(verdicts: pd.Index, here: np.ndarray, there: np.ndarray) -> pd.Series:
    """The verdicts sorted to one side of a cut (more of their draws here than there), with their draws here."""
    return pd.Series(here, index=verdicts)[here > there].sort_values(ascending=False, kind="stable")


def _listed(counts: pd.Series) -> str:
    """'inconclusive (114) or fails (22)'."""
    return " or ".join(f"{v} ({n})" for v, n in counts.items())


def _by_chance(left: np.ndarray, right: np.ndarray, dates: int, k: int) -> float:
    """A bound on the chance that some one of ``dates`` drawn dates, at some cut, sorts the draws to their verdict's
    side as well as the best cut does (``left``, ``right``: the draws of each of the ``k`` verdicts on either side of
    it) if the verdicts followed no date. With n draws, g of them of the verdicts sorted before the cut and e sorted
    wrong, a cut that sorts as well puts between g - e and g + e draws before it, at least (cut + g - e) / 2 of them
    of those verdicts: each such cut's hypergeometric chance (scipy), summed, and multiplied by the dates and by the
    ways of sorting k verdicts into two sides (Bonferroni's bound: the dates are drawn together, not apart, so no
    tighter bound holds for all)."""
    from scipy.stats import hypergeom

    side = left > right
    n, g = int(left.sum() + right.sum()), int(left[side].sum() + right[side].sum())
    wrong = n - int(np.maximum(left, right).sum())
    cuts = np.arange(max(1, g - wrong), min(n - 1, g + wrong) + 1)
    p = float(hypergeom.sf(np.ceil((cuts + g - wrong) / 2) - 1, n, g, cuts).sum())
    return min(1.0, p * dates * (2 ** k - 2))


def _best_cell(draws: DateDraws, which: np.ndarray, codes: np.ndarray, k: int) -> tuple:
    """The cell whose drawn days, over the draws ``which`` (their verdicts ``codes``, 0 to k - 1), sort the most draws
    to their verdict's side of one cut, with a verdict on each side: (agree, (table, field, column position, last day
    before the cut, first day after it), draws of each verdict before the cut, after it, how many cells' days vary
    over those draws); agree 0 if none does."""
    best: tuple = (0, None, None, None)
    dates = 0
    onehot = np.eye(k, dtype=np.int64)[codes]  # draws x verdicts
    for (table, field), days in draws.days.items():
        # the days as the analysis read them (an open start's draw raised to its floor: DateDraws.at); NaT is the
        # smallest int64, so a missing day sorts first
        d = draws.at(table, field, np.arange(days.shape[1]))[which].astype("datetime64[D]").astype(np.int64)
        order = np.argsort(d, axis=0, kind="stable")
        ds = np.take_along_axis(d, order, 0)
        dates += int((ds[0] != ds[-1]).sum()) if len(ds) else 0
        known = ds != NAT  # a draw in which the cell is empty sorts on neither side: it agrees with no cut
        counted = onehot[order] * known[..., None]  # draws x cells x verdicts, in each cell's order of days
        left = np.cumsum(counted, axis=0)[:-1]
        right = counted.sum(axis=0) - left
        # a cut only between two different days, never right after a missing one (it would only say whether the date
        # is recorded in a draw), and with a verdict on each side
        cut = ((ds[:-1] != ds[1:]) & known[:-1] & (left > right).any(axis=2) & (right > left).any(axis=2))
        score = np.where(cut, np.maximum(left, right).sum(axis=2), 0)
        if score.size == 0 or score.max() <= best[0]:
            continue
        i, j = np.unravel_index(np.argmax(score), score.shape)
        cell = (table, field, int(j), np.datetime64(int(ds[i, j]), "D"), np.datetime64(int(ds[i + 1, j]), "D"))
        best = (int(score[i, j]), cell, left[i, j], right[i, j])
    return (*best, dates)


def split_lines(splits: pd.DataFrame) -> list[str]:
    """One sentence per split step (:func:`split_dates`): the date it follows, or that no one date explains it."""
    lines = []
    for r in splits.itertuples(index=False):
        if not r.table and r.agree >= EXPLAINS * r.draws and r.chance > CHANCE:
            lines.append(f"{r.hypothesis}: {r.before} follows no date these draws can tell from chance: the best sorts "
                         f"{r.agree} of {r.draws} draws, but of the {r.dates} dates drawn one may sort them as well by chance "
                         + ("(nothing bounds that chance below 1)" if r.chance >= 1 else f"(a chance of up to {r.chance:.2g})")
                         + "; more draws would tell.")
            continue
        if not r.table:
            lines.append(f"{r.hypothesis}: {r.before} follows no single date (the best sorts {r.agree} of {r.draws} "
                         "draws): several dates, or their order, decide it.")
            continue
        several = " or " in r.before or " or " in r.after
        lines.append(f"{r.hypothesis}: {r.before} where {r.table} {r.row!r} {r.field} (recorded {r.recorded!r}) is drawn on "
                     f"or before {r.day.date()}; {r.after} where on or after {r.next.date()}; {r.agree} of {r.draws} draws "
                     "on their verdict's side. How often each side comes out is how often the draws put that date there, "
                     "a matter of its bounds (and of any date drawn with it), not evidence for either"
                     + ("; between verdicts on the same side, other dates decide." if several else "."))
    return lines
