"""The cells of a table typed: text as pandas' nullable strings held as Python str, integer and boolean
fields as nullable integers and booleans (each unreadable cell named), and each EDTF field ``f`` with
its earliest and latest day in ``f_lo`` and ``f_hi``, and in ``f_floor`` the earliest day its point
estimate may take where its start is unknown ('/1953-03'; NaT elsewhere)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.dates import bounds_and_floor

# Text cells are pandas' nullable strings (pd.NA for an empty cell) held as Python str objects.
# The storage is named, not left to pandas: pandas 3 keeps "string" columns in pyarrow whenever
# pyarrow happens to be installed, which changes the regular-expression engine of the pattern
# checks and makes the analysis about 1.5 times slower (measured at the 1x synthetic size).
# Every table the package reads or derives holds text in this one dtype, whatever is installed.
TEXT = pd.StringDtype("python")

# (column prefix, event kinds, participant roles): the events whose days bound a person's birth and death, which the
# loader derives as the persons' life dates and the rules of sense read as one death
LIVES = (("born", {"birth"}, {"subject"}), ("died", {"death", "execution"}, {"subject", "executed"}))

TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}


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
            num, why = _integers(values)
            codes[empty] = len(uniques)  # the empty cell, last among the values
            problems += [Problem(name, int(frame.index[i]), col, f"{uniques[codes[i]]!r} {why[codes[i]]}")
                         for i in np.flatnonzero(why.notna().to_numpy(dtype=bool)[codes])]
            frame[col] = num.array.take(codes)
        elif kind == "boolean":
            text = frame[col]
            bad = text.notna() & ~text.isin(TRUE_VALUES | FALSE_VALUES)
            problems += [Problem(name, int(r), col, f"{v!r} is not true or false") for r, v in text[bad].items()]
            frame[col] = pd.arrays.BooleanArray(text.isin(TRUE_VALUES).to_numpy(dtype=bool), text.isna().to_numpy(dtype=bool))
    return frame, problems


INTEGER = r"[+-]?[0-9]+"  # digits only: '1e3', '6.5' and '９' (a full-width digit) are not integers as written
INT64 = 2**63 - 1


def _integers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The integer each text of ``values`` writes (Int64, NA where it writes none), and why it writes none (NA where
    it does, or the text is empty): not an integer as written, or beyond what a table's integer can hold (read
    as a float it would be named by another number: 99999999999999999999 as -9223372036854775808)."""
    text = values.astype("string").str.strip()
    digits = text.str.fullmatch(INTEGER).fillna(False).to_numpy(dtype=bool)
    big = np.array([abs(int(t)) > INT64 if d else False for t, d in zip(text, digits, strict=True)], dtype=bool)
    why = pd.Series(np.where(~digits, "is not an integer", "is beyond the integers a table holds (19 digits at most)"),
                    index=values.index, dtype=object).where(values.notna().to_numpy(dtype=bool) & (~digits | big))
    ok = digits & ~big
    num = pd.array([int(t) if k else None for t, k in zip(text, ok, strict=True)], dtype="Int64")
    return pd.Series(num, index=values.index), why


def add_bounds(frame: pd.DataFrame, schema: dict, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """For each EDTF field f, the columns f_lo, f_hi and f_floor (:func:`patronage.tables.dates.open_start_floor`); unparseable dates named."""
    problems: list[Problem] = []
    for fdesc in schema["fields"]:
        if not fdesc.get("edtf"):
            continue
        col = fdesc["name"]
        lo, hi, floor, errors = bounds_and_floor(frame[col])
        frame[f"{col}_lo"], frame[f"{col}_hi"], frame[f"{col}_floor"] = lo, hi, floor
        problems += [Problem(name, int(frame.index[pos]), col, msg) for pos, msg in errors.items()]
    return frame, problems
