"""nbval runs the notebooks again: their figures go to a scratch folder, not figures/, and the
static SVG export (a browser start per kernel) is skipped; the build draws those."""

import os
import tempfile

os.environ.setdefault("PATRONAGE_FIGURES_DIR", tempfile.mkdtemp(prefix="patronage-nbval-"))
os.environ.setdefault("PATRONAGE_DEFER_STATIC", "1")
