"""How robust is the verdict: other specifications, the uncertainty of the dates, ties inferred from careers.

Three checks on the hypotheses of :mod:`patronage.analysis.hypotheses`, each computed by calling the
package's functions directly (no notebook is re-run), each in its own module and all importable
from here:

1. **Specifications** (:mod:`patronage.robustness.specifications`): every coding × reading × evidence level
   × horizon × population; shares of verdicts over the specifications, each counted once; *distinct* specifications
   (selections of rows the crisis cannot tell apart, with a horizon and a population) for the curve's columns and the
   comparisons; and which dimension moves which verdict.
2. **Date uncertainty** (:mod:`patronage.robustness.date_draws`, :mod:`patronage.robustness.date_orderings`): every
   EDTF date drawn inside its bounds (a spell's kept inside its organisation's period); the
   orderings the argument rests on, decided by the bounds or given as shares of the draws; the
   verdicts under the first draws, and the date a split of them follows (:mod:`patronage.robustness.draw_splits`).
3. **Ties inferred from careers** (:mod:`patronage.robustness.career_ties`,
   :mod:`patronage.robustness.inferred_vs_asserted`): the usual political-science rules over the spells,
   their agreement with the asserted ties, and the hypotheses re-run on them (inferred ties
   between leaders left out by default).
4. **The thresholds of the rules** (:mod:`patronage.robustness.thresholds`): every step re-run at the base
   specification with one of notebook 03's thresholds (window, ranks, rare share, alpha) changed at a time.

:func:`robustness_table` sets them side by side. Nothing here names a patron: the patron
and the date are arguments.
"""

from __future__ import annotations

import pandas as pd

from patronage.analysis.verdicts import VERDICTS
from patronage.robustness.career_ties import (
    LEADER_RANK,
    LEADERS,
    MONTH,
    OPEN_END,
    RULES,
    as_ties,
    careers,
    following_ties,
    inferred_ties,
    leader_ties,
    overlap_ties,
    promotion_ties,
    rank_on,
    union_ties,
)
from patronage.robustness.choices import moved_and_relabelled, relabels_text
from patronage.robustness.date_draws import (
    EDTF_FIELDS,
    DateDraws,
    date_bounds,
    draw_dates,
    organisation_periods,
    redated,
    uncertain_dates,
    verdicts_under_draws,
)
from patronage.robustness.date_orderings import (
    Drawn,
    decided_by_bounds,
    defection_days,
    orderings,
    predecessor_spell,
    reward_days,
    reward_spell,
)
from patronage.robustness.draw_splits import split_dates, split_lines
from patronage.robustness.grid_parameters import parse_horizons, parse_populations
from patronage.robustness.inferred_vs_asserted import (
    agreement,
    asserted_pairs,
    hypotheses_on_inferred,
    rule_scores,
    with_inferred_ties,
)
from patronage.robustness.ordered_draws import NOT_A_DAY
from patronage.robustness.specifications import (
    DEFAULT_HORIZONS,
    DIMENSIONS,
    dimension_effects,
    dimension_table,
    distinct_specifications,
    modal_verdicts,
    moved_by,
    selection_key,
    selections,
    shares_table,
    spec_label,
    specification_grid,
    specifications,
    verdict_shares,
)
from patronage.robustness.thresholds import (
    THRESHOLDS,
    moved_by_thresholds,
    parse_thresholds,
    threshold_column,
    threshold_effects,
    threshold_legend,
    threshold_lines,
    threshold_table,
    verdicts_at_thresholds,
)

__all__ = [
    "DEFAULT_HORIZONS", "DIMENSIONS", "EDTF_FIELDS", "LEADERS", "LEADER_RANK", "MONTH", "NOT_A_DAY",
    "OPEN_END", "RULES", "THRESHOLDS", "VERDICTS", "DateDraws", "Drawn", "agreement", "as_ties", "asserted_pairs", "careers",
    "date_bounds", "decided_by_bounds", "defection_days", "dimension_effects", "dimension_lines", "dimension_table",
    "distinct_specifications", "draw_dates", "following_ties", "hypotheses_on_inferred", "inferred_ties",
    "leader_ties", "modal_verdicts", "moved_by", "moved_by_thresholds", "orderings", "organisation_periods", "overlap_ties",
    "parse_horizons", "parse_populations", "parse_thresholds", "predecessor_spell", "promotion_ties", "rank_on", "redated",
    "reward_days", "reward_spell", "robustness_table", "rule_scores", "selection_key", "selections", "shares_table",
    "spec_label", "specification_grid", "specifications", "split_dates", "split_lines", "threshold_column", "threshold_effects", "threshold_legend", "threshold_lines", "threshold_table",
    "uncertain_dates", "union_ties", "verdict_shares", "verdicts_at_thresholds", "verdicts_under_draws", "with_inferred_ties",
]


def robustness_table(grid: pd.DataFrame, under_draws: pd.DataFrame, rerun: pd.DataFrame,
                     thresholds: pd.DataFrame | None = None) -> pd.DataFrame:
    """The checks side by side, one row per hypothesis.

    Columns: the verdict on the asserted ties under the base specification; the most frequent
    verdict across the specifications of the grid and across the date draws, with its share (every
    verdict sharing the top share is named, and under the draws every verdict whose share is within
    twice the draws' margin of it, 2 x 1.96 x sqrt(0.25 / draws), the margin of a difference between two shares:
    a split closer than that is too close to call);
    the verdict on the ties of every inference rule; with ``thresholds`` (:func:`threshold_effects`), the
    thresholds that, changed alone, move a decided verdict (:func:`threshold_column`).
    """
    def modal(frame, margin: float = 0.0):
        if frame.empty:
            return pd.Series(dtype="object")
        out = {}
        for h, row in verdict_shares(frame)[list(VERDICTS)].iterrows():
            top = row[(row > 0) & (row >= row.max() - margin)].sort_values(ascending=False, kind="stable")
            if len(top) > 1 and top.min() < top.max():
                out[h] = f"{' / '.join(top.index)} ({' / '.join(f'{v:.2f}' for v in top)}: too close to call)"
            else:
                out[h] = f"{' / '.join(top.index)} ({row.max():.2f}{' each' if len(top) > 1 else ''})"
        return pd.Series(out)

    verdicts = rerun.pivot(index="hypothesis", columns="ties", values="verdict")
    k = under_draws["draw"].nunique() if len(under_draws) else 0
    draws = modal(under_draws, 2 * 1.96 * (0.25 / k) ** 0.5) if k else pd.Series("not run", index=verdicts.index)
    columns = {"base": verdicts["asserted"], "specifications": modal(grid), "date draws": draws}
    columns |= {f"inferred: {name}": verdicts[name] for name in dict.fromkeys(rerun["ties"]) if name != "asserted"}
    if thresholds is not None and len(thresholds):
        columns["moved by a threshold"] = threshold_column(thresholds)
    return pd.DataFrame(columns).sort_index()


def dimension_lines(effects: pd.DataFrame) -> list[str]:
    """One line per dimension of the grid (:func:`dimension_effects`): the steps its change alone moves, 'moves no
    verdict', or, where the grid holds one value of it, that it was not varied: nothing was compared, so nothing is
    claimed (a grid of one horizon said 'horizon: moves no verdict', which the default grid contradicts)."""
    lines = []
    for dim in DIMENSIONS:
        mine = effects[effects["dimension"] == dim]
        if len(mine) and int(mine["values"].max()) < 2:
            lines.append(f"- {dim}: not varied (one value): nothing compared")
            continue
        moved, relabelled = moved_and_relabelled(effects, dim)
        lines.append(f"- {dim}: " + (f"moves {len(moved)} decided step(s): {', '.join(moved)}" if moved else "moves no decided verdict")
                     + relabels_text(relabelled, ", ".join))
    return lines
