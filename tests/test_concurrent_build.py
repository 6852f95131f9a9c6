"""Builds at the same time, and a build whose parent is killed.

Everything runs in one ``git clone`` of HEAD with the working tree's ``src/`` copied over it (as in
test_safe_build.py), so the working tree is never touched; the runs take their validated tables and
drawn SVGs from the working tree's build/cache, as after ``make``.

- Two builds started together (the lightest notebook, forced): both finish, the second having waited
  for the first, and what they leave is byte for byte what one build alone writes. With
  ``--no-wait``, a build that finds another one running refuses at once, saying which.
- Two HTML editions started together: both finish, the second after the first, and docs/ holds the
  whole edition; the build's up-to-date check of the edition looks at the files it published, so an
  edition with a file deleted or changed is written again.
- Killing the build's parent (``make``, here a shell) with SIGKILL stops the build, its worker
  processes and their kernels within seconds.
- The browser's parting ``{bye}``, read with its last message, puts no traceback on a build's stderr (it did, now
  and then, at a build's exit); any other message the figure exporter cannot decode is still reported.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from patronage import config
from patronage.build import plan
from patronage.lock import build_lock

ROOT = config.PROJ_ROOT
LIGHT = "01-prosopography"  # no statistics: a few seconds

pytestmark = [pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs git and a checkout"),
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the build dies with its parent on Linux")]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("concurrent") / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True, timeout=300)
    shutil.copytree(ROOT / "src", target / "src", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return target


def env_for(clone: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATRONAGE_")}
    env.update(PYTHONPATH=str(clone / "src"), PATRONAGE_DATA_DIR=str(clone / "data"), PYTHONDONTWRITEBYTECODE="1",
               PATRONAGE_CACHE_DIR=str(config.CACHE_DIR))
    return env


def start(clone: Path, *args: str, module: str = "patronage.build") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", module, *args], cwd=clone, env=env_for(clone), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen, timeout: float = 600) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def digests(folder: Path, paths: list[str] | None = None) -> dict[str, str]:
    """sha256 of the files (all files of ``folder`` if no paths are given)."""
    paths = paths if paths is not None else sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return {p: hashlib.sha256((folder / p).read_bytes()).hexdigest() for p in paths}


def outputs(clone: Path) -> dict[str, str]:
    notebook = clone / "notebooks" / f"{LIGHT}.ipynb"
    written = plan.recorded(notebook).get("outputs", [])
    assert written, "the build recorded no outputs"
    return digests(clone, [notebook.relative_to(clone).as_posix(), *written])


def test_two_builds_started_together_run_one_after_the_other(clone):
    first = start(clone, "--only", LIGHT, "--force")
    second = start(clone, "--only", LIGHT, "--force")
    results = [finish(first), finish(second)]
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err, f"exit {code}\n{out}\n{err}"
    waited = [err for _, _, err in results if "another build of this compendium is running" in err]
    assert len(waited) == 1 and "waiting for it to finish" in waited[0], results
    together = outputs(clone)
    staging = clone / "build" / "staging"
    assert not staging.exists() or not any(p.is_file() for p in staging.rglob("*")), "a run's staging folder was left"

    code, out, err = finish(start(clone, "--only", LIGHT, "--force"))  # one build alone
    assert code == 0, err
    assert outputs(clone) == together, "two builds at once wrote other bytes than one build alone"


def test_a_build_told_not_to_wait_refuses_while_another_runs(clone):
    with build_lock(clone / "build", holder="a test holding the lock"):
        code, out, err = finish(start(clone, "--only", LIGHT, "--no-wait"), timeout=120)
    assert code == 1 and "Traceback" not in err, err
    assert f"another build of this compendium is running (pid {os.getpid()}: a test holding the lock)" in err, err
    assert "not starting a second one" in err and "executing" not in out, (out, err)


STALE = """
import json, sys
from pathlib import Path
from patronage.build import stamps
docs = Path("docs")
said = [stamps.build_edition_if_stale(), stamps.build_edition_if_stale()]
(docs / "figures" / "plotly.min.js").unlink()
said.append(stamps.build_edition_if_stale())
(docs / "notebooks" / "01-prosopography.html").write_text("changed by hand", encoding="utf-8")
said += [stamps.build_edition_if_stale(), stamps.build_edition_if_stale()]
print(json.dumps(said))
"""


def test_two_editions_at_once_leave_the_whole_edition_and_the_check_looks_at_what_was_published(clone):
    first = start(clone, "docs", module="patronage.publish.edition")
    second = start(clone, "docs", module="patronage.publish.edition")
    results = [finish(first), finish(second)]
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err, f"exit {code}\n{out}\n{err}"
    assert sum("waiting for it to finish" in err for _, _, err in results) == 1, results
    together = digests(clone / "docs")
    assert "index.html" in together and len(together) >= 10, sorted(together)
    assert not [p for p in clone.iterdir() if p.name.startswith(".docs.")], "a staging folder of the edition was left"

    # the build's check: rebuilt without a record of what it published; then not; then after a deletion and an edit
    out = subprocess.run([sys.executable, "-c", STALE], cwd=clone, env=env_for(clone), capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, False, True, True, False]
    assert digests(clone / "docs") == together, "the edition written alone differs from the two written at once"


def descendants(pid: int) -> set[int]:
    """The processes below ``pid`` (children, their children, ...), from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        above = todo.pop()
        children = [p for p, parent in parents.items() if parent == above]
        found.update(children)
        todo += children
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """True if the process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_killing_the_parent_stops_the_build_its_workers_and_kernels(clone, tmp_path):
    """As `make` runs it: a parent process that waits for the build. Two notebooks on two workers, each with its kernel."""
    log = tmp_path / "build.err"
    parent = subprocess.Popen(["sh", "-c", f'"$@" 2>{log}; exit', "make", sys.executable, "-m", "patronage.build",
                               "--only", LIGHT, "02-network", "--force", "-j", "2"], cwd=clone, env=env_for(clone),
                              stdout=subprocess.DEVNULL)
    deadline, below = time.monotonic() + 120, set()
    while time.monotonic() < deadline:  # until both kernels have started
        below = descendants(parent.pid)
        if sum("ipykernel" in command_line(p) for p in below) >= 2:
            break
        time.sleep(0.2)
    else:
        parent.kill()
        pytest.fail(f"the build did not start two kernels: {log.read_text()}")
    assert len(below) >= 5, below  # the build, two workers, two kernels
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(p) for p in below):
        time.sleep(0.2)
    left = sorted(p for p in below if alive(p))
    assert not left, f"still running after their parent was killed: {left}"
    assert "build stopped" in log.read_text(), log.read_text()


def test_the_browsers_goodbye_is_no_traceback_but_other_bad_messages_are(caplog):
    pytest.importorskip("choreographer")
    from choreographer.channels._errors import JSONError
    from choreographer.channels._wire import deserialize

    from patronage.publish import figures

    figures._quiet_goodbye()
    figures._quiet_goodbye()  # once is enough: no second filter
    pipe_log = logging.getLogger("choreographer.channels.pipe")
    assert sum(isinstance(f, figures._BrowserGoodbye) for f in pipe_log.filters) == 1
    for message in ("{bye}\n", '{"id": 1, "result"'):
        try:
            deserialize(message)
        except JSONError:
            pipe_log.exception("JSONError decoding message. Ignoring")  # as choreographer's pipe reports it
    reported = [r for r in caplog.records if r.name == "choreographer.channels.pipe"]
    assert len(reported) == 1 and reported[0].exc_info[1].__cause__.doc.startswith('{"id"'), reported
