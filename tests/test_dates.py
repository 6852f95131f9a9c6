"""The EDTF bounds the analysis relies on, pinned against the installed edtf library."""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import pytest

from patronage.analysis.careers import point
from patronage.tables.dates import bounds_columns, midpoint, open_start_floor, parse_bounds, to_date

D = dt.date


@pytest.mark.parametrize(("text", "lo", "hi"), [
    ("1953-06-26", D(1953, 6, 26), D(1953, 6, 26)),
    ("1953-06", D(1953, 6, 1), D(1953, 6, 30)),
    ("1939-02", D(1939, 2, 1), D(1939, 2, 28)),
    ("1944", D(1944, 1, 1), D(1944, 12, 31)),
    ("1938-12/1939-02", D(1938, 12, 1), D(1939, 2, 28)),
    ("1953-06/1953-06-26", D(1953, 6, 1), D(1953, 6, 26)),
])
def test_bounds(text, lo, hi):
    assert parse_bounds(text) == (lo, hi)


def test_approximate_dates_are_wider_than_exact_ones():
    lo, hi = parse_bounds("1939-02~")
    assert lo < D(1939, 2, 1) and hi > D(1939, 2, 28)


@pytest.mark.parametrize("bad", ["1953-13", "soon", "1953-02-30", "", "1990/..", "26.06.1953"])
def test_rejected(bad):
    with pytest.raises(ValueError, match="EDTF"):
        parse_bounds(bad)


def test_column_bounds_and_errors():
    s = pd.Series(["1953-06", None, "bad", "1953-06"], name="date", dtype="string")
    lo, hi, errors = bounds_columns(s)
    assert lo.iloc[0] == pd.Timestamp("1953-06-01") and hi.iloc[3] == pd.Timestamp("1953-06-30")
    assert pd.isna(lo.iloc[1]) and list(errors) == [2]
    assert midpoint(lo, hi).iloc[0] == pd.Timestamp("1953-06-15")  # the day that holds the middle, not its noon


def test_a_midpoint_is_a_day_whatever_the_columns_resolution():
    """An even number of days has its middle at noon; the point estimate is the day that holds it, on numpy's
    path (both columns of one resolution) and on pandas' (two resolutions), and a missing bound stays missing."""
    lo = pd.Series(pd.to_datetime(["1953-06-26", "1953-06-26", "1953-06-26", None]))
    hi = pd.Series(pd.to_datetime(["1953-07-07", "1953-07-06", "1953-06-26", "1953-07-01"]))
    expected = [pd.Timestamp("1953-07-01"), pd.Timestamp("1953-07-01"), pd.Timestamp("1953-06-26")]
    for first in (lo, lo.astype("datetime64[s]")):
        middle = midpoint(first, hi)
        assert middle.iloc[:3].tolist() == expected and pd.isna(middle.iloc[3])
        assert (middle.dropna() == middle.dropna().dt.normalize()).all()


def test_open_start_floor_is_the_first_day_of_the_recorded_end():
    values = pd.Series(["/1953-03", "../1951", "/1939-09-17", "1953-03", "1938-12/1939-02", None], name="start")
    floor = open_start_floor(values)
    assert floor.name == "start_floor"
    assert floor.iloc[:3].tolist() == [pd.Timestamp("1953-03-01"), pd.Timestamp("1951-01-01"), pd.Timestamp("1939-09-17")]
    assert floor.iloc[3:].isna().all()  # a known start, a closed interval, an empty cell: no floor
    # the bounds are unchanged: edtf still pads the unknown start about ten years back
    assert parse_bounds("/1953-03")[0] < dt.date(1944, 1, 1)


def test_to_date_accepts_strings_and_dates():
    assert to_date("1953-06-26") == pd.Timestamp("1953-06-26")
    assert to_date(dt.date(1953, 6, 26)) == pd.Timestamp("1953-06-26")
    assert to_date("1953-06") == pd.Timestamp("1953-06-01")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from patronage.tables.dates import _direct_bounds, _edtf_bounds  # noqa: E402


@st.composite
def calendar_dates(draw):
    """A date in the direct path's grammar: YYYY[-MM[-DD]] with an optional whole-date qualifier ~ ? %.

    Mostly real dates; sometimes month 00 or 13, day 00 or past the month's end, and years near 0 and
    9999, where padding leaves the range datetime can hold: then the direct path must decline.
    """
    year = draw(st.one_of(st.integers(1800, 2020), st.integers(0, 9999), st.sampled_from([0, 1, 2, 9998, 9999])))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    qualifier = draw(st.sampled_from(["", "", "~", "?", "%"]))
    if precision == "year":
        return f"{year:04d}{qualifier}"
    month = draw(st.one_of(st.integers(1, 12), st.sampled_from([0, 13])))
    if precision == "month":
        return f"{year:04d}-{month:02d}{qualifier}"
    day = draw(st.one_of(st.integers(1, 28), st.integers(0, 31)))
    return f"{year:04d}-{month:02d}-{day:02d}{qualifier}"


@functools.cache
def edtf_or_none(text):
    """The edtf library's bounds of ``text``, or None if it rejects it.

    Remembered per text: the library's grammar takes about 15 ms a date and hypothesis draws
    many dates more than once, so each distinct text is parsed by edtf once (it is deterministic).
    """
    try:
        return _edtf_bounds(text)
    except ValueError:
        return None


@settings(max_examples=250, deadline=None)
@given(calendar_dates(), calendar_dates())
def test_direct_path_agrees_with_edtf(a, b):
    """The direct path (plain and qualified dates, intervals of two) gives exactly the bounds the edtf
    library gives; it may leave to edtf only what edtf rejects, or a year at the edge of datetime's range."""
    for text in (a, f"{a}/{b}"):
        direct, reference = _direct_bounds(text), edtf_or_none(text)
        if direct is not None or all(100 < int(part[:4]) < 9900 for part in text.split("/")):
            assert direct == reference, text


cells = st.one_of(calendar_dates(), st.builds(lambda a, b: f"{a}/{b}", calendar_dates(), calendar_dates()),
                  st.sampled_from(["", " 1953", "1953-06 ", "1953/", "../1953", "1/2/3", "1953-21", "soon", "19XX"]),
                  st.none())


@functools.cache
def bounds_or_error(text):
    """parse_bounds' answer for one cell: its bounds, or its error message (remembered per text, as above)."""
    try:
        return parse_bounds(text)
    except ValueError as exc:
        return str(exc)


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, max_size=12))
def test_column_bounds_agree_with_parse_bounds(texts):
    """bounds_columns (vectorised over plain dates) gives each cell the bounds or the error parse_bounds gives."""
    values = pd.Series(texts, dtype="string", name="d", index=range(10, 10 + len(texts)))
    lo, hi, errors = bounds_columns(values)
    assert lo.dtype == hi.dtype == "datetime64[s]" and list(lo.index) == list(values.index)
    for pos, text in enumerate(texts):
        want = None if text is None else bounds_or_error(text)
        if isinstance(want, tuple):
            assert (lo.iloc[pos], hi.iloc[pos]) == tuple(map(pd.Timestamp, want)) and pos not in errors, text
        else:
            assert pd.isna(lo.iloc[pos]) and pd.isna(hi.iloc[pos]) and errors.get(pos) == want, text


def test_a_point_estimate_never_puts_an_end_before_its_start():
    """Begun 'in 1946' and left on 15 March 1946: the start is read in the middle of 1 January to 15 March, not on
    2 July. An end '1937-02~' after a start on 28 November 1936 is read from the start on. Bounds that overlap
    nothing (the tables disagree with themselves) and a row whose other end is empty keep their midpoints."""
    def bounds(*texts):
        lo, hi, _ = bounds_columns(pd.Series(texts, dtype="string"))
        return lo, hi

    (s_lo, s_hi), (e_lo, e_hi) = bounds("1946", "1936-11-28", "1950", "1946"), bounds("1946-03-15", "1937-02~", "1940", None)
    frame = pd.DataFrame({"start_lo": s_lo, "start_hi": s_hi, "end_lo": e_lo, "end_hi": e_hi})
    start, end = point(frame, "start"), point(frame, "end")
    assert start.iloc[0] == midpoint(pd.Series([pd.Timestamp("1946-01-01")]), pd.Series([pd.Timestamp("1946-03-15")])).iloc[0]
    assert (end >= start).iloc[:2].all() and end.iloc[1] > midpoint(e_lo, e_hi).iloc[1]
    assert start.iloc[2] == midpoint(s_lo, s_hi).iloc[2] and end.iloc[2] == midpoint(e_lo, e_hi).iloc[2]
    assert start.iloc[3] == midpoint(s_lo, s_hi).iloc[3] and pd.isna(end.iloc[3])
