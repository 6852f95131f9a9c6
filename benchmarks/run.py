"""Benchmarks of the compendium, each printed beside its goal: ``python benchmarks/run.py``.

(a) cold rebuild vs floor: N bare notebooks that only import pandas, plotly and networkx, executed
    with papermill's API one after another in one process (the floor: what any N-run build costs),
    against a forced rebuild of the same N runs (``python -m patronage.build --force``: the notebooks
    and every named scenario) in a temporary clone of HEAD with build/cache emptied, so every
    result is computed from scratch. Goal: rebuild / floor <= 1.3, each the median of three runs,
    the two taken in turns (a slow spell of a shared machine then weighs on both).
(b) incremental: ``make`` and ``python -m patronage.build`` with nothing changed. Goal: <= 1 s.
(c) scale: a synthetic prosopography (``patronage.tables.synthetic``; 40,000 persons and 200,000 spells
    at 1x) through load + validate, the selection, ``network.graph_as_of``, ``crisis.make_crisis``
    and ``hypotheses.run_all`` for one crisis. Goals: <= 2 s at 1x; 10x <= 12 x the 1x time.
    Each size runs in a fresh interpreter; the libraries are imported and pandera's schemas built
    before the clock starts (fixed costs of a process, whatever the size); the median of three
    runs at every size. A process's first run meets memory the system has not yet handed it (at
    10x, gigabytes), so the median of three compares like with like: a run after the first, at
    each size. The first runs are printed too, with their own 10x / 1x.
(d) tests: ``make test`` (installation excluded) against the cold forced rebuild of (a), measured
    in the same run. Goal: <= 2 x. The tests run after the build, as a developer runs them after
    ``make``: nbval reads what the build left in build/cache instead of computing it a second time.
(e) first make: ``make`` in a fresh clone, from a new .venv (pip's download cache as the machine
    has it) to a build with nothing left to run. Goal: <= 90 s.

A missed goal is profiled (cProfile) and the report says where the time goes. The working tree is
never written to: builds run in ``git clone`` copies, data in temporary folders.

    python benchmarks/run.py                      # everything (about twenty minutes on two cores)
    python benchmarks/run.py --quick              # 1x and 2x only, one repeat, no scenario builds
    python benchmarks/run.py --only scale --scales 1,2,5,10 --json build/bench.json
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import inspect
import io
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

RESULTS: dict = {}


# --- small helpers -----------------------------------------------------------------------------


def say(text: str = "") -> None:
    print(text, flush=True)


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATRONAGE_")}
    env.update(extra)
    return env


def timed_run(args: list, cwd: Path, env: dict, timeout: float = 3600) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    out = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return elapsed, out


def clone_head(folder: Path, worktree_src: bool) -> Path:
    target = folder / "clone"
    shutil.rmtree(target, ignore_errors=True)  # a kept work folder from an earlier run
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True, timeout=600)
    if worktree_src:
        shutil.copytree(SRC, target / "src", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return target


def clone_env(clone: Path, **extra: str) -> dict:
    return clean_env(PYTHONPATH=str(clone / "src"), PYTHONDONTWRITEBYTECODE="1", **extra)


def top_functions(stats: pstats.Stats, key: str, n: int, only: str | None = None) -> list[tuple[str, float, int]]:
    """(function, seconds, calls) of the n largest entries by 'cumulative' or 'tottime'."""
    rows = []
    for (file, _line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        if only and only not in file:
            continue
        short = f"{Path(file).parent.name}/{Path(file).name}:{name}" if file != "~" else name
        rows.append((short, cumtime if key == "cumulative" else tottime, calls))
    return sorted(rows, key=lambda r: -r[1])[:n]


def seconds_in(stats: pstats.Stats, *names: str) -> float:
    """Cumulative seconds in functions named (module suffix:function), e.g. 'rows.py:read_rows'."""
    total = 0.0
    for (file, _line, name), (_cc, _calls, _tt, cumtime, _callers) in stats.stats.items():
        if any(file.endswith(n.split(":")[0]) and name == n.split(":")[1] for n in names):
            total += cumtime
    return total


# --- (a) build vs floor ------------------------------------------------------------------------


FLOOR_CELL = "import pandas\nimport plotly\nimport networkx"


def _bare(path: str) -> None:
    import papermill

    with contextlib.redirect_stderr(io.StringIO()):
        papermill.execute_notebook(path, path.replace(".ipynb", ".out.ipynb"), kernel_name="python3",
                                   progress_bar=False, log_output=False, cwd=str(Path(path).parent))


def floor_seconds(n: int, folder: Path, jobs: int = 1) -> float:
    """Execute n bare notebooks with papermill's API, one kernel each, ``jobs`` at a time (as the build does)."""
    import logging

    import nbformat
    import papermill  # noqa: F401  (imported before the clock starts, as the build imports it before its runs)

    logging.getLogger("papermill").setLevel(logging.WARNING)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CELL)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = folder / f"bare-{i}.ipynb"
        nbformat.write(nb, path)
        paths.append(str(path))
    start = time.perf_counter()
    if jobs <= 1:
        for path in paths:
            _bare(path)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(_bare, paths))
    return time.perf_counter() - start


def floor_in_subprocess(n: int, folder: Path, jobs: int = 1) -> float:
    """The floor, timed from outside a fresh Python process (interpreter start and imports included, as for the build)."""
    elapsed, _ = timed_run([sys.executable, __file__, "--floor", str(n), "--jobs", str(jobs), "--json", folder / "floor.json"],
                           ROOT, clean_env())
    return elapsed


def normalised_diff(clone: Path) -> tuple[list[str], list[str]]:
    """Tracked files a forced rebuild changed: those whose change is only plotly's random trace ids and the
    colophon's commit line, and the others."""
    changed = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout.split("\n")
    only_ids, real = [], []
    for line in filter(None, changed):
        path = line[3:]
        old = subprocess.run(["git", "show", f"HEAD:{path}"], cwd=clone, capture_output=True, text=True).stdout
        new = (clone / path).read_text(encoding="utf-8", errors="replace") if (clone / path).exists() else ""

        def norm(text: str) -> str:
            text = re.sub(r"trace[0-9a-f]{6}", "traceX", text)
            return re.sub(r"as of commit: [0-9a-f]{40} \S+", "as of commit: X", text)
        (only_ids if norm(old) == norm(new) else real).append(path)
    return only_ids, real


def jobs_of_build() -> int:
    sys.path.insert(0, str(SRC))
    from patronage.build.runner import default_jobs

    return default_jobs()


def build_runs(clone: Path) -> int:
    """How many notebook runs a forced build of the clone executes (the notebooks and every named scenario)."""
    code = "from patronage.build import plan; print(len(plan.default_runs()) + len(plan.scenario_runs()))"
    _, out = timed_run([sys.executable, "-c", code], clone, clone_env(clone))
    return int(out.stdout.split()[-1])


def cold_build(clone: Path, env: dict) -> dict:
    """``python -m patronage.build --force`` with build/cache emptied: every run computed from scratch."""
    shutil.rmtree(clone / "build" / "cache", ignore_errors=True)
    elapsed, out = timed_run([sys.executable, "-m", "patronage.build", "--force"], clone, env)
    per = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\s+(\S+) done in ([\d.]+) s", out.stdout, re.M)}
    return {"seconds": elapsed, "per_run_s": per}


def bench_build(args, work: Path) -> Path:
    say("(a) cold forced rebuild vs floor   goal: rebuild / floor <= 1.3")
    clone = clone_head(work, args.worktree_src)
    n, jobs = build_runs(clone), jobs_of_build()
    floor_in_subprocess(1, work / "warm")  # warm the kernel start and the imports' file cache
    env = clone_env(clone)
    floors, colds = [], []
    for r in range(args.repeats):  # in turns, so that a slow spell of the machine weighs on both alike
        floors.append(floor_in_subprocess(n, work / f"floor-{r}"))
        colds.append(cold_build(clone, env))
    floor = statistics.median(floors)
    cold_run = sorted(colds, key=lambda c: c["seconds"])[len(colds) // 2]  # the median run
    cold = cold_run["seconds"]
    say(f"    floor: {n} bare notebooks ({FLOOR_CELL.replace(chr(10), '; ')}) through papermill's API in one "
        f"Python process, one after another: {floor:.1f} s (median of {len(floors)}: {', '.join(f'{f:.1f}' for f in floors)})")
    cold_times = ", ".join(f"{c['seconds']:.1f}" for c in colds)
    say(f"    cold forced rebuild (python -m patronage.build --force, build/cache emptied, {n} runs, {jobs} at once): "
        f"{cold:.1f} s (median of {len(colds)}: {cold_times})")
    slowest = sorted(cold_run["per_run_s"].items(), key=lambda kv: -kv[1])
    say("      slowest runs: " + ", ".join(f"{k} {v:.1f} s" for k, v in slowest[:5])
        + f"; the other {max(len(slowest) - 5, 0)} together {sum(v for _, v in slowest[5:]):.1f} s")
    ratio = cold / floor
    say(f"    ratio, cold rebuild / floor: {ratio:.2f}   {verdict(ratio <= 1.3)}")
    budget = budget_line(cold_run["per_run_s"], floor * 1.3, jobs)
    if budget:
        say(budget)
    only_ids, real = normalised_diff(clone)
    if only_ids or real:
        say(f"    determinism: the forced rebuilds changed {len(only_ids) + len(real)} tracked file(s); "
            f"{len(only_ids)} only by plotly's random trace ids in SVGs and/or the colophon's commit line"
            + (f"; other changes in: {', '.join(real)}" if real else ""))
    else:
        say("    determinism: the forced rebuilds left every tracked byte as committed")
    RESULTS["build"] = {"runs": n, "jobs": jobs, "floor_s": floor, "floors_s": floors, "cold_s": cold,
                        "colds_s": [c["seconds"] for c in colds], "per_run_s": cold_run["per_run_s"], "ratio": ratio,
                        "goal": 1.3, "met": ratio <= 1.3, "changed_by_ids_only": only_ids, "changed_otherwise": real}
    if ratio > 1.3 and not args.no_profile:  # where the time of a computation from scratch goes
        per_floor = floor / n
        slow = [k for k, v in slowest if v > 1.3 * per_floor and "/" not in k][:args.profile_notebooks]
        for name in slow:
            profile_notebook(clone, clone / "notebooks" / f"{name}.ipynb", work)
    return clone


def budget_line(per_run: dict[str, float], goal_s: float, jobs: int) -> str:
    """What the goal leaves the slowest run: ``jobs`` workers busy for ``goal_s`` give jobs x goal_s worker-seconds; the
    other runs' times (as measured in the build, each on one worker) are taken from it. '' with no runs."""
    if not per_run:
        return ""
    name, slowest = max(per_run.items(), key=lambda kv: kv[1])
    others, budget = sum(per_run.values()) - slowest, jobs * goal_s
    return (f"    budget: {jobs} workers for the goal's {goal_s:.1f} s give {budget:.1f} worker-seconds; the other "
            f"{len(per_run) - 1} runs took {others:.1f} of them, which leaves {name} {max(budget - others, 0):.1f} s "
            f"(and no more than {goal_s:.1f} s on its own): it took {slowest:.1f} s")


def bench_tests(args, work: Path, clone: Path | None) -> None:
    say("(d) make test vs the cold forced rebuild   goal: make test <= 2 x the rebuild")
    if clone is None:
        clone = clone_head(work, args.worktree_src)
    env = clone_env(clone, CI="true")
    if "build" in RESULTS:  # side by side with (a): its median cold rebuild, in this same run
        full, runs = RESULTS["build"]["cold_s"], RESULTS["build"]["runs"]
        say(f"    cold forced rebuild, from (a): {full:.1f} s for {runs} runs")
    else:
        measured = cold_build(clone, env)
        full, runs = measured["seconds"], len(measured["per_run_s"])
        say(f"    cold forced rebuild (python -m patronage.build --force, build/cache emptied): {full:.1f} s for {runs} runs")
    stamp = work / "make-stamp"
    stamp.touch()  # the install step is up to date: the clone uses this interpreter's environment
    make = ["make", "-s", "-C", clone, f"VENV={Path(sys.executable).parent.parent}", f"STAMP={stamp}", "test"]
    tests, out = timed_run(make, clone, env)
    summary = "; ".join(m.group(0) for m in re.finditer(r"\d+ passed[^\n]*", out.stdout))
    ratio = tests / full
    say(f"    make test (installation excluded; nbval reads the build's cache): {tests:.1f} s   [{summary}]")
    say(f"    ratio: {ratio:.2f}   {verdict(ratio <= 2)}")
    RESULTS["tests"] = {"cold_build_s": full, "runs": runs, "make_test_s": tests, "ratio": ratio, "goal": 2,
                        "met": ratio <= 2, "summary": summary}


def bench_first_make(args, work: Path) -> None:
    say("(e) the first make on a fresh clone, installation included   goal: <= 90 s")
    clone = clone_head(work, args.worktree_src)
    env = clean_env(CI="true")
    env.pop("VIRTUAL_ENV", None)
    python = shutil.which("python3.11") or shutil.which("python3") or sys.executable
    seconds, out = timed_run(["make", "-s", "-C", clone, f"PYTHON={python}"], clone, env)
    executed = len(re.findall(r"^executing ", out.stdout, re.M))
    say(f"    make in a fresh clone (a new .venv from requirements.lock, pip's download cache as the machine has it; "
        f"then the build: {executed} runs executed): {seconds:.1f} s   {verdict(seconds <= 90)}")
    RESULTS["first_make"] = {"seconds": seconds, "runs_executed": executed, "goal": 90, "met": seconds <= 90}


NOTEBOOK_PROFILE = r'''
import cProfile, json, pstats, sys, time
import nbformat
path, out = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
ns = {"display": lambda *a, **k: None, "__name__": "__main__"}
cells, prof = [], cProfile.Profile()
for i, cell in enumerate(nb.cells):
    if cell.cell_type != "code":
        continue
    src = "\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!")))
    start = time.perf_counter()
    prof.enable()
    exec(compile(src, f"{path}#cell{i}", "exec"), ns)
    prof.disable()
    code = [l for l in cell.source.splitlines() if l.strip() and not l.lstrip().startswith("#")]
    cells.append([i, time.perf_counter() - start, code[0] if code else ""])
prof.dump_stats(out + ".prof")
json.dump(cells, open(out, "w"))
'''


def profile_notebook(clone: Path, notebook: Path, work: Path) -> None:
    """Run a notebook's code cells in one process under cProfile; print its slowest cells and functions."""
    out = work / f"profile-{notebook.stem}.json"
    env = clone_env(clone, PATRONAGE_FIGURES_DIR=str(work / "profile-figures"), PATRONAGE_DEFER_STATIC="1",
                    MPLBACKEND="Agg")
    elapsed, _ = timed_run([sys.executable, "-c", NOTEBOOK_PROFILE, notebook, out], notebook.parent, env)
    cells = json.loads(out.read_text())
    stats = pstats.Stats(str(out) + ".prof")
    say(f"    profile of {notebook.stem} (its cells run in one process under cProfile: {elapsed:.1f} s):")
    for i, secs, first in sorted(cells, key=lambda c: -c[1])[:4]:
        say(f"      cell {i:>2}: {secs:6.2f} s   {first[:90]}")
    say("      slowest functions of the package (cumulative):")
    for name, secs, calls in top_functions(stats, "cumulative", 8, only="/patronage/"):
        say(f"        {secs:6.2f} s  {calls:>8} calls  {name}")
    say("      most time spent inside (own time):")
    for name, secs, calls in top_functions(stats, "tottime", 6):
        say(f"        {secs:6.2f} s  {calls:>8} calls  {name}")
    RESULTS.setdefault("build_profile", {})[notebook.stem] = {
        "cells": cells, "cumulative": top_functions(stats, "cumulative", 15, only="/patronage/"),
        "own": top_functions(stats, "tottime", 15)}


# --- (b) incremental ---------------------------------------------------------------------------


def bench_incremental(args, work: Path, clone: Path | None) -> None:
    say("(b) incremental build with nothing changed   goal: <= 1 s")
    if clone is None:
        clone = clone_head(work, args.worktree_src)
        seconds, _ = timed_run([sys.executable, "-m", "patronage.build", "--no-scenarios"], clone, clone_env(clone))
        say(f"    (first build of the clone, to make it current: {seconds:.1f} s)")
    env = clone_env(clone)
    results = {}
    cmd = [sys.executable, "-m", "patronage.build", "--no-scenarios"]
    results["python -m patronage.build --no-scenarios"] = [timed_run(cmd, clone, env)[0] for _ in range(args.repeats)]
    if not args.quick:
        seconds, out = timed_run([sys.executable, "-m", "patronage.build"], clone, env)
        runs = len(re.findall(r"^executing ", out.stdout, re.M))
        say(f"    (the named scenarios built once first: {runs} runs, {seconds:.1f} s, not counted)")
        results["python -m patronage.build"] = [timed_run([sys.executable, "-m", "patronage.build"], clone, env)[0]
                                                for _ in range(args.repeats)]
        stamp = work / "make-stamp"
        stamp.touch()  # newer than the clone's pyproject.toml and lock: make's install step is up to date
        make = ["make", "-s", "-C", clone, f"VENV={Path(sys.executable).parent.parent}", f"STAMP={stamp}"]
        if shutil.which("make"):
            results["make"] = [timed_run(make, clone, env)[0] for _ in range(args.repeats)]
    worst = 0.0
    for name, times in results.items():
        med = statistics.median(times)
        worst = max(worst, med)
        say(f"    {name}: {med:.2f} s (median of {len(times)}: {', '.join(f'{t:.2f}' for t in times)})   {verdict(med <= 1)}")
    start_only = statistics.median(timed_run([sys.executable, "-c", "import patronage.build.runner"], clone, env)[0] for _ in range(3))
    say(f"      of which starting Python and importing patronage.build.runner: {start_only:.2f} s")
    RESULTS["incremental"] = {k: {"median_s": statistics.median(v), "runs_s": v} for k, v in results.items()}
    RESULTS["incremental"]["import_s"] = start_only
    if worst > 1 and not args.no_profile:
        prof = work / "incremental.prof"
        code = ("import cProfile, sys; from patronage.build import runner; "
                f"cProfile.run('runner.main([])', {str(prof)!r})")
        timed_run([sys.executable, "-c", code], clone, env)
        stats = pstats.Stats(str(prof))
        say("    profile of runner.main() with nothing to do (cumulative):")
        for name, secs, calls in top_functions(stats, "cumulative", 10):
            say(f"      {secs:6.2f} s  {calls:>7} calls  {name}")


# --- (c) scale ---------------------------------------------------------------------------------


STAGES = ("load + validate", "select", "graph_as_of", "make_crisis", "run_all")


def measure(folder: Path, patron: str, date: str, repeats: int, profile: str | None = None) -> dict:
    """Time the analysis path on a package, cold (the EDTF parse cache emptied) each repeat."""
    # The libraries the package imports where it first needs them are imported before the clock
    # starts: what is measured is the data's cost, and a first run is reported on its own.
    import edtf  # noqa: F401
    import pandera  # noqa: F401
    import scipy.stats  # noqa: F401
    import statsmodels.duration.survfunc  # noqa: F401

    import patronage
    from patronage.analysis import hypotheses, network
    from patronage.analysis.crisis import make_crisis
    from patronage.tables.datapackage import read_descriptor
    from patronage.tables.dates import parse_bounds
    from patronage.tables.schema import _checkers

    for res in read_descriptor(folder)["resources"]:  # pandera's schemas, built once per process whatever the
        _checkers(json.dumps(res["schema"], sort_keys=True))  # size (as the imports): not counted at any size
    runs = []
    for _ in range(repeats):
        parse_bounds.cache_clear()
        gc.collect()
        prof = cProfile.Profile() if profile else None
        t = {}
        if prof:
            prof.enable()
        start = time.perf_counter()
        tables = patronage.load(folder)
        t["load + validate"] = time.perf_counter() - start
        mark = time.perf_counter()
        view = tables.select(evidence="seed", reading="article", coding="blauvelt")
        t["select"] = time.perf_counter() - mark
        mark = time.perf_counter()
        g = network.graph_as_of(view, date)
        t["graph_as_of"] = time.perf_counter() - mark
        mark = time.perf_counter()
        crisis = make_crisis(view, patron, date)
        t["make_crisis"] = time.perf_counter() - mark
        mark = time.perf_counter()
        results = hypotheses.run_all(view, crisis)
        t["run_all"] = time.perf_counter() - mark
        if prof:
            prof.disable()
            prof.dump_stats(profile)
        t["total"] = sum(t[s] for s in STAGES)
        t["graph"] = [g.number_of_nodes(), g.number_of_edges()]
        t["verdicts"] = {r.hypothesis: r.verdict for r in results}
        t["rows"] = {name: len(frame) for name, frame in tables.frames().items()}
        runs.append(t)
        del tables, view, g, crisis, results
    out = {s: statistics.median(r[s] for r in runs) for s in (*STAGES, "total")}
    out.update(runs=[r["total"] for r in runs], graph=runs[0]["graph"], verdicts=runs[0]["verdicts"], rows=runs[0]["rows"])
    return out


def measure_in_subprocess(folder: Path, patron: str, date: str, repeats: int, out: Path,
                          profile: Path | None = None) -> dict:
    """``measure`` in a fresh interpreter (as a notebook kernel would run it); returns its result."""
    cmd = [sys.executable, __file__, "--measure", folder, "--patron", patron, "--date", date, "--repeats", str(repeats),
           "--json", out] + (["--profile-to", profile] if profile else [])
    timed_run(cmd, ROOT, clean_env())
    return json.loads(out.read_text(encoding="utf-8"))


def hypothesis_seconds(stats: pstats.Stats) -> list[tuple[str, float]]:
    from patronage.analysis import hypotheses

    # every step of the test: the functions the module hands on from the modules of the steps
    steps = {n: f for n in hypotheses.__all__ if inspect.isfunction(f := getattr(hypotheses, n))
             and n not in ("run_all", "compare_with_article", "verdict_table")}
    return [(n, seconds_in(stats, f"{Path(f.__code__.co_filename).name}:{n}")) for n, f in sorted(steps.items())]


LOAD_PARTS = (("read the CSV files (the bytes, then pandas or the csv module)", ("rows.py:parse_rows", "files.py:read_file")),
              ("type integer and boolean columns", ("columns.py:type_columns",)),
              ("schema checks (pandera, built from the Frictionless schema)", ("schema.py:check_schema",)),
              ("EDTF bounds (all)", ("columns.py:add_bounds",)),
              ("  of which the edtf library (qualified dates, ~10 ms each)", ("dates.py:_edtf_bounds",)),
              ("checksums (in a thread, while the next table is parsed)", ("integrity.py:digest",)),
              ("the descriptor checked (Frictionless; once per process)", ("datapackage.py:descriptor_problems",)),
              ("derived person columns (twice: load and select)", ("load.py:derive_person_columns",)),
              ("cross-table rule: foreign_keys", ("rules_structure.py:foreign_keys",)),
              ("cross-table rule: composite_keys", ("rules_structure.py:composite_keys",)),
              ("cross-table rule: sourcing", ("rules_sourcing.py:sourcing",)),
              ("cross-table rule: conflict_tags", ("rules_sourcing.py:conflict_tags",)),
              ("cross-table rule: chronology", ("rules_structure.py:chronology",)))


def bench_scale(args, work: Path) -> None:
    from patronage.tables import synthetic

    base_p, base_s = args.persons, args.spells
    say(f"(c) scale: synthetic prosopography, 1x = {base_p:,} persons and {base_s:,} spells   "
        "goals: <= 2 s at 1x; 10x <= 12 x the 1x time")
    say("    total = load + validate, select (seed, article, blauvelt), graph_as_of, make_crisis, run_all; "
        "cold EDTF cache each repeat")
    rows, base, first = [], None, None
    for k in args.scales:
        folder = work / f"synthetic-{k}x"
        start = time.perf_counter()
        pkg = synthetic.make_package(folder, persons=base_p * k, spells=base_s * k, seed=args.seed)
        made = time.perf_counter() - start
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        crisis = pkg.crises[0]
        first = first or crisis
        repeats = args.repeats
        out_json = work / f"scale-{k}.json"
        m = measure_in_subprocess(folder, crisis.patron, crisis.date, repeats, out_json)
        base = base or m["total"]
        m.update(scale=k, generated_s=made, megabytes=size, ratio=m["total"] / base)
        rows.append(m)
        say(f"    {k:>2}x: {m['total']:7.2f} s  ({', '.join(f'{s} {m[s]:.2f}' for s in STAGES)}; "
            f"{'median of ' + str(repeats) if repeats > 1 else 'one run'}); x{m['ratio']:.2f} the 1x time   "
            f"[{m['rows']['persons']:,} persons, {m['rows']['spells']:,} spells, {sum(m['rows'].values()):,} rows, "
            f"{size:.0f} MB, generated in {made:.1f} s; graph {m['graph'][0]:,} nodes]")
        if k != args.scales[0]:
            shutil.rmtree(folder)
    one = rows[0]
    say(f"    1x total: {one['total']:.2f} s   {verdict(one['total'] <= 2)}")
    ten = next((r for r in rows if r["scale"] == 10), None)
    if ten:
        say(f"    10x / 1x: {ten['ratio']:.2f}   {verdict(ten['ratio'] <= 12)}")
        say(f"    first runs only (fresh memory): 1x {one['runs'][0]:.2f} s, 10x {ten['runs'][0]:.2f} s, "
            f"10x / 1x {ten['runs'][0] / one['runs'][0]:.2f}")
    say(f"    verdicts at {args.scales[0]}x, crisis of {first.patron} on {first.date}: "
        + ", ".join(f"{h.split()[0]} {v}" for h, v in one["verdicts"].items()))
    RESULTS["scale"] = rows
    if (one["total"] > 2 or (ten and ten["ratio"] > 12)) and not args.no_profile:
        profile_scale(work / f"synthetic-{args.scales[0]}x", work, first)


def profile_scale(folder: Path, work: Path, crisis) -> None:
    prof = work / "scale.prof"
    start = time.perf_counter()
    measure_in_subprocess(folder, crisis.patron, crisis.date, 1, work / "scale-profile.json", prof)
    elapsed = time.perf_counter() - start
    stats = pstats.Stats(str(prof))
    say(f"    profile at 1x (cProfile, one cold run: {elapsed:.1f} s with the profiler's overhead):")
    say("      load + validate:")
    for label, names in LOAD_PARTS:
        say(f"        {seconds_in(stats, *names):6.2f} s  {label}")
    say("      analysis:")
    for label, name in (("select (readings.select)", "readings.py:select"), ("graph_as_of", "network.py:graph_as_of"),
                        ("  of which rank_as_of", "careers.py:rank_as_of"), ("make_crisis", "crisis.py:make_crisis")):
        say(f"        {seconds_in(stats, name):6.2f} s  {label}")
    for name, secs in hypothesis_seconds(stats):
        say(f"        {secs:6.2f} s  hypotheses.{name}")
    say("      most own time:")
    for name, secs, calls in top_functions(stats, "tottime", 10):
        say(f"        {secs:6.2f} s  {calls:>8} calls  {name}")
    RESULTS["scale_profile"] = {"parts": {label: seconds_in(stats, *names) for label, names in LOAD_PARTS},
                                "hypotheses": dict(hypothesis_seconds(stats)),
                                "own": top_functions(stats, "tottime", 20),
                                "cumulative": top_functions(stats, "cumulative", 30, only="/patronage/")}


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--only", default="build,incremental,scale,tests,first-make",
                        help="comma-separated: build, incremental, scale, tests, first-make")
    parser.add_argument("--scales", default="1,2,5,10", help="multiples of the 1x size (default 1,2,5,10)")
    parser.add_argument("--persons", type=int, default=40_000, help="persons at 1x")
    parser.add_argument("--spells", type=int, default=200_000, help="spells at 1x")
    parser.add_argument("--seed", type=int, default=1953, help="seed of the synthetic data")
    parser.add_argument("--repeats", type=int, default=3, help="repeats where cheap (median reported)")
    parser.add_argument("--quick", action="store_true", help="scales 1,2, one repeat, no scenario builds")
    parser.add_argument("--no-profile", action="store_true", help="do not profile missed goals")
    parser.add_argument("--profile-notebooks", type=int, default=2, help="how many of the slowest notebooks to profile")
    parser.add_argument("--worktree-src", action="store_true", help="build with the working tree's src/ instead of HEAD's")
    parser.add_argument("--json", type=Path, help="also write the measurements to this JSON file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: time one package (see measure)
    parser.add_argument("--floor", type=int, help=argparse.SUPPRESS)  # internal: execute N bare notebooks
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)  # internal: kernels at once for --floor
    parser.add_argument("--patron", help=argparse.SUPPRESS)
    parser.add_argument("--date", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        seconds = floor_seconds(args.floor, args.json.parent, args.jobs)
        args.json.write_text(json.dumps({"seconds": seconds}), encoding="utf-8")
        return 0
    if args.measure:
        result = measure(args.measure, args.patron, args.date, args.repeats, args.profile_to)
        args.json.write_text(json.dumps(result), encoding="utf-8")
        return 0
    if args.quick:
        args.scales, args.repeats = "1,2", 1
    args.scales = [int(s) for s in args.scales.split(",")]
    only = set(args.only.split(","))
    say(f"patronage benchmarks: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}")
    with contextlib.ExitStack() as stack:
        if args.keep:
            work = args.keep
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="patronage-bench-")))
        clone = bench_build(args, work / "a") if "build" in only else None
        # (b) and (d) reuse the clone (a) built, if it ran; each other part works in a folder of its own
        parts = {"incremental": lambda: bench_incremental(args, work / "a" if clone else work / "b", clone),
                 "scale": lambda: bench_scale(args, work / "c"),
                 "tests": lambda: bench_tests(args, work / "a" if clone else work / "d", clone),
                 "first-make": lambda: bench_first_make(args, work / "e")}
        for name, part in parts.items():
            if name in only:
                say()
                part()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(RESULTS, indent=2, default=str) + "\n", encoding="utf-8")
        say(f"measurements written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
