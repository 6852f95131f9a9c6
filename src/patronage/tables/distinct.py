"""The distinct values of the tables' columns, each column factorised once and shared: by the schema checks,
the cross-table rules, the derived person columns and every selection of the same tables."""

from __future__ import annotations

import numpy as np
import pandas as pd


class Distinct:
    """The distinct values of the tables' columns, each column factorised once for all the rules.

    ``codes(table, column)`` is (codes, values): each row's position among the column's distinct
    non-empty values, -1 for an empty cell. ``per_value`` evaluates an elementwise expression once
    per distinct value (and once for the empty cell) and returns it for every row: the same answer,
    cell by cell, as the expression over the whole column.
    """

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames  # may still be filled, as the tables are read
        self._found: dict[tuple, np.ndarray | tuple[np.ndarray, np.ndarray]] = {}
        self._seen: dict[str, pd.DataFrame] = {}
        self._parent: Distinct | None = None  # see narrowed
        self._kept: dict[str, np.ndarray | None] = {}
        self._inherited: set[tuple[str, str]] = set()

    def narrowed(self, frames: dict[str, pd.DataFrame], kept: dict[str, np.ndarray | None]) -> Distinct:
        """A Distinct of ``frames`` that factorises no column this one has already.

        For each table named in ``kept``, ``frames`` holds the rows of this one's table that the
        boolean mask ``kept[table]`` keeps (None: every row), in order, with the same values in
        the columns this one's frame has. A column of such a table then takes this one's codes at
        the kept rows and this one's distinct values, some of which may no longer occur in it; no
        row holds their codes, so nothing is spread to a row from them. At a register's size,
        factorising the id columns again was most of the cost of a selection.
        """
        child = Distinct(frames)
        child._parent, child._kept = self, kept
        return child

    def keeping(self, columns: set[tuple[str, str]]) -> Distinct:
        """A Distinct of the same frames with what this one found for ``columns`` ((table, column)
        pairs) and the lookups between them, and nothing else: a few arrays to keep with the
        tables, not one per column of the package (anything else is found again if asked for)."""
        other = Distinct(self.frames)
        other._seen = dict(self._seen)
        other._found = {key: found for key, found in self._found.items()
                        if {(key[i], key[i + 1]) for i in range(1, len(key), 2)} <= columns}
        return other

    def _from_parent(self, table: str, column: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(codes, distinct values) of the column taken from the Distinct this one narrows, if it can be."""
        parent = self._parent
        if parent is None or table not in self._kept or table not in parent.frames \
                or column not in parent.frames[table].columns:
            return None
        mask = self._kept[table]
        codes, uniques = parent.codes(table, column)
        if mask is not None:
            if len(mask) != len(codes):
                return None
            codes = codes[mask]
        if len(codes) != len(self.frames[table]):
            return None
        self._inherited.add((table, column))
        return codes, uniques

    def _current(self, table: str) -> None:
        """Forget what was found in a table whose frame has since been replaced (a resource named twice)."""
        frame = self.frames[table]
        if self._seen.setdefault(table, frame) is not frame:
            self._found = {k: v for k, v in self._found.items() if table not in k}
            self._inherited = {k for k in self._inherited if k[0] != table}
            self._seen[table] = frame

    def codes(self, table: str, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values) of one column; an empty cell has code -1."""
        self._current(table)
        key = ("codes", table, column)
        if key not in self._found and (inherited := self._from_parent(table, column)) is not None:
            self._found[key] = inherited
        if key not in self._found:
            values = np.asarray(self.frames[table][column].array, dtype=object)
            sample = values[::max(1, len(values) // 64)]
            if 2 * np.count_nonzero(pd.isna(sample)) > len(sample):  # mostly empty, by a sample of 64 cells:
                empty = pd.isna(values)  # factorising only the filled cells is then much faster
                codes = np.full(len(values), -1, dtype=np.intp)
                codes[~empty], uniques = pd.factorize(values[~empty])
            else:
                codes, uniques = pd.factorize(values)  # an empty cell gets code -1
            self._found[key] = codes, uniques
        return self._found[key]

    def values(self, table: str, column: str) -> pd.Series:
        """The column's distinct values as a Series of its dtype, then one empty cell (which code -1 picks)."""
        uniques = self.codes(table, column)[1]
        return pd.Series(pd.array(np.append(uniques, [None]), dtype=self.frames[table][column].dtype))

    def spread(self, table: str, column: str, answer) -> np.ndarray:
        """``answer`` (one item per distinct value, then one for the empty cell) for every row of the column."""
        return np.asarray(answer)[self.codes(table, column)[0]]

    def per_value(self, table: str, column: str, expression) -> np.ndarray:
        """``expression(values)`` (elementwise, over a Series like the column) for every row of the column."""
        return self.spread(table, column, expression(self.values(table, column)).to_numpy())

    def match(self, table: str, column: str, target: str, target_column: str) -> np.ndarray:
        """For each distinct value of ``table.column``, then the empty cell: the position of the same value
        among the distinct values of ``target.target_column``, -1 where it has none. The empty cell
        matches the target's empty cell, at position len(target's values), as pandas' joins and index
        lookups match them.
        """
        values, ids = self.codes(table, column)[1], self.codes(target, target_column)[1]
        if {(table, column), (target, target_column)} <= self._inherited:  # the same distinct values: the same answer
            return self._parent.match(table, column, target, target_column)
        key, index = ("match", table, column, target, target_column), ("index", target, target_column)
        if key not in self._found:
            if index not in self._found:  # one index (and hash table) of the target's values for every column matched to it
                self._found[index] = pd.Index(ids, dtype=object)
            self._found[key] = np.append(self._found[index].get_indexer(pd.Index(values, dtype=object)), len(ids))
        return self._found[key]

    def first_rows(self, table: str, column: str) -> np.ndarray:
        """For each distinct value of the column, then the empty cell: the position of the first row holding it (-1: none)."""
        codes, uniques = self.codes(table, column)
        first = pd.Series(codes).drop_duplicates(keep="first")
        rows = np.full(len(uniques) + 1, -1, dtype=np.intp)
        rows[first.to_numpy()] = first.index.to_numpy()  # code -1, the empty cell, lands in the last slot
        return rows

    def first_values(self, table: str, column: str, values: np.ndarray, missing) -> np.ndarray:
        """``values`` (one per row of the table) looked up by ``column``: for each distinct value of the
        column, then for the empty cell, ``values`` at the first row holding it, ``missing`` where no
        row does; and last ``missing`` again, which position -1 (from ``match``) picks."""
        rows = np.append(self.first_rows(table, column), -1)
        found = values[np.maximum(rows, 0)] if len(values) else np.full(len(rows), missing)
        return np.where(rows >= 0, found, missing)
