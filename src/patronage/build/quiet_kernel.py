"""The kernel's notice that it runs over local TCP without encryption, silenced for every run in the environment.

The build and ``python -m patronage run`` start their kernels with ``--IPKernelApp.log_level=ERROR``
(:data:`patronage.build.runs.QUIET_KERNEL`), but a reader who follows the README with plain ``papermill`` starts the
environment's own kernel, which prints the notice first thing on every run: it tells a reader nothing (the kernel
listens on the local machine only) and reads like an error. ``make`` therefore writes an IPython kernel configuration
into the environment (``<sys.prefix>/etc/ipython``, which IPython reads for the kernels of that environment only; no
file of the user's is touched) that drops that one message and leaves every other warning as it is.

``python -m patronage.build.quiet_kernel`` writes the file; it is idempotent.
"""

from __future__ import annotations

import sys
from pathlib import Path

NOTICE = "running over TCP without encryption"
CONFIG = f'''# Written by `make` (python -m patronage.build.quiet_kernel): the kernel's notice that it runs over local TCP
# without encryption is dropped; every other message is kept.
import logging


class _NoTcpNotice(logging.Filter):
    def filter(self, record):
        return {NOTICE!r} not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_NoTcpNotice())
'''


def config_path(prefix: str | Path = sys.prefix) -> Path:
    """Where IPython looks for the kernel configuration of the environment at ``prefix``."""
    return Path(prefix) / "etc" / "ipython" / "ipython_kernel_config.py"


def install(prefix: str | Path = sys.prefix) -> Path:
    """Write the configuration into the environment at ``prefix`` (unchanged if it is already there).

    raises FileExistsError if another configuration is there: it is the user's, and is not overwritten.
    """
    path = config_path(prefix)
    if path.exists() and path.read_text(encoding="utf-8") != CONFIG:
        raise FileExistsError(f"{path} holds another kernel configuration; add the filter of {__name__} to it by hand")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(CONFIG, encoding="utf-8")
    return path


if __name__ == "__main__":
    try:
        print(f"kernel notice silenced: {install()}")
    except FileExistsError as exc:  # the environment's own configuration stays; the notice is only noise
        print(f"kernel notice left as it is: {exc}", file=sys.stderr)
