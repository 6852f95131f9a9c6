"""The build's caches (patronage.cache): a cached result is used only for the very same inputs.

- Tables: a second load of the same package returns the cached Tables without validating again;
  any changed byte of a table, or another folder, is a miss; a package with problems is never
  cached and raises the same DataError every time; with no cache folder nothing is written.
- SVGs: a figure drawn once is not drawn again; another figure (or another name) is.
- Results of the analysis (the sensitivity grid, the verdicts under the date draws): computed once
  for the same tables, draws and arguments, again when any of them changes; the cached result
  equals the computed one.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from patronage import cache
from patronage.errors import DataError
from patronage.publish import figures
from patronage.tables.cached import cached_tables
from patronage.tables.load import validated


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder


def counting_load():
    """The uncached loader, counting its calls."""
    calls = []

    def load(folder):
        calls.append(folder)
        return validated(folder)
    return load, calls


def test_same_package_is_loaded_once(cache_folder, copy_data):
    load, calls = counting_load()
    first = cached_tables(copy_data, load)
    second = cached_tables(copy_data, load)
    assert len(calls) == 1, "the second load validated again"
    assert len(list((cache_folder / "tables").glob("*.pickle"))) == 1
    for name, frame in first.frames().items():
        pd.testing.assert_frame_equal(frame, second.frames()[name], obj=name)
    assert second.data_dir == copy_data


def test_a_changed_byte_or_another_folder_is_a_miss(cache_folder, copy_data, tmp_path):
    load, calls = counting_load()
    cached_tables(copy_data, load)
    spells = copy_data / "spells.csv"
    original = spells.read_bytes()
    spells.write_bytes(original.replace(b"Deputy", b"deputy", 1))
    with pytest.raises(DataError, match="checksum|sha256|hash"):
        cached_tables(copy_data, load)
    assert len(calls) == 2
    import shutil

    other = tmp_path / "other"
    shutil.copytree(copy_data, other)
    spells.write_bytes(original)  # back as it was: a hit again
    cached_tables(copy_data, load)
    assert len(calls) == 2
    with pytest.raises(DataError):
        cached_tables(other, load)  # same (changed) bytes, another folder: loaded and checked there
    assert len(calls) == 3


def test_bad_data_is_never_cached(cache_folder, copy_data):
    load, calls = counting_load()
    persons = copy_data / "persons.csv"
    persons.write_bytes(persons.read_bytes() + b"ragged,row\n")
    for _ in range(2):
        with pytest.raises(DataError) as err:
            cached_tables(copy_data, load)
        assert any(p.file == "persons.csv" for p in err.value.problems)
    assert len(calls) == 2
    assert not list(cache_folder.rglob("*.pickle"))


def test_no_cache_folder_means_no_cache(monkeypatch, copy_data, tmp_path):
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    load, calls = counting_load()
    cached_tables(copy_data, load)
    cached_tables(copy_data, load)
    assert len(calls) == 2


def test_an_unreadable_entry_is_computed_again(cache_folder, copy_data):
    load, calls = counting_load()
    cached_tables(copy_data, load)
    (entry,) = (cache_folder / "tables").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    cached_tables(copy_data, load)
    assert len(calls) == 2


def test_a_figure_is_drawn_once(cache_folder, tmp_path):
    drawn = []

    def draw(name):
        drawn.append(name)
        return f"<svg>{name} {len(drawn)}</svg>"

    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    text = fig.to_json()
    assert figures.cached_svg(text, "a", lambda: draw("a")) == "<svg>a 1</svg>"
    assert figures.cached_svg(text, "a", lambda: draw("a")) == "<svg>a 1</svg>"
    figures.cached_svg(text, "b", lambda: draw("b"))  # same figure, another name: other ids in the SVG
    other = go.Figure(go.Bar(x=[1, 2], y=[3, 5])).to_json()
    figures.cached_svg(other, "a", lambda: draw("a"))
    assert drawn == ["a", "b", "a"]


def test_write_svg_uses_the_cache(cache_folder, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(figures, "to_svg", lambda fig, name: calls.append(name) or "<svg/>")
    fig = figures.decorate(go.Figure(go.Scatter(x=[1], y=[1], uid="u")), "t")
    for _ in range(2):
        assert figures.write_svg(fig, "x", tmp_path) == "<svg/>"
        assert (tmp_path / "x.svg").read_text(encoding="utf-8") == "<svg/>"
    assert calls == ["x"]
    # the figure's JSON as a notebook output holds it (the build draws from that) is the same entry
    output = json.loads(pio.to_json(fig, remove_uids=False)) | {"config": {"displaylogo": False}}
    assert figures.write_svg(output, "x", tmp_path) == "<svg/>" and calls == ["x"]
    figures.write_svg(output | {"layout": {**output["layout"], "width": 300}}, "x", tmp_path)
    assert calls == ["x", "x"], "another figure was answered from the cache"


def test_a_result_is_computed_once_per_inputs(cache_folder, monkeypatch):
    calls = []

    def compute(x):
        calls.append(x)
        return pd.DataFrame({"x": [x]})

    for x in (1, 1, 2, 1):
        pd.testing.assert_frame_equal(cache.cached_result("t", [str(x)], lambda x=x: compute(x)), pd.DataFrame({"x": [x]}))
    assert calls == [1, 2]
    monkeypatch.setattr(cache, "package_digest", lambda: "another version of the code")
    cache.cached_result("t", ["1"], lambda: compute(1))
    assert calls == [1, 2, 1], "a change of the package's code must miss the cache"
    monkeypatch.delenv(cache.CACHE_ENV)
    cache.cached_result("t", ["1"], lambda: compute(1))
    assert calls == [1, 2, 1, 1]


def test_frames_digest_sees_values_names_and_types():
    a = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})
    digest = cache.frames_digest({"t": a})
    assert cache.frames_digest({"t": a.copy()}) == digest
    assert cache.frames_digest({"t": a.assign(y=["a", "c"])}) != digest
    assert cache.frames_digest({"t": a.rename(columns={"x": "z"})}) != digest
    assert cache.frames_digest({"t": a.astype({"x": "float64"})}) != digest
    assert cache.frames_digest({"u": a}) != digest
    words = np.array(["a", "b"], dtype=object)
    assert cache.frames_digest({"w": words}) == cache.frames_digest({"w": words.copy()})
    assert cache.frames_digest({"w": words}) != cache.frames_digest({"w": np.array(["a", "c"], dtype=object)})


def test_sensitivity_results_are_cached_by_content(cache_folder, make_package, monkeypatch):
    from patronage import load
    from patronage.analysis import hypotheses
    from patronage.robustness import sensitivity

    from toyworld import ROWS

    toy = load(make_package(ROWS))
    view = toy.select(coding="x")
    draws = sensitivity.draw_dates(view, 20, seed=3)
    runs = []
    real = hypotheses.run_all
    monkeypatch.setattr(hypotheses, "run_all", lambda *a, **k: runs.append(1) or real(*a, **k))
    monkeypatch.setenv("PATRONAGE_WORKERS", "1")  # the counting function runs in this process

    def grid(**kw):
        return sensitivity.specification_grid(toy, "p", "1950-06-15", horizons=[5], **kw)

    def under(**kw):
        return sensitivity.verdicts_under_draws(view, draws, "p", "1950-06-15", **{"k": 2, **kw})

    first_grid, first_under = grid(), under()
    counted = len(runs)
    pd.testing.assert_frame_equal(grid(), first_grid)
    pd.testing.assert_frame_equal(under(), first_under)
    assert len(runs) == counted, "the same inputs ran the hypotheses again"
    monkeypatch.delenv(cache.CACHE_ENV)
    pd.testing.assert_frame_equal(grid(), first_grid)  # computed afresh: the same result
    pd.testing.assert_frame_equal(under(), first_under)
    monkeypatch.setenv(cache.CACHE_ENV, str(cache_folder))
    for changed in (lambda: grid(rare_share=0.5), lambda: under(k=3), lambda: under(horizon_years=5),
                    lambda: sensitivity.verdicts_under_draws(view, sensitivity.draw_dates(view, 20, seed=4), "p",
                                                             "1950-06-15", k=2)):
        before = len(runs)
        changed()
        assert len(runs) > before, "other inputs were answered from the cache"


def test_hypotheses_on_inferred_ties_are_cached_by_content(cache_folder, toy, monkeypatch):
    from patronage.analysis import hypotheses
    from patronage.robustness import sensitivity

    view = toy.select(coding="x")
    rules = sensitivity.inferred_ties(view)
    runs = []
    real = hypotheses.run_all
    monkeypatch.setattr(hypotheses, "run_all", lambda *a, **k: runs.append(1) or real(*a, **k))

    def rerun(rules=rules, **kw):
        return sensitivity.hypotheses_on_inferred(view, rules, "p", "1950-06-15", **kw)

    first = rerun()
    counted = len(runs)
    assert counted == len(rules) + 1, "one run on the asserted ties and one per rule"
    pd.testing.assert_frame_equal(rerun(), first)
    assert len(runs) == counted, "the same inputs ran the hypotheses again"
    fewer = {name: ties.iloc[:0] for name, ties in rules.items()}
    for changed in (lambda: rerun(horizon_years=5), lambda: rerun(rules=fewer), lambda: rerun(window_days=30)):
        before = len(runs)
        changed()
        assert len(runs) > before, "other inputs were answered from the cache"
    monkeypatch.delenv(cache.CACHE_ENV)
    pd.testing.assert_frame_equal(rerun(), first)  # computed afresh: the same result
