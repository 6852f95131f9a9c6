"""The compendium's own tables: valid, complete where the article is, reusable without this package."""

from __future__ import annotations

import datetime as dt

import frictionless
import pandas as pd
import pytest

from patronage import config
from patronage.tables.assertions import assertions

ARTICLE_REFERENCES = {  # the reference list of Blauvelt (2008), one id per work
    "aslanishvili-2005", "blauvelt-2007", "conquest-1961", "easter-2000", "fainsod-1963", "fairbanks-1983",
    "fitzpatrick-2001", "khlevnyuk-inpress", "knight-1993", "khrushchev-1999", "medvedev-2006", "mlechin-2002",
    "nekrasov-1991", "naumov-sigachev-1999", "petrov-2005", "petrov-skorkin-1999", "rayfield-2005", "rigby-1986",
    "rigby-1990", "serov-1939", "service-2003", "sokolov-2003", "sukhomlinov-2003", "sulianov-2005", "taubman-2003",
    "toptygin-2005", "tumshis-2004", "walder-1986", "yakovlev-2000"}


def test_frictionless_validates_the_package():
    report = frictionless.validate(str(config.DATA_DIR / config.PACKAGE_FILE))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:10]


def test_reference_list_is_complete(tables):
    listed = set(tables.sources.loc[tables.sources["in_article_references"], "source_id"])
    assert listed == ARTICLE_REFERENCES


def test_reference_list_errors_are_recorded(tables):
    refs = tables.conflicts[tables.conflicts["kind"] == "reference"]
    assert len(refs) >= 4
    src = tables.sources.set_index("source_id")
    assert src.loc["blauvelt-2007", "volume"] == "35" and src.loc["rigby-1986", "volume"] == "38"


@pytest.mark.parametrize("person", ["beria", "kruglov", "serov", "merkulov", "kobulov-bogdan", "kobulov-amayak",
                                    "malenkov", "khrushchev", "ignatiev", "abakumov", "rukhadze", "mgeladze", "snegov",
                                    "sudoplatov", "eitingon", "goglidze", "dekanozov", "meshik", "vlodzimirsky",
                                    "milshtein", "raikhman", "yezhov"])
def test_every_person_the_article_names_is_there(tables, person):
    assert person in set(tables.persons["person_id"])


@pytest.mark.parametrize("person", ["kruglov", "serov"])
def test_the_two_careers_run_from_the_1930s(tables, person):
    s = tables.spells[tables.spells["person_id"] == person]
    assert s["start_lo"].min() < pd.Timestamp("1931-01-01")
    assert s["end_hi"].max() > pd.Timestamp("1956-01-01")
    assert len(s) >= 10


@pytest.mark.parametrize(("day", "kind"), [("1953-03-05", "death"), ("1953-06-26", "coup"), ("1953-07-11", "meeting")])
def test_turning_points_of_1953(tables, day, kind):
    e = tables.events
    on = e[(e["date_lo"] <= pd.Timestamp(day)) & (e["date_hi"] >= pd.Timestamp(day)) & (e["kind"] == kind)]
    assert len(on), f"no {kind} event on {day}"


def test_the_execution_date_conflict_switches(tables):
    """The article dates the executions 18 December 1953; the blog dates Beria's 23 December, as do the reference
    works for him and his lieutenants. Each account is its own side: Beria's date is conflict
    execution-date-1953-beria (article against blog, both seeds), so under seed evidence the reading 'blog'
    shows the blog's own date; the lieutenants' is execution-date-1953 (article against the reference works),
    which under seed evidence gives way to the article's side. Only Merkulov is named among those shot in the
    article: the other five lieutenants' executions are identifications (external), absent under seed evidence."""
    def died(view, person):
        return view.persons.set_index("person_id").loc[person, "died_lo"]

    article = tables.select(evidence="seed", reading="article")
    blog = tables.select(evidence="seed", reading="blog")
    standard = tables.select(evidence="seed+external", reading="standard")
    assert died(article, "beria") == died(article, "merkulov") == pd.Timestamp("1953-12-18")
    assert died(blog, "beria") == pd.Timestamp("1953-12-23") and died(blog, "merkulov") == pd.Timestamp("1953-12-18")
    assert blog.selection["seed_fallbacks"]["execution-date-1953"] == ("standard", "article")
    assert died(standard, "beria") == died(standard, "merkulov") == died(standard, "dekanozov") == pd.Timestamp("1953-12-23")
    assert pd.isna(died(article, "dekanozov"))
    assert died(tables.select(evidence="seed+external", reading="article"), "dekanozov") == pd.Timestamp("1953-12-18")


def test_seed_evidence_keeps_the_seeds_precision(tables):
    """Under seed evidence a post is dated as the seed dates it; the reference work's day is its own row
    (a refinement) that replaces it, with the reference works admitted."""
    seed = tables.select(evidence="seed").spells.set_index("spell_id")
    full = tables.select(evidence="seed+external").spells
    assert seed.loc["serov-1954-kgb-chairman", "start"] == "1954"
    assert "serov-1954-kgb-chairman" not in set(full["spell_id"])
    assert full.set_index("spell_id").loc["serov-1954-kgb-chairman-ref", "start"] == "1954-03-13"
    assert (tables.select(evidence="seed").spells["evidence"] == "seed").all()


def test_every_refinement_names_a_consulted_work(tables):
    """A refinement cites a work of sources.csv with a locator, never the seed texts."""
    for name in ("attributes", "spells", "events", "ties"):
        r = getattr(tables, name)
        r = r[r["refines"].notna()]
        assert r["locator"].notna().all() and not r["source_id"].isin(["blauvelt-2008", "blog-beria"]).any(), name


def test_codings_disagree_where_the_historiography_does(tables):
    def clients(coding):
        t = tables.select(coding=coding).ties
        return set(t.loc[(t["patron_id"] == "beria") & (t["kind"] == "patronage"), "client_id"])

    assert {"kruglov", "serov"} <= clients("blauvelt")
    assert {"kruglov", "serov"} <= clients("rayfield")
    assert not {"kruglov", "serov"} & clients("not_true_clients")


def test_flat_export_holds_every_assertion_and_is_current(tables):
    flat = assertions(tables)
    sizes = sum(len(getattr(tables, n)) for n in ("persons", "attributes", "organisations", "spells", "events",
                                                   "event_participants", "ties", "codings"))
    assert len(flat) == sizes + 2 * len(tables.conflicts)  # each conflict: one row per reading
    sides = flat[flat["table"] == "conflicts"]
    assert set(sides["reading"]) >= {"article", "standard"} and sides["source_id"].notna().all()
    assert flat["source_id"].notna().all() and flat["evidence"].notna().all()
    committed = pd.read_csv(config.EXPORTS_DIR / "assertions.csv", dtype="string", keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(committed, flat, check_dtype=False)


def test_text_columns_hold_python_strings_whatever_is_installed(tables):
    """Every text column, read, derived, selected or exported, is one dtype: pandas' nullable
    string held as Python str (load.TEXT). pandas 3 would otherwise hold "string" columns in
    pyarrow whenever pyarrow is installed, and the analysis would change engine with the machine."""
    from patronage.tables.columns import TEXT

    view = tables.select()
    frames = {**tables.frames(), "selected persons": view.persons, "assertions": assertions(view)}
    text = {(name, column): dtype for name, frame in frames.items() for column, dtype in frame.dtypes.items()
            if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype)}
    assert len(text) > 50
    assert {key: str(dtype) for key, dtype in text.items() if dtype != TEXT} == {}


def test_the_flat_export_gives_the_coded_fields_the_analysis_reads(tables):
    flat = assertions(tables).set_index("row_id")
    tie = flat.loc["beria-kruglov-patronage-blauvelt"]
    assert tie["what"] == "Lavrenty Beria → Sergei Kruglov"
    assert tie["detail"] == "basis recruited; defected; defection dated 1953-03/1953-06-26; motive reward; codings blauvelt"
    assert "no defection recorded" in flat.loc["beria-kruglov-subordination-not-true-clients", "detail"]
    assert flat.loc["beria-1953-mvd-minister", "detail"].startswith("rank 6; end cause arrest")
    assert pd.isna(flat.loc["beria", "detail"])  # a person row has no coded field
    assert "appointed by Lavrenty Beria" in flat.loc["kruglov-1953-first-deputy-minister", "detail"]  # a name, not an id
    assert flat.loc["blauvelt", "table"] == "codings" and flat.loc["blauvelt", "source_id"] == "blauvelt-2008"
    # Leites and Bernaut name the men shot with Beria; the date of the article's reading is the article's, and says so
    shot = flat.loc["execution-1953-12-18-article/goglidze/executed"]
    assert shot["source_id"] == "leites-bernaut" and shot["when"] == "1953-12-18"
    assert shot["detail"] == "date from blauvelt-2008, the event's source"
    assert pd.isna(flat.loc["execution-1953-12-18-article/merkulov/executed", "detail"])  # the event's own source


def test_an_approximate_month_or_day_marks_that_part_not_the_year(tables):
    """A mark on a whole month or day ('1938-08~') makes its year approximate too, and edtf widens it by a year
    and a month either side: Malenkov's denunciation of Yezhov "about August 1938" then reached past Yezhov's fall
    in November. The curators mark the part that is approximate ('1938-~08': July to September 1938)."""
    whole = {}
    for name, frame in tables.frames().items():
        for col in (c[:-3] for c in frame.columns if c.endswith("_lo") and c[:-3] in frame.columns):
            texts = frame[col].dropna().astype(str)
            hits = texts[texts.str.contains(r"\d{4}-\d{2}(?:-\d{2})?[~?%]", regex=True)]
            whole.update({f"{name}.{col} row {i}": t for i, t in hits.items()})
    assert not whole, whole
    about_august = tables.events.set_index("event_id").loc["malenkov-denunciation-yezhov-1938-08"]
    assert (about_august["date_lo"].date(), about_august["date_hi"].date()) == (dt.date(1938, 7, 1), dt.date(1938, 9, 30))


def test_malenkov_took_yezhovs_place_in_the_secretariat(tables):
    """Malenkov's secretaryship of 1939 began in March (by the 29th), in Yezhov's place: H3b found 'no holder just
    before' while it was dated only to the year, its point estimate months after Yezhov left on 3 March."""
    from patronage.analysis.offices import predecessors

    view = tables.select(evidence="seed+external", reading="standard")
    spell = view.spells[view.spells["spell_id"] == "malenkov-1939-cc-secretary-ref"]
    assert predecessors(view, spell)["predecessor_id"].tolist() == ["yezhov"]
