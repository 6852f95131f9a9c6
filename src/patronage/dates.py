"""EDTF dates as bounds.

Dates are stored as EDTF strings (1953-06-26, 1953-06, 1939-02~, 1938-12/1939-02) and parsed by
the ``edtf`` library (plain calendar dates take a faster path checked against it). A date becomes two bounds, the earliest and the latest day it
can denote: ``lower_fuzzy``/``upper_fuzzy`` in edtf's terms, which equal the strict bounds for a
plain date and widen them by edtf's padding for an approximate (~) or uncertain (?) one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache

import edtf
import numpy as np
import pandas as pd

Bounds = tuple[dt.date, dt.date]

# edtf parses with a pyparsing grammar at about 10 ms a string: too slow for tables of
# hundreds of thousands of rows. Plain calendar dates (1953, 1953-06, 1953-06-26) and closed
# intervals of them, the great majority, take a direct path whose bounds are the ones edtf gives
# (tests/test_dates.py checks the two agree on generated dates); everything else goes to edtf.
_PLAIN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _plain_bounds(text: str) -> Bounds | None:
    """Bounds of a plain calendar date or a closed interval of two, or None if it is anything else."""
    parts = text.split("/")
    if len(parts) > 2:
        return None
    spans = []
    for part in parts:
        m = _PLAIN.fullmatch(part)
        if not m:
            return None
        year, month, day = (int(g) if g else None for g in m.groups())
        try:
            if day:
                lo = hi = dt.date(year, month, day)
            elif month:
                lo, hi = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
            else:
                lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
        except ValueError:
            return None  # not a calendar date: edtf reports it
        spans.append((lo, hi))
    return spans[0][0], spans[-1][1]


@cache
def parse_bounds(text: str) -> Bounds:
    """Earliest and latest day an EDTF string can denote.

    text: an EDTF string, e.g. '1953-06' -> (1953-06-01, 1953-06-30)

    returns: (lower, upper) as datetime.date; raises ValueError for anything edtf rejects.
    """
    bounds = _plain_bounds(text.strip()) or _edtf_bounds(text)
    if bounds[0] > bounds[1]:
        raise ValueError(f"{text!r} ends before it starts")
    return bounds


def _edtf_bounds(text: str) -> Bounds:
    """Bounds computed by the edtf library (approximate and uncertain dates widened by its padding)."""
    try:
        parsed = edtf.parse_edtf(text.strip())
        lower, upper = parsed.lower_fuzzy(), parsed.upper_fuzzy()
        bounds = (dt.date(*lower[:3]), dt.date(*upper[:3]))
    except Exception as exc:  # edtf raises several types (parse errors, TypeError on open ends)
        raise ValueError(f"{text!r} is not a closed EDTF date or interval ({exc.__class__.__name__})") from None
    return bounds


def to_date(value: str | dt.date | pd.Timestamp) -> pd.Timestamp:
    """A single day from an ISO/EDTF string or a date: the lower bound of an EDTF string.

    returns: pandas Timestamp; raises ValueError naming the value if it cannot be read.
    """
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value)
    return pd.Timestamp(parse_bounds(str(value))[0])


def bounds_columns(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[int, str]]:
    """Lower and upper bounds of a column of EDTF strings, and the errors by row position.

    Each distinct string is parsed once. Empty cells give NaT bounds.

    returns: (lo, hi, errors) with lo/hi as datetime64 Series aligned with ``values``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lo = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[s]")
    hi = lo.copy()
    bad: dict[int, str] = {}
    for i, text in enumerate(uniques):
        try:
            a, b = parse_bounds(text)
        except ValueError as exc:
            bad[i] = str(exc)
            continue
        lo[i], hi[i] = np.datetime64(a, "s"), np.datetime64(b, "s")
    nat = np.array([np.datetime64("NaT")], dtype="datetime64[s]")
    lo_all = np.concatenate([lo, nat])[codes]  # code -1 (missing) picks the trailing NaT
    hi_all = np.concatenate([hi, nat])[codes]
    errors = {pos: bad[c] for pos, c in enumerate(codes) if c in bad} if bad else {}
    return (pd.Series(lo_all, index=values.index, name=f"{values.name}_lo"),
            pd.Series(hi_all, index=values.index, name=f"{values.name}_hi"),
            errors)


def midpoint(lo: pd.Series, hi: pd.Series) -> pd.Series:
    """The middle day between two bound columns: the point estimate the analysis uses."""
    return lo + (hi - lo) / 2
