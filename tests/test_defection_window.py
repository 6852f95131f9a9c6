"""When a recorded defection counts at a crisis: its date can fall within the window around it, read with the
same floor as every point estimate (an open start, 'by a day', is no earlier than that day), at the recorded
bounds and in every draw of the dates. On the hand-built world (tests/toyworld.py)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

import patronage
from patronage.analysis.crisis import make_crisis
from patronage.robustness.date_draws import draw_dates, redated

from toyworld import ROWS, tie

FALL = pd.Timestamp("1950-06-15")  # P's fall in the toy world


def toy_with_defections(make_package, by_day: str, span: str):
    """The toy world with B's and C's ties to P recording a defection: B's dated 'by' a day (an open start),
    C's inside a wide span; A defects in the fall's event, as in the toy world."""
    rows = copy.deepcopy(ROWS)
    rows["ties"] = [t for t in rows["ties"] if t["tie_id"] not in ("p-b", "p-c")] + [
        tie("p-b", "p", "b", "patronage", "1946", "1950-08-01", True, by_day, "unknown"),
        tie("p-c", "p", "c", "patronage", "1946", "1950-06-16", True, span, "unknown")]
    return patronage.load(make_package(rows)).select(coding="x")


def defected_under_draws(view, n: int = 40) -> pd.DataFrame:
    """Per draw, whether each of P's clients is counted as having defected at his fall."""
    draws = draw_dates(view, n=n, seed=7)
    return pd.DataFrame([make_crisis(redated(view, draws, i), "p", FALL).roster.set_index("client_id")["defected"]
                         for i in range(n)])


def test_a_defection_dated_by_a_day_counts_in_every_draw_one_in_a_wide_span_only_in_some(make_package):
    view = toy_with_defections(make_package, "/1950-06-14", "1940/1960")
    recorded = make_crisis(view, "p", FALL).roster.set_index("client_id")["defected"]
    assert recorded["b"] and recorded["c"]  # both dates can fall within a month of the fall
    drawn = defected_under_draws(view)
    # 'by 14 June 1950': edtf pads the start ten years back; every draw reads it, as the point estimate does,
    # as no earlier than that day, so it falls within the month before the fall
    assert drawn["b"].all()
    # 1940-1960: a draw puts it within the month around the fall about one time in 120
    assert not drawn["c"].all() and (~drawn["c"]).any()
    assert drawn["a"].all()  # acted against him in the fall's own event, whatever the dates


def test_a_defection_by_a_day_long_before_the_fall_counts_in_no_draw(make_package):
    view = toy_with_defections(make_package, "/1948-01-01", "1940/1960")
    assert not make_crisis(view, "p", FALL).roster.set_index("client_id").at["b", "defected"]
    assert not defected_under_draws(view, 10)["b"].any()


def test_the_bounds_of_an_open_start_begin_at_its_floor(make_package):
    """'by 14 June 1950': edtf pads the start ten years back; every drawn day is read as no earlier than the floor
    (the roster reads it so), and the bounds the orderings and the width of the uncertain dates are read from start
    there too, not ten years before."""
    from patronage.robustness.date_draws import uncertain_dates

    view = toy_with_defections(make_package, "/1950-06-14", "1940/1960")
    draws = draw_dates(view, n=20, seed=7)
    row = view.ties.index[view.ties["tie_id"] == "p-b"][0]
    assert draws.bounds_of("ties", "defection_date", row) == (np.datetime64("1950-06-14"), np.datetime64("1950-06-14"))
    widths = uncertain_dates(view).set_index(["table", "field"])
    assert widths.loc[("ties", "defection_date"), "uncertain"] == 2  # A's month and C's span 1940/1960; not B's day


def test_a_defection_dated_by_a_day_after_the_fall_is_not_decided_to_follow_it(make_package):
    """Regression: Mamsurov had come to the Central Committee 'by' 29 October 1957 ('/1957-10-29'); H4 said he acted
    'only after' Zhukov's fall on the 26th, and 04 that the bounds decide it: a 'by' date reaches back to its tie's
    start. The draws read it on its day, as the point estimates do, so 04 gives no share of the ordering its bounds
    leave open (its shares once read the raw draws, ten years of edtf's padding, and put it before the fall in 99.6% of
    them; then the draws' one day, and put it after the fall in all)."""
    from patronage.analysis import hypotheses
    from patronage.robustness.date_orderings import orderings

    view = toy_with_defections(make_package, "/1950-06-20", "1940/1960")
    crisis = make_crisis(view, "p", FALL)
    h4 = hypotheses.clients_do_not_switch_for_gain(view, crisis)
    assert "Person B: his defection is dated only 'by' 1950-06-20 (his tie from 1946-01-01), on either side of the fall (the draws read it on that day)" in h4.reason
    row = orderings(view, crisis, draw_dates(view, n=50, seed=7)).set_index(["person_id", "ordering"]).loc[
        ("b", "defection vs the patron's fall")]
    assert row["first's bounds"] == "1946-01-01 to 1950-06-20" and row["decided by the bounds"] == "no"
    assert row[["before", "same day", "after"]].isna().all()  # every draw reads it on its day: no share of that
