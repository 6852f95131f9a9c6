"""Bad data gets a clear message naming file, row and column: each corruption on its own copy."""

from __future__ import annotations

import copy
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import patronage
from patronage.errors import DataError
from patronage.tables import schema
from patronage.tables.load import validated

from toyworld import ROWS, S


def corrupted(**changes):
    """The toy rows with changes applied: table -> function(list of rows) mutating it."""
    rows = copy.deepcopy(ROWS)
    for table, change in changes.items():
        rows.setdefault(table, [])
        change(rows[table])
    return rows


def problems_of(make_package, rows) -> list[str]:
    with pytest.raises(DataError) as err:
        patronage.load(make_package(rows))
    return [str(p) for p in err.value.problems]


def test_toy_world_is_valid(make_package):
    t = patronage.load(make_package(ROWS))
    assert len(t.spells) == len(ROWS["spells"])


CASES = {
    "bad EDTF date": (dict(spells=lambda r: r[0].update(start="1945-13-45")),
                      "spells.csv, row 2, column 'start': '1945-13-45' is not a closed EDTF date or interval (EDTFParseException): write a day 1953-06-26"),
    "dangling id": (dict(spells=lambda r: r[1].update(person_id="nobody")),
                    "spells.csv, row 3, column 'person_id': 'nobody' is not an id in persons"),
    "duplicate id": (dict(persons=lambda r: r.append(dict(r[0]))),
                     "persons.csv, row 8, column 'person_id': duplicate value 'p'"),
    "missing required cell": (dict(events=lambda r: r[0].update(kind="")),
                              "events.csv, row 2, column 'kind': required cell is empty"),
    "bad enum": (dict(ties=lambda r: r[0].update(kind="friendship")),
                 "ties.csv, row 2, column 'kind': 'friendship' is not one of the allowed values"),
    "quote too long": (dict(events=lambda r: r[0].update(quote=" ".join(["word"] * 26))),
                       "events.csv, row 2, column 'quote': quote has 26 words; at most 25"),
    "ends before it starts": (dict(spells=lambda r: r[0].update(end="1944")),
                              "spells.csv, row 2, column 'end': ends (1944) before it starts (1945): check both dates"),
    "post after death": (dict(spells=lambda r: r.append({**r[4], "spell_id": "c-late", "person_id": "c",
                                                         "start": "1951", "end": "1952"})),
                         "spells.csv, row 11, column 'start': starts (1951) after c died"),
    "seed evidence from a non-seed source": (dict(sources=lambda r: r[0].update(seed=False)),
                                             "evidence is 'seed' but 'src' is not a seed text"),
    "not an integer": (dict(spells=lambda r: r[0].update(seniority="1e3")),
                       "spells.csv, row 2, column 'seniority': '1e3' is not an integer"),
    "out of range": (dict(spells=lambda r: r[0].update(seniority="9")),
                     "spells.csv, row 2, column 'seniority'"),
    "not a boolean": (dict(ties=lambda r: r[0].update(defected="perhaps")),
                      "ties.csv, row 2, column 'defected': 'perhaps' is not true or false"),
    "list reference": (dict(ties=lambda r: r[0].update(codings="x|zz")),
                       "ties.csv, row 2, column 'codings': 'zz' is not an id in codings"),
    "reading without conflict": (dict(ties=lambda r: r[0].update(reading="article")),
                                 "ties.csv, row 2, column 'conflict_id': row names a reading but no conflict"),
    "tie to himself": (dict(ties=lambda r: r[0].update(client_id="p")),
                       "ties.csv, row 2, column 'client_id': the tie joins p to himself"),
    "tie after death": (dict(ties=lambda r: r.append({**r[6], "tie_id": "d-c", "patron_id": "d", "client_id": "c",
                                                      "start": "1951", "end": ""})),
                        "ties.csv, row 11, column 'start': starts (1951) after c died"),
    "tie before birth": (dict(ties=lambda r: r[3].update(start="1910"),
                              events=lambda r: r.append({"event_id": "birth-b", "date": "1920", "kind": "birth", "title": "b born", **S}),
                              event_participants=lambda r: r.append({"event_id": "birth-b", "person_id": "b", "role": "subject", **S})),
                         "ties.csv, row 5, column 'start': starts (1910) before b was born"),
    "post before birth": (dict(spells=lambda r: r[4].update(start="1910"),
                               events=lambda r: r.append({"event_id": "birth-b", "date": "1920", "kind": "birth", "title": "b born", **S}),
                               event_participants=lambda r: r.append({"event_id": "birth-b", "person_id": "b", "role": "subject", **S})),
                          "spells.csv, row 6, column 'start': starts (1910) before b was born"),
    "defection date without a defection": (dict(ties=lambda r: r[3].update(defection_date="1950-06")),
                                           "ties.csv, row 5, column 'defection_date': dates a defection (1950-06)"),
    "defection without a date": (dict(ties=lambda r: r[0].update(defection_date="")),
                                 "ties.csv, row 2, column 'defection_date': records a defection with no date"),
    "tie running after death": (dict(ties=lambda r: r[4].update(end="1952")),
                                "ties.csv, row 6, column 'end': ends (1952) after c died"),
    "acting after death": (dict(events=lambda r: r.append({"event_id": "late", "date": "1951-03-01", "kind": "reform",
                                                            "title": "late", **S}),
                                event_participants=lambda r: r.append({"event_id": "late", "person_id": "c",
                                                                       "role": "defecting", **S})),
                           "event_participants.csv, row 10, column 'role': c is 'defecting' in late after his death"),
    "taking part before birth": (dict(events=lambda r: r.extend([
                                     {"event_id": "birth-b", "date": "1920", "kind": "birth", "title": "b born", **S},
                                     {"event_id": "early", "date": "1910", "kind": "meeting", "title": "early", **S}]),
                                      event_participants=lambda r: r.extend([
                                          {"event_id": "birth-b", "person_id": "b", "role": "subject", **S},
                                          {"event_id": "early", "person_id": "b", "role": "present", **S}])),
                                 "event_participants.csv, row 11, column 'event_id': b takes part in early before he was born"),
    "defection before its tie": (dict(ties=lambda r: r[0].update(defection_date="1940")),
                                 "ties.csv, row 2, column 'defection_date': dates the defection (1940) before the tie began (1946)"),
    "defection of a rival": (dict(ties=lambda r: r[8].update(defected=True, defection_date="1950-06")),
                             "ties.csv, row 10, column 'defected': records a defection on a rivalry tie"),
    "a second death": (dict(events=lambda r: r.append({"event_id": "c-death", "date": "1952", "kind": "death",
                                                        "title": "c dies", **S}),
                            event_participants=lambda r: r.append({"event_id": "c-death", "person_id": "c",
                                                                   "role": "subject", **S})),
                       "event_participants.csv, row 10, column 'event_id': c dies a second time in c-death"),
    "defection after death": (dict(ties=lambda r: r[4].update(defected=True, defection_date="1951-03")),
                              "ties.csv, row 6, column 'defection_date': dates the defection (1951-03) after c died"),
    "row repeated under another id": (dict(spells=lambda r: r.append({**r[0], "spell_id": "p-min-again"})),
                                      "spells.csv, row 11, column 'spell_id': repeats row 'p-min' in every field but its id"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_corruption_is_named(make_package, case):
    changes, expected = CASES[case]
    found = problems_of(make_package, corrupted(**changes))
    assert any(expected in p for p in found), f"{expected!r} not in {found}"


def test_ragged_row(make_package):
    folder = make_package(ROWS)
    path = folder / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        patronage.load(folder)
    assert any("events.csv, row 3: row has" in str(p) for p in err.value.problems)


def test_non_utf8_bytes(make_package):
    folder = make_package(ROWS)
    path = folder / "persons.csv"
    data = path.read_bytes().replace(b"Person A", b"Person \xe9A")
    path.write_bytes(data)
    with pytest.raises(DataError) as err:
        patronage.load(folder)
    msg = str(err.value.problems[0])
    assert "persons.csv, row 3, column 'name'" in msg and "not UTF-8" in msg


def test_header_mismatch(make_package):
    folder = make_package(ROWS)
    path = folder / "codings.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("label", "lable", 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        patronage.load(folder)
    assert "codings.csv, row 1: header does not match the schema" in str(err.value)


def test_leading_bom_is_accepted(make_package):
    folder = make_package(ROWS)
    path = folder / "persons.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(patronage.load(folder).persons) == len(ROWS["persons"])


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "patronage", *args], capture_output=True, text=True, timeout=120)


def test_cli_validate_good_and_bad(make_package, capsys):
    """A bad package through a real interpreter (the exit code, no traceback); a good one through the
    command's own code in this process."""
    from patronage.__main__ import main

    assert main(["validate", str(make_package(ROWS, name="good"))]) == 0
    assert capsys.readouterr().out.startswith("valid:")
    bad = run_cli("validate", str(make_package(corrupted(spells=lambda r: r[0].update(start="soon")), name="bad")))
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert "spells.csv, row 2, column 'start'" in bad.stderr


def test_cli_missing_folder(tmp_path):
    out = run_cli("validate", str(tmp_path / "nowhere"))
    assert out.returncode == 1 and "Traceback" not in out.stderr and "no data package descriptor" in out.stderr


def test_a_table_changed_without_its_checksum_is_named(copy_data):
    """`python -m patronage validate` names a table whose bytes no longer match its recorded checksum;
    once ``rehash`` has recorded the new checksum, the same command finds the package valid."""
    from patronage.__main__ import main
    from patronage.tables.integrity import rehash

    path = copy_data / "codings.csv"
    path.write_bytes(path.read_bytes().replace(b"Blauvelt", b"Blauvelt ", 1))
    out = run_cli("validate", str(copy_data))
    assert out.returncode == 1 and "codings.csv: the file changed but its hash in datapackage.json did not" in out.stderr
    assert rehash(copy_data) == ["codings"]
    assert main(["validate", str(copy_data)]) == 0  # the command's own code, in this process: no second interpreter start


def test_an_empty_subject_of_a_seed_row_is_named_not_crashed_on(copy_data, capsys):
    """Regression: a seed row of the article with an empty person, patron or client id stopped validate, load and
    export with a TypeError from the rule that looks for the subject's name in the quote; it is a required cell left
    empty, named with its file, row and column, as on any other row. An empty source was also '<NA> is not a seed
    text', and other messages quoting an empty cell read '<NA>'."""
    from patronage.__main__ import main
    from patronage.tables.integrity import rehash

    for table, row_id, column in (("ties", "beria-serov-patronage-blauvelt", "client_id"),
                                  ("spells", "kruglov-1953-minister", "person_id"),
                                  ("spells", "kruglov-1953-minister", "source_id")):
        frame = pd.read_csv(copy_data / f"{table}.csv", dtype=str, keep_default_na=False)
        line = int(np.flatnonzero(frame.iloc[:, 0] == row_id)[0]) + 2
        assert frame.loc[frame.iloc[:, 0] == row_id, "evidence"].item() == "seed"
        frame.loc[frame.iloc[:, 0] == row_id, column] = ""
        frame.to_csv(copy_data / f"{table}.csv", index=False)
        rehash(copy_data)
        assert main(["validate", str(copy_data)]) == 1
        said = capsys.readouterr().err
        assert f"{table}.csv, row {line}, column '{column}': required cell is empty" in said
        # an empty cell is named as such, never as pandas' '<NA>', nor as a work that is no seed text
        assert "<NA>" not in said and "is not a seed text" not in said


def test_an_unknown_id_in_a_shared_list_is_named_on_every_row(make_package):
    """Lists of ids are split once per distinct list: each row holding the bad list is still named."""
    found = problems_of(make_package, corrupted(ties=lambda r: [t.update(codings="x|zz") for t in r[:2]]))
    assert {p for p in found if "'zz' is not an id in codings" in p} == {
        "ties.csv, row 2, column 'codings': 'zz' is not an id in codings",
        "ties.csv, row 3, column 'codings': 'zz' is not an id in codings"}


def test_values_checked_once_per_distinct_value_are_named_on_every_row(make_package, monkeypatch):
    """In a long table (schema.SPLIT_ROWS) pandera checks the enum, pattern and length constraints (and
    whether such a column's required cells are filled) once per distinct value: every row holding a
    bad value is named, exactly as when every cell is checked."""
    rows = corrupted(spells=lambda r: [s.update(evidence="Seed", quote="word " * 90) for s in r[:3]] + [r[4].update(
                         end_cause="sacked", evidence="", person_id="")],
                     events=lambda r: [r[0].update(kind="picnic"), r[1].update(kind="picnic", reading="novel")],
                     organisations=lambda r: r[0].update(lineage="Not A Slug"),
                     event_participants=lambda r: r.append(dict(r[0])))
    folder = make_package(rows)
    found = {}
    for split in (0, 10**9):  # every table checked on its distinct values; every table checked cell by cell
        monkeypatch.setattr(schema, "SPLIT_ROWS", split)
        with pytest.raises(DataError) as err:
            validated(folder)
        found[split] = err.value.problems
    assert found[0] == found[10**9]
    assert {(p.row, p.column) for p in found[0] if p.file == "spells.csv" and "'Seed'" in p.message} == {
        (2, "evidence"), (3, "evidence"), (4, "evidence")}


def test_empty_optional_columns_left_out_of_pandera_change_no_problem(make_package, monkeypatch):
    """A short table's optional columns with no value are left out of pandera's checks (they cannot
    fail there): the problems are exactly those of checking every column, and a value in a column
    the other rows leave empty is still checked."""
    rows = corrupted(spells=lambda r: [r[0].update(end_cause="sacked"), r[1].update(seniority="9")],
                     events=lambda r: r[0].update(reading="novel", conflict_id=""),
                     attributes=lambda r: r.append({"attribute_id": "Bad Id", "person_id": "p", "attribute": "fate",
                                                    "value": "shot", **S}),
                     conflicts=lambda r: None)
    folder = make_package(rows)
    found = {}
    for skip in (True, False):
        if not skip:
            monkeypatch.setattr(schema, "_idle_columns", lambda checker, frame: ())
        with pytest.raises(DataError) as err:
            validated(folder)
        found[skip] = err.value.problems
    assert found[True] == found[False]
    named = {(p.file, p.row, p.column) for p in found[True]}
    assert {("spells.csv", 2, "end_cause"), ("spells.csv", 3, "seniority"),
            ("attributes.csv", len(ROWS.get("attributes", [])) + 2, "attribute_id")} <= named


def test_an_external_row_may_quote_its_reference_work(make_package):
    """Where the text of a reference work was read, its row carries a short exact quotation, as a seed row does."""
    import patronage

    rows = copy.deepcopy(ROWS)
    rows["spells"][0].update(evidence="external", quote="a short phrase of the handbook")
    assert len(patronage.load(make_package(rows)).spells) == len(ROWS["spells"])


@pytest.mark.parametrize(("cell", "said"), [("abc", "'abc' is not an integer"), ("6.5", "'6.5' is not an integer"),
                                            ("９", "'９' is not an integer"),
                                            ("99999999999999999999", "'99999999999999999999' is beyond the integers")])
def test_an_unreadable_integer_is_named_once_as_written(make_package, cell, said):
    """An integer cell that writes no integer is named as it is written, once: a huge one was named as
    -9223372036854775808, and each bad cell was also 'required cell is empty'."""
    found = problems_of(make_package, corrupted(spells=lambda r: r[0].update(seniority=cell)))
    at = [p for p in found if p.startswith("spells.csv, row 2, column 'seniority'")]
    assert len(at) == 1 and said in at[0], found


def test_a_package_without_events_is_read_not_crashed_on(make_package):
    """The rules on lives look up each participant's event: with no events, pandas' map gave floats, which the first
    version of those rules tried to read as dates (a TypeError for a package of careers alone)."""
    rows = copy.deepcopy(ROWS)
    rows["events"], rows["event_participants"] = [], []
    tables = patronage.load(make_package(rows))
    assert tables.events.empty and tables.event_participants.empty


def test_an_empty_line_is_named_as_one_to_delete(make_package):
    """An editor's empty line at the end of a table was 'row has 0 cells, the header has 19': true, but no help."""
    folder = make_package(ROWS)
    path = folder / "ties.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        patronage.load(folder)
    rows = len(ROWS["ties"]) + 2  # the header is row 1
    assert f"ties.csv, row {rows}: the line is empty: delete it" in [str(p) for p in err.value.problems], err.value.problems


def test_validate_checks_the_crises_the_package_lists(copy_data, capsys):
    """`validate` said 'valid' of a package whose crises.yaml gave a date notebook 05 refuses ('1953-06-26?'); it now
    checks the list as 05 does, naming the file by its folder, and counts the crises of a good one."""
    from patronage.__main__ import main

    assert main(["validate", str(copy_data)]) == 0 and "crises listed in crises.yaml" in capsys.readouterr().out
    path = copy_data / "crises.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 1953-06-26", "date: 1953-06-26?", 1), encoding="utf-8")
    assert main(["validate", str(copy_data)]) == 1
    err = capsys.readouterr().err
    assert f"in the list of crises {path}" in err and "bad date '1953-06-26?'" in err, err


def test_a_posthumous_award_is_accepted_and_a_dead_man_present_at_one_is_not(make_package):
    """Awards were among the events no dead man attends, whatever his role: a posthumous award was refused. Being awarded
    is no act; being present at the ceremony is."""
    rows = copy.deepcopy(ROWS)
    rows["events"].append({"event_id": "c-medal", "date": "1960", "kind": "award", "title": "c honoured", **S})
    rows["event_participants"].append({"event_id": "c-medal", "person_id": "c", "role": "awarded", **S})
    patronage.load(make_package(rows, name="posthumous"))  # valid: no DataError
    rows["event_participants"].append({"event_id": "c-medal", "person_id": "c", "role": "present", **S})
    assert any("c is 'present' in c-medal after his death" in p for p in problems_of(make_package, rows))


def test_an_official_at_an_execution_does_not_die_there(make_package):
    """A man dies once: but the officer present at C's execution in 1950 does not die at it, whenever he died."""
    rows = copy.deepcopy(ROWS)
    rows["events"].append({"event_id": "d-death", "date": "1970", "kind": "death", "title": "d dies", **S})
    rows["event_participants"] += [{"event_id": "d-death", "person_id": "d", "role": "subject", **S},
                                   {"event_id": "c-shot", "person_id": "d", "role": "present", **S}]
    patronage.load(make_package(rows))  # valid: no DataError
