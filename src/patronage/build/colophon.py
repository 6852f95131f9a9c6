"""The colophon that ends every notebook: what produced it, from which data and code."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata

import pandas as pd

from patronage import config

PACKAGES = ("patronage", "pandas", "numpy", "scipy", "statsmodels", "networkx", "plotly", "kaleido",
            "edtf", "frictionless", "pandera", "papermill")


def data_checksums(data_dir=None) -> pd.DataFrame:
    """sha256 of every file of the data package."""
    data_dir = data_dir or config.DATA_DIR
    files = sorted(p for p in data_dir.iterdir() if p.suffix in {".csv", ".json", ".yaml"})
    return pd.DataFrame({"file": [p.name for p in files],
                         "sha256": [hashlib.sha256(p.read_bytes()).hexdigest() for p in files]}).set_index("file")


def versions() -> pd.DataFrame:
    """Python and the versions of the packages the analysis uses."""
    rows = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            rows[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            rows[name] = "not installed"
    return pd.Series(rows, name="version").to_frame()


def inputs_hash() -> str:
    """sha256 over the data, the package code and the lock file: the inputs every notebook shares.

    Unlike a git commit, it is the same before and after the change is committed, so a rebuild
    with nothing changed writes the same bytes.
    """
    from patronage.build.inputs import shared_inputs_hash

    return shared_inputs_hash()
