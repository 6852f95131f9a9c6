"""Figures: one look for all of them, saved as offline HTML and static SVG, shown with a fallback.

Every figure is written twice into the figures folder: ``NAME.html`` (interactive; plotly.js
is written once beside it as ``plotly.min.js``, so the pages work offline) and ``NAME.svg``
(static, for print; kaleido with the system's Chromium). In a notebook, ``show`` displays the
interactive figure together with the SVG, so viewers that strip JavaScript still show it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import warnings
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from patronage import config

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
WIDTH, HEIGHT = 900, 520
_BROWSER = ("chromium", "chromium-browser", "google-chrome")


def figures_dir() -> Path:
    """Where figures are written: $PATRONAGE_FIGURES_DIR if the build set it, else figures/."""
    return Path(os.environ.get("PATRONAGE_FIGURES_DIR", config.FIGURES_DIR))


def decorate(fig: go.Figure, title: str, caption: str = "") -> go.Figure:
    """The house style: white template, Okabe-Ito colours, title and caption as subtitle."""
    fig.update_layout(template="plotly_white", colorway=OKABE_ITO, width=WIDTH, height=HEIGHT,
                      title={"text": title, "subtitle": {"text": caption}} if caption else {"text": title},
                      font={"family": "DejaVu Sans, Arial, sans-serif", "size": 12},
                      margin={"t": 90 if caption else 60})
    return fig


def _start_kaleido() -> None:
    """One browser for all of a process's static exports (a start costs about a second)."""
    import kaleido

    if "BROWSER_PATH" not in os.environ:
        found = next((shutil.which(b) for b in _BROWSER if shutil.which(b)), None)
        if found:
            os.environ["BROWSER_PATH"] = found
    kaleido.start_sync_server(silence_warnings=True)


def to_svg(fig: go.Figure, name: str) -> str:
    """The figure as an SVG document (kaleido), its random element ids replaced by ones made from ``name``.

    plotly.js gives each drawing a random six-hex-digit id (defs-1e6c76, clip1e6c76xyplot, ...);
    fixing it makes the same figure give the same bytes.
    """
    _start_kaleido()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "kopts ignored if using a server": expected
        svg = pio.to_image(fig, format="svg", width=fig.layout.width or WIDTH, height=fig.layout.height or HEIGHT).decode()
    uid = re.search(r'id="defs-([0-9a-f]{6})"', svg)
    if uid:
        svg = svg.replace(uid.group(1), hashlib.sha256(name.encode()).hexdigest()[:6])
    return svg


def save(fig: go.Figure, name: str) -> tuple[Path, Path, str]:
    """Write NAME.html and NAME.svg into the figures folder.

    returns: (html path, svg path, svg text)
    """
    out = figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    html = out / f"{name}.html"
    fig.write_html(html, include_plotlyjs="directory", full_html=True, div_id=name,
                   config={"displaylogo": False, "responsive": True})
    svg_text = to_svg(fig, name)
    svg = out / f"{name}.svg"
    svg.write_text(svg_text, encoding="utf-8")
    return html, svg, svg_text


def show(fig: go.Figure, name: str) -> None:
    """Save the figure and display it: interactive plotly output plus the static SVG fallback."""
    from IPython.display import display

    _, _, svg_text = save(fig, name)
    bundle = {"application/vnd.plotly.v1+json": json.loads(pio.to_json(fig)) | {"config": {"displaylogo": False}},
              "image/svg+xml": svg_text,
              "text/plain": f"Figure {name!r}: saved as {name}.html and {name}.svg"}
    display(bundle, raw=True)
