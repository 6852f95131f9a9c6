"""The thresholds of the rules (notebook 04, section 4): each re-run at the base specification, one at a time."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from patronage import config
from patronage.analysis import hypotheses
from patronage.analysis.crisis import make_crisis
from patronage.build.parameters import assigned_names
from patronage.errors import ParameterError
from patronage.robustness import findings, sensitivity
from patronage.robustness import thresholds as T


def parameters_of(notebook: str) -> dict:
    cells = json.loads((config.NOTEBOOKS_DIR / notebook).read_text(encoding="utf-8"))["cells"]
    tagged = next(c for c in cells if "parameters" in c["metadata"].get("tags", []))
    return assigned_names("".join(tagged["source"]))


def test_the_defaults_are_notebook_03s_and_04_tries_the_module_s_values():
    """The base of each threshold is run_all's default, which must be what notebook 03 shows its reader."""
    shown = parameters_of("03-fairbanks-test.ipynb")
    assert T.defaults() == {name: shown[name] for name in T.THRESHOLDS}
    assert parameters_of("04-sensitivity.ipynb")["thresholds"] == T.DEFAULT_VALUES
    for name, values in T.parse_thresholds(T.DEFAULT_VALUES).items():
        assert T.defaults()[name] in values and len(values) > 1, name


@pytest.mark.parametrize(("bad", "message"), [
    ("windows: 90", r"'thresholds' = 'windows' .* did you mean 'window_days'"),
    ("window_days 90", r"give each threshold as 'name: value, value'"),
    ("window_days:", r"give each threshold as 'name: value, value'"),
    ("window_days: 0", r"'thresholds \(window_days\)' = 0 .* whole number from 1 to 3650"),
    ("min_rank: 2.5", r"'thresholds \(min_rank\)' = '2.5' .* whole number from 0 to 7"),
    ("alpha: 1", r"'thresholds \(alpha\)' = 1.0 .* between 0 and 1, both excluded"),
    ("rare_share: nan", r"'thresholds \(rare_share\)' = nan .* from 0 to 1"),
    ("alpha: 0.1; alpha: 0.2", r"give 'alpha' once"),
    (365, r"give a string such as"),
])
def test_a_bad_thresholds_parameter_names_the_part_and_the_valid_choices(bad, message):
    with pytest.raises(ParameterError, match=message):
        T.parse_thresholds(bad)


def test_values_are_read_sorted_and_once_and_an_empty_string_varies_nothing():
    assert T.parse_thresholds(" window_days: 730, 90,90 ; rare_share: 0.2, 0.05;") == {"window_days": (90, 730), "rare_share": (0.05, 0.2)}
    assert T.parse_thresholds("") == {}


@pytest.fixture(scope="module")
def beria(tables):
    view = tables.select(evidence="seed", reading="article", coding="blauvelt")
    return view, make_crisis(view, "beria", "1953-06-26", horizon_years=10)


def test_each_value_is_run_all_with_that_threshold_alone_and_the_base_is_always_there(beria):
    view, crisis = beria
    at = T.verdicts_at_thresholds(view, "beria", "1953-06-26", 10, population="first deputies",
                                  values={"window_days": (90,), "alpha": (0.05, 0.1), "crisis_window_days": (0, 90)})
    assert list(dict.fromkeys(zip(at["threshold"], at["value"], strict=True))) == [
        ("window_days", 90), ("window_days", 365), ("alpha", 0.05), ("alpha", 0.1),
        ("crisis_window_days", 0), ("crisis_window_days", 30), ("crisis_window_days", 90)]
    assert at.loc[at["base"], "value"].tolist() == [365] * 11 + [0.05] * 11 + [30] * 11
    for (name, value), got in at.groupby(["threshold", "value"], sort=False):
        expected = (hypotheses.run_all(view, make_crisis(view, "beria", "1953-06-26", horizon_years=10, window_days=value))
                    if name == "crisis_window_days" else hypotheses.run_all(view, crisis, **{name: value}))
        assert got["verdict"].tolist() == [r.verdict for r in expected], (name, value)
        assert got["result"].tolist() == [r.value for r in expected], (name, value)
    with pytest.raises(ValueError, match="thresholds this varies"):
        T.verdicts_at_thresholds(view, "beria", "1953-06-26", 10, window_days=90)


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"threshold": t, "value": v, "base": b, "hypothesis": h, "result": "", "verdict": verdict}
                         for t, v, b, h, verdict in rows], columns=T.COLUMNS)


AT = frame([("window_days", 90, False, "H3", "mixed"), ("window_days", 365, True, "H3", "fails"),
            ("window_days", 90, False, "H7", "no data"), ("window_days", 365, True, "H7", "no case"),
            ("window_days", 90, False, "H1", "holds"), ("window_days", 365, True, "H1", "holds"),
            ("window_days", 90, False, "H8", "descriptive"), ("window_days", 365, True, "H8", "descriptive"),
            ("alpha", 0.05, True, "H3", "fails"), ("alpha", 0.05, True, "H7", "no case"),
            ("alpha", 0.05, True, "H1", "holds"), ("alpha", 0.05, True, "H8", "descriptive")])


def test_a_move_between_decided_verdicts_counts_a_relabel_does_not_and_one_value_compares_nothing():
    effects = T.threshold_effects(AT).set_index(["hypothesis", "threshold"])
    assert effects.loc[("H3", "window_days"), ["moved", "decided", "verdicts"]].tolist() == [True, True, "mixed at 90; fails at 365"]
    assert effects.loc[("H7", "window_days"), ["moved", "decided"]].tolist() == [True, False]
    assert effects.loc[("H1", "window_days"), ["moved", "decided", "deciding"]].tolist() == [False, False, True]
    effects = effects.reset_index()
    assert T.moved_by_thresholds(effects).to_dict() == {"H3": "window_days", "H7": "", "H1": "", "H8": ""}
    table = T.threshold_table(effects)
    assert table.loc["H7", "window_days"] == "no case at 365; no data at 90 (relabels)" and table.loc["H1", "window_days"] == "same"
    lines = T.threshold_lines(effects)
    assert lines == ["- window_days (2 values): moves 1 decided step(s): H3 (mixed at 90; fails at 365) (it only relabels H7, "
                     "between labels that decide nothing)", "- alpha: not varied (one value): nothing compared"]


def test_the_findings_sentence_sorts_the_steps_into_steady_idle_and_moved():
    sentence, = findings.threshold_findings(T.threshold_effects(AT))
    assert "1 of 4 steps keeps a decided verdict at every value tried (H1)" in sentence
    assert "2 decide nothing at any value (H7 and H8)" in sentence
    assert sentence.endswith("in 1 a decided verdict moves with a threshold: H3 (window_days).")
    assert findings.threshold_findings(T.threshold_effects(AT[AT["threshold"] == "alpha"])) == []  # one value: no sentence
    assert findings.threshold_findings(T.threshold_effects(AT.iloc[0:0])) == []
    steady = findings.threshold_findings(T.threshold_effects(AT[AT["hypothesis"] == "H1"]))[0]
    assert "1 of 1 steps keeps" in steady and "moves with a threshold" not in steady


def test_the_robustness_table_names_the_thresholds_that_move_a_step_and_none_otherwise():
    grid = pd.DataFrame({"spec": [1, 1], "hypothesis": ["H3", "H1"], "verdict": ["fails", "holds"]})
    rerun = pd.DataFrame({"ties": ["asserted", "asserted"], "hypothesis": ["H3", "H1"], "verdict": ["fails", "holds"]})
    under = pd.DataFrame(columns=["draw", "hypothesis", "value", "verdict"])
    effects = T.threshold_effects(AT[AT["hypothesis"].isin(["H1", "H3"])])
    table = sensitivity.robustness_table(grid, under, rerun, effects)
    assert table["moved by a threshold"].to_dict() == {"H1": "none at the values tried", "H3": "window_days"}
    assert "moved by a threshold" not in sensitivity.robustness_table(grid, under, rerun).columns


def test_the_readme_gives_the_thresholds_defaults_as_the_code_sets_them():
    row = next(line for line in (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| `crisis_window_days`, "))
    names_cell, _, default_cell = row.strip("| ").split(" | ")
    names = [n.strip(" `") for n in names_cell.split(",")]
    shown = [float(d.strip(" `")) for d in default_cell.split(",")]
    assert dict(zip(names, shown, strict=True)) == T.defaults()


def test_the_column_says_not_varied_when_nothing_was_compared_and_decides_nothing_apart_from_none():
    """Regression: with one value per threshold the column said 'none' for every step, a claim of robustness no
    comparison made; and 'none' stood both for a decided verdict that stayed and for a step that decides nothing."""
    effects = T.threshold_effects(AT)
    assert T.threshold_column(effects).to_dict() == {"H3": "window_days", "H7": "decides nothing",
                                                     "H1": "none at the values tried", "H8": "decides nothing"}
    once = T.threshold_effects(AT[AT["threshold"] == "alpha"])
    assert set(T.threshold_column(once)) == {"not varied"}


def test_the_legend_says_what_each_threshold_tried_means_with_its_default_among_the_values():
    legend = T.threshold_legend({"window_days": (90, 730), "alpha": (0.1,)}).set_index("threshold")
    assert legend.loc["window_days", ["default", "tried"]].tolist() == ["365", "90, 365, 730"]
    assert legend.loc["alpha", ["default", "tried"]].tolist() == ["0.05", "0.05, 0.1"]
    assert legend.loc["window_days", "meaning"] == T.THRESHOLDS["window_days"].meaning
