"""Read the data package into typed, validated pandas DataFrames.

The schema lives in one place, ``data/datapackage.json`` (Frictionless Table Schema), checked
before it is used, and each table is read as a regular file inside the package's folder
(:mod:`patronage.tables.datapackage`). Each table is parsed by pandas' C parser when it is clean, else
with the csv module in strict mode (so that ragged rows, bad bytes and a file cut short inside a
quoted cell are found and named), typed and checked against its schema by pandera
(``pandera.io.from_frictionless_schema``), then the cross-table rules of :mod:`patronage.tables.validate`
run, unless a table could not be read whole. Every EDTF field ``f`` gains two columns, ``f_lo``
and ``f_hi``, the earliest and latest day it can denote.
"""

from __future__ import annotations

import ast
import copy
import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from patronage import config
from patronage.errors import DataError, Problem
from patronage.tables.datapackage import FileProblem, read_descriptor, read_file
from patronage.tables.dates import bounds_columns
from patronage.tables.integrity import checksum_problem, digest
from patronage.tables.validate import Distinct

# Text cells are pandas' nullable strings (pd.NA for an empty cell) held as Python str objects.
# The storage is named, not left to pandas: pandas 3 keeps "string" columns in pyarrow whenever
# pyarrow happens to be installed, which changes the regular-expression engine of the pattern
# checks and makes the analysis about 1.5 times slower (measured at the 1x synthetic size).
# Every table the package reads or derives holds text in this one dtype, whatever is installed.
TEXT = pd.StringDtype("python")

TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}


def read_rows(path: Path, fields: list[str], name: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The cells of one CSV file as strings (empty cells as NA), and the problems found reading it.

    The file must be a regular file of its folder (see :func:`patronage.tables.datapackage.read_file`);
    name: how problems name it (default: the file's name).
    """
    name = name or path.name
    try:
        raw = read_file(path, path.parent)
    except FileProblem as exc:
        return _empty(fields), [Problem(name, None, None, str(exc))]
    frame, problems, _ = parse_rows(raw, fields, name)
    return frame, problems


def _empty(fields: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=fields, dtype=TEXT)


def parse_rows(raw: bytes, fields: list[str], name: str) -> tuple[pd.DataFrame, list[Problem], bool]:
    """The rows of the CSV bytes ``raw``, the problems found, and whether every record could be read.

    Checks the bytes are UTF-8, the header names the schema's fields in order, and every row has
    as many cells as the header. The csv module reads in strict mode: a quote left open at the end
    of the file (a file cut short inside a quoted cell), or text after a closing quote, is an error
    naming the record, not a cell silently ended there. A row of the wrong length is left out of the
    frame, so the table is then not whole either (the rules across tables would find its ids missing).
    """
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a leading byte-order mark is harmless: drop it
    fast = _read_clean(raw, fields)
    if fast is not None:
        return fast, [], True
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # the record and the cell of the bad byte, read as CSV: quoted commas and quoted line breaks count right
        before = raw[:exc.start].decode("utf-8", errors="replace") + "?"
        records = list(csv.reader(io.StringIO(before, newline="")))
        row, col = len(records), len(records[-1]) - 1
        column = fields[col] if 0 <= col < len(fields) else None
        return _empty(fields), [
            Problem(name, row, column, f"byte {raw[exc.start]:#04x} is not UTF-8; save the file as UTF-8")], False
    end = text.find("\n")
    line = text if end < 0 else text[:end]
    if line and not any(c in line for c in '"\r\0'):
        header = line.split(",")  # a first line without quotes is the header record, as the csv module reads it
    else:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), strict=True))
        except StopIteration:
            return _empty(fields), [Problem(name, 1, None, "file is empty")], False
        except csv.Error as exc:
            return _empty(fields), [_malformed(name, text, fields, 1, 0, exc)], False
    if header != fields:
        missing = [f for f in fields if f not in header]
        extra = [h for h in header if h not in fields]
        detail = "; ".join(filter(None, [
            f"missing {missing}" if missing else "", f"unexpected {extra}" if extra else "",
            "columns out of order" if not (missing or extra) else ""]))
        return _empty(fields), [
            Problem(name, 1, None, f"header does not match the schema ({detail}); expected {fields}")], False
    problems: list[Problem] = []
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)  # the header
    number, lines_read, whole, short = 1, reader.line_num, True, None
    try:
        for number, row in enumerate(reader, start=2):  # a row is a record: the header is row 1
            lines_read = reader.line_num
            if len(row) != len(fields):
                problems.append(Problem(name, number, None, f"row has {len(row)} cells, the header has {len(fields)}"))
                whole, short = False, (number if len(row) < len(fields) else None)
                continue
            rows.append(row)
            numbers.append(number)
    except csv.Error as exc:
        problems.append(_malformed(name, text, fields, number + 1, lines_read, exc))
        whole = False
    else:
        if short is not None and short == number and not text.endswith(("\n", "\r")):  # the last row, short, unended
            problems[-1] = replace(problems[-1], message=problems[-1].message + "; it is the last row and the file ends "
                                   "without a line break: the file is cut short (truncated)?")
    frame = pd.DataFrame(rows, columns=fields, dtype=TEXT)
    frame = frame.replace("", pd.NA)
    frame.index = pd.Index(numbers, dtype="int64", name="row")
    return frame, problems, whole


def _malformed(name: str, text: str, fields: list[str], row: int, lines_before: int, exc: csv.Error) -> Problem:
    """The strict csv module's error on record ``row`` (which starts after ``lines_before`` physical
    lines) as a Problem. The csv module names neither the record nor the cell: the record is counted
    by the caller, and for a quote left open at the end of the file the cell is found by reading the
    record's text again without strict mode (which ends the open cell at the end of the file)."""
    if "unexpected end of data" not in str(exc):
        hint = " (a quoted cell ends at a comma or the end of its line)" if "expected after" in str(exc) else ""
        return Problem(name, row, None, f"malformed CSV: {exc}{hint}")
    rest = "".join(io.StringIO(text, newline="").readlines()[lines_before:])
    cells = next(csv.reader(io.StringIO(rest, newline="")), [])
    column = fields[len(cells) - 1] if 0 < len(cells) <= len(fields) else None
    return Problem(name, row, column, "the file ends inside this quoted cell: the file is cut short (truncated), "
                                      "or the cell's closing quote is missing")


def _read_clean(raw: bytes, fields: list[str]) -> pd.DataFrame | None:
    """The rows of a clean CSV file (valid UTF-8, its first line the header) read by pandas' C parser,
    or None when anything is off: read_rows' csv module path then finds and names the problem.

    The C parser is several times faster than the csv module but forgiving: it pads short rows
    and blank lines with empty cells, and takes an extra leading cell as an index. So a file is
    clean only if its first line, without quotes, names the fields; the parse succeeds without an
    index (the parser decodes every cell as strict UTF-8, so it fails on a byte that is not); there
    is no carriage return or NUL byte (the csv module may split or reject those differently); every
    quote opens a field, closes one or is doubled inside one (RFC 4180; a stray quote inside an
    unquoted cell is read differently by the two parsers); and the commas outside quotes number
    exactly fields - 1 per record: no record is longer (the parser raises), so none is shorter.
    Records are numbered as the csv module numbers them, the header being row 1.
    """
    if b"\r" in raw or b"\0" in raw:
        return None
    end = raw.find(b"\n")
    try:
        header = (raw if end < 0 else raw[:end]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if '"' in header or header.split(",") != fields:
        return None
    try:
        frame = pd.read_csv(io.BytesIO(raw), engine="c", encoding="utf-8", header=0, names=fields, dtype=TEXT,
                            keep_default_na=False, na_values=[""], skip_blank_lines=False, quotechar='"', doublequote=True)
    except (ValueError, pd.errors.ParserError, csv.Error):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(frame.index, pd.RangeIndex) or list(frame.columns) != fields:
        return None
    if b'"' in raw:
        parts = raw.split(b'"')  # outside quotes, inside, outside, ...: by the quotes' parity
        if len(parts) % 2 == 0:
            return None  # a quote never closed
        if not (all(p[:1] in (b",", b"\n", b"") for p in parts[2::2]) and  # a closing quote ends its cell (or is doubled)
                all(p[-1:] in (b",", b"\n", b"") for p in parts[0:-1:2])):  # an opening quote starts one
            return None
        outside = b"".join(parts[::2])
    else:
        outside = raw
    separators = _count_commas(outside)
    if separators != (len(frame) + 1) * (len(fields) - 1):
        return None
    frame.index = pd.Index(np.arange(2, len(frame) + 2), dtype="int64", name="row")
    return frame


def _count_commas(data: bytes, step: int = 1 << 20) -> int:
    """How many commas ``data`` holds: numpy compares a megabyte at a time (4x bytes.count). One
    comparison of a whole file of hundreds of megabytes would first allocate (and the system zero)
    a mask as large as the file, which costs more than the counting."""
    view = np.frombuffer(data, dtype=np.uint8)
    return sum(int(np.count_nonzero(view[i:i + step] == ord(","))) for i in range(0, len(view), step))


def type_columns(frame: pd.DataFrame, schema: dict, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Integer and boolean fields converted to pandas' nullable dtypes; unreadable cells named."""
    problems: list[Problem] = []
    for fdesc in schema["fields"]:
        col, kind = fdesc["name"], fdesc.get("type", "string")
        if kind == "integer":
            # each distinct cell read once (a column of small numbers repeats a few values): the same
            # set of values as the column's, so to_numeric infers the same type and reads each value alike
            text = frame[col]
            codes, uniques = pd.factorize(np.asarray(text.array, dtype=object))
            empty = codes < 0
            values = pd.Series(pd.array([*uniques, *([None] if empty.any() else [])], dtype=text.dtype))
            num = pd.to_numeric(values, errors="coerce")
            bad = values.notna() & (num.isna() | (num % 1 != 0))
            codes[empty] = len(uniques)  # the empty cell, last among the values
            problems += [Problem(name, int(frame.index[i]), col, f"{uniques[codes[i]]!r} is not an integer")
                         for i in np.flatnonzero(bad.fillna(False).to_numpy(dtype=bool)[codes])]
            frame[col] = num.where(~bad).astype("Int64").array.take(codes)
        elif kind == "boolean":
            text = frame[col]
            bad = text.notna() & ~text.isin(TRUE_VALUES | FALSE_VALUES)
            problems += [Problem(name, int(r), col, f"{v!r} is not true or false") for r, v in text[bad].items()]
            frame[col] = pd.arrays.BooleanArray(text.isin(TRUE_VALUES).to_numpy(dtype=bool), text.isna().to_numpy(dtype=bool))
    return frame, problems


SPLIT_ROWS = 10_000  # tables this long have most columns checked once per distinct value (see check_schema)


def check_schema(frame: pd.DataFrame, schema: dict, name: str, distinct: Distinct | None = None,
                 table: str | None = None) -> list[Problem]:
    """Required, unique, enum, pattern, length and range constraints, checked by pandera.

    Whether a cell is empty or breaks a value constraint (enum, pattern, length, range) depends
    on its value alone. So in a long table (SPLIT_ROWS rows or more) pandera checks a repeating
    column (a string column with a value constraint, but not a unique one) once per distinct value,
    in a table of those columns' distinct values, and a value that fails is named on every row
    holding it; unique columns, the other required ones and the primary key are checked on the rows.
    ``distinct`` holds the frame as ``table``: the columns are factorised once, for the cross-table
    rules too. A short table is checked in one pass (a second one would cost more than it saves).
    """
    schema_json = json.dumps(schema, sort_keys=True)
    whole, rows, values = _checkers(schema_json)
    if not len(frame):
        return []  # no row: no cell to be empty, out of range or repeated
    if len(frame) < SPLIT_ROWS:
        return _failures(_without(schema_json, _idle_columns(whole, frame)), frame, name)
    if not values.columns:
        return _failures(whole, frame, name)
    problems = _failures(rows, frame, name)
    if distinct is None:
        distinct, table = Distinct({name: frame}), name
    columns = {}
    for c in values.columns:  # each column's distinct values, then an empty cell if it has one
        codes, uniques = distinct.codes(table, c)
        columns[c] = distinct.values(table, c)[:len(uniques) + bool((codes < 0).any())]
    longest = max(map(len, columns.values()))
    # padded to the longest with copies of a column's first value (the frame has rows, so each has one):
    # a failure there is named on no row
    table_of_values = pd.DataFrame({c: v.array.take(np.where(np.arange(longest) < len(v), np.arange(longest), 0))
                                    for c, v in columns.items()})
    failed: dict[str, dict[int, list[dict]]] = {}  # column -> position among its distinct values -> failures
    for case in _failures(values, table_of_values, name, cases=True):
        failed.setdefault(case["column"], {}).setdefault(int(case["index"]), []).append(case)
    for column, cases in failed.items():
        codes, uniques = distinct.codes(table, column)
        empty = len(uniques)  # the empty cell's position, after the distinct values; code -1
        where = [-1 if k == empty else k for k in cases if k <= empty]  # beyond: a repeated first value
        for i in np.flatnonzero(np.isin(codes, where)):
            problems += [_problem_from_failure(name, {**case, "index": frame.index[i]}, frame)
                         for case in cases[empty if codes[i] < 0 else codes[i]]]
    return problems


def _failures(checker, frame: pd.DataFrame, name: str, cases: bool = False) -> list:
    """The Problems pandera finds in ``frame`` (with ``cases``: its failure cases, as dicts)."""
    from pandera.errors import SchemaErrors

    try:
        checker.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:
        found = exc.failure_cases.to_dict("records")
        return found if cases else [_problem_from_failure(name, case, frame) for case in found]
    return []


@cache
def _checkers(schema_json: str):
    """The pandera schemas of a Frictionless table schema, built once per process: (whole, rows, values).

    ``whole`` checks every constraint on the rows. ``values`` checks the repeating columns (see
    check_schema) on their distinct values, ``rows`` the rest on the rows.
    """
    from pandera.io.pandas_io import from_frictionless_schema

    schema = json.loads(schema_json)
    whole = from_frictionless_schema(schema)
    # Types are not pandera's job here: read_rows has matched the header to the fields and
    # type_columns has read every integer and boolean cell, naming each one it could not. So
    # pandera neither converts nor re-checks dtypes, and skips the columns with no constraint;
    # it checks what the schema says about values (required, unique, enum, pattern, range).
    # On small packages this halves the cost of a load (pandera's overhead is per column).
    whole.coerce = False
    whole.strict = False
    for name in list(whole.columns):
        column = whole.columns[name]
        column.dtype, column.coerce = None, False
        if not column.checks and column.nullable and not column.unique:
            del whole.columns[name]
    strings = {f["name"] for f in schema["fields"] if f.get("type", "string") == "string"}
    repeating = {name for name, column in whole.columns.items() if name in strings and column.checks and not column.unique}
    rows, values = copy.deepcopy(whole), copy.deepcopy(whole)
    values.unique = None
    for name in whole.columns:
        del (rows if name in repeating else values).columns[name]
    return whole, rows, values


def _idle_columns(checker, frame: pd.DataFrame) -> tuple[str, ...]:
    """The optional, non-unique columns of ``checker`` with no value in ``frame``: their checks
    (enum, pattern, length, range) skip empty cells, so on such a column they cannot fail."""
    return tuple(c for c, column in checker.columns.items()
                 if column.nullable and not column.unique and c in frame and frame[c].isna().all())


@lru_cache(maxsize=128)
def _without(schema_json: str, idle: tuple[str, ...]):
    """The ``whole`` checker of _checkers without the columns ``idle`` (the last 128 sets of columns kept).

    pandera's cost is mostly per column, so short tables with many optional columns left empty
    (a new package, the test suite's small worlds) are checked in a fraction of the time.
    """
    whole = _checkers(schema_json)[0]
    if not idle:
        return whole
    fewer = copy.deepcopy(whole)
    for c in idle:
        del fewer.columns[c]
    return fewer


def _problem_from_failure(name: str, case: dict, frame: pd.DataFrame) -> Problem:
    """One pandera failure case as a Problem naming file, row and column."""
    index, column, check, value = case.get("index"), case.get("column"), str(case.get("check")), case.get("failure_case")
    row = int(index) if index is not None and not pd.isna(index) else None
    if check == "not_nullable":
        message = "required cell is empty"
    elif check.startswith("field_uniqueness") or check.startswith("multiple_fields_uniqueness"):
        message = f"duplicate value {value!r}" if column else "duplicate primary key"
    elif check.startswith("isin"):
        message = f"{value!r} is not one of the allowed values {check[len('isin('):-1]}"
    elif check.startswith("str_matches"):
        # pandera anchors the schema's pattern (^PATTERN$: Frictionless matches the whole value); the schema's own is named
        pattern = ast.literal_eval(check[len("str_matches("):-1]).removeprefix("^").removesuffix("$")
        message = f"{value!r} does not match the pattern {pattern!r}"
    elif check.startswith("str_length"):
        message = f"text too long ({len(str(value))} characters; limit {check})"
    else:
        message = f"{value!r} fails {check}"
    if isinstance(column, str) and column not in frame.columns:
        column = None
    return Problem(name, row, column if isinstance(column, str) else None, message)


def add_bounds(frame: pd.DataFrame, schema: dict, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """For each EDTF field f, the columns f_lo and f_hi; unparseable dates named."""
    problems: list[Problem] = []
    for fdesc in schema["fields"]:
        if not fdesc.get("edtf"):
            continue
        col = fdesc["name"]
        lo, hi, errors = bounds_columns(frame[col])
        frame[f"{col}_lo"], frame[f"{col}_hi"] = lo, hi
        problems += [Problem(name, int(frame.index[pos]), col, msg) for pos, msg in errors.items()]
    return frame, problems


@dataclass(frozen=True)
class Tables:
    """The curated tables, typed and validated; one DataFrame attribute per table.

    ``persons`` also carries the derived columns born_lo/born_hi, died_lo/died_hi (from birth,
    death and execution events of the current selection) and fate (from attributes).
    """

    sources: pd.DataFrame
    persons: pd.DataFrame
    attributes: pd.DataFrame
    organisations: pd.DataFrame
    spells: pd.DataFrame
    events: pd.DataFrame
    event_participants: pd.DataFrame
    ties: pd.DataFrame
    codings: pd.DataFrame
    conflicts: pd.DataFrame
    descriptor: dict = field(repr=False)
    data_dir: Path = field(default=config.DATA_DIR)
    selection: dict = field(default_factory=dict)
    # frames derived from these tables, computed once on first use (see ``derived``); a copy made
    # with ``replace`` starts with none, so nothing derived outlives the rows it came from
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    TABLES = ("sources", "persons", "attributes", "organisations", "spells", "events",
              "event_participants", "ties", "codings", "conflicts")

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        return {n: getattr(self, n) for n in self.TABLES}

    def replace(self, distinct: Distinct | None = None, **frames: pd.DataFrame) -> Tables:
        """A copy with some tables replaced, the derived person columns recomputed.

        distinct: the new tables' columns factorised, if the caller has them (see ``Distinct.narrowed``).
        """
        new = replace(self, **frames)
        return replace(new, persons=derive_person_columns(new, distinct))

    def distinct(self) -> Distinct:
        """The columns of these tables factorised (see :class:`patronage.tables.validate.Distinct`), once:
        what the loader kept (the columns a selection reads), or made on first use. The person
        columns derived from other tables are left out, so that a selection narrowing this never
        takes them for its own."""
        return self.derived(DISTINCT, lambda t: Distinct({
            **t.frames(), "persons": t.persons.drop(columns=[c for c in DERIVED if c in t.persons.columns])}))

    def __getstate__(self) -> dict:
        """What pickling keeps: everything but the factorised columns, which the first selection
        in the reading process makes again (they are arrays of its memory, not facts of the tables)."""
        state = dict(self.__dict__)
        state["_derived"] = {k: v for k, v in self._derived.items() if k != DISTINCT}
        return state

    def derived(self, key: str, compute):
        """``compute(self)``, computed once for these tables and kept under ``key``."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]

    def select(self, evidence: str = "seed", reading: str | dict = "article", coding: str = "blauvelt") -> Tables:
        """The rows one analysis uses; see :func:`patronage.tables.readings.select`."""
        from patronage.tables.readings import select

        return select(self, evidence=evidence, reading=reading, coding=coding)


def derive_person_columns(tables: Tables, distinct: Distinct | None = None) -> pd.DataFrame:
    """persons with born_lo/hi, died_lo/hi and fate, derived from events and attributes.

    Participants are joined to their events as pandas' merge on event_id joins them (every pair of
    rows with equal ids, an empty id matching an empty id), but on integer codes of the ids from
    ``distinct`` (shared with the cross-table rules), which costs a fraction of joining on the strings.
    """
    distinct = distinct or Distinct(tables.frames())
    persons = tables.persons.drop(columns=[c for c in DERIVED if c in tables.persons.columns])
    lives = (("born", {"birth"}, {"subject"}), ("died", {"death", "execution"}, {"subject", "executed"}))
    codes, ids = distinct.codes("events", "event_id")
    key = np.where(codes < 0, len(ids), codes)  # each event's id as a code; an empty id takes the slot after the ids
    at = distinct.spread("event_participants", "event_id",  # each participant's event id as a code of the events' ids
                         distinct.match("event_participants", "event_id", "events", "event_id"))
    who, people = distinct.codes("event_participants", "person_id")  # -1: no person, left out as groupby leaves out NA
    where = distinct.match("persons", "person_id", "event_participants", "person_id")
    where = distinct.spread("persons", "person_id", np.append(where[:-1], -1))  # -1: nothing known of that person
    lo, hi = tables.events["date_lo"].to_numpy(), tables.events["date_hi"].to_numpy()
    for what, kinds, roles in lives:
        chosen = distinct.per_value("events", "kind", lambda v, k=kinds: v.isin(k))
        events = pd.DataFrame({"key": key[chosen], "date_lo": lo[chosen], "date_hi": hi[chosen]})
        rows = distinct.per_value("event_participants", "role", lambda v, r=roles: v.isin(r)) & (who >= 0)
        part = pd.DataFrame({"key": at[rows], "person": who[rows]}).merge(events, on="key", how="inner")
        bounds = part.groupby("person", sort=False).agg(lo=("date_lo", "min"), hi=("date_hi", "max"))
        for end in ("lo", "hi"):
            found = np.full(len(people) + 1, np.datetime64("NaT"), dtype="datetime64[s]")  # the last: nothing known
            found[bounds.index.to_numpy()] = bounds[end].to_numpy()
            persons[f"{what}_{end}"] = found[where]
    fates = tables.attributes[tables.attributes["attribute"] == "fate"]
    persons["fate"] = persons["person_id"].map(fates.drop_duplicates("person_id", keep="last")
                                                .set_index("person_id")["value"]).astype(TEXT)
    return persons


DERIVED = ("born_lo", "born_hi", "died_lo", "died_hi", "fate")
DISTINCT = "distinct"  # the key of Tables.distinct() among the derived
# the columns whose codes a selection reads (readings.select, then derive_person_columns)
SELECTION_COLUMNS = {("ties", "codings"), ("events", "event_id"), ("events", "kind"), ("event_participants", "event_id"),
                     ("event_participants", "person_id"), ("event_participants", "role"), ("persons", "person_id")}


def read_tables(data_dir: Path | str | None = None) -> tuple[Tables, list[Problem], bool]:
    """Every table of the package read, typed and schema-checked, with the problems found.

    returns: (tables, problems, complete), complete False if some file could not be read at all.
    """
    tables, problems, complete, _ = _read_tables(data_dir)
    return tables, problems, complete


def _read_tables(data_dir: Path | str | None) -> tuple[Tables, list[Problem], bool, Distinct]:
    """read_tables, and the columns' distinct values that the derived columns were computed from
    (the cross-table rules use them again)."""
    data_dir = Path(data_dir or config.DATA_DIR)
    descriptor = read_descriptor(data_dir)  # checked: raises DataError naming each fault
    names = [r["name"] for r in descriptor["resources"]]
    missing = [n for n in Tables.TABLES if n not in names]
    if missing:
        raise DataError([Problem(config.PACKAGE_FILE, None, None, f"no resource named {m!r}") for m in missing])
    unread = unread_fields(descriptor)
    if unread:
        raise DataError(unread)
    frames, problems, complete, distinct = _read_frames(descriptor, data_dir)
    tables = Tables(**{n: frames[n] for n in Tables.TABLES}, descriptor=descriptor, data_dir=data_dir)
    return replace(tables, persons=derive_person_columns(tables, distinct)), problems, complete, distinct


@cache
def compendium_fields() -> dict[str, dict[str, str]]:
    """{table: {field: type}} of the compendium's own schema (config.PACKAGE_DATA_DIR): the fields
    the analysis was written to read. {} if that descriptor cannot be read (its own load says why)."""
    try:
        descriptor = json.loads(read_file(config.PACKAGE_DATA_DIR / config.PACKAGE_FILE, config.PACKAGE_DATA_DIR))
        return {r["name"]: {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]} for r in descriptor["resources"]}
    except (FileProblem, ValueError, KeyError, TypeError):
        return {}


def unread_fields(descriptor: dict) -> list[Problem]:
    """A Problem for each field of the compendium's schema that a table of ``descriptor`` lacks or
    types otherwise: the rules and the analysis read those columns by name (a table may add fields)."""
    out = []
    for res in descriptor["resources"]:
        have = {f["name"]: f.get("type", "string") for f in res["schema"]["fields"]}
        for name, kind in compendium_fields().get(res["name"], {}).items() if res["name"] in Tables.TABLES else ():
            if name not in have:
                out.append(Problem(config.PACKAGE_FILE, None, None, f"resource {res['name']!r} has no field {name!r}, "
                                   "which the compendium's schema has and the analysis reads"))
            elif have[name] != kind:
                out.append(Problem(config.PACKAGE_FILE, None, None, f"resource {res['name']!r}, field {name!r}: type "
                                   f"{have[name]!r}, where the compendium's schema (which the analysis reads) has {kind!r}"))
    return out


def _read_frames(descriptor: dict, data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem], bool, Distinct]:
    """Each resource read, typed, schema-checked and bounded: (frames by name, problems, complete,
    the distinct values of the columns factorised so far).

    complete is False when a table could not be read whole (missing, not a file, not UTF-8, a bad
    header, a file cut short): rules across tables mean nothing then. Each table's bytes are read
    once; their checksum is computed in a thread (hashlib releases the GIL) while they are parsed.
    """
    frames, problems, complete = {}, [], True
    distinct = Distinct(frames)  # filled as the frames are read
    with ThreadPoolExecutor(1) as pool:
        digests = []
        for res in descriptor["resources"]:
            schema, name = res["schema"], res["path"]
            fields = [f["name"] for f in schema["fields"]]
            try:
                raw = read_file(data_dir / name, data_dir)
            except FileProblem as exc:
                frame, found, whole = _empty(fields), [Problem(name, None, None, str(exc))], False
            else:
                digests.append((res, len(raw), pool.submit(digest, raw, res.get("hash"))))
                frame, found, whole = parse_rows(raw, fields, name)
            problems += found
            complete = complete and whole
            frame, found = type_columns(frame, schema, name)
            problems += found
            frames[res["name"]] = frame
            problems += check_schema(frame, schema, name, distinct, res["name"])
            frame, found = add_bounds(frame, schema, name)
            problems += found
            frames[res["name"]] = frame
        problems += [p for res, size, found in digests if (p := checksum_problem(res, found.result(), size))]
    return frames, problems, complete, distinct


def load(data_dir: Path | str | None = None) -> Tables:
    """The validated tables of ``data_dir`` (default: the compendium's data/).

    When the build has set ``$PATRONAGE_CACHE_DIR``, a package already validated with the same
    bytes and the same loader comes from that cache (see :mod:`patronage.cache`).

    returns: Tables; raises DataError listing every problem (file, row, column) if any.
    """
    from patronage.cache import cached_tables

    return cached_tables(Path(data_dir or config.DATA_DIR), validated)


def validated(data_dir: Path) -> Tables:
    """The tables of ``data_dir`` read, typed and checked against every rule; raises DataError."""
    from patronage.tables.validate import cross_table_problems

    tables, problems, complete, distinct = _read_tables(data_dir)
    if complete:  # rules across tables mean nothing while a table is unreadable
        problems += cross_table_problems(tables, distinct)
    if problems:
        raise DataError(problems)
    # what a selection reads again is kept with the tables (its persons are the table as read,
    # without the derived columns; see Tables.distinct)
    tables._derived[DISTINCT] = distinct.keeping(SELECTION_COLUMNS)
    return tables
