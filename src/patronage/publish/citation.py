"""Keep the README's citation block in step with CITATION.cff.

``make citation`` converts CITATION.cff with cffconvert (in its own environment: cffconvert 2.0
pins jsonschema < 4, which the notebook stack cannot use) into CITATION.bib, codemeta.json and
an APA-style line, then calls ``python -m patronage.publish.citation BIB APA`` to rewrite the block
between the markers below, and to write codemeta.json's licence as CITATION.cff states it (cffconvert 2.0
turns a list of licences into one malformed address). The block records the sha256 of the CITATION.cff it came from, and
a test fails when the two drift apart.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

from patronage import config

BEGIN, END = "<!-- citation:begin", "<!-- citation:end -->"
CFF = config.PROJ_ROOT / "CITATION.cff"
README = config.PROJ_ROOT / "README.md"
CODEMETA = config.PROJ_ROOT / "codemeta.json"


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


def licences(cff: Path = CFF) -> list[str]:
    """The SPDX identifiers of CITATION.cff's ``license`` (one, or a list)."""
    found = _cff(cff).get("license", [])
    return [found] if isinstance(found, str) else list(found)


def _cff(cff: Path = CFF) -> dict:
    import yaml

    return yaml.safe_load(cff.read_text(encoding="utf-8"))


def fix_codemeta(path: Path = CODEMETA, cff: Path = CFF) -> None:
    """codemeta.json's ``license``: one SPDX address per licence of CITATION.cff (a string for one, a list for more);
    and its ``citation``: each work of CITATION.cff's references (the article whose case the compendium computes, by
    its DOI; Fairbanks' chapter, which has none, by its authors, year and book), which cffconvert 2.0 leaves out."""
    meta = json.loads(path.read_text(encoding="utf-8"))
    urls = [f"https://spdx.org/licenses/{name}" for name in licences(cff)]
    meta["license"] = urls[0] if len(urls) == 1 else urls
    cited = [_cited_work(r) for r in _cff(cff).get("references", [])]
    if cited:
        meta["citation"] = cited
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _cited_work(ref: dict) -> dict:
    """One reference of CITATION.cff as codemeta cites it: by its DOI where it has one, else by authors, year and
    the book it is part of."""
    kind = "ScholarlyArticle" if ref.get("type") == "article" else "Chapter" if ref.get("collection-type") == "book" else "CreativeWork"
    if ref.get("doi"):
        return {"@type": kind, "name": ref["title"], "identifier": f"https://doi.org/{ref['doi']}"}
    work = {"@type": kind, "name": ref["title"], "author": [{"@type": "Person", "familyName": a.get("family-names"),
                                                            "givenName": a.get("given-names")} for a in ref.get("authors", [])]}
    work |= {"datePublished": str(ref["year"])} if ref.get("year") else {}
    return work | ({"isPartOf": {"@type": "Book", "name": ref["collection-title"]}} if ref.get("collection-title") else {})


def with_version(bibtex: str, cff: Path = CFF) -> str:
    """The BibTeX entry with CITATION.cff's version (cffconvert 2.0 leaves it out, though the APA line has it)."""
    version = _cff(cff).get("version")
    if not version or re.search(r"^version\s*=", bibtex, flags=re.M):
        return bibtex
    return re.sub(r"^(title = .*\n)", lambda m: m.group(1) + f"version = {{{version}}},\n", bibtex, count=1, flags=re.M)


if __name__ == "__main__":
    bib = Path(sys.argv[1])
    bib.write_text(with_version(bib.read_text(encoding="utf-8")), encoding="utf-8")
    update_readme(bib.read_text(encoding="utf-8"), Path(sys.argv[2]).read_text(encoding="utf-8"))
    fix_codemeta()
