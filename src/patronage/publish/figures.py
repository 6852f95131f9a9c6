"""Figures: one look for all of them, saved as offline HTML and static SVG, shown with a fallback.

Every figure is written twice into the figures folder: ``NAME.html`` (interactive; plotly.js
is written once beside it as ``plotly.min.js``, so the pages work offline) and ``NAME.svg``
(static, for print; kaleido with the system's Chromium). In a notebook, ``show`` displays the
interactive figure together with the SVG, so viewers that strip JavaScript still show it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import warnings
import weakref
from collections.abc import Callable
from pathlib import Path

import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio

from patronage import config
from patronage.atomic import write_text
from patronage.cache import cache_dir, versions

# Okabe & Ito (2008) colour-blind-safe palette, also the default of every plotly express figure.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
px.defaults.color_discrete_sequence = OKABE_ITO
# one colour per verdict (patronage.analysis.verdicts.VERDICTS), the same in every figure; the verdicts that
# decide nothing (no case, no data, untestable, a coding, a description) are drawn as open squares; "no case"
# in a neutral grey beside the palette's black for "no data"
VERDICT_COLOURS = {"holds": OKABE_ITO[2], "mixed": OKABE_ITO[1], "inconclusive": OKABE_ITO[5], "fails": OKABE_ITO[3],
                   "no case": "#999999", "no data": OKABE_ITO[7], "untestable": OKABE_ITO[4], "coding": OKABE_ITO[0], "descriptive": OKABE_ITO[6]}
VERDICT_SYMBOLS = {v: "square" if v in ("holds", "mixed", "inconclusive", "fails") else "square-open" for v in VERDICT_COLOURS}
px.defaults.template = "plotly_white"
WIDTH, HEIGHT = 900, 520
_BROWSER = ("chromium", "chromium-browser", "google-chrome")


def figures_dir() -> Path:
    """Where figures and tables are written: $PATRONAGE_FIGURES_DIR (the build's staging folder, the tests'
    scratch folder, or a reader's run folder set by ``patronage.build.parameters.start``), else build/runs/unnamed.

    Never the committed figures/: only the build puts files there, by moving a successful run's staging folder.
    An installed copy without a checkout has no build/: it needs $PATRONAGE_FIGURES_DIR (config.require_checkout).
    """
    if "PATRONAGE_FIGURES_DIR" in os.environ:
        return Path(os.environ["PATRONAGE_FIGURES_DIR"])
    config.require_checkout("saving a figure without $PATRONAGE_FIGURES_DIR")
    return config.BUILD_DIR / "runs" / "unnamed"


def decorate(fig: go.Figure, title: str, caption: str = "") -> go.Figure:
    """The house style: white template, Okabe-Ito colours, title and caption as subtitle."""
    fig.update_layout(template="plotly_white", colorway=OKABE_ITO, width=WIDTH, height=fig.layout.height or HEIGHT,
                      title={"text": title, "subtitle": {"text": caption}} if caption else {"text": title},
                      font={"family": "DejaVu Sans, Arial, sans-serif", "size": 12},
                      margin={"t": 90 if caption else 60})
    return fig


def _start_kaleido() -> None:
    """One browser for all of a process's static exports (a start costs about a second).

    The browser is stopped when the process exits, before the interpreter's own clean-up: left
    running, it may still write into its profile folder while that temporary folder is deleted
    ("Directory not empty", a traceback on a build's stderr). The folder is deleted by a
    ``weakref.finalize``, whose exit hook is registered when a process makes its first finalizer;
    made first in the browser's thread, it could be registered after the stop and so run before it.
    A finalizer made here, before the browser starts, registers the hook first, and hooks run last
    in, first out.

    The browser's page loads plotly.js from the installed plotly package and no MathJax (kaleido
    fetches MathJax from a CDN by default; no figure here typesets TeX), so an export reads nothing
    from the network.
    """
    import kaleido  # imports choreographer, whose loggers are its own class: not made here before it

    global _kaleido_stop_registered
    _quiet_goodbye()
    if "BROWSER_PATH" not in os.environ:
        found = next((shutil.which(b) for b in _BROWSER if shutil.which(b)), None)
        if found:
            os.environ["BROWSER_PATH"] = found
    if not _kaleido_stop_registered:
        weakref.finalize(_start_kaleido, lambda: None)
    kaleido.start_sync_server(silence_warnings=True, mathjax=False)
    if not _kaleido_stop_registered:
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _kaleido_stop_registered = True


_kaleido_stop_registered = False


class _BrowserGoodbye(logging.Filter):
    """Drops choreographer's report that it could not decode the browser's parting ``{bye}`` as JSON.

    When the browser exits, choreographer's wrapper writes ``{bye}`` into the pipe it reads. Read on its own,
    choreographer knows it; read together with the browser's last message, it is decoded as one more message,
    fails, and choreographer logs "JSONError decoding message. Ignoring" with a traceback on stderr (a build's
    exit, now and then). Nothing is lost: the message was the goodbye. Any other message it cannot decode is
    still reported.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return getattr(getattr(error, "__cause__", None), "doc", "").strip() != "{bye}"


def _quiet_goodbye() -> None:
    """Put :class:`_BrowserGoodbye` on choreographer's pipe logger, once (after choreographer is imported)."""
    pipe_log = logging.getLogger("choreographer.channels.pipe")
    if not any(isinstance(f, _BrowserGoodbye) for f in pipe_log.filters):
        pipe_log.addFilter(_BrowserGoodbye())


_BROWSER_LOCK = threading.Lock()  # one export at a time: the warm-up's (see ``warm_up``) and the build's own


def warm_up() -> threading.Thread | None:
    """Start the browser of the static exports in the background, when none of this build's figures is drawn yet.

    The browser starts with the first export and costs about two seconds of a core. A build with an empty cache
    (a fresh clone, a cleaned cache) spends its first seconds writing the exports on one core; drawing a blank
    figure meanwhile, in a thread, starts the browser on the other, so that the first finished notebook's figures
    do not wait for it. Call it only after the worker processes are forked: a fork copies the forking thread alone.

    returns: the thread drawing, to ``join`` before the process exits; None where figures are cached already
    (the browser is then perhaps never needed) or no cache is in use.
    """
    folder = cache_dir()
    if folder is None or any((folder / "svg").glob("*.svg")):
        return None
    thread = threading.Thread(target=to_svg, args=(go.Figure(layout={"width": 100, "height": 100}), "warm-up"),
                              name="browser warm-up")
    thread.start()
    return thread


def to_svg(fig: go.Figure, name: str) -> str:
    """The figure as an SVG document (kaleido), its random element ids replaced by ones made from ``name``.

    plotly.js gives each drawing a random six-hex-digit id (defs-1e6c76, clip1e6c76xyplot, ...);
    fixing it makes the same figure give the same bytes.
    """
    with _BROWSER_LOCK, warnings.catch_warnings():
        _start_kaleido()
        warnings.simplefilter("ignore", UserWarning)  # "kopts ignored if using a server": expected
        svg = pio.to_image(fig, format="svg", width=fig.layout.width or WIDTH, height=fig.layout.height or HEIGHT).decode()
    uid = re.search(r'id="defs-([0-9a-f]{6})"', svg)
    if uid:
        svg = svg.replace(uid.group(1), hashlib.sha256(name.encode()).hexdigest()[:6])
    return svg


def save(fig: go.Figure, name: str) -> Path:
    """Write NAME.html (interactive, offline) into the figures folder; NAME.svg unless deferred.

    returns: the path of the HTML file.
    """
    out = figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    for i, trace in enumerate(fig.data):  # plotly.js names traces by a random uid unless given one
        if trace.uid is None:
            trace.uid = f"{name}-{i}"
    html = out / f"{name}.html"
    fig.write_html(html, include_plotlyjs="directory", full_html=True, div_id=name,
                   config={"displaylogo": False, "responsive": True})
    if not deferred():
        write_svg(fig, name, out)
    return html


def write_svg(fig: go.Figure | dict, name: str, folder: Path) -> str:
    """Write NAME.svg into ``folder``; returns the SVG text.

    ``fig`` is a figure or its plotly JSON (``data`` and ``layout``, as a notebook output holds it).
    The cache key is that JSON with sorted keys, the same for a figure and for its JSON; a plotly
    Figure (which validates every property: about a tenth of a second) is built only to draw.
    """
    spec = fig if isinstance(fig, dict) else json.loads(pio.to_json(fig, remove_uids=False))
    spec = {k: spec[k] for k in ("data", "layout") if k in spec}
    svg = cached_svg(json.dumps(spec, sort_keys=True), name,
                     lambda: to_svg(go.Figure(spec) if isinstance(fig, dict) else fig, name))
    (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
    return svg


def deferred() -> bool:
    """True when the caller (the build runner, the test suite) draws the static SVGs itself.

    Starting a browser for the SVG export costs about three seconds a process; the build
    runner starts one for all notebooks instead of one per kernel.
    """
    return os.environ.get(DEFER_ENV) == "1"


DEFER_ENV = "PATRONAGE_DEFER_STATIC"
FIGURE_KEY = "patronage_figure"


def show(fig: go.Figure, name: str) -> None:
    """Save the figure and display it: interactive plotly output plus the static SVG fallback.

    When static export is deferred, the output carries the figure's name in its metadata and
    the build runner adds the SVG (see ``patronage.build.add_static_figures``).
    """
    from IPython.display import display

    save(fig, name)
    bundle = {"application/vnd.plotly.v1+json": json.loads(pio.to_json(fig, remove_uids=False)) | {"config": {"displaylogo": False}},
              "text/plain": f"Figure {name!r}: saved as {name}.html and {name}.svg"}
    if not deferred():
        bundle["image/svg+xml"] = (figures_dir() / f"{name}.svg").read_text(encoding="utf-8")
    display(bundle, raw=True, metadata={FIGURE_KEY: name})


def cached_svg(figure_json: str, name: str, draw: Callable[[], str]) -> str:
    """The SVG text of a figure: ``draw()``, or the one drawn before for the same figure (its plotly JSON and name)."""
    folder = cache_dir()
    if folder is None:
        return draw()
    key = hashlib.sha256("\0".join([figure_json, name, versions("plotly", "kaleido")]).encode()).hexdigest()
    path = folder / "svg" / f"{key}.svg"
    if path.exists():
        return path.read_text(encoding="utf-8")
    svg = draw()
    write_text(path, svg)
    return svg
