"""A reader's run never touches the committed results; a misspelled parameter stops it; its errors come first.

Each test runs real notebooks (the lightest that shows the point) and compares every committed output
(figures/, exports/, the notebooks, the README) byte for byte before and after.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import papermill
import pytest

from patronage import config
from patronage.build import quiet_kernel, runs
from patronage.build.parameters import RUN_ENV
from patronage.publish import findings

BIN = Path(sys.executable).parent
COMMITTED = ("figures", "exports", "notebooks", "README.md")


def committed_bytes() -> dict[str, str]:
    """sha256 of every committed output file (figures, exports, notebooks, README)."""
    paths = [p for name in COMMITTED for p in ([config.PROJ_ROOT / name] if name.endswith(".md")
                                               else sorted((config.PROJ_ROOT / name).rglob("*"))) if p.is_file()]
    return {p.relative_to(config.PROJ_ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def readme_commands(prefix: str) -> list[str]:
    """The README's example command lines that start with ``prefix`` (in its shell blocks)."""
    text = findings.README.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [line.split("  #")[0].strip() for b in blocks for line in b.splitlines() if line.startswith(prefix)]


def shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """A README command run as a reader runs it, from the project's root, with the environment's commands first
    on the PATH and none of the build's or the tests' settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATRONAGE_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(command, shell=True, cwd=config.PROJ_ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def unchanged():
    """Fails the test if a committed output changed, and checks the README's findings are the build's."""
    before = committed_bytes()
    yield
    after = committed_bytes()
    assert after == before, f"changed: {sorted(k for k in after if after.get(k) != before.get(k))}"
    assert findings.block() in findings.README.read_text(encoding="utf-8"), "`make` would rewrite the README's findings"


def test_the_readme_examples_leave_every_committed_file_as_it_was(unchanged, tmp_path):
    """The README's own re-run examples, exactly as written: the executed notebooks and their figures go
    under build/, nothing committed changes, and `make` would leave the README as it is."""
    commands = readme_commands("papermill notebooks/") + readme_commands("python -m patronage run ")
    assert len(commands) >= 2, commands
    config.BUILD_DIR.mkdir(exist_ok=True)  # as after `make`, which the README's examples follow (papermill makes no folder)
    for command in commands:
        out = shell(command, tmp_path)
        assert out.returncode == 0, (command, out.stdout[-2000:], out.stderr[-2000:])
        output = config.PROJ_ROOT / command.split("  #")[0].split()[5 if command.startswith("python") else 2]
        assert output.exists() and config.BUILD_DIR in output.parents
        verdicts = [p for p in config.BUILD_DIR.rglob("03-verdicts.csv")]
        assert verdicts, "the run wrote no verdict table under build/"
    folder = config.PROJ_ROOT / "build" / "not-true-clients"
    assert (folder / "03-verdicts.csv").exists() and "figures and tables are in build/not-true-clients/" in out.stdout


def test_a_run_without_papermill_writes_under_build_runs(unchanged):
    """As JupyterLab runs a notebook: no parameters injected, no folder given; its figures go to build/runs/."""
    import nbformat
    from nbclient import NotebookClient

    path = config.NOTEBOOKS_DIR / "01-prosopography.ipynb"
    nb = nbformat.read(path, as_version=4)
    saved = os.environ.pop(RUN_ENV, None)
    try:
        NotebookClient(nb, resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}}, kernel_name="python3",
                       extra_arguments=runs.QUIET_KERNEL).execute()
    finally:
        if saved is not None:
            os.environ[RUN_ENV] = saved
    folder = config.BUILD_DIR / "runs" / "01-prosopography" / "default"
    assert (folder / "01-career-timeline.html").exists()
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert "this run writes its figures and tables to build/runs/01-prosopography/default/" in printed


def test_a_scenario_file_is_what_papermill_f_reads(tmp_path, unchanged):
    """`papermill -f` on a scenario runs its parameters (it used to run the defaults): the lightest notebook it names.
    Plain papermill starts the environment's own kernel, whose notice of TCP without encryption `make` silenced."""
    out = shell(f"papermill notebooks/02-network.ipynb {tmp_path}/n.ipynb -f notebooks/scenarios/not-true-clients.yaml", tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert quiet_kernel.NOTICE not in out.stderr and "Executing notebook with kernel" in out.stderr
    printed = json.dumps(json.loads((tmp_path / "n.ipynb").read_text(encoding="utf-8"))["cells"])
    assert "coding 'not_true_clients'" in printed


def test_a_misspelled_parameter_stops_the_run_naming_the_closest(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(config.NOTEBOOKS_DIR / "02-network.ipynb"), str(tmp_path / "x.ipynb"),
                                   parameters={"as_fo": "1955-02-08"}, progress_bar=False,
                                   request_save_on_cell_execute=False, extra_arguments=runs.QUIET_KERNEL,
                                   cwd=str(config.NOTEBOOKS_DIR))
    assert err.value.ename == "ParameterError" and "no parameter 'as_fo'; did you mean 'as_of'?" in err.value.evalue


def test_the_run_command_refuses_a_misspelled_name_before_any_kernel(capsys, tmp_path):
    (tmp_path / "s.yaml").write_text("patorn: Malenkov\n", encoding="utf-8")
    code = runs.main(str(config.NOTEBOOKS_DIR / "03-fairbanks-test.ipynb"), str(tmp_path / "x.ipynb"), [], str(tmp_path / "s.yaml"))
    err = capsys.readouterr().err
    assert code == 2 and "no parameter 'patorn'; did you mean 'patron'?" in err and not (tmp_path / "x.ipynb").exists()
    code = runs.main(str(config.NOTEBOOKS_DIR / "03-fairbanks-test.ipynb"), str(config.FIGURES_DIR / "x.ipynb"), [], None)
    assert code == 2 and "only the build writes" in capsys.readouterr().err


def test_a_bad_value_is_what_the_reader_sees_first_and_nearly_alone(tmp_path, unchanged):
    out = shell(f"python -m patronage run notebooks/02-network.ipynb {tmp_path}/bad.ipynb -p coding nonsense", tmp_path)
    lines = (out.stderr + out.stdout).strip().splitlines()
    assert out.returncode == 1 and len(lines) <= 30, lines
    assert lines[0] == ("ParameterError: parameter 'coding' = 'nonsense' is not valid; valid choices are 'blauvelt', "
                        "'not_true_clients', 'rayfield'"), lines
    raw = shell(f"papermill notebooks/02-network.ipynb {tmp_path}/bad2.ipynb -p coding nonsense", tmp_path)
    first = next(i for i, line in enumerate(raw.stderr.splitlines()) if "ParameterError: parameter 'coding'" in line)
    assert raw.returncode != 0 and first < 10, raw.stderr  # before papermill's own traceback


def test_a_day_with_no_recorded_network_says_nothing_changed(tmp_path, unchanged):
    assert runs.main(str(config.NOTEBOOKS_DIR / "02-network.ipynb"), str(tmp_path / "n.ipynb"), [("as_of", "1900-01-01")],
                     None) == 0
    printed = json.dumps(json.loads((tmp_path / "n.ipynb").read_text(encoding="utf-8"))["cells"])
    assert "No patronage tie in the rows selected (evidence 'seed') changed across the turning points of 1900" in printed


def test_scenario_parameters_typed_as_papermill_types_them():
    assert [runs.typed(v) for v in ("5", "2.5", "True", "None", "1953-06-26", "seed+external")] == \
        [5, 2.5, True, None, "1953-06-26", "seed+external"]


def test_a_bad_table_is_reported_count_first_on_one_screen(copy_data, capsys):
    from patronage.__main__ import main

    spells = copy_data / "spells.csv"
    lines = spells.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    lines = [lines[0]] + [",".join(["x y"] + line.split(",")[1:]) for line in lines[1:]]  # every id malformed
    spells.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(copy_data)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith(f"problems in {copy_data}:") and int(err[0].split()[0]) > 30, err[:3]
    assert len(err) <= 30 and "--all" in err[-1] and "spells.csv, row 2, column 'spell_id'" in "\n".join(err)
    assert main(["validate", "--all", str(copy_data)]) == 1
    assert len(capsys.readouterr().err.splitlines()) == int(err[0].split()[0]) + 1
    assert head[0] == "spell_id"


def test_the_run_command_never_writes_over_the_data_the_code_or_a_file_that_is_no_notebook(capsys, tmp_path):
    """Regression: `python -m patronage run notebooks/02-network.ipynb data/persons.csv` replaced the persons table with
    a notebook: only notebooks/, figures/ and exports/ were guarded. Refused before any kernel starts, and nothing
    changed: a file of the checkout outside build/, a device, an existing file that is no notebook."""
    from patronage import config
    from patronage.__main__ import main

    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    persons = config.DATA_DIR / "persons.csv"
    before = persons.read_bytes()
    for output in (persons, config.PROJ_ROOT / "README.md", Path("/dev/null"), notes):
        assert main(["run", str(config.NOTEBOOKS_DIR / "02-network.ipynb"), str(output)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and str(output) in err
    assert persons.read_bytes() == before and notes.read_text(encoding="utf-8") == "my notes\n"


def test_the_kernel_notice_filter_is_written_once_and_never_over_another_configuration(tmp_path):
    path = quiet_kernel.install(tmp_path)
    assert path == tmp_path / "etc" / "ipython" / "ipython_kernel_config.py" and path.read_text(encoding="utf-8") == quiet_kernel.CONFIG
    assert quiet_kernel.install(tmp_path) == path  # again: unchanged
    path.write_text("c.IPKernelApp.log_level = 'DEBUG'\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="holds another kernel configuration"):
        quiet_kernel.install(tmp_path)
    assert path.read_text(encoding="utf-8") == "c.IPKernelApp.log_level = 'DEBUG'\n"
