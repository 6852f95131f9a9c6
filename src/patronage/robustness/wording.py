"""How the robustness findings word a number or a list (a p-value, a share of the draws, 'a, b and c'), written once for
the closings of notebooks 04 and 05 (:mod:`patronage.robustness.findings`, :mod:`patronage.robustness.draw_findings`)
and the README's (:mod:`patronage.publish.findings`)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def p_text(p: float) -> str:
    """A p-value as a sentence shows it: four decimals, or two significant digits below 0.0001 (never '0.0000'), and 0
    as 0 (a count the tested rate cannot produce)."""
    return "0" if p == 0 else f"{p:.4f}" if p >= 1e-4 else f"{p:.1e}"


def share_of_draws(share: float) -> str:
    """A share of the draws in a sentence: a whole percentage, but never '0%' for some draws nor '100%' for not all."""
    return "under 1%" if 0 < share < 0.005 else "over 99%" if 0.995 <= share < 1 else f"{share:.0%}"


def listing(items: list[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (``last``: the word before the last item); 'none' for no items."""
    return "none" if not items else items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def rounded_shares(shares: pd.Series, digits: int = 2) -> pd.Series:
    """Shares rounded to ``digits`` so that they still sum to one where that takes no side between equal shares (largest
    remainders: each share rounded down, and the units left over given to the largest remainders): 225, 12, 6 and 27 of
    270 are 0.83, 0.05, 0.02 and 0.10, not 0.83, 0.04, 0.02 and 0.10, which sum to 0.99. Where the last units left
    would go to some of several equal shares and not the others, none of those gets one, nor any smaller remainder:
    three thirds are 0.33 each, not 0.34, 0.33 and 0.33, which would make one of three equal shares the largest (the
    row then sums to 0.99).
    numpy and pandas round each value alone."""
    scale = 10 ** digits
    scaled = shares.to_numpy(dtype=float) * scale
    units = np.floor(scaled + 1e-9)
    left = max(int(round(scale * float(shares.sum()) - units.sum())), 0)
    for i in np.argsort(-(scaled - units), kind="stable"):  # the largest remainders first
        equal = np.flatnonzero(np.abs(scaled - scaled[i]) <= 1e-9)  # shares equal to this one take a unit together
        if units[i] > np.floor(scaled[i] + 1e-9):
            continue  # given with an equal share already
        if len(equal) > left:
            break
        units[equal] += 1
        left -= len(equal)
    return pd.Series(units / scale, index=shares.index)
