"""The look-ups on real rows: everything about Serov, the first deputy ministers on 25 June 1953, the conflicts."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from patronage.__main__ import main
from patronage.errors import ParameterError
from patronage.tables import lookup


def test_about_serov_holds_every_row_that_names_him(tables):
    got = lookup.about(tables, "Serov")
    assert got.equals(lookup.about(tables, "Серов")) and got.equals(lookup.about(tables, "Ivan Aleksandrovich Serov"))
    ids = set(got["row_id"])
    own = {"attributes": tables.attributes.loc[tables.attributes["person_id"] == "serov", "attribute_id"],
           "spells": tables.spells.loc[tables.spells["person_id"] == "serov", "spell_id"],
           "ties": tables.ties.loc[(tables.ties["patron_id"] == "serov") | (tables.ties["client_id"] == "serov"), "tie_id"],
           "events": tables.event_participants.loc[tables.event_participants["person_id"] == "serov", "event_id"]}
    for table, rows in own.items():
        assert set(rows) <= ids, (table, set(rows) - ids)
    assert {"serov", *own["attributes"]} <= ids
    parts = got[got["table"] == "event_participants"]
    assert len(parts) == (tables.event_participants["person_id"] == "serov").sum()
    ties = got[got["table"] == "ties"].set_index("row_id")
    assert ties.loc["khrushchev-serov-patronage", "counterpart"] == "Nikita Khrushchev"
    assert (got["source_id"].notna() | (got["table"] == "persons")).all()
    # the conflicts touching his rows, both readings of each
    touched = set(pd.concat([tables.spells, tables.event_participants])
                  .loc[lambda f: f["person_id"] == "serov", "conflict_id"].dropna())
    conflicts = got[got["table"] == "conflicts"]
    assert touched and touched <= set(conflicts["conflict_id"])
    assert (conflicts.groupby("conflict_id").size() == 2).all()


def test_about_names_the_closest_on_a_miss(tables):
    with pytest.raises(ParameterError, match="closest known: 'serov'"):
        lookup.about(tables, "Serof")


def test_the_first_deputy_ministers_of_internal_affairs_on_25_june_1953(tables):
    held = lookup.who_held(tables, "first deputy minister of internal affairs of the USSR", "1953-06-25")
    assert set(held["person_id"]) == {"kobulov-bogdan", "kruglov", "serov"}
    seed = held["evidence"].eq("seed")
    assert held.loc[seed, "quote"].str.contains("First Deputy Ministers|long time client").all()
    # the refinement of Kobulov's post quotes the work it was read in, not the article
    assert held.loc[~seed, "quote"].str.contains("Primo Vice Ministro").all() and (~seed).sum() == 1
    # across the renamings: the NKVD's successor in 1954, by its old name
    assert {"kruglov", "serov"} <= set(lookup.who_held(tables, "NKVD", "1954-06")["person_id"])
    assert set(lookup.who_held(tables, "first deputy minister of internal affairs of the USSR", "1952-01/1952-12")["person_id"]) == {"serov"}
    with pytest.raises(ParameterError, match="'date'"):
        lookup.who_held(tables, "minister", "26/06/1953")


def test_a_post_found_only_through_its_lineage_is_said_to_be(tables):
    """'Division of Cadres' in June 1940 found Beria, People's Commissar of the NKVD, whose lineage holds the division,
    and said nothing of how: the answer now says which rows its own post or organisation matched."""
    from patronage.tables.posts import THROUGH_LINEAGE

    held = lookup.who_held(tables, "Division of Cadres", "1940-06-01").set_index("spell_id")["matched by"]
    assert held["kruglov-1939-cadres"] == "its post or organisation"
    assert held["beria-1938-commissar"] == THROUGH_LINEAGE
    found = lookup.who_held(tables, "NKVD", "1954-06").set_index("spell_id")["matched by"]
    assert set(found[found.index.str.startswith(("kruglov", "serov"))]) == {THROUGH_LINEAGE}  # the MVD, renamed
    # a republic's ministry still filed under its NKVD (Mil'shtein's post, whose end may reach June 1954) is its own
    assert found["milshtein-1953-mvd-ukraine-first-deputy"] == "its post or organisation"


def test_conflicts_show_both_readings_and_what_each_parameter_picks(tables):
    c = lookup.conflicts(tables).set_index("conflict_id")
    assert len(c) == len(tables.conflicts)
    row = c.loc["execution-date-1953"]
    assert row["reading=article, evidence=seed"] == "article" and row["reading=standard, evidence=seed+external"] == "standard"
    assert row["reading=standard, evidence=seed"] == "article"  # the standard side rests on reference works
    assert set(lookup.conflicts(tables, "Merkulov")["conflict_id"]) >= {"execution-date-1953", "merkulov-state-control-1950"}


def test_the_command_line_prints_csv_and_a_miss_on_one_line(capsys):
    assert main(["who-held", "first deputy minister of internal affairs of the USSR", "1953-06-25"]) == 0
    out = capsys.readouterr().out
    printed = pd.read_csv(io.StringIO(out))
    assert out.startswith("person_id,name,post") and set(printed["person_id"]) == {"kobulov-bogdan", "kruglov", "serov"}
    assert printed["refines"].dropna().isin(printed["spell_id"]).all()  # a refinement is shown beside the row it restates
    assert main(["about", "Serof"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "closest known: 'serov'" in err[0]
    assert main(["conflicts", "--format", "table"]) == 0 and "execution-date-1953" in capsys.readouterr().out


def test_a_look_up_in_a_folder_that_is_no_data_package_names_the_problem(tmp_path, capsys):
    """Regression: it said '1 problem in FOLDER; run `python -m patronage validate`', which checks data/, not FOLDER."""
    missing = tmp_path / "nowhere"
    assert main(["about", "Serov", "--data-dir", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"`python -m patronage validate {missing} --all`" in err and "does not exist" in err


def test_an_end_edtf_leaves_open_is_the_first_or_last_day_the_tables_record(tables):
    """'../1938-11-25' (any day up to it) and '1956/..' (any day from it) were refused as no EDTF date, though EDTF
    writes an open end so; they ask for the same days as the span from the tables' first day, or to their last."""
    from patronage.tables.checks import recorded_span

    first, last = recorded_span(tables)
    post = "People's Commissar of Internal Affairs"
    up_to = lookup.who_held(tables, post, "../1938-11-25")
    assert up_to.equals(lookup.who_held(tables, post, f"{first.date()}/1938-11-25"))
    assert {"yagoda", "yezhov", "beria"} <= set(up_to["person_id"])
    since = lookup.who_held(tables, "Minister of Internal Affairs", "1956/..")
    assert since.equals(lookup.who_held(tables, "Minister of Internal Affairs", f"1956/{last.date()}")) and len(since)
    assert lookup.who_held(tables, post, "../..").equals(lookup.who_held(tables, post, f"{first.date()}/{last.date()}"))
    with pytest.raises(ParameterError, match="give an ISO or EDTF date or interval"):
        lookup.who_held(tables, post, "../1938-13")


def test_a_value_of_the_wrong_kind_is_refused_in_one_line_naming_it(tables):
    """Regression: a name, a post or a folder that is no text (None, a number) stopped the look-ups and the loader with a
    TypeError from deep inside re or pathlib; a day given as a Timestamp was refused though a date was taken."""
    import datetime as dt

    import patronage

    for call, parameter in ((lambda: lookup.about(tables, None), "person"), (lambda: lookup.about(tables, 42), "person"),
                            (lambda: lookup.conflicts(tables, 5), "person"),
                            (lambda: lookup.who_held(tables, None, "1953-06-25"), "post"),
                            (lambda: patronage.load(3), "data_dir")):
        with pytest.raises(ParameterError, match=f"parameter '{parameter}' = "):
            call()
    post = "first deputy minister of internal affairs of the USSR"
    by_text = lookup.who_held(tables, post, "1953-06-25")
    assert by_text.equals(lookup.who_held(tables, post, pd.Timestamp("1953-06-25")))
    assert by_text.equals(lookup.who_held(tables, post, dt.date(1953, 6, 25))) and len(by_text)
