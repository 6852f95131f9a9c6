"""The synthetic prosopography: a valid package with the compendium's schema, on which the analysis runs."""

from __future__ import annotations

import gc
import hashlib

import pytest

import patronage
from patronage.analysis import hypotheses, network
from patronage.analysis.crisis import make_crisis
from patronage.analysis.verdicts import VERDICTS
from patronage.tables import synthetic


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return synthetic.make_package(tmp_path_factory.mktemp("synthetic"), persons=300, spells=1500, seed=7)


@pytest.fixture(scope="module")
def tables(package):
    return patronage.load(package.folder)  # raises DataError, naming every problem, if it is not valid


def test_counts_are_exact(package, tables):
    assert package.counts["persons"] == len(tables.persons) == 300
    assert package.counts["spells"] == len(tables.spells) == 1500
    for name, frame in tables.frames().items():
        assert len(frame) == package.counts[name], name


def test_every_table_is_filled(tables):
    empty = [name for name, frame in tables.frames().items() if frame.empty]
    assert not empty, f"empty tables: {empty}"


def test_world_has_what_the_analysis_needs(tables):
    t = tables
    assert t.sources["seed"].sum() == 1, "one seed source"
    assert set(t.ties["kind"]) >= {"patronage", "rivalry", "exposure"}
    assert t.ties["defected"].any()
    assert set(t.events["kind"]) >= {"birth", "death", "execution", "arrest", "coup", "meeting", "appointment"}
    assert t.persons["died_hi"].notna().sum() > 100, "deaths are derived from the events"
    assert (t.organisations["predecessors"].notna()).any() and t.organisations["lineage"].nunique() < len(t.organisations)
    assert set(t.spells["seniority"]) <= set(range(8)) and t.spells["seniority"].nunique() >= 5
    assert set(t.spells["evidence"]) == {"seed", "external"}
    assert set(t.conflicts["conflict_id"]) == set(t.events["conflict_id"].dropna())


def test_uncertain_dates_are_written_and_read(tmp_path):
    pkg = synthetic.make_package(tmp_path, persons=200, spells=1000, seed=5, uncertain=0.5)
    spells = patronage.load(pkg.folder).spells
    qualified = spells["start"].str.contains("[~?]", regex=True).fillna(False)
    assert qualified.sum() > 10
    assert (spells.loc[qualified, "start_hi"] - spells.loc[qualified, "start_lo"]).dt.days.min() > 365


@pytest.mark.parametrize("coding", ["blauvelt", "not_true_clients", "rayfield"])
def test_hypotheses_run_on_the_crisis(package, tables, coding):
    spec = package.crises[0]
    view = tables.select(evidence="seed", reading="article", coding=coding)
    crisis = make_crisis(view, spec.patron, spec.date)
    assert crisis.rivals == (spec.rival,)
    assert set(crisis.turncoats) == set(spec.defectors)
    results = hypotheses.run_all(view, crisis)
    verdicts = hypotheses.verdict_table(results)
    assert len(verdicts) == len(results) == 11
    assert set(verdicts["verdict"]) <= set(VERDICTS)
    if coding == "blauvelt":  # the cast is built so that every claim can be tested under this coding
        assert "no data" not in set(verdicts["verdict"]), verdicts[["hypothesis", "value", "verdict"]]
        assert set(crisis.roster["client_id"]) == set(spec.clients)
        assert crisis.defectors == sorted(spec.defectors)


def test_network_as_of_the_crisis(package, tables):
    view = tables.select()
    g = network.graph_as_of(view, package.crises[0].date)
    assert g.number_of_nodes() > 50 and g.number_of_edges() > 20
    assert package.crises[0].patron in g


@pytest.mark.parametrize("enabled", [True, False])
def test_graph_leaves_the_garbage_collector_as_it_found_it(package, tables, enabled):
    view = tables.select()
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        network.graph_as_of(view, package.crises[0].date)
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), network.collector_paused():
            assert not gc.isenabled()
            raise KeyError("an error inside the block")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_same_seed_same_bytes(tmp_path):
    def digest(folder):
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}

    a = synthetic.make_package(tmp_path / "a", persons=200, spells=600, seed=3)
    b = synthetic.make_package(tmp_path / "b", persons=200, spells=600, seed=3)
    c = synthetic.make_package(tmp_path / "c", persons=200, spells=600, seed=4)
    assert digest(a.folder) == digest(b.folder)
    assert digest(a.folder)["spells.csv"] != digest(c.folder)["spells.csv"]


def test_too_small_is_refused(tmp_path):
    with pytest.raises(ValueError):
        synthetic.make_package(tmp_path, persons=10, spells=10)
