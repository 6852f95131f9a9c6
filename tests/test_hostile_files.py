"""Files and values a reader may hand the compendium by mistake, each refused in one line that names it.

- A crises file or a scenario that is not UTF-8 text: the first byte that is not, not a UnicodeDecodeError's traceback.
- A cache folder ($PATRONAGE_CACHE_DIR) that cannot be made.
- A table with only its header, that other tables refer to: each row that refers to it says the table has no rows.
- A control character (a NUL byte) in a cell: its file, row and column.
- A value pasted by mistake (a whole file) is cut short in the message that repeats it.
- A -p value whose bytes are not UTF-8, and a data folder whose name is not.
"""

from __future__ import annotations

import copy
import shutil

import pytest

import patronage
from patronage.build.runs import RunError, _text, read_scenario
from patronage.cache import cache_dir
from patronage.errors import DataError, ParameterError, SettingError, shown
from patronage.robustness.crisis_list import CrisisListError, read_crisis_list

from toyworld import ROWS


def test_a_crises_file_or_a_scenario_not_utf8_is_named_with_its_first_bad_byte(copy_data, tmp_path):
    assert read_crisis_list(copy_data / "crises.yaml")  # the package's own list reads
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"crises:\n  - name: \xff\xfe\n")
    with pytest.raises(CrisisListError) as err:
        read_crisis_list(bad)
    assert "not UTF-8 text: byte 0xff at position 18" in str(err.value) and str(bad) in str(err.value)
    with pytest.raises(RunError) as err:
        read_scenario(bad)
    assert str(err.value).startswith(f"{bad}: cannot read the scenario") and "byte 0xff" in str(err.value)
    good = tmp_path / "good.yaml"
    good.write_text("patron: Беria\n", encoding="utf-8")
    assert read_scenario(good) == {"patron": "Беria"}


def test_a_cache_folder_that_cannot_be_made_is_a_setting_error(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PATRONAGE_CACHE_DIR", str(blocker / "cache"))  # a folder inside a file cannot be made
    with pytest.raises(SettingError) as err:
        cache_dir()
    assert "the folder cannot be made" in str(err.value) and "PATRONAGE_CACHE_DIR" in str(err.value)
    monkeypatch.setenv("PATRONAGE_CACHE_DIR", str(tmp_path / "new" / "cache"))
    assert cache_dir() == tmp_path / "new" / "cache" and cache_dir().is_dir()


def test_a_table_left_with_its_header_alone_is_named_as_the_cause(make_package):
    rows = copy.deepcopy(ROWS)
    rows["events"] = []
    with pytest.raises(DataError) as err:
        patronage.load(make_package(rows))
    said = [str(p) for p in err.value.problems if "is not an id in events" in str(p)]
    assert len(said) == len(ROWS["event_participants"]) and all(p.endswith("(events.csv has no rows)") for p in said), said
    rows["event_participants"] = []  # nothing refers to it: an empty table is no problem
    assert patronage.load(make_package(rows, "no-events")).events.empty


def test_a_control_character_in_a_cell_is_named_by_row_and_column(make_package):
    folder = make_package(ROWS)
    path = folder / "persons.csv"
    path.write_bytes(path.read_bytes().replace(b"Person A", b"Person \x00A", 1))
    with pytest.raises(DataError) as err:
        patronage.load(folder)
    assert "persons.csv, row 3, column 'name': control character 0x00 in the cell: delete it" in [
        str(p) for p in err.value.problems], err.value.problems
    clean = make_package(ROWS, "clean")  # tabs and line breaks inside quoted cells are CSV's own
    path = clean / "persons.csv"
    path.write_bytes(path.read_bytes().replace(b"Person A", b'"Person\tA"', 1))
    assert "Person\tA" in set(patronage.load(clean).persons["name"])


def test_a_long_value_is_cut_short_where_a_message_repeats_it():
    assert shown("Beria") == "'Beria'"
    text = shown("x" * 100_000)
    assert len(text) < 300 and text.endswith("(100,002 characters in all)")
    assert len(str(ParameterError("patron", "x" * 100_000, "give a name"))) < 400


def test_a_parameter_value_not_utf8_is_refused_and_a_data_folder_named_so_is_read(tmp_path, monkeypatch):
    assert _text("patron", "Берия") == "Берия"
    with pytest.raises(ParameterError) as err:
        _text("patron", b"\xff".decode("utf-8", errors="surrogateescape"))
    assert "not UTF-8" in str(err.value) and "'patron'" in str(err.value)
    folder = tmp_path / b"d\xe9".decode("utf-8", errors="surrogateescape")
    shutil.copytree(patronage.config.DATA_DIR, folder)
    monkeypatch.setenv("PATRONAGE_CACHE_DIR", str(tmp_path / "cache"))
    assert len(patronage.load(folder).persons) == len(patronage.load().persons)
