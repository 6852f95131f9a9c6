"""What a cross-table rule reports: a Problem for every row where a condition holds, naming the table's file."""

from __future__ import annotations

import pandas as pd

from patronage.errors import Problem


def file_of(tables, name: str) -> str:
    """The file of table ``name``, as the descriptor names it."""
    return next(r["path"] for r in tables.descriptor["resources"] if r["name"] == name)


def problems_where(tables, name: str, mask, column: str | None, message) -> list[Problem]:
    """A Problem for every row of table ``name`` where ``mask`` (a boolean Series or array) holds;
    message may be a function of the row."""
    frame = getattr(tables, name)
    if isinstance(mask, pd.Series):
        mask = mask.fillna(False).astype(bool).to_numpy()
    if not mask.any():
        return []
    file, rows = file_of(tables, name), frame[mask]
    # an empty cell a message quotes is named 'empty', not by pandas' repr of a missing value ('<NA>')
    return [Problem(file, int(i), column, message(r).replace("<NA>", "empty") if callable(message) else message)
            for i, r in rows.iterrows()]
