"""The colophon that ends every notebook: what produced it, from which data."""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata

import pandas as pd

from patronage import config

PACKAGES = ("patronage", "pandas", "numpy", "scipy", "statsmodels", "networkx", "plotly", "kaleido",
            "edtf", "frictionless", "pandera", "papermill")


def data_checksums(data_dir=None) -> pd.DataFrame:
    """sha256 of every file of the data package."""
    data_dir = data_dir or config.DATA_DIR
    files = sorted(p for p in data_dir.iterdir() if p.suffix in {".csv", ".json"})
    return pd.DataFrame({"file": [p.name for p in files],
                         "sha256": [hashlib.sha256(p.read_bytes()).hexdigest() for p in files]}).set_index("file")


def git_commit() -> str:
    """The commit of the last change to data/ or src/ (what the outputs were computed from)."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%H %cs", "--", "data", "src"], cwd=config.PROJ_ROOT,
                             capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return out or "not committed yet"


def versions() -> pd.DataFrame:
    """Python and the versions of the packages the analysis uses."""
    rows = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            rows[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            rows[name] = "not installed"
    return pd.Series(rows, name="version").to_frame()
