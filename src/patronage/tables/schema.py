"""A table's values checked against its Frictionless schema by pandera: required, unique, enum, pattern,
length and range constraints, each failure named by its file, row and column."""

from __future__ import annotations

import ast
import copy
import json
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.distinct import Distinct

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
    if distinct is None:
        distinct, table = Distinct({name: frame}), name
    return _failures(rows, frame, name) + _value_failures(values, frame, name, distinct, table)


def _value_failures(values, frame: pd.DataFrame, name: str, distinct: Distinct, table: str) -> list[Problem]:
    """The checks of ``values`` run once on a table of the columns' distinct values, each failure named on
    every row of ``frame`` that holds the failing value."""
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
    problems = []
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
