"""How the two tests against the case (:func:`patronage.robustness.pooled.rarer_than_case`) read at the other rank
thresholds of the recount: the pooled share is recounted one rank below and one above the threshold
(:func:`~patronage.robustness.pooled.pooled_variants`), and a reading of the tests ("improbably low") that holds at
one threshold only rests on where the line of a top client is drawn. Notebook 05 and the README's findings say it in
the same words (:func:`thresholds_sentence`), the README from the table 05 writes (:func:`tests_at_thresholds`)."""

from __future__ import annotations

import pandas as pd

from patronage.robustness.wording import p_text

COLUMNS = ["case", "min rank", "binomial p (one-sided, less)", "fisher p (one-sided, less)"]


def tests_at_thresholds(tables, rosters: dict, case: str, min_rank: int, ranks: tuple[int, ...] | None = None) -> pd.DataFrame:
    """The binomial and Fisher p-values of the tests against ``case`` at each threshold in ``ranks`` (by default one
    rank below ``min_rank`` and one above, as the recount: ``min_rank`` itself and any rank off the scale 0-7 left out);
    NaN where there is no test at that threshold (no top client of the case defected, or no other top client). No row
    where there is no test at ``min_rank`` itself: there is no reading there to set the others beside.

    returns: one row per threshold: case, min rank, binomial p (one-sided, less), fisher p (one-sided, less).
    """
    # imported here: every build writes the README's sentence (thresholds_sentence), and the tests pull in scipy (~0.8 s)
    from patronage.robustness.pooled import rarer_than_case

    ranks = (min_rank - 1, min_rank + 1) if ranks is None else ranks
    if pd.isna(rarer_than_case(tables, rosters, case, min_rank)[COLUMNS[3]]):  # no test at all there (Fisher's)
        ranks = ()
    rows = []
    for rank in (r for r in ranks if r != min_rank and 0 <= r <= 7):
        test = rarer_than_case(tables, rosters, case, rank)
        rows.append({"case": case, "min rank": rank, COLUMNS[2]: float(test[COLUMNS[2]]), COLUMNS[3]: float(test[COLUMNS[3]])})
    return pd.DataFrame(rows, columns=COLUMNS)


def thresholds_sentence(table: pd.DataFrame, alpha: float = 0.05) -> str:
    """The rows of :func:`tests_at_thresholds` in a sentence, each test read at level ``alpha``; '' for no row."""
    parts = []
    for row in table.to_dict("records"):
        binomial, fisher, rank = row[COLUMNS[2]], row[COLUMNS[3]], int(row["min rank"])
        if pd.isna(fisher):
            parts.append(f"at rank >= {rank}, no test")
            continue
        low = "improbably low" if binomial < alpha else "no lower than chance allows"
        count = (f"the others' count is {low} (binomial p = {p_text(binomial)})" if pd.notna(binomial)
                 else "no binomial test (every top client of the case defected)")
        parts.append(f"at rank >= {rank}, {count} and Fisher's test {'tells' if fisher < alpha else 'cannot tell'} "
                     f"the rates apart (p = {fisher:.3f})")
    return f"The tests against {table['case'].iloc[0]} at other thresholds, at the {alpha} level: " + "; ".join(parts) + "." if parts else ""
