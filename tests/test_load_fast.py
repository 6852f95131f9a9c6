"""The fast CSV path of rows.read_rows (pandas' C parser) against the csv module path it stands in for.

read_rows reads a clean file with pandas and falls back to the csv module whenever anything is off.
These tests write clean and messy files (quoted commas and line breaks, doubled quotes, stray quotes,
ragged rows, blank lines, carriage returns) and check both paths give the same frame and problems.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patronage.tables import rows as LOAD  # the module that reads the rows
from patronage.tables.rows import read_rows

FIELDS = ["id", "text", "note"]


def both_paths(path, monkeypatch):
    fast = read_rows(path, FIELDS)
    with monkeypatch.context() as m:
        m.setattr(LOAD, "_read_clean", lambda raw, fields: None)
        slow = read_rows(path, FIELDS)
    return fast, slow


def assert_same(fast, slow):
    pd.testing.assert_frame_equal(fast[0], slow[0], check_exact=True)
    assert fast[0].index.dtype == slow[0].index.dtype and fast[0].index.name == slow[0].index.name
    assert fast[1] == slow[1]


def written(records) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([FIELDS, *records])
    return out.getvalue().encode("utf-8")


def test_clean_file_takes_the_fast_path(tmp_path, monkeypatch):
    """Quoted commas, quoted line breaks, doubled quotes and empty cells: pandas reads it, numbered as records."""
    data = written([["a", 'say "so", then\nstop', ""], ["b", "", "x"], ["c", "plain", "NA"]])
    assert LOAD._read_clean(data, FIELDS) is not None
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    fast, slow = both_paths(path, monkeypatch)
    assert_same(fast, slow)
    assert list(fast[0].index) == [2, 3, 4] and pd.isna(fast[0].loc[2, "note"]) and fast[0].loc[4, "note"] == "NA"


@pytest.mark.parametrize("tail", ["a,b\n", "a,b,c,d\n", "\n", "a,b,c\n\n", 'a,"b,c\n', "a,b,c\r\n", "a,b\x00,c\n",
                                  'a,x"y,c\n', 'a,"x"y,c\n'])
def test_messy_rows_fall_back(tmp_path, monkeypatch, tail):
    path = tmp_path / "t.csv"
    path.write_bytes(written([["x", "y", "z"]]) + tail.encode())
    assert_same(*both_paths(path, monkeypatch))


cell = st.one_of(st.text(alphabet='ab ,"\n\ré', max_size=6), st.sampled_from(["NA", "nan", '""', '"a""b"']))
record = st.lists(cell, min_size=0, max_size=5)


@st.composite
def csv_bytes(draw) -> bytes:
    """A header and records, written by the csv module (quoted where needed) or joined raw (stray quotes)."""
    records = draw(st.lists(record, max_size=6))
    if draw(st.booleans()):
        data = written(records)
    else:
        data = "\n".join([",".join(FIELDS), *(",".join(r) for r in records)]).encode("utf-8")
    return data + draw(st.sampled_from([b"", b"\n", b"\n\n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_bytes())
def test_fast_path_agrees_with_csv_module(tmp_path, monkeypatch, data):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    assert_same(*both_paths(path, monkeypatch))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab./\\~$%:_- C", max_size=12))
def test_a_plain_path_is_judged_as_frictionless_judges_it(path):
    """The resource paths answered without importing Frictionless (plain names) are those its rule and the
    loader's own checks find safe; any other path is still put to Frictionless."""
    from frictionless.helpers import is_safe_path

    from patronage.tables import files

    parts = files.PurePosixPath(path.replace("\\", "/")).parts
    if files._plainly_safe(path, parts):
        assert path and is_safe_path(path) and ".." not in parts and files.path_problem(path) is None, path


def test_a_cached_load_imports_no_frictionless(tmp_path):
    """Loading the tables a previous load cached (every notebook run after the first) reads no schema library: the
    check of the resource paths used to import Frictionless (about 0.3 s a process) for names such as 'persons.csv'."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PATRONAGE_CACHE_DIR": str(tmp_path)}
    code = ("import sys, patronage; patronage.load(); "
            "print(sorted(m for m in ('frictionless', 'pandera', 'edtf') if m in sys.modules))")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    again = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert first.strip() != "[]" and again.strip() == "[]", (first, again)
