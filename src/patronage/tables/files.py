"""The files of a data package, read safely: one regular file inside the package's folder, of bounded size,
named by a safe relative path.

Reading a package that is damaged or hostile must end in a clear message naming the file, never in a
traceback, a hang or a read outside the folder:

- A resource path is one relative file name inside the package folder: Frictionless'
  ``is_safe_path`` rules (no absolute path, no ``../``, no ``~`` or variables), and none of
  what that rule leaves through (see :func:`path_problem`).
- A file is read only if it is a regular file inside the package folder once every symlink is
  followed, and no larger than ``MAX_TABLE_BYTES``: a directory, a device (``/dev/zero``), a named
  pipe or a socket is refused before a byte is read, so nothing blocks or fills the memory.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from patronage.config import env_int

# The largest table read, in bytes; $PATRONAGE_MAX_TABLE_BYTES changes it. The tables of the
# compendium are tens of kilobytes and the 10x synthetic register of the benchmarks a few hundred
# megabytes; a file larger than this would only exhaust the memory before it could be checked.
MAX_TABLE_BYTES = 2 << 30
MAX_TABLE_ENV = "PATRONAGE_MAX_TABLE_BYTES"
MAX_DESCRIPTOR_BYTES = 64 << 20


class FileProblem(Exception):
    """A file of the package that cannot be read; the message says why (what it is, where it points)."""


def read_file(path: Path, folder: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path``, a regular file inside ``folder`` (after following symlinks) of at most
    ``limit`` bytes; raises FileProblem saying what is wrong.

    The file is opened without blocking (a named pipe would otherwise wait for a writer forever)
    and what it is comes from the open file itself (``fstat``), so the check and the read concern
    the same file. ``limit``: by default $PATRONAGE_MAX_TABLE_BYTES, else MAX_TABLE_BYTES.
    """
    limit = env_int(MAX_TABLE_ENV, MAX_TABLE_BYTES) if limit is None else limit
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(os.path.realpath(folder)):
        raise FileProblem(f"is a link to {target}, outside the data package's folder: a data package reads only files inside its own folder")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        raise FileProblem("file is missing" + (f" (a link to {target}, which does not exist)" if target != Path(path).absolute()
                                               else "")) from None
    except IsADirectoryError:  # where a directory cannot be opened at all
        raise FileProblem("is a directory, not a file") from None
    except OSError as exc:
        raise FileProblem(f"cannot be read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(f"is {_kind(info.st_mode)}, not a file: a data package reads regular files only")
        if info.st_size > limit:
            raise FileProblem(f"is {info.st_size:,} bytes, more than the {limit:,} a file may hold "
                              "($PATRONAGE_MAX_TABLE_BYTES raises the limit for tables)")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(info.st_size + 1)  # a buffer of the file's size (read(limit) would reserve the limit)
    if len(data) > info.st_size:
        raise FileProblem("grew while it was read (is it being written?): read it again when it is complete")
    return data


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((words for test, words in kinds if test(mode)), "not a regular file")


def path_problem(path: object) -> str | None:
    """Why a resource's ``path`` is not one safe, local, relative file name (None if it is).

    Frictionless' ``is_safe_path`` gives the rule (and refuses what the Frictionless tools refuse);
    it judges the text with the separators of the machine, so a path that ends in ``..`` or climbs
    with a backslash is checked here too, as is a URL (Frictionless would download it; this loader
    never reads from the network) and a list (a resource split over several files).
    """
    if isinstance(path, list):
        return "is a list of files; each table of this package is one CSV file"
    if not isinstance(path, str) or not path.strip():
        return "must be a file name"
    drive = re.match(r"^[A-Za-z]:", path)  # C:\... is absolute on Windows, whatever the machine
    if urlparse(path).scheme and not drive:
        return "is a URL: the loader reads local files only, inside the data package's folder"
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if not _plainly_safe(path, parts) and (not _frictionless_safe(path) or drive or ".." in parts or path.startswith(("/", "\\"))):
        return "is not safe: a resource path is a relative file name inside the data package's folder (no '..', no absolute path)"
    return None


PLAIN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")  # a name of letters, digits, '_', '-' and '.', not starting with '.'


def _plainly_safe(path: str, parts: tuple) -> bool:
    """A path of plain names only ('data/persons.csv'): none of what Frictionless' rule or this module refuses
    (an absolute path, '..', '~', a variable, a backslash, a drive) can be in it. Answered without importing
    Frictionless, which costs about 0.3 s in every process that loads the tables (each notebook run) for the
    same answer; any other path is judged by Frictionless' rule and the checks above."""
    return "/" not in path[:1] and all(PLAIN.fullmatch(part) for part in parts) and len(parts) == len(path.split("/"))


def _frictionless_safe(path: str) -> bool:
    """Frictionless' ``is_safe_path``: no absolute path, no ``../``, no ``~``, no environment variable."""
    from frictionless.helpers import is_safe_path

    return is_safe_path(path)
