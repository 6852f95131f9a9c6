"""The front page of the offline HTML edition: the question, the verdicts of the default run, the notebooks
with their questions, the figures, the data files and how to cite."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import nbformat
import yaml

from patronage import config
from patronage.publish.edition_pages import FIGURE_KEY, GENERATOR, PLOTLY_MIME, is_executed, notebook_question


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


def table_row(cells: list[str], tag: str = "td") -> str:
    """One HTML table row of escaped text cells."""
    return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"


def csv_table(path: Path, columns: list[str] | None = None) -> str:
    """A CSV file as an HTML table: every column, or only ``columns`` (those of them the file has), in their order."""
    with path.open(encoding="utf-8", newline="") as fh:
        head, *body = list(csv.reader(fh))
    keep = [head.index(c) for c in columns if c in head] if columns else list(range(len(head)))
    rows = "".join(table_row([r[i] for i in keep]) for r in body)
    return f"<table><thead>{table_row([head[i] for i in keep], 'th')}</thead><tbody>{rows}</tbody></table>"


# the front page's verdict table: what each step found; its claim, population, rule and reasons are in notebook 3 and the CSV
VERDICT_COLUMNS = ["hypothesis", "step", "value", "verdict", "could_differ"]


DOI_URL = "https://doi.org/"
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
Ivan Serov, Lavrenty Beria's first deputies at the Ministry of Internal Affairs, helped to arrest their
patron on 26 June 1953 and were rewarded, while his loyal lieutenants were shot. Each of Fairbanks' claims is
written as a function computed from curated tables in which every fact carries its source, a locator and an
evidence level, and a short exact quotation wherever the work could be quoted; the notebooks below compute the test, and each can be re-run with
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
             ("data/crises.yaml", "The crisis panel's list", "The crises of notebook 05: patron, day, event and model of each."),
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
            who = ", ".join(f"{a.get('family-names', '')}, " + "".join(f"{g[0]}." for g in a.get("given-names", "").split())
                            for a in ref.get("authors", []))  # every initial: 'Timothy K.' is 'T.K.'
            text += (f"<p>Cite the case itself as: {html.escape(who)} ({ref.get('year')}). {html.escape(ref['title'])}. "
                     f"<i>{html.escape(ref.get('journal', ''))}</i> {ref.get('volume', '')}: {ref.get('start', '')}–{ref.get('end', '')}. "
                     f'<a href="{DOI_URL}{html.escape(ref["doi"])}">doi:{html.escape(ref["doi"])}</a></p>')
    return (text + f"<pre>{html.escape(bib)}</pre>"
            '<p><a href="CITATION.cff">CITATION.cff</a> · <a href="CITATION.bib">CITATION.bib</a></p>')


def render_index(root: Path, notebooks: list[Path], titles: dict[str, str]) -> str:
    """The edition's front page."""
    verdicts = root / "figures" / "03-verdicts.csv"
    verdict_block = (f'<h2 id="verdicts">The verdicts of the default run</h2>{csv_table(verdicts, VERDICT_COLUMNS)}'
                     '<p class="muted">Each step\'s claim, population, rule and reasons are in '
                     '<a href="figures/03-verdicts.csv">figures/03-verdicts.csv</a>; notebook 3 gives each statistic, '
                     'what it can and cannot show, and the article\'s own reading.</p>'
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
<h2 id="notebooks">The notebooks</h2>
{index_notebooks(notebooks, titles)}
{verdict_block}
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
