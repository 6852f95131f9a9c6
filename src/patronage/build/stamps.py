"""What the build rewrites only when its inputs changed, by stamp in build/stamps/: the flat export of every
assertion, the README's findings and the HTML edition (unless README.md or docs/ still holds exactly what the
last build wrote there)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from patronage import config
from patronage.atomic import write_text


def build_exports(shared: str, force: bool = False) -> bool:
    """Rewrite exports/assertions.csv if data or code changed since it was last written.

    returns: True if it was rewritten.
    """
    stamp = config.BUILD_DIR / "stamps" / "exports.sha256"
    target = config.EXPORTS_DIR / "assertions.csv"
    if not force and target.exists() and stamp.exists() and stamp.read_text() == shared:
        return False
    from patronage.publish.export import write_assertions
    from patronage.tables.load import load

    write_assertions(load(), target)
    write_text(stamp, shared)
    return True


EDITION_INPUTS = (("notebooks", "[0-9]*.ipynb"), ("figures", "*"), ("data", "*"), ("exports", "*"),
                  (".", "CITATION.*"), (".", "requirements.lock"), ("src/patronage/publish", "edition*.py"))


# what the README's findings are written from (:func:`patronage.publish.findings.update_readme`), besides the data,
# code and lock file every notebook reads
README_INPUTS = (("figures", "*.csv"), ("src/patronage/publish", "findings.py"))


def edition_inputs_hash() -> str:
    """sha256 over the files the edition is made from (EDITION_INPUTS)."""
    return files_hash(EDITION_INPUTS)


def files_hash(patterns) -> str:
    """sha256 over the files matching ``patterns`` ((folder, glob) pairs), each with its path."""
    h = hashlib.sha256()
    for folder, pattern in patterns:
        for path in sorted((config.PROJ_ROOT / folder).glob(pattern)):
            if path.is_file():
                h.update(path.relative_to(config.PROJ_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def published(folder: Path) -> dict[str, str]:
    """sha256 of every file in ``folder`` (an edition), by its path inside it."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def update_readme_if_stale(shared: str) -> bool:
    """Rewrite the findings block of README.md unless the README is the one the last build left, from the same
    inputs: the data, code and lock file (``shared``), the figures' tables and the module that writes the block.
    A build with nothing changed then imports none of the analysis the block is phrased with.

    returns: True if the README changed.
    """
    inputs = hashlib.sha256(f"{shared}\0{files_hash(README_INPUTS)}".encode()).hexdigest()
    stamp = config.BUILD_DIR / "stamps" / "readme.json"
    readme = config.PROJ_ROOT / "README.md"
    if _record(stamp) == {"inputs": inputs, "readme": _sha256(readme)}:
        return False
    from patronage.publish.findings import update_readme

    changed = update_readme(readme)
    write_text(stamp, json.dumps({"inputs": inputs, "readme": _sha256(readme)}, indent=1, sort_keys=True) + "\n")
    return changed


def _record(stamp: Path) -> dict:
    """A stamp's record, or {} if it is missing or unreadable."""
    try:
        record = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _sha256(path: Path) -> str:
    """sha256 of a file's bytes ('' if it cannot be read)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def build_edition_if_stale(force: bool = False) -> bool:
    """Rebuild the HTML edition in docs/ unless it is the one the last build published from the same inputs.

    The edition is made from the notebooks, figures, data, citation and lock file alone, so when their
    content is what it was at the last edition (after a forced rebuild that changed no byte, say) it
    is not written again, provided docs/ still holds exactly the files that edition published, each
    byte for byte (the stamp records them: a file deleted, added or changed in docs/ is repaired).
    ``python -m patronage.publish.edition docs`` (``make edition``) writes it in any case.

    returns: True if it was rebuilt.
    """
    inputs = edition_inputs_hash()
    stamp, docs = config.BUILD_DIR / "stamps" / "edition.json", config.PROJ_ROOT / "docs"
    record = _record(stamp)
    if not force and record.get("inputs") == inputs and record.get("published") == published(docs):
        return False
    from patronage.publish.edition import build_edition

    build_edition(docs)
    write_text(stamp, json.dumps({"inputs": inputs, "published": published(docs)}, indent=1, sort_keys=True) + "\n")
    return True
