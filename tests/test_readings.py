"""Evidence levels, codings and readings of conflicts select the rows they should."""

from __future__ import annotations

import copy

import pytest

import patronage
from patronage.errors import ParameterError

from toyworld import ROWS, S, event, part, write_package


def with_conflict():
    rows = copy.deepcopy(ROWS)
    rows["sources"].append({"source_id": "ref", "type": "reference_work", "title": "A handbook",
                            "reliability": "reference", "seed": False, "in_article_references": False})
    rows["conflicts"] = [{"conflict_id": "shot-date", "kind": "date", "topic": "when C was shot",
                          "reading_a": "article", "a_source_id": "src", "a_locator": "section 1", "a_quote": "as stated",
                          "a_evidence": "seed", "reading_b": "standard", "b_source_id": "ref", "b_locator": "entry C",
                          "b_evidence": "external", "default_reading": "standard"}]
    shot = [e for e in rows["events"] if e["event_id"] == "c-shot"][0]
    shot.update(conflict_id="shot-date", reading="article")
    rows["events"].append({**event("c-shot-std", "1950-12-05", "execution"), "source_id": "ref", "quote": "",
                           "evidence": "external", "locator": "entry C", "conflict_id": "shot-date", "reading": "standard"})
    rows["event_participants"].append({**part("c-shot-std", "c", "executed"), "source_id": "ref", "quote": "",
                                       "evidence": "external", "locator": "entry C"})
    return rows


@pytest.fixture(scope="module")
def tables_once(tmp_path_factory):
    """The toy world with one documented conflict, loaded once for the module."""
    return patronage.load(write_package(tmp_path_factory.mktemp("readings") / "pkg", with_conflict()))


@pytest.fixture
def tables(tables_once):
    """That world's validated tables, a deep copy for each test."""
    return copy.deepcopy(tables_once)


def died(t, person="c"):
    return t.persons.set_index("person_id").loc[person, "died_lo"].date().isoformat()


def test_reading_switches_the_date(tables):
    assert died(tables.select(coding="x", evidence="seed+external", reading="article")) == "1950-12-01"
    assert died(tables.select(coding="x", evidence="seed+external", reading="standard")) == "1950-12-05"
    assert died(tables.select(coding="x", evidence="seed+external", reading="default")) == "1950-12-05"
    assert died(tables.select(coding="x", evidence="seed+external", reading={"shot-date": "standard"})) == "1950-12-05"


def test_seed_evidence_drops_external_rows(tables):
    seed = tables.select(coding="x", evidence="seed", reading="standard")
    assert "c-shot-std" not in set(seed.events["event_id"])
    assert "c-shot-std" not in set(seed.event_participants["event_id"])
    assert (seed.events["evidence"] == "seed").all()


def test_coding_selects_ties(tables):
    x = set(tables.select(coding="x").ties["tie_id"])
    y = set(tables.select(coding="y").ties["tie_id"])
    assert "p-a" in x and "p-a" not in y and "p-a-sub" in y and "p-b" in x & y


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"evidence": "sed"}, "parameter 'evidence' = 'sed' is not valid; valid choices are 'seed', 'seed+external'; did you mean 'seed'"),
    ({"coding": "blauvelt"}, "parameter 'coding' = 'blauvelt'"),
    ({"reading": "articel"}, "did you mean 'article'"),
    ({"reading": {"no-such": "article"}}, "parameter 'reading' = 'no-such'"),
    ({"reading": {"shot-date": "blog"}}, "parameter \"reading['shot-date']\" = 'blog'"),
])
def test_bad_choices_name_parameter_value_and_choices(tables, kwargs, message):
    with pytest.raises(ParameterError) as err:
        tables.select(**({"coding": "x"} | kwargs))
    assert message in str(err.value)


def test_selection_is_recorded(tables):
    v = tables.select(evidence="seed", reading="article", coding="y")
    assert v.selection["coding"] == "y" and v.selection["chosen"] == {"shot-date": "article"}
    assert S["source_id"] == "src"
