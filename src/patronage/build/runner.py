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
import os
import sys

from patronage import cache, config
from patronage.build import schedule
from patronage.build.execute import prune_failed
from patronage.build.inputs import shared_inputs_hash
from patronage.build.plan import default_runs, is_current, run_hash, scenario_runs
from patronage.build.runs import environment
from patronage.build.stamps import build_edition_if_stale, build_exports, update_readme_if_stale
from patronage.build.workers import execute_all
from patronage.errors import CheckoutError, SettingError
from patronage.lock import BuildLocked, build_lock


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
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="notebooks executed at once (default: the number of cores, at most 4)")
    parser.add_argument("--no-wait", action="store_true",
                        help="if another build of this compendium is running, stop at once instead of waiting for it")
    args = parser.parse_args(argv)
    try:
        args.jobs = default_jobs() if args.jobs is None else args.jobs  # $PATRONAGE_WORKERS read here, its error said
        config.require_checkout("python -m patronage.build")
        with build_lock(wait=not args.no_wait):
            return build(args)
    except (CheckoutError, BuildLocked, SettingError) as exc:
        print(exc, file=sys.stderr)
        return 1 if isinstance(exc, BuildLocked) else 2
    except KeyboardInterrupt:
        print("build stopped: the runs that had not finished keep their previous outputs; "
              "`make` (or python -m patronage.build) runs what is out of date", file=sys.stderr)
        return 130


def _prepare(args: argparse.Namespace, shared: str, runs: bool) -> bool:
    """Before the runs, once their worker processes exist: the browser started in the background where runs will
    need it and no figure is drawn yet (:func:`patronage.publish.figures.warm_up`), and the exports written, which
    load the tables once for every notebook after them. False, said, where the exports fail (bad data: the
    previous export is kept and nothing is built on top of it)."""
    if runs:
        from patronage.publish import figures

        figures.warm_up()
    if args.only is not None:
        return True
    try:
        if build_exports(shared, args.force):
            print("wrote exports/assertions.csv", flush=True)
    except Exception as exc:
        print(f"FAILED exports: {exc}", file=sys.stderr)
        return False
    return True


def build(args: argparse.Namespace) -> int:
    """The build itself, with the lock held: exports, the runs out of date, the README's findings, the edition."""
    problems: list[str] = []
    runs = default_runs() + ([] if args.no_scenarios else scenario_runs(problems))
    for problem in problems:
        print(f"FAILED scenario {problem}", file=sys.stderr)
    if args.only is not None:
        runs = [r for r in runs if r.name in args.only]
    shared = shared_inputs_hash()
    with environment({cache.CACHE_ENV: os.environ.get(cache.CACHE_ENV) or str(config.CACHE_DIR)}):
        todo = [(run, run_hash(run, shared)) for run in runs]
        todo = [(run, inputs) for run, inputs in todo if args.force or not is_current(run, inputs)]
        todo = schedule.longest_first(todo)
        failures = execute_all(todo, args.jobs, lambda: _prepare(args, shared, bool(todo)))
        if failures is None:
            return 1
        prune_failed()
    failures += [p.split(":")[0] for p in problems]
    if failures:
        print(f"build failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    if update_readme_if_stale(shared):
        print("updated the findings in README.md", flush=True)
    if args.only is None and build_edition_if_stale():  # by content: see its docstring
        print("wrote the HTML edition: docs/index.html", flush=True)
    return 0
