"""Checksums of the tables, recorded in datapackage.json, so a reader can verify the data behind a
citation: each resource carries ``hash`` ("sha256:...") and ``bytes``, as the Frictionless
specification provides (``frictionless validate`` checks them too).

After editing a table, ``python -m patronage rehash`` records the new checksums.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from patronage import config
from patronage.errors import Problem


def file_hash(path: Path) -> str:
    """'sha256:<hex>' of a file's bytes, read in chunks (a table of hundreds of megabytes is never
    held in memory twice while the loader reads it)."""
    with open(path, "rb") as fh:
        return "sha256:" + hashlib.file_digest(fh, "sha256").hexdigest()


def hash_problems(descriptor: dict, data_dir: Path) -> list[Problem]:
    """A Problem for every table whose recorded hash differs from its bytes (tables without one pass)."""
    out = []
    for res in descriptor["resources"]:
        path = Path(data_dir) / res["path"]
        if "hash" in res and path.exists() and file_hash(path) != res["hash"]:
            out.append(Problem(res["path"], None, None, "the file changed but its hash in datapackage.json did not: "
                               "if the change is intended, run `python -m patronage rehash`"))
    return out


def rehash(data_dir: Path | None = None) -> list[str]:
    """Record the current hash and size of every table in datapackage.json; returns the tables that changed."""
    data_dir = Path(data_dir or config.DATA_DIR)
    path = data_dir / config.PACKAGE_FILE
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    changed = []
    for res in descriptor["resources"]:
        table = data_dir / res["path"]
        new = {"hash": file_hash(table), "bytes": table.stat().st_size}
        if any(res.get(k) != v for k, v in new.items()):
            changed.append(res["name"])
            res.update(new)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return changed
