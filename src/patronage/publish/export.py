"""The flat table of every assertion (:mod:`patronage.tables.assertions`) written as CSV, for tools that do not
read data packages (Palladio, Gephi, R): the build writes exports/assertions.csv."""

from __future__ import annotations

from pathlib import Path

from patronage.tables.assertions import assertions


def write_assertions(tables, path: Path) -> Path:
    """Write the flat assertions table as UTF-8 CSV (written to a temporary file, then renamed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    assertions(tables).to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    return path
