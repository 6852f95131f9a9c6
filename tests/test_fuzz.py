"""Fuzzed tables: hundreds of corrupted copies of the toy package, each named by file, row and column.

Every example writes the toy world (tests/toyworld.py) into a fresh folder, corrupts it in one way
and loads it. The corruption is drawn by hypothesis: bad EDTF dates, wrong types (integers,
booleans, allowed values, id patterns), empty required cells, dangling foreign keys, duplicate
ids, ragged rows and headers, byte-order marks, bytes that are not UTF-8, spells that end before
they start, posts held and events attended after death. Each one must give a ``DataError`` whose
problems name the file, and for a defect in one row that row and the column, or, for a harmless
leading byte-order mark, load as if it were not there. Any other exception fails the test: the
command line would show a traceback.

The defects this fuzz found first are pinned by plain tests at the end: a bad byte after a quoted
comma named the wrong column; rows after a ragged row were numbered one too early; a duplicated
event id and an event attended after death raised ValueError and KeyError instead of a DataError.

The folders are made with tempfile, not pytest's tmp_path: hypothesis runs many examples inside
one test call, and a function-scoped fixture would be shared between them.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import random
import re
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import hypothesis
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import patronage
from patronage import config
from patronage.dates import parse_bounds
from patronage.errors import DataError, Problem
from patronage.load import FALSE_VALUES, TRUE_VALUES
from patronage.validate import LIST_REFERENCES

from toyworld import ROWS, S, write_package

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 220))  # corrupted copies in the main test; the test checks at least 200 were loaded
DESCRIPTOR = json.loads((config.DATA_DIR / config.PACKAGE_FILE).read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
FILES = {r["name"]: r["path"] for r in DESCRIPTOR["resources"]}
FIELDS = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in DESCRIPTOR["resources"]}
FILLED = sorted(t for t in ROWS if ROWS[t])  # the toy tables that have rows to corrupt
BOM = "\ufeff"
MARK = "QQBADBYTEQQ"  # replaced by bytes that are not UTF-8 once the file is written


def fields_where(test) -> list[tuple[str, str]]:
    """(table, field) of every field of a filled toy table whose descriptor satisfies ``test``."""
    return [(t, f["name"]) for t in FILLED for f in RESOURCES[t]["schema"]["fields"] if test(f)]


def constraint(table: str, name: str, key: str):
    f = next(f for f in RESOURCES[table]["schema"]["fields"] if f["name"] == name)
    return f.get("constraints", {}).get(key)


EDTF_FIELDS = fields_where(lambda f: f.get("edtf"))
INTEGER_FIELDS = fields_where(lambda f: f.get("type") == "integer")
BOOLEAN_FIELDS = fields_where(lambda f: f.get("type") == "boolean")
ENUM_FIELDS = fields_where(lambda f: "enum" in f.get("constraints", {}))
PATTERN_FIELDS = fields_where(lambda f: "pattern" in f.get("constraints", {}))
REQUIRED_FIELDS = fields_where(lambda f: f.get("constraints", {}).get("required"))
FOREIGN_KEYS = [(t, fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"],
                 fk["reference"]["resource"] or t,
                 fk["reference"]["fields"][0] if isinstance(fk["reference"]["fields"], list) else fk["reference"]["fields"])
                for t in FILLED for fk in RESOURCES[t]["schema"].get("foreignKeys", [])]
LIST_KEYS = [(t, c, tt, tc) for (t, c), (tt, tc) in LIST_REFERENCES.items() if t in FILLED]
SPANS = [(t, a, b) for t, a, b in (("spells", "start", "end"), ("ties", "start", "end"),
                                   ("organisations", "valid_from", "valid_to")) if t in FILLED]
LIVING_KINDS = ("appointment", "award", "arrest", "meeting", "testimony", "transfer")  # validate.chronology


@dataclass(frozen=True)
class Expect:
    """Where the defect must be named: file, and for a row-level defect the row and the allowed columns.

    row None: a file-level defect (no row to name). columns None: the row is named, no column can be
    (a ragged row, a header). Otherwise the column must be one of ``columns``.
    """

    file: str
    row: int | None = None
    columns: frozenset[str] | None = None

    def matches(self, p: Problem) -> bool:
        if Path(p.file).name != self.file:
            return False
        if self.row is None:
            return True
        return p.row == self.row and (self.columns is None or p.column in self.columns)


@dataclass
class Case:
    """One corrupted copy: the rows to write, byte edits to apply after writing, what must happen."""

    kind: str
    rows: dict
    expect: Expect | None  # None: must load fine
    may_load: bool = False  # True: loading fine is also acceptable (a harmless defect)
    edits: list = field(default_factory=list)  # (file name, function bytes -> bytes)

    def write(self, folder: Path) -> Path:
        write_package(folder, self.rows)
        for name, edit in self.edits:
            path = folder / name
            path.write_bytes(edit(path.read_bytes()))
        return folder


def csv_row(index: int) -> int:
    """The CSV row of the list item ``index`` (the header is row 1)."""
    return index + 2


# --- dates, written and bounded without the package's own parser --------------------------------


def iso(day: dt.date, precision: str) -> str:
    return {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}", "day": day.isoformat()}[precision]


def plain_bounds(text: str) -> tuple[dt.date, dt.date]:
    """Bounds of a plain YYYY, YYYY-MM or YYYY-MM-DD date (the toy world's dates are all plain)."""
    parts = [int(x) for x in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return dt.date(parts[0], parts[1], 1), nxt - dt.timedelta(days=1)
    return dt.date(*parts), dt.date(*parts)


PLAIN = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
precisions = st.sampled_from(["year", "month", "day"])


@st.composite
def dated(draw, lo: dt.date, hi: dt.date) -> str:
    """A plain date string whose day lies between lo and hi."""
    return iso(draw(st.dates(min_value=lo, max_value=hi)), draw(precisions))


# --- strategies for the cells -------------------------------------------------------------------


def cell_text(max_size: int):
    """Any text for a cell, but a lone carriage return: conftest.write_package's csv writer (line terminator
    "\\n") leaves it unquoted, so the row would break in two, which is a different defect (a ragged row)."""
    return st.text(min_size=1, max_size=max_size).filter(lambda s: "\r" not in s)


def is_bad_edtf(text: str) -> bool:
    if text == "":
        return False  # an empty cell is a missing value, not a bad date
    try:
        parse_bounds(text)
    except ValueError:
        return True
    return False


BAD_DATES = ["1945-13-45", "soon", "1953-02-30", "1953/06/26", "26.06.1953", "1953-06-26/1953-01-01", "19xx",
             "1953-6-26", "1953-06-26T25:00", "..", "/", "1953-00", "c. 1953", "1953 June", "1953-06-26~~"]
bad_edtf = st.one_of(st.sampled_from(BAD_DATES),
                     st.from_regex(r"[0-9X?~%/.-]{1,12}", fullmatch=True),
                     cell_text(20)).filter(is_bad_edtf)

NUMERIC = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
not_an_integer = st.one_of(
    st.builds(lambda n, f: f"{n}.{f}", st.integers(0, 99), st.integers(1, 9)),
    st.sampled_from(["four", "high", "1,000", "0x10", "½", "III", "1e", "True", "--1", "4 5"]),
    cell_text(12).filter(lambda s: not NUMERIC.fullmatch(s)))
not_a_boolean = st.one_of(st.sampled_from(["yes", "no", "perhaps", "t", "f", "2", "-1", "TRUE ", "Yes", "0.0"]),
                          cell_text(12)).filter(lambda s: s not in TRUE_VALUES | FALSE_VALUES)
new_id = st.from_regex(r"zz[a-z0-9]{1,10}", fullmatch=True)


# --- the corruptions ----------------------------------------------------------------------------


def pick_row(draw, table: str, where=lambda r: True) -> int:
    candidates = [i for i, r in enumerate(ROWS[table]) if where(r)]
    assume(candidates)
    return draw(st.sampled_from(candidates))


def set_cell(table: str, index: int, column: str, value) -> dict:
    rows = copy.deepcopy(ROWS)
    rows[table][index][column] = value
    return rows


@st.composite
def bad_date_case(draw) -> Case:
    table, col = draw(st.sampled_from(EDTF_FIELDS))
    i = pick_row(draw, table)
    return Case("bad EDTF date", set_cell(table, i, col, draw(bad_edtf)), Expect(FILES[table], csv_row(i), frozenset({col})))


@st.composite
def wrong_type_case(draw) -> Case:
    what = draw(st.sampled_from(["integer", "range", "boolean", "enum", "pattern"]))
    if what == "integer":
        table, col = draw(st.sampled_from(INTEGER_FIELDS))
        value = draw(not_an_integer)
    elif what == "range":
        candidates = [(t, c) for t, c in INTEGER_FIELDS if constraint(t, c, "maximum") is not None]
        assume(candidates)
        table, col = draw(st.sampled_from(candidates))
        low, high = constraint(table, col, "minimum"), constraint(table, col, "maximum")
        value = str(draw(st.one_of(st.integers(high + 1, high + 10_000),
                                   st.integers(-10_000, low - 1) if low is not None else st.nothing())))
    elif what == "boolean":
        table, col = draw(st.sampled_from(BOOLEAN_FIELDS))
        value = draw(not_a_boolean)
    elif what == "enum":
        table, col = draw(st.sampled_from(ENUM_FIELDS))
        allowed = set(constraint(table, col, "enum"))
        value = draw(st.one_of(st.sampled_from(["other-kind", "Seed", "patronage ", "unknown!"]),
                               cell_text(12)).filter(lambda v: v not in allowed))
    else:
        table, col = draw(st.sampled_from(PATTERN_FIELDS))
        pattern = constraint(table, col, "pattern")
        value = draw(st.one_of(st.sampled_from(["Has Space", "UPPER", "trailing-", "-leading", "a--b", "ü-id"]),
                               cell_text(12)).filter(lambda v: re.search(pattern, v) is None))
    i = pick_row(draw, table)
    return Case(f"wrong type ({what})", set_cell(table, i, col, value), Expect(FILES[table], csv_row(i), frozenset({col})))


@st.composite
def missing_required_case(draw) -> Case:
    table, col = draw(st.sampled_from(REQUIRED_FIELDS))
    i = pick_row(draw, table)
    return Case("missing required cell", set_cell(table, i, col, ""), Expect(FILES[table], csv_row(i), frozenset({col})))


@st.composite
def dangling_key_case(draw) -> Case:
    table, col, target, tcol = draw(st.sampled_from(FOREIGN_KEYS + LIST_KEYS))
    known = {r.get(tcol) for r in ROWS.get(target, [])}
    bad = draw(new_id.filter(lambda v: v not in known))
    value = bad
    if (table, col, target, tcol) in LIST_KEYS:
        good = sorted(k for k in known if k)
        value = "|".join(draw(st.permutations(draw(st.lists(st.sampled_from(good), max_size=2, unique=True)) + [bad])))
    i = pick_row(draw, table)
    return Case("dangling foreign key", set_cell(table, i, col, value), Expect(FILES[table], csv_row(i), frozenset({col})))


@st.composite
def duplicate_id_case(draw) -> Case:
    table = draw(st.sampled_from(FILLED))
    pk = RESOURCES[table]["schema"]["primaryKey"]
    pk = pk if isinstance(pk, list) else [pk]
    rows = copy.deepcopy(ROWS)
    source = pick_row(draw, table)
    if len(pk) == 1 and len(rows[table]) > 1 and draw(st.booleans()):
        other = draw(st.sampled_from([i for i in range(len(rows[table])) if i != source]))
        rows[table][other][pk[0]] = rows[table][source][pk[0]]  # two rows, one id
        where = other
    else:
        rows[table].append(copy.deepcopy(rows[table][source]))  # a row copied
        where = len(rows[table]) - 1
    return Case("duplicate id", rows, Expect(FILES[table], csv_row(where), frozenset(pk)))


def edit_records(name: str, change):
    """A byte edit that parses the CSV, changes its list of records, and writes it back."""
    def edit(data: bytes) -> bytes:
        records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        change(records)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(records)
        return out.getvalue().encode("utf-8")
    return (name, edit)


@st.composite
def ragged_case(draw) -> Case:
    table = draw(st.sampled_from(FILLED))
    i = pick_row(draw, table)
    n = len(FIELDS[table])
    how = draw(st.sampled_from(["extra cells", "missing cells", "blank line", "header", "then a defect below",
                                "carriage return"]))
    if how == "carriage return":  # a bare CR inside a cell, unquoted: the row breaks in two
        col = draw(st.sampled_from(FIELDS[table][:-1]))
        return Case("ragged row (carriage return in a cell)", set_cell(table, i, col, "before\rafter"),
                    Expect(FILES[table], csv_row(i)))
    if how == "header":
        cut = draw(st.sampled_from(["rename", "drop", "extra", "swap"]))
        k = draw(st.integers(0, n - 2))

        def header(records, cut=cut, k=k):
            h = records[0]
            if cut == "rename":
                h[k] = h[k] + "x"
            elif cut == "drop":
                del h[k]
            elif cut == "extra":
                h.append("extra")
            else:
                h[k], h[k + 1] = h[k + 1], h[k]
        return Case("ragged header", copy.deepcopy(ROWS), Expect(FILES[table], 1), edits=[edit_records(FILES[table], header)])
    k = draw(st.integers(1, 3) if how in ("extra cells", "then a defect below") else st.integers(1, n - 1))

    def change(records, how=how, k=k, r=i + 1):
        if how in ("extra cells", "then a defect below"):
            records[r] = records[r] + ["x"] * k
        elif how == "missing cells":
            records[r] = records[r][:-k]
        else:
            records[r] = []
    if how == "then a defect below":  # the rows after a ragged one keep their own numbers
        assume(i + 1 < len(ROWS[table]))
        j = draw(st.integers(i + 1, len(ROWS[table]) - 1))
        col = draw(st.sampled_from([c for t, c in REQUIRED_FIELDS if t == table]))
        return Case("ragged row, then a defect below", set_cell(table, j, col, ""),
                    Expect(FILES[table], csv_row(j), frozenset({col})), edits=[edit_records(FILES[table], change)])
    return Case(f"ragged row ({how})", copy.deepcopy(ROWS), Expect(FILES[table], csv_row(i)),
                edits=[edit_records(FILES[table], change)])


@st.composite
def bom_case(draw) -> Case:
    how = draw(st.sampled_from(["leading", "leading", "descriptor", "double", "inside a row"]))
    if how == "leading":  # what Excel writes: harmless, dropped
        table = draw(st.sampled_from(sorted(FILES)))
        return Case("leading BOM", copy.deepcopy(ROWS), None, edits=[(FILES[table], lambda b: BOM.encode() + b)])
    if how == "descriptor":  # either read through or named
        return Case("BOM on the descriptor", copy.deepcopy(ROWS), Expect(config.PACKAGE_FILE), may_load=True,
                    edits=[(config.PACKAGE_FILE, lambda b: BOM.encode() + b)])
    table = draw(st.sampled_from(FILLED))
    if how == "double":  # the second mark becomes part of the first header cell
        return Case("double BOM", copy.deepcopy(ROWS), Expect(FILES[table], 1),
                    edits=[(FILES[table], lambda b: 2 * BOM.encode() + b)])
    i = pick_row(draw, table)
    first = FIELDS[table][0]  # always an id: with a pattern or a foreign key, so the mark breaks it
    return Case("BOM inside a row", set_cell(table, i, first, BOM + ROWS[table][i][first]),
                Expect(FILES[table], csv_row(i), frozenset({first})))


BAD_BYTES = [b"\xff", b"\xfe", b"\x80", b"\xbf", b"\xe9", b"\xc3", b"\xc3\x28", b"\xe2\x82\x28", b"\xed\xa0\x80",
             b"\xc0\xaf", b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80"]


def replace_mark(bad: bytes):
    def edit(data: bytes) -> bytes:
        assert data.count(MARK.encode()) == 1
        return data.replace(MARK.encode(), bad)
    return edit


@st.composite
def non_utf8_case(draw) -> Case:
    how = draw(st.sampled_from(["byte in a cell", "byte in a cell", "legacy encoding", "byte in the header", "descriptor"]))
    if how == "descriptor":
        bad = draw(st.sampled_from(BAD_BYTES))
        return Case("non-UTF-8 descriptor", copy.deepcopy(ROWS), Expect(config.PACKAGE_FILE),
                    edits=[(config.PACKAGE_FILE, lambda b, bad=bad: b.replace(b'"title"', b'"ti' + bad + b'tle"', 1))])
    table = draw(st.sampled_from(FILLED))
    col = draw(st.sampled_from(FIELDS[table]))
    if how == "byte in the header":
        k = FIELDS[table].index(col)
        bad = draw(st.sampled_from(BAD_BYTES))

        def header(data: bytes, k=k, bad=bad) -> bytes:
            head, rest = data.split(b"\n", 1)
            cells = head.split(b",")
            cells[k] = cells[k][:1] + bad + cells[k][1:]
            return b",".join(cells) + b"\n" + rest
        return Case("non-UTF-8 byte in the header", copy.deepcopy(ROWS), Expect(FILES[table], 1, frozenset({col})),
                    edits=[(FILES[table], header)])
    i = pick_row(draw, table)
    old = ROWS[table][i].get(col)
    old = "" if old is None else str(old).lower() if isinstance(old, bool) else old
    cut = draw(st.integers(0, len(old)))
    if how == "legacy encoding":  # a file saved as Latin-1 or Windows-1251 by a spreadsheet
        codec, text = draw(st.sampled_from([("latin-1", "Pérez"), ("cp1251", "Берия"), ("cp1252", "naïve “quote”")]))
        rows = set_cell(table, i, col, old[:cut] + text + old[cut:])
        return Case("legacy encoding", rows, Expect(FILES[table], csv_row(i), frozenset({col})),
                    edits=[(FILES[table], lambda b, codec=codec: b.decode("utf-8").encode(codec))])
    bad = draw(st.sampled_from(BAD_BYTES))
    rows = set_cell(table, i, col, old[:cut] + MARK + old[cut:])
    k = FIELDS[table].index(col)
    if k > 0 and draw(st.booleans()):  # a quoted comma before it, as in real locators ("entry 'Abakumov, Viktor'")
        before = FIELDS[table][draw(st.integers(0, k - 1))]
        rows[table][i][before] = f"{rows[table][i].get(before) or ''}, with a comma"
    return Case("non-UTF-8 byte", rows, Expect(FILES[table], csv_row(i), frozenset({col})),
                edits=[(FILES[table], replace_mark(bad))])


@st.composite
def ends_before_start_case(draw) -> Case:
    table, start, end = draw(st.sampled_from(SPANS))
    i = pick_row(draw, table, lambda r: PLAIN.fullmatch(str(r.get(start) or "")) is not None)
    lo, _ = plain_bounds(ROWS[table][i][start])
    value = draw(dated(dt.date(1800, 1, 1), lo - dt.timedelta(days=1)))
    assume(plain_bounds(value)[1] < lo)
    return Case("ends before it starts", set_cell(table, i, end, value), Expect(FILES[table], csv_row(i), frozenset({end})))


def deaths() -> dict[str, dt.date]:
    """The last day each toy person can have died on (death and execution events)."""
    kinds = {e["event_id"]: e for e in ROWS["events"] if e["kind"] in ("death", "execution")}
    out: dict[str, dt.date] = {}
    for p in ROWS["event_participants"]:
        if p["event_id"] in kinds and p["role"] in ("subject", "executed"):
            day = plain_bounds(kinds[p["event_id"]]["date"])[1]
            out[p["person_id"]] = max(out.get(p["person_id"], day), day)
    return out


@st.composite
def after_death_case(draw) -> Case:
    rows = copy.deepcopy(ROWS)
    dead = deaths()
    person = draw(st.sampled_from(sorted(p["person_id"] for p in ROWS["persons"])))
    if person in dead and draw(st.booleans()):
        died = dead[person]
    else:  # record a death for him
        died_text = draw(dated(dt.date(1900, 1, 1), dt.date(1980, 12, 31)))
        died = max(plain_bounds(died_text)[1], dead.get(person, dt.date.min))
        rows["events"].append({"event_id": "zz-death", "date": died_text, "kind": "death", "title": "a death", **S})
        rows["event_participants"].append({"event_id": "zz-death", "person_id": person, "role": "subject", **S})
    later = dated(died + dt.timedelta(days=1), dt.date(1999, 12, 31))
    how = draw(st.sampled_from(["starts after death", "ends after death", "takes part after death"]))
    if how == "takes part after death":
        when = draw(later)
        assume(plain_bounds(when)[0] > died)
        rows["events"].append({"event_id": "zz-later", "date": when, "kind": draw(st.sampled_from(LIVING_KINDS)),
                               "title": "later", **S})
        rows["event_participants"].append({"event_id": "zz-later", "person_id": person, "role": "present", **S})
        return Case(how, rows, Expect(FILES["event_participants"], csv_row(len(rows["event_participants"]) - 1),
                                      frozenset({"event_id"})))
    org = ROWS["organisations"][0]["org_id"]
    if how == "starts after death":
        start = draw(later)
        assume(plain_bounds(start)[0] > died)
        end, column = "", "start"
    else:
        start = draw(dated(dt.date(1800, 1, 1), died))
        end = draw(later)
        assume(plain_bounds(end)[0] > died and plain_bounds(start)[1] <= plain_bounds(end)[0])
        column = "end"
    rows["spells"].append({"spell_id": "zz-spell", "person_id": person, "org_id": org, "post": "a post",
                           "seniority": "3", "start": start, "end": end, **S})
    return Case(f"spell {how}", rows, Expect(FILES["spells"], csv_row(len(rows["spells"]) - 1), frozenset({column})))


STRATEGIES = {
    "bad EDTF date": bad_date_case(),
    "wrong type": wrong_type_case(),
    "missing required cell": missing_required_case(),
    "dangling foreign key": dangling_key_case(),
    "duplicate id": duplicate_id_case(),
    "ragged row or header": ragged_case(),
    "byte-order mark": bom_case(),
    "bytes not UTF-8": non_utf8_case(),
    "ends before it starts": ends_before_start_case(),
    "after death": after_death_case(),
}


# --- the check ----------------------------------------------------------------------------------


def check(case: Case) -> None:
    """Write the case, load it, and check the outcome; any exception but DataError propagates."""
    with tempfile.TemporaryDirectory(prefix="patronage-fuzz-") as tmp:
        folder = case.write(Path(tmp) / "data")
        try:
            tables = patronage.load(folder)
        except DataError as err:
            problems = err.problems
        else:
            assert case.expect is None or case.may_load, f"{case.kind}: loaded without a problem, expected {case.expect}"
            assert len(tables.persons) == len(case.rows["persons"])
            assert len(tables.spells) == len(case.rows["spells"])
            return
    assert case.expect is not None, f"{case.kind}: harmless, but load raised {[str(p) for p in problems]}"
    assert problems, "a DataError with no problems"
    known = set(FILES.values()) | {config.PACKAGE_FILE}
    for p in problems:
        assert isinstance(p, Problem) and p.message and isinstance(p.message, str)
        assert Path(p.file).name in known, f"problem names no file of the package: {p}"
        assert p.row is None or (isinstance(p.row, int) and p.row >= 1), f"bad row number: {p}"
        table = next((t for t, f in FILES.items() if f == p.file), None)
        assert p.column is None or (table and p.column in FIELDS[table]), f"column is not a field of {p.file}: {p}"
        str(p)
    assert any(case.expect.matches(p) for p in problems), (
        f"{case.kind}: expected a problem at {case.expect}, got:\n" + "\n".join(map(str, problems)))


def test_toy_package_loads():
    check(Case("none", copy.deepcopy(ROWS), None))


def fuzz(kind: str, examples: int, seed: int) -> tuple[str, int, str | None]:
    """Run ``examples`` hypothesis examples of one kind of corruption from ``seed``.

    returns: (kind, corrupted copies loaded, the failure with its falsifying example, or None).
    """
    loaded = 0

    @hypothesis.seed(seed)
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(case=STRATEGIES[kind])
    def run(case):
        nonlocal loaded
        check(case)
        loaded += 1

    try:
        run()
    except Exception:  # the falsifying example is in the traceback's notes
        return kind, loaded, traceback.format_exc()
    return kind, loaded, None


def test_fuzzed_corruptions_are_named():
    """At least 200 corrupted copies, the same number of each kind, checked on every core.

    Each load of even the toy package costs about a quarter of a second (pandera checks every
    column of ten tables), so the kinds are shared between forked worker processes.
    FUZZ_SEED=n repeats a run; FUZZ_EXAMPLES=n changes its size.
    """
    first = int(os.environ.get("FUZZ_SEED", random.randrange(2**32)))
    per = -(-EXAMPLES // len(STRATEGIES))
    tasks = [(kind, per, first + i) for i, kind in enumerate(sorted(STRATEGIES))]
    workers = min(os.cpu_count() or 1, 4) if "fork" in multiprocessing.get_all_start_methods() else 1
    if workers == 1:
        results = [fuzz(*task) for task in tasks]
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(fuzz, *zip(*tasks, strict=True)))
    for kind, _, error in results:
        assert error is None, f"{kind} (FUZZ_SEED={first}) fails:\n{error}"
    loaded = {kind: n for kind, n, _ in results}
    assert sum(loaded.values()) >= 200, f"only {sum(loaded.values())} corrupted copies were loaded: {loaded}"
    assert min(loaded.values()) >= per // 2, f"some kinds were hardly drawn: {loaded}"


COMMA_CASES = [("organisations", FIELDS["organisations"].index("quote")), ("spells", FIELDS["spells"].index("note")),
               ("persons", FIELDS["persons"].index("evidence"))]


@pytest.mark.parametrize(("table", "k"), COMMA_CASES, ids=[f"{t}-{FIELDS[t][k]}" for t, k in COMMA_CASES])
def test_non_utf8_byte_after_a_quoted_comma(table, k):
    """A byte that is not UTF-8, in a row whose earlier cell holds a comma (quoted, as real locators and names do)."""
    cols = FIELDS[table]
    rows = copy.deepcopy(ROWS)
    row = rows[table][-1]
    row["locator" if "locator" in cols[:k] else cols[k - 1]] = "entry 'Abakumov, Viktor Semenovich'"
    row[cols[k]] = f"{row.get(cols[k]) or ''}{MARK}"
    check(Case("non-UTF-8 byte after a quoted comma", rows, Expect(FILES[table], csv_row(len(rows[table]) - 1),
                                                                    frozenset({cols[k]})),
               edits=[(FILES[table], replace_mark(b"\xff"))]))


@pytest.mark.parametrize("table", ["spells", "events"])
def test_non_utf8_byte_after_a_line_break_in_a_cell(table):
    rows = copy.deepcopy(ROWS)
    rows[table][0]["note"] = "a note\non two lines"
    last = len(rows[table]) - 1
    rows[table][last]["title" if table == "events" else "post"] += MARK
    column = "title" if table == "events" else "post"
    check(Case("non-UTF-8 byte after a line break", rows, Expect(FILES[table], csv_row(last), frozenset({column})),
               edits=[(FILES[table], replace_mark(b"\xff"))]))


@pytest.mark.parametrize("index", [0, len(ROWS["events"]) - 1])
def test_duplicate_event_id_is_named(index):
    rows = copy.deepcopy(ROWS)
    rows["events"].append(copy.deepcopy(rows["events"][index]))
    check(Case("duplicate event id", rows, Expect(FILES["events"], csv_row(len(rows["events"]) - 1),
                                                   frozenset({"event_id"}))))


@pytest.mark.parametrize("kind", LIVING_KINDS[:2])
def test_event_after_death_is_named(kind):
    rows = copy.deepcopy(ROWS)
    rows["events"].append({"event_id": "zz-later", "date": "1960", "kind": kind, "title": "later", **S})
    rows["event_participants"].append({"event_id": "zz-later", "person_id": "c", "role": "present", **S})
    check(Case("takes part after death", rows, Expect(FILES["event_participants"],
                                                       csv_row(len(rows["event_participants"]) - 1), frozenset({"event_id"}))))


@pytest.mark.parametrize("table", ["spells", "ties"])
def test_rows_after_a_ragged_row_keep_their_numbers(table):
    rows = copy.deepcopy(ROWS)
    last = len(rows[table]) - 1
    rows[table][last]["start"] = "soon"

    def ragged(records):
        records[1] = records[1] + ["extra"]
    check(Case("bad date after a ragged row", rows, Expect(FILES[table], csv_row(last), frozenset({"start"})),
               edits=[edit_records(FILES[table], ragged)]))


def test_first_columns_break_with_a_mark():
    """A mark inside a row's first cell must be a defect: every first column is an id with a pattern or a foreign key."""
    for table in FILLED:
        first = FIELDS[table][0]
        has_pattern = constraint(table, first, "pattern") is not None
        is_reference = any(t == table and c == first for t, c, _, _ in FOREIGN_KEYS)
        assert has_pattern or is_reference, f"{table}.{first} is neither patterned nor a foreign key"
    assert not any(str(r.get(FIELDS[t][0], "")).startswith("zz") for t in FILLED for r in ROWS[t]), "new ids must be new"
