"""Shared fixtures: the real tables, the toy world's tables, and a factory for small hand-built data packages."""

from __future__ import annotations

import copy
import shutil

import pytest

import patronage
from patronage import config
from patronage.analysis.crisis import make_crisis

from toyworld import FALL, ROWS, write_package

# The files that take longest (from 25 s down to 5 s on two cores), first. With pytest-xdist's
# --dist loadfile --no-loadscope-reorder (`make test`) the workers take files in this order, so the
# long ones start early and the short ones fill the end: a long file started last would run alone
# while the other worker waits. The notebooks under nbval (2-4 s each) come next, the rest after.
LONGEST_FIRST = ("test_reruns.py", "test_fuzz.py", "test_concurrent_build.py", "test_edition.py", "test_offline.py",
                 "test_safe_build.py", "test_installed.py", "test_parameters.py", "test_cache.py", "test_validate.py",
                 "test_dates.py", "test_sensitivity.py")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        name = item.path.name
        if name in LONGEST_FIRST:
            return LONGEST_FIRST.index(name)
        return len(LONGEST_FIRST) + (item.path.suffix != ".ipynb")

    items.sort(key=rank)  # stable: a file's tests, a notebook's cells keep their order


@pytest.fixture(scope="session")
def tables():
    """The compendium's own tables, loaded and validated once."""
    return patronage.load()


@pytest.fixture(scope="session")
def toy_loaded(tmp_path_factory):
    """The toy world (tests/toyworld.py) written as a data package and loaded once per test process.

    Tests do not use it directly: ``toy`` hands each test its own copy.
    """
    return patronage.load(write_package(tmp_path_factory.mktemp("toy") / "pkg", ROWS))


@pytest.fixture
def toy(toy_loaded):
    """The toy world's validated tables, as ``patronage.load`` returns them for its package.

    A deep copy of the one load (every frame copied, nothing derived yet), so no test sees what
    another changed; copying costs a few milliseconds where a load costs a tenth of a second or more.
    """
    return copy.deepcopy(toy_loaded)


@pytest.fixture
def crisis_x(toy):
    """The toy world under coding x, and its crisis: patron P's fall, outcomes followed for ten years."""
    view = toy.select(coding="x")
    return view, make_crisis(view, "p", FALL, horizon_years=10)


@pytest.fixture
def make_package(tmp_path):
    """Factory: make_package(rows) -> folder holding a data package with those rows."""
    return lambda rows, name="pkg": write_package(tmp_path / name, rows)


@pytest.fixture
def copy_data(tmp_path):
    """A copy of the real data folder that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, target)
    return target
