"""How the two tests against the case (:func:`patronage.robustness.pooled.rarer_than_case`) read at the other rank
thresholds of the recount: the pooled share is recounted at rank >= 3 and >= 5 (:func:`~patronage.robustness.pooled.
pooled_variants`), and a reading of the tests ("improbably low") that holds at one threshold only rests on where the
line of a top client is drawn."""

from __future__ import annotations

import pandas as pd

from patronage.robustness.findings import p_text
from patronage.robustness.pooled import rarer_than_case


def tests_at_thresholds(tables, rosters: dict, case: str, min_rank: int, alpha: float = 0.05,
                        ranks: tuple[int, ...] = (3, 5)) -> str:
    """A sentence: the binomial and Fisher p-values of the tests against ``case`` at each threshold in ``ranks`` (but
    ``min_rank``, and any off the scale 0-7), each read at level ``alpha``; '' where there is none to give."""
    parts = []
    for rank in (r for r in ranks if r != min_rank and 0 <= r <= 7):
        test = rarer_than_case(tables, rosters, case, rank)
        binomial, fisher = test["binomial p (one-sided, less)"], test["fisher p (one-sided, less)"]
        if pd.isna(binomial):
            parts.append(f"at rank >= {rank}, no test")
            continue
        low = "improbably low" if binomial < alpha else "no lower than chance allows"
        parts.append(f"at rank >= {rank}, the others' count is {low} (binomial p = {p_text(binomial)}) and Fisher's "
                     f"test {'tells' if fisher < alpha else 'cannot tell'} the rates apart (p = {fisher:.3f})")
    return f"The tests against {case} at other thresholds, at the {alpha} level: " + "; ".join(parts) + "." if parts else ""
