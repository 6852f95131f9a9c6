"""The validated tables kept in the build's cache (:mod:`patronage.cache`) under the hash of what they are read
from: the descriptor, every table's bytes, the loader's code and the versions of the libraries it uses.
Any edit of the data or of the loader misses the cache and validates afresh; only a package that
passed every check is stored, so bad data is reported exactly as without a cache."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from patronage.cache import cache_dir, pickled, versions
from patronage.errors import DataError
from patronage.tables.datapackage import parse_descriptor
from patronage.tables.files import MAX_DESCRIPTOR_BYTES, FileProblem, read_file

# the loader's code, as paths inside the package: every module of patronage.tables (those patronage.load
# runs, and a few it does not: a change there only costs one validation), the errors and the paths
LOADER_CODE = ("tables/*.py", "errors.py", "config.py")


def tables_key(data_dir: Path) -> str | None:
    """sha256 over the package's descriptor and tables, the loader's code and library versions.

    None if the descriptor cannot be read as a package (the uncached path reports why).
    """
    h = hashlib.sha256(versions("pandas", "numpy", "pandera", "edtf").encode() + os.fsencode(data_dir.resolve()))  # any name the system allows
    package = Path(__file__).parents[1]
    for pattern in LOADER_CODE:
        for module in sorted(package.glob(pattern)):
            h.update(module.read_bytes())
    try:  # read as the loader reads (regular files inside the folder, safe paths); the descriptor is in the key,
        # and only a package that passed every check is stored, so a hit needs no second check of it
        raw = read_file(data_dir / "datapackage.json", data_dir, MAX_DESCRIPTOR_BYTES)
        paths = [r["path"] for r in parse_descriptor(data_dir)["resources"]]
        h.update(raw)
        for p in paths:
            h.update(b"\0" + p.encode() + b"\0" + read_file(data_dir / p, data_dir))
    except (DataError, FileProblem):
        return None
    return h.hexdigest()


def cached_tables(data_dir: Path, load: Callable):
    """``load(data_dir)``, or the Tables a previous load of the same content returned."""
    folder = cache_dir()
    key = tables_key(data_dir) if folder else None
    if key is None:
        return load(data_dir)
    return pickled(folder / "tables" / f"{key}.pickle", lambda: load(data_dir))
