"""Checksums of the tables, recorded in datapackage.json, so a reader can verify the data behind a
citation: each resource carries ``hash`` ("sha256:...") and ``bytes``, as the Frictionless
specification provides (``frictionless validate`` checks them too).

After editing a table, ``python -m patronage rehash`` records the new checksums. It reads the
files as the loader does (regular files inside the package folder only) and writes nothing unless
every table could be read: a missing table, a directory or a broken descriptor is named, and the
recorded checksums stay as they were.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from patronage import config
from patronage.atomic import write_text
from patronage.errors import DataError, Problem
from patronage.tables.datapackage import parse_hash, read_descriptor
from patronage.tables.files import FileProblem, read_file


def digest(data: bytes, recorded: object) -> str | None:
    """The hex digest of ``data`` by the algorithm of the ``recorded`` hash (None when no well-formed
    hash is recorded: the descriptor check has named a malformed one)."""
    parsed = parse_hash(recorded)
    return hashlib.new(parsed[0], data).hexdigest() if parsed else None


def checksum_problem(res: dict, found: str | None, size: int) -> Problem | None:
    """A Problem if the table's bytes differ from the hash or the size recorded for it (a resource
    that records neither passes)."""
    rehash = "if the change is intended, run `python -m patronage rehash`"
    parsed = parse_hash(res.get("hash"))
    if parsed and found != parsed[1]:
        return Problem(res["path"], None, None, f"the file changed but its hash in datapackage.json did not: {rehash}")
    if isinstance(res.get("bytes"), int) and res["bytes"] != size:
        return Problem(res["path"], None, None, f"the file has {size:,} bytes but datapackage.json records "
                                                f"{res['bytes']:,}: {rehash}")
    return None


def rehash(data_dir: Path | None = None) -> list[str]:
    """Record the current hash and size of every table in datapackage.json; returns the tables that changed.

    raises DataError (and writes nothing) if the descriptor is broken or a table cannot be read.
    """
    data_dir = Path(data_dir or config.DATA_DIR)
    path = data_dir / config.PACKAGE_FILE
    descriptor = read_descriptor(data_dir, checksums=False)
    new, problems = {}, []
    for res in descriptor["resources"]:
        try:
            data = read_file(data_dir / res["path"], data_dir)
        except FileProblem as exc:
            problems.append(Problem(res["path"], None, None, f"{exc}; no checksum can be recorded"))
            continue
        new[res["name"]] = {"hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if problems:
        raise DataError(problems)
    changed = []
    for res in descriptor["resources"]:
        if any(res.get(k) != v for k, v in new[res["name"]].items()):
            changed.append(res["name"])
            res.update(new[res["name"]])
    if changed:
        write_text(path, json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    return changed
