"""Shared fixtures: the real tables, the toy world's tables, and a factory for small hand-built data packages."""

from __future__ import annotations

import copy
import shutil

import pytest

import patronage
from patronage import config

from toyworld import ROWS, write_package


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
def make_package(tmp_path):
    """Factory: make_package(rows) -> folder holding a data package with those rows."""
    return lambda rows, name="pkg": write_package(tmp_path / name, rows)


@pytest.fixture
def copy_data(tmp_path):
    """A copy of the real data folder that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, target)
    return target
