"""A failed notebook run is safe: the previous good outputs stay, the failed run is kept for reading.

The build runs in a ``git clone`` of HEAD with the working tree's ``src/`` copied over it (so the
code under test is the current one), with the clone's package first on PYTHONPATH: the package
places data/, notebooks/, figures/ and build/ beside its own source, so nothing in the working
tree is touched.

- A default notebook whose data went bad (a corrupted table, checksums recorded with
  ``patronage.tables.integrity.rehash``, what ``python -m patronage rehash`` runs):
  ``python -m patronage.build --only 03-fairbanks-test`` exits 1
  naming the notebook, the committed notebook and figures are byte-for-byte unchanged, and
  build/failed/03-fairbanks-test.ipynb holds papermill's error notebook, the error flagged in its
  first cell and the DataError in the failed cell.
- A named scenario (of 01-prosopography) that ran well once and is then given a person who does not exist: the
  scenario's previous outputs stay, the failed run goes to build/failed/SCENARIO/NOTEBOOK.ipynb.

``patronage.atomic.write_text`` (what the build writes with) is tested on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from patronage import config
from patronage.atomic import write_text
from patronage.build import plan
from patronage.tables.integrity import rehash

ROOT = config.PROJ_ROOT
NAME = "03-fairbanks-test"
SCENARIO_NOTEBOOK = "01-prosopography"

needs_git = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="needs git and a git checkout")


@pytest.fixture
def clone(tmp_path) -> Path:
    """A clone of HEAD with the working tree's src/ over it (one per test: each breaks it)."""
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True, timeout=300)
    shutil.copytree(ROOT / "src", target / "src", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return target


def run_build(clone: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATRONAGE_")}
    # the working tree's cache (kept by content, so a corrupted table or a new parameter misses it): after
    # `make` the good runs take their tables and drawn SVGs from there instead of starting a browser
    env.update(PYTHONPATH=str(clone / "src"), PATRONAGE_DATA_DIR=str(clone / "data"), PYTHONDONTWRITEBYTECODE="1",
               PATRONAGE_CACHE_DIR=str(config.CACHE_DIR))
    return subprocess.run([sys.executable, "-m", "patronage.build", *args], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=timeout)


def explain(out: subprocess.CompletedProcess) -> str:
    return f"exit {out.returncode}\n--- stdout\n{out.stdout[-3000:]}\n--- stderr\n{out.stderr[-3000:]}"


def snapshot(folder: Path, paths: list[str]) -> dict[str, str]:
    """sha256 of each file (relative to folder)."""
    return {p: hashlib.sha256((folder / p).read_bytes()).hexdigest() for p in paths}


def outputs_of(notebook: Path) -> list[str]:
    return plan.recorded(notebook).get("outputs", [])


def check_failed_notebook(path: Path, *expected: str) -> None:
    """papermill's error notebook: the error flagged in the first cell, the exception in the failed cell."""
    assert path.exists(), f"no failed run at {path}"
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = nb["cells"][0]
    source = "".join(first["source"]) if isinstance(first["source"], list) else first["source"]
    assert first["cell_type"] == "markdown" and "An Exception was encountered" in source, source
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors, "the failed run holds no error output"
    text = f"{errors[0]['ename']}: {errors[0]['evalue']}"
    for words in expected:
        assert words in text, f"{words!r} not in the error: {text}"


@needs_git
def test_bad_data_keeps_the_committed_notebook_and_figures(clone):
    notebook = clone / "notebooks" / f"{NAME}.ipynb"
    kept = [f"notebooks/{NAME}.ipynb", *outputs_of(notebook)]
    assert len(kept) > 1, "the committed notebook records no outputs"
    before = snapshot(clone, kept)
    spells = clone / "data" / "spells.csv"
    lines = spells.read_text(encoding="utf-8").splitlines(keepends=True)
    head = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    assert cells[head.index("start")][:1].isdigit(), "the first spell's start should be a plain date"
    cells[head.index("start")] = "soon"
    lines[1] = ",".join(cells) + "\n"
    spells.write_text("".join(lines), encoding="utf-8")
    # the new checksums recorded by the code of `python -m patronage rehash` (the clone's src/ is this src/)
    assert rehash(clone / "data") == ["spells"]

    out = run_build(clone, "--only", NAME)

    assert out.returncode == 1, explain(out)
    assert f"FAILED {NAME}" in out.stderr and f"build failed: {NAME}" in out.stderr, explain(out)
    assert f"build/failed/{NAME}.ipynb" in out.stderr, explain(out)
    assert "Traceback" not in out.stderr, explain(out)
    assert snapshot(clone, kept) == before, "a failed run changed the previous outputs"
    check_failed_notebook(clone / "build" / "failed" / f"{NAME}.ipynb", "DataError", "spells.csv, row 2, column 'start'")
    staged = clone / "build" / "staging" / NAME
    assert not any(p.suffix == ".svg" for p in staged.glob("*")), "static figures were drawn for a failed run"


@needs_git
def test_failed_scenario_keeps_its_previous_good_run(clone):
    """A scenario of the lightest notebook (no statistics; after `make` its tables and SVGs come from the cache)."""
    scenario = clone / "notebooks" / "scenarios" / "zz-safety.yaml"
    scenario.write_text(f"# notebooks: {SCENARIO_NOTEBOOK}\nperson: Kruglov\n", encoding="utf-8")
    name = f"zz-safety/{SCENARIO_NOTEBOOK}"
    good = run_build(clone, "--only", name)
    assert good.returncode == 0, explain(good)
    result = clone / "build" / "scenarios" / "zz-safety" / f"{SCENARIO_NOTEBOOK}.ipynb"
    kept = [result.relative_to(clone).as_posix(), *outputs_of(result)]
    assert any(p.endswith(".svg") for p in kept), kept
    before = snapshot(clone, kept)

    scenario.write_text(f"# notebooks: {SCENARIO_NOTEBOOK}\nperson: Kruglof\n", encoding="utf-8")
    out = run_build(clone, "--only", name)

    assert out.returncode == 1, explain(out)
    assert f"FAILED {name}" in out.stderr and f"build failed: {name}" in out.stderr, explain(out)
    assert "ParameterError" in out.stderr, explain(out)
    assert snapshot(clone, kept) == before, "a failed run changed the scenario's previous outputs"
    check_failed_notebook(clone / "build" / "failed" / "zz-safety" / f"{SCENARIO_NOTEBOOK}.ipynb", "ParameterError",
                          "'person'", "Kruglof")


# --- atomic.write_text -----------------------------------------------------------------------------


def test_write_text_writes_exact_bytes_and_creates_folders(tmp_path):
    target = tmp_path / "a" / "b" / "out.ipynb"
    text = '{"x": "Берия — ñ"}\nline two\n'
    write_text(target, text)
    assert target.read_bytes() == text.encode("utf-8")  # UTF-8, "\n" kept as is
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.ipynb"], "a temporary file was left behind"


def test_write_text_replaces_an_existing_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old, longer content\n", encoding="utf-8")
    write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_text_renames_from_the_same_folder(tmp_path, monkeypatch):
    """The new text goes to a file beside the target, which is then renamed over it (atomic on one file system)."""
    moves = []
    original = Path.replace

    def spy(self, target):
        moves.append((Path(self), Path(target)))
        return original(self, target)

    monkeypatch.setattr(Path, "replace", spy)
    target = tmp_path / "out.txt"
    write_text(target, "x")
    assert len(moves) == 1 and moves[0][1] == target and moves[0][0].parent == target.parent
    assert moves[0][0] != target


def test_write_text_never_truncates_the_target(tmp_path, monkeypatch):
    """If the run dies before the rename, the previous file is whole."""
    target = tmp_path / "out.txt"
    target.write_text("previous good output\n", encoding="utf-8")

    def crash(self, target):
        raise OSError("killed before the rename")

    monkeypatch.setattr(Path, "replace", crash)
    with pytest.raises(OSError):
        write_text(target, "half-written new output")
    assert target.read_text(encoding="utf-8") == "previous good output\n"


def test_write_text_failing_to_encode_keeps_the_target_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("previous\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text(target, "lone surrogate \ud800")
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
