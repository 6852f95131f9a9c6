"""Provenance per assertion: each rule of patronage.tables.validate fed its violation, on its own copy of the toy world."""

from __future__ import annotations

import copy
import json

import pytest

import patronage
from patronage.errors import DataError

from toyworld import ROWS

EXT = {"source_id": "ref", "quote": "", "evidence": "external", "locator": "entry A"}
REF = {"source_id": "ref", "type": "reference_work", "title": "A handbook", "reliability": "reference", "seed": False,
       "in_article_references": False}


def world(change=None):
    """The toy world with a handbook and a valid refinement of A's first post (the seed: 1946), changed by ``change``."""
    rows = copy.deepcopy(ROWS)
    rows["sources"].append(REF)
    a_min = [s for s in rows["spells"] if s["spell_id"] == "a-min"][0]
    rows["spells"].append({**a_min, **EXT, "spell_id": "a-min-day", "start": "1946-03-15", "refines": "a-min"})
    if change:
        change(rows)
    return rows


def problems(make_package, rows, prose=False) -> list[str]:
    folder = make_package(rows)
    if prose:  # the toy seed declared a prose text, whose quotes must name their subjects
        path = folder / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        descriptor["patronage:proseSeeds"] = ["src"]
        path.write_text(json.dumps(descriptor), encoding="utf-8")
    try:
        patronage.load(folder)
    except DataError as err:
        return [str(p) for p in err.problems]
    return []


def spell(rows, sid):
    return [s for s in rows["spells"] if s["spell_id"] == sid][0]


def test_a_valid_refinement_passes(make_package):
    assert problems(make_package, world()) == []


CASES = {
    "a refinement that is seed": (lambda r: spell(r, "a-min-day").update(evidence="seed", quote="as stated", source_id="src"),
                                  "refines 'a-min' but its evidence is 'seed': a refinement is external"),
    "refines an unknown row": (lambda r: spell(r, "a-min-day").update(refines="nothing"),
                               "column 'refines': 'nothing' is not an id in spells"),
    "refines an external row": (lambda r: spell(r, "a-min").update(**EXT),
                                "which is not a seed row: only what a seed says is refined"),
    "two refinements of one row": (lambda r: r["spells"].append({**spell(r, "a-min-day"), "spell_id": "a-min-day2"}),
                                   "'a-min' has more than one refinement"),
    "a refinement of a refinement": (lambda r: r["spells"].append({**spell(r, "a-min-day"), "spell_id": "a-min-x", "refines": "a-min-day"}),
                                     "which is itself a refinement"),
    "another person": (lambda r: spell(r, "a-min-day").update(person_id="b"),
                       "its person_id ('b') differs from that row's"),
    "another conflict side": (lambda r: r.setdefault("conflicts", []).append(
        {"conflict_id": "k", "kind": "date", "topic": "t", "reading_a": "article", "a_source_id": "src", "a_locator": "s", "a_quote": "q",
         "a_evidence": "seed", "reading_b": "standard", "b_source_id": "ref", "b_locator": "e", "b_evidence": "external",
         "default_reading": "article"}) or spell(r, "a-min-day").update(conflict_id="k", reading="standard"),
        "its conflict_id ('k') differs from that row's"),
    "a date that contradicts the seed": (lambda r: spell(r, "a-min-day").update(start="1947-02"),
                                         "start ('1947-02') is not within the dates of the row it refines ('a-min')"),
    "an event refinement without its participations": (
        lambda r: r["events"].append({**[e for e in r["events"] if e["event_id"] == "c-shot"][0], **EXT, "event_id": "c-shot-day",
                                      "refines": "c-shot"}),
        "refines 'c-shot' but does not repeat all of its participations"),
    "a conflict side cites a source not in sources.csv": (lambda r: r.setdefault("conflicts", []).append(
        {"conflict_id": "k", "kind": "date", "topic": "t", "reading_a": "article", "a_source_id": "src", "a_locator": "s", "a_quote": "q",
         "a_evidence": "seed", "reading_b": "standard", "b_source_id": "nobody-2010", "b_locator": "e", "b_evidence": "external",
         "default_reading": "article"}),
        "conflicts.csv, row 2, column 'b_source_id': 'nobody-2010' is not an id in sources"),
    "a note cites a source not in sources.csv": (lambda r: spell(r, "a-min").update(note="Day from nobody-2010."),
                                                  "cites nobody-2010, which is not in sources.csv"),
    "a working note": (lambda r: spell(r, "a-min").update(note="Not in the brief; see the report."),
                       "holds a working note"),
    "a seed note citing unnamed standard accounts": (lambda r: spell(r, "a-min").update(note="Standard accounts give 15 March."),
                                                     "a seed row's note takes a fact from unnamed accounts"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_provenance_violation_is_named(make_package, case):
    change, expected = CASES[case]
    found = problems(make_package, world(change))
    assert any(expected in p for p in found), f"{expected!r} not in {found}"


def test_an_unknown_bound_constrains_only_the_side_the_seed_states(make_package):
    """'/1946' is 'by 1946': a handbook's 1938 start refines it; '1946-03-15/' is 'from then': any later end does."""
    def change(r):
        spell(r, "a-min").update(start="/1946")
        spell(r, "a-min-day").update(start="1938-05-01")
    assert problems(make_package, world(change)) == []


def test_a_seed_row_names_its_subject_in_a_prose_seed(make_package):
    """With the seed declared prose, a quote that does not name the person is named, unless the note says whom
    it refers to ('Referent: ...'); a register's quotes (the toy world undeclared) are not read for names."""
    def quoted(r):
        for table in ("spells", "event_participants", "attributes"):
            for row in r.get(table, []):
                if row.get("evidence") == "seed" and "person_id" in row:
                    row["quote"] = f"as Person {row['person_id'].upper()} held it"
        for row in r["ties"]:
            row["quote"] = f"Person {row['patron_id'].upper()} and Person {row['client_id'].upper()}"
    rows = world(quoted)
    assert problems(make_package, rows, prose=True) == []
    spell(rows, "a-later")["quote"] = "he held it"
    found = problems(make_package, rows, prose=True)
    assert any("column 'quote': the quote does not name 'a'" in p for p in found), found
    spell(rows, "a-later")["note"] = "Referent: 'he' is Person A, named in the sentence before."
    assert problems(make_package, rows, prose=True) == []
    assert problems(make_package, rows, prose=False) == []
