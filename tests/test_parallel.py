"""patronage.parallel.map_ordered: the same results in the same order, whatever the number of workers."""

from __future__ import annotations

import os

import pytest

from patronage import parallel


def test_results_keep_the_order_of_the_items():
    offset = 7  # a closure: the forked workers inherit it

    def f(x):
        return (x, x * x + offset, os.getpid())

    serial = parallel.map_ordered(f, range(23), workers=1)
    forked = parallel.map_ordered(f, range(23), workers=3)
    assert [r[:2] for r in forked] == [r[:2] for r in serial] == [(x, x * x + 7) for x in range(23)]
    if parallel.sys.platform.startswith("linux"):
        # the first item here, before the fork (what it imports and caches is inherited); every other in a worker
        assert forked[0][2] == os.getpid() and os.getpid() not in {r[2] for r in forked[1:]}


def test_few_items_or_one_worker_run_here():
    assert {pid for pid in parallel.map_ordered(lambda _: os.getpid(), range(3), workers=4)} == {os.getpid()}
    assert {pid for pid in parallel.map_ordered(lambda _: os.getpid(), range(20), workers=1)} == {os.getpid()}


def test_workers_capped_by_the_environment(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.available_workers() == 1
    assert {pid for pid in parallel.map_ordered(lambda _: os.getpid(), range(20))} == {os.getpid()}


def test_an_error_in_a_worker_reaches_the_caller():
    def f(x):
        if x == 5:
            raise ValueError("item 5 is bad")
        return x

    with pytest.raises(ValueError, match="item 5 is bad"):
        parallel.map_ordered(f, range(12), workers=2)
