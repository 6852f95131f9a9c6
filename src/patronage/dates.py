"""EDTF dates as bounds.

Dates are stored as EDTF strings (1953-06-26, 1953-06, 1939-02~, 1938-12/1939-02) and parsed by
the ``edtf`` library (calendar dates, plain or qualified, take a faster path checked against it).
A date becomes two bounds, the earliest and the latest day it
can denote: ``lower_fuzzy``/``upper_fuzzy`` in edtf's terms, which equal the strict bounds for a
plain date and widen them by edtf's padding for an approximate (~) or uncertain (?) one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache

import edtf
import edtf.appsettings
import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

Bounds = tuple[dt.date, dt.date]

# edtf parses with a pyparsing grammar at 4-17 ms a string: too slow for tables of hundreds of
# thousands of rows. Calendar dates (1953, 1953-06, 1953-06-26), plain or qualified as a whole
# (1953-06~, 1950?, 1953-06-26%), and closed intervals of two such dates, the great majority, take
# a direct path that mirrors edtf's arithmetic (UncertainOrApproximate._get_fuzzy_padding,
# Level1Interval, apply_delta) with edtf's own settings; everything else goes to edtf. No library
# offers the shortcut: the hypothesis tests in tests/test_dates.py, which check the direct path
# against edtf itself on generated dates and intervals, are what make it legitimate.
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?%]?)")


def _padding(qualifier: str, month: bool, day: bool) -> relativedelta:
    """edtf's fuzzy padding of a date qualified as a whole by ~ ? or % (empty for no qualifier)."""
    if not qualifier:
        return relativedelta()
    s = edtf.appsettings
    m = {"?": s.MULTIPLIER_IF_UNCERTAIN, "~": s.MULTIPLIER_IF_APPROXIMATE, "%": s.MULTIPLIER_IF_BOTH}[qualifier]
    padding = relativedelta(years=int(m * s.PADDING_YEAR_PRECISION.years))
    if month:
        padding += relativedelta(months=int(m * s.PADDING_MONTH_PRECISION.months))
    if day:
        padding += relativedelta(days=int(m * s.PADDING_DAY_PRECISION.days))
    return padding


def _direct_bounds(text: str) -> Bounds | None:
    """Bounds of a (qualified) calendar date or a closed interval of two, or None if edtf must decide."""
    parts = text.split("/")
    if len(parts) > 2:
        return None
    spans = []
    for part in parts:
        m = _DATE.fullmatch(part)
        if not m:
            return None
        (year, month, day), qualifier = (int(g) if g is not None else None for g in m.groups()[:3]), m[4]
        try:
            if day is not None:
                lo = hi = dt.date(year, month, day)
            elif month is not None:
                lo, hi = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
            else:
                lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
            padding = _padding(qualifier, month is not None, day is not None)
            spans.append((lo - padding, hi + padding))
        except (ValueError, OverflowError):
            return None  # not a calendar date, or padded beyond year 1-9999: edtf decides
    return spans[0][0], spans[-1][1]


@cache
def parse_bounds(text: str) -> Bounds:
    """Earliest and latest day an EDTF string can denote.

    text: an EDTF string, e.g. '1953-06' -> (1953-06-01, 1953-06-30)

    returns: (lower, upper) as datetime.date; raises ValueError for anything edtf rejects.
    """
    bounds = _direct_bounds(text.strip()) or _edtf_bounds(text)
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


_PLAIN = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _plain_columns(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds (datetime64[s]) of the plain calendar dates among distinct strings, NaT for all others.

    The vectorised twin of the direct path of :func:`parse_bounds` for unqualified dates: pandas
    parses each precision with its own format, numpy finds the last day of a year or month.
    Years before 1 stay NaT, as does anything pandas cannot read: those go through parse_bounds.
    """
    lo = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[s]")
    hi = lo.copy()
    plain = np.fromiter(map(bool, map(_PLAIN.fullmatch, texts)), dtype=bool, count=len(texts))
    size = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    for length, fmt, unit in ((4, "%Y", "Y"), (7, "%Y-%m", "M"), (10, "%Y-%m-%d", "D")):
        rows = plain & (size == length)
        if rows.any():
            first = pd.to_datetime(texts[rows], format=fmt, errors="coerce").to_numpy().astype("datetime64[D]")
            first[~(first >= np.datetime64("0001-01-01"))] = np.datetime64("NaT")
            last = (first.astype(f"datetime64[{unit}]") + 1).astype("datetime64[D]") - 1
            lo[rows], hi[rows] = first, last
    return lo, hi


def bounds_columns(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[int, str]]:
    """Lower and upper bounds of a column of EDTF strings, and the errors by row position.

    Each distinct string is bounded once: plain dates and closed intervals of two, vectorised
    (:func:`_plain_columns`); the rest one by one with :func:`parse_bounds`. Empty cells give NaT bounds.

    returns: (lo, hi, errors) with lo/hi as datetime64 Series aligned with ``values``.
    """
    codes, texts = pd.factorize(values.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    lo, hi = _plain_columns(texts)
    interval = np.fromiter(map(str.count, texts, ["/"] * len(texts)), dtype=np.int64, count=len(texts)) == 1
    if interval.any():  # two plain dates: the first one's start, the second one's end
        starts, _, ends = zip(*(text.partition("/") for text in texts[interval]), strict=True)
        lo[interval] = _plain_columns(np.array(starts, dtype=object))[0]
        hi[interval] = _plain_columns(np.array(ends, dtype=object))[1]
    todo = np.flatnonzero(np.isnat(lo) | np.isnat(hi) | (lo > hi))  # the rest, and errors, decided by parse_bounds
    bad: dict[int, str] = {}
    for i in todo:
        try:
            a, b = parse_bounds(texts[i])
        except ValueError as exc:
            bad[i] = str(exc)
            lo[i] = hi[i] = np.datetime64("NaT")
            continue
        lo[i], hi[i] = np.datetime64(a, "s"), np.datetime64(b, "s")
    nat = np.array([np.datetime64("NaT")], dtype="datetime64[s]")
    lo_all = np.concatenate([lo, nat])[codes]  # code -1 (missing) picks the trailing NaT
    hi_all = np.concatenate([hi, nat])[codes]
    errors = {}
    if bad:
        where = np.flatnonzero(np.isin(codes, list(bad)))
        errors = {int(pos): bad[codes[pos]] for pos in where}
    return (pd.Series(lo_all, index=values.index, name=f"{values.name}_lo"),
            pd.Series(hi_all, index=values.index, name=f"{values.name}_hi"),
            errors)


def midpoint(lo: pd.Series, hi: pd.Series) -> pd.Series:
    """The middle day between two bound columns: the point estimate the analysis uses."""
    a, b = lo.to_numpy(), hi.to_numpy()
    if a.dtype.kind == "M" and a.dtype == b.dtype:  # numpy directly: pandas' datetime arithmetic costs ~10x more
        return pd.Series(a + (b - a) // 2, index=lo.index)  # the analysis computes hundreds of these per run
    return lo + (hi - lo) / 2
