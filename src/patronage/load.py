"""Read the data package into typed, validated pandas DataFrames.

The schema lives in one place, ``data/datapackage.json`` (Frictionless Table Schema). Each table
is read by pandas' C parser when it is clean, else with the csv module (so that ragged rows and
bad bytes are found and named), typed
and checked against its schema by pandera (``pandera.io.from_frictionless_schema``), then the
cross-table rules of :mod:`patronage.validate` run. Every EDTF field ``f`` gains two columns,
``f_lo`` and ``f_hi``, the earliest and latest day it can denote.
"""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from patronage import config
from patronage.dates import bounds_columns
from patronage.errors import DataError, Problem

TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}


def read_descriptor(data_dir: Path) -> dict:
    """The data package descriptor (datapackage.json) of ``data_dir`` as a dict."""
    path = Path(data_dir) / config.PACKAGE_FILE
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        if not all(isinstance(r.get("schema", {}).get("fields"), list) and "path" in r and "name" in r
                   for r in descriptor["resources"]):
            raise ValueError("a resource lacks its name, path or schema fields")
        return descriptor
    except FileNotFoundError:
        raise DataError([Problem(str(path), None, None, "no data package descriptor here")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(path.name, None, None, f"not valid JSON: {exc}")]) from None
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise DataError([Problem(path.name, None, None, f"not a data package descriptor: {exc}")]) from None


def read_rows(path: Path, fields: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """The cells of one CSV file as strings (empty cells as NA), and the problems found reading it.

    Checks the bytes are UTF-8, the header names the schema's fields in order, and every row has
    as many cells as the header.
    """
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return pd.DataFrame(columns=fields, dtype="string"), [Problem(name, None, None, "file is missing")]
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a leading byte-order mark is harmless: drop it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # the record and the cell of the bad byte, read as CSV: quoted commas and quoted line breaks count right
        before = raw[:exc.start].decode("utf-8", errors="replace") + "?"
        records = list(csv.reader(io.StringIO(before, newline="")))
        row, col = len(records), len(records[-1]) - 1
        column = fields[col] if 0 <= col < len(fields) else None
        return pd.DataFrame(columns=fields, dtype="string"), [
            Problem(name, row, column, f"byte {raw[exc.start]:#04x} is not UTF-8; save the file as UTF-8")]
    line = text.partition("\n")[0]
    if line and not any(c in line for c in '"\r\0'):
        header = line.split(",")  # a first line without quotes is the header record, as the csv module reads it
    else:
        try:
            header = next(csv.reader(io.StringIO(text, newline="")))
        except StopIteration:
            return pd.DataFrame(columns=fields, dtype="string"), [Problem(name, 1, None, "file is empty")]
    problems: list[Problem] = []
    if header != fields:
        missing = [f for f in fields if f not in header]
        extra = [h for h in header if h not in fields]
        detail = "; ".join(filter(None, [
            f"missing {missing}" if missing else "", f"unexpected {extra}" if extra else "",
            "columns out of order" if not (missing or extra) else ""]))
        return pd.DataFrame(columns=fields, dtype="string"), [
            Problem(name, 1, None, f"header does not match the schema ({detail}); expected {fields}")]
    fast = _read_clean(raw, fields)
    if fast is not None:
        return fast, problems
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)  # the header
    try:
        for number, row in enumerate(reader, start=2):  # a row is a record: the header is row 1
            if len(row) != len(fields):
                problems.append(Problem(name, number, None, f"row has {len(row)} cells, the header has {len(fields)}"))
                continue
            rows.append(row)
            numbers.append(number)
    except csv.Error as exc:
        problems.append(Problem(name, len(numbers) + 2, None, f"malformed CSV: {exc}"))
    frame = pd.DataFrame(rows, columns=fields, dtype="string")
    frame = frame.replace("", pd.NA)
    frame.index = pd.Index(numbers, dtype="int64", name="row")
    return frame, problems


def _read_clean(raw: bytes, fields: list[str]) -> pd.DataFrame | None:
    """The rows of a clean CSV file (valid UTF-8, header already checked) read by pandas' C parser,
    or None when anything is off: read_rows' csv module path then finds and names the problem.

    The C parser is several times faster than the csv module but forgiving: it pads short rows
    and blank lines with empty cells, and takes an extra leading cell as an index. So a file is
    clean only if the parse succeeds without an index, has no carriage return or NUL byte (the
    csv module may split or reject those differently), and the commas outside quotes (quote parity,
    as in RFC 4180) number exactly fields - 1 per record: no record is longer (the parser raises),
    so none is shorter. Records are numbered as the csv module numbers them, the header being row 1.
    """
    if b"\r" in raw or b"\0" in raw:
        return None
    try:
        frame = pd.read_csv(io.BytesIO(raw), engine="c", encoding="utf-8", header=0, names=fields, dtype="string",
                            keep_default_na=False, na_values=[""], skip_blank_lines=False, quotechar='"', doublequote=True)
    except (ValueError, pd.errors.ParserError, csv.Error):
        return None
    if not isinstance(frame.index, pd.RangeIndex) or list(frame.columns) != fields:
        return None
    separators = b"".join(raw.split(b'"')[::2]).count(b",") if b'"' in raw else raw.count(b",")
    if separators != (len(frame) + 1) * (len(fields) - 1):
        return None
    frame.index = pd.Index(np.arange(2, len(frame) + 2), dtype="int64", name="row")
    return frame


def type_columns(frame: pd.DataFrame, schema: dict, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Integer and boolean fields converted to pandas' nullable dtypes; unreadable cells named."""
    problems: list[Problem] = []
    for fdesc in schema["fields"]:
        col, kind = fdesc["name"], fdesc.get("type", "string")
        if kind == "integer":
            num = pd.to_numeric(frame[col], errors="coerce")
            bad = frame[col].notna() & (num.isna() | (num % 1 != 0))
            problems += [Problem(name, int(r), col, f"{v!r} is not an integer") for r, v in frame.loc[bad, col].items()]
            frame[col] = num.where(~bad).astype("Int64")
        elif kind == "boolean":
            text = frame[col]
            bad = text.notna() & ~text.isin(TRUE_VALUES | FALSE_VALUES)
            problems += [Problem(name, int(r), col, f"{v!r} is not true or false") for r, v in text[bad].items()]
            frame[col] = pd.arrays.BooleanArray(text.isin(TRUE_VALUES).to_numpy(dtype=bool), text.isna().to_numpy(dtype=bool))
    return frame, problems


def check_schema(frame: pd.DataFrame, schema: dict, name: str) -> list[Problem]:
    """Required, unique, enum, pattern, length and range constraints, checked by pandera."""
    from pandera.errors import SchemaErrors

    try:
        _checker(json.dumps(schema, sort_keys=True)).validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:
        return [_problem_from_failure(name, case, frame) for case in exc.failure_cases.to_dict("records")]
    return []


@cache
def _checker(schema_json: str):
    """The pandera schema of a Frictionless table schema, built once per process."""
    from pandera.io.pandas_io import from_frictionless_schema

    schema = json.loads(schema_json)
    checker = from_frictionless_schema(schema)
    # Types are not pandera's job here: read_rows has matched the header to the fields and
    # type_columns has read every integer and boolean cell, naming each one it could not. So
    # pandera neither converts nor re-checks dtypes, and skips the columns with no constraint;
    # it checks what the schema says about values (required, unique, enum, pattern, range).
    # On small packages this halves the cost of a load (pandera's overhead is per column).
    checker.coerce = False
    checker.strict = False
    for name in list(checker.columns):
        column = checker.columns[name]
        column.dtype, column.coerce = None, False
        if not column.checks and column.nullable and not column.unique:
            del checker.columns[name]
    return checker


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
        message = f"{value!r} does not match the pattern {check[len('str_matches('):-1]}"
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

    def replace(self, **frames: pd.DataFrame) -> Tables:
        """A copy with some tables replaced, the derived person columns recomputed."""
        new = replace(self, **frames)
        return replace(new, persons=derive_person_columns(new))

    def derived(self, key: str, compute):
        """``compute(self)``, computed once for these tables and kept under ``key``."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]

    def select(self, evidence: str = "seed", reading: str | dict = "article", coding: str = "blauvelt") -> Tables:
        """The rows one analysis uses; see :func:`patronage.readings.select`."""
        from patronage.readings import select

        return select(self, evidence=evidence, reading=reading, coding=coding)


def derive_person_columns(tables: Tables) -> pd.DataFrame:
    """persons with born_lo/hi, died_lo/hi and fate, derived from events and attributes."""
    persons = tables.persons.drop(columns=[c for c in DERIVED if c in tables.persons.columns])
    lives = (("born", {"birth"}, {"subject"}), ("died", {"death", "execution"}, {"subject", "executed"}))
    events, participants = tables.events, tables.event_participants  # only the rows that can matter are joined
    events = events.loc[events["kind"].isin(set().union(*(k for _, k, _ in lives))), ["event_id", "kind", "date_lo", "date_hi"]]
    participants = participants.loc[participants["role"].isin(set().union(*(r for _, _, r in lives))),
                                    ["event_id", "person_id", "role"]]
    part = participants.merge(events, on="event_id", how="inner")
    for what, kinds, roles in lives:
        rows = part[part["kind"].isin(kinds) & part["role"].isin(roles)]
        bounds = rows.groupby("person_id", sort=False).agg(lo=("date_lo", "min"), hi=("date_hi", "max"))  # unsorted: reindexed
        lo, hi = bounds["lo"].astype("datetime64[s]"), bounds["hi"].astype("datetime64[s]")
        persons[f"{what}_lo"] = lo.reindex(persons["person_id"]).to_numpy()
        persons[f"{what}_hi"] = hi.reindex(persons["person_id"]).to_numpy()
    fates = tables.attributes[tables.attributes["attribute"] == "fate"]
    persons["fate"] = persons["person_id"].map(fates.drop_duplicates("person_id", keep="last")
                                                .set_index("person_id")["value"]).astype("string")
    return persons


DERIVED = ("born_lo", "born_hi", "died_lo", "died_hi", "fate")


def read_tables(data_dir: Path | str | None = None) -> tuple[Tables, list[Problem], bool]:
    """Every table of the package read, typed and schema-checked, with the problems found.

    returns: (tables, problems, complete), complete False if some file could not be read at all.
    """
    from patronage.integrity import hash_problems

    data_dir = Path(data_dir or config.DATA_DIR)
    descriptor = read_descriptor(data_dir)
    with ThreadPoolExecutor(1) as pool:  # sha256 releases the GIL: the checksums are computed while the tables are read
        hashes = pool.submit(hash_problems, descriptor, data_dir)
        frames, problems, complete = _read_frames(descriptor, data_dir)
        problems += hashes.result()
    missing = [n for n in Tables.TABLES if n not in frames]
    if missing:
        raise DataError([Problem(config.PACKAGE_FILE, None, None, f"no resource named {m!r}") for m in missing])
    tables = Tables(**frames, descriptor=descriptor, data_dir=data_dir)
    return replace(tables, persons=derive_person_columns(tables)), problems, complete


def _read_frames(descriptor: dict, data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem], bool]:
    """Each resource read, typed, schema-checked and bounded: (frames by name, problems, complete)."""
    frames, problems, complete = {}, [], True
    for res in descriptor["resources"]:
        schema, name = res["schema"], res["path"]
        fields = [f["name"] for f in schema["fields"]]
        frame, found = read_rows(data_dir / name, fields)
        problems += found
        complete = complete and not (found and frame.empty and found[0].row in (None, 1) or
                                     any("UTF-8" in p.message for p in found))
        frame, found = type_columns(frame, schema, name)
        problems += found
        problems += check_schema(frame, schema, name)
        frame, found = add_bounds(frame, schema, name)
        problems += found
        frames[res["name"]] = frame
    return frames, problems, complete


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
    from patronage.validate import cross_table_problems

    tables, problems, complete = read_tables(data_dir)
    if complete:  # rules across tables mean nothing while a table is unreadable
        problems += cross_table_problems(tables)
    if problems:
        raise DataError(problems)
    return tables
