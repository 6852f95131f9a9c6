"""Where things live. Every path the package and the notebooks use is defined here, once.

The package runs from a compendium checkout (the repository: ``make``, ``pip install -e .`` or
``PYTHONPATH=src``), or installed with ``pip install .`` from a wheel, which carries a copy of the
data package (``patronage/data/``) but no notebooks, figures or build folder.

- ``DATA_DIR``, the tables ``patronage.load()`` reads by default: ``$PATRONAGE_DATA_DIR`` if it is
  set (a copy of the tables elsewhere); else ``PACKAGE_DATA_DIR``: the checkout's ``data/``, or in an
  installed copy the data package installed with the code (found with importlib.resources).
- ``PROJ_ROOT`` and the folders in it (notebooks/, figures/, exports/, build/) belong to a checkout.
  ``CHECKOUT`` is None in an installed copy, and whatever writes outputs (the build, the HTML
  edition, a notebook's figures, the default export) asks :func:`require_checkout` first, which
  stops with a message: outputs are written inside a checkout, never into site-packages.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from patronage.errors import CheckoutError

PACKAGE_FILE = "datapackage.json"
PACKAGE_DIR = Path(__file__).resolve().parent


def find_checkout() -> Path | None:
    """The compendium checkout this code is part of (its src/patronage), or None when it is installed."""
    root = PACKAGE_DIR.parents[1]
    if PACKAGE_DIR != root / "src" / "patronage":
        return None
    return root if all(p.exists() for p in (root / "pyproject.toml", root / "data" / PACKAGE_FILE, root / "notebooks")) else None


def env_int(name: str, default: int, low: int = 1, unset: str = "") -> int:
    """The whole number in environment variable ``name`` (``default`` where it is unset or blank), at least ``low``;
    raises SettingError naming the variable, its value and what it takes (``unset``: what no value means, in words)."""
    from patronage.errors import SettingError

    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < low:
        raise SettingError(name, raw, f"give a whole number of at least {low:,} (unset: {unset or f'{default:,}'})")
    return value


CHECKOUT = find_checkout()
PROJ_ROOT = CHECKOUT or PACKAGE_DIR.parents[1]  # in an installed copy, a folder nothing is written to (require_checkout)
# the compendium's own data package: the checkout's data/, or the copy installed as package data
PACKAGE_DATA_DIR = CHECKOUT / "data" if CHECKOUT else Path(str(resources.files(__package__).joinpath("data")))
DATA_ENV = "PATRONAGE_DATA_DIR"
DATA_DIR = Path(os.environ.get(DATA_ENV) or PACKAGE_DATA_DIR)
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
SCENARIOS_DIR = NOTEBOOKS_DIR / "scenarios"
FIGURES_DIR = PROJ_ROOT / "figures"
EXPORTS_DIR = PROJ_ROOT / "exports"
BUILD_DIR = PROJ_ROOT / "build"
CACHE_DIR = BUILD_DIR / "cache"  # the build's content-addressed cache: validated tables, SVGs, results (patronage.cache)


def require_checkout(what: str) -> Path:
    """The checkout's root, for ``what`` to write into; raises CheckoutError when this copy is installed without one."""
    if CHECKOUT is None:
        raise CheckoutError(f"{what} writes into a compendium checkout (notebooks/, figures/, build/), and this patronage "
                            f"is installed at {PACKAGE_DIR} without one: clone the compendium and run it there "
                            "(`make`, or `pip install -e .` in the clone). Reading the tables needs no checkout: "
                            "patronage.load() reads the data package installed with the code, or $PATRONAGE_DATA_DIR.")
    return CHECKOUT
