"""The order a build starts its runs in: the runs of the longest notebooks first, the others in the plan's order
(patronage.build.schedule)."""

from __future__ import annotations

from pathlib import Path

from patronage.build import plan, schedule


def _run(name: str, stem: str | None = None) -> plan.Run:
    nb = Path(f"notebooks/{stem or name}.ipynb")
    return plan.Run(name, nb, nb, Path("figures"))


def test_the_long_notebooks_start_first_longest_first_and_the_rest_keep_the_plans_order():
    runs = [_run("01-prosopography"), _run("03-fairbanks-test"), _run("05-crises"), _run("04-sensitivity"),
            _run("yezhov-1938/03-fairbanks-test", "03-fairbanks-test"), _run("other/04-sensitivity", "04-sensitivity")]
    todo = schedule.longest_first([(r, f"hash-{r.name}") for r in runs])
    assert [run.name for run, _ in todo] == ["04-sensitivity", "other/04-sensitivity", "05-crises", "01-prosopography",
                                             "03-fairbanks-test", "yezhov-1938/03-fairbanks-test"]
    assert all(inputs == f"hash-{run.name}" for run, inputs in todo)


def test_without_a_long_notebook_the_plans_order_is_kept():
    runs = [_run("03-fairbanks-test"), _run("01-prosopography"), _run("malenkov-1955/03-fairbanks-test", "03-fairbanks-test")]
    assert [run for run, _ in schedule.longest_first([(r, "h") for r in runs])] == runs


def test_the_long_notebooks_are_notebooks_of_the_compendium():
    from patronage import config

    assert {nb.stem for nb in config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb")} >= set(schedule.LONG)


def test_the_build_starts_its_runs_in_that_order(monkeypatch):
    import argparse

    from patronage.build import runner

    started = []

    def fake_execute_all(todo, jobs, prepare):  # stops before any run, as a failed preparation does
        started.extend(run.name for run, _ in todo)

    monkeypatch.setattr(runner, "execute_all", fake_execute_all)
    args = argparse.Namespace(force=True, only=None, no_scenarios=False, jobs=2)
    assert runner.build(args) == 1
    assert started[:2] == ["04-sensitivity", "05-crises"] and len(started) > len(schedule.LONG)
