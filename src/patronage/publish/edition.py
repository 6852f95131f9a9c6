"""An offline HTML edition of the compendium: one folder that reads in any browser, with no network.

``python -m patronage.publish.edition [OUT_DIR]`` (default: docs/) writes::

    index.html              the question, the verdicts, and a link to everything below
    notebooks/NAME.html     one page per executed notebook (nbconvert, 'lab' template, no CDN)
    figures/                NAME.html, NAME.svg, 03-verdicts.csv, and plotly.min.js: the one copy
                            of plotly.js that every page of the edition loads
    data/                   the data package: *.csv and datapackage.json
    exports/assertions.csv  the flat export of every assertion
    CITATION.cff, CITATION.bib

- Interactive figures: each notebook output holding 'application/vnd.plotly.v1+json' becomes a
  div drawn by ``Plotly.newPlot`` (id: fig-NOTEBOOK-CELL-OUTPUT), its static SVG kept in <noscript>.
- Offline: the template loads no require.js, MathJax, Mermaid, widget manager or web font.
- Code hiding: cells tagged 'remove_input' lose their input ('remove_output' their outputs,
  'remove_cell' the whole cell); every page has a checkbox that hides all code.
- Deterministic and atomic: no timestamps or random ids, so two builds write identical bytes; the
  edition is built in a temporary folder of its own beside OUT_DIR, which then replaces OUT_DIR.
- One at a time: it holds the compendium's build lock (:mod:`patronage.lock`) while it reads the
  notebooks and figures and replaces OUT_DIR, so it never copies a build's half-written outputs, and
  two editions started together write one after the other, each complete.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import yaml
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from patronage import config
from patronage.errors import CheckoutError
from patronage.lock import build_lock

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_JS = "figures/plotly.min.js"
FIGURE_KEY = "patronage_figure"  # as patronage.publish.figures.FIGURE_KEY, without importing plotly's styling
GENERATOR = "patronage.edition"  # the editions' mark (check_target looks for it): kept as earlier editions wrote it
DOI_URL = "https://doi.org/"

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


def figure_titles(notebooks: list[Path]) -> dict[str, tuple[str, str]]:
    """Figure name -> (its title, the notebook stem that draws it), from the notebooks' outputs."""
    found = {}
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                name = out.get("metadata", {}).get(FIGURE_KEY)
                spec = out.get("data", {}).get(PLOTLY_MIME)
                if name and spec:
                    title = spec.get("layout", {}).get("title", {})
                    text = title.get("text", "") if isinstance(title, dict) else str(title)
                    found[name] = (re.sub(r"<[^>]+>", " ", text).strip(), path.stem)
    return found


def copy_inputs(root: Path, out: Path) -> None:
    """Copy figures (without their plotly.min.js), the data package, the export and the citation files."""
    groups = [("figures", ("*.html", "*.svg", "*.csv")), ("data", ("*.csv", "datapackage.json")), ("exports", ("assertions.csv",))]
    for folder, patterns in groups:
        (out / folder).mkdir(parents=True, exist_ok=True)
        for pattern in patterns:
            for src in sorted((root / folder).glob(pattern)):
                shutil.copyfile(src, out / folder / src.name)
    for name in ("CITATION.cff", "CITATION.bib"):
        if (root / name).exists():
            shutil.copyfile(root / name, out / name)


def write(path: Path, text: str) -> None:
    """Write UTF-8 text with \\n line endings on every system, so the bytes are the same everywhere."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_plotly_js(out: Path) -> None:
    """Write the installed plotly package's plotly.min.js, once, into the edition's figures folder."""
    from plotly.offline import get_plotlyjs

    write(out / PLOTLY_JS, get_plotlyjs())


def table_row(cells: list[str], tag: str = "td") -> str:
    """One HTML table row of escaped text cells."""
    return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"


def csv_table(path: Path) -> str:
    """A CSV file as an HTML table."""
    with path.open(encoding="utf-8", newline="") as fh:
        head, *body = list(csv.reader(fh))
    return f"<table><thead>{table_row(head, 'th')}</thead><tbody>{''.join(table_row(r) for r in body)}</tbody></table>"


INDEX_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1.5em;
  line-height: 1.5; color: #222; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 0.35em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.9em; }
.muted { color: #666; font-size: 0.9em; }
"""

QUESTION = """
<p>Were Stalin-era patronage networks as stable as Charles Fairbanks (1983) argued? Clients, he held, rarely
defected, because high offices were scarce: a patron had little motive to reward a change of sides at the
expense of his own clients, and rewarding a turncoat set a dangerous precedent for his own network.</p>
<p>This compendium tests the claim against the case Timothy Blauvelt (2008) studied. Sergei Kruglov and
Ivan Serov, Lavrentii Beria's first deputies at the Ministry of Internal Affairs, helped to arrest their
patron on 26 June 1953 and were rewarded, while his loyal lieutenants were shot. Each of Fairbanks' claims is
written as a function computed from curated tables in which every fact carries its source, a locator, a short
exact quotation and an evidence level; the notebooks below compute the test, and each can be re-run with
another patron, crisis, coding of the ties or reading of the sources.</p>
"""


def index_notebooks(notebooks: list[Path], titles: dict[str, str]) -> str:
    """The list of notebook pages, each with its question."""
    items = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        note = "" if is_executed(nb) else ' <span class="muted">(not executed yet)</span>'
        items.append(f'<li><a href="notebooks/{path.stem}.html">{html.escape(titles[path.stem])}</a>{note}'
                     f"<br>{html.escape(notebook_question(nb))}</li>")
    return f"<ol>{''.join(items)}</ol>"


def index_figures(root: Path, titles: dict[str, tuple[str, str]]) -> str:
    """The table of figures: title, notebook, interactive and static versions."""
    rows = []
    for name in sorted({p.stem for pattern in ("*.html", "*.svg") for p in (root / "figures").glob(pattern)}):
        title, stem = titles.get(name, ("", ""))
        links = " · ".join(f'<a href="figures/{name}.{ext}">{label}</a>' for ext, label in (("html", "interactive"), ("svg", "SVG"))
                           if (root / "figures" / f"{name}.{ext}").exists())
        source = f'<a href="notebooks/{stem}.html">{stem}</a>' if stem else ""
        rows.append(f"<tr><td><code>{name}</code></td><td>{html.escape(title)}</td><td>{source}</td><td>{links}</td></tr>")
    return ("<table><thead><tr><th>figure</th><th>title</th><th>notebook</th><th>files</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def index_data(root: Path) -> str:
    """The table of data files: every resource of the data package, the export, the verdicts."""
    package = json.loads((root / "data" / config.PACKAGE_FILE).read_text(encoding="utf-8"))
    rows = [(f"data/{r['path']}", r.get("title", r["name"]), r.get("description", "")) for r in package["resources"]]
    rows += [(f"data/{config.PACKAGE_FILE}", "Data package descriptor", "Every table's fields, types, allowed values and keys (Frictionless)."),
             ("exports/assertions.csv", "All assertions", "Every assertion of every table in one table, for Palladio, Gephi or R."),
             ("figures/03-verdicts.csv", "Verdicts", "The verdict table of notebook 03's default run.")]
    known = {p for p, _, _ in rows}
    rows += [(f"figures/{p.name}", p.stem, "A table computed by the notebook of the same number.")
             for p in sorted((root / "figures").glob("*.csv")) if f"figures/{p.name}" not in known]
    body = "".join(f'<tr><td><a href="{p}">{html.escape(p)}</a></td><td>{html.escape(t)}</td><td>{html.escape(d)}</td></tr>'
                   for p, t, d in rows if (root / p).exists())
    return f"<table><thead><tr><th>file</th><th>table</th><th>holds</th></tr></thead><tbody>{body}</tbody></table>"


def index_citation(root: Path) -> str:
    """How to cite: the compendium (from CITATION.cff and CITATION.bib) and the article, with its DOI."""
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    authors = ", ".join(a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}" for a in cff.get("authors", []))
    year = str(cff.get("date-released", ""))[:4]
    text = f"<p>{html.escape(authors)} ({year}). <i>{html.escape(cff['title'])}</i> (version {html.escape(str(cff.get('version', '')))}).</p>"
    bib = (root / "CITATION.bib").read_text(encoding="utf-8") if (root / "CITATION.bib").exists() else ""
    for ref in cff.get("references", []):
        if ref.get("doi"):
            who = ", ".join(f"{a.get('family-names', '')}, {a.get('given-names', '')[:1]}." for a in ref.get("authors", []))
            text += (f"<p>Cite the case itself as: {html.escape(who)} ({ref.get('year')}). {html.escape(ref['title'])}. "
                     f"<i>{html.escape(ref.get('journal', ''))}</i> {ref.get('volume', '')}: {ref.get('start', '')}–{ref.get('end', '')}. "
                     f'<a href="{DOI_URL}{html.escape(ref["doi"])}">doi:{html.escape(ref["doi"])}</a></p>')
    return (text + f"<pre>{html.escape(bib)}</pre>"
            '<p><a href="CITATION.cff">CITATION.cff</a> · <a href="CITATION.bib">CITATION.bib</a></p>')


def render_index(root: Path, notebooks: list[Path], titles: dict[str, str]) -> str:
    """The edition's front page."""
    verdicts = root / "figures" / "03-verdicts.csv"
    verdict_block = (f'<h2 id="verdicts">The verdicts of the default run</h2>{csv_table(verdicts)}'
                     '<p class="muted">From <a href="figures/03-verdicts.csv">figures/03-verdicts.csv</a>; '
                     'see notebook 3 for each statistic, what it can and cannot show, and the article\'s own reading.</p>'
                     if verdicts.exists() else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="{GENERATOR}">
<title>Patronage and betrayal, computed</title>
<style>{INDEX_STYLE}</style>
</head>
<body>
<h1>Patronage and betrayal, computed</h1>
<p class="subtitle">A reproducible compendium testing Fairbanks' stability claim on the Kruglov and Serov case</p>
<h2 id="question">The question</h2>
{QUESTION}
{verdict_block}
<h2 id="notebooks">The notebooks</h2>
{index_notebooks(notebooks, titles)}
<h2 id="figures">Figures</h2>
{index_figures(root, figure_titles(notebooks))}
<h2 id="data">Data</h2>
{index_data(root)}
<h2 id="cite">Cite</h2>
{index_citation(root)}
<p class="muted">This edition works offline: every page, figure and table is in this folder.
Code: MIT. Data, text and figures: CC BY 4.0.</p>
</body>
</html>
"""


def write_edition(root: Path, out: Path) -> None:
    """Write every file of the edition into the folder ``out`` (which must exist and be empty)."""
    notebooks = sorted((root / "notebooks").glob("[0-9]*.ipynb"))
    titles = {p.stem: notebook_title(nbformat.read(p, as_version=4)) or p.stem for p in notebooks}
    copy_inputs(root, out)
    write_plotly_js(out)
    (out / "notebooks").mkdir(exist_ok=True)
    exporter = make_exporter()
    stems = [p.stem for p in notebooks]
    for path in notebooks:
        write(out / "notebooks" / f"{path.stem}.html", render_notebook(path, stems, titles, exporter))
    write(out / "index.html", render_index(root, notebooks, titles))


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target``: two renames, never a half-written edition."""
    old = _own(target, "old")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _own(target: Path, what: str) -> Path:
    """A path beside ``target`` that is this process's own (.docs.building-PID), emptied of what a
    killed process of the same id may have left."""
    path = target.with_name(f".{target.name}.{what}-{os.getpid()}")
    shutil.rmtree(path, ignore_errors=True)
    return path


def check_target(target: Path) -> None:
    """Refuse to replace a folder that is neither empty nor an edition (a mistyped OUT_DIR)."""
    if target.exists() and any(target.iterdir()):
        index = target / "index.html"
        if not (index.exists() and f'content="{GENERATOR}"' in index.read_text(encoding="utf-8", errors="replace")):
            raise FileExistsError(f"{target} exists and is not an edition; not replacing it")


def build_edition(out_dir: Path | None = None, root: Path = config.PROJ_ROOT) -> Path:
    """Build the edition of the compendium at ``root`` into ``out_dir`` (default: ROOT/docs), atomically.

    returns: the edition folder.
    """
    target = Path(out_dir) if out_dir is not None else root / "docs"
    target = target.resolve()
    with build_lock(Path(root) / "build", holder="python -m patronage.publish.edition"):
        check_target(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = _own(target, "building")
        staging.mkdir()
        try:
            write_edition(Path(root), staging)
            replace_dir(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


def main(argv: list[str] | None = None) -> int:
    """Build the edition; prints where it is and how long it took."""
    parser = argparse.ArgumentParser(prog="python -m patronage.publish.edition", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=config.PROJ_ROOT / "docs", help="the edition folder (default: docs/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        config.require_checkout("python -m patronage.publish.edition")
        out = build_edition(args.out_dir)
    except (CheckoutError, FileExistsError) as exc:
        print(exc, file=sys.stderr)
        return 2
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"wrote {out} ({files} files) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
