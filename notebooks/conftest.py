"""nbval runs the notebooks again: their figures go to a scratch folder, not figures/, and the
static SVG export (a browser start per kernel) is skipped; the build draws those.

The validated tables and the long computations of the sensitivity notebook come from the build's
cache (build/cache, see patronage.cache), where each is kept under the content of everything it is
computed from (the data, the parameters, the package's code): after `make`, the tests do not
compute them a second time; on a fresh clone they are computed once and shared by every notebook."""

import os
import tempfile

from patronage import config

os.environ.setdefault("PATRONAGE_FIGURES_DIR", tempfile.mkdtemp(prefix="patronage-nbval-"))
os.environ.setdefault("PATRONAGE_DEFER_STATIC", "1")
os.environ.setdefault("PATRONAGE_CACHE_DIR", str(config.BUILD_DIR / "cache"))
