"""Provenance per assertion: each rule of patronage.tables.validate fed its violation, on its own copy of the toy world."""

from __future__ import annotations

import copy
import json

import pandas as pd
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


def test_an_external_row_refined_by_another_work_gives_way_to_it(make_package):
    """One work attests the post, another bounds it more closely: the closer row is used, never both."""
    def external_base(r):
        spell(r, "a-min").update({**EXT, "source_id": "ref2", "locator": "chapter 3"})
        r["sources"].append({**REF, "source_id": "ref2", "title": "Another handbook"})
    rows = world(external_base)
    assert problems(make_package, rows) == []
    ids = set(patronage.load(make_package(rows)).select(evidence="seed+external", coding="x").spells["spell_id"])
    assert "a-min-day" in ids and "a-min" not in ids


CONFLICT_K = {"conflict_id": "k", "kind": "date", "topic": "t", "reading_a": "standard", "a_source_id": "ref", "a_locator": "e",
              "a_quote": "", "a_evidence": "external", "reading_b": "variant", "b_source_id": "ref2", "b_locator": "f",
              "b_evidence": "external", "default_reading": "standard"}


def two_works_disagree(rows, readings=("standard", "variant")):
    """A's first post (the seed: 1946) restated by two works on two days, each a refinement carrying one reading of k."""
    rows["sources"].append({**REF, "source_id": "ref2", "title": "Another handbook"})
    rows.setdefault("conflicts", []).append(CONFLICT_K)
    spell(rows, "a-min-day").update(conflict_id="k", reading=readings[0])
    rows["spells"].append({**spell(rows, "a-min-day"), "spell_id": "a-min-day2", "source_id": "ref2", "start": "1946-04-01",
                           "reading": readings[1]})


def test_two_works_that_restate_one_row_and_disagree_are_two_readings_and_each_replaces_it(make_package):
    """The seed's year, one work's 15 March and another's 1 April: a reading picks one day, which stands in for the
    year; the seeds alone keep the year. Neither refinement is kept beside the other or beside the seed's row."""
    rows = world(two_works_disagree)
    assert problems(make_package, rows) == []
    tables = patronage.load(make_package(rows))
    for reading, kept in (("standard", "a-min-day"), ("variant", "a-min-day2"), ({"k": "variant"}, "a-min-day2")):
        ids = set(tables.select(evidence="seed+external", reading=reading, coding="x").spells["spell_id"])
        assert {"a-min", "a-min-day", "a-min-day2"} & ids == {kept}, reading
    assert "a-min" in set(tables.select(evidence="seed", coding="x").spells["spell_id"])


CASES = {
    "two refinements on one reading of a conflict": (lambda r: two_works_disagree(r, ("standard", "standard")),
                                                     "'a-min' has more than one refinement"),
    "two refinements on two conflicts": (lambda r: two_works_disagree(r) or r["conflicts"].append({**CONFLICT_K, "conflict_id": "k2"})
                                         or spell(r, "a-min-day2").update(conflict_id="k2"),
                                         "'a-min' has more than one refinement"),
    "two readings refining a row already in a conflict": (
        lambda r: two_works_disagree(r) or r["conflicts"].append({**CONFLICT_K, "conflict_id": "k0"})
        or spell(r, "a-min").update(conflict_id="k0", reading="standard"),
        "'a-min' has more than one refinement"),
    "a refinement that is seed": (lambda r: spell(r, "a-min-day").update(evidence="seed", quote="as stated", source_id="src"),
                                  "refines 'a-min' but its evidence is 'seed': a refinement is external"),
    "refines an unknown row": (lambda r: spell(r, "a-min-day").update(refines="nothing"),
                               "column 'refines': 'nothing' is not an id in spells"),
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
    "a note on the row's history": (lambda r: spell(r, "a-min").update(note="Start changed from 1946-03 to 1946."),
                                    "tells the row's history or what a work not read gives ('changed from')"),
    "a note giving what a work not read says": (
        lambda r: spell(r, "a-min-day").update(note="15 March in the handbook (not quoted)."),
        "tells the row's history or what a work not read gives ('(not quoted)')"),
    "a seed note citing unnamed standard accounts": (lambda r: spell(r, "a-min").update(note="Standard accounts give 15 March."),
                                                     "a seed row's note takes a fact from unnamed accounts"),
    "an organisation's note citing a standard chronology": (
        lambda r: r["organisations"][0].update(note="Standard dates: formed in 1940."),
        "organisations.csv, row 2, column 'note': the note takes a fact from unnamed accounts"),
    "an external row's note citing standard accounts": (
        lambda r: r["events"].append({**r["events"][0], **EXT, "event_id": "fall-ext", "note": "Standard accounts: the 15th."}),
        "column 'note': the note takes a fact from unnamed accounts ('Standard accounts')"),
    "a conflict resolved by the standard accounts": (lambda r: r.setdefault("conflicts", []).append(
        {"conflict_id": "k", "kind": "date", "topic": "t", "reading_a": "article", "a_source_id": "src", "a_locator": "s", "a_quote": "q",
         "a_evidence": "seed", "reading_b": "standard", "b_source_id": "ref", "b_locator": "e", "b_evidence": "external",
         "default_reading": "article", "resolution": "The article agrees with the standard accounts."}),
        "conflicts.csv, row 2, column 'resolution': the resolution takes a fact from unnamed accounts"),
    "a conflict whose two sides no reading tells apart": (lambda r: (r.setdefault("conflicts", []).append(
        {"conflict_id": "k", "kind": "date", "topic": "t", "reading_a": "standard", "a_source_id": "ref", "a_locator": "e",
         "a_evidence": "external", "reading_b": "standard", "b_source_id": "ref", "b_locator": "f", "b_evidence": "external",
         "default_reading": "standard"}), r["events"].append({**r["events"][0], **EXT, "event_id": "fall-k", "conflict_id": "k",
                                                              "reading": "standard"})),
        "conflicts.csv, row 2, column 'reading_b': both sides are 'standard', and rows carry this conflict"),
    "a locator with a reader's page index": (lambda r: spell(r, "a-min").update(locator="chapter 2 (reader page 38 of the copy)"),
                                              "column 'locator': names an online copy's page index ('reader page')"),
    "a locator with a copy's page path": (lambda r: spell(r, "a-min").update(locator="part 1 (read in a copy, htrd/479265/p26)"),
                                          "column 'locator': names an online copy's page index ('/p2')"),
    "one work under two ids": (lambda r: r["sources"].append({**REF, "source_id": "ref-2", "title": "A Handbook."}),
                               "sources.csv, row 4, column 'title': the same work as source 'ref' (same title and authors)"),
    "a names source without its locator": (lambda r: person(r, "a").update(names_source_id="ref"),
                                           "names_source_id is given but not where in it the names stand"),
    "a names locator without its source": (lambda r: person(r, "a").update(names_locator="entry A"),
                                           "names_locator is given but not the work it locates"),
    "a seed text as names source": (lambda r: person(r, "a").update(names_source_id="src", names_locator="section 1"),
                                     "names_source_id 'src' is a seed text"),
    "a names source not in sources.csv": (lambda r: person(r, "a").update(names_source_id="nobody-2010", names_locator="entry"),
                                          "column 'names_source_id': 'nobody-2010' is not an id in sources"),
}


def person(rows, pid):
    return [p for p in rows["persons"] if p["person_id"] == pid][0]


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


def quote_names(r):
    """Every seed row's quote names its person (ties: both persons), as a prose seed would."""
    for table in ("spells", "event_participants", "attributes"):
        for row in r.get(table, []):
            if row.get("evidence") == "seed" and "person_id" in row:
                row["quote"] = f"as Person {row['person_id'].upper()} held it"
    for row in r["ties"]:
        row["quote"] = f"Person {row['patron_id'].upper()} and Person {row['client_id'].upper()}"


def test_a_seed_row_names_its_subject_in_a_prose_seed(make_package):
    """With the seed declared prose, a quote that does not name the person is named, unless the note says whom
    it refers to ('Referent: ...'); a register's quotes (the toy world undeclared) are not read for names."""
    rows = world(quote_names)
    assert problems(make_package, rows, prose=True) == []
    spell(rows, "a-later")["quote"] = "he held it"
    found = problems(make_package, rows, prose=True)
    assert any("column 'quote': the quote does not name 'a'" in p for p in found), found
    spell(rows, "a-later")["note"] = "Referent: 'he' is Person A, named in the sentence before."
    assert problems(make_package, rows, prose=True) == []
    assert problems(make_package, rows, prose=False) == []


def named_world(change=None):
    """The toy world with every seed quote naming its person, Person A's row quoting 'Semen D. A' and
    holding a given name, a patronymic and a Russian form, changed by ``change``."""
    def quoted(r):
        quote_names(r)
        person(r, "a").update(quote="Semen D. A", given_name="Semyon", patronymic="Denisovich",
                              name_cyrillic="Семён Денисович А", names_source_id="ref", names_locator="entry A, first line")
        if change:
            change(r)
    return world(quoted)


def test_a_name_part_from_outside_the_seeds_names_its_work(make_package):
    """In a prose seed, a seed row of persons holds what its quote spells (a transliteration counts: Semyon for
    Semen); a patronymic given only as an initial, and any Russian form, need names_source_id."""
    assert problems(make_package, named_world(), prose=True) == []
    rows = named_world(lambda r: person(r, "a").update(names_source_id="", names_locator=""))
    found = problems(make_package, rows, prose=True)
    assert any("patronymic, name_cyrillic not spelled in the quote ('Semen D. A') and no names_source_id" in p
               for p in found), found
    assert not any("given_name" in p for p in found), found
    rows = named_world(lambda r: person(r, "a").update(names_source_id="", names_locator="", patronymic="", name_cyrillic=""))
    assert problems(make_package, rows, prose=True) == []
    assert problems(make_package, named_world(lambda r: person(r, "a").update(names_source_id="", names_locator="")),
                    prose=False) == []  # a register's lines are not read for names


def test_seed_evidence_shows_only_the_name_parts_the_seeds_spell(make_package):
    """Under evidence='seed' a person keeps the given name its quote spells; the patronymic it gives as an initial
    and the Russian form (from the names source) are left empty, as is every name part of an external row.
    Under 'seed+external' all are shown."""
    from patronage.tables.readings import select

    def external_b(r):
        person(r, "b").update(source_id="ref", locator="entry B", quote="", evidence="external", given_name="Boris")
    tables = patronage.load(make_package(named_world(external_b)))
    seed = select(tables, evidence="seed", coding="x").persons.set_index("person_id")
    assert seed.loc["a", "given_name"] == "Semyon"
    assert seed.loc[["a"], ["patronymic", "name_cyrillic"]].isna().all(axis=None)
    assert pd.isna(seed.loc["b", "given_name"]) and seed.loc["b", "name"] == "Person B"
    both = select(tables, evidence="seed+external", coding="x").persons.set_index("person_id")
    assert (both.loc["a", "patronymic"], both.loc["a", "name_cyrillic"]) == ("Denisovich", "Семён Денисович А")
    assert both.loc["b", "given_name"] == "Boris"


def test_a_date_carried_from_a_seed_side_of_a_conflict_names_that_seed():
    """Dekanozov's execution under the article's reading cites Leites and Bernaut (who name him among the men shot) for
    the article's day, 18 December 1953, which their text does not give: the flat table says whose day it is. A row
    citing its own reference work for the day of a reference side is not given another work."""
    from patronage.tables.assertions import assertions

    flat = assertions(patronage.load()).set_index("row_id")
    assert flat.at["dekanozov-fate-article", "detail"] == \
        "the date of the reading 'article' of conflict execution-date-1953, from blauvelt-2008"
    assert pd.isna(flat.at["dekanozov-fate-standard", "detail"])


def test_every_column_of_the_export_is_explained_in_the_readme():
    """Regression: the README never said what other_person_id, until, kind, row_id or reading mean, and a reader of the
    CSV could not tell which way a tie points. Every column of the export is now a row of the README's table."""
    import re

    from patronage import config
    from patronage.tables.assertions import COLUMNS

    readme = (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| column | meaning |"):]
    table = table[:table.index("\n\n")]
    explained = {name for line in table.splitlines()[2:] for name in re.findall(r"`([a-z_]+)`", line.split("|")[1])}
    assert explained == set(COLUMNS), sorted(explained ^ set(COLUMNS))
