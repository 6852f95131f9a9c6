"""A start never drawn after its end (patronage.robustness.ordered_draws): on a world whose answers are known,
on bare bounds, and on the real tables, where dates drawn one by one left posts held on no day at all."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats

import patronage
from patronage.robustness import sensitivity as S
from patronage.robustness.ordered_draws import cell_stream, draw_table
from patronage.tables.bounds import within
from patronage.tables.dates import bounds_columns
from patronage.tables.readings import EVIDENCE_LEVELS

from toyworld import ROWS, cell, spell, tie, write_package

DAY0 = np.datetime64("2000-01-01")


def days(*offsets: int) -> np.ndarray:
    return DAY0 + np.array(offsets, dtype="timedelta64[D]")


def grid(drawn: np.ndarray) -> np.ndarray:
    return (drawn - DAY0).astype(int)


@pytest.fixture(scope="module")
def one_year(tmp_path_factory):
    """D holds a post '1953' to '1953', moves 'in 1954' (a transfer) to one held to '1954', and R is D's patron
    '1955' to '1955'. P's post from '1945' to 1950-06-15 cannot end before it begins, whatever the draw."""
    rows = copy.deepcopy(ROWS)
    rows["spells"] += [spell("d-y1", "d", "min2", 3, "1953", "1953", "dismissal"),
                       spell("d-x", "d", "min2", 4, "1952", "1954", "transfer"), spell("d-y", "d", "min2", 4, "1954", "1954")]
    rows["ties"].append(tie("r-d-year", "r", "d", "patronage", "1955", "1955"))
    view = patronage.load(write_package(tmp_path_factory.mktemp("year") / "pkg", rows)).select(coding="x")
    return view, S.draw_dates(view, 4000, seed=4)



def test_a_post_of_one_year_never_ends_before_it_begins(one_year):
    """Drawn one by one, '1953' to '1953' put the end first in half the draws. Drawn together, uniformly over the
    ordered pairs of the year, the start falls in the first half of the year in three draws of four, the end in one."""
    view, draws = one_year
    for table, row in (("spells", "d-y1"), ("ties", "r-d-year")):
        start, end = cell(view, draws, table, "start", row), cell(view, draws, table, "end", row)
        assert (start <= end).all() and len(np.unique(start)) > 300 and len(np.unique(end)) > 300
        year = start[0].astype("datetime64[Y]")
        middle = year.astype("datetime64[D]") + np.timedelta64(183, "D")
        assert (start < middle).mean() == pytest.approx(0.75, abs=0.03)
        assert (end < middle).mean() == pytest.approx(0.25, abs=0.03)


def test_a_move_keeps_its_start_move_and_end_in_order(one_year):
    """'1952' -> transfer 'in 1954' -> '1954': the move is one day, on or after the first start, on or before the last end."""
    view, draws = one_year
    first, move = cell(view, draws, "spells", "start", "d-x"), cell(view, draws, "spells", "end", "d-x")
    assert np.array_equal(move, cell(view, draws, "spells", "start", "d-y"))
    assert (first <= move).all() and (move <= cell(view, draws, "spells", "end", "d-y")).all()


def test_dates_whose_bounds_cannot_cross_are_drawn_one_by_one(one_year):
    """P's post began in 1945 and ended on a known day in 1950: the order holds in every draw, and its start is
    drawn from its own stream exactly as a date with no partner is."""
    view, draws = one_year
    first, last = (np.datetime64(d, "D").astype("int64") for d in ("1945-01-01", "1945-12-31"))
    alone = cell_stream(4, "spells", "start", "p-min").integers(first, last, size=4000, endpoint=True)
    assert np.array_equal(cell(view, draws, "spells", "start", "p-min").astype("int64"), alone)


def test_ordered_pairs_are_drawn_uniformly():
    """Start and end both within ten days: each of the 55 ordered pairs is equally likely (chi-square, seeded)."""
    bounds = {"start": (days(0), days(9)), "end": (days(0), days(9))}
    drawn = draw_table("spells", ["x"], bounds, {}, 55_000, seed=1)
    s, e = grid(drawn["start"][:, 0]), grid(drawn["end"][:, 0])
    assert (s <= e).all()
    counts = np.bincount(s * 10 + e, minlength=100)[[i * 10 + j for i in range(10) for j in range(i, 10)]]
    assert len(counts) == 55 and counts.min() > 0
    assert stats.chisquare(counts).pvalue > 0.001
    shares = np.bincount(s, minlength=10) / len(s)
    assert shares == pytest.approx((10 - np.arange(10)) / 55, abs=0.01)  # the start leans early, as it must


def test_bounds_that_contradict_the_order_are_drawn_one_by_one():
    """An end wholly before its start (the tables disagree with themselves): no ordered pair exists, and each date
    is drawn inside its own bounds, as recorded, rather than moved."""
    bounds = {"start": (days(40), days(49)), "end": (days(0), days(9))}
    drawn = draw_table("ties", ["t"], bounds, {}, 500, seed=2)
    assert grid(drawn["start"]).min() >= 40 and grid(drawn["end"]).max() <= 9
    assert np.array_equal(drawn["end"][:, 0].astype("int64"), cell_stream(2, "ties", "end", "t").integers(
        DAY0.astype("int64"), DAY0.astype("int64") + 9, size=500, endpoint=True))


def test_the_first_k_ordered_draws_are_the_draws_of_k():
    bounds = {"start": (days(0, 5), days(30, 8)), "end": (days(10, 5), days(20, 40))}
    many, few = (draw_table("spells", ["a", "b"], bounds, {}, n, seed=3) for n in (300, 40))
    assert all(np.array_equal(many[c][:40], few[c]) for c in bounds)


@pytest.mark.parametrize("evidence", EVIDENCE_LEVELS)
def test_no_real_post_or_tie_is_drawn_ending_before_it_began(tables, evidence):
    """Every reading of the real tables: no draw ends a spell or a tie before its start, the days read as the
    analysis reads them (an open start no earlier than its floor)."""
    for reading in ("article", "standard"):
        view = tables.select(evidence=evidence, reading=reading, coding="blauvelt")
        draws = S.draw_dates(view, 500, seed=1953)
        for table in ("spells", "ties"):
            start, end = (read_as(draws, getattr(view, table), table, field) for field in ("start", "end"))
            assert not (end < start).any(), (evidence, reading, table)


def read_as(draws, frame, table: str, field: str) -> np.ndarray:
    """The drawn days raised to the field's floor, as patronage.analysis.careers.floored reads them."""
    floor = frame[f"{field}_floor"].to_numpy("datetime64[D]")[None, :]
    day = draws.days[table, field]
    return np.where(~np.isnat(floor) & (floor > day), floor, day)


def test_the_order_holds_between_the_days_as_read_through_an_open_starts_floor():
    """An end 'by January 2000' (padded ten years back, read no earlier than 1 January) after a start of 5-25
    January: the order binds, and holds between the days as the analysis reads them (never before the floor).
    After a start in December 1999 it cannot bind: the end is drawn on its own, padded days included."""
    floors = {"end": days(0)}
    ends = (days(-3622), days(30))
    bound = draw_table("spells", ["x"], {"start": (days(4), days(24)), "end": ends}, {}, 2000, seed=6, floors=floors)
    s, e = grid(bound["start"][:, 0]), grid(bound["end"][:, 0])
    assert (e >= s).all() and e.min() >= 4 and e.max() == 30
    free = draw_table("spells", ["x"], {"start": (days(-31), days(-12)), "end": ends}, {}, 2000, seed=6, floors=floors)
    assert grid(free["end"]).min() < -3000  # drawn over its padded bounds, read as 1 January by careers.floored
    assert np.array_equal(free["end"][:, 0].astype("int64"), cell_stream(6, "spells", "end", "x").integers(
        ends[0].astype("int64"), ends[1].astype("int64"), size=2000, endpoint=True))


def test_a_move_across_a_reorganisation_falls_on_the_day_both_offices_allow(tmp_path):
    """D leaves a post 'in 1954' (a reorganisation) in a ministry dissolved on 13 March 1954 for a post 'in 1954'
    in the ministry created that day: the two ends narrow to that one day. R moves 'in 1954' to a ministry created
    only on 1 June: the two narrowed ends share no day, so they are two dates, each drawn inside its own."""
    rows = copy.deepcopy(ROWS)
    org = dict(rows["organisations"][0])
    rows["organisations"] += [org | {"org_id": "old", "valid_from": "1950", "valid_to": "1954-03-13"},
                              org | {"org_id": "new", "valid_from": "1954-03-13", "predecessors": "old"},
                              org | {"org_id": "later", "valid_from": "1954-06-01", "predecessors": "old"}]
    rows["spells"] += [spell("d-old", "d", "old", 4, "1952", "1954", "reorganisation"), spell("d-new", "d", "new", 4, "1954", "1956"),
                       spell("r-old", "r", "old", 3, "1952", "1954", "transfer"), spell("r-later", "r", "later", 3, "1954", "1956")]
    # the offices' periods are the reference works' (the seeds date no organisation): read with them
    view = patronage.load(write_package(tmp_path / "reorganised", rows)).select(coding="x", evidence="seed+external")
    draws = S.draw_dates(view, 500, seed=8)
    assert set(cell(view, draws, "spells", "end", "d-old")) == {np.datetime64("1954-03-13")}
    assert set(cell(view, draws, "spells", "start", "d-new")) == {np.datetime64("1954-03-13")}
    left, joined = cell(view, draws, "spells", "end", "r-old"), cell(view, draws, "spells", "start", "r-later")
    assert left.max() <= np.datetime64("1954-03-13") and joined.min() >= np.datetime64("1954-06-01")
    assert len(np.unique(left)) > 30 and len(np.unique(joined)) > 100


def test_the_widths_reported_are_those_the_draws_use(tables):
    """The offices' periods narrow the dates only with the reference works, which date them; the moves between posts
    narrow more, and the table of uncertain dates counts both. On the seeds alone no office narrows a date: Serov's
    post 'head of the MGB' (the article's reading, '1953-06-26/1954') and the first deputyship he moved from end
    on one day drawn across 1954, not by 13 March 1954, the day the reference works close the MVD. Each date is
    drawn inside the bounds the table reports."""
    def narrowed(view) -> tuple[int, int]:
        # the offices' periods alone, on the dates as written (a selection's own bounds are narrowed already)
        written_lo, written_hi, _ = bounds_columns(view.spells["start"])
        first, last = S.organisation_periods(view, view.spells)
        lo, hi = within(written_lo.to_numpy(dtype="datetime64[D]"), written_hi.to_numpy(dtype="datetime64[D]"), first, last)
        recorded = (written_hi - written_lo).dt.days.to_numpy()
        reported = S.uncertain_dates(view).set_index(["table", "field"]).at[("spells", "start"), "narrowed"]
        return int(((hi - lo).astype(int) < recorded).sum()), int(reported)

    office_only, reported = narrowed(tables.select(evidence="seed+external", reading="article", coding="blauvelt"))
    assert 0 < office_only < reported
    view = tables.select(evidence="seed", reading="article", coding="blauvelt")
    office_only, reported = narrowed(view)
    assert office_only == 0 < reported
    draws = S.draw_dates(view, 300, seed=2)
    start = cell(view, draws, "spells", "start", "serov-1953-mgb-head")
    row = view.spells.index[view.spells["spell_id"] == "serov-1953-mgb-head"][0]
    assert start.max() > np.datetime64("1954-03-13") and draws.bounds_of("spells", "start", row)[1] == np.datetime64("1954-12-31")
    assert np.array_equal(start, cell(view, draws, "spells", "end", "serov-1953-first-deputy-to-kruglov-article"))