"""The panel of crises on the hand-built world (tests/toyworld.py), where the right answers are known."""

from __future__ import annotations

import copy

import pandas as pd

import patronage
from patronage import hypotheses as H
from patronage import panel
from patronage.crisis import make_crisis

from toyworld import ROWS, event, part, spell


def with_rows(**extra) -> dict:
    """The toy world with rows added to some tables."""
    rows = copy.deepcopy(ROWS)
    for table, new in extra.items():
        rows[table] = rows.get(table, []) + new
    return rows


def test_finds_the_toy_crisis(toy):
    found = panel.crises(toy.select(coding="x"))
    assert found.columns.tolist() == ["patron_id", "date", "event_id", "title"]
    assert found[["patron_id", "date", "event_id"]].values.tolist() == [["p", pd.Timestamp("1950-06-15"), "fall"]]


def test_patrons_without_a_fall_and_falls_of_non_patrons_are_no_crises(toy):
    view = toy.select(coding="x")
    assert "r" in panel.patrons(view)  # R is a patron but never falls
    f = panel.falls(view).set_index("person_id")
    assert sorted(f.index) == ["b", "c", "p"]  # B and C are arrested, but they are nobody's patron
    assert not f.loc["b", "patron"] and not f.loc["c", "patron"] and f.loc["p", "patron"]
    assert set(panel.crises(view)["patron_id"]) == {"p"}


def test_the_crisis_is_found_under_every_coding(toy):
    for coding in ("x", "y"):
        assert panel.crises(toy.select(coding=coding))["patron_id"].tolist() == ["p"]


def test_a_lesser_post_lost_is_a_reshuffle_not_a_fall(make_package):
    rows = with_rows(
        spells=[spell("r-top", "r", "min2", 6, "1950-06-15", "1960", "retirement"),
                spell("r-minor", "r", "min", 3, "1949", "1951-01-01", "dismissal")],
        events=[event("r-reshuffle", "1951-01-01", "dismissal"), event("r-out", "1955-03-01", "dismissal")],
        event_participants=[part("r-reshuffle", "r", "dismissed"), part("r-out", "r", "dismissed")])
    view = patronage.load(make_package(rows)).select(coding="x")
    assert not panel.is_fall(view, "r", pd.Timestamp("1951-01-01"), "dismissed")  # kept his rank-6 office
    assert panel.crises(view)["patron_id"].tolist() == ["p"]  # r-out: 1955, but r-top runs to 1960
    rows["spells"][-2] = spell("r-top", "r", "min2", 6, "1950-06-15", "1955-03-01", "dismissal")
    view = patronage.load(make_package(rows, "pkg2")).select(coding="x")
    found = panel.crises(view)
    assert found[["patron_id", "event_id"]].values.tolist() == [["p", "fall"], ["r", "r-out"]]


def test_a_loss_made_up_by_an_equal_office_is_no_fall(make_package):
    rows = with_rows(spells=[spell("p-later", "p", "min2", 6, "1950-06-20", "1951")])
    view = patronage.load(make_package(rows)).select(coding="x")
    assert panel.crises(view).empty


def test_panel_has_one_row_per_crisis_and_hypothesis(toy):
    view = toy.select(coding="x")
    found = panel.crises(view)
    result = panel.panel(view, found, horizon_years=10)
    n_hypotheses = len(H.run_all(view, make_crisis(view, "p", "1950-06-15")))
    assert len(result) == len(found) * n_hypotheses == 11
    assert not result.duplicated(["crisis", "hypothesis"]).any()
    assert result["crisis"].unique().tolist() == ["P 1950-06-15"]
    row = result.iloc[0]
    assert (row["clients"], row["top clients"], row["defectors"]) == (3, 3, 1)


def test_panel_verdicts_are_those_of_the_single_crisis(toy):
    view = toy.select(coding="x")
    result = panel.panel(view, panel.crises(view)).set_index("hypothesis")
    alone = H.verdict_table(H.run_all(view, make_crisis(view, "p", "1950-06-15"))).set_index("hypothesis")
    pd.testing.assert_series_equal(result["verdict"], alone["verdict"], check_names=False)
    assert result.loc["H3 no reward", "verdict"] == "fails"


def test_summary_counts_each_verdict_once_per_crisis(toy):
    view = toy.select(coding="x")
    s = panel.summary(panel.panel(view, panel.crises(view)))
    assert s.columns.tolist() == [*panel.VERDICTS, "crises"]
    assert s.index.is_monotonic_increasing and (s["crises"] == 1).all()
    assert (s[list(panel.VERDICTS)].sum(axis=1) == s["crises"]).all()
    assert s.loc["H3 no reward", "fails"] == 1 and s.loc["H2 loyalty", "untestable"] == 1  # one first deputy


def test_grid_and_empty_panel(toy):
    view = toy.select(coding="x")
    grid = panel.verdict_grid(panel.panel(view, panel.crises(view)))
    assert grid.index.tolist() == ["P 1950-06-15"] and grid.loc["P 1950-06-15", "H1 genuine clients"] == "holds"
    empty = panel.panel(view, panel.crises(view).iloc[0:0])
    assert empty.empty and panel.summary(empty).empty


def test_defections_are_counted_by_their_crisis(toy):
    view = toy.select(coding="x")
    rosters = panel.make_crises(view, panel.crises(view))
    d = panel.defections(view, rosters)
    assert d[["tie_id", "counted in"]].values.tolist() == [["p-a", "P 1950-06-15"]]
    assert panel.defections(toy.select(coding="y"), rosters).empty


def test_pooled_defection_and_clients_lost_before_the_fall(toy, make_package):
    view = toy.select(coding="x")
    rosters = panel.make_crises(view, panel.crises(view))
    pooled = panel.pooled_defection(rosters, min_rank=4)
    assert (pooled["top clients"], pooled["defected"], pooled["crises with a defection"]) == (3, 1, 1)
    assert round(pooled["exact 95% CI low"], 3) == 0.008  # Clopper-Pearson for 1/3, as in the H2 test
    assert panel.lost_before(view, rosters["P 1950-06-15"]).empty
    rows = with_rows(ties=[{**ROWS["ties"][3], "tie_id": "p-e", "client_id": "c", "end": "1950-03-01"}])
    other = patronage.load(make_package(rows, "pkg3")).select(coding="x")
    gone = panel.lost_before(other, make_crisis(other, "p", "1950-06-15"))
    assert gone[["client_id", "tie ended"]].values.tolist() == [["c", "1950-03-01"]]
