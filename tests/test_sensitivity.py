"""Sensitivity of the verdicts: the specification grid, the Monte Carlo of the dates, and ties
inferred from careers, each on a hand-built world whose right answers are known."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import patronage
from patronage import hypotheses as H
from patronage import sensitivity as S
from patronage.crisis import make_crisis
from patronage.errors import ParameterError
from patronage.figures import OKABE_ITO
from patronage.readings import EVIDENCE_LEVELS, READING_POLICIES

from toyworld import ROWS, spell, tie
from toyworld import S as SRC

FALL = "1950-06-15"


@pytest.fixture(scope="module")
def grid_once(toy_loaded):
    """The toy world's specification grid, computed once for the module (on a copy of the tables)."""
    return S.specification_grid(copy.deepcopy(toy_loaded), "p", FALL, horizons=[5, 10])


@pytest.fixture
def grid(grid_once):
    """The toy world's specification grid: every hypothesis under every specification, horizons 5 and 10.

    Each test gets its own deep copy of the one computation.
    """
    return grid_once.copy(deep=True)


# --- 1. the specification grid ----------------------------------------------------------------


def test_grid_has_a_row_per_specification_and_hypothesis(toy, grid):
    n_specs = 2 * len(READING_POLICIES) * len(EVIDENCE_LEVELS) * 2  # codings x, y; two horizons
    assert len(S.specifications(toy, [5, 10])) == n_specs
    assert len(grid) == n_specs * 8
    assert grid.groupby("spec").size().eq(8).all()
    assert set(grid["coding"]) == {"x", "y"} and set(grid["horizon"]) == {5, 10}
    # the toy world has no conflicts and only seed rows: readings and evidence levels select the same rows
    assert grid["selection"].nunique() == 2


def test_grid_agrees_with_a_single_run(toy, grid):
    view = toy.select(coding="x")
    expected = {r.hypothesis: r.verdict for r in H.run_all(view, make_crisis(view, "p", FALL, horizon_years=10))}
    spec = grid[(grid["coding"] == "x") & (grid["reading"] == "article") & (grid["evidence"] == "seed") & (grid["horizon"] == 10)]
    assert dict(zip(spec["hypothesis"], spec["verdict"], strict=True)) == expected


def test_shares_are_hand_checked(grid):
    shares = S.verdict_shares(grid)
    values = shares[list(S.VERDICTS)]
    assert ((values >= 0) & (values <= 1)).all().all()
    assert np.allclose(values.sum(axis=1), 1)
    assert (shares["n"] == 32).all()
    # coding x: A was P's client and defected (H1 holds); coding y: A was R's client (H1 fails)
    assert shares.loc["H1 genuine clients", "holds"] == 0.5 and shares.loc["H1 genuine clients", "fails"] == 0.5
    # the motive is coded under x (reward: fails); under y there is no defection (no data)
    assert shares.loc["H4 motive", "fails"] == 0.5 and shares.loc["H4 motive", "no data"] == 0.5


def test_shares_of_a_small_frame():
    frame = pd.DataFrame({"hypothesis": ["A", "A", "A", "B"], "verdict": ["holds", "fails", "holds", "no data"]})
    shares = S.verdict_shares(frame)
    assert shares.loc["A", "holds"] == pytest.approx(2 / 3) and shares.loc["A", "fails"] == pytest.approx(1 / 3)
    assert shares.loc["B", "no data"] == 1 and shares.loc["B", "holds"] == 0
    assert list(shares.index) == ["A", "B"]
    assert S.modal_verdicts(frame).to_dict() == {"A": "holds", "B": "no data"}


def test_dimension_effects_name_the_coding(grid):
    effects = S.dimension_effects(grid)
    assert effects.loc["H1 genuine clients", "coding"] == 1.0  # x holds, y fails, whatever else is chosen
    assert (effects[["reading", "evidence"]] == 0).all().all()  # no conflicts, seed rows only: nothing to change


def test_specification_curve_uses_the_palette_and_every_specification(grid):
    fig = S.specification_curve(grid)
    verdict_traces = [t for t in fig.data if t.name in S.VERDICTS]
    assert {t.marker.color for t in verdict_traces} <= set(OKABE_ITO)
    xs = sorted({x for t in verdict_traces for x in t.x})
    assert xs == list(range(1, grid["spec"].nunique() + 1))
    assert sum(len(t.x) for t in verdict_traces) == len(grid)


@pytest.mark.parametrize("bad", ["", "5,x", "0,10", "100", None])
def test_horizons_are_checked(bad):
    with pytest.raises(ParameterError, match="parameter 'horizons'"):
        S.parse_horizons(bad)
    assert S.parse_horizons("20, 5,10,5") == [5, 10, 20]


# --- 2. the Monte Carlo of the dates ----------------------------------------------------------


@pytest.fixture
def crisis_x(toy):
    view = toy.select(coding="x")
    return view, make_crisis(view, "p", FALL, horizon_years=10)


def test_draws_are_seeded_and_inside_their_bounds(crisis_x):
    view, crisis = crisis_x
    a, b, c = S.draw_dates(view, 2000, seed=7), S.draw_dates(view, 2000, seed=7), S.draw_dates(view, 2000, seed=8)
    assert a.days.keys() == b.days.keys()
    assert all(np.array_equal(a.days[k], b.days[k], equal_nan=True) for k in a.days)
    assert any(not np.array_equal(a.days[k], c.days[k], equal_nan=True) for k in a.days)
    pd.testing.assert_frame_equal(S.orderings(view, crisis, a), S.orderings(view, crisis, b))
    start = a.days["spells", "start"]
    assert start.shape == (2000, len(view.spells))
    lo = view.spells["start_lo"].to_numpy("datetime64[D]")
    hi = view.spells["start_hi"].to_numpy("datetime64[D]")
    assert ((start >= lo) & (start <= hi)).all()
    year = view.spells.index.get_loc(view.spells.index[view.spells["spell_id"] == "p-min"][0])
    assert len(np.unique(start[:, year])) > 300  # '1945' is drawn across the whole year


def test_an_ordering_certain_in_the_toy_world_has_probability_one(crisis_x):
    view, crisis = crisis_x
    o = S.orderings(view, crisis, S.draw_dates(view, 10_000, seed=1)).set_index("ordering")
    took = o.loc["took up the post vs previous holder left"]
    # P left the ministry on 1950-06-15, A took it on 1950-06-16: both days exact
    assert (took["after"], took["before"], took["same day"]) == (1.0, 0.0, 0.0)
    assert took["second"] == "Person P left it"
    assert o.loc["reward vs end of window", "before"] == 1.0
    # the defection is dated '1950-06' (30 days), the reward 1950-06-16: 15 days before, 1 the same, 14 after
    d = o.loc["defection vs reward"]
    assert d["before"] == pytest.approx(15 / 30, abs=0.02) and d["same day"] == pytest.approx(1 / 30, abs=0.01)
    assert d["after"] == pytest.approx(14 / 30, abs=0.02) and d["undefined"] == 0


def test_verdicts_under_exact_enough_dates_match_the_point_estimate(crisis_x):
    view, crisis = crisis_x
    draws = S.draw_dates(view, 50, seed=3)
    v = S.verdicts_under_draws(view, draws, "p", FALL, horizon_years=10, k=4)
    assert v["draw"].nunique() == 4 and len(v) == 4 * 8
    expected = {r.hypothesis: r.verdict for r in H.run_all(view, crisis)}
    assert S.modal_verdicts(v).to_dict() == expected


def test_uncertain_dates_are_counted(crisis_x):
    view, _ = crisis_x
    u = S.uncertain_dates(view).set_index(["table", "field"])
    assert u.loc[("ties", "defection_date"), "dates"] == 1 and u.loc[("ties", "defection_date"), "uncertain"] == 1
    assert u.loc[("ties", "defection_date"), "median width (days)"] == 29  # '1950-06'
    assert u.loc[("events", "date"), "uncertain"] == 0


def test_draws_belong_to_one_selection(toy, crisis_x):
    view, _ = crisis_x
    other = toy.select(coding="y")
    with pytest.raises(ValueError, match="other rows of ties"):
        S.redated(other, S.draw_dates(view, 5), 0)


# --- 3. ties inferred from careers -------------------------------------------------------------
# P heads o1 (lineage l1, rank 5) 1940-1945, then moves to o2 (lineage l2, rank 6).
# C serves under him in l1 from 1941 (rank 3), is promoted to rank 4 in 1943, and follows him to l2 three months after.
# S serves only 8 months under him; E has his rank; F works in another lineage; G is promoted after P left;
# H is appointed by Q, who holds no post; K reaches l2 16 months after P; M only sees o1 renamed o1b
# one month after T arrives.


def _careers_world():
    people = ["p", "c", "s", "e", "f", "g", "h", "q", "k", "m", "t", "z"]
    persons = [{"person_id": x, "name": f"Person {x.upper()}", "surname": x.upper(), **SRC} for x in people]
    org = {"kind": "government", "level": "union", "valid_from": "1930", **SRC}
    orgs = [{"org_id": "o1", "name": "One", "lineage": "l1", **org},
            {"org_id": "o1b", "name": "One, renamed", "lineage": "l1", "predecessors": "o1", **org},
            {"org_id": "o2", "name": "Two", "lineage": "l2", **org},
            {"org_id": "o3", "name": "Three", "lineage": "l3", **org}]
    spells = [spell("p-o1", "p", "o1", 5, "1940-01-01", "1945-01-31"), spell("p-o2", "p", "o2", 6, "1945-02-01", "1950-01-01"),
              spell("c-o1", "c", "o1", 3, "1941-01-01", "1942-12-31"), spell("c-o1-up", "c", "o1", 4, "1943-01-01", "1945-01-31"),
              spell("c-o2", "c", "o2", 4, "1945-05-01", "1950-01-01"),
              spell("s-o1", "s", "o1", 2, "1944-06-01", "1945-01-31"),
              spell("e-o1", "e", "o1", 5, "1940-01-01", "1945-01-31"),
              spell("f-o3", "f", "o3", 2, "1940-01-01", "1945-01-31"),
              spell("g-o1", "g", "o1", 3, "1939-01-01", "1945-12-31"), spell("g-o1-up", "g", "o1", 4, "1946-01-01", "1947-01-01"),
              spell("k-o2", "k", "o2", 3, "1946-06-01", "1950-01-01"),
              spell("t-o1b", "t", "o1b", 6, "1944-12-01", "1950-01-01"),
              spell("m-o1", "m", "o1", 4, "1940-01-01", "1944-12-31"), spell("m-o1b", "m", "o1b", 4, "1945-01-01", "1946-01-01")]
    spells.append({**spell("h-o2", "h", "o2", 2, "1948-01-01", "1949-01-01"), "appointed_by": "q"})
    ties = [tie("p-c", "p", "c", "patronage", "1941", "1950", True, "1945-03", "reward", codings="x"),
            tie("p-z", "p", "z", "patronage", "1941", "1950", codings="x"),
            tie("p-e", "p", "e", "rivalry", "1941", "1950", codings="x")]
    codings = [{"coding_id": "x", "label": "x", "description": "x", **SRC}]
    return {"sources": ROWS["sources"], "persons": persons, "organisations": orgs, "spells": spells, "ties": ties,
            "codings": codings}


@pytest.fixture
def careers_view(make_package):
    return patronage.load(make_package(_careers_world(), name="careers")).select(coding="x")


def pairs(ties):
    return set(zip(ties["patron_id"], ties["client_id"], strict=True))


def test_overlap_rule(careers_view):
    found = S.overlap_ties(careers_view, months=12)
    assert ("p", "c") in found.pipe(pairs)  # 49 months under him
    assert ("p", "s") not in found.pipe(pairs)  # 8 months only
    assert ("p", "s") in S.overlap_ties(careers_view, months=6).pipe(pairs)
    assert not {("p", "e"), ("e", "p"), ("p", "f")} & pairs(found)  # same rank; another lineage
    s = S.overlap_ties(careers_view, months=6).set_index(["patron_id", "client_id"]).loc[("p", "s")]
    assert abs((s["start_lo"] - pd.Timestamp("1944-12-01")).days) <= 1  # the day the 6 months were reached
    assert s["start_lo"] == s["start_hi"] and pd.isna(s["end"])  # a lasting tie, nobody died


def test_ties_end_with_the_evidence_unless_lasting(careers_view):
    found = S.overlap_ties(careers_view, months=12, lasting=False).set_index(["patron_id", "client_id"])
    assert found.loc[("p", "g"), "end"] == "1945-01-31"  # when they stopped serving together
    assert found.loc[("p", "c"), "end"] == "1950-01-01"  # C served under him again in l2


def test_promotion_rule(careers_view):
    found = S.promotion_ties(careers_view)
    basis = dict(zip(zip(found["patron_id"], found["client_id"], strict=True), found["basis"], strict=True))
    assert basis[("p", "c")] == "promotion"
    row = found[(found["patron_id"] == "p") & (found["client_id"] == "c")].iloc[0]
    assert row["start"] == "1941-01-01"  # his first post under P already counts (from rank 0)
    assert ("p", "g") not in basis  # promoted after P had left the lineage, first post before P came
    assert basis[("q", "h")] == "appointed"  # appointed_by counts, whatever Q's own posts


def test_following_rule(careers_view):
    found = S.following_ties(careers_view, months=6)
    assert ("p", "c") in pairs(found)  # three months after him, at a lower rank
    row = found[(found["patron_id"] == "p") & (found["client_id"] == "c")].iloc[0]
    assert row["start"] == "1945-05-01"
    assert ("p", "k") not in pairs(found)  # sixteen months after him
    assert ("p", "k") in pairs(S.following_ties(careers_view, months=18))
    assert ("t", "m") not in pairs(found)  # a renaming is not a move


def test_inferred_ties_have_the_shape_of_the_ties_table(careers_view):
    for name, found in S.inferred_ties(careers_view).items():
        assert list(found.columns) == list(careers_view.ties.columns), name
        assert (found.dtypes == careers_view.ties.dtypes).all(), name
        assert set(found["kind"]) <= {"patronage"} and set(found["codings"]) <= {"inferred"}
        assert found["tie_id"].is_unique and (found["patron_id"] != found["client_id"]).all()


def test_agreement_and_scores(careers_view):
    rules = {"overlap": S.overlap_ties(careers_view, months=12)}
    table = S.agreement(careers_view, rules).set_index(["patron_id", "client_id"])
    assert bool(table.loc[("p", "c"), "asserted"]) and bool(table.loc[("p", "c"), "overlap"])
    assert bool(table.loc[("p", "z"), "asserted"]) and not bool(table.loc[("p", "z"), "overlap"])
    assert not table.loc[("p", "g"), "asserted"] and bool(table.loc[("p", "g"), "overlap"])  # a tie no historian asserts
    score = S.rule_scores(careers_view, rules).set_index("rule").loc["overlap"]
    assert score["asserted"] == 2 and score["recovered"] == 1 and score["recall"] == 0.5
    assert score["precision"] == pytest.approx(1 / score["inferred"])


def test_rerun_on_inferred_ties_keeps_defections_and_other_kinds(careers_view):
    overlap = S.overlap_ties(careers_view, months=12)
    tables = S.with_inferred_ties(careers_view, overlap)
    t = tables.ties.set_index("tie_id")
    assert "p-e" in t.index and "p-c" not in t.index  # rivalry kept, asserted patronage replaced
    pc = t.loc["inferred-overlap-p-c"]
    assert bool(pc["defected"]) and pc["defection_date"] == "1945-03" and pd.isna(pc["motive"])
    others = t[t.index.str.startswith("inferred") & (t.index != "inferred-overlap-p-c")]
    assert not others["defected"].any()
    with_motive = S.with_inferred_ties(careers_view, overlap, motives=True).ties.set_index("tie_id")
    assert with_motive.loc["inferred-overlap-p-c", "motive"] == "reward"


def test_hypotheses_on_inferred_ties(crisis_x):
    view, crisis = crisis_x
    rules = S.inferred_ties(view)
    out = S.hypotheses_on_inferred(view, rules, "p", FALL, horizon_years=10)
    assert list(dict.fromkeys(out["ties"])) == ["asserted", "overlap", "promotion", "following", "any rule"]
    asserted = out[out["ties"] == "asserted"]
    assert dict(zip(asserted["hypothesis"], asserted["verdict"], strict=True)) == {r.hypothesis: r.verdict for r in H.run_all(view, crisis)}


def test_robustness_table_sets_the_checks_side_by_side(toy, crisis_x, grid):
    view, crisis = crisis_x
    rerun = S.hypotheses_on_inferred(view, S.inferred_ties(view), "p", FALL)
    under = S.verdicts_under_draws(view, S.draw_dates(view, 10, seed=1), "p", FALL, k=2)
    table = S.robustness_table(grid, under, rerun)
    assert list(table.columns[:3]) == ["base", "specifications", "date draws"] and len(table) == 8
    assert table.loc["H1 genuine clients", "specifications"] == "holds / fails (0.50 each)"
    assert table.loc["H1 genuine clients", "date draws"] == "holds (1.00)"
