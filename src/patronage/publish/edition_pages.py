"""The notebook pages of the offline HTML edition: nbconvert's 'lab' template without a CDN, require.js,
MathJax, Mermaid, widgets or web fonts; each plotly output drawn by ``Plotly.newPlot`` from the one local
plotly.min.js, its static SVG kept in <noscript>; a bar to the previous and next notebooks, and a
checkbox that hides all code."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_JS = "figures/plotly.min.js"
FIGURE_KEY = "patronage_figure"  # as patronage.publish.figures.FIGURE_KEY, without importing plotly's styling
GENERATOR = "patronage.edition"  # the editions' mark (check_target looks for it): kept as earlier editions wrote it

STYLE = """
.edition-nav { display: flex; flex-wrap: wrap; gap: 0.4em 1.5em; align-items: center; padding: 0.6em 0;
  margin-bottom: 1em; border-bottom: 1px solid #ccc; font-family: var(--jp-ui-font-family, sans-serif); font-size: 14px; }
.edition-nav .edition-toggle { margin-left: auto; }
.edition-banner { background: #fff3cd; border: 1px solid #e0c36b; padding: 0.6em 1em; margin: 1em 0; }
.edition-figure { min-height: 2em; }
body.edition-hide-code .jp-CodeCell > .jp-Cell-inputWrapper { display: none; }
body.edition-hide-code .jp-OutputPrompt { visibility: hidden; }
body .jp-OutputArea-output.jp-RenderedHTMLCommon :is(td, th) { text-align: left; vertical-align: top; }  /* prose reads left */
"""

TOGGLE_JS = """
(function () {
  var box = document.getElementById("edition-hide-code");
  function apply() { document.body.classList.toggle("edition-hide-code", box.checked); }
  try { box.checked = localStorage.getItem("edition-hide-code") === "1"; } catch (e) {}
  box.addEventListener("change", function () {
    try { localStorage.setItem("edition-hide-code", box.checked ? "1" : "0"); } catch (e) {}
    apply();
  });
  apply();
})();
"""

TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
<meta name="generator" content="GENERATOR">
{%- if resources.edition.figures %}
<script charset="utf-8" src="{{ resources.edition.plotly_src }}"></script>
{%- endif -%}
{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">STYLE</style>{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.edition.nav }}
{{ resources.edition.banner }}
{%- endblock body_header -%}
{%- block footer_js -%}<script>TOGGLE_JS</script>{%- endblock footer_js -%}
""".replace("GENERATOR", GENERATOR).replace("STYLE", STYLE).replace("TOGGLE_JS", TOGGLE_JS)


def figure_html(div_id: str, spec: dict, svg: str = "") -> str:
    """A div drawn by Plotly.newPlot from the figure JSON, with the static SVG as <noscript> fallback."""
    figure = {k: spec[k] for k in ("data", "layout", "config") if k in spec}
    payload = json.dumps(figure, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    return (f'<div id="{div_id}" class="edition-figure"></div>\n'
            f'<script>(function () {{ var f = {payload};\n'
            f'Plotly.newPlot("{div_id}", f.data, f.layout, f.config || {{}}); }})();</script>\n'
            + (f"<noscript>{svg}</noscript>\n" if svg else ""))


class PlotlyFigures(Preprocessor):
    """Replace each plotly output by ``figure_html`` (ids from the notebook's name and positions)."""

    def preprocess(self, nb, resources: dict):
        """Rewrite the outputs in place; counts them in resources['edition']['figures']."""
        stem = resources["metadata"]["name"]
        count = 0
        for i, cell in enumerate(nb.cells):
            for j, out in enumerate(cell.get("outputs", [])):
                data = out.get("data", {})
                if PLOTLY_MIME in data:
                    out["data"] = {"text/html": figure_html(f"fig-{stem}-{i}-{j}", data[PLOTLY_MIME], data.get("image/svg+xml", ""))}
                    count += 1
        resources.setdefault("edition", {})["figures"] = count
        return nb, resources


def make_exporter() -> HTMLExporter:
    """nbconvert's HTMLExporter with the edition's template: lab look, no CDN, plotly drawn locally."""
    exporter = HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"edition.html.j2": TEMPLATE})],
                            template_file="edition.html.j2")
    exporter.register_preprocessor(PlotlyFigures(), enabled=True)  # before the tag filter: ids use original positions
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={"remove_input"}, remove_cell_tags={"remove_cell"},
                                                         remove_all_outputs_tags={"remove_output"}), enabled=True)
    return exporter


def notebook_title(nb) -> str:
    """The first markdown heading of a notebook, without its '#'s ('' if none)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#+\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return ""


def notebook_question(nb) -> str:
    """The notebook's '**Question.**' sentence, as plain text ('' if none)."""
    for cell in nb.cells:
        match = re.search(r"\*\*Question\.\*\*\s*(.+)", cell.source) if cell.cell_type == "markdown" else None
        if match:
            return re.sub(r"[*`]", "", match.group(1)).strip()
    return ""


def is_executed(nb) -> bool:
    """True if any code cell of the notebook carries outputs."""
    return any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def nav_html(stems: list[str], titles: dict[str, str], current: str) -> str:
    """The bar at the top of a notebook page: the index, the previous and next notebooks, the code toggle."""
    i = stems.index(current)
    links = ['<a href="../index.html">← Contents</a>']
    if i > 0:
        links.append(f'<a href="{stems[i - 1]}.html">‹ {html.escape(titles[stems[i - 1]])}</a>')
    if i < len(stems) - 1:
        links.append(f'<a href="{stems[i + 1]}.html">{html.escape(titles[stems[i + 1]])} ›</a>')
    toggle = '<label class="edition-toggle"><input type="checkbox" id="edition-hide-code"> Hide code</label>'
    return f'<nav class="edition-nav">{" ".join(links)}{toggle}</nav>'


def render_notebook(path: Path, stems: list[str], titles: dict[str, str], exporter: HTMLExporter) -> str:
    """One notebook as a self-contained page of the edition (but for the shared plotly.min.js)."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["title"] = titles[path.stem]
    banner = "" if is_executed(nb) else (
        '<p class="edition-banner">This notebook has no outputs yet: run <code>make</code> and rebuild the edition.</p>')
    resources = {"metadata": {"name": path.stem},
                 "edition": {"plotly_src": f"../{PLOTLY_JS}", "nav": nav_html(stems, titles, path.stem), "banner": banner}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body
