"""The offline HTML edition: complete, deterministic, no remote resources, and every page draws in a browser.

The browser tests open every page of the edition in headless Chromium (the system's, through
playwright-python; no browser is downloaded) with every request that is not a file:// URL aborted
and reported as a failure. Without Chromium or playwright they are skipped, except in CI (CI set),
where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from patronage import config
from patronage.publish import edition, edition_pages

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
FIGURE_PAGES = sorted(p.name for p in config.FIGURES_DIR.glob("*.html"))
PAGES = ["index.html"] + [f"notebooks/{p.stem}.html" for p in NOTEBOOKS] + [f"figures/{n}" for n in FIGURE_PAGES]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
RESOURCE_TAGS = {"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object"}


def find_chromium() -> str | None:
    """Debian's /usr/bin/chromium, else a Chromium-family browser on PATH (as the Makefile accepts)."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


def skip_or_fail(reason: str):
    """Skip on a developer's machine; in CI a missing browser is a failure, not a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def plotly_outputs(notebook: Path) -> list[str]:
    """The div ids the edition gives the plotly outputs of a notebook (fig-STEM-CELL-OUTPUT)."""
    nb = nbformat.read(notebook, as_version=4)
    return [f"fig-{notebook.stem}-{i}-{j}" for i, cell in enumerate(nb.cells)
            for j, out in enumerate(cell.get("outputs", [])) if edition_pages.PLOTLY_MIME in out.get("data", {})]


class Refs(HTMLParser):
    """Collects (tag, attribute, value) for every src and href in a page."""

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.refs += [(tag, k, v or "") for k, v in attrs if k in ("src", "href")]


def refs(page: Path) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, value) reference in an HTML file."""
    parser = Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.refs


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The compendium's edition, built once for this module."""
    return edition.build_edition(tmp_path_factory.mktemp("edition") / "docs")


# --- the files -------------------------------------------------------------------------------


def test_build_is_deterministic_and_atomic(site, tmp_path):
    """A second build, over a copy of the first (every file written again), gives byte-identical
    files and leaves no staging folder behind."""
    first = snapshot(site)
    shutil.copytree(site, tmp_path / "docs")
    again = edition.build_edition(tmp_path / "docs")
    second = snapshot(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_refuses_to_replace_a_folder_that_is_not_an_edition(tmp_path):
    """A mistyped OUT_DIR holding other files is left alone."""
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        edition.build_edition(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_edition_holds_everything(site):
    """A page per notebook, every figure, the data package, the export and the citation files."""
    expected = [f"notebooks/{p.stem}.html" for p in NOTEBOOKS]
    expected += [f"figures/{p.name}" for p in config.FIGURES_DIR.iterdir() if p.suffix in (".html", ".svg", ".csv")]
    expected += [f"data/{p.name}" for p in config.DATA_DIR.glob("*.csv")] + ["data/datapackage.json", "exports/assertions.csv",
                                                                            "CITATION.cff", "CITATION.bib", "index.html"]
    missing = [name for name in expected if not (site / name).is_file()]
    assert missing == []


def test_index_links_everything(site):
    """The index links every notebook page, every figure (html and svg), every data file and the citation."""
    linked = {v for tag, attr, v in refs(site / "index.html") if tag == "a"}
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    unlinked = sorted(f for f in files if f not in linked and f not in ("index.html", edition_pages.PLOTLY_JS))
    assert unlinked == []


def test_the_front_page_gives_the_reading_order_before_a_short_verdict_table(site):
    """The notebooks first (the order to read them in), then the verdicts in five columns, not the ten of the CSV:
    the claims, rules and reasons are in notebook 3 and figures/03-verdicts.csv, which the page links."""
    text = (site / "index.html").read_text(encoding="utf-8")
    assert text.index('id="notebooks"') < text.index('id="verdicts"') < text.index('id="figures"')
    verdicts = text[text.index('id="verdicts"'):text.index('id="figures"')]
    head = re.findall(r"<th>([^<]*)</th>", verdicts.split("</thead>")[0])
    assert head == ["hypothesis", "step", "value", "verdict", "could_differ"]
    assert verdicts.count("<tr>") == 1 + len(pd.read_csv(config.FIGURES_DIR / "03-verdicts.csv"))
    assert 'href="figures/03-verdicts.csv"' in verdicts


def test_plotly_js_is_shipped_once(site):
    """One plotly.min.js (the installed plotly's), which every figure and notebook page loads; no inlined copy."""
    from plotly.offline import get_plotlyjs

    copies = sorted(p.relative_to(site).as_posix() for p in site.rglob("plotly*.js"))
    assert copies == [edition_pages.PLOTLY_JS]
    assert (site / edition_pages.PLOTLY_JS).read_text(encoding="utf-8") == get_plotlyjs()
    marker = get_plotlyjs()[:300]
    inlined = [p.name for p in site.rglob("*.html") if marker in p.read_text(encoding="utf-8")]
    assert inlined == []
    for page in sorted(site.rglob("*.html")):
        scripts = [v for tag, attr, v in refs(page) if tag == "script" and attr == "src"]
        assert all((page.parent / s).resolve() == (site / edition_pages.PLOTLY_JS).resolve() for s in scripts), page.name


@pytest.mark.parametrize("rel", PAGES)
def test_no_remote_resources(site, rel):
    """No script, stylesheet, image or font is loaded from the web (an <a> link to a DOI is fine)."""
    page = site / rel
    remote = [(tag, v) for tag, attr, v in refs(page) if tag in RESOURCE_TAGS and v.lstrip().lower().startswith(("http:", "https:", "//"))]
    assert remote == []
    text = page.read_text(encoding="utf-8").lower()
    for needle in ("url(http", "url('http", 'url("http', "@import url", "require.min.js", "mathjax.js", "fonts.googleapis"):
        assert needle not in text, f"{rel} holds {needle!r}"


@pytest.mark.parametrize("rel", PAGES)
def test_local_links_resolve(site, rel):
    """Every relative src and href points at a file of the edition."""
    page = site / rel
    broken = [v for _, _, v in refs(page)
              if v and not v.startswith(("#", "http:", "https:", "mailto:", "data:")) and not (page.parent / v.split("#")[0]).is_file()]
    assert broken == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_plotly_outputs_become_local_figures(site, notebook):
    """Each plotly output is a div with its deterministic id, drawn by Plotly.newPlot; no raw bundle is left."""
    text = (site / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
    for div_id in plotly_outputs(notebook):
        assert re.search(rf'<div[^>]*\bid="{div_id}"', text) and f'Plotly.newPlot("{div_id}"' in text
    assert text.count('class="edition-figure"') == len(plotly_outputs(notebook))
    assert edition_pages.PLOTLY_MIME not in text


def test_tagged_inputs_are_removed_and_figures_escaped():
    """'remove_input' drops a cell's code but keeps its output; a '</script>' in figure text cannot end the script."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell("secret_code = 1", metadata={"tags": ["remove_input"]},
                                          outputs=[nbformat.v4.new_output("stream", name="stdout", text="visible output\n")]),
                nbformat.v4.new_code_cell("shown_code = 2", outputs=[nbformat.v4.new_output(
                    "display_data", data={edition_pages.PLOTLY_MIME: {"data": [], "layout": {"title": {"text": "</script><b>x"}}},
                                          "image/svg+xml": "<svg></svg>"})])]
    body, _ = edition_pages.make_exporter().from_notebook_node(nb, resources={"metadata": {"name": "toy"},
                                                                       "edition": {"plotly_src": "p.js", "nav": "", "banner": ""}})
    assert "secret_code" not in body and "visible output" in body and "shown_code" in body
    assert 'id="fig-toy-2-0"' in body and "<\\/script><b>x" in body
    assert "<noscript><svg></svg></noscript>" in body


def test_figure_key_matches_the_figures_module():
    """The edition reads figure names from the output metadata key that patronage.publish.figures writes."""
    from patronage.publish import figures

    assert edition_pages.FIGURE_KEY == figures.FIGURE_KEY


# --- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Headless system Chromium through playwright, for the whole module."""
    chromium = find_chromium()
    if chromium is None:
        skip_or_fail("no Chromium found (/usr/bin/chromium: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (pip install playwright; no `playwright install` is needed)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def tab(browser):
    """One tab of one browser context, with the network off, that every browser test of the module
    loads its page into. A page costs a page load, not a browser start: Chromium keeps the tab's
    renderer, which compiles plotly.min.js (4.8 MB) once instead of once per page; it still runs
    it afresh on every page. Every request that is not a file:// URL is aborted and reported to the
    test that is running (``listener["problems"]``), as are console errors and page errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    listener: dict[str, list[str] | None] = {"problems": None}

    def report(problem: str) -> None:
        if listener["problems"] is not None:
            listener["problems"].append(problem)

    def route(r):
        url = r.request.url
        if url.startswith(("file://", "data:", "blob:")):
            r.continue_()
        else:
            report(f"network request: {url}")
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and report(f"console error: {m.text}"))
    page.on("pageerror", lambda e: report(f"page error: {e}"))
    yield page, listener
    context.close()


@pytest.fixture
def open_page(tab):
    """open_page(path) -> (page, problems): the page loaded with the network off; problems lists console
    errors, page errors and every request that tried to leave the machine, from this test's loads only.

    Afterwards the page's local storage (the edition remembers the code toggle there) is cleared and the
    tab is left on about:blank, so no state and no late message passes to the next test.
    """
    page, listener = tab
    problems: list[str] = []
    listener["problems"] = problems

    def load(path: Path):
        page.goto(path.as_uri(), wait_until="load")
        return page, problems

    yield load
    try:
        if page.url.startswith("file://"):
            page.evaluate("() => localStorage.clear()")
    finally:
        page.goto("about:blank")
        listener["problems"] = None


def expected_figures(rel: str) -> int:
    """How many interactive figures a page should draw."""
    if rel.startswith("notebooks/"):
        return len(plotly_outputs(config.NOTEBOOKS_DIR / (Path(rel).stem + ".ipynb")))
    return 1 if rel.startswith("figures/") else 0


def assert_draws(page, problems: list[str], expected: int) -> None:
    """The page holds ``expected`` plotly figures, all drawn, and reported no problem."""
    figures = page.locator(".edition-figure, .plotly-graph-div")
    assert figures.count() == expected
    if expected:
        page.wait_for_function("""() => [...document.querySelectorAll('.edition-figure, .plotly-graph-div')]
                                        .every(d => d.querySelector('.main-svg, .plot-container'))""", timeout=20_000)
    page.wait_for_timeout(100)  # let late console messages arrive
    assert problems == []


@pytest.mark.parametrize("rel", PAGES)
def test_page_loads_offline_and_draws_its_figures(site, open_page, rel):
    """Every page of the edition loads without errors or network requests, and draws every plotly figure on it."""
    assert_draws(*open_page(site / rel), expected_figures(rel))


@pytest.fixture(scope="module")
def toy_site(tmp_path_factory) -> Path:
    """The edition of a one-notebook compendium whose notebook shows two plotly figures.

    It tests the drawing of notebook figures whatever state the committed notebooks are in.
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    root = tmp_path_factory.mktemp("toy")
    shutil.copytree(config.DATA_DIR, root / "data")
    for name in ("CITATION.cff", "CITATION.bib"):
        shutil.copyfile(config.PROJ_ROOT / name, root / name)
    (root / "exports").mkdir()
    (root / "exports" / "assertions.csv").write_text("who,what\nKruglov,defected\n", encoding="utf-8")
    (root / "figures").mkdir()
    fig = go.Figure(go.Bar(x=["Kruglov", "Serov"], y=[1, 1]), layout={"title": {"text": "Kruglov & Serov </script>rewarded"}})
    fig.write_html(root / "figures" / "00-toy.html", include_plotlyjs="directory", full_html=True, div_id="00-toy")
    (root / "figures" / "00-toy.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>', encoding="utf-8")
    bundle = {edition_pages.PLOTLY_MIME: json.loads(pio.to_json(fig)), "image/svg+xml": "<svg></svg>", "text/plain": "Figure"}
    outputs = [nbformat.v4.new_output("display_data", data=bundle, metadata={edition_pages.FIGURE_KEY: "00-toy"}) for _ in range(2)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 0 · Toy\n\n**Question.** Does it draw?"),
                nbformat.v4.new_code_cell("show(fig)", outputs=outputs)]
    (root / "notebooks").mkdir()
    nbformat.write(nb, root / "notebooks" / "00-toy.ipynb")
    return edition.build_edition(root / "docs", root=root)


@pytest.mark.parametrize(("rel", "expected"), [("index.html", 0), ("notebooks/00-toy.html", 2), ("figures/00-toy.html", 1)])
def test_notebook_figures_draw_offline(toy_site, open_page, rel, expected):
    """Notebook figures are drawn from the one local plotly.min.js, with the network off."""
    assert_draws(*open_page(toy_site / rel), expected)


def test_index_escapes_what_it_quotes(toy_site):
    """Figure titles taken from the notebooks lose their markup and are escaped on the index."""
    text = (toy_site / "index.html").read_text(encoding="utf-8")
    assert "Kruglov &amp; Serov" in text and "</script>" not in text


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks")
def test_code_toggle_hides_code(site, open_page):
    """The checkbox on a notebook page hides and shows every code input."""
    page, problems = open_page(site / "notebooks" / f"{NOTEBOOKS[0].stem}.html")
    code = page.locator(".jp-CodeCell > .jp-Cell-inputWrapper").first
    assert code.is_visible()
    page.check("#edition-hide-code")
    assert not code.is_visible()
    page.uncheck("#edition-hide-code")
    assert code.is_visible()
    assert problems == []
