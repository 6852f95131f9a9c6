"""CITATION.cff is valid CFF 1.2.0 and the README's citation block was generated from it."""

from __future__ import annotations

import json

import jsonschema
import yaml

from patronage import config
from patronage.publish import citation

ROOT = config.PROJ_ROOT


def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_cff_is_valid_against_the_1_2_0_schema():
    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(cff(), schema)


def test_cff_has_what_a_citer_needs():
    c = cff()
    for key in ("title", "authors", "version", "date-released", "license", "keywords", "abstract", "references"):
        assert c.get(key), f"CITATION.cff lacks {key}"
    dois = {r.get("doi") for r in c["references"]}
    assert "10.1016/j.postcomstud.2007.12.003" in dois
    assert any(r["authors"][0].get("family-names") == "Fairbanks" and r["year"] == 1983 for r in c["references"])


def test_readme_citation_block_is_current():
    assert citation.recorded_digest() == citation.cff_digest(), "run `make citation` after editing CITATION.cff"
    bib = (ROOT / "CITATION.bib").read_text(encoding="utf-8").strip()
    assert bib in (ROOT / "README.md").read_text(encoding="utf-8")


def test_codemeta_generated_from_cff():
    meta = json.loads((ROOT / "codemeta.json").read_text(encoding="utf-8"))
    assert meta["name"] == cff()["title"] and meta["version"] == cff()["version"]


def test_codemeta_names_each_licence_of_the_cff():
    import json

    meta = json.loads((ROOT / "codemeta.json").read_text(encoding="utf-8"))
    wanted = [f"https://spdx.org/licenses/{name}" for name in citation.licences()]
    assert meta["license"] == (wanted[0] if len(wanted) == 1 else wanted)
    assert set(citation.licences()) == {"MIT", "CC-BY-4.0"}  # the code's and the data's (LICENSE, LICENSE-DATA.md)


def test_the_bibtex_carries_the_version_and_codemeta_the_article():
    """Regression: the BibTeX entry (README, CITATION.bib, the edition) had no version though the APA line had one,
    and codemeta.json did not name the article whose case the compendium computes."""
    bib = (ROOT / "CITATION.bib").read_text(encoding="utf-8")
    assert f"version = {{{cff()['version']}}}," in bib and citation.with_version(bib) == bib  # added once
    meta = json.loads((ROOT / "codemeta.json").read_text(encoding="utf-8"))
    assert {"@type": "ScholarlyArticle", "name": cff()["references"][0]["title"],
            "identifier": "https://doi.org/10.1016/j.postcomstud.2007.12.003"} in meta["citation"]
    # every work the CFF references, Fairbanks' chapter (no DOI) too: codemeta named the article alone
    assert [w["name"] for w in meta["citation"]] == [r["title"] for r in cff()["references"]]
    fairbanks = next(w for w in meta["citation"] if w.get("author", [{}])[0].get("familyName") == "Fairbanks")
    assert fairbanks["@type"] == "Chapter" and fairbanks["datePublished"] == "1983" and "identifier" not in fairbanks
