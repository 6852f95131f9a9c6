"""What changing one choice of the specification grid alone does to the steps, in words: the steps whose decided
verdict it moves, and apart, those it only relabels between labels that decide nothing ('no data' to 'no case', 'no
case' to a coding), which are no sign that the choice matters."""

from __future__ import annotations

import pandas as pd


def moved_and_relabelled(effects: pd.DataFrame, dim: str) -> tuple[list[str], list[str]]:
    """The steps (sorted) whose decided verdict changing ``dim`` alone moves, and those it only relabels
    (``effects``: :func:`patronage.robustness.specifications.dimension_effects`)."""
    mine = effects[effects["dimension"] == dim]
    return (sorted(mine.loc[mine["decided"] > 0, "hypothesis"]),
            sorted(mine.loc[(mine["moved"] > 0) & (mine["decided"] == 0), "hypothesis"]))


def relabels_text(relabelled: list[str], listing) -> str:
    """The clause for the steps a choice only relabels ('' for none), each named by ``listing``."""
    return f" (it only relabels {listing(relabelled)}, between labels that decide nothing)" if relabelled else ""
