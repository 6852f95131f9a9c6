"""Files written whole or not at all: to a temporary file beside the target, then renamed over it."""

from __future__ import annotations

import os
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # one per process: two writers do not share it
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """``text`` as UTF-8, line ends as given ("\\n" stays "\\n" on Windows too), written atomically."""
    write_bytes(path, text.encode("utf-8"))
