"""nbval runs the notebooks again: their figures go to a scratch folder, not figures/, and the
static SVG export (a browser start per kernel) is skipped; the build draws those. The validated
tables are cached in a scratch folder too (patronage.cache), so they are checked once per
test process, not once per notebook."""

import os
import tempfile

os.environ.setdefault("PATRONAGE_FIGURES_DIR", tempfile.mkdtemp(prefix="patronage-nbval-"))
os.environ.setdefault("PATRONAGE_DEFER_STATIC", "1")
os.environ.setdefault("PATRONAGE_CACHE_DIR", tempfile.mkdtemp(prefix="patronage-nbval-cache-"))
