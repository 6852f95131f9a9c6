"""The runs executed in worker processes, as many at once as asked, which stop with the build: killing the build
(or its parent, ``make``) ends the workers and their kernels; the runs that had not finished keep their
previous outputs."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable

from patronage.build.execute import finish, run_papermill
from patronage.build.plan import Run


def _worker(run: Run) -> tuple[str, object, float]:
    """In a worker process: ("ok", notebook, seconds), or ("failed", message, seconds) instead of raising
    (an exception does not always survive the trip back between processes)."""
    start = time.perf_counter()
    try:
        return "ok", run_papermill(run), time.perf_counter() - start
    except Exception as exc:  # reported by the parent with the notebook's name
        return "failed", _summary(exc), time.perf_counter() - start


def _summary(exc: BaseException) -> str:
    """An exception in one line: its class and the last line of its message."""
    text = str(exc).strip()
    return f"{exc.__class__.__name__}: {text.splitlines()[-1] if text else ''}"


def execute_all(runs: list[tuple[Run, str]], jobs: int, prepare: Callable[[], bool] = lambda: True) -> list[str] | None:
    """Execute the runs, ``jobs`` kernels at a time, started in the order given; returns the names of those that failed.

    Kernels run in worker processes (each sets its own environment for its kernel); this process
    draws the static figures of each finished run with its one browser and writes the outputs,
    so a run's files are replaced only when that run succeeded.

    prepare: called once the worker processes exist and before any run is given to them, so that what it
    starts in this process (a thread: the browser's warm-up) is not copied into a fork; it returns False to stop
    before any run, and then None is returned.
    """
    failures: list[str] = []
    if jobs <= 1 or len(runs) <= 1:
        if not prepare():
            return None
        _announce(runs)
        for run, inputs in runs:
            _report(run, inputs, *_worker(run), failures)
        return failures
    return failures if _execute_in_pool(runs, jobs, failures, prepare) else None


def _announce(runs: list[tuple[Run, str]]) -> None:
    for run, _ in runs:
        print(f"executing {run.name} ...", flush=True)


def _report(run: Run, inputs: str, status: str, value, seconds: float, failures: list[str]) -> None:
    """A finished run: its outputs moved into place and said done; or, if it or that failed, its name added to ``failures``."""
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


def _execute_in_pool(runs: list[tuple[Run, str]], jobs: int, failures: list[str], prepare: Callable[[], bool]) -> bool:
    """The runs in ``jobs`` worker processes, each reported as it finishes; stopped, the runs in progress stop too.
    False if ``prepare`` stopped the build before any run."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fork (Linux): the workers start with this process's imports instead of importing papermill again;
    # elsewhere fork is unavailable (Windows) or unsafe (macOS) and the workers are spawned
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method), initializer=_start_worker)
    try:
        pool.submit(os.getpid).result()  # under fork the first task starts every worker: forked now, before prepare()
        if not prepare():
            pool.shutdown(cancel_futures=True)
            return False
        _announce(runs)
        futures = {pool.submit(_worker, run): (run, inputs) for run, inputs in runs}
        for future in as_completed(futures):
            run, inputs = futures[future]
            _report(run, inputs, *future.result(), failures)
    except BaseException:  # stopped (Ctrl-C, SIGTERM, the parent gone): the runs in progress stop too
        # leaving the pool's block would wait for every running notebook to finish; the executor has no
        # public way to stop work already started, so its worker processes are ended here
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return True


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
