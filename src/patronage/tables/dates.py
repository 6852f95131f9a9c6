"""EDTF dates as bounds.

Dates are stored as EDTF strings (1953-06-26, 1953-06, 1939-02~, 1938-12/1939-02) and parsed by
the ``edtf`` library (calendar dates, plain or qualified, take a faster path checked against it).
A date becomes two bounds, the earliest and the latest day it
can denote: ``lower_fuzzy``/``upper_fuzzy`` in edtf's terms, which equal the strict bounds for a
plain date and widen them by edtf's padding for an approximate (~) or uncertain (?) one: a mark on the
whole date pads every part of it (a year and a month either side of '1938-08~'), a mark on one part
pads that part only ('1938-~08': July to September 1938).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache

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


@cache
def _padding(qualifier: str, month: bool, day: bool) -> relativedelta:
    """edtf's fuzzy padding of a date qualified as a whole by ~ ? or % (empty for no qualifier)."""
    if not qualifier:
        return relativedelta()
    import edtf.appsettings  # here, not at the top: importing edtf builds its grammar (about 0.1 s), which
    # a kernel that reads the validated tables from the build's cache never needs

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
    import edtf  # imported on first use: see _padding

    try:
        parsed = edtf.parse_edtf(text.strip())
        lower, upper = parsed.lower_fuzzy(), parsed.upper_fuzzy()
        bounds = (dt.date(*lower[:3]), dt.date(*upper[:3]))
    except Exception as exc:  # edtf raises several types (parse errors, TypeError on open ends)
        raise ValueError(f"{text!r} is not a closed EDTF date or interval ({exc.__class__.__name__}): write a day "
                         "1953-06-26, a month 1953-06, a year 1953, a span 1953-06/1953-07 or 'by' a day /1953-06-26") from None
    return bounds


def to_date(value: str | dt.date | pd.Timestamp) -> pd.Timestamp:
    """A single day from an ISO/EDTF string or a date: the first day of an EDTF string as written
    (:func:`written_bounds`): '1953-06' is 1 June 1953, '1953-06-26?' 26 June 1953.

    returns: pandas Timestamp; raises ValueError naming the value if it cannot be read.
    """
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value)
    return pd.Timestamp(written_bounds(str(value))[0])


def written_bounds(text: str) -> Bounds:
    """The first and the last day of an EDTF string as written.

    The same as :func:`parse_bounds` but for a date marked uncertain or approximate ('1953-06-26?',
    '1953-06~'): its days are those written, not the span edtf widens such a date to for the tables'
    bounds, which would move '1953-06-26?' back to 25 May 1952. A day a reader names is the day he wrote.
    raises ValueError naming the text if it cannot be read.
    """
    text = text.strip()
    bounds = parse_bounds(text)
    if not set(text) & set("?~%"):
        return bounds
    import edtf  # imported on first use: see _padding

    parsed = edtf.parse_edtf(text)
    return dt.date(*parsed.lower_strict()[:3]), dt.date(*parsed.upper_strict()[:3])


def _plain_columns(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds (datetime64[s]) of the plain calendar dates among distinct strings, NaT for all others.

    The vectorised twin of the direct path of :func:`parse_bounds` for unqualified dates (YYYY,
    YYYY-MM, YYYY-MM-DD in ASCII digits). The characters are checked and the numbers read as
    arrays of code points, and the days found by numpy's calendar arithmetic, for all the strings
    at once: pandas.to_datetime and a regular expression would read them one by one, at several
    times the cost. A month or day out of range, a year before 1, and anything else stay NaT:
    those go through parse_bounds.
    """
    lo = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[s]")
    hi = lo.copy()
    size = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    for length, unit in ((4, "Y"), (7, "M"), (10, "D")):
        rows = np.flatnonzero(size == length)
        if not len(rows):
            continue
        chars = texts[rows].astype(f"<U{length}")
        points = chars.view(np.uint32).reshape(len(rows), length).astype(np.int64)
        digit = (points >= ord("0")) & (points <= ord("9"))
        n = points - ord("0")
        year = n[:, 0] * 1000 + n[:, 1] * 100 + n[:, 2] * 10 + n[:, 3]
        month = n[:, 5] * 10 + n[:, 6] if length > 4 else np.ones(len(rows), dtype=np.int64)
        day = n[:, 8] * 10 + n[:, 9] if length > 7 else np.ones(len(rows), dtype=np.int64)
        plain = digit[:, :4].all(axis=1) & (np.strings.str_len(chars) == length)  # numpy drops a trailing NUL
        if length > 4:
            plain &= (points[:, 4] == ord("-")) & digit[:, 5:7].all(axis=1)
        if length > 7:
            plain &= (points[:, 7] == ord("-")) & digit[:, 8:10].all(axis=1)
        start = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
        first = start.astype("datetime64[D]") + (day - 1)
        plain &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (first.astype("datetime64[M]") == start)
        last = (first.astype(f"datetime64[{unit}]") + 1).astype("datetime64[D]") - 1
        lo[rows[plain]], hi[rows[plain]] = first[plain], last[plain]
    return lo, hi


def bounds_columns(values: pd.Series) -> tuple[pd.Series, pd.Series, dict[int, str]]:
    """Lower and upper bounds of a column of EDTF strings, and the errors by row position.

    Each distinct string is bounded once: plain dates and closed intervals of two, vectorised
    (:func:`_plain_columns`); the rest one by one with :func:`parse_bounds`. Empty cells give NaT bounds.

    returns: (lo, hi, errors) with lo/hi as datetime64 Series aligned with ``values``.
    """
    lo, hi, _, errors = bounds_and_floor(values)
    return lo, hi, errors


def bounds_and_floor(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, dict[int, str]]:
    """:func:`bounds_columns` and :func:`open_start_floor` of a column in one pass over its distinct strings
    (an open start is never a plain date, so only the few other strings are looked at for one).

    returns: (lo, hi, floor, errors), the three Series aligned with ``values``.
    """
    codes, texts = pd.factorize(np.asarray(values.array, dtype=object))  # an empty cell: code -1
    lo, hi = _plain_columns(texts)
    other = np.flatnonzero(np.isnat(lo))  # not plain dates: intervals, qualified dates, errors
    floor = _floors(texts, other)
    interval = other[np.fromiter(map(str.count, texts[other], ["/"] * len(other)), dtype=np.int64, count=len(other)) == 1]
    if len(interval):  # two plain dates: the first one's start, the second one's end
        starts, _, ends = zip(*(text.partition("/") for text in texts[interval]), strict=True)
        lo[interval] = _plain_columns(np.array(starts, dtype=object))[0]
        hi[interval] = _plain_columns(np.array(ends, dtype=object))[1]
    todo = other[np.isnat(lo[other]) | np.isnat(hi[other]) | (lo[other] > hi[other])]  # the rest, and errors: parse_bounds
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
    errors = {}
    if bad:
        where = np.flatnonzero(np.isin(codes, list(bad)))
        errors = {int(pos): bad[codes[pos]] for pos in where}
    # code -1 (missing) picks the trailing NaT
    lo_all, hi_all, floor_all = (np.concatenate([a, nat])[codes] for a in (lo, hi, floor))
    return (pd.Series(lo_all, index=values.index, name=f"{values.name}_lo"),
            pd.Series(hi_all, index=values.index, name=f"{values.name}_hi"),
            pd.Series(floor_all, index=values.index, name=f"{values.name}_floor"),
            errors)


def _floors(texts: np.ndarray, other: np.ndarray) -> np.ndarray:
    """For each distinct string, the floor of :func:`open_start_floor` (NaT unless its start is unknown or open);
    only the strings at positions ``other`` (those that are not plain dates) can have one."""
    floor = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[s]")
    opened = [i for i in other if _OPEN_START.match(texts[i])]
    if opened:
        ends = np.array([_OPEN_START.sub("", texts[i]) for i in opened], dtype=object)
        floor[opened] = bounds_columns(pd.Series(ends, dtype=object))[0].to_numpy()  # an unreadable end: NaT
    return floor


_OPEN_START = re.compile(r"^(?:\.\.)?/")  # '/1953-03' (start unknown) or '../1953-03' (start open)


def open_start_floor(values: pd.Series) -> pd.Series:
    """For each EDTF interval whose start is unknown or open ('/1953-03': 'by March 1953'), the earliest
    day of its recorded end (1953-03-01); NaT for every other cell.

    edtf bounds such a start ten years before its end (``lower_fuzzy`` pads an unknown start by
    edtf's DELTA_IF_UNKNOWN), so the midpoint of the bounds puts it about five years before
    anything the source says. The padding is edtf's convention, not evidence: the point estimate of
    a date with an unknown start is taken to be no earlier than this floor (see
    :func:`patronage.analysis.careers.point`), so that a post or a tie whose start a source does not
    give is not counted as running before the earliest day the source attests it. The bounds
    themselves are unchanged: the date may still be earlier.

    returns: datetime64 Series aligned with ``values`` (named ``<name>_floor``).
    """
    return bounds_and_floor(values)[2]


def midpoint(lo: pd.Series, hi: pd.Series) -> pd.Series:
    """The middle day between two bound columns: the point estimate the analysis uses."""
    a, b = lo.to_numpy(), hi.to_numpy()
    if a.dtype.kind == "M" and a.dtype == b.dtype:  # numpy directly: pandas' datetime arithmetic costs ~10x more
        middle = (a + (b - a) // 2).astype("datetime64[D]").astype(a.dtype)  # a day: the middle of an even number of days falls at noon
        return pd.Series(middle, index=lo.index)  # the analysis computes hundreds of these per run
    return (lo + (hi - lo) / 2).dt.floor("D")
