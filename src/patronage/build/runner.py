"""Execute the notebooks with papermill, incrementally, atomically and reproducibly.

``python -m patronage.build`` runs every notebook in notebooks/ with its default parameters
(writing the executed notebook back in place, so the committed notebooks carry their outputs)
and every named scenario in notebooks/scenarios/*.yaml (writing to build/scenarios/NAME/).

- Incremental: a run is skipped when the hash of its inputs (the notebook's cells, its
  parameters, data/, src/patronage/, the lock file) equals the hash recorded in the executed
  notebook's metadata and all the files it wrote are still there.
- In one process: papermill's Python API, not one CLI call per notebook.
- Safe: figures go to a staging folder and the notebook to a temporary file; only a run that
  succeeds replaces the previous outputs. A failed run leaves them in place, writes papermill's
  error notebook to build/failed/, and the command exits 1 naming the notebook.
- Reproducible: papermill's timestamps and run metadata are removed (nbconvert's
  ClearMetadataPreprocessor), so a rebuild with nothing changed writes identical bytes.
- One at a time: a build holds the compendium's lock (:mod:`patronage.lock`, build/.lock) from
  start to end; a second build started meanwhile waits for it (or, with ``--no-wait``, refuses),
  then finds what the first one wrote up to date. The HTML edition is rebuilt unless the files
  it published are still there, byte for byte, and its inputs have not changed.
- Stopped with its parent: killing ``make`` (or this command) stops the build, its worker
  processes and their kernels (see :func:`stop_with_parent`); the outputs of the runs that had
  not finished stay as they were.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from patronage import cache, config
from patronage.atomic import write_text
from patronage.build.runs import QUIET_KERNEL, environment
from patronage.errors import CheckoutError
from patronage.lock import BuildLocked, build_lock

FIGURES_ENV = "PATRONAGE_FIGURES_DIR"
INPUT_GLOBS = (("data", "*.csv"), ("data", "*.json"), ("src/patronage", "**/*.py"), (".", "requirements.lock"))
CACHE_DIR = config.BUILD_DIR / "cache"  # validated tables and drawn SVGs, by content (patronage.cache)
# modules no notebook runs, as paths inside src/patronage/: editing them must not re-execute the notebooks
NOT_NOTEBOOK_CODE = {"__main__.py", "lock.py", "build/__main__.py", "publish/edition.py", "publish/citation.py",
                     "publish/findings.py", "tables/synthetic.py"}
PACKAGE = "src/patronage/"


@dataclass
class Run:
    """One execution: a notebook, its parameters, where it is written and where its figures go."""

    name: str
    notebook: Path
    output: Path
    figures: Path
    parameters: dict = field(default_factory=dict)


def shared_inputs_hash(root: Path = config.PROJ_ROOT) -> str:
    """sha256 over the files every notebook depends on: data, package source, lock file."""
    h = hashlib.sha256()
    for folder, pattern in INPUT_GLOBS:
        for path in sorted((root / folder).glob(pattern)):
            name = path.relative_to(root).as_posix()
            if path.is_file() and "__pycache__" not in path.parts and name.removeprefix(PACKAGE) not in NOT_NOTEBOOK_CODE:
                h.update(name.encode() + b"\0")
                h.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def cells_hash(notebook: Path) -> str:
    """sha256 over a notebook's cell types, sources and tags (not its outputs or run metadata)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
              sorted(c.get("metadata", {}).get("tags", []))) for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


def run_hash(run: Run, shared: str) -> str:
    """The hash of everything a run's outputs depend on."""
    key = json.dumps([cells_hash(run.notebook), run.parameters, shared], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


def recorded(output: Path) -> dict:
    """The build record stored in an executed notebook's metadata ({} if none)."""
    try:
        return json.loads(output.read_text(encoding="utf-8"))["metadata"].get("patronage", {})
    except (OSError, ValueError, KeyError):
        return {}


def is_current(run: Run, inputs: str) -> bool:
    """True if the run's recorded inputs hash matches and all its recorded outputs exist."""
    record = recorded(run.output)
    return record.get("inputs") == inputs and all((config.PROJ_ROOT / f).exists() for f in record.get("outputs", []))


def default_runs() -> list[Run]:
    """Every notebook in notebooks/ with its default parameters, written in place."""
    return [Run(nb.stem, nb, nb, config.FIGURES_DIR) for nb in sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))]


def scenario_runs(problems: list[str] | None = None) -> list[Run]:
    """Every named scenario in notebooks/scenarios/*.yaml, written to build/scenarios/NAME/.

    A scenario file is a flat mapping of parameters, the file ``papermill -f`` reads
    (:func:`patronage.build.runs.read_scenario`); it runs in the notebooks its comment line
    ``# notebooks: ...`` names, or else in every notebook that declares all its parameters.
    problems: where a file that is no such mapping is reported (else it raises RunError).
    """
    from patronage.build.runs import RunError, declared_parameters, read_scenario, scenario_notebooks

    notebooks = {nb.stem: nb for nb in sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))}
    runs = []
    for path in sorted(config.SCENARIOS_DIR.glob("*.yaml")):
        try:
            params = read_scenario(path)
        except RunError as exc:  # one bad file: named, and the other scenarios still run
            if problems is None:
                raise
            problems.append(str(exc))
            continue
        named = scenario_notebooks(path)
        chosen = named if named is not None else [n for n, nb in notebooks.items()
                                                  if set(params) <= set(declared_parameters(nb))]
        for stem in chosen:
            nb = notebooks.get(stem, config.NOTEBOOKS_DIR / f"{stem}.ipynb")
            out_dir = config.BUILD_DIR / "scenarios" / path.stem
            runs.append(Run(f"{path.stem}/{nb.stem}", nb, out_dir / nb.name, out_dir / "figures", params))
    return runs


def normalise(nb, record: dict):
    """Strip run metadata (timestamps, papermill's record) and store the build record."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CoalesceStreamsPreprocessor

    clear = ClearMetadataPreprocessor(preserve_nb_metadata_mask={"kernelspec", "language_info"},
                                      preserve_cell_metadata_mask={"tags"})
    nb, _ = clear.preprocess(nb, {})
    # a cell's printed text may arrive in one stream output or several, as the kernel happens to
    # flush (a busy machine splits more): merged, the same text gives the same bytes
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    for cell in nb.cells:  # the preprocessor clears code cells only; papermill also marks markdown cells
        tags = cell.metadata.get("tags", [])
        cell.metadata = {"tags": tags} if tags else {}
    nb.metadata["patronage"] = record
    return nb


def write_atomic(path: Path, text: str) -> None:
    """Write text to a temporary file beside ``path``, then rename it over ``path``."""
    write_text(path, text)


def run_papermill(run: Run):
    """Execute the notebook with papermill, its figures into a fresh staging folder; returns the notebook.

    A failed run raises; papermill has then written its error notebook to build/failed/.
    """
    import papermill

    from patronage.publish import figures

    staging, failed = _staging(run), _failed(run)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    failed.parent.mkdir(parents=True, exist_ok=True)
    with environment({FIGURES_ENV: str(staging), figures.DEFER_ENV: "1",
                      cache.CACHE_ENV: os.environ.get(cache.CACHE_ENV) or str(CACHE_DIR)}):
        # shutdown_kernel="immediate": the outputs are all in once the last cell is done; a graceful
        # shutdown only waits (about 0.15 s a notebook) and interrupts the kernel first, which it may log as an error.
        # request_save_on_cell_execute=False: papermill otherwise copies and writes the whole notebook to disk at
        # the start and the end of every cell (about 60 writes, 1.5 s of this process's time, for 04-sensitivity);
        # it still writes the notebook, the error at its top, when a cell fails
        return papermill.execute_notebook(str(run.notebook), str(failed), parameters=run.parameters,
                                          cwd=str(run.notebook.parent), progress_bar=False, kernel_name="python3",
                                          shutdown_kernel="immediate", request_save_on_cell_execute=False,
                                          extra_arguments=QUIET_KERNEL)


def finish(run: Run, inputs: str, nb) -> list[str]:
    """Draw the static figures of an executed notebook, then move its figures and notebook into place."""
    import nbformat

    staging, failed = _staging(run), _failed(run)
    add_static_figures(nb, staging)
    run.figures.mkdir(parents=True, exist_ok=True)
    written = []
    for f in sorted(staging.iterdir()):
        target = run.figures / f.name
        f.replace(target)
        written.append(target.relative_to(config.PROJ_ROOT).as_posix())
    record = {"inputs": inputs, "parameters": run.parameters, "outputs": written}
    write_atomic(run.output, nbformat.writes(normalise(nb, record)) + "\n")
    failed.unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    return written


def prune_failed() -> None:
    """Remove the folders of build/failed/ that hold no failed run (once every run is done: a run in
    progress writes its notebook there only if it fails)."""
    top = config.BUILD_DIR / "failed"
    if not top.is_dir():
        return
    for folder in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True) + [top]:
        if not any(folder.iterdir()):
            folder.rmdir()


def _staging(run: Run) -> Path:
    return config.BUILD_DIR / "staging" / run.name


def _failed(run: Run) -> Path:
    return config.BUILD_DIR / "failed" / f"{run.name}.ipynb"


def _worker(run: Run) -> tuple[str, object, float]:
    """In a worker process: ("ok", notebook, seconds), or ("failed", message, seconds) instead of raising
    (an exception does not always survive the trip back between processes)."""
    start = time.perf_counter()
    try:
        return "ok", run_papermill(run), time.perf_counter() - start
    except Exception as exc:  # reported by the parent with the notebook's name
        return "failed", _summary(exc), time.perf_counter() - start


def _summary(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{exc.__class__.__name__}: {text.splitlines()[-1] if text else ''}"


def execute_all(runs: list[tuple[Run, str]], jobs: int) -> list[str]:
    """Execute the runs, ``jobs`` kernels at a time; returns the names of those that failed.

    Kernels run in worker processes (each sets its own environment for its kernel); this process
    draws the static figures of each finished run with its one browser and writes the outputs,
    so a run's files are replaced only when that run succeeded.
    """
    failures = []

    def report(run: Run, inputs: str, status: str, value, seconds: float) -> None:
        if status == "ok":
            try:
                finish(run, inputs, value)
                print(f"  {run.name} done in {seconds:.1f} s", flush=True)
                return
            except Exception as exc:  # drawing or writing failed: the previous outputs stay
                value = _summary(exc)
        failures.append(run.name)
        print(f"FAILED {run.name}: {value}\n"
              f"  the previous outputs are kept; the failed run is in build/failed/{run.name}.ipynb", file=sys.stderr)

    for run, _ in runs:
        print(f"executing {run.name} ...", flush=True)
    if jobs <= 1 or len(runs) <= 1:
        for run, inputs in runs:
            report(run, inputs, *_worker(run))
        return failures
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fork (Linux): the workers start with this process's imports instead of importing papermill again;
    # elsewhere fork is unavailable (Windows) or unsafe (macOS) and the workers are spawned
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method), initializer=_start_worker)
    try:
        futures = {pool.submit(_worker, run): (run, inputs) for run, inputs in runs}
        for future in as_completed(futures):
            run, inputs = futures[future]
            report(run, inputs, *future.result())
    except BaseException:  # stopped (Ctrl-C, SIGTERM, the parent gone): the runs in progress stop too
        # leaving the pool's block would wait for every running notebook to finish; the executor has no
        # public way to stop work already started, so its worker processes are ended here
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return failures


def _start_worker() -> None:
    """In each worker process: die at once on SIGTERM (from the build, when it stops) or when the build
    process dies, and leave Ctrl-C to the build, which ends the workers itself. A worker's kernel stops
    when the worker does (ipykernel watches its parent)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(signal.SIGKILL)


def _die_with_parent(sig: int) -> None:
    """Linux: have the kernel send this process ``sig`` when the parent that started it ends (prctl's
    PR_SET_PDEATHSIG); a parent already gone by then ends this process now. Elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, sig, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the request was in place
        os.kill(os.getpid(), sig)


def stop_with_parent() -> None:
    """For the command line: stop the build as on Ctrl-C when it receives SIGTERM, and send it SIGTERM
    when its parent process ends (Linux), so killing ``make`` stops the build instead of leaving it running.

    The signal is the parent *thread's* end, so this is set only for ``python -m patronage.build``,
    whose parent is make or a shell, never for a build started in-process (tests, benchmarks).
    """
    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    _die_with_parent(signal.SIGTERM)


def build_exports(shared: str, force: bool = False) -> bool:
    """Rewrite exports/assertions.csv if data or code changed since it was last written.

    returns: True if it was rewritten.
    """
    stamp = config.BUILD_DIR / "stamps" / "exports.sha256"
    target = config.EXPORTS_DIR / "assertions.csv"
    if not force and target.exists() and stamp.exists() and stamp.read_text() == shared:
        return False
    from patronage.publish.export import write_assertions
    from patronage.tables.load import load

    write_assertions(load(), target)
    write_atomic(stamp, shared)
    return True


def add_static_figures(nb, folder: Path) -> int:
    """Draw the SVG of every figure the notebook displayed without one, save it, and embed it.

    The SVG goes into ``folder`` as NAME.svg and into the output bundle beside the
    interactive figure, so viewers that strip JavaScript (GitHub) still show it.

    returns: the number of figures drawn.
    """
    from patronage.publish import figures

    drawn = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get(figures.FIGURE_KEY)
            data = out.get("data", {})
            if name and "image/svg+xml" not in data and "application/vnd.plotly.v1+json" in data:
                spec = {k: v for k, v in data["application/vnd.plotly.v1+json"].items() if k in ("data", "layout")}
                data["image/svg+xml"] = figures.write_svg(spec, name, folder)
                drawn += 1
    return drawn


EDITION_INPUTS = (("notebooks", "[0-9]*.ipynb"), ("figures", "*"), ("data", "*"), ("exports", "*"),
                  (".", "CITATION.*"), (".", "requirements.lock"), ("src/patronage/publish", "edition*.py"))


def edition_inputs_hash() -> str:
    """sha256 over the files the edition is made from (EDITION_INPUTS)."""
    h = hashlib.sha256()
    for folder, pattern in EDITION_INPUTS:
        for path in sorted((config.PROJ_ROOT / folder).glob(pattern)):
            if path.is_file():
                h.update(path.relative_to(config.PROJ_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def published(folder: Path) -> dict[str, str]:
    """sha256 of every file in ``folder`` (an edition), by its path inside it."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_edition_if_stale(force: bool = False) -> bool:
    """Rebuild the HTML edition in docs/ unless it is the one the last build published from the same inputs.

    The edition is made from the notebooks, figures, data, citation and lock file alone, so when their
    content is what it was at the last edition (after a forced rebuild that changed no byte, say) it
    is not written again, provided docs/ still holds exactly the files that edition published, each
    byte for byte (the stamp records them: a file deleted, added or changed in docs/ is repaired).
    ``python -m patronage.publish.edition docs`` (``make edition``) writes it in any case.

    returns: True if it was rebuilt.
    """
    inputs = edition_inputs_hash()
    stamp, docs = config.BUILD_DIR / "stamps" / "edition.json", config.PROJ_ROOT / "docs"
    try:
        record = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    if not force and isinstance(record, dict) and record.get("inputs") == inputs and record.get("published") == published(docs):
        return False
    from patronage.publish.edition import build_edition

    build_edition(docs)
    write_atomic(stamp, json.dumps({"inputs": inputs, "published": published(docs)}, indent=1, sort_keys=True) + "\n")
    return True


def default_jobs() -> int:
    """Kernels at once: one per core this process may use (each notebook is single-threaded), at most 4."""
    from patronage.parallel import available_workers

    return min(4, available_workers())


def main(argv: list[str] | None = None) -> int:
    """Build what is out of date; returns 0, or 1 naming every notebook that failed."""
    parser = argparse.ArgumentParser(prog="python -m patronage.build", description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="re-run every notebook even if up to date (the HTML edition is still rebuilt only if its inputs changed)")
    parser.add_argument("--only", nargs="*", default=None, help="run names (e.g. 03-fairbanks-test) to build")
    parser.add_argument("--no-scenarios", action="store_true", help="skip the named scenarios")
    parser.add_argument("--jobs", "-j", type=int, default=default_jobs(),
                        help="notebooks executed at once (default: the number of cores, at most 4)")
    parser.add_argument("--no-wait", action="store_true",
                        help="if another build of this compendium is running, stop at once instead of waiting for it")
    args = parser.parse_args(argv)
    try:
        config.require_checkout("python -m patronage.build")
        with build_lock(wait=not args.no_wait):
            return build(args)
    except (CheckoutError, BuildLocked) as exc:
        print(exc, file=sys.stderr)
        return 2 if isinstance(exc, CheckoutError) else 1
    except KeyboardInterrupt:
        print("build stopped: the runs that had not finished keep their previous outputs; "
              "`make` (or python -m patronage.build) runs what is out of date", file=sys.stderr)
        return 130


def build(args: argparse.Namespace) -> int:
    """The build itself, with the lock held: exports, the runs out of date, the README's findings, the edition."""
    problems: list[str] = []
    runs = default_runs() + ([] if args.no_scenarios else scenario_runs(problems))
    for problem in problems:
        print(f"FAILED scenario {problem}", file=sys.stderr)
    if args.only is not None:
        runs = [r for r in runs if r.name in args.only]
    shared = shared_inputs_hash()
    with environment({cache.CACHE_ENV: os.environ.get(cache.CACHE_ENV) or str(CACHE_DIR)}):
        if args.only is None:
            try:  # the export loads the tables: once, cached for every notebook after it
                if build_exports(shared, args.force):
                    print("wrote exports/assertions.csv", flush=True)
            except Exception as exc:  # bad data: say so, keep the previous export, build nothing on top of it
                print(f"FAILED exports: {exc}", file=sys.stderr)
                return 1
        todo = [(run, run_hash(run, shared)) for run in runs]
        todo = [(run, inputs) for run, inputs in todo if args.force or not is_current(run, inputs)]
        failures = execute_all(todo, args.jobs)
        prune_failed()
    failures += [p.split(":")[0] for p in problems]
    if failures:
        print(f"build failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    from patronage.publish.findings import update_readme

    if update_readme():
        print("updated the findings in README.md", flush=True)
    if args.only is None and build_edition_if_stale():  # by content: see its docstring
        print("wrote the HTML edition: docs/index.html", flush=True)
    return 0
