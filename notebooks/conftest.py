"""nbval runs the notebooks again: their figures go to a scratch folder, not figures/, and the
static SVG export (a browser start per kernel) is skipped; the build draws those.

The validated tables and the long computations of the sensitivity notebook come from the build's
cache (build/cache, see patronage.cache), where each is kept under the content of everything it is
computed from (the data, the parameters, the package's code): after `make`, the tests do not
compute them a second time; on a fresh clone they are computed once and shared by every notebook.

The settings reach the notebooks' kernels only: they are in the environment while a notebook's
cells are set up (nbval starts the kernel then) and taken away after, so the unit tests that run
in the same pytest process (`make test` runs both at once) see the environment they were given.
A setting already in the environment is kept.
"""

import os
import tempfile

import pytest

from patronage import config

SCRATCH = tempfile.mkdtemp(prefix="patronage-nbval-")
KERNEL_ENV = {"PATRONAGE_FIGURES_DIR": SCRATCH, "PATRONAGE_DEFER_STATIC": "1",
              "PATRONAGE_CACHE_DIR": str(config.BUILD_DIR / "cache")}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """Around the setup of each notebook cell (this conftest sees only the items under notebooks/)."""
    added = [k for k in KERNEL_ENV if k not in os.environ]
    os.environ.update({k: KERNEL_ENV[k] for k in added})
    try:
        return (yield)
    finally:
        for k in added:
            os.environ.pop(k, None)
