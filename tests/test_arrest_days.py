"""An arrest recorded twice, as the end of the post it ended and as an event, is one day in every draw of the dates
(patronage.robustness.arrest_days): on a world whose answers are known, and on the real tables."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import patronage
from patronage.robustness import sensitivity as S
from patronage.robustness.date_draws import drawn_bounds
from patronage.robustness.ordered_draws import cell_stream
from patronage.tables.readings import EVIDENCE_LEVELS

from toyworld import ROWS, cell, event, part, spell, write_package


@pytest.fixture(scope="module")
def arrested(tmp_path_factory):
    """D's post ('1950' to '1953', ended by arrest) and his arrest ('1953-09/1953-10'); B's post, ended by arrest in
    1950, and an arrest of his in 1953 that shares no day with it; R and A, both arrested at one event
    ('1951-10/1951-11'), each losing a post then."""
    rows = copy.deepcopy(ROWS)
    rows["spells"] += [spell("d-x", "d", "min2", 3, "1950-07", "1953", "arrest"),
                       spell("b-y", "b", "min2", 3, "1950-09", "1950-10", "arrest"),
                       spell("r-x", "r", "min2", 3, "1951-01", "1951-10/1951-11", "arrest"),
                       spell("a-x", "a", "min2", 3, "1951-01", "1951-10/1951-11", "arrest")]
    rows["events"] += [event("d-arrest", "1953-09/1953-10", "arrest"), event("b-again", "1953", "arrest"),
                       event("both", "1951-10/1951-11", "arrest")]
    rows["event_participants"] += [part("d-arrest", "d", "arrested"), part("b-again", "b", "arrested"),
                                   part("both", "r", "arrested"), part("both", "a", "arrested")]
    view = patronage.load(write_package(tmp_path_factory.mktemp("arrests") / "pkg", rows)).select(coding="x")
    return view, S.draw_dates(view, 2000, seed=5)



def test_a_post_ends_on_the_day_of_the_arrest_that_ended_it(arrested):
    """'1953' and '1953-09/1953-10': one day, inside September and October 1953, spread over them."""
    view, draws = arrested
    end, arrest = cell(view, draws, "spells", "end", "d-x"), cell(view, draws, "events", "date", "d-arrest")
    assert np.array_equal(end, arrest)
    assert end.min() >= np.datetime64("1953-09-01") and end.max() <= np.datetime64("1953-10-31")
    assert len(np.unique(end)) > 50


def test_an_arrest_that_shares_no_day_with_the_post_is_another_arrest(arrested):
    """B's arrest of 1953 did not end his post of 1950: it keeps its own bounds and its own stream."""
    view, draws = arrested
    first, last = (np.datetime64(d, "D").astype("int64") for d in ("1953-01-01", "1953-12-31"))
    alone = cell_stream(5, "events", "date", "b-again").integers(first, last, size=2000, endpoint=True)
    assert np.array_equal(cell(view, draws, "events", "date", "b-again").astype("int64"), alone)


def test_an_arrest_of_two_men_is_drawn_with_the_first_post_the_other_inside_its_days(arrested):
    """One event for R's and A's arrests: it falls on the day the first of their posts in table order (R's) ends;
    A's post ends inside the same two months, on days of its own."""
    view, draws = arrested
    both, r, a = (cell(view, draws, t, f, i) for t, f, i in
                  (("events", "date", "both"), ("spells", "end", "r-x"), ("spells", "end", "a-x")))
    assert np.array_equal(both, r) and not np.array_equal(both, a)
    assert a.min() >= np.datetime64("1951-10-01") and a.max() <= np.datetime64("1951-11-30")


@pytest.mark.parametrize("evidence", EVIDENCE_LEVELS)
def test_every_real_arrest_recorded_twice_is_one_day(tables, evidence):
    """Every reading of the real tables: each arrest linked to a post falls on the post's last day in every draw,
    among them Merkulov's, 'September or October 1953' both as the end of his post and as his arrest."""
    for reading in ("article", "standard"):
        view = tables.select(evidence=evidence, reading=reading, coding="blauvelt")
        _, _, linked = drawn_bounds(view)
        draws = S.draw_dates(view, 300, seed=1953)
        for e, s in linked.items():
            assert np.array_equal(draws.days["events", "date"][:, e], draws.days["spells", "end"][:, s]), (evidence, e, s)
        ids = {view.events["event_id"].iloc[e]: view.spells["person_id"].iloc[s] for e, s in linked.items()}
        assert ids.get("merkulov-arrested-1953") == "merkulov", (evidence, reading, ids)
