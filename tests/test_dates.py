"""The EDTF bounds the analysis relies on, pinned against the installed edtf library."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from patronage.dates import bounds_columns, midpoint, parse_bounds, to_date

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
    assert midpoint(lo, hi).iloc[0] == pd.Timestamp("1953-06-15 12:00")


def test_to_date_accepts_strings_and_dates():
    assert to_date("1953-06-26") == pd.Timestamp("1953-06-26")
    assert to_date(dt.date(1953, 6, 26)) == pd.Timestamp("1953-06-26")
    assert to_date("1953-06") == pd.Timestamp("1953-06-01")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from patronage.dates import _edtf_bounds  # noqa: E402


@st.composite
def plain_dates(draw):
    year = draw(st.integers(1800, 2020))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return f"{year}"
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{draw(st.integers(1, 28)):02d}"


@settings(max_examples=150, deadline=None)
@given(plain_dates(), plain_dates())
def test_direct_path_agrees_with_edtf(a, b):
    """The fast path for plain dates gives exactly the bounds the edtf library gives."""
    assert parse_bounds(a) == _edtf_bounds(a)
    if parse_bounds(a)[0] <= parse_bounds(b)[1]:
        assert parse_bounds(f"{a}/{b}") == _edtf_bounds(f"{a}/{b}")
