"""A start never after its end: the dates of one row, and of a move, drawn together and in order.

Drawn one by one, the two dates of a post known only as "1941" to "1941" put its end before its start
in half the draws, and a post that ends before it begins is held on no day at all: the man drops
out of every roster of those draws, though no source doubts that he held the post. So the start and
the end of a spell or a tie are drawn jointly, uniformly over the pairs of whole days inside their
bounds that keep the start on or before the end; a move from one post to the next
(:func:`patronage.robustness.date_draws.moves`) makes one day the end of the first and the start of
the second, so the whole chain (start, move, end) is drawn in order. The order holds between the days
as the analysis reads them: an open start ("by March 1953") is read no earlier than its floor
(:func:`patronage.analysis.careers.floored`), so a day drawn before the floor counts as the floor's day.

Dates whose bounds cannot come in the wrong order (a post begun in 1938 and ended in 1940) are drawn
as before, each from its own stream (:func:`cell_stream`): the constraint changes nothing there.

numpy draws from a box, one coordinate at a time; no kept library samples uniformly from a box cut by
``x <= y``. Rejection sampling would cost without limit where the ordered corner is thin, so the draw
here is exact: for each day of a date, the number of ordered completions it leaves below it is counted
over the day grid (the dates of a row and its moves form a tree: each end hangs on its start), and each
date is then found by inverting its conditional distribution with one uniform number of its own stream.
"""

from __future__ import annotations

import hashlib

import numpy as np

NOT_A_DAY = np.datetime64("NaT", "D")
ORDERED = {"spells": ("start", "end"), "ties": ("start", "end")}  # tables whose start may not fall after their end


def cell_stream(seed: int, table: str, col: str, row_id: str) -> np.random.Generator:
    """The random stream of one cell: numpy's generator seeded by ``seed`` and a digest of the cell's name.

    A stable digest (sha256), not Python's ``hash``, which changes from one process to the next.
    """
    digest = hashlib.sha256(f"{table}\0{col}\0{row_id}".encode()).digest()
    return np.random.default_rng([int(seed), int.from_bytes(digest[:16], "little")])


def draw_table(table: str, ids: list[str], bounds: dict, one_day: dict[int, int], n: int, seed: int,
               floors: dict | None = None) -> dict:
    """n draws of every date of one table: {col: (n, rows) datetime64[D] array}, NaT where a date is empty.

    bounds: col -> (lo, hi) arrays of days; one_day: the moves (position of the later row -> the earlier);
    floors: col -> the days an open start is read as at the earliest (``f_floor``: a day drawn before it
    is read as that day, :func:`patronage.analysis.careers.floored`), so the order is kept between the
    days as the analysis reads them. A cell is one date, named by its column and row; the start of a
    post taken up by a move is the cell of the previous post's end, drawn once.
    """
    cells = {col: [cell_of(col, j, one_day) for j in range(len(ids))] for col in bounds}
    lo = {c: bounds[c[0]][0][c[1]] for col in bounds for c in cells[col] if c[0] == col}
    hi = {c: bounds[c[0]][1][c[1]] for c in lo}
    known = {c for c in lo if not (np.isnat(lo[c]) or np.isnat(hi[c]))}
    floors = floors or {}
    floor = {c: _floor_of(lo[c], hi[c], floors[c[0]][c[1]] if c[0] in floors else NOT_A_DAY) for c in known}
    parent = _parents(table, cells, known)
    drawn: dict[tuple, np.ndarray] = {}
    for tree in _trees(known, parent):
        if any(floor[c][0] < hi[parent[c]] for c in tree if c in parent):  # else the order holds in any draw
            drawn.update(_ordered(tree, parent, floor, hi, n, lambda c: cell_stream(seed, table, c[0], ids[c[1]])))
    for c in known - drawn.keys():
        drawn[c] = (np.full(n, lo[c]) if lo[c] == hi[c] else cell_stream(seed, table, c[0], ids[c[1]]).integers(
            lo[c].astype("int64"), hi[c].astype("int64"), size=n, endpoint=True).astype("datetime64[D]"))
    empty = np.full(n, NOT_A_DAY)
    return {col: np.stack([drawn.get(c, empty) for c in cells[col]], axis=1) if ids else np.empty((n, 0), "datetime64[D]")
            for col in bounds}


def _floor_of(lo: np.datetime64, hi: np.datetime64, floor: np.datetime64) -> tuple[np.datetime64, int]:
    """The earliest day a date is read as, and how many of its drawn days are read as that day (1 unless a
    floor above its lower bound gathers the days before it)."""
    if np.isnat(floor) or floor <= lo:
        return lo, 1
    floor = min(floor, hi)
    return floor, int((floor - lo).astype(int)) + 1


def cell_of(col: str, j: int, one_day: dict[int, int]) -> tuple[str, int]:
    """The cell a date is drawn as: (column, row position); a start taken up by a move is the earlier post's end."""
    return ("end", one_day[j]) if col == "start" and j in one_day else (col, j)


def _parents(table: str, cells: dict, known: set) -> dict:
    """Each end's start, where both are known and the table's rows are ordered: child cell -> parent cell."""
    if table not in ORDERED or not set(ORDERED[table]) <= cells.keys():
        return {}
    first, last = ORDERED[table]
    return {e: s for s, e in zip(cells[first], cells[last], strict=True) if s in known and e in known and s != e}


def _trees(known: set, parent: dict) -> list[list]:
    """The cells grouped into trees by the start-before-end links, each listed root first, a parent before
    its children; a group whose links close a loop (two posts each taken up by the other's end) is left out."""
    children: dict = {}
    for child, up in parent.items():
        children.setdefault(up, []).append(child)
    trees = []
    for root in sorted(c for c in known if c not in parent):
        order, stack = [], [root]
        while stack:
            c = stack.pop()
            order.append(c)
            stack.extend(sorted(children.get(c, []), reverse=True))
        trees.append(order)
    return trees  # cells on a loop have a parent and no root: never reached, so drawn one by one


def _ordered(tree: list, parent: dict, floor: dict, hi: dict, n: int, stream) -> dict:
    """n draws of the cells of one tree, uniform over the whole days inside their bounds (a floor's day weighing
    as many days as it gathers) with every child on or after its parent; {} if no such days exist (the bounds
    contradict the order: drawn one by one)."""
    first = min(floor[c][0] for c in tree).astype("int64")
    size = int(max(hi[c] for c in tree).astype("int64") - first) + 1
    below = {}  # cell -> for each day of the grid, the number of ordered completions of its subtree from that day
    for c in reversed(tree):
        weight = np.zeros(size)
        (lo, gathered), last = floor[c], int(hi[c].astype("int64") - first)
        weight[int(lo.astype("int64") - first):last + 1] = 1.0
        weight[int(lo.astype("int64") - first)] = gathered
        for child in (k for k in tree if parent.get(k) == c):
            weight *= np.cumsum(below[child][::-1])[::-1]  # completions with the child on this day or later
        below[c] = weight / weight.max() if weight.any() else weight
    if not below[tree[0]].any():
        return {}
    at = {tree[0]: _invert(below[tree[0]], np.zeros(n, dtype=int), stream(tree[0]).random(n))}
    for c in tree[1:]:
        at[c] = _invert(below[c], at[parent[c]], stream(c).random(n))
    return {c: (at[c] + first).astype("datetime64[D]") for c in tree}


def _invert(weight: np.ndarray, floor: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each draw, the grid day at or after ``floor`` that the uniform ``u`` picks, each day in proportion to ``weight``."""
    total = np.cumsum(weight)
    before = np.where(floor > 0, total[np.maximum(floor - 1, 0)], 0.0)
    return np.searchsorted(total, before + u * (total[-1] - before), side="right").clip(0, len(weight) - 1)
