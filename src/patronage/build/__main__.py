"""``python -m patronage.build``: the build, stopped with its parent (see :func:`patronage.build.runner.main`)."""

import sys

from patronage.build.runner import main
from patronage.build.workers import stop_with_parent

stop_with_parent()
sys.exit(main())
