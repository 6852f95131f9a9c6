"""The build: committed notebooks are current, parameters are documented, runs are normalised."""

from __future__ import annotations

import fnmatch
import json

import nbformat
import pytest
import yaml

from patronage import config
from patronage.build import execute, inputs, plan, runner, workers

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))


def parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    return cells[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_are_current(path):
    """The outputs in the committed notebook were computed from the current inputs (run `make`)."""
    record = plan.recorded(path)
    run = plan.Run(path.stem, path, path, config.FIGURES_DIR)
    assert record.get("inputs") == plan.run_hash(run, inputs.shared_inputs_hash()), f"{path.name} is stale: run make"
    for out in record.get("outputs", []):
        assert (config.PROJ_ROOT / out).exists(), f"{path.name} wrote {out}, which is missing"


def test_each_module_no_notebook_runs_is_named_by_its_path():
    """Every pattern of inputs.NOT_NOTEBOOK_CODE names a module of the package: after a module is moved or
    renamed, the pattern must follow it, or editing it would re-execute the notebooks (or a module they
    run would be left out of their inputs' hash)."""
    package = config.PROJ_ROOT / "src" / "patronage"
    modules = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    for pattern in inputs.NOT_NOTEBOOK_CODE:
        assert fnmatch.filter(modules, pattern), f"{pattern!r} names no module of src/patronage/"
    assert inputs.notebook_free("src/patronage/publish/edition_pages.py")
    assert not inputs.notebook_free("src/patronage/analysis/hypotheses.py")
    assert not inputs.notebook_free("src/patronage/build/colophon.py")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_are_typed_and_commented(path):
    for line in parameters_cell(path).splitlines():
        if line.strip():
            name, _, rest = line.partition(":")
            assert name.isidentifier() and "=" in rest and "#" in rest, f"{path.name}: {line!r} lacks a type or a comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_documents_every_parameter(path):
    """`papermill --help-notebook` must see each parameter with its help text (no '=' in comments)."""
    import papermill

    seen = papermill.inspect_notebook(str(path))
    lines = [line for line in parameters_cell(path).splitlines() if line.strip()]
    assert len(seen) == len(lines)
    assert all(p["help"] for p in seen.values())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_metadata_is_normalised(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert set(nb["metadata"]) <= {"kernelspec", "language_info", "patronage"}
    for cell in nb["cells"]:
        assert set(cell.get("metadata", {})) <= {"tags"}, f"{path.name}: run metadata left in a cell"


def test_scenarios_name_real_notebooks_and_parameters():
    runs = plan.scenario_runs()
    assert runs, "no named scenarios"
    for run in runs:
        known = {line.partition(":")[0].strip() for line in parameters_cell(run.notebook).splitlines() if ":" in line}
        assert set(run.parameters) <= known, f"{run.name}: unknown parameters {set(run.parameters) - known}"


def test_inputs_hash_depends_on_cells_and_parameters(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "01-x.ipynb"
    nbformat.write(nb, path)
    a = plan.run_hash(plan.Run("x", path, path, tmp_path), "shared")
    assert a == plan.run_hash(plan.Run("x", path, path, tmp_path), "shared")
    assert a != plan.run_hash(plan.Run("x", path, path, tmp_path, {"p": 1}), "shared")
    assert a != plan.run_hash(plan.Run("x", path, path, tmp_path), "other data")
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="1")]
    nbformat.write(nb, path)
    assert a == plan.run_hash(plan.Run("x", path, path, tmp_path), "shared"), "outputs must not change the hash"


def test_normalise_strips_run_metadata():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.metadata.update(papermill={"duration": 1.0}, kernelspec={"name": "python3"})
    nb.cells[0].metadata.update(papermill={"start_time": "now"}, execution={"x": 1}, tags=["parameters"])
    out = execute.normalise(nb, {"inputs": "h"})
    assert set(out.metadata) == {"kernelspec", "patronage"}
    assert dict(out.cells[0].metadata) == {"tags": ["parameters"]}


def test_normalise_merges_text_printed_in_several_flushes():
    """The same printed text gives the same bytes however the kernel flushed it."""
    def executed(*chunks):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(...)")])
        nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text=c) for c in chunks]
        return json.dumps(execute.normalise(nb, {"inputs": "h"}).cells[0].outputs)  # cell ids are random here

    assert executed("2/2", " -> fails\n") == executed("2/2 -> fails\n")
    assert executed("a\n", "b\n") != executed("a\n")


def test_scenario_files_are_flat_mappings_of_parameters_papermill_reads():
    """`papermill -f FILE` injects every key of the file as a parameter: a scenario holds parameters only,
    and the build passes exactly those, unchanged, to the notebooks it names."""
    runs = plan.scenario_runs()
    for path in config.SCENARIOS_DIR.glob("*.yaml"):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(spec, dict) and not any(isinstance(v, (dict, list)) for v in spec.values()), path.name
        mine = [r for r in runs if r.name.split("/")[0] == path.stem]
        assert mine, f"{path.name} runs in no notebook"
        expected = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in spec.items()}
        assert all(r.parameters == expected for r in mine), path.name


def test_a_scenario_that_names_no_notebook_runs_wherever_its_parameters_are_declared(tmp_path, monkeypatch):
    (tmp_path / "only-coding.yaml").write_text("coding: rayfield\n", encoding="utf-8")
    (tmp_path / "named.yaml").write_text("# notebooks: 02-network\ncoding: rayfield\n", encoding="utf-8")
    (tmp_path / "nested.yaml").write_text("parameters:\n  coding: rayfield\n", encoding="utf-8")
    from patronage.build.runs import RunError, read_scenario

    with pytest.raises(RunError, match="flat mapping"):
        read_scenario(tmp_path / "nested.yaml")
    # a key given twice ran with the second, silently; an impossible date unquoted stopped with a traceback
    for name, text, says in (("twice", "patron: Beria\npatron: Yezhov\n", "the key 'patron' is given twice"),
                             ("day", "crisis_date: 1953-02-30\n", "'1953-02-30' is not a date")):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(RunError, match=says) as caught:
            read_scenario(tmp_path / f"{name}.yaml")
        assert f"{name}.yaml" in str(caught.value) and "line " in str(caught.value)
        (tmp_path / f"{name}.yaml").unlink()
    assert read_scenario(tmp_path / "only-coding.yaml") == {"coding": "rayfield"}
    (tmp_path / "nested.yaml").unlink()
    monkeypatch.setattr(config, "SCENARIOS_DIR", tmp_path)
    runs = {r.name for r in plan.scenario_runs()}
    declaring = {nb.stem for nb in config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb") if "coding:" in parameters_cell(nb)}
    assert {n.split("/")[1] for n in runs if n.startswith("only-coding/")} == declaring and len(declaring) >= 3
    assert {n for n in runs if n.startswith("named/")} == {"named/02-network"}


def test_a_file_a_reader_names_is_read_from_the_readers_folder(tmp_path, monkeypatch):
    """The kernel runs in notebooks/, so `run ... -p crises_file data/crises.yaml` found no file there (regression):
    a relative file is made absolute from the reader's folder; an absolute one, an empty one (the default list) and
    any other parameter are passed as given. Where a relative name still finds no file, the error says where it
    looked."""
    from patronage.build.runs import files_resolved
    from patronage.robustness.crisis_list import CrisisListError, read_crisis_list

    monkeypatch.chdir(tmp_path)
    given = {"crises_file": "my/list.yaml", "coding": "x/y", "horizon_years": 10}
    assert files_resolved(given) == {**given, "crises_file": str(tmp_path / "my" / "list.yaml")}
    assert files_resolved({"crises_file": ""}) == {"crises_file": ""}
    assert files_resolved({"crises_file": "/abs/list.yaml"}) == {"crises_file": "/abs/list.yaml"}
    with pytest.raises(CrisisListError, match=f"here, {tmp_path / 'no' / 'list.yaml'}"):
        read_crisis_list("no/list.yaml")


def test_readme_findings_are_the_computed_ones():
    from patronage.publish import findings

    assert findings.block() in findings.README.read_text(encoding="utf-8"), "run `make` to update README's findings"
    assert "| H1 genuine clients |" in findings.block()


@pytest.mark.parametrize("jobs", [1, 2])
def test_runs_at_once_report_each_failure_and_finish_the_others(monkeypatch, tmp_path, capsys, jobs):
    """Kernels run in worker processes; a failed run is named and the others are still finished."""
    runs = [plan.Run(f"nb{i}", tmp_path / f"nb{i}.ipynb", tmp_path / f"nb{i}.ipynb", tmp_path) for i in range(4)]

    def fake_papermill(run):
        if run.name == "nb2":
            raise RuntimeError("cell 3 raised\nValueError: no such patron")
        return {"executed": run.name}

    finished = tmp_path / "finished.txt"

    def fake_finish(run, inputs, nb):  # runs in this process: the workers only execute
        with open(finished, "a", encoding="utf-8") as fh:
            fh.write(f"{run.name} {inputs} {nb['executed']}\n")
        return []

    monkeypatch.setattr(workers, "run_papermill", fake_papermill)
    monkeypatch.setattr(workers, "finish", fake_finish)
    failures = workers.execute_all([(r, f"hash-{r.name}") for r in runs], jobs)
    assert failures == ["nb2"]
    assert sorted(finished.read_text(encoding="utf-8").splitlines()) == [
        "nb0 hash-nb0 nb0", "nb1 hash-nb1 nb1", "nb3 hash-nb3 nb3"]
    err = capsys.readouterr().err
    assert "FAILED nb2: RuntimeError: ValueError: no such patron" in err and "build/failed/nb2.ipynb" in err


@pytest.mark.parametrize("jobs", [1, 2])
def test_prepare_comes_after_the_workers_fork_and_can_stop_every_run(monkeypatch, tmp_path, jobs):
    """The build's preparation (the exports, the browser's warm-up thread) runs once the worker processes are
    forked, so no thread of it is copied into them, and before any run; when it fails, no run starts."""
    import multiprocessing

    runs = [plan.Run(f"nb{i}", tmp_path / f"nb{i}.ipynb", tmp_path / f"nb{i}.ipynb", tmp_path) for i in range(3)]
    started = tmp_path / "started.txt"

    def fake_papermill(run):
        with open(started, "a", encoding="utf-8") as fh:
            fh.write(run.name + "\n")
        return {"executed": run.name}

    monkeypatch.setattr(workers, "run_papermill", fake_papermill)
    monkeypatch.setattr(workers, "finish", lambda run, inputs, nb: [])
    seen = []

    def prepare(ok):
        seen.append((len(multiprocessing.active_children()), started.exists()))
        return ok

    assert workers.execute_all([(r, "h") for r in runs], jobs, lambda: prepare(False)) is None
    assert not started.exists() and seen[0][1] is False
    assert seen[0][0] == (jobs if jobs > 1 else 0)  # the workers exist already (none when runs are not spread)
    assert workers.execute_all([(r, "h") for r in runs], jobs, lambda: prepare(True)) == []
    assert sorted(started.read_text(encoding="utf-8").split()) == ["nb0", "nb1", "nb2"] and seen[1][1] is False


def test_default_jobs_is_at_least_one():
    assert 1 <= runner.default_jobs() <= 4


def test_a_build_that_succeeds_leaves_no_empty_failed_folder(tmp_path, monkeypatch):
    """build/failed/ holds failed runs only: once the runs are done, folders with none in them are removed."""
    monkeypatch.setattr(config, "BUILD_DIR", tmp_path / "build")
    (tmp_path / "build" / "failed" / "scenario").mkdir(parents=True)
    (tmp_path / "build" / "failed" / "other").mkdir()
    (tmp_path / "build" / "failed" / "other" / "02-x.ipynb").write_text("{}", encoding="utf-8")
    execute.prune_failed()
    assert not (tmp_path / "build" / "failed" / "scenario").exists()
    assert (tmp_path / "build" / "failed" / "other" / "02-x.ipynb").exists()
    (tmp_path / "build" / "failed" / "other" / "02-x.ipynb").unlink()
    execute.prune_failed()
    assert not (tmp_path / "build" / "failed").exists()


def test_every_file_of_the_data_folder_is_an_input_of_the_runs(tmp_path):
    """A file of data/ the notebooks read (the tables, the descriptor, the crisis list of 05) changes the inputs'
    hash, so that `make` re-runs what it feeds; the edition copies it and the colophon lists its checksum."""
    import shutil

    from patronage.build import colophon

    root = tmp_path / "root"
    shutil.copytree(config.DATA_DIR, root / "data")
    before = inputs.shared_inputs_hash(root)
    every = {p.name for p in (root / "data").iterdir() if p.is_file()}
    assert every == set(colophon.data_checksums(root / "data").index)  # the colophon lists each file
    with open(root / "data" / "crises.yaml", "a", encoding="utf-8") as f:
        f.write("\n# a reader's edit\n")
    assert inputs.shared_inputs_hash(root) != before


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_prose_names_only_modules_and_functions_that_exist(path):
    """Every `patronage....` a notebook's prose names can be imported (a module) or found in one (a function)."""
    import importlib
    import re

    nb = nbformat.read(path, as_version=4)
    named = {m for c in nb.cells if c.cell_type == "markdown" for m in re.findall(r"`(patronage(?:\.\w+)+)`", c.source)}
    missing = []
    for name in sorted(named):
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                found = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for attr in parts[cut:]:
                found = getattr(found, attr, None)
            missing += [name] if found is None else []
            break
    assert not missing, f"{path.name} names what does not exist: {missing}"


def test_a_build_with_nothing_to_run_imports_no_statistics():
    """Regression: the README's sentence on the tests at other thresholds imported scipy.stats into every build (~0.8 s
    of the goal's 1 s for a build with nothing to run): the statistics are imported where they are computed."""
    import subprocess
    import sys

    code = ("import sys; import patronage.build.runner, patronage.publish.findings; "
            "print(sorted(m for m in ('scipy.stats', 'statsmodels', 'plotly.graph_objects') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_readme_findings_are_rewritten_only_when_their_inputs_or_the_readme_changed(tmp_path, monkeypatch):
    """The build's check (:func:`patronage.build.stamps.update_readme_if_stale`) in a copy of the files it reads: the
    block is written once, not again while nothing changed, and again after the README (a block edited by hand), a
    figure's table or the data, code and lock file changed."""
    import shutil

    from patronage.build import stamps
    from patronage.publish import findings

    (tmp_path / "figures").mkdir()
    for csv in config.FIGURES_DIR.glob("*.csv"):
        shutil.copy(csv, tmp_path / "figures" / csv.name)
    (tmp_path / "src" / "patronage" / "publish").mkdir(parents=True)
    shutil.copy(config.PROJ_ROOT / "src" / "patronage" / "publish" / "findings.py", tmp_path / "src" / "patronage" / "publish")
    readme = tmp_path / "README.md"
    shutil.copy(findings.README, readme)
    monkeypatch.setattr(config, "PROJ_ROOT", tmp_path)
    monkeypatch.setattr(config, "BUILD_DIR", tmp_path / "build")
    written = []
    monkeypatch.setattr(findings, "update_readme", lambda path: written.append(path) or False)

    def check(shared="data, code and lock"):
        stamps.update_readme_if_stale(shared)
        return len(written)

    assert [check(), check()] == [1, 1]
    readme.write_text(readme.read_text(encoding="utf-8").replace("| H1 genuine clients |", "| H1 edited |"), encoding="utf-8")
    assert [check(), check()] == [2, 2]
    with (tmp_path / "figures" / "03-verdicts.csv").open("a", encoding="utf-8") as table:
        table.write("\n")
    assert [check(), check()] == [3, 3]
    assert [check("other data"), check("other data")] == [4, 4]
    assert written == [readme] * 4
