"""The look-ups on what a reader gets wrong or asks in vain: conflicts that name a person but tag none of his
rows, dates that only edtf's padding supplies, posts and names the tables do not know, empty answers."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from patronage.__main__ import main
from patronage.errors import ParameterError
from patronage.tables import lookup

from toyworld import ROWS, loaded_fixtures, spell


def conflict(cid: str, topic: str, resolution: str = "") -> dict:
    """A conflict row of the toy world that tags no row."""
    return {"conflict_id": cid, "kind": "fact", "topic": topic, "reading_a": "article", "a_source_id": "src",
            "a_locator": "section 1", "a_quote": "as stated", "a_evidence": "seed", "reading_b": "standard",
            "b_source_id": "src", "b_locator": "section 2", "b_quote": "as stated too", "b_evidence": "seed",
            "default_reading": "article", "resolution": resolution}


def named_world():
    """The toy world with real names: Malin, two brothers sharing a surname, and conflicts that name them."""
    rows = copy.deepcopy(ROWS)
    people = {p["person_id"]: p for p in rows["persons"]}
    people["a"].update(name="Vladimir Malin", surname="Malin", given_name="Vladimir")
    people["b"].update(name="Bogdan Kobulov", surname="Kobulov", given_name="Bogdan", variants="Bogdan Kabulov|Kabulov|B.")
    people["c"].update(name="Amayak Kobulov", surname="Kobulov", given_name="Amayak", variants="Kabulov")
    rows["conflicts"] = [conflict("malin-named", "Whether Malin kept the minutes", "The curators follow the article."),
                         conflict("malinovsky", "Whether Malinovsky was there"),
                         conflict("bogdan-spelling", "How the article spells him", "It writes 'Bogdan Kabulov'."),
                         conflict("brothers", "The Kobulov brothers' surname"),
                         conflict("amayak", "A post", "Amayak Kobulov's, by row c-min")]
    rows["conflicts"][0]["a_quote"] = "b. and others"  # an initial ('B.') names nobody
    held = [s for s in rows["spells"] if s["spell_id"] == "p-min"][0]
    rows["spells"] += [spell("p-open", "p", "min", 6, "/1944-03", "1945", post="Minister"),
                       spell("r-open", "r", "min", 1, "1944", "1944-06-01/", post="Clerk")]
    held["conflict_id"], held["reading"] = "malin-named", "article"
    return rows


world_once, world = loaded_fixtures("lookup-fixes", named_world, "world_once")


def test_conflicts_matched_by_name_as_whole_words(world):
    got = lookup.conflicts(world, "Malin").set_index("conflict_id")
    assert list(got.index) == ["malin-named"] and got.loc["malin-named", "matched by"] == "name"
    assert "malinovsky" not in got.index  # 'Malin' inside a longer word names nobody
    by_rows = lookup.conflicts(world, "p").set_index("conflict_id")["matched by"]  # P's spell carries malin-named
    assert by_rows.to_dict() == {"malin-named": "rows"}


def test_conflicts_tell_a_shared_surname_from_a_name_of_his_own(world):
    bogdan = lookup.conflicts(world, "Bogdan Kobulov").set_index("conflict_id")["matched by"].to_dict()
    assert bogdan == {"bogdan-spelling": "name", "brothers": "shared name"}  # not 'B.' (malin-named), not 'Amayak Kobulov's'
    amayak = lookup.conflicts(world, "c").set_index("conflict_id")["matched by"].to_dict()
    assert amayak == {"amayak": "name", "brothers": "shared name"}  # 'Kabulov' in 'Bogdan Kabulov' is his brother
    assert "matched by" not in lookup.conflicts(world).columns


@pytest.mark.parametrize(("person", "conflict_id"), [("Merkulov", "merkulov-state-control-end-1953"),
                                                     ("kobulov-bogdan", "kobulov-kabulov")])
def test_conflicts_on_the_real_tables_include_those_that_only_name_him(tables, person, conflict_id):
    got = lookup.conflicts(tables, person).set_index("conflict_id")
    assert got.loc[conflict_id, "matched by"] == "name"
    assert (got["matched by"].str.startswith("rows")).any()


def test_who_held_shows_no_padding_as_a_date(world):
    held = lookup.who_held(world, "Minister", "1944-06").set_index("spell_id")
    assert held.loc["p-open", "earliest start"] == "not given" and held.loc["p-open", "start read no earlier than"] == "1944-03-01"
    assert held.loc["p-open", "start"] == "/1944-03"  # as recorded
    clerk = lookup.who_held(world, "Clerk", "1944-06").set_index("spell_id")
    assert clerk.loc["r-open", "latest end"] == "not given" and clerk.loc["r-open", "earliest start"] == "1944-01-01"
    shown = held.to_string() + clerk.to_string()
    assert "1934" not in shown and "1954" not in shown  # edtf's ten years either side of an open date


def test_who_held_yezhov_on_the_real_tables(tables):
    held = lookup.who_held(tables, "NKVD", "1938-11-25")
    row = held.set_index("spell_id").loc["yezhov-1936-commissar-state-security"]
    assert row["earliest start"] == "not given" and row["start read no earlier than"] == "1938-11-01"
    assert not held.isin(["1928-11-30"]).any().any()


def test_an_unknown_post_is_refused_with_the_closest_organisations(world, capsys):
    with pytest.raises(ParameterError, match=r"no post matches 'Pope'.*'pope'.*closest organisations: Ministry"):
        lookup.who_held(world, "Pope", "1950")
    assert main(["who-held", "Pope", "1938"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Empty DataFrame" not in captured.err
    assert captured.err.count("\n") == 1 and "no post matches 'Pope'" in captured.err


def test_an_empty_answer_is_a_sentence(world, capsys):
    for fmt in ("csv", "table"):
        assert main(["who-held", "NKVD", "1900", "--format", fmt]) == 1
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith("nobody is recorded in a post matching 'NKVD' on 1900")
    assert main(["conflicts", "Malin"]) == 1
    assert "no recorded conflict touches 'malin'" in capsys.readouterr().err
    assert lookup.as_text(lookup.who_held(world, "Minister", "1958").iloc[:0], "table") == "no rows"


def test_about_says_what_is_wrong_with_the_name(world, capsys):
    with pytest.raises(ParameterError, match="give a person's name"):
        lookup.about(world, "  ")
    with pytest.raises(ParameterError, match=r"'src' is a source id, not a person: .*A toy source.*sources\.csv"):
        lookup.about(world, "src")
    with pytest.raises(ParameterError, match=r"none is close; the 6 recorded persons .* listed in .*persons\.csv"):
        lookup.about(world, "Trotsky")
    assert main(["about", ""]) == 2 and "give a person's name" in capsys.readouterr().err
    assert main(["about", "blauvelt-2008"]) == 2
    err = capsys.readouterr().err
    assert "is a source id, not a person: Blauvelt, T.K. (2008)" in err and "sources.csv" in err
    assert main(["about", "Trotsky"]) == 2 and "persons.csv" in capsys.readouterr().err


def test_conflicts_say_neither_side_is_read_under_seed_when_both_are_reference_works(tables):
    from patronage.tables import lookup

    c = lookup.conflicts(tables).set_index("conflict_id")
    both = c[(c["a_evidence"] == "external") & (c["b_evidence"] == "external")]
    assert len(both) and set(both["reading=article, evidence=seed"]) == {"neither (both sides are reference works)"}
    assert "neither (both sides are reference works)" not in set(both["reading=article, evidence=seed+external"])
    seeded = c[c["a_evidence"] == "seed"]
    assert "neither (both sides are reference works)" not in set(seeded["reading=article, evidence=seed"])


def test_export_to_a_directory_is_refused_in_one_line_and_writes_nothing(tmp_path):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "patronage", "export", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 2 and "not a regular file" in run.stderr and "Traceback" not in run.stderr
    assert not list(tmp_path.parent.glob(f"{tmp_path.name}*.tmp")) and not list(tmp_path.iterdir())


def test_a_lookup_table_shows_a_missing_value_as_a_dash():
    import pandas as pd

    from patronage.tables import lookup

    text = lookup.as_text(pd.DataFrame({"end": pd.array(["1951", None], dtype="string")}), "table")
    assert "<NA>" not in text and "–" in text


def test_a_given_name_alone_lists_the_men_who_bear_it(tables):
    from patronage.errors import ParameterError
    from patronage.tables.names import resolve_person

    with pytest.raises(ParameterError, match="it is a given name, of 5 recorded persons: use one of 'bagramyan'"):
        resolve_person("Ivan", tables.persons, parameter="person")
    assert resolve_person("Serov", tables.persons) == "serov"  # a surname still names its man


def test_about_and_conflicts_agree_on_the_conflicts_that_touch_a_man(tables):
    from patronage.tables import lookup

    for who in ("Kruglov", "Serov", "Yezhov"):
        told = set(lookup.about(tables, who).query("table == 'conflicts'")["conflict_id"])
        found = lookup.conflicts(tables, who)
        assert told == set(found.loc[found["matched by"] != "shared name", "conflict_id"]), who
    assert "first-deputies-count-1953" in set(lookup.about(tables, "Kruglov")["conflict_id"])  # named, not his row


def test_who_held_keeps_a_post_inside_its_organisations_period(tables):
    """Regression: an open start ('/1948', edtf's ten years back) listed Abakumov as Minister of State Security in 1939
    and 1945, though the MGB dates from 15 March 1946."""
    assert "abakumov" not in set(lookup.who_held(tables, "Minister of State Security", "1945")["person_id"])
    assert "abakumov" in set(lookup.who_held(tables, "Minister of State Security", "1950")["person_id"])
    assert lookup.who_held(tables, "Minister of State Security", "1939").empty  # nobody, not impossible holders


def test_who_held_reads_an_uncertain_day_as_the_day_written(tables):
    """'1953-06-26?' is that day, as in the notebooks, not the two years edtf widens it to."""
    sure = lookup.who_held(tables, "Minister of Internal Affairs", "1953-06-26")
    assert lookup.who_held(tables, "Minister of Internal Affairs", "1953-06-26?").equals(sure)


def test_who_held_says_when_every_word_is_found_but_not_together_and_names_longer_words(tables, capsys):
    with pytest.raises(ParameterError, match="each of its words is in some post title or organisation, but no post has them all"):
        lookup.who_held(tables, "Minister Georgia", "1951-11-09")
    georgia = lookup.who_held(tables, "Georgia", "1951-11-09")
    assert georgia.attrs["longer words"] == ["georgian"]
    assert all("georgia" in f"{r.post} {r.organisation}".lower().replace("georgian", "") for r in georgia.itertuples())
    assert main(["who-held", "Georgia", "1951-11-09"]) == 0
    assert "words are matched whole: 'georgian' not searched" in capsys.readouterr().err
    assert lookup.who_held(tables, "Georgian", "1951-11-09").attrs["longer words"] == []


def test_a_look_up_typed_in_cyrillic_finds_what_the_tables_record_in_latin_letters(tables):
    """Regression: 'МВД' and 'Сталин' were refused (organisations, and 16 persons, are recorded in Latin letters only)."""
    assert {"kruglov", "serov"} <= set(lookup.who_held(tables, "МВД", "1953-06-25")["person_id"])
    assert set(lookup.about(tables, "Сталин")["row_id"]) >= {"stalin-fate"}
    with pytest.raises(ParameterError, match="closest known"):
        lookup.about(tables, "Стaлинн")  # a misspelling still says what is close


def test_export_never_replaces_a_table_of_the_data_package_a_checkout_file_or_a_file_that_is_no_export(copy_data, tmp_path, capsys):
    """Regression: `export data/persons.csv` replaced the persons table with the export (and a link to it, the table
    behind the link). A file of the data package read, a file of the checkout outside build/, and an existing file
    that is no export are refused in one line, and left as they were; an earlier export is written over."""
    from patronage import config
    from patronage.__main__ import main

    persons = copy_data / "persons.csv"
    before = persons.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(persons)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    for target in (persons, link, config.PROJ_ROOT / "exports" / "assertions.csv", notes):
        assert main(["export", str(target), "--data-dir", str(copy_data)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
    assert persons.read_bytes() == before and notes.read_text(encoding="utf-8") == "my notes\n"
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/zero")):  # refused before anything is read or written: no hang, no memory eaten
        assert main(["export", str(target), "--data-dir", str(copy_data)]) == 2
        assert "not a regular file" in capsys.readouterr().err
    out = tmp_path / "out.csv"
    assert main(["export", str(out), "--data-dir", str(copy_data)]) == 0
    assert main(["export", str(out), "--data-dir", str(copy_data)]) == 0  # an export of the assertions: replaced


def test_who_held_lists_no_row_its_refinement_rules_out_nor_a_day_beyond_the_record(tables):
    """Regression: Ignatiev's ministry 'by 1952' was listed for 1 January 1950, though the row that refines it dates it
    from 9 August 1951; Kovalchuk's open-ended Ukrainian ministry answered for 25 June 1953 (its refinement ends it by
    6 September 1952) and for the year 9999."""
    assert "ignatiev" not in set(lookup.who_held(tables, "Minister of State Security", "1950-01-01")["person_id"])
    assert "ignatiev" in set(lookup.who_held(tables, "Minister of State Security", "1952-06-01")["person_id"])
    assert "kovalchuk" not in set(lookup.who_held(tables, "Minister of State Security", "1953-06-25")["person_id"])
    with pytest.raises(ParameterError, match="the tables record nothing then: their dates run from"):
        lookup.who_held(tables, "Minister", "9999-12-31")


def test_a_remark_in_an_organisations_name_is_not_its_lineages(tables):
    """Regression: 'MGB' on 1 January 1950 listed Kruglov and Serov of the Ministry of Internal Affairs (1946-1953): the
    name of its successor, '(united with the MGB, 1953-1954)', lent its words to the whole lineage."""
    held = set(lookup.who_held(tables, "MGB", "1950-01-01")["person_id"])
    assert "abakumov" in held and not held & {"kruglov", "serov"}
    assert "beria" in set(lookup.who_held(tables, "MGB", "1953-06-01")["person_id"])  # the united ministry's own name


def test_who_held_the_kgb_lists_no_one_of_the_ministry_it_left(tables):
    """The MVD of 1954 was named '(after the separation of the KGB)': its Minister Kruglov and Snegov, of its Board,
    were listed as holding KGB posts in June 1954."""
    held = lookup.who_held(tables, "KGB", "1954-06-01")
    assert len(held) and set(held["person_id"]) <= {"serov", "shubnyakov"}, held[["person_id", "post"]]


@pytest.mark.parametrize(("variable", "value"), [("PATRONAGE_MAX_TABLE_BYTES", "abc"), ("PATRONAGE_MAX_TABLE_BYTES", "-1"),
                                                 ("PATRONAGE_WORKERS", "many"), ("PATRONAGE_CACHE_DIR", "FILE")])
def test_a_bad_setting_is_named_in_one_line(tmp_path, variable, value):
    """A $PATRONAGE_... variable the package cannot use: a traceback (abc, a file as the cache), or every table refused
    as larger than -1 bytes. Now one line naming the variable and its value, exit 2."""
    import os
    import subprocess
    import sys

    if value == "FILE":
        (tmp_path / "f").write_text("", encoding="utf-8")
        value = str(tmp_path / "f")
    env = {**os.environ, variable: value}
    command = ["-m", "patronage.build", "--no-wait", "--only", "nothing"] if variable == "PATRONAGE_WORKERS" else ["-m", "patronage", "about", "Serov"]
    out = subprocess.run([sys.executable, *command], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and f"environment variable {variable}={value!r} is not valid" in out.stderr, out.stderr


@pytest.mark.parametrize(("name", "text", "said"), [("p.sh", "echo hi\n", "not a notebook"),
                                                    ("e.ipynb", "{}", "not a Jupyter notebook papermill can run"),
                                                    ("t.ipynb", "echo hi", "not a Jupyter notebook papermill can run")])
def test_running_a_file_that_is_no_notebook_is_refused_in_one_line(tmp_path, capsys, name, text, said):
    from patronage.build import runs

    (tmp_path / name).write_text(text, encoding="utf-8")
    assert runs.main(str(tmp_path / name), str(tmp_path / "out.ipynb"), [], None) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and not (tmp_path / "out.ipynb").exists()


def test_an_alpha_an_end_in_floating_point_is_refused():
    """alpha = 1e-20 passed the check ('between 0 and 1') and stopped in a later cell on 'math domain error'."""
    from patronage.errors import ParameterError
    from patronage.tables import checks

    assert checks.number("alpha", 1e-12, 0, 1, open_ends=True) == 1e-12
    with pytest.raises(ParameterError, match="at least 1e-12 from each"):
        checks.number("alpha", 1e-20, 0, 1, open_ends=True)


def test_an_empty_path_is_refused_not_read_as_the_current_folder(capsys):
    from patronage.__main__ import main

    for argv in (["validate", ""], ["export", ""], ["about", "Serov", "--data-dir", " "]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2 and "an empty path names no file or folder" in capsys.readouterr().err


def test_a_reversed_interval_is_said_to_be_reversed(tables):
    """who-held 1953-06-26/1953-06-01 was told only to 'give an ISO or EDTF date or interval', as if the form were wrong."""
    from patronage.errors import ParameterError
    from patronage.tables import lookup

    with pytest.raises(ParameterError, match="the interval ends before it starts: give its earlier day first"):
        lookup.who_held(tables, "minister", "1953-06-26/1953-06-01")
    with pytest.raises(ParameterError, match="give an ISO or EDTF date or interval"):
        lookup.who_held(tables, "minister", "26/06/1953")


def test_export_to_a_dash_writes_the_standard_output(tmp_path, monkeypatch, capsys):
    """`export -` wrote a file named '-' in the current folder; '-' is the shell's name for the standard output."""
    from patronage.__main__ import main

    monkeypatch.chdir(tmp_path)
    assert main(["export", "-"]) == 0
    assert capsys.readouterr().out.startswith("table,row_id,person_id,") and not (tmp_path / "-").exists()
