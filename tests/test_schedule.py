"""The order a build starts its runs in: the longest first, by what this machine measured, else by what the notebook
does (patronage.build.schedule); and the seconds a build keeps for the next one."""

from __future__ import annotations

from pathlib import Path

from patronage.build import plan, schedule, workers


def _run(name: str, stem: str | None = None) -> plan.Run:
    nb = Path(f"notebooks/{stem or name}.ipynb")
    return plan.Run(name, nb, nb, Path("figures"))


def _names(todo) -> list[str]:
    return [run.name for run, _ in todo]


PLAN = [_run("01-prosopography"), _run("03-fairbanks-test"), _run("04-sensitivity"), _run("05-crises"),
        _run("yezhov-1938/03-fairbanks-test", "03-fairbanks-test")]


def test_never_measured_the_long_notebooks_start_first_the_rest_in_the_plans_order(tmp_path):
    todo = schedule.longest_first([(r, "h") for r in PLAN], tmp_path)
    assert _names(todo) == ["04-sensitivity", "05-crises", "01-prosopography", "03-fairbanks-test",
                            "yezhov-1938/03-fairbanks-test"]
    assert _names(schedule.longest_first([(r, "h") for r in PLAN], None))[:2] == ["04-sensitivity", "05-crises"]


def test_measured_runs_start_from_the_longest_before_those_never_measured(tmp_path):
    schedule.remember(tmp_path, {"03-fairbanks-test": 3.5, "yezhov-1938/03-fairbanks-test": 9.0, "01-prosopography": 2.0})
    todo = schedule.longest_first([(r, "h") for r in PLAN], tmp_path)
    assert _names(todo) == ["yezhov-1938/03-fairbanks-test", "03-fairbanks-test", "01-prosopography",
                            "04-sensitivity", "05-crises"]


def test_seconds_kept_are_merged_with_earlier_builds_and_a_bad_file_is_ignored(tmp_path):
    schedule.remember(tmp_path, {"a": 1.234})
    schedule.remember(tmp_path, {"b": 2.0})
    schedule.remember(tmp_path, {})
    assert schedule.measured(tmp_path) == {"a": 1.23, "b": 2.0}
    (tmp_path / schedule.SECONDS_FILE).write_text("[1, 2", encoding="utf-8")
    assert schedule.measured(tmp_path) == {}
    (tmp_path / schedule.SECONDS_FILE).write_text('{"a": "slow", "b": 3}', encoding="utf-8")
    assert schedule.measured(tmp_path) == {"b": 3.0}
    assert schedule.measured(tmp_path / "missing") == {} and schedule.measured(None) == {}


def test_the_runner_keeps_the_seconds_of_successful_runs_only(monkeypatch, tmp_path):
    runs = [plan.Run(f"nb{i}", tmp_path / f"nb{i}.ipynb", tmp_path / f"nb{i}.ipynb", tmp_path) for i in range(3)]

    def fake_papermill(run):
        if run.name == "nb1":
            raise RuntimeError("cell 2 raised")
        return {"executed": run.name}

    monkeypatch.setattr(workers, "run_papermill", fake_papermill)
    monkeypatch.setattr(workers, "finish", lambda run, inputs, nb: [])
    seconds: dict[str, float] = {}
    assert workers.execute_all([(r, "h") for r in runs], 1, seconds=seconds) == ["nb1"]
    assert sorted(seconds) == ["nb0", "nb2"] and all(s >= 0 for s in seconds.values())
