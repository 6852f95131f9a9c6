"""Tables as a reader sees them in the notebooks: a missing value shown as '–', not as pandas' '<NA>' or 'NaN',
and an empty table as a sentence rather than a header with no rows."""

from __future__ import annotations

import pandas as pd

MISSING = "–"


def shown(frame: pd.DataFrame, empty: str | None = None) -> pd.DataFrame | None:
    """``frame`` with every missing value as MISSING (the values themselves unchanged), for display.

    empty: the sentence to print instead when the frame has no rows (None: show the empty frame).
    returns: the frame to display, or None when the sentence was printed.
    """
    if frame.empty and empty is not None:
        print(empty)
        return None
    return frame.astype(object).where(frame.notna(), MISSING)
