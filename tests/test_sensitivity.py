"""Sensitivity of the verdicts: the specification grid, the Monte Carlo of the dates, and ties
inferred from careers, each on a hand-built world whose right answers are known.

The grid's world (``conflict_world``) is the toy world of tests/toyworld.py with what makes the
reading and the evidence level matter: a documented conflict between a seed side (A took P's own
post, rank 6, after the fall) and an external side (he stayed at rank 5), external rows outside
the conflict, and an office (the ministry) whose validity ends on the day it was renamed.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

import patronage
from patronage.analysis.crisis import make_crisis
from patronage.analysis.populations import POPULATIONS
from patronage.analysis.verdicts import VERDICTS
from patronage.errors import ParameterError
from patronage.publish import charts
from patronage.publish.figures import VERDICT_COLOURS
from patronage.robustness import findings
from patronage.robustness import sensitivity as S
from patronage.robustness.date_draws import ID_COLUMNS, moves
from patronage.robustness.life_dates import LifeDates
from patronage.tables.readings import EVIDENCE_LEVELS, READING_POLICIES

from toyworld import FALL, ROWS, event, loaded_fixtures, part, spell, tie, write_package
from toyworld import S as SRC

HYPOTHESES = 11


def conflict_world() -> dict:
    """The toy world with a seed/external conflict over A's reward, external rows and a dated ministry.

    - conflict 'a-reward': the article (seed) gives A P's own post (rank 6) from 1950-06-16; a
      handbook (external, the curators' default) gives him rank 5, the rank he held: no promotion;
    - an external spell of D in 1961, outside every conflict;
    - the ministry 'min' is valid until 1950-06-15 (renamed 'min2' that day), and D's post in it
      ends '1950-06' (the whole month): the draws must end it by the 15th;
    - A's defection is dated 1950-06-01/1950-06-15, ending on the day of the fall.
    """
    rows = copy.deepcopy(ROWS)
    rows["sources"].append({"source_id": "ref", "type": "reference_work", "title": "A handbook",
                            "reliability": "reference", "seed": False, "in_article_references": False})
    external = {"source_id": "ref", "locator": "entry A", "quote": "", "evidence": "external"}
    rows["conflicts"] = [{"conflict_id": "a-reward", "kind": "fact", "topic": "the post A took after the fall",
                          "reading_a": "article", "a_source_id": "src", "a_locator": "section 1", "a_quote": "as stated",
                          "a_evidence": "seed", "reading_b": "standard", "b_source_id": "ref", "b_locator": "entry A",
                          "b_evidence": "external", "default_reading": "standard"}]
    for row in rows["spells"]:
        if row["spell_id"] == "a-min2":
            row.update(conflict_id="a-reward", reading="article")
        if row["spell_id"] == "d-min":
            row["end"] = "1950-06"
    rows["spells"] += [{**spell("a-min2-std", "a", "min2", 5, "1950-06-16", "1952-01-01", "dismissal", post="First deputy"),
                        **external, "conflict_id": "a-reward", "reading": "standard"},
                       {**spell("d-later", "d", "min2", 2, "1961", "1962", "retirement"), **external}]
    rows["organisations"] = [dict(o) for o in rows["organisations"]]
    rows["organisations"][0]["valid_to"] = "1950-06-15"
    for row in rows["ties"]:
        if row["tie_id"] == "p-a":
            row["defection_date"] = "1950-06-01/1950-06-15"
    return rows


# the conflict world: loaded once for the module, a deep copy for each test
world_once, world = loaded_fixtures("sensitivity", conflict_world, "world_once")


@pytest.fixture(scope="module")
def grid_once(world_once):
    """The conflict world's grid (horizons 5 and 10, every population), computed once for the module."""
    return S.specification_grid(copy.deepcopy(world_once), "p", FALL, horizons=[5, 10])


@pytest.fixture
def grid(grid_once):
    return grid_once.copy(deep=True)


# --- 1. the specification grid ----------------------------------------------------------------
# Per coding, three distinct selections: seed (every reading: the external side falls back to the
# seed side), seed+external with the article's reading, seed+external with the handbook's (blog,
# standard and default all land on it). Coding x: A defected; H3 fails on the article's side (he
# was promoted) and holds on the handbook's. Coding y: A is R's client, nobody defected: no case.
# Distinct specifications are classes of selections the crisis cannot tell apart, with a horizon and a population:
# under coding x the seed selection and the article's differ only in D's post of 1961, which the crisis does not read
# (one class); the handbook's is another; under coding y no one defected, and its three selections give the same
# crisis and results (one class). 3 classes x 2 horizons x 3 populations = 18.


def h3(grid: pd.DataFrame) -> pd.DataFrame:
    return grid[grid["hypothesis"] == "H3 no reward"]


def test_distinct_specifications_are_counted_once(world, grid):
    n_specs = 2 * len(READING_POLICIES) * len(EVIDENCE_LEVELS) * 2 * len(POPULATIONS)
    assert len(S.specifications(world, [5, 10])) == n_specs == grid["spec"].nunique()
    assert len(grid) == n_specs * HYPOTHESES
    assert grid["selection"].nunique() == 6
    assert grid["distinct"].nunique() == 3 * 2 * len(POPULATIONS)
    # one number per (class of selections, horizon, population): every class at every horizon and population alike
    pairs = grid[["distinct", "horizon", "population"]].drop_duplicates()
    assert pairs["distinct"].is_unique and len(pairs) == 18
    table = S.distinct_specifications(grid)
    assert len(table) == 18 and table["specifications"].sum() == n_specs
    x = table[table["coding"] == "x"]
    assert set(x["selection"]) == {"1 | 2", "3"} and set(x.loc[x["selection"] == "3", "reading"]) == {"blog | standard | variant | curated"}
    y = table[table["coding"] == "y"]
    assert set(y["selection"]) == {"4 | 5 | 6"} and len(y) == 6
    assert list(S.selections(grid).index) == [1, 2, 3, 4, 5, 6]
    assert S.selections(grid).loc[1, "reading"] == "article | blog | standard | variant | curated"


def test_reading_and_evidence_select_other_rows(world):
    seed = world.select(coding="x", evidence="seed", reading="standard")
    assert seed.selection["seed_fallbacks"] == {"a-reward": ("standard", "article")}
    assert "a-min2" in set(seed.spells["spell_id"]) and "d-later" not in set(seed.spells["spell_id"])
    handbook = world.select(coding="x", evidence="seed+external", reading="standard")
    assert {"a-min2-std", "d-later"} <= set(handbook.spells["spell_id"]) and "a-min2" not in set(handbook.spells["spell_id"])


def test_the_grid_gives_each_specification_its_own_result(grid):
    """H3 by hand for every specification: which rows it reads decides it, the horizon and population do not."""
    expected = {("x", "seed"): "fails", ("x", "seed+external", "article"): "fails", ("x", "seed+external"): "holds",
                ("y", "seed"): "no case", ("y", "seed+external", "article"): "no case", ("y", "seed+external"): "no case"}
    for row in h3(grid).itertuples():
        key = (row.coding, row.evidence, row.reading) if row.evidence == "seed+external" and row.reading == "article" \
            else (row.coding, row.evidence)
        assert row.verdict == expected[key], row.spec


def test_the_grid_runs_each_population(world, grid):
    """H2 counts the population the specification names: only A (first deputies, one case, untestable)
    or A, B and C (high office, all clients: 1 of 3 defected, inconclusive)."""
    h2 = grid[(grid["hypothesis"] == "H2 loyalty") & (grid["coding"] == "x")]
    assert set(h2.loc[h2["population"] == "first deputies", "verdict"]) == {"untestable"}
    assert set(h2.loc[h2["population"] != "first deputies", "verdict"]) == {"inconclusive"}
    assert set(h2["value"].str[:4]) == {"1/1 ", "1/3 "}


def test_shares_are_over_the_specifications(grid):
    """Each specification counts once, as a specification curve counts them. Coding x: A was promoted on the article's
    side (seed, every reading; seed+external, the article's) and not on the handbook's: fails 6 of its 10 choices of
    reading and evidence, holds 4; coding y: no case. Over 120 specifications: 36 fails, 24 holds, 60 no case. A
    step's shares rest only on the choices that move it: H3's are the same with one horizon, or one population."""
    shares = S.verdict_shares(grid)
    assert (shares["n"] == 120).all()
    row = shares.loc["H3 no reward"]
    assert row["holds"] == pytest.approx(24 / 120) and row["fails"] == pytest.approx(36 / 120)
    assert row["no case"] == pytest.approx(60 / 120) and row["no data"] == 0
    values = shares[list(VERDICTS)]
    assert np.allclose(values.sum(axis=1), 1) and list(values.columns) == list(VERDICTS)
    assert S.modal_verdicts(grid)["H3 no reward"] == "no case"
    for some in (grid[grid["horizon"] == 5], grid[grid["population"] == "all clients"]):
        assert S.verdict_shares(some).loc["H3 no reward", list(VERDICTS)].equals(shares.loc["H3 no reward", list(VERDICTS)])


def test_shares_of_a_small_frame():
    frame = pd.DataFrame({"hypothesis": ["A", "A", "A", "B"], "verdict": ["holds", "fails", "holds", "no data"]})
    shares = S.verdict_shares(frame)
    assert shares.loc["A", "holds"] == pytest.approx(2 / 3) and shares.loc["A", "fails"] == pytest.approx(1 / 3)
    assert shares.loc["B", "no data"] == 1 and shares.loc["B", "holds"] == 0 and shares.loc["A", "n"] == 3
    assert list(shares.index) == ["A", "B"]
    assert S.modal_verdicts(frame).to_dict() == {"A": "holds", "B": "no data"}
    # the same frame as a grid: rows of one specification count once
    as_grid = frame.assign(spec=[1, 2, 2, 1])
    assert S.verdict_shares(as_grid).loc["A", "holds"] == pytest.approx(1 / 2)
    assert S.verdict_shares(as_grid).loc["A", "n"] == 2


def test_dimension_effects_are_counted_over_distinct_comparisons(grid):
    effects = S.dimension_effects(grid).set_index(["hypothesis", "dimension"])
    # reading: under seed it changes no rows, and under coding y nothing the crisis reads (no comparison); under
    # seed+external and coding x it moves H3 (article: fails, handbook: holds) at each horizon and population: 6 of 6
    reading = effects.loc[("H3 no reward", "reading")]
    assert (reading["comparisons"], reading["moved"], reading["verdicts"]) == (6, 6, "holds / fails")
    evidence = effects.loc[("H3 no reward", "evidence")]
    assert (evidence["comparisons"], evidence["moved"]) == (6, 6)  # seed vs the handbook's; seed vs the article's is one class
    assert effects.loc[("H3 no reward", "coding"), "share"] == 1.0
    assert effects.loc[("H3 no reward", "horizon"), "moved"] == 0 and effects.loc[("H3 no reward", "population"), "moved"] == 0
    assert effects.loc[("H2 loyalty", "population"), "moved"] > 0
    table = S.dimension_table(S.dimension_effects(grid))
    assert list(table.columns) == list(S.DIMENSIONS)
    assert table.loc["H3 no reward", "reading"] == "always (6 of 6): holds / fails"
    assert table.loc["H3 no reward", "horizon"] == "never (0 of 9)"
    assert table.loc["H3 no reward", "coding"] == "always (12 of 12): holds / fails / no case"


def test_a_dimension_that_changes_no_result_is_never_a_comparison(grid):
    seed_only = grid[grid["evidence"] == "seed"]
    effects = S.dimension_effects(seed_only).set_index(["hypothesis", "dimension"])
    assert effects.loc[("H3 no reward", "reading"), "comparisons"] == 0
    assert S.dimension_table(S.dimension_effects(seed_only)).loc["H3 no reward", "reading"] == "never: same analysis"


def test_the_shares_table_names_what_moves_each_verdict(grid):
    table = S.shares_table(grid).set_index("hypothesis")
    assert list(table.reset_index().columns) == ["hypothesis", *VERDICTS, "n", "moved by"]
    assert table.loc["H3 no reward", "moved by"] == "coding, reading, evidence"
    assert table.loc["H6a later defectors refused", "moved by"] == "nothing"
    assert table.loc["H2 loyalty", "moved by"].endswith("population")
    assert (table["n"] == 120).all() and table.loc["H3 no reward", "holds"] == 0.2


def test_a_step_steady_on_a_two_word_verdict_is_named_with_all_of_it(grid):
    """'no data' in every specification reads 'no data', not 'no'."""
    grid.loc[grid["hypothesis"] == "H6a later defectors refused", "verdict"] = "no data"
    first = findings.specification_findings(grid)[0]
    assert "H6a later defectors refused (no data)" in first and "(no)" not in first


def test_the_steady_and_the_varying_steps_are_counted_in_words(grid):
    """All steps steady, one varying, all varying, none deciding: the sentence agrees with its counts and names no empty list."""
    every = findings.specification_findings(grid.assign(verdict="holds"))
    assert f"{HYPOTHESES} of {HYPOTHESES} steps keep one verdict in every one" in every[0] and "vary" not in every[0]
    one = grid["hypothesis"].eq("H1 genuine clients")
    single = findings.specification_findings(grid.assign(verdict="holds").assign(
        verdict=lambda g: g["verdict"].where(g.index != grid[one].index[0], "mixed")))[0]
    assert f"{HYPOTHESES - 1} of {HYPOTHESES} steps keep" in single and "; 1 varies: H1 genuine clients (" in single
    varied = grid.assign(verdict=["holds" if i == 0 else "mixed" for i in grid.groupby("hypothesis").cumcount()])
    none = findings.specification_findings(varied)[0]
    assert f"no step keeps one verdict its rule decided in every one; {HYPOTHESES} vary: " in none and ": none" not in none
    # a step whose every verdict is 'no data' or 'no case' could not have moved: named apart, never as robust
    idle = grid.assign(verdict=grid["hypothesis"].map(lambda h: "no case" if h == "H1 genuine clients" else "holds"))
    some = findings.specification_findings(idle)[0]
    assert f"{HYPOTHESES - 1} of {HYPOTHESES} steps keep" in some and "; 1 decides nothing in any" in some
    assert "H1 genuine clients (no case)" in some.split("decides nothing")[1]
    nothing = findings.specification_findings(grid.assign(verdict="no data"))
    assert nothing[0].startswith(f"Across 120 specifications, no step keeps one verdict its rule decided in every one; "
                                 f"{HYPOTHESES} decide nothing in any")
    assert nothing[1].startswith("No step decides anything under any specification")
    assert len(every) == 2 and every[1].startswith("Changing one choice alone")


def test_a_dimension_with_one_value_is_said_not_varied(grid):
    """One horizon in the grid compares nothing along it: not 'never', which would report a finding."""
    one = grid[grid["horizon"] == 5]
    assert set(S.dimension_table(S.dimension_effects(one))["horizon"]) == {"not varied (one value)"}
    assert "horizon is not varied (one value)" in findings.specification_findings(one)[1]
    assert "horizon is not varied" not in findings.specification_findings(grid)[1]


def test_specification_curve_has_a_column_per_distinct_specification(grid):
    fig = charts.specification_curve(grid)
    verdict_traces = [t for t in fig.data if t.name in VERDICTS]
    assert all(t.marker.color == VERDICT_COLOURS[t.name] for t in verdict_traces)
    xs = sorted({x for t in verdict_traces for x in t.x})
    assert xs == list(range(1, 19))
    assert sum(len(t.x) for t in verdict_traces) == 18 * HYPOTHESES


def test_the_grid_takes_populations_not_a_population(world):
    with pytest.raises(TypeError, match="populations"):
        S.specification_grid(world, "p", FALL, horizons=[5], population="all clients")


@pytest.mark.parametrize("bad", ["", "5,x", "0,10", "100", None])
def test_horizons_are_checked(bad):
    with pytest.raises(ParameterError, match="parameter 'horizons'"):
        S.parse_horizons(bad)
    assert S.parse_horizons("20, 5,10,5") == [5, 10, 20]


@pytest.mark.parametrize("bad", ["", "first deputy", None, "all clients, nobody"])
def test_populations_are_checked(bad):
    with pytest.raises(ParameterError, match="parameter 'populations'"):
        S.parse_populations(bad)
    assert S.parse_populations("all clients, first deputies") == ["first deputies", "all clients"]


# --- 2. the Monte Carlo of the dates ----------------------------------------------------------


@pytest.fixture
def world_x(world):
    view = world.select(coding="x")
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


def draws_by_cell(draws, tables) -> dict:
    """Every drawn cell's draws by (table, field, row id), for comparing draws made on different rows."""
    ids = {t: getattr(tables, t)[ID_COLUMNS[t]].tolist() for t, _ in draws.days}
    return {(t, f, rid): draws.days[t, f][:, j] for (t, f) in draws.days for j, rid in enumerate(ids[t])}


def test_a_dates_draws_do_not_depend_on_the_other_rows(world, tmp_path):
    """Each cell has its own stream: another reading (other rows selected) or a row added to the tables
    leaves the draws of every date both share as they were, so two runs differ only by their rows."""
    both = dict(coding="x", evidence="seed+external")
    article, standard = world.select(**both, reading="article"), world.select(**both, reading="standard")
    assert set(article.spells["spell_id"]) != set(standard.spells["spell_id"])
    rows = conflict_world()
    rows["spells"].append(spell("d-extra", "d", "min2", 3, "1955", "1958~"))
    rows["ties"].append(tie("r-d-extra", "r", "d", "patronage", "1954", "1956/1957"))
    added = patronage.load(write_package(tmp_path / "added", rows)).select(**both, reading="article")
    cells = {name: draws_by_cell(S.draw_dates(view, 400, seed=3), view) for name, view in
             [("article", article), ("standard", standard), ("added", added)]}
    for other in ("standard", "added"):
        shared = cells["article"].keys() & cells[other].keys()
        assert len(shared) < max(len(cells["article"]), len(cells[other]))  # the row sets differ
        uncertain = [k for k in shared if len(np.unique(cells["article"][k])) > 1]
        assert len(uncertain) >= 5
        assert all(np.array_equal(cells["article"][k], cells[other][k], equal_nan=True) for k in shared)
    assert len(np.unique(cells["added"]["spells", "start", "d-extra"])) > 100  # the new row is drawn too


def test_the_first_k_draws_are_the_draws_of_k(world_x):
    """Notebook 04's first `verdict_draws` and notebook 05's `draws` are one sequence: n = k gives the head."""
    view, _ = world_x
    many, few = S.draw_dates(view, 300, seed=11), S.draw_dates(view, 40, seed=11)
    assert all(np.array_equal(many.head(40).days[k], few.days[k], equal_nan=True) for k in many.days)


def test_a_move_from_one_post_to_the_next_is_one_day(tmp_path):
    """D moves 'in 1954' from one post to the next (a transfer): the old post's end and the new one's start are
    one uncertain day, drawn once, so no draw leaves him out of office or in both posts. A dismissal is not a
    move, and an end and a start written differently ('1957' against '1957-03') are two days: drawn apart."""
    rows = copy.deepcopy(ROWS)
    rows["spells"] += [spell("d-x", "d", "min2", 4, "1952", "1954", "transfer"), spell("d-y", "d", "min2", 4, "1954", "1956", "dismissal"),
                       spell("d-z", "d", "min2", 3, "1956", "1957", "transfer"), spell("d-w", "d", "min2", 3, "1957-03", "1958")]
    view = patronage.load(write_package(tmp_path / "moves", rows)).select(coding="x")
    draws = S.draw_dates(view, 500, seed=2)
    cell = {sid: view.spells.index[view.spells["spell_id"] == sid][0] for sid in ("d-x", "d-y", "d-z", "d-w")}
    ids = view.spells["spell_id"].tolist()
    found = {ids[b]: ids[a] for b, a in moves(view.spells, S.date_bounds(view, "spells", "start"),
                                              S.date_bounds(view, "spells", "end")).items()}
    assert found == {"d-y": "d-x"}
    moved = draws.of("spells", "start", cell["d-y"])
    assert np.array_equal(moved, draws.of("spells", "end", cell["d-x"])) and len(np.unique(moved)) > 100
    assert not np.array_equal(draws.of("spells", "start", cell["d-z"]), draws.of("spells", "end", cell["d-y"]))
    assert (draws.of("spells", "start", cell["d-w"]) != draws.of("spells", "end", cell["d-z"])).mean() > 0.9


def test_draws_stay_inside_the_organisations_period(world):
    """D's post in the ministry ends '1950-06', but the ministry ended on the 15th: with the reference works, which
    date the ministry, every draw ends it from the 1st to the 15th; on the seeds alone, which date no organisation,
    anywhere in June. B's post ends on 1950-08-01, after the ministry did: the tables disagree
    with themselves, and the recorded day is kept rather than no day at all."""
    seed = world.select(coding="x")
    row = seed.spells.index[seed.spells["spell_id"] == "d-min"][0]
    ends = S.draw_dates(seed, 3000, seed=5).of("spells", "end", row)
    assert ends.min() == np.datetime64("1950-06-01") and ends.max() == np.datetime64("1950-06-30")
    view = world.select(coding="x", evidence="seed+external")
    draws = S.draw_dates(view, 3000, seed=5)
    row = view.spells.index[view.spells["spell_id"] == "d-min"][0]
    ends = draws.of("spells", "end", row)
    assert ends.min() == np.datetime64("1950-06-01") and ends.max() == np.datetime64("1950-06-15")
    assert draws.bounds_of("spells", "end", row) == (np.datetime64("1950-06-01"), np.datetime64("1950-06-15"))
    b = view.spells.index[view.spells["spell_id"] == "b-min"][0]
    assert set(draws.of("spells", "end", b)) == {np.datetime64("1950-08-01")}
    first, last = S.organisation_periods(view, view.spells)
    for field in ("start", "end"):
        lo = view.spells[f"{field}_lo"].to_numpy("datetime64[D]")
        hi = view.spells[f"{field}_hi"].to_numpy("datetime64[D]")
        meets = (np.isnat(first) | (hi >= first)) & (np.isnat(last) | (lo <= last))
        days = draws.days["spells", field][:, meets]
        assert ((days >= np.where(np.isnat(first), lo, first)[meets]) | np.isnat(days)).all()
        assert ((days <= np.where(np.isnat(last), hi, last)[meets]) | np.isnat(days)).all()
    narrowed = S.uncertain_dates(view).set_index(["table", "field"])
    assert narrowed.loc[("spells", "end"), "narrowed"] == 1 and narrowed.loc[("spells", "start"), "narrowed"] == 0


def test_an_ordering_decided_by_the_bounds_reports_no_share(world_x):
    """A's defection is dated 1950-06-01/1950-06-15 and P fell on the 15th: no draw can put it after
    the fall, so the row says so and gives no share (every draw would give 'before or the same day')."""
    view, crisis = world_x
    o = S.orderings(view, crisis, S.draw_dates(view, 2000, seed=1)).set_index("ordering")
    shares = ["before", "same day", "after", "undefined"]
    fall = o.loc["defection vs the patron's fall"]
    assert fall["decided by the bounds"] == "on or before" and fall[shares].isna().all()
    assert fall["first's bounds"] == "1950-06-01 to 1950-06-15" and fall["second's bounds"] == "1950-06-15"
    assert o.loc["defection vs reward", "decided by the bounds"] == "before"  # he took the post on the 16th
    assert o.loc["reward vs end of window", "decided by the bounds"] == "before"
    took = o.loc["took up the post vs previous holder left"]
    assert took["decided by the bounds"] == "after" and took["second"] == "Person P left it" and took[shares].isna().all()


def test_an_ordering_the_bounds_leave_open_gets_shares(crisis_x):
    """In the toy world the defection is dated '1950-06' (30 days) and the fall is the 15th:
    14 days before, 1 the same, 15 after."""
    view, crisis = crisis_x
    o = S.orderings(view, crisis, S.draw_dates(view, 10_000, seed=1)).set_index("ordering")
    d = o.loc["defection vs the patron's fall"]
    assert d["decided by the bounds"] == "no" and d["undefined"] == 0
    assert d["before"] == pytest.approx(14 / 30, abs=0.02) and d["same day"] == pytest.approx(1 / 30, abs=0.01)
    assert d["after"] == pytest.approx(15 / 30, abs=0.02)


@pytest.mark.parametrize(("first", "second", "expected"), [
    (("1950-01-01", "1950-01-31"), ("1950-02-01", "1950-02-01"), "before"),
    (("1950-01-01", "1950-01-31"), ("1950-01-31", "1950-03-01"), "on or before"),
    (("1950-01-31", "1950-03-01"), ("1950-01-01", "1950-01-31"), "on or after"),
    (("1950-02-01", "1950-02-01"), ("1950-02-01", "1950-02-01"), "same day"),
    (("1950-01-01", "1950-01-31"), ("1950-01-15", "1950-01-15"), "no"),
    (("1950-01-01", "1950-01-31"), ("1950-01-30", "1950-02-28"), "no"),
    (("1950-03-01", "1950-03-02"), ("1950-01-01", "1950-01-31"), "after"),
    ((None, None), ("1950-01-01", "1950-01-31"), "not recorded"),
])
def test_decided_by_bounds(first, second, expected):
    def drawn(bounds):
        lo, hi = (np.datetime64(b, "D") if b else np.datetime64("NaT", "D") for b in bounds)
        return S.Drawn(np.array([lo]), lo, hi, not np.isnat(lo))

    assert S.decided_by_bounds(drawn(first), drawn(second)) == expected


def test_an_unknown_rank_gives_no_reward_rather_than_an_error(world_x):
    """A client whose rank the day before is not recorded has no post known to be higher."""
    view, crisis = world_x
    unknown = dataclasses.replace(crisis, roster=crisis.roster.assign(rank_before=pd.array([pd.NA] * len(crisis.roster),
                                                                                           dtype="Int64")))
    draws = S.draw_dates(view, 50, seed=2)
    days, candidates = S.reward_days(view, unknown, draws, "a")
    assert np.isnat(days).all() and candidates.empty
    assert S.reward_spell(view, unknown, "a").empty
    o = S.orderings(view, unknown, draws).set_index("ordering")
    assert o.loc["defection vs reward", "decided by the bounds"] == "not recorded"
    assert o.loc["took up the post vs previous holder left", "second"] == "no post"


def test_redated_tables_carry_the_drawn_days(world_x):
    view, _ = world_x
    draws = S.draw_dates(view, 5, seed=4)
    tables = S.redated(view, draws, 3)
    for (table, field), days in draws.days.items():
        frame = getattr(tables, table)
        expected = days[3].astype("datetime64[s]")
        for bound in ("lo", "hi"):
            got = frame[f"{field}_{bound}"].to_numpy("datetime64[s]")
            assert np.array_equal(got, expected, equal_nan=True), (table, field, bound)


def test_life_dates_planned_once_are_those_derived_anew(tmp_path, tables):
    """Under the draws the persons' life dates come from a plan made once (patronage.robustness.life_dates): the
    same frames as deriving them from the redated tables, on a toy man with two deaths recorded on uncertain
    days that may be one (the bounds are the earlier and the later day) and on every evidence level of the real tables."""
    rows = copy.deepcopy(ROWS)
    rows["events"] += [event("d-dies", "1960", "death"), event("d-shot", "1960-06/1961", "execution"),
                       event("d-born", "1949/1950", "birth")]
    rows["event_participants"] += [part("d-dies", "d", "subject"), part("d-shot", "d", "executed"), part("d-born", "d", "subject")]
    toy = patronage.load(write_package(tmp_path / "lives", rows)).select(coding="x")
    views = [toy] + [tables.select(evidence=e, reading="standard", coding="blauvelt") for e in EVIDENCE_LEVELS]
    for view in views:
        draws, lives = S.draw_dates(view, 20, seed=9), LifeDates.of(view)
        for i in range(draws.n):
            pd.testing.assert_frame_equal(S.redated(view, draws, i, lives).persons, S.redated(view, draws, i).persons)
    d = S.redated(toy, draws := S.draw_dates(toy, 20, seed=9), 0, LifeDates.of(toy)).persons.set_index("person_id").loc["d"]
    rows_of = toy.events.reset_index().set_index("event_id")[toy.events.index.name or "index"]
    days = sorted(pd.Timestamp(draws.of("events", "date", rows_of[e])[0]) for e in ("d-dies", "d-shot"))
    assert (d["died_lo"], d["died_hi"]) == tuple(days) and d["born_lo"] == d["born_hi"] and draws.n == 20


def test_verdicts_move_with_the_drawn_dates_only_where_the_bounds_allow(crisis_x):
    """In the toy world the dates no hypothesis turns on are exact enough: every draw gives the
    verdicts of the point estimates (hand-checked for H3: A was promoted within the year)."""
    view, _ = crisis_x
    v = S.verdicts_under_draws(view, S.draw_dates(view, 50, seed=3), "p", FALL, horizon_years=10, k=4)
    assert v["draw"].nunique() == 4 and len(v) == 4 * HYPOTHESES
    assert set(v.loc[v["hypothesis"] == "H3 no reward", "verdict"]) == {"fails"}
    assert set(v.loc[v["hypothesis"] == "H6a later defectors refused", "verdict"]) == {"holds"}


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
# one month after T arrives. In o4 (lineage l4) L leads (rank 7) from 1940; N joins at rank 6 in 1942
# (two leaders: their tie is flagged), W at rank 4 in 1943 (not a leader).


def _careers_world():
    people = ["p", "c", "s", "e", "f", "g", "h", "q", "k", "m", "t", "z", "l", "n", "w"]
    persons = [{"person_id": x, "name": f"Person {x.upper()}", "surname": x.upper(), **SRC} for x in people]
    org = {"kind": "government", "level": "union", "valid_from": "1930", **SRC}
    orgs = [{"org_id": "o1", "name": "One", "lineage": "l1", **org},
            {"org_id": "o1b", "name": "One, renamed", "lineage": "l1", "predecessors": "o1", **org},
            {"org_id": "o2", "name": "Two", "lineage": "l2", **org},
            {"org_id": "o3", "name": "Three", "lineage": "l3", **org},
            {"org_id": "o4", "name": "Four", "lineage": "l4", **org},
            {"org_id": "o5", "name": "Five", "lineage": "l5", **org}]  # N's and W's first posts: their rise in o4 is a promotion
    spells = [spell("p-o1", "p", "o1", 5, "1940-01-01", "1945-01-31"), spell("p-o2", "p", "o2", 6, "1945-02-01", "1950-01-01"),
              spell("c-o1", "c", "o1", 3, "1941-01-01", "1942-12-31"), spell("c-o1-up", "c", "o1", 4, "1943-01-01", "1945-01-31"),
              spell("c-o2", "c", "o2", 4, "1945-05-01", "1950-01-01"),
              spell("s-o1", "s", "o1", 2, "1944-06-01", "1945-01-31"),
              spell("e-o1", "e", "o1", 5, "1940-01-01", "1945-01-31"),
              spell("f-o3", "f", "o3", 2, "1940-01-01", "1945-01-31"),
              spell("g-o1", "g", "o1", 3, "1939-01-01", "1945-12-31"), spell("g-o1-up", "g", "o1", 4, "1946-01-01", "1947-01-01"),
              spell("k-o2", "k", "o2", 3, "1946-06-01", "1950-01-01"),
              spell("t-o1b", "t", "o1b", 6, "1944-12-01", "1950-01-01"),
              spell("m-o1", "m", "o1", 4, "1940-01-01", "1944-12-31"), spell("m-o1b", "m", "o1b", 4, "1945-01-01", "1946-01-01"),
              spell("l-o4", "l", "o4", 7, "1940-01-01", "1950-01-01"), spell("n-o4", "n", "o4", 6, "1942-01-01", "1950-01-01"),
              spell("w-o4", "w", "o4", 4, "1943-01-01", "1950-01-01"),
              spell("n-o5", "n", "o5", 1, "1938-01-01", "1941-12-31"), spell("w-o5", "w", "o5", 1, "1938-01-01", "1942-12-31")]
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
    # his first recorded post under P (1941) is no promotion, as step 1 reads one: what he held before is not recorded
    assert row["start"] == "1943-01-01"
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
        assert list(found.columns) == [*careers_view.ties.columns, S.LEADERS], name
        assert (found.dtypes[list(careers_view.ties.columns)] == careers_view.ties.dtypes).all(), name
        assert set(found["kind"]) <= {"patronage"} and set(found["codings"]) <= {"inferred"}
        assert found["tie_id"].is_unique and (found["patron_id"] != found["client_id"]).all()


def test_ties_between_leaders_are_flagged(careers_view):
    """L (rank 7) and N (rank 6) are both leaders when N joins; W (rank 4) is not; T (rank 6) over G and M is one leader only."""
    for name, found in S.inferred_ties(careers_view).items():
        flagged = set(zip(found.loc[found[S.LEADERS], "patron_id"], found.loc[found[S.LEADERS], "client_id"], strict=True))
        assert flagged == ({("l", "n")} if name != "following" else set()), name
    scores = S.rule_scores(careers_view, S.inferred_ties(careers_view)).set_index("rule")
    assert scores.loc["promotion", S.LEADERS] == 1 and scores.loc["following", S.LEADERS] == 0
    assert S.agreement(careers_view, S.inferred_ties(careers_view)).set_index(["patron_id", "client_id"]).loc[("l", "n"), S.LEADERS]


def test_ties_between_leaders_are_left_out_unless_kept(careers_view):
    rules = {"promotion": S.promotion_ties(careers_view)}
    left_out = S.hypotheses_on_inferred(careers_view, rules, "l", "1948-01-01").groupby("ties", sort=False).first()
    kept = S.hypotheses_on_inferred(careers_view, rules, "l", "1948-01-01", between_leaders=True).groupby("ties", sort=False).first()
    assert list(left_out.index) == ["asserted", "promotion"]
    assert left_out.loc["promotion", "clients"] == 1 and left_out.loc["promotion", "leader ties left out"] == 1  # W only
    assert kept.loc["promotion", "clients"] == 2 and kept.loc["promotion", "leader ties left out"] == 0  # N and W
    assert left_out.loc["asserted", "clients"] == 0  # no historian asserts a client of L


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
    assert list(tables.ties.columns) == list(careers_view.ties.columns)  # the flag is not a column of the ties table
    t = tables.ties.set_index("tie_id")
    assert "p-e" in t.index and "p-c" not in t.index  # rivalry kept, asserted patronage replaced
    pc = t.loc["inferred-overlap-p-c"]
    assert bool(pc["defected"]) and pc["defection_date"] == "1945-03" and pd.isna(pc["motive"])
    others = t[t.index.str.startswith("inferred") & (t.index != "inferred-overlap-p-c")]
    assert not others["defected"].any()
    with_motive = S.with_inferred_ties(careers_view, overlap, motives=True).ties.set_index("tie_id")
    assert with_motive.loc["inferred-overlap-p-c", "motive"] == "reward"


def test_hypotheses_on_inferred_ties_run_every_set(crisis_x):
    """One run per tie set, in order; on the toy world's inferred ties P's clients are those his
    careers show (A, B, C under him in the ministry), and A's asserted defection is carried over."""
    view, _ = crisis_x
    out = S.hypotheses_on_inferred(view, S.inferred_ties(view), "p", FALL, horizon_years=10)
    assert list(dict.fromkeys(out["ties"])) == ["asserted", "overlap", "promotion", "following", "any rule"]
    assert out.groupby("ties").size().eq(HYPOTHESES).all()
    h3_by_set = out[out["hypothesis"] == "H3 no reward"].set_index("ties")["verdict"]
    assert h3_by_set["asserted"] == "fails"


def test_robustness_table_sets_the_checks_side_by_side(crisis_x, grid):
    view, _ = crisis_x
    rerun = S.hypotheses_on_inferred(view, S.inferred_ties(view), "p", FALL)
    under = S.verdicts_under_draws(view, S.draw_dates(view, 10, seed=1), "p", FALL, k=2)
    table = S.robustness_table(grid, under, rerun)
    assert list(table.columns[:3]) == ["base", "specifications", "date draws"] and len(table) == HYPOTHESES
    assert table.loc["H3 no reward", "specifications"] == "no case (0.50)"
    assert table.loc["H6a later defectors refused", "date draws"] == "holds (1.00)"
    none = S.robustness_table(grid, under.iloc[0:0], rerun)  # verdict_draws = 0: said, not NaN
    assert set(none["date draws"]) == {"not run"}


def test_a_split_of_the_draws_within_their_margin_is_too_close_to_call(crisis_x, grid):
    view, _ = crisis_x
    rerun = S.hypotheses_on_inferred(view, S.inferred_ties(view), "p", FALL)
    h = "H6a later defectors refused"
    under = pd.DataFrame({"draw": range(200), "hypothesis": h, "verdict": ["mixed"] * 110 + ["inconclusive"] * 90})
    table = S.robustness_table(grid, under, rerun)
    assert table.loc[h, "date draws"] == "mixed / inconclusive (0.55 / 0.45: too close to call)"  # 0.10 apart, within 0.14 at 200 draws
    clear = under.assign(verdict=["mixed"] * 170 + ["inconclusive"] * 30)
    assert S.robustness_table(grid, clear, rerun).loc[h, "date draws"] == "mixed (0.85)"


def test_a_dimension_the_grid_does_not_vary_is_said_not_varied_not_to_move_nothing(careers_view):
    """Regression: a grid of one horizon and one population said 'horizon: moves no verdict' and 'population: moves no
    verdict', a robustness claim for choices it never compared (the default grid shows both moving verdicts)."""
    effects = S.dimension_effects(S.specification_grid(careers_view, "p", "1945-02-01", [10], populations=["all clients"]))
    lines = dict(line[2:].split(": ", 1) for line in S.dimension_lines(effects))
    assert lines["horizon"] == lines["population"] == "not varied (one value): nothing compared"
    two = S.dimension_effects(S.specification_grid(careers_view, "p", "1945-02-01", [5, 10], populations=["all clients"]))
    assert dict(line[2:].split(": ", 1) for line in S.dimension_lines(two))["horizon"] != "not varied (one value): nothing compared"


def test_a_change_between_labels_that_decide_nothing_is_no_move():
    """04 said 'coding moves H4b motive (coding) and H8 reinsurance', which only went from 'no case' to a coding or a
    description: a change moves a verdict only where a decided verdict is among those compared."""
    from patronage.robustness.choices import moved_and_relabelled
    from patronage.robustness.specifications import dimension_effects, moved_by

    rows = []
    for spec, coding, verdicts in ((0, "a", ("fails", "coding")), (1, "b", ("holds", "no case"))):
        rows += [{"spec": spec, "distinct": spec, "selection": spec, "coding": coding, "evidence": "seed", "reading": "article",
                  "horizon": 10, "population": "first deputies", "hypothesis": h, "verdict": v}
                 for h, v in zip(("H3 no reward", "H4b motive (coding)"), verdicts, strict=True)]
    effects = dimension_effects(pd.DataFrame(rows))
    assert moved_and_relabelled(effects, "coding") == (["H3 no reward"], ["H4b motive (coding)"])
    assert moved_by(effects).to_dict() == {"H3 no reward": "coding", "H4b motive (coding)": "nothing"}


def test_a_defection_dated_only_by_a_day_gets_no_share_of_an_ordering_its_bounds_leave_open(tables):
    """Regression: at Zhukov's fall 04 printed Mamsurov's defection ('by 29 October 1957', bounds back to his tie's start,
    1 October) as after the fall in 1.00 of the draws: the draws read a 'by' date on its day, so the share only repeated
    that reading while the bounds leave the ordering open."""
    view = tables.select(evidence="seed+external")
    order = S.orderings(view, make_crisis(view, "zhukov", "1957-10-26"), S.draw_dates(view, n=200, seed=1953))
    row = order[(order["person_id"] == "mamsurov") & (order["ordering"] == "defection vs the patron's fall")].iloc[0]
    assert row["first's bounds"] == "1957-10-01 to 1957-10-29" and row["decided by the bounds"] == "no"
    assert row[["before", "same day", "after", "undefined"]].isna().all()
    konev = order[(order["person_id"] == "konev") & (order["ordering"] == "defection vs the patron's fall")].iloc[0]
    assert konev["after"] > 0 and konev["before"] > 0  # drawn over its span: shares given
