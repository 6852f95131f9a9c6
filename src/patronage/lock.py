"""One build at a time in a compendium checkout: a lock on the file build/.lock.

The build (``python -m patronage.build``, ``make``) and the HTML edition (``python -m patronage.publish.edition``,
``make edition``) read and write the same folders: notebooks/, figures/, exports/, build/staging/,
docs/. Two at once would interleave their writes (one run's staging folder emptied under the other,
an edition copied while the figures are being replaced), so each holds this lock while it runs. A
second one waits for the first to finish, saying which process it waits for; with ``wait=False``
it refuses at once with that message instead.

The lock is the operating system's (``fcntl.flock``; ``msvcrt.locking`` on Windows) on an open
file, so it is released when the process holding it ends, however it ends: a killed build leaves
no stale lock to clear by hand. Within one process it is re-entrant (the build makes the edition
while it holds it). Worker processes forked by the build share it while they run.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from patronage import config

LOCK_FILE = ".lock"
_held: dict[Path, int] = {}  # lock file -> how many times this process holds it


class BuildLocked(RuntimeError):
    """Another build of the same compendium holds the lock, and this one was asked not to wait."""


@contextlib.contextmanager
def build_lock(folder: Path | None = None, wait: bool = True, holder: str = "python -m patronage.build") -> Iterator[None]:
    """Hold the compendium's build lock (``folder``/.lock; default build/) for the ``with`` block.

    wait: if another process holds it, wait for it (printing who holds it on stderr), or, if False,
    raise BuildLocked at once with the same words.
    holder: what this process is, written into the lock file for the message another one prints.
    """
    folder = Path(folder or config.BUILD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / LOCK_FILE).resolve()
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    with open(path, "a+b") as fh:  # appending: opening never empties what the holder wrote
        if not _try_lock(fh):
            message = f"another build of this compendium is running ({_holder(fh)}); it holds {path}"
            if not wait:
                raise BuildLocked(f"{message}: not starting a second one (run again when it has finished)")
            print(f"{message}: waiting for it to finish (Ctrl-C stops waiting)", file=sys.stderr, flush=True)
            _lock(fh)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}: {holder}\n".encode())
        fh.flush()
        _held[path] = 1
        try:
            yield
        finally:
            _held.pop(path, None)
            fh.seek(0)
            fh.truncate()  # the pid of a process that no longer holds it would mislead the next message
            fh.flush()
            _unlock(fh)


def _holder(fh) -> str:
    """Who holds the lock, as it wrote itself into the file ('pid 123: python -m patronage.build'), or
    'a process' if it has not written itself yet."""
    fh.seek(0)
    text = fh.read(200).decode(errors="replace").strip()
    return text or "a process"


if sys.platform == "win32":  # pragma: no cover - the compendium is built and tested on Linux
    import msvcrt

    def _try_lock(fh) -> bool:
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _lock(fh) -> None:
        import time

        while not _try_lock(fh):  # LK_LOCK gives up after ten seconds: try again until it is free
            time.sleep(1)

    def _unlock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fh) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _lock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)

    def _unlock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
