"""Fuzzed tables: hundreds of corrupted copies of the toy package, each named by file, row and column.

Every example writes the toy world (tests/toyworld.py) into a fresh folder, corrupts it in one way
and loads it. The corruption is drawn by hypothesis: bad EDTF dates, wrong types (integers,
booleans, allowed values, id patterns), empty required cells, dangling foreign keys, duplicate
ids, ragged rows and headers, byte-order marks, bytes that are not UTF-8, spells that end before
they start, posts held and events attended after death. Each one must give a ``DataError`` whose
problems name the file, and for a defect in one row that row and the column, or, for a harmless
leading byte-order mark, load as if it were not there. Any other exception fails the test: the
command line would show a traceback.

The defects this fuzz found first are pinned by plain tests: a bad byte after a quoted comma named
the wrong column; rows after a ragged row were numbered one too early; a duplicated event id and an
event attended after death raised ValueError and KeyError instead of a DataError.

Then the hostile inputs of issue 17, each a plain test run in a forked child with a time and a
memory limit (a hang or a read of /dev/zero fails the test instead of stalling the suite): a table
cut short inside a quoted cell, for every table (also drawn by hypothesis, ``cut short``); a table
that is a directory, a link to /dev/zero, a named pipe, a link outside the package, missing;
resource paths that leave the package (``../``, absolute, ``~``, a variable, a URL); each fault of
datapackage.json (field types, keys, patterns, constraints, names, checksums, JSON, the file
itself); and each of these through ``python -m patronage rehash``, which must name the fault and
write nothing. ``benchmarks/hostile.py`` runs the same kinds of case on the compendium's own tables.

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
from patronage.errors import DataError, Problem
from patronage.tables.columns import FALSE_VALUES, TRUE_VALUES
from patronage.tables.dates import parse_bounds
from patronage.tables.rules_structure import LIST_REFERENCES

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
LIVING_KINDS = ("appointment", "arrest", "meeting", "testimony", "transfer")  # rules_structure.LIVING (an award may be posthumous)


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


CUT = "QQCUTQQ"  # where the file is cut, once written


def cut_at_mark(data: bytes) -> bytes:
    """The file up to the mark: cut short there."""
    assert data.count(CUT.encode()) == 1
    return data[:data.index(CUT.encode())]


@st.composite
def cut_short_case(draw) -> Case:
    """A table cut short inside a quoted cell (a comma makes the writer quote it), of any column of any row:
    the strict reader must name the row and the cell, and the rows after it are gone."""
    table = draw(st.sampled_from(FILLED))
    i = pick_row(draw, table)
    col = draw(st.sampled_from(FIELDS[table]))
    before = draw(st.text(st.characters(blacklist_characters='"\r\n,', blacklist_categories=("Cs",)), max_size=8))
    after = draw(cell_text(8))
    rows = set_cell(table, i, col, f"{before}, {CUT}{after}")
    return Case("cut short inside a quoted cell", rows, Expect(FILES[table], csv_row(i), frozenset({col})),
                edits=[(FILES[table], cut_at_mark)])


STRATEGIES = {
    "cut short": cut_short_case(),
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


def check(case: Case) -> list[Problem]:
    """Write the case, load it, and check the outcome; any exception but DataError propagates.

    returns: the problems found ([] if the copy loaded).
    """
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
            return []
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
    return problems


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


# --- hostile inputs (issue 17): each in a forked child, within seconds, with a memory limit ---------------


SECONDS = 20  # a case that takes longer has hung (each takes a fraction of a second)


def in_child(function, *args):
    """``function(*args)`` in a forked child, which must finish within SECONDS without reserving more than
    2 GiB beyond what this process holds (a read of /dev/zero stops at that limit); returns its result.
    A hang, an exception or a crash of the child fails the test with what happened."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return function(*args)  # pragma: no cover - the hostile cases run where fork exists (not Windows)
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)

    def child():
        try:
            import resource

            with open("/proc/self/statm") as fh:
                held = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            resource.setrlimit(resource.RLIMIT_AS, (held + (2 << 30), resource.RLIM_INFINITY))
        except (ImportError, OSError, ValueError):
            pass
        try:
            writer.send(("ok", function(*args)))
        except BaseException:  # noqa: B036 - everything the child meets is reported to the parent
            writer.send(("raised", traceback.format_exc()))

    process = context.Process(target=child)
    process.start()
    writer.close()
    try:
        if not reader.poll(SECONDS):
            pytest.fail(f"hung: no answer within {SECONDS} s")
        status, value = reader.recv()
    except EOFError:
        pytest.fail(f"the child died without an answer (exit code {process.exitcode})")
    finally:
        process.kill()
        process.join()
    if status == "raised":
        pytest.fail(value)
    return value


def edit_descriptor(change):
    """A byte edit of datapackage.json that parses it, applies ``change`` to the dict, and writes it back."""
    def edit(data: bytes) -> bytes:
        descriptor = json.loads(data)
        change(descriptor)
        return json.dumps(descriptor, indent=2).encode()
    return (config.PACKAGE_FILE, edit)


def resource_of(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def field_of(descriptor: dict, table: str, name: str) -> dict:
    return next(f for f in resource_of(descriptor, table)["schema"]["fields"] if f["name"] == name)


@dataclass
class Hostile(Case):
    """A Case whose files are also replaced by other kinds of file (``replace``: name -> function(path))."""

    replace: dict = field(default_factory=dict)
    words: tuple = ()  # words the problem naming the place must hold

    def write(self, folder: Path) -> Path:
        super().write(folder)
        for name, change in self.replace.items():
            path = folder / name
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink(missing_ok=True)
            change(path)
        return folder


def check_hostile(case: Hostile) -> None:
    """check(case), and a problem naming the place holds the case's words."""
    placed = [str(p) for p in check(case) if case.expect.matches(p)]
    assert any(all(w in text for w in case.words) for text in placed), f"{case.words} not in {placed}"


# Every table cut short inside a quoted cell: the last row of the tables the toy world fills, a row of
# the two it leaves empty; a column in the middle and the last column (a last cell cut short used to
# be read as a shorter cell: the table passed with its later rows gone).
CUT_ROWS = {"attributes": {"attribute_id": "zz-attribute", "person_id": "p", "attribute": "fate", "value": "executed", **S},
            "conflicts": {"conflict_id": "zz-conflict", "kind": "date", "topic": "a topic"}}


@pytest.mark.parametrize("table", sorted(FILES))
@pytest.mark.parametrize("where", ["middle", "last"])
def test_a_table_cut_short_inside_a_quoted_cell_is_named(table, where):
    rows = copy.deepcopy(ROWS)
    rows.setdefault(table, [])
    if not rows[table]:
        rows[table] = [copy.deepcopy(CUT_ROWS[table])]
    i = len(rows[table]) - 1
    column = FIELDS[table][-1] if where == "last" else FIELDS[table][len(FIELDS[table]) // 2]
    rows[table][i][column] = f"cut, {CUT}here"
    in_child(check_hostile, Hostile("cut short", rows, Expect(FILES[table], csv_row(i), frozenset({column})),
                                    edits=[(FILES[table], cut_at_mark)], words=("cut short",)))


def test_a_short_last_row_without_a_line_break_is_named_as_cut_short():
    def cut(data: bytes) -> bytes:
        return data[:data.rindex(b"\n", 0, len(data) - 1) + 12]  # twelve bytes into the last row
    in_child(check_hostile, Hostile("cut short between cells", copy.deepcopy(ROWS),
                                    Expect(FILES["ties"], csv_row(len(ROWS["ties"]) - 1)),
                                    edits=[(FILES["ties"], cut)], words=("cut short",)))


def test_a_truncated_table_is_named_before_the_rules_across_tables():
    """sources.csv cut short: the rows it lost would make every other table's source ids dangle; the cut is
    the one problem reported (the rules across tables do not run on a table read in part)."""
    rows = copy.deepcopy(ROWS)
    rows["sources"][0]["note"] = f"cut, {CUT}"

    def problems():
        with tempfile.TemporaryDirectory(prefix="patronage-fuzz-") as tmp:
            folder = Case("", rows, None, edits=[(FILES["sources"], cut_at_mark)]).write(Path(tmp) / "data")
            try:
                patronage.load(folder)
            except DataError as err:
                return [str(p) for p in err.problems]
        return []
    assert in_child(problems) == [f"{FILES['sources']}, row 2, column 'note': the file ends inside this quoted cell: the "
                                  "file is cut short (truncated), or the cell's closing quote is missing"]


def fifo(path: Path) -> None:
    os.mkfifo(path)


KINDS_OF_FILE = {  # what a table or the descriptor may be instead of a file, and the words that say so
    "a directory": (lambda p: p.mkdir(), ("directory",)),
    "a link to /dev/zero": (lambda p: p.symlink_to("/dev/zero"), ("/dev/zero", "outside")),
    "a named pipe": (fifo, ("named pipe",)),
    "a link outside the package": (lambda p: p.symlink_to(Path(__file__).resolve()), ("outside",)),
    "a link to nowhere": (lambda p: p.symlink_to(p.with_name("nowhere.csv")), ("missing",)),
    "missing": (lambda p: None, ("missing",)),
}
needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and symlinks as on POSIX")


@needs_posix
@pytest.mark.parametrize("kind", sorted(KINDS_OF_FILE))
@pytest.mark.parametrize("name", [FILES["ties"], config.PACKAGE_FILE])
def test_a_file_that_is_no_regular_file_inside_the_package_is_named(kind, name):
    make, words = KINDS_OF_FILE[kind]
    case = Hostile(f"{name} is {kind}", copy.deepcopy(ROWS), Expect(name), replace={name: make}, words=words)
    in_child(check_hostile, case)


UNSAFE_PATHS = ["../../../../etc/passwd", "/etc/passwd", "~/codings.csv", "$HOME/codings.csv", "%HOME%/codings.csv",
                "file:///etc/passwd", "https://example.com/codings.csv", "sub/../../codings.csv", "..", "a/..", "",
                42, ["codings.csv"]]


@pytest.mark.parametrize("path", UNSAFE_PATHS, ids=repr)
def test_a_resource_path_outside_the_package_is_refused(path):
    case = Hostile(f"path {path!r}", copy.deepcopy(ROWS), Expect(config.PACKAGE_FILE),
                   edits=[edit_descriptor(lambda d: resource_of(d, "codings").update(path=path))],
                   words=("resource 'codings': path",))
    in_child(check_hostile, case)


def add_key(table: str, key: dict):
    return lambda d: resource_of(d, table)["schema"].setdefault("foreignKeys", []).append(key)


def drop_field(d: dict) -> None:
    schema = resource_of(d, "ties")["schema"]
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "motive"]


def drop_column(data: bytes) -> bytes:
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    k = records[0].index("motive")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:k] + r[k + 1:] for r in records])
    return out.getvalue().encode("utf-8")


# each fault of datapackage.json: how it is made, and words the problem must hold (the place, then what is wrong)
DESCRIPTOR_FAULTS = {
    "unknown field type": (lambda d: field_of(d, "ties", "kind").update(type="strnig"), ("field 'kind'", "strnig")),
    "a type the loader does not read": (lambda d: field_of(d, "spells", "seniority").update(type="number"),
                                        ("field 'seniority'", "'number'")),
    "primary key names an unknown field": (lambda d: resource_of(d, "ties")["schema"].update(primaryKey=["nowhere"]),
                                           ("resource 'ties'", "nowhere")),
    "foreign key to an unknown resource": (add_key("spells", {"fields": "person_id", "reference": {
        "resource": "nowhere", "fields": "person_id"}}), ("resource 'spells'", "'nowhere'")),
    "foreign key from an unknown field": (add_key("spells", {"fields": "nowhere", "reference": {
        "resource": "persons", "fields": "person_id"}}), ("resource 'spells'", "nowhere")),
    "foreign key to an unknown field": (add_key("spells", {"fields": "person_id", "reference": {
        "resource": "persons", "fields": "nowhere"}}), ("resource 'spells'", "'nowhere'")),
    "invalid regular expression": (lambda d: field_of(d, "ties", "tie_id")["constraints"].update(pattern="^[a-z(+$"),
                                   ("field 'tie_id'", "not a valid regular expression")),
    "pattern is not text": (lambda d: field_of(d, "ties", "tie_id")["constraints"].update(pattern=5), ("field 'tie_id'",)),
    "maxLength is not a number": (lambda d: field_of(d, "ties", "quote")["constraints"].update(maxLength="ten"),
                                  ("field 'quote'", "maxLength")),
    "enum is not a list": (lambda d: field_of(d, "ties", "kind")["constraints"].update(enum="patronage"), ("field 'kind'",)),
    "minimum is not a number": (lambda d: field_of(d, "spells", "seniority")["constraints"].update(minimum="low"),
                                ("field 'seniority'", "minimum")),
    "pattern on an integer": (lambda d: field_of(d, "spells", "seniority")["constraints"].update(pattern="^[0-9]$"),
                              ("field 'seniority'", "pattern")),
    "a constraint the loader does not check": (
        lambda d: field_of(d, "spells", "seniority")["constraints"].update(exclusiveMaximum=8),
        ("field 'seniority'", "exclusiveMaximum")),
    "two resources with one name": (lambda d: resource_of(d, "codings").update(name="ties"), ("not unique",)),
    "two fields with one name": (lambda d: field_of(d, "ties", "note").update(name="kind"), ("resource 'ties'", "not unique")),
    "a resource without a schema": (lambda d: resource_of(d, "codings").pop("schema"), ("resource 'codings'", "schema")),
    "fields is not a list": (lambda d: resource_of(d, "codings")["schema"].update(fields={"a": 1}), ("resource 'codings'",)),
    "a field is not an object": (lambda d: resource_of(d, "codings")["schema"]["fields"].append(1), ("resource 'codings'",)),
    "a field without a name": (lambda d: resource_of(d, "codings")["schema"]["fields"][0].pop("name"), ("resource 'codings'",)),
    "no resources": (lambda d: d.pop("resources"), ("resources",)),
    "resources is not a list": (lambda d: d.update(resources="all"), ("resources",)),
    "a resource is not an object": (lambda d: d["resources"].append(1), ("resources[10]",)),
    "a table the package lacks": (lambda d: d.update(resources=[r for r in d["resources"] if r["name"] != "codings"]),
                                  ("'codings'",)),
    "malformed hash": (lambda d: resource_of(d, "ties").update(hash="sha256:xyz"), ("resource 'ties'", "hash")),
    "hash of an unknown algorithm": (lambda d: resource_of(d, "ties").update(hash="crc32:abcd"), ("resource 'ties'", "hash")),
    "bytes is not a number": (lambda d: resource_of(d, "ties").update(bytes="many"), ("resource 'ties'", "'many'")),
}
RAW_DESCRIPTORS = {"not JSON": b"{ not json", "empty": b"", "a JSON list": b"[]", "a JSON string": b'"datapackage.json"',
                   "not UTF-8": b'{"resources": "\xff"}'}


@pytest.mark.parametrize("fault", sorted(DESCRIPTOR_FAULTS))
def test_each_fault_of_the_descriptor_is_named(fault):
    change, words = DESCRIPTOR_FAULTS[fault]
    in_child(check_hostile, Hostile(fault, copy.deepcopy(ROWS), Expect(config.PACKAGE_FILE), edits=[edit_descriptor(change)],
                                    words=words))


@pytest.mark.parametrize("what", sorted(RAW_DESCRIPTORS))
def test_a_descriptor_that_is_no_json_object_is_named(what):
    data = RAW_DESCRIPTORS[what]
    in_child(check_hostile, Hostile(what, copy.deepcopy(ROWS), Expect(config.PACKAGE_FILE),
                                    edits=[(config.PACKAGE_FILE, lambda b, data=data: data)]))


def test_a_field_the_analysis_reads_removed_from_schema_and_table_is_named():
    in_child(check_hostile, Hostile("a field removed", copy.deepcopy(ROWS), Expect(config.PACKAGE_FILE),
                                    edits=[edit_descriptor(drop_field), (FILES["ties"], drop_column)],
                                    words=("resource 'ties'", "'motive'")))


def test_a_recorded_size_that_differs_names_the_table():
    def wrong_size(d):
        resource_of(d, "ties")["bytes"] = 1
    in_child(check_hostile, Hostile("bytes differ", copy.deepcopy(ROWS), Expect(FILES["ties"]), edits=[edit_descriptor(wrong_size)],
                                    words=("bytes",)))


def test_a_pattern_is_named_as_the_schema_writes_it():
    """pandera anchors each pattern again (^^...$$ in its check's name): the message shows the schema's own."""
    rows = set_cell("ties", 0, "tie_id", "Bad Id")
    pattern = constraint("ties", "tie_id", "pattern")
    in_child(check_hostile, Hostile("bad id", rows, Expect(FILES["ties"], csv_row(0), frozenset({"tie_id"})),
                                    words=(f"does not match the pattern {pattern!r}",)))


def test_remote_profiles_are_never_fetched():
    """A profile may be a URL, which the Frictionless library would download: the loader checks the package as the
    tabular data package it is, offline, and loads it."""
    def remote(d):
        d["profile"] = "https://example.invalid/profile.json"
        resource_of(d, "ties")["profile"] = "https://example.invalid/resource.json"
    in_child(check, Case("remote profile", copy.deepcopy(ROWS), None, edits=[edit_descriptor(remote)]))


# --- python -m patronage rehash on the same faults: a clear message, exit 1, nothing written -----------


def rehash_outcome(case: Case) -> tuple[int, str, bool]:
    """(exit status, what it printed, whether datapackage.json changed) of ``python -m patronage rehash``'s code."""
    from contextlib import redirect_stderr, redirect_stdout

    from patronage.__main__ import main

    with tempfile.TemporaryDirectory(prefix="patronage-fuzz-") as tmp:
        folder = case.write(Path(tmp) / "data")
        descriptor = folder / config.PACKAGE_FILE
        before = descriptor.read_bytes() if descriptor.is_file() and not descriptor.is_symlink() else None
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            status = main(["rehash", str(folder)])
        after = descriptor.read_bytes() if descriptor.is_file() and not descriptor.is_symlink() else None
    return status, out.getvalue(), before != after


REHASH_FAULTS = {
    **{f"ties.csv is {kind}": ({FILES["ties"]: KINDS_OF_FILE[kind][0]}, [], FILES["ties"]) for kind in KINDS_OF_FILE},
    **{f"datapackage.json is {kind}": ({config.PACKAGE_FILE: KINDS_OF_FILE[kind][0]}, [], config.PACKAGE_FILE)
       for kind in ("a directory", "a link to /dev/zero", "a named pipe", "missing")},
    "datapackage.json is not JSON": ({}, [(config.PACKAGE_FILE, lambda b: b"{ not json")], config.PACKAGE_FILE),
    "datapackage.json is a JSON list": ({}, [(config.PACKAGE_FILE, lambda b: b"[]")], config.PACKAGE_FILE),
    "no resources": ({}, [edit_descriptor(lambda d: d.pop("resources"))], config.PACKAGE_FILE),
    "a resource is not an object": ({}, [edit_descriptor(lambda d: d["resources"].append(1))], config.PACKAGE_FILE),
    "a resource path outside the package": (
        {}, [edit_descriptor(lambda d: resource_of(d, "codings").update(path="../../../../etc/passwd"))], config.PACKAGE_FILE),
}


@needs_posix
@pytest.mark.parametrize("fault", sorted(REHASH_FAULTS))
def test_rehash_names_each_fault_and_writes_nothing(fault):
    replace, edits, file = REHASH_FAULTS[fault]
    status, printed, changed = in_child(rehash_outcome, Hostile(fault, copy.deepcopy(ROWS), None, edits=edits, replace=replace))
    assert status == 1 and "Traceback" not in printed, printed
    assert file in printed and "no checksum was recorded" in printed, printed
    assert not changed, "rehash rewrote datapackage.json though it could not read the package"


@pytest.mark.parametrize("how", ["a leading byte-order mark", "a malformed hash", "a hash of another algorithm"])
def test_rehash_repairs_what_it_records(how):
    """What rehash is for: the recorded checksums are rewritten (a malformed one too), a BOM'd descriptor is read,
    and the package then loads."""
    edits = {"a leading byte-order mark": [(config.PACKAGE_FILE, lambda b: BOM.encode() + b)],
             "a malformed hash": [edit_descriptor(lambda d: resource_of(d, "ties").update(hash="sha256:xyz"))],
             "a hash of another algorithm": [edit_descriptor(lambda d: resource_of(d, "ties").update(
                 hash="md5:" + "0" * 32))]}[how]

    def rehash_then_load(case):
        from patronage.tables.integrity import rehash

        with tempfile.TemporaryDirectory(prefix="patronage-fuzz-") as tmp:
            folder = case.write(Path(tmp) / "data")
            changed = rehash(folder)
            return changed, len(patronage.load(folder).ties)
    changed, ties = in_child(rehash_then_load, Case(how, copy.deepcopy(ROWS), None, edits=edits))
    assert len(changed) == len(FILES) and ties == len(ROWS["ties"])


def test_the_fuzzed_kinds_no_dead_man_attends_are_the_validators():
    from patronage.tables.rules_structure import LIVING

    assert set(LIVING_KINDS) == LIVING
