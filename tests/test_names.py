"""Any recorded name, in any script, case or transliteration, resolves to one person."""

from __future__ import annotations

import copy

import pytest

import patronage
from patronage.errors import ParameterError
from patronage.tables.names import fold, resolve_person

from toyworld import ROWS, write_package


@pytest.fixture(scope="module")
def persons_once(tmp_path_factory):
    """The toy world with recorded name variants, loaded once for the module."""
    rows = copy.deepcopy(ROWS)
    people = {p["person_id"]: p for p in rows["persons"]}
    people["a"].update(name="Semen Ignat'iev", surname="Ignat'iev", given_name="Semen", patronymic="Denisovich",
                       name_cyrillic="Семён Денисович Игнатьев", variants="Ignatiev|Ignatyev")
    people["b"].update(name="Bogdan Kobulov", surname="Kobulov", given_name="Bogdan", variants="Kabulov")
    people["c"].update(name="Amayak Kobulov", surname="Kobulov", given_name="Amayak", variants="Kabulov")
    return patronage.load(write_package(tmp_path_factory.mktemp("names") / "pkg", rows)).persons


@pytest.fixture
def persons(persons_once):
    """The persons table of that world (with the derived columns), a deep copy for each test."""
    return persons_once.copy(deep=True)


@pytest.mark.parametrize("name", ["a", "Ignatiev", "IGNAT'IEV", "ignatyev", "Semen Ignat’iev", "Игнатьев",
                                  "игнатьев семён денисович", "Семён Игнатьев", "Semen Denisovich Ignat'iev"])
def test_variants_resolve(persons, name):
    assert resolve_person(name, persons) == "a"


def test_shared_surname_is_ambiguous(persons):
    with pytest.raises(ParameterError) as err:
        resolve_person("Kabulov", persons)
    assert "more than one person" in str(err.value) and "'b'" in str(err.value) and "'c'" in str(err.value)
    assert resolve_person("Bogdan Kobulov", persons) == "b"


def test_an_id_names_its_person_before_a_surname_another_shares(persons):
    """A son of Beria's added to the tables (surname Beria) made 'beria', Lavrenty Beria's id, ambiguous: the default runs
    stopped, answering 'use one of 'beria' ...' with the id just refused. An id names its person; the surname alone,
    where it is no one's id, stays ambiguous."""
    persons = persons.copy()
    persons.loc[persons["person_id"] == "b", "surname"] = "A"  # Bogdan's surname is now the id of Semen Ignat'iev
    assert resolve_person("a", persons) == "a" and resolve_person("A", persons) == "a"
    with pytest.raises(ParameterError, match="more than one person"):
        resolve_person("Kobulov", persons.assign(surname=persons["surname"].where(persons["person_id"] != "b", "Kobulov")))


def test_unknown_name_lists_closest(persons):
    with pytest.raises(ParameterError) as err:
        resolve_person("Ignatov", persons, parameter="patron")
    msg = str(err.value)
    assert msg.startswith("parameter 'patron' = 'Ignatov' is not valid") and "'a' (Semen Ignat'iev)" in msg


def test_fold():
    assert fold("  Ignat’iev ") == fold("IGNAT'IEV") == "ignatiev"
    assert fold("Sul'ianov") == "sulianov"
