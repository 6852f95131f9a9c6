"""Content-addressed caches for the build: validated tables and static figures.

A notebook kernel starts empty, so without help every notebook of a build would read and
validate the same tables again, and every figure would start a browser to draw an SVG that
has not changed. When ``$PATRONAGE_CACHE_DIR`` is set (the build sets it to build/cache for its
kernels; nothing else does unless asked), two results are kept there under the sha256 of
everything they are computed from:

- ``tables/KEY.pickle``: the Tables a successful ``patronage.load`` returned; KEY covers the
  descriptor, every table's bytes, the loader's source code and the versions of the libraries
  it uses (:mod:`patronage.tables.cached`). Any edit of the data or of the loader misses the
  cache and validates afresh.
- ``svg/KEY.svg``: a figure's static SVG; KEY covers the figure's JSON, its name and the
  plotly and kaleido versions (:func:`patronage.publish.figures.cached_svg`).
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

from patronage.atomic import write_bytes
from patronage.errors import SettingError

CACHE_ENV = "PATRONAGE_CACHE_DIR"
ANALYSIS_LIBRARIES = ("pandas", "numpy", "scipy", "statsmodels", "networkx")


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        return None
    if Path(folder).exists() and not Path(folder).is_dir():
        raise SettingError(CACHE_ENV, folder, "give a folder for the cache (it is made if missing), not a file; or unset it")
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingError(CACHE_ENV, folder, f"the folder cannot be made ({exc.strerror}): give a folder you can write "
                                              "to, or unset it") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SettingError(CACHE_ENV, folder, "the folder cannot be written to: give a folder you can write to, or unset it")
    return Path(folder)


def versions(*packages: str) -> str:
    """'name==version,...' of the installed packages: part of every key."""
    return ",".join(f"{p}=={metadata.version(p)}" for p in packages)


def pickled(path: Path, compute: Callable):
    """The object pickled at ``path``, or ``compute()`` stored there (an absent or unreadable entry is computed again)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    result = compute()
    write_bytes(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result


@functools.cache
def package_digest() -> str:
    """sha256 of every module of the package, its subpackages' included (sorted by path), and the analysis libraries' versions."""
    h = hashlib.sha256(versions(*ANALYSIS_LIBRARIES).encode())
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
    return pickled(folder / "results" / f"{name}-{key}.pickle", compute)
