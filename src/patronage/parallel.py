"""Independent computations spread over the machine's cores.

The sensitivity analysis runs every hypothesis hundreds of times on small tables; each run is
a few hundred small pandas operations, so the only large speed-up left is to use every core.
``map_ordered`` does that with worker processes started by fork: they inherit the function and
the tables it closes over instead of receiving pickled copies, and only the small results travel
back. The results come back in the order of the items, whatever the number of workers, so a
computation gives the same output on any machine.

Where fork is not the platform's safe default (Windows, macOS) everything runs in this process.
``$PATRONAGE_WORKERS`` caps the number of workers (1 turns the pool off).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

from patronage.config import env_int

WORKERS_ENV = "PATRONAGE_WORKERS"

_task: Callable | None = None  # the function of the running map, inherited by the forked workers


def available_workers() -> int:
    """The cores this process may use, or ``$PATRONAGE_WORKERS`` if set."""
    cap = env_int(WORKERS_ENV, 0, unset="every core")
    if cap:
        return cap
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _run_chunk(chunk: list) -> list:
    return [_task(item) for item in chunk]


def map_ordered(fn: Callable, items: Iterable, workers: int | None = None, min_items: int = 8) -> list:
    """``[fn(x) for x in items]``, computed by up to ``workers`` forked processes.

    Fewer than ``min_items`` items, one worker, or no fork on this platform: computed here.
    """
    global _task
    items = list(items)
    workers = min(available_workers() if workers is None else workers, len(items))
    if workers <= 1 or len(items) < min_items or not sys.platform.startswith("linux"):
        return [fn(x) for x in items]
    # the first item is computed here, before the fork: what it imports and caches on first use (scipy's
    # statistics, the exact intervals, the reach of the rules) is then inherited by every worker, not
    # imported and computed again in each
    first, rest = fn(items[0]), items[1:]
    chunks = [rest[i::workers] for i in range(workers)]  # interleaved: slow and fast items spread evenly
    _task = fn
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = list(pool.map(_run_chunk, chunks))
    finally:
        _task = None
    out = [None] * len(rest)
    for i, results in enumerate(done):
        out[i::workers] = results
    return [first, *out]
