"""What the notebooks' outputs are computed from, hashed: the files every notebook shares (the data, the
package's code but the modules no notebook runs, the lock file) and each notebook's own cells. A run is
current while these hashes are those its executed notebook records; the colophon prints the first."""

from __future__ import annotations

import hashlib
import json
from fnmatch import fnmatchcase as fnmatch
from pathlib import Path

from patronage import config

INPUT_GLOBS = (("data", "*.csv"), ("data", "*.json"), ("data", "*.yaml"), ("src/patronage", "**/*.py"), (".", "requirements.lock"))

# modules no notebook runs, as patterns of paths inside src/patronage/: editing them must not re-execute the
# notebooks (tests/test_build.py checks that each names a module)
NOT_NOTEBOOK_CODE = ("__main__.py", "lock.py", "build/__main__.py", "publish/edition*.py", "publish/citation.py",
                     "publish/findings.py", "tables/synthetic*.py")
PACKAGE = "src/patronage/"


def shared_inputs_hash(root: Path = config.PROJ_ROOT) -> str:
    """sha256 over the files every notebook depends on: data, package source, lock file."""
    h = hashlib.sha256()
    for folder, pattern in INPUT_GLOBS:
        for path in sorted((root / folder).glob(pattern)):
            name = path.relative_to(root).as_posix()
            if path.is_file() and "__pycache__" not in path.parts and not notebook_free(name):
                h.update(name.encode() + b"\0")
                h.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def notebook_free(name: str) -> bool:
    """True for a module of the package (``name`` relative to the checkout) that no notebook runs."""
    return name.startswith(PACKAGE) and any(fnmatch(name.removeprefix(PACKAGE), p) for p in NOT_NOTEBOOK_CODE)


def cells_hash(notebook: Path) -> str:
    """sha256 over a notebook's cell types, sources and tags (not its outputs or run metadata)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
              sorted(c.get("metadata", {}).get("tags", []))) for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()
