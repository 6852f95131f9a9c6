"""No network: loading, validating, the analysis, a notebook run and a rebuild work on a machine cut off.

Every command runs in a subprocess with two locks on the network:

- a ``sitecustomize`` module on PYTHONPATH, loaded by every Python process started (the command,
  the Jupyter kernel papermill starts, their children), which refuses and records any connection
  or name lookup that is not for this machine (loopback, AF_UNIX): the kernel talks to papermill
  over 127.0.0.1, which stays open. A refused attempt fails the test even if the code swallowed
  the error, since it is written to a log the test reads.
- where this runs as root and ``unshare -n`` works, a network namespace with only the loopback
  interface, which also covers what is not Python (the Chromium that draws the static figures).

The rebuild test runs ``python -m patronage.build --no-scenarios`` in a ``git clone`` of HEAD
(the working tree is not touched) and requires that it changes no tracked byte. If HEAD's
committed notebooks are stale, the build would have to execute them and the test is skipped,
naming them: run ``make`` and commit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from patronage import config

ROOT = config.PROJ_ROOT
NOTEBOOK = config.NOTEBOOKS_DIR / "03-fairbanks-test.ipynb"

GUARD = '''
"""Written by tests/test_offline.py: this Python may talk to this machine only."""
import errno
import ipaddress
import os
import socket
import sys
import traceback

_LOG = os.environ.get("PATRONAGE_NETGUARD_LOG")
_HOST = socket.gethostname()


def _local(host):
    if host in (None, "", "localhost", _HOST) or str(host).endswith(".localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what, target):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"pid {os.getpid()} {sys.argv[:3]!r}: {what} {target!r}\\n")
            fh.write("".join(traceback.format_stack(limit=12)) + "\\n")
    raise OSError(errno.ENETUNREACH, f"network blocked by tests/test_offline.py: {what} {target!r}")


def _guard(name):
    original = getattr(socket.socket, name)

    def method(self, *args):
        address = args[-1] if name in ("sendto",) else args[0]
        if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) and not _local(address[0]):
            _refuse(name, address)
        return original(self, *args)

    method.__name__ = name
    setattr(socket.socket, name, method)


for _name in ("connect", "connect_ex", "sendto"):
    _guard(_name)

_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    if not _local(host):
        _refuse("getaddrinfo", host)
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = getaddrinfo
_gethostbyname = socket.gethostbyname


def gethostbyname(host):
    if not _local(host):
        _refuse("gethostbyname", host)
    return _gethostbyname(host)


socket.gethostbyname = gethostbyname
'''


def namespace_prefix() -> list[str]:
    """``unshare -n`` with the loopback interface up, if this machine allows it; else []."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip")):
        return []
    prefix = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]
    try:
        ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return prefix if ok else []


class Offline:
    """Runs commands with the network locked; ``attempts()`` is what the guard refused."""

    def __init__(self, folder: Path):
        self.folder = folder
        (folder / "guard").mkdir(parents=True)
        (folder / "guard" / "sitecustomize.py").write_text(textwrap.dedent(GUARD).lstrip(), encoding="utf-8")
        self.log = folder / "refused.log"
        self.prefix = namespace_prefix()

    def env(self, pythonpath: list[Path] = (), **extra: str) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PATRONAGE_")}
        # the guard first, then the caller's own path (a checkout run with PYTHONPATH=src tests its own package)
        inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env.update({"PYTHONPATH": os.pathsep.join(map(str, [self.folder / "guard", *pythonpath, *inherited])),
                    "PATRONAGE_NETGUARD_LOG": str(self.log), "PYTHONDONTWRITEBYTECODE": "1",
                    "NO_PROXY": "*", "no_proxy": "*"}, **extra)
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
            env.pop(var, None)
        return env

    def run(self, args: list, cwd: Path = ROOT, timeout: float = 600, pythonpath: list[Path] = (),
            **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix, *map(str, args)], cwd=cwd, env=self.env(pythonpath, **extra),
                              capture_output=True, text=True, timeout=timeout)

    def attempts(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.exists() else ""

    def clear(self) -> None:
        self.log.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    return Offline(tmp_path_factory.mktemp("offline"))


def explain(out: subprocess.CompletedProcess) -> str:
    return f"exit {out.returncode}\n--- stdout\n{out.stdout[-4000:]}\n--- stderr\n{out.stderr[-4000:]}"


def test_the_lock_holds(offline):
    """Control: a request out is refused and recorded, a connection to this machine is not."""
    offline.clear()
    out = offline.run([sys.executable, "-c", "import urllib.request; urllib.request.urlopen('http://example.org', timeout=5)"],
                      timeout=60)
    assert out.returncode != 0 and "example.org" in offline.attempts(), explain(out)
    offline.clear()
    loopback = ("import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
                "c = socket.create_connection(s.getsockname(), timeout=5); print('ok'); c.close(); s.close()")
    out = offline.run([sys.executable, "-c", loopback], timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", explain(out)
    assert offline.attempts() == ""
    if offline.prefix:  # without the Python lock (-S: no sitecustomize), the namespace alone has no route out
        bare = ("import socket, sys\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=5)\n"
                "except OSError as e:\n    print('blocked', e.errno); sys.exit(0)\nsys.exit(1)")
        out = offline.run([sys.executable, "-S", "-c", bare], timeout=60)
        assert out.returncode == 0 and out.stdout.startswith("blocked"), explain(out)


def test_validate_offline(offline):
    offline.clear()
    out = offline.run([sys.executable, "-m", "patronage", "validate", "data"], timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("valid:"), explain(out)
    assert offline.attempts() == "", offline.attempts()


ANALYSIS = """
import patronage
from patronage.analysis import hypotheses, network
from patronage.analysis.crisis import make_crisis
from patronage.tables.names import resolve_person

tables = patronage.load()
view = tables.select(evidence="seed", reading="article", coding="blauvelt")
g = network.graph_as_of(view, "1953-06-25")
crisis = make_crisis(view, resolve_person("Beria", tables.persons), "1953-06-26")
verdicts = hypotheses.verdict_table(hypotheses.run_all(view, crisis))
print(g.number_of_nodes(), g.number_of_edges(), len(verdicts))
"""


def test_analysis_offline(offline):
    offline.clear()
    out = offline.run([sys.executable, "-c", ANALYSIS], timeout=300)
    assert out.returncode == 0, explain(out)
    nodes, edges, verdicts = map(int, out.stdout.split())
    assert nodes > 0 and edges > 0 and verdicts >= 8
    assert offline.attempts() == "", offline.attempts()


def test_the_static_export_page_loads_only_local_scripts(monkeypatch):
    """The page Chromium opens to draw the SVGs: what the Python guard above cannot see (Chromium is
    not Python), read from the arguments the package starts kaleido with. kaleido's default page
    fetches MathJax from a CDN; every script here must be a local file."""
    import re

    import kaleido

    from patronage.publish import figures

    started = {}
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *a, **kw: started.update(kw))
    monkeypatch.setattr(figures, "_kaleido_stop_registered", True)
    figures._start_kaleido()
    page = kaleido.PageGenerator(mathjax=started.get("mathjax"), plotly=started.get("plotlyjs")).generate_index()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts and all(s.startswith("file://") for s in scripts), scripts
    assert any(s.endswith("plotly.min.js") for s in scripts), scripts


def test_notebook_offline(offline, tmp_path):
    """03-fairbanks-test through papermill, its Jupyter kernel and its static figures, all cut off."""
    offline.clear()
    figures, executed = tmp_path / "figures", tmp_path / "03.ipynb"
    out = offline.run([sys.executable, "-m", "papermill", NOTEBOOK, executed, "--cwd", NOTEBOOK.parent,
                       "-k", "python3", "--no-progress-bar", "--log-level", "WARNING"],
                      timeout=600, PATRONAGE_FIGURES_DIR=str(figures))
    assert out.returncode == 0, explain(out)
    nb = json.loads(executed.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    assert (figures / "03-verdicts.csv").exists() and (figures / "03-tenure.svg").exists(), sorted(figures.iterdir())
    assert offline.attempts() == "", offline.attempts()


STALE = """
from patronage.build import inputs, plan
shared = inputs.shared_inputs_hash()
print("\\n".join(r.name for r in plan.default_runs() if not plan.is_current(r, plan.run_hash(r, shared))))
"""


def git(*args, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=120).stdout


def test_rebuild_of_a_current_build_changes_no_tracked_byte(offline, tmp_path):
    """In a clone of HEAD: `python -m patronage.build --no-scenarios` executes nothing and changes no tracked file."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=300)
    assert git("status", "--porcelain", cwd=clone) == ""
    src = [clone / "src"]  # the clone's own package: its config places data/, notebooks/, figures/ in the clone
    stale = offline.run([sys.executable, "-c", STALE], cwd=clone, pythonpath=src, timeout=120)
    assert stale.returncode == 0, explain(stale)
    if stale.stdout.strip():
        pytest.skip(f"HEAD's committed notebooks are stale ({', '.join(stale.stdout.split())} would have to be "
                    "executed), so a rebuild is not a no-op: run `make` and commit the outputs")
    offline.clear()
    out = offline.run([sys.executable, "-m", "patronage.build", "--no-scenarios"], cwd=clone, pythonpath=src, timeout=900)
    assert out.returncode == 0, explain(out)
    assert "executing" not in out.stdout, f"the build executed a notebook its records say is current:\n{out.stdout}"
    assert git("status", "--porcelain", cwd=clone) == "", git("diff", "--stat", cwd=clone)
    assert offline.attempts() == "", offline.attempts()


EXIT_ORDER = """
import atexit
order, register = [], atexit.register
atexit.register = lambda f, *a, **kw: (order.append(getattr(f, "__qualname__", repr(f))), register(f, *a, **kw))[1]
import weakref
import kaleido
kaleido.start_sync_server = lambda *a, **kw: None  # the browser's thread makes the profile folder's finalizer later
from patronage.publish import figures
figures._start_kaleido()
weakref.finalize(object.__new__(type("Profile", (), {})), lambda: None)  # the profile folder's, as the thread makes it
print(" ".join(order))
"""


def test_the_browser_stops_before_its_profile_folder_is_deleted():
    """Exit hooks run last in, first out: the hook that deletes temporary folders (weakref's, registered
    with a process's first finalizer) must be registered before the one that stops the browser, or the
    folder is deleted while the browser still writes into it ("Directory not empty" at exit)."""
    out = subprocess.run([sys.executable, "-c", EXIT_ORDER], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    order = out.stdout.split()
    assert "finalize._exitfunc" in order and "stop_sync_server" in order, order
    assert order.index("finalize._exitfunc") < order.index("stop_sync_server"), order


def test_the_browser_is_warmed_up_only_where_no_figure_is_drawn_yet(tmp_path, monkeypatch):
    """A build with an empty cache starts the browser in the background; one with drawn figures cached, or no cache,
    does not (the browser may then never be needed)."""
    from patronage import cache
    from patronage.publish import figures

    drawn = []
    monkeypatch.setattr(figures, "to_svg", lambda fig, name: drawn.append(name))
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    thread = figures.warm_up()
    thread.join(timeout=30)
    assert drawn == ["warm-up"] and not thread.is_alive()
    (tmp_path / "cache" / "svg").mkdir(parents=True)
    (tmp_path / "cache" / "svg" / "a.svg").write_text("<svg/>", encoding="utf-8")
    assert figures.warm_up() is None and drawn == ["warm-up"]
    monkeypatch.delenv(cache.CACHE_ENV)
    assert figures.warm_up() is None
