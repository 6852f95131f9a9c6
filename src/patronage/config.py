"""Where things live. Every path the package and the notebooks use is defined here, once."""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("PATRONAGE_DATA_DIR", PROJ_ROOT / "data"))
PACKAGE_FILE = "datapackage.json"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
SCENARIOS_DIR = NOTEBOOKS_DIR / "scenarios"
FIGURES_DIR = PROJ_ROOT / "figures"
EXPORTS_DIR = PROJ_ROOT / "exports"
BUILD_DIR = PROJ_ROOT / "build"
