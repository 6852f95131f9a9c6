"""Where a reader's command may write: never over the compendium's own files, the data package it reads, a device or
a pipe, nor a file of another kind that would be lost. ``python -m patronage export`` (a CSV) and ``python -m patronage
run`` (a notebook) ask :func:`refused` before they write; the build writes its own outputs and does not ask."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from patronage import config

HEAD_BYTES = 4096  # how much of an existing file is read to tell what it is: never a whole device or a huge file


def refused(target: Path, data_dir: Path, kind: str, is_kind: Callable[[bytes], bool]) -> str:
    """Why ``target`` may not be written ('' if it may): a directory, a device or a pipe; a file of the data package
    read (``export data/persons.csv`` replaced the persons table); a file of the checkout outside build/ (its results,
    data, code and README are written by the build or by hand); an existing file whose first bytes ``is_kind`` does not
    take for a ``kind`` (nothing is lost). A link is judged by what it points to."""
    where = target.resolve()
    if where.exists() and not where.is_file():
        return f"it is not a regular file (a directory, a device or a pipe): give the path of a {kind} to write"
    if where.is_relative_to(Path(data_dir).resolve()):
        return f"it lies in the data package read ({data_dir}), whose files it would replace: give a path outside it"
    if config.CHECKOUT and where.is_relative_to(config.CHECKOUT.resolve()) and not where.is_relative_to(config.BUILD_DIR.resolve()):
        return ("the compendium's own files (notebooks/, figures/, exports/, data/, src/, the README) are written by the "
                "build or by hand: give a path under build/ or outside the checkout")
    if where.is_file():
        with where.open("rb") as f:
            if not is_kind(f.read(HEAD_BYTES)):
                return f"a file that is no {kind} is there, and would be lost: remove it or give another path"
    return ""
