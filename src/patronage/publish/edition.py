"""An offline HTML edition of the compendium: one folder that reads in any browser, with no network.

``python -m patronage.publish.edition [OUT_DIR]`` (default: docs/) writes::

    index.html              the question, the verdicts, and a link to everything below
    notebooks/NAME.html     one page per executed notebook (nbconvert, 'lab' template, no CDN)
    figures/                NAME.html, NAME.svg, 03-verdicts.csv, and plotly.min.js: the one copy
                            of plotly.js that every page of the edition loads
    data/                   the data package: *.csv and datapackage.json, and the crisis panel's list crises.yaml
    exports/assertions.csv  the flat export of every assertion
    CITATION.cff, CITATION.bib

The notebook pages are :mod:`patronage.publish.edition_pages`, the front page
:mod:`patronage.publish.edition_index`.

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
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat

from patronage import config
from patronage.errors import CheckoutError
from patronage.lock import build_lock
from patronage.publish.edition_index import render_index
from patronage.publish.edition_pages import GENERATOR, PLOTLY_JS, make_exporter, notebook_title, render_notebook


def copy_inputs(root: Path, out: Path) -> None:
    """Copy figures (without their plotly.min.js), the data package, the export and the citation files."""
    groups = [("figures", ("*.html", "*.svg", "*.csv")), ("data", ("*.csv", "datapackage.json", "crises.yaml")),
              ("exports", ("assertions.csv",))]
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
