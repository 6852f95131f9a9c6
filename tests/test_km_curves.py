"""Kaplan–Meier curves of time in high office: each drawn to its group's longest follow-up, with its censored
times marked, statsmodels' estimates at its events, and a figure that says so when there is no one to follow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from patronage.analysis.tenure import survival_curves
from patronage.publish import charts


def detail(*groups: tuple[str, list[float], list[bool]]) -> pd.DataFrame:
    """A tenure table (years, lost office, group) of the given groups: (name, years, lost office)."""
    return pd.DataFrame([{"years": y, "lost office": lost, "group": name}
                         for name, years, losses in groups for y, lost in zip(years, losses, strict=True)])


def curve(curves: pd.DataFrame, group: str) -> pd.DataFrame:
    return curves[curves["group"] == group].reset_index(drop=True)


def test_a_group_with_no_loss_is_flat_to_its_longest_follow_up():
    c = curve(survival_curves(detail(("loyal", [0.257, 4.0, 2.5], [False, False, False]))), "loyal")
    assert list(c["years"]) == [0.0, 0.257, 2.5, 4.0]
    assert (c["in office"] == 1.0).all()
    assert list(c["censored"]) == [False, True, True, True]


def test_a_curve_runs_on_to_a_censoring_after_its_last_loss():
    c = curve(survival_curves(detail(("defectors", [2.557, 9.999], [True, False]))), "defectors")
    assert list(c["years"]) == [0.0, 2.557, 9.999]
    assert list(c["in office"]) == [1.0, 0.5, 0.5]
    assert c["years"].max() == 9.999 and c["censored"].iloc[-1]


def test_censored_times_are_marked_once_each_at_the_estimate_then():
    years = [1.0, 3.0, 3.0, 5.0, 5.0, 0.5]
    lost = [True, True, False, False, False, False]
    c = curve(survival_curves(detail(("g", years, lost))), "g")
    marks = c[c["censored"]]
    assert list(marks["years"]) == [0.5, 3.0, 5.0]  # 5.0 twice, marked once
    sf = SurvfuncRight(np.array(years), np.array(lost, int))
    assert marks["in office"].tolist() == pytest.approx([1.0, sf.surv_prob[-1], sf.surv_prob[-1]])
    at_three = c[c["years"] == 3.0]
    assert list(at_three["censored"]) == [False, True]  # the loss at 3 comes before the censoring at 3


@pytest.mark.parametrize(("years", "lost"), [
    ([1.0, 2.0, 2.0, 4.5, 7.0], [True, False, True, False, False]),  # censored, the last of all
    ([1.0, 2.0, 2.0, 4.5], [True, True, True, True]),  # no censoring: the curve ends at its last loss
])
def test_the_estimates_at_losses_are_statsmodels(years, lost):
    c = curve(survival_curves(detail(("g", years, lost))), "g")
    events = c[~c["censored"]]
    sf = SurvfuncRight(np.array(years), np.array(lost, int))
    assert events["years"].tolist() == [0.0, *sf.surv_times]
    assert events["in office"].tolist() == pytest.approx([1.0, *sf.surv_prob])
    assert c["years"].max() == max(years)
    assert c["censored"].sum() == len(set(np.array(years)[~np.array(lost)]))


def test_the_curves_and_their_figure_are_the_same_for_the_same_table():
    table = detail(("b", [2.0, 1.0, 3.0], [False, True, False]), ("a", [0.5, 0.5], [True, False]))
    first, second = survival_curves(table), survival_curves(table.iloc[::-1])
    pd.testing.assert_frame_equal(first, second)
    assert list(first["group"].unique()) == ["a", "b"]
    assert charts.tenure_curves(first).to_json() == charts.tenure_curves(second).to_json()


def test_the_figure_marks_censoring_apart_from_the_steps():
    fig = charts.tenure_curves(survival_curves(detail(("defectors", [2.557, 9.999], [True, False]),
                                                      ("loyal clients", [0.257], [False]))))
    steps = [t for t in fig.data if t.mode == "lines"]
    marks = [t for t in fig.data if t.mode == "markers"]
    assert [t.name for t in steps] == ["defectors", "loyal clients"] and all(t.line.shape == "hv" for t in steps)
    assert [list(t.x) for t in steps] == [[0.0, 2.557, 9.999], [0.0, 0.257]]
    assert [(list(t.x), t.marker.symbol) for t in marks] == [([9.999], "line-ns-open"), ([0.257], "line-ns-open")]
    assert not fig.layout.annotations


@pytest.mark.parametrize("table", [pd.DataFrame(columns=["person_id", "years", "lost office", "group"]), pd.DataFrame()])
def test_no_one_to_follow_is_said_not_left_blank(table):
    curves = survival_curves(table)
    assert curves.empty and list(curves.columns) == ["years", "in office", "group", "censored"]
    fig = charts.tenure_curves(curves)
    assert not fig.data
    assert [a.text for a in fig.layout.annotations] == [charts.NO_ONE_TO_FOLLOW]
    assert fig.layout.annotations[0].text.startswith("no one to follow:")
