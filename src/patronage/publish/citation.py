"""Keep the README's citation block in step with CITATION.cff.

``make citation`` converts CITATION.cff with cffconvert (in its own environment: cffconvert 2.0
pins jsonschema < 4, which the notebook stack cannot use) into CITATION.bib, codemeta.json and
an APA-style line, then calls ``python -m patronage.publish.citation BIB APA`` to rewrite the block
between the markers below. The block records the sha256 of the CITATION.cff it came from, and
a test fails when the two drift apart.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

from patronage import config

BEGIN, END = "<!-- citation:begin", "<!-- citation:end -->"
CFF = config.PROJ_ROOT / "CITATION.cff"
README = config.PROJ_ROOT / "README.md"


def cff_digest(path: Path = CFF) -> str:
    """sha256 of CITATION.cff."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def recorded_digest(readme: Path = README) -> str | None:
    """The CITATION.cff digest the README's citation block was generated from (None if no block)."""
    m = re.search(re.escape(BEGIN) + r" sha256:([0-9a-f]{64}) -->", readme.read_text(encoding="utf-8"))
    return m.group(1) if m else None


def block(bibtex: str, apa: str) -> str:
    """The README's citation block."""
    return (f"{BEGIN} sha256:{cff_digest()} -->\n"
            f"APA: {apa.strip()}\n\n```bibtex\n{bibtex.strip()}\n```\n{END}")


def update_readme(bibtex: str, apa: str, readme: Path = README) -> None:
    """Replace the block between the markers with one generated from the current CITATION.cff."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    readme.write_text(text[:start] + block(bibtex, apa) + text[end:], encoding="utf-8")


if __name__ == "__main__":
    update_readme(Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2]).read_text(encoding="utf-8"))
