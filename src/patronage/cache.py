"""Content-addressed caches for the build: validated tables and static figures.

A notebook kernel starts empty, so without help every notebook of a build would read and
validate the same tables again, and every figure would start a browser to draw an SVG that
has not changed. When ``$PATRONAGE_CACHE_DIR`` is set (the build sets it to build/cache for its
kernels; nothing else does unless asked), two results are kept there under the sha256 of
everything they are computed from:

- ``tables/KEY.pickle``: the Tables a successful ``patronage.load`` returned; KEY covers the
  descriptor, every table's bytes, the loader's source code and the versions of the libraries
  it uses. Any edit of the data or of the loader misses the cache and validates afresh.
- ``svg/KEY.svg``: a figure's static SVG; KEY covers the figure's JSON, its name and the
  plotly and kaleido versions.
- ``results/NAME-KEY.pickle``: the result of a long computation of the analysis (the
  sensitivity grid and the verdicts under the date draws, :func:`cached_result`); KEY covers the
  content of the tables it reads (:func:`frames_digest`), its arguments, the source code of the
  whole package and the versions of the libraries the analysis uses. A reader who changes a
  parameter, a table or a line of the package computes afresh.

Only successes are stored, so bad data is reported exactly as without a cache. Entries are
written atomically; deleting the folder is always safe (``make clean`` does). The pickles are
the build's own products in the project's build/ folder: never point the variable at a folder
others can write to.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from patronage.atomic import write_bytes, write_text
from patronage.errors import DataError
from patronage.tables.datapackage import MAX_DESCRIPTOR_BYTES, FileProblem, parse_descriptor, read_file

CACHE_ENV = "PATRONAGE_CACHE_DIR"
# the loader's code, as paths inside the package: the modules patronage.load runs
LOADER_MODULES = ("tables/load.py", "tables/datapackage.py", "tables/dates.py", "tables/validate.py", "tables/integrity.py",
                  "errors.py", "config.py")
ANALYSIS_LIBRARIES = ("pandas", "numpy", "scipy", "statsmodels", "networkx")


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    folder = os.environ.get(CACHE_ENV)
    return Path(folder) if folder else None


def _versions(*packages: str) -> str:
    return ",".join(f"{p}=={metadata.version(p)}" for p in packages)


def tables_key(data_dir: Path) -> str | None:
    """sha256 over the package's descriptor and tables, the loader's code and library versions.

    None if the descriptor cannot be read as a package (the uncached path reports why).
    """
    h = hashlib.sha256(_versions("pandas", "numpy", "pandera", "edtf").encode() + str(data_dir.resolve()).encode())
    here = Path(__file__).parent
    for module in LOADER_MODULES:
        h.update((here / module).read_bytes())
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
    return _pickled(folder / "tables" / f"{key}.pickle", lambda: load(data_dir))


def _pickled(path: Path, compute: Callable):
    """The object pickled at ``path``, or ``compute()`` stored there (an absent or unreadable entry is computed again)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    result = compute()
    write_bytes(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result


def cached_svg(figure_json: str, name: str, draw: Callable[[], str]) -> str:
    """The SVG text of a figure: ``draw()``, or the one drawn before for the same figure (its plotly JSON and name)."""
    folder = cache_dir()
    if folder is None:
        return draw()
    key = hashlib.sha256("\0".join([figure_json, name, _versions("plotly", "kaleido")]).encode()).hexdigest()
    path = folder / "svg" / f"{key}.svg"
    if path.exists():
        return path.read_text(encoding="utf-8")
    svg = draw()
    write_text(path, svg)
    return svg


@functools.cache
def package_digest() -> str:
    """sha256 of every module of the package, its subpackages' included (sorted by path), and the analysis libraries' versions."""
    h = hashlib.sha256(_versions(*ANALYSIS_LIBRARIES).encode())
    package = Path(__file__).parent
    for module in sorted(package.rglob("*.py")):
        h.update(b"\0" + module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes())
    return h.hexdigest()


def frames_digest(frames: dict) -> str:
    """sha256 of the content of some DataFrames or arrays, by name: values, index, column names and dtypes.

    pandas' own row hashing (``pd.util.hash_pandas_object``) reads the values; names and dtypes
    are added so that the same numbers under another column or type differ.
    """
    h = hashlib.sha256()
    for name in sorted(frames):
        value = frames[name]
        h.update(b"\0" + str(name).encode() + b"\0")
        if isinstance(value, pd.DataFrame):
            h.update(repr([(str(c), str(t)) for c, t in value.dtypes.items()]).encode())
            h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        elif isinstance(value, np.ndarray):  # an object array's bytes are addresses: its values are hashed
            data = pd.util.hash_array(value.ravel()) if value.dtype == object else np.ascontiguousarray(value)
            h.update(f"{value.dtype}{value.shape}".encode() + data.tobytes())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()


def cached_result(name: str, inputs: Iterable[str], compute: Callable):
    """``compute()``, or the result an earlier call with the same name and inputs returned.

    inputs: strings that together determine the result (digests of the tables read, the
    arguments); the package's source and library versions (:func:`package_digest`) are added.
    With no cache folder this is just ``compute()``.
    """
    folder = cache_dir()
    if folder is None:
        return compute()
    key = hashlib.sha256("\0".join([name, package_digest(), *inputs]).encode()).hexdigest()
    return _pickled(folder / "results" / f"{name}-{key}.pickle", compute)
