"""Shared fixtures: the real tables, the toy world's tables, and a factory for small hand-built data packages."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import pytest

import patronage
from patronage import config

from toyworld import ROWS


@pytest.fixture(scope="session")
def tables():
    """The compendium's own tables, loaded and validated once."""
    return patronage.load()


def write_package(folder: Path, rows: dict[str, list[dict]]) -> Path:
    """A data package in ``folder`` with the compendium's schema and the given rows.

    rows: table name -> list of {field: value}; fields not given are left empty, tables not
    given are written with their header only. Returns the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = json.loads((config.DATA_DIR / config.PACKAGE_FILE).read_text(encoding="utf-8"))
    for res in descriptor["resources"]:  # new tables, so no recorded checksums
        res.pop("hash", None)
        res.pop("bytes", None)
    (folder / config.PACKAGE_FILE).write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    for res in descriptor["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        with (folder / res["path"]).open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            for row in rows.get(res["name"], []):
                unknown = set(row) - set(fields)
                assert not unknown, f"{res['name']}: unknown fields {unknown}"
                w.writerow({k: ("true" if v is True else "false" if v is False else v) for k, v in row.items()})
    return folder


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
