"""The panel of crises on the hand-built world (tests/toyworld.py), where the right answers are known."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

import patronage
from patronage.analysis import hypotheses as H
from patronage.analysis.crisis import make_crisis
from patronage.robustness import falls, findings, panel

from toyworld import ROWS, S, event, part, spell, tie


def with_rows(**extra) -> dict:
    """The toy world with rows added to some tables."""
    rows = copy.deepcopy(ROWS)
    for table, new in extra.items():
        rows[table] = rows.get(table, []) + new
    return rows


def test_finds_the_toy_crisis(toy):
    found = panel.crises(toy.select(coding="x"))
    assert found.columns.tolist() == ["patron_id", "date", "dated", "event_id", "title"]
    assert found[["patron_id", "date", "dated", "event_id"]].values.tolist() == [["p", pd.Timestamp("1950-06-15"), "1950-06-15", "fall"]]


def test_a_fall_known_to_a_month_keeps_its_month_beside_the_day_it_is_read_as(make_package):
    rows = with_rows(
        spells=[spell("r-top", "r", "min2", 6, "1950-06-15", "1955-03", "dismissal")],
        events=[event("r-out", "1955-03", "dismissal")], event_participants=[part("r-out", "r", "dismissed")])
    found = panel.crises(patronage.load(make_package(rows)).select(coding="x")).set_index("patron_id")
    assert found.loc["r", "dated"] == "1955-03"  # as recorded, not the day of its middle
    assert found.loc["r", "date"] == pd.Timestamp("1955-03-16")


def test_patrons_without_a_fall_and_falls_of_non_patrons_are_no_crises(toy):
    view = toy.select(coding="x")
    assert "r" in panel.patrons(view)  # R is a patron but never falls
    f = panel.falls(view).set_index("person_id")
    assert sorted(f.index) == ["b", "c", "p"]  # B and C are arrested, but they are nobody's patron
    assert not f.loc["b", "patron"] and not f.loc["c", "patron"] and f.loc["p", "patron"]
    assert set(panel.crises(view)["patron_id"]) == {"p"}


def test_the_crisis_is_found_under_every_coding(toy):
    for coding in ("x", "y"):
        assert panel.crises(toy.select(coding=coding))["patron_id"].tolist() == ["p"]


def test_a_lesser_post_lost_is_a_reshuffle_not_a_fall(make_package):
    rows = with_rows(
        spells=[spell("r-top", "r", "min2", 6, "1950-06-15", "1960", "retirement"),
                spell("r-minor", "r", "min", 3, "1949", "1951-01-01", "dismissal")],
        events=[event("r-reshuffle", "1951-01-01", "dismissal"), event("r-out", "1955-03-01", "dismissal")],
        event_participants=[part("r-reshuffle", "r", "dismissed"), part("r-out", "r", "dismissed")])
    view = patronage.load(make_package(rows)).select(coding="x")
    assert not panel.is_fall(view, "r", pd.Timestamp("1951-01-01"), "dismissed")  # kept his rank-6 office
    assert panel.crises(view)["patron_id"].tolist() == ["p"]  # r-out: 1955, but r-top runs to 1960
    rows["spells"][-2] = spell("r-top", "r", "min2", 6, "1950-06-15", "1955-03-01", "dismissal")
    view = patronage.load(make_package(rows, "pkg2")).select(coding="x")
    found = panel.crises(view)
    assert found[["patron_id", "event_id"]].values.tolist() == [["p", "fall"], ["r", "r-out"]]


def test_a_loss_made_up_by_an_equal_office_is_no_fall(make_package):
    rows = with_rows(spells=[spell("p-later", "p", "min2", 6, "1950-06-20", "1951")])
    view = patronage.load(make_package(rows)).select(coding="x")
    assert panel.crises(view).empty


def test_panel_has_one_row_per_crisis_and_hypothesis(toy):
    view = toy.select(coding="x")
    found = panel.crises(view)
    result = panel.panel(view, found, horizon_years=10)
    n_hypotheses = len(H.run_all(view, make_crisis(view, "p", "1950-06-15")))
    assert len(result) == len(found) * n_hypotheses == 11
    assert not result.duplicated(["crisis", "hypothesis"]).any()
    assert result["crisis"].unique().tolist() == ["P 1950-06-15"]
    row = result.iloc[0]
    assert (row["clients"], row["top clients"], row["defectors"]) == (3, 3, 1)


def test_panel_verdicts_are_those_of_the_single_crisis(toy):
    view = toy.select(coding="x")
    result = panel.panel(view, panel.crises(view)).set_index("hypothesis")
    alone = H.verdict_table(H.run_all(view, make_crisis(view, "p", "1950-06-15"))).set_index("hypothesis")
    pd.testing.assert_series_equal(result["verdict"], alone["verdict"], check_names=False)
    assert result.loc["H3 no reward", "verdict"] == "fails"


def test_summary_counts_each_verdict_once_per_crisis(toy):
    view = toy.select(coding="x")
    s = panel.summary(panel.panel(view, panel.crises(view)))
    assert s.columns.tolist() == [*panel.VERDICTS, "crises"]
    assert s.index.is_monotonic_increasing and (s["crises"] == 1).all()
    assert (s[list(panel.VERDICTS)].sum(axis=1) == s["crises"]).all()
    assert s.loc["H3 no reward", "fails"] == 1 and s.loc["H2 loyalty", "untestable"] == 1  # one first deputy


def test_grid_and_empty_panel(toy):
    view = toy.select(coding="x")
    grid = panel.verdict_grid(panel.panel(view, panel.crises(view)))
    # A's first deputyship, his one recorded post before the fall, is no promotion: his career does not say whose he was
    assert grid.index.tolist() == ["P 1950-06-15"] and grid.loc["P 1950-06-15", "H1 genuine clients"] == "no data"
    empty = panel.panel(view, panel.crises(view).iloc[0:0])
    assert empty.empty and panel.summary(empty).empty


def test_defections_are_counted_by_their_crisis(toy):
    view = toy.select(coding="x")
    rosters = panel.make_crises(view, panel.crises(view))
    d = panel.defections(view, rosters)
    assert d[["tie_id", "counted in"]].values.tolist() == [["p-a", "P 1950-06-15"]]
    assert panel.defections(toy.select(coding="y"), rosters).empty


def test_pooled_defection_and_clients_lost_before_the_fall(toy, make_package):
    view = toy.select(coding="x")
    rosters = panel.make_crises(view, panel.crises(view))
    pooled = panel.pooled_defection(rosters, min_rank=4)
    assert (pooled["top clients"], pooled["defected"], pooled["crises with a defection"]) == (3, 1, 1)
    assert round(pooled["exact 95% CI low"], 3) == 0.008  # Clopper-Pearson for 1/3, as in the H2 test
    assert panel.lost_before(view, rosters["P 1950-06-15"]).empty
    rows = with_rows(ties=[{**ROWS["ties"][3], "tie_id": "p-e", "client_id": "c", "end": "1950-03-01"}])
    other = patronage.load(make_package(rows, "pkg3")).select(coding="x")
    gone = panel.lost_before(other, make_crisis(other, "p", "1950-06-15"))
    # C has no fate attribute: his last loss event gives it
    assert gone.values.tolist() == [["c", "1950-03-01", "executed (1950-12-01)"]]


def test_a_client_lost_before_the_fall_is_one_row_with_his_recorded_fate(make_package):
    """Two works attest C's tie (one row, the tie that ended last); a fate attribute comes first; a client with
    neither attribute nor loss event is 'not recorded'."""
    rows = with_rows(ties=[{**ROWS["ties"][3], "tie_id": "p-e", "client_id": "c", "end": "1950-03-01"},
                           {**ROWS["ties"][3], "tie_id": "p-e2", "client_id": "c", "end": "1950-04-01"},
                           {**ROWS["ties"][3], "tie_id": "p-d", "client_id": "d", "end": "1950-02-01"}],
                     attributes=[{"attribute_id": "c-fate", "person_id": "c", "attribute": "fate", "value": "suicide", **S}])
    other = patronage.load(make_package(rows, "pkg-lost")).select(coding="x")
    gone = panel.lost_before(other, make_crisis(other, "p", "1950-06-15"))
    assert gone.values.tolist() == [["d", "1950-02-01", "not recorded"], ["c", "1950-04-01", "suicide"]]


# --- the crises listed in a YAML file (data/crises.yaml) and their validation -----------------------------------

TOY_ENTRY = {"name": "P 1950", "patron": "p", "date": "1950-06-15", "event": "fall", "model": "fall", "note": "the toy fall"}


def write_list(tmp_path, entries, name="crises.yaml") -> Path:
    import yaml

    path = tmp_path / name
    path.write_text(yaml.safe_dump({"crises": entries}, sort_keys=False), encoding="utf-8")
    return path


def problems_of(toy, path) -> list[str]:
    with pytest.raises(panel.CrisisListError) as caught:
        panel.crisis_list(toy, path)
    return caught.value.problems


def test_a_good_list_gives_one_row_per_crisis_in_the_files_order(toy, tmp_path):
    by_name = {**TOY_ENTRY, "name": "P by name", "patron": "Person P"}  # a recorded name works as well as an id
    listed = panel.crisis_list(toy, write_list(tmp_path, [by_name], "by-name.yaml"))
    assert listed.columns.tolist() == panel.LIST_COLUMNS
    assert listed[["crisis", "patron_id", "event_id", "model"]].values.tolist() == [["P by name", "p", "fall", "fall"]]
    assert (listed["date"] == pd.Timestamp("1950-06-15")).all()
    assert listed.loc[0, "note"] == "the toy fall" and panel.crisis_list(toy, write_list(
        tmp_path, [{k: v for k, v in TOY_ENTRY.items() if k != "note"}], "n.yaml")).loc[0, "note"] == ""


def test_the_same_fall_listed_twice_under_two_names_is_refused(toy, tmp_path):
    """The panel would count the patron's clients twice and set the crisis against the 'other' crises: itself. A fall
    listed again within the crisis window, under another day or event, is the same fall."""
    again = {**TOY_ENTRY, "name": "P 1950 again", "patron": "Person P"}
    assert problems_of(toy, write_list(tmp_path, [TOY_ENTRY, again])) == [
        "'P 1950 again' is a fall of p on 1950-06-15, within 30 days of 'P 1950' (1950-06-15): one fall, listed twice; "
        "list it once"]
    from patronage.robustness.crisis_list import _same_fall_twice

    first = {"crisis": "P 1950", "patron_id": "p", "date": "1950-06-15"}
    assert _same_fall_twice([first, {**first, "crisis": "P plenum", "date": "1950-07-10"}])  # 25 days on: the same fall
    assert not _same_fall_twice([first, {**first, "crisis": "P 1951", "date": "1951-06-15"}])  # a year on: another
    assert not _same_fall_twice([first, {**first, "crisis": "R 1950", "patron_id": "r"}])  # another patron


def test_an_unknown_person_is_named_with_the_closest(toy, tmp_path):
    (problem,) = problems_of(toy, write_list(tmp_path, [{**TOY_ENTRY, "patron": "Nobody"}]))
    assert problem.startswith("entry 1 (P 1950): patron 'Nobody': no person has this name")


@pytest.mark.parametrize("value, says", [
    ("1950-06", "give the day as YYYY-MM-DD"),  # a month is not a day
    ("15 June 1950", "give the day as YYYY-MM-DD"),
    ("1950-13-01", "give one day as an ISO or EDTF date"),  # right shape, no such day
    ("2050-06-15", "the tables record nothing on that day"),  # outside the span of the tables
])
def test_a_bad_date_is_refused_with_what_to_give(toy, tmp_path, value, says):
    (problem,) = problems_of(toy, write_list(tmp_path, [{**TOY_ENTRY, "date": value}]))
    assert problem.startswith(f"entry 1 (P 1950): bad date {value!r}") and says in problem


def test_a_yaml_date_is_read_as_a_day(toy, tmp_path):
    import datetime

    path = tmp_path / "d.yaml"  # unquoted in YAML, the date arrives as a datetime.date
    path.write_text("crises:\n  - {name: P, patron: p, date: 1950-06-15, event: fall, model: fall}\n", encoding="utf-8")
    assert panel.crisis_list(toy, path).loc[0, "date"] == pd.Timestamp(datetime.date(1950, 6, 15))


def test_the_event_must_exist_and_contain_the_day(toy, tmp_path):
    (unknown,) = problems_of(toy, write_list(tmp_path, [{**TOY_ENTRY, "event": "no-such-event"}]))
    assert "unknown event 'no-such-event'" in unknown
    (outside,) = problems_of(toy, write_list(tmp_path, [{**TOY_ENTRY, "event": "appeal"}], "o.yaml"))
    assert "date 1950-06-15 lies outside the event 'appeal', dated 1950-07-01" in outside


def test_keys_model_names_and_shape_are_checked_and_every_problem_is_listed(toy, tmp_path):
    bad = [{**TOY_ENTRY, "modle": "fall"}, {k: v for k, v in TOY_ENTRY.items() if k != "event"},
           {**TOY_ENTRY, "name": "Other", "model": "collapse"}, "just a line", TOY_ENTRY]
    problems = problems_of(toy, write_list(tmp_path, bad))
    assert "entry 1 (P 1950): unknown key 'modle'; the keys are name, patron, date, event, model, note" in problems
    assert "entry 2 (P 1950): missing 'event'" in problems
    assert "entry 3 (Other): model 'collapse' is not one of fall, attacked network" in problems
    assert any(p.startswith("entry 4: expected a mapping") for p in problems)
    assert "the name 'P 1950' is given to more than one crisis" in problems
    assert str(len(problems)) + (" problem" if len(problems) == 1 else " problems") + " in the list of crises" in str(panel.CrisisListError("x", problems))


@pytest.mark.parametrize("text, says", [("crises: []\n", "non-empty list under 'crises:'"),
                                        ("- a\n- b\n", "non-empty list under 'crises:'"),
                                        ("crises: [\n", "not valid YAML"),
                                        ("crises:\n  - name: P\n    date: 1953-02-30\n", "'1953-02-30' is not a date"),
                                        ("crises:\n  - name: P\n    name: Q\n", "the key 'name' is given twice")])
def test_a_malformed_file_is_refused(toy, tmp_path, text, says):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert says in problems_of(toy, path)[0]
    assert "cannot read it" in problems_of(toy, tmp_path / "missing.yaml")[0]


# --- the new rules, both branches, on the toy world ---------------------------------------------------------------

def toy_panel(view, entries=(TOY_ENTRY,), tmp_path=None):
    listed = pd.DataFrame([{"crisis": e["name"], "patron_id": e["patron"], "date": pd.Timestamp(e["date"]),
                            "event_id": e["event"], "model": e["model"], "note": ""} for e in entries])
    return listed, panel.named_crises(view, listed)


def test_top_clients_are_the_clients_at_or_above_the_rank_with_their_tie_and_post(toy):
    view = toy.select(coding="x")
    _, rosters = toy_panel(view)
    top = panel.top_clients(view, rosters["P 1950"], min_rank=4)
    assert top[["person_id", "tie", "post the day before", "rank", "defected"]].values.tolist() == [
        ["a", "p-a", "a-min", 5, True], ["b", "p-b", "b-min", 4, False], ["c", "p-c", "c-min", 4, False]]
    assert panel.top_clients(view, rosters["P 1950"], min_rank=5)["person_id"].tolist() == ["a"]  # below: left out


def test_each_fate_word_comes_from_its_own_rows(toy, make_package):
    view = toy.select(coding="x")
    _, rosters = toy_panel(view)
    fates = panel.client_fates(view, rosters).set_index("person_id")
    assert fates["fate"].to_dict() == {"a": "promoted", "b": "arrested", "c": "shot"}
    assert fates.at["b", "how"] == "b-arrest (1950-08-01; event b-arrest)" and fates.at["c", "how"].startswith("c-shot")
    rows = with_rows(spells=[spell("e-min", "e", "min", 4, "1946", "1950-09-01", "dismissal"),
                             spell("f-min", "f", "min", 4, "1946", "1950-06-14", "demotion"),
                             spell("f-low", "f", "min2", 3, "1950-06-15", "1960"),
                             spell("g-min", "g", "min", 4, "1946", "1950-06-14", "reorganisation"),
                             spell("g-min2", "g", "min2", 4, "1950-06-15", "1960"),
                             spell("h-min", "h", "min", 4, "1946", "1950-06-14", "transfer")],
                     persons=[{**ROWS["persons"][0], "person_id": x, "name": f"Person {x}", "surname": x} for x in "efgh"],
                     ties=[{**ROWS["ties"][3], "tie_id": f"p-{x}", "client_id": x} for x in "efgh"])
    other = patronage.load(make_package(rows)).select(coding="x")
    _, rosters = toy_panel(other)
    crisis = rosters["P 1950"]
    said = {p: panel.client_fate(other, crisis, p, 4)[0] for p in "efgh"}
    assert said == {"e": "dismissed", "f": "demoted", "g": "kept his post", "h": "not recorded"}
    assert panel.client_fate(other, crisis, "g", pd.NA)[0] == "not recorded"  # no rank the day before


def test_a_client_dismissed_and_then_arrested_within_the_year_was_arrested(toy, make_package):
    rows = with_rows(spells=[spell("e-min", "e", "min", 4, "1946", "1950-09-01", "dismissal")],
                     events=[event("e-arrest", "1951-02", "arrest")], event_participants=[part("e-arrest", "e", "arrested")],
                     persons=[{**ROWS["persons"][0], "person_id": "e", "name": "Person e", "surname": "e"}],
                     ties=[{**ROWS["ties"][3], "tie_id": "p-e", "client_id": "e"}])
    view = patronage.load(make_package(rows)).select(coding="x")
    _, rosters = toy_panel(view)
    word, how = panel.client_fate(view, rosters["P 1950"], "e", 4)
    assert (word, how) == ("arrested", "e-arrest (1951-02; event e-arrest)")  # the worst in the year, dated as recorded
    assert panel.client_fate(view, rosters["P 1950"], "e", 4, window_days=120)[0] == "dismissed"  # the arrest is later


def test_the_panel_table_has_the_columns_and_counts_the_top_clients(toy):
    view = toy.select(coding="x")
    listed, rosters = toy_panel(view)
    table = panel.panel_table(view, rosters, listed)
    assert table.columns.tolist()[:7] == panel.PANEL_COLUMNS
    assert len(table) == 11 and set(table["top_clients"]) == {3} and set(table["defected"]) == {1}
    assert table.set_index("hypothesis").at["H2 loyalty", "population"].startswith(
        "the patron's clients in high office (rank >= 4) the day before (3)")
    assert panel.no_data_share(table) == (table["verdict"] == "no data").mean()
    assert pd.isna(panel.no_data_share(table.iloc[0:0]))


def test_the_pooled_share_and_leaving_a_crisis_out(toy):
    view = toy.select(coding="x")
    _, rosters = toy_panel(view, [TOY_ENTRY, {**TOY_ENTRY, "name": "P again"}])
    pooled = panel.pooled_top_clients(view, rosters)
    assert (pooled["crises"], pooled["top clients"], pooled["defected"]) == (2, 6, 2)  # each crisis a separate chance
    assert round(pooled["ci low"], 4) == 0.0433 and round(pooled["ci high"], 4) == 0.7772
    rest = panel.pooled_top_clients(view, rosters, leave_out="P again")
    assert (rest["crises"], rest["top clients"], rest["defected"]) == (1, 3, 1)
    none = panel.pooled_top_clients(view, rosters, min_rank=7)
    assert none["top clients"] == 0 and pd.isna(none["share"]) and pd.isna(none["ci low"])


def test_the_pooled_share_recounted_without_each_crisis_at_other_thresholds_and_by_men(toy):
    view = toy.select(coding="x")
    _, rosters = toy_panel(view, [TOY_ENTRY, {**TOY_ENTRY, "name": "P again"}])
    v = panel.pooled_variants(view, rosters, ranks=(3, 7)).set_index("variant")
    assert v.columns.tolist() == panel.VARIANT_COLUMNS[1:]
    assert v.index.tolist() == ["all crises", "without P 1950", "without P again", "rank >= 3", "rank >= 7",
                                "crisis window 7 days", "crisis window 90 days", "careers confirm", "each man once"]
    assert v.loc["all crises", ["top clients", "defected"]].tolist() == [6, 2]
    assert v.loc["careers confirm", ["top clients", "defected"]].tolist() == [6, 2]  # A's career makes him P's client
    assert v.loc["without P 1950", ["crises", "top clients", "defected"]].tolist() == [1, 3, 1]
    assert v.loc["rank >= 7", "top clients"] == 0 and pd.isna(v.loc["rank >= 7", "share"])
    # the same three men at both crises: six chances to defect, but three men, one of whom defected
    assert v.loc["each man once", ["top clients", "defected"]].tolist() == [3, 1]
    assert round(v.loc["each man once", "ci high"], 4) == round(panel.pooled_top_clients(view, rosters, leave_out="P again")["ci high"], 4)
    sentence = findings.variant_findings(v.reset_index())
    assert "without P 1950" in sentence and "at rank >= 7, no top client" in sentence
    assert sentence.endswith("counting each man once, 1 of 3 (0.333).")
    assert findings.variant_findings(v.reset_index().iloc[0:1]) == ""  # nothing re-counted: no sentence


def test_the_pooled_share_recounted_with_another_crisis_window_is_the_count_of_crises_made_with_it(make_package):
    """The window decides who the defectors are: with A's defection dated in his tie only, '1950-05' (no act at the
    fall on 15 June), a window of three months counts it at the fall, a week's does not."""
    def tie_only(rows):
        rows["event_participants"] = [p for p in rows["event_participants"] if p["role"] != "defecting"]
        next(t for t in rows["ties"] if t["tie_id"] == "p-a")["defection_date"] = "1950-05"
    rows = copy.deepcopy(ROWS)
    tie_only(rows)
    view = patronage.load(make_package(rows)).select(coding="x")
    _, rosters = toy_panel(view)
    v = panel.pooled_variants(view, rosters, ranks=(), windows=(7, 30, 90)).set_index("variant")
    assert "crisis window 30 days" not in v.index  # the rosters' own window is the estimate, no variant
    assert v.loc["crisis window 7 days", "defected"] == 0 and v.loc["crisis window 90 days", "defected"] == 1
    for w in (7, 90):
        made = {"P 1950": make_crisis(view, "p", "1950-06-15", window_days=w)}
        assert v.loc[f"crisis window {w} days", ["top clients", "defected"]].tolist() == [
            int(panel.pooled_top_clients(view, made)[c]) for c in ("top clients", "defected")]
    assert "with a crisis window of 7 days instead of 30, 0 of 3 (0.000)" in findings.variant_findings(v.reset_index())


def test_the_tests_against_the_case_and_with_nothing_to_compare(toy):
    view = toy.select(coding="x")
    _, rosters = toy_panel(view, [TOY_ENTRY, {**TOY_ENTRY, "name": "P again"}])
    t = panel.rarer_than_case(view, rosters, "P 1950")
    assert (t["case defected"], t["case top clients"], t["others defected"], t["others top clients"]) == (1, 3, 1, 3)
    assert (t["case first deputies defected"], t["case first deputies"]) == (1, 1)
    assert round(t["fisher p (one-sided, less)"], 4) == 0.8 and round(t["binomial p0"], 4) == 0.3333
    assert round(t["binomial p (one-sided, less)"], 4) == 0.7407  # 1 of 3 at the case's own rate of 1 in 3: no surprise
    _, alone = toy_panel(view)
    lonely = panel.rarer_than_case(view, alone, "P 1950")
    assert lonely["others top clients"] == 0 and pd.isna(lonely["fisher p (one-sided, less)"])


def test_career_bars_clip_each_post_to_the_span_around_the_crisis(toy):
    view = toy.select(coding="x")
    _, rosters = toy_panel(view)
    bars = panel.career_bars(view, panel.client_fates(view, rosters), rosters, years_before=2, years_after=3)
    a = bars[bars["name"] == "Person A"].set_index("post")
    assert round(a.at["First deputy", "from"], 2) == -2.0 and round(a.at["First deputy", "to"], 2) == 0.0
    assert a.at["Minister", "fate"] == "promoted" and round(a["to"].max(), 2) == 3.0  # clipped at three years


# --- pins of the real panel: each crisis's top clients and the rows that put each there ---------------------------

REAL_TOP_CLIENTS = {
    "Yagoda 1936": [("agranov", "yagoda-agranov-patronage", "agranov-1936-nkvd-first-deputy"),
                    ("berman-matvei", "yagoda-berman-matvei-patronage", "berman-matvei-1932-gulag-head"),
                    ("berzin-eduard", "yagoda-berzin-eduard-patronage", "berzin-eduard-1931-dalstroy-director-ref"),
                    ("frinovsky", "yagoda-frinovsky-patronage", "frinovsky-1936-gupvo-head"),
                    ("prokofiev-georgy", "yagoda-prokofiev-georgy-patronage", "prokofiev-1934-nkvd-deputy-commissar")],
    "Yezhov 1938": [("berman-matvei", "yezhov-berman-matvei-patronage", "berman-matvei-1937-communications-commissar"),
                    ("frinovsky", "yezhov-frinovsky-patronage", "frinovsky-1938-navy-commissar"),
                    ("belsky-lev", "yezhov-belsky-lev-patronage", "belsky-lev-1938-nkps-deputy-commissar"),
                    ("filaretov", "yezhov-filaretov-patronage", "filaretov-1938-gulag-head"),
                    ("malenkov", "yezhov-malenkov-patronage", "malenkov-1937-orpo-head-sorokin")],
    "Abakumov 1951": [("kovalchuk", "abakumov-kovalchuk-patronage", "kovalchuk-1951-mgb-ukraine-minister-end"),
                      ("pitovranov", "abakumov-pitovranov-patronage", "pitovranov-1950-mgb-deputy-minister"),
                      ("selivanovsky", "abakumov-selivanovsky-patronage", "selivanovsky-1946-mgb-deputy-minister")],
    "Mingrelian affair 1951": [("kruglov", "beria-kruglov-patronage-blauvelt", "kruglov-1946-minister-ref"),
                               ("merkulov", "beria-merkulov-patronage", "merkulov-1950-state-control-minister"),
                               ("serov", "beria-serov-patronage-blauvelt", "serov-1947-first-deputy-minister"),
                               ("karanadze", "beria-karanadze-patronage", "karanadze-1951-mvd-georgia-minister-ref"),
                               ("rukhadze", "beria-rukhadze-patronage-ref", "rukhadze-1948-mgb-georgia-ref")],
    "Beria 1953": [("merkulov", "beria-merkulov-patronage", "merkulov-1950-state-control-minister"),
                   ("kobulov-bogdan", "beria-kobulov-bogdan-patronage", "kobulov-bogdan-1953-first-deputy-minister-ref"),
                   ("kruglov", "beria-kruglov-patronage-blauvelt", "kruglov-1953-first-deputy-minister"),
                   ("serov", "beria-serov-patronage-blauvelt", "serov-1953-first-deputy-minister"),
                   ("dekanozov", "beria-dekanozov-patronage", "dekanozov-1953-mvd-georgia-minister"),
                   ("meshik", "beria-meshik-patronage", "meshik-1953-mvd-ukraine")],
    "Malenkov 1955": [("kruglov", "malenkov-kruglov-patronage", "kruglov-1954-minister-ref"),
                      ("saburov", "malenkov-saburov-patronage", "saburov-1952-presidium"),
                      ("ponomarenko", "malenkov-ponomarenko-patronage", "ponomarenko-1953-presidium-candidate"),
                      ("pospelov", "malenkov-pospelov-patronage", "pospelov-1953-cc-secretary"),
                      ("shatalin", "malenkov-shatalin-patronage", "shatalin-1955-cc-secretary"),
                      ("taibekov", "malenkov-taibekov-patronage", "taibekov-1951-kazssr-council-chairman"),
                      ("undasynov", "malenkov-undasynov-patronage", "undasynov-1954-kazssr-supreme-soviet-chairman")],
    "Anti-Party Group 1957 (Malenkov)": [("saburov", "malenkov-saburov-patronage", "saburov-1952-presidium"),
                                         ("kosygin", "malenkov-kosygin-patronage", "kosygin-1957-gosplan-first-deputy"),
                                         ("malin", "malenkov-malin-patronage", "malin-1957-cc-general-department-head-ref"),
                                         ("pospelov", "malenkov-pospelov-patronage", "pospelov-1953-cc-secretary")],
    "Anti-Party Group 1957 (Molotov)": [("gromyko", "molotov-gromyko-patronage", "gromyko-1957-foreign-minister")],
    "Zhukov 1957": [("konev", "zhukov-konev-patronage", "konev-1955-warsaw-pact-cinc"),
                    ("vasilevsky", "zhukov-vasilevsky-patronage", "vasilevsky-1956-deputy-minister-science")],
}


@pytest.fixture(scope="module")
def real_panel(tables):
    view = tables.select(evidence="seed+external", reading="curated", coding="blauvelt")
    listed = panel.crisis_list(tables)
    return view, listed, panel.named_crises(view, listed)


def test_the_listed_crises_are_valid_and_include_the_mingrelian_affair(real_panel):
    _, listed, _ = real_panel
    assert listed["crisis"].tolist() == list(REAL_TOP_CLIENTS)
    m = listed.set_index("crisis").loc["Mingrelian affair 1951"]
    assert (m["patron_id"], m["model"], m["event_id"]) == ("beria", "attacked network", "mingrelian-affair-1951-11-09")


def test_each_real_crisis_top_clients_and_the_rows_that_put_them_there(real_panel):
    view, _, rosters = real_panel
    for name, expected in REAL_TOP_CLIENTS.items():
        top = panel.top_clients(view, rosters[name])
        assert list(top[["person_id", "tie", "post the day before"]].itertuples(index=False, name=None)) == expected, name


def test_the_real_defections_fates_and_pooled_rate(real_panel):
    view, _, rosters = real_panel
    fates = panel.client_fates(view, rosters).set_index(["crisis", "person_id"])
    assert fates.loc[fates["defected"]].index.tolist() == [
        ("Yagoda 1936", "agranov"), ("Yezhov 1938", "malenkov"), ("Mingrelian affair 1951", "rukhadze"), ("Beria 1953", "kruglov"), ("Beria 1953", "serov"),
        ("Anti-Party Group 1957 (Molotov)", "gromyko"), ("Zhukov 1957", "konev")]
    assert fates.loc[("Beria 1953", "kruglov"), "fate"] == "promoted" and fates.loc[("Beria 1953", "merkulov"), "fate"] == "shot"
    assert fates.loc[("Yezhov 1938", "malenkov"), "fate"] == "promoted" and fates.loc[("Yezhov 1938", "frinovsky"), "fate"] == "arrested"
    # the turncoat of 1936 was kept, raised to head the GUGB, then demoted within the year (and shot in 1938)
    assert fates.loc[("Yagoda 1936", "agranov"), "fate"] == "arrested" and fates.loc[("Yagoda 1936", "berman-matvei"), "fate"] == "promoted"
    # removed from his posts on 26 August 1951 (oda-kontrrazvedke), before his arrest
    assert fates.loc[("Abakumov 1951", "selivanovsky"), "fate"] == "arrested"  # dismissed in August, arrested in November 1951
    assert rosters["Abakumov 1951"].turncoats == ("ryumin",)  # turncoats with no recorded tie: not on the roster
    # Zhukov's fall is dated to his dismissal as minister (26 October); the dismissal, recorded from the 26th to the
    # 29th, is his fall itself, and Konev and Mamsurov acted against him in it
    assert rosters["Zhukov 1957"].turncoats == ("konev", "mamsurov") and rosters["Zhukov 1957"].defectors == ["konev", "mamsurov"]
    # Ignatiev: Malenkov's client, of rank 3 (first secretary of the Tatar obkom); Gromyko, Molotov's client, acted against
    # the same group, but no tie joins him to Malenkov: the event purged several men and does not say whom he turned on
    assert rosters["Anti-Party Group 1957 (Malenkov)"].turncoats == ("ignatiev",)
    assert rosters["Anti-Party Group 1957 (Molotov)"].turncoats == ("gromyko",)
    assert rosters["Yezhov 1938"].turncoats == ("malenkov", "zhuravlev")  # Zhuravlev: a client of rank 3, not a top client
    assert not {"ryumin", "zhuravlev"} & set(fates.index.get_level_values("person_id"))
    turned = panel.turncoats(rosters).set_index(["crisis", "person_id"])
    assert turned.loc[("Yezhov 1938", "zhuravlev"), "on the roster"] and turned.loc[("Yezhov 1938", "zhuravlev"), "rank the day before"] == 3
    assert not turned.loc[("Abakumov 1951", "ryumin"), "on the roster"] and pd.isna(turned.loc[("Abakumov 1951", "ryumin"), "rank the day before"])
    ranked = panel.turncoats(rosters, view).set_index(["crisis", "person_id"])  # off the roster, his rank from his posts
    assert ranked.loc[("Abakumov 1951", "ryumin"), "rank the day before"] == 2
    pooled = panel.pooled_top_clients(view, rosters)
    assert (pooled["top clients"], pooled["defected"]) == (38, 7)
    assert (round(pooled["ci low"], 3), round(pooled["ci high"], 3)) == (0.077, 0.343)
    t = panel.rarer_than_case(view, rosters, "Beria 1953")
    # like with like: the case's top clients against the others' (its first deputies beside them, not tested)
    assert (t["case defected"], t["case top clients"], t["others defected"], t["others top clients"]) == (2, 6, 5, 32)
    assert (t["case first deputies defected"], t["case first deputies"]) == (2, 3)
    assert round(t["fisher p (one-sided, less)"], 3) == 0.302 and round(t["binomial p (one-sided, less)"], 4) == 0.0216


def _with_late_client(start: str) -> dict:
    """The toy world with one more client of P, E (rank 4 from 1946), whose tie begins at ``start``."""
    return with_rows(persons=[{"person_id": "e", "name": "Person E", "surname": "E", **S}],
                     spells=[spell("e-min", "e", "min", 4, "1946", "1950-08-01", "dismissal")],
                     ties=[tie("p-e", "p", "e", "patronage", start, "1950-06-15")])


def test_a_tie_whose_known_start_precedes_the_crisis_is_on_the_roster(make_package):
    view = patronage.load(make_package(_with_late_client("1949"))).select(coding="x")
    assert "e" in make_crisis(view, "p", "1950-06-15", min_rank=4).roster["client_id"].tolist()


def test_a_tie_with_an_unknown_start_counts_only_from_its_recorded_end(make_package):
    # '/1950-12': 'by December 1950', start unknown. edtf bounds it 1940-12-31 .. 1950-12-31, whose
    # midpoint (1945) lies before the crisis; the source attests the tie only from December 1950.
    view = patronage.load(make_package(_with_late_client("/1950-12"))).select(coding="x")
    assert view.ties.set_index("tie_id").loc["p-e", "start_lo"] < pd.Timestamp("1945-01-01")  # bounds unchanged
    assert "e" not in make_crisis(view, "p", "1950-06-15").roster["client_id"].tolist()
    # by a month that ends before the crisis: known to be running, so on the roster
    view = patronage.load(make_package(_with_late_client("/1950-05"), "pkg2")).select(coding="x")
    assert "e" in make_crisis(view, "p", "1950-06-15", min_rank=4).roster["client_id"].tolist()


def test_a_spell_with_an_unknown_start_gives_no_rank_before_its_recorded_end(make_package):
    from patronage.analysis.careers import rank_as_of

    rows = with_rows(persons=[{"person_id": "e", "name": "Person E", "surname": "E", **S}],
                     spells=[spell("e-min", "e", "min", 5, "/1950-12", "1951-06", "dismissal")])
    view = patronage.load(make_package(rows)).select(coding="x")
    assert rank_as_of(view, "1950-06-14", ["e"], missing=pd.NA).isna().all()
    assert rank_as_of(view, "1950-12-15", ["e"], missing=pd.NA).tolist() == [5]


def test_a_listed_crisis_the_rule_does_not_find_is_given_its_reason(toy, make_package):
    view = toy.select(coding="x")
    assert panel.why_not_found(view, "p", "1950-06-15") == ""  # the toy fall is found
    assert panel.why_not_found(view, "r", "1950-06-15").startswith("no arrest, dismissal or purge of his is dated within 30 days")
    # Yezhov 1938 under seed evidence: his fall is found, but no tie makes him a patron; 05 named him in neither list
    no_clients = view.replace(ties=view.ties[view.ties["patron_id"] != "p"])
    assert panel.why_not_found(no_clients, "p", "1950-06-15").startswith("his fall is found (")
    assert panel.why_not_found(no_clients, "p", "1950-06-15").endswith("but the rows selected record no client of his: the panel's crises are the falls of patrons")
    assert falls.no_fall(no_clients, "p", "1950-06-15").endswith("the panel's crises are the falls of patrons).")  # no tail
    rows = with_rows(
        spells=[spell("r-top", "r", "min2", 6, "1950-06-15", "1955-03-01", "dismissal"),
                spell("r-next", "r", "min", 6, "1955-03-01", "1960")],
        events=[event("r-out", "1955-03-01", "dismissal")], event_participants=[part("r-out", "r", "dismissed")])
    moved = patronage.load(make_package(rows)).select(coding="x")
    assert panel.why_not_found(moved, "r", "1955-03-01").startswith("a reshuffle by the rule: at ")
    assert "no lower than the rank 6 he held the day before" in panel.why_not_found(moved, "r", "1955-03-01")
    kept = with_rows(spells=[spell("r-top", "r", "min2", 6, "1950-06-15", "1960")],
                     events=[event("r-warned", "1955-03-01", "dismissal"), event("d-out", "1940-05", "dismissal")],
                     event_participants=[part("r-warned", "r", "dismissed"), part("d-out", "d", "dismissed")])
    view = patronage.load(make_package(kept, "kept")).select(coding="x")
    assert panel.why_not_found(view, "r", "1955-03-01").startswith("he kept his highest office (rank 6) through")
    assert panel.why_not_found(view, "d", "1940-05-16") == ("no office of his is recorded on 1940-05-15, the day before "
                                                            "d-out (dated 1940-05, read as 1940-05-16)")


def test_a_post_ended_by_a_loss_that_no_event_records_is_named(toy, make_package):
    """Regression: for Ignatiev on 5 April 1953 notebook 03 said the records show no arrest, dismissal or purge, though
    his post as Secretary of the CC is recorded as ending that day by dismissal: the rule reads events only, and the
    sentences now name such a post. A day the rule finds no fall on is 'a day the rule does not read as one', not 'a
    day on which the records show none' (Yagoda on 26 September 1936: a dismissal recorded, read as a reshuffle)."""
    rows = with_rows(spells=[spell("r-top", "r", "min2", 6, "1950-06-15", "1955-03-01", "dismissal")])
    view = patronage.load(make_package(rows)).select(coding="x")
    said = falls.no_fall(view, "r", "1955-03-01")
    assert "(no arrest, dismissal or purge of his is dated within 30 days in the events selected, which the rule reads)" in said
    assert said.endswith("The posts record, though no event does: post 6 (ended 1955-03-01, dismissal; spell r-top).")
    assert falls.recorded_near(view, "r", "1955-03-01").endswith("(ended 1955-03-01, dismissal; spell r-top).")
    assert "The posts record" not in falls.recorded_near(view, "r", "1956-03-01")  # a year later: out of the span
    kept_rank = with_rows(spells=[spell("r-top", "r", "min2", 6, "1950-06-15", "1955-03-01", "dismissal"),
                                  spell("r-other", "r", "min", 6, "1950-06-15", "1960")])
    view = patronage.load(make_package(kept_rank, "kept-rank")).select(coding="x")
    assert "The posts record" not in falls.no_fall(view, "r", "1955-03-01")  # another post of his rank ran on: no loss
    with_event = with_rows(spells=[spell("r-top", "r", "min2", 6, "1950-06-15", "1955-03-01", "dismissal")],
                           events=[event("r-out", "1955-03-01", "dismissal")], event_participants=[part("r-out", "r", "dismissed")])
    view = patronage.load(make_package(with_event, "with-event")).select(coding="x")
    assert "The posts record" not in falls.recorded_near(view, "r", "1955-03-01")  # the event records the loss itself


def test_a_loss_the_selection_leaves_out_is_named_not_denied(tables):
    """Regression: under evidence 'seed' notebook 03 said 'The tables record no arrest, dismissal or purge' of Malenkov
    near 29 June 1957, though the tables hold the Anti-Party affair (a reference work's row, left out by the selection)."""
    seed = falls.recorded_near(tables.select(), "malenkov", "1957-06-29", full=tables)
    assert seed.startswith("The rows selected (evidence 'seed') record no arrest, dismissal or purge of his")
    assert "Left out by the selection: " in seed and "event anti-party-affair-1957-06" in seed
    wide = falls.recorded_near(tables.select(evidence="seed+external"), "malenkov", "1957-06-29", full=tables)
    assert "event anti-party-affair-1957-06" in wide and "Left out" not in wide


def test_a_run_on_a_day_with_no_fall_says_so_in_its_closing(toy):
    """Regression: 04 on Khrushchev, 28 June 1957, reported a verdict kept 'in every draw' for a fall that never happened,
    and its closing did not say so."""
    view = toy.select(coding="x")
    assert falls.no_fall(view, "p", "1950-06-15") == ""  # the toy fall is found
    said = falls.no_fall(view, "r", "1950-06-15")
    assert said.startswith("The rule that cross-checks the crisis panel's list finds no crisis (a fall of a patron) of Person R "
                           "within 30 days of 1950-06-15 (no arrest")
    assert said.endswith("the steps above read as his fall a day the rule does not read as one.")


def test_a_day_the_panel_lists_is_not_said_to_be_left_out_of_it(tables):
    """Regression: notebooks 03 and 04 on Yagoda, 26 September 1936, said the crisis panel finds no crisis of his, though
    the panel's own list (data/crises.yaml) counts 'Yagoda 1936' as a fall and its pooled share includes it: the rule
    only cross-checks the list. The sentence now says the list counts the day, under any evidence level."""
    for evidence in ("seed", "seed+external"):
        said = falls.no_fall(tables.select(evidence=evidence), "yagoda", "1936-09-26")
        assert said.endswith("the panel's own list (data/crises.yaml) counts it all the same, as 'Yagoda 1936' (model 'fall', "
                             "1936-09-26): a historian's reading, which the steps above follow."), said
        assert "does not read as one" not in said
    said = falls.no_fall(tables.select(evidence="seed+external", reading="curated"), "beria", "1951-12-07")  # near, not on it
    assert said.endswith("dates a crisis of his 28 days away, 'Mingrelian affair 1951' (model 'attacked network', 1951-11-09): "
                         "the steps above read 1951-12-07, not the list's day."), said
    said = falls.no_fall(tables.select(), "yagoda", "1936-12-26")  # three months on: no entry of the list is near
    assert said.endswith("the steps above read as his fall a day the rule does not read as one.") and "crises.yaml" not in said


def test_the_pooled_share_without_the_defectors_the_control_does_not_confirm(make_package):
    """Regression: the pooled share counted every coded defection, though the control (H1) finds some defectors no
    client of the patron by their careers (Rukhadze, Gromyko): the variant 'careers confirm' leaves them out."""
    rows = copy.deepcopy(ROWS)
    for r in rows["spells"]:
        if r["spell_id"] == "a-min":
            r["appointed_by"] = "r"  # a rival presided over A's promotion: his career makes him the rival's client
    view = patronage.load(make_package(rows)).select(coding="x")
    _, rosters = toy_panel(view)
    v = panel.pooled_variants(view, rosters).set_index("variant")
    assert v.loc["all crises", ["top clients", "defected"]].tolist() == [3, 1]
    assert v.loc["careers confirm", ["top clients", "defected"]].tolist() == [2, 0]
    assert ("without the defectors the control finds no client of the patron by their careers (a rival presided over as "
            "many of their promotions, or they did not serve under him the day before), 0 of 2 (0.000)") in \
        findings.variant_findings(v.reset_index())


def test_the_tests_against_the_case_are_read_again_at_the_other_thresholds(toy):
    """Regression: 05 read the binomial count as 'improbably low' at rank >= 4 alone, though it is no lower than
    chance allows at rank >= 3 (p = 0.649 on the compendium's panel): the closing now gives both thresholds."""
    view = toy.select(coding="x")
    _, rosters = toy_panel(view, [TOY_ENTRY, {**TOY_ENTRY, "name": "P again"}])
    said = panel.thresholds_sentence(panel.tests_at_thresholds(view, rosters, "P 1950", 4, ranks=(3, 4, 7, 9)))
    at3 = panel.rarer_than_case(view, rosters, "P 1950", 3)
    assert said.startswith("The tests against P 1950 at other thresholds, at the 0.05 level: at rank >= 3, the others' count is ")
    assert f"(binomial p = {findings.p_text(at3['binomial p (one-sided, less)'])})" in said
    assert f"(p = {at3['fisher p (one-sided, less)']:.3f})" in said
    assert said.endswith("; at rank >= 7, no test.") and "rank >= 4" not in said and "rank >= 9" not in said
    assert panel.thresholds_sentence(panel.tests_at_thresholds(view, rosters, "P 1950", 4, ranks=(4,))) == ""
    # by default one rank below the threshold and one above, as the recount of the pooled share
    assert panel.tests_at_thresholds(view, rosters, "P 1950", 5)["min rank"].tolist() == [4, 6]
    assert panel.tests_at_thresholds(view, rosters, "P 1950", 7).empty  # no test at the threshold itself: none to read again


def test_no_client_lost_before_the_fall_is_said_of_the_crises_that_had_clients_to_lose(toy):
    """Regression: 'At no crisis of the panel did a client's tie to the patron end in the year before his fall' covered
    crises whose patron had no client recorded that year: they are named apart."""
    view = toy.select(coding="x")
    _, rosters = toy_panel(view, (TOY_ENTRY, {**TOY_ENTRY, "name": "C 1950", "patron": "c"}))
    assert not len(panel.lost_before(view, rosters["P 1950"])) and not len(rosters["C 1950"].roster)
    assert panel.none_lost_before(view, rosters) == (
        "At the one crisis whose patron had a client recorded in the year before his fall, no client's tie ended in that "
        "year; at C 1950 the tables record no client of the patron in that year.")
    _, alone = toy_panel(view, ({**TOY_ENTRY, "name": "C 1950", "patron": "c"},))
    assert panel.none_lost_before(view, alone) == "No crisis of the panel has a client of the patron recorded in the year before his fall."


def test_a_case_all_of_whose_top_clients_defected_gets_no_binomial_test(make_package):
    """Against the rate of a case whose every top client defected (1 of 1), any count below all had binomial p = 0,
    'improbably low': there is no binomial test, Fisher's stays."""
    rows = copy.deepcopy(ROWS)
    for r in rows["spells"]:
        if r["spell_id"] == "d-min":
            r["seniority"] = "5"  # R's client D a top client at rank >= 5, loyal
    view = patronage.load(make_package(rows)).select(coding="x")
    _, rosters = toy_panel(view, (TOY_ENTRY, {**TOY_ENTRY, "name": "R 1950", "patron": "r"}))
    test = panel.rarer_than_case(view, rosters, "P 1950", min_rank=5)  # P's one top client at rank >= 5, A, defected
    assert (test["case defected"], test["case top clients"], test["others top clients"]) == (1, 1, 1)
    assert pd.isna(test["binomial p (one-sided, less)"]) and pd.notna(test["fisher p (one-sided, less)"])
    lines = findings.pooled_lines(panel.pooled_top_clients(view, rosters, 5), test)
    assert lines[-1].startswith("no binomial test: every top client of the case defected"), lines


def test_a_fall_dated_by_an_event_that_does_not_act_against_the_patron_is_refused(toy, tmp_path):
    """A listed 'fall' on a day that is none (R organised the toy fall: nothing acted against him) pooled his clients as
    loyal top clients of a crisis that never happened; as an attacked network the entry stands."""
    entry = {**TOY_ENTRY, "name": "R 1950", "patron": "r"}
    (problem,) = problems_of(toy, write_list(tmp_path, [TOY_ENTRY, entry]))
    assert problem.startswith("entry 2 (R 1950): model 'fall', but the event 'fall' does not act against r (his role in it: organiser)")
    assert len(panel.crisis_list(toy, write_list(tmp_path, [{**entry, "model": "attacked network"}], "n.yaml"))) == 1


def test_a_crisis_dated_by_an_event_the_selection_leaves_out_is_named(tables):
    """Regression: under the article's reading notebook 05 ran the Mingrelian affair on 9 November 1951, a day only the
    standard side of the conflict gives (the article's side: '1952'), and said nothing of it."""
    listed = panel.crisis_list(tables)
    assert panel.dating_left_out(tables, tables.select(evidence="seed+external", reading="curated"), listed) == ""
    said = panel.dating_left_out(tables, tables.select(evidence="seed+external", reading="article"), listed)
    assert said.startswith("This selection leaves out the event that dates 2 of the listed crises: Yezhov 1938 ")
    assert ("Mingrelian affair 1951 (event 'mingrelian-affair-1951-11-09', dated 1951-11-09: evidence 'external', reading "
            "'standard' of conflict 'mingrelian-affair-1951'; this selection's side: 'mingrelian-affair-article', dated 1952)") in said
    seed = panel.dating_left_out(tables, tables.select(evidence="seed", reading="curated"), listed)
    assert "Abakumov 1951 (event 'abakumov-arrested-1951-07', dated 1951-07-12: evidence 'external')" in seed


def test_a_defection_below_the_top_is_not_said_to_be_in_the_pooled_share(tables):
    """Regression: 05's table of defections said Zhuravlev's and Mamsurov's were 'counted in' Yezhov 1938 and Zhukov 1957,
    though both were rank 3 the day before and the pooled 7 of 38 counts only top clients; and it said 'none' of the
    defections step H6a counts as later turns (Abakumov's clients)."""
    view = tables.select(evidence="seed+external", reading="curated")
    rosters = panel.named_crises(view, panel.crisis_list(tables))
    d = panel.defections(view, rosters, min_rank=4).set_index("tie_id")
    assert d.at["yezhov-zhuravlev-patronage", "counted in"] == "Yezhov 1938"
    assert d.at["yezhov-zhuravlev-patronage", "in the pooled share"] == "no: rank 3 the day before"
    assert d.at["beria-kruglov-patronage-blauvelt", "in the pooled share"] == "yes"
    assert d.at["abakumov-grishaev-patronage", "counted in"] == "Abakumov 1951, as a later turn (step H6a)"
    assert d.at["abakumov-grishaev-patronage", "in the pooled share"] == "no: a turn after the crisis"
    pooled = panel.pooled_defection(rosters, min_rank=4)
    assert (d["in the pooled share"] == "yes").sum() == int(pooled["defected"])
    assert "in the pooled share" not in panel.defections(view, rosters).columns  # without min_rank, as before


def test_an_attacked_network_of_a_fallen_patron_is_refused(toy, tmp_path):
    """Regression: only a 'fall' was checked against its event, so an entry 'attacked network' on a day after the patron's
    arrest (Abakumov, 20 July 1951) ran: his clients, whose ties had ended with his fall, were dropped as 'lost before',
    and the crisis entered the pooled share. P, arrested on 1950-06-15, cannot have an attacked network in August."""
    late = {**TOY_ENTRY, "name": "P attacked", "date": "1950-08-01", "event": "b-arrest", "model": "attacked network"}
    problems = problems_of(toy, write_list(tmp_path, [late], "late.yaml"))
    assert problems == ["entry 1 (P attacked): model 'attacked network', but p is recorded arrested before 1950-08-01 (event "
                        "'fall', dated 1950-06-15): his network was a fallen patron's; date his fall as model 'fall'"]
    early = {**TOY_ENTRY, "name": "P attacked", "date": "1950-06-14", "event": "fall", "model": "attacked network"}
    assert "outside the event" in problems_of(toy, write_list(tmp_path, [early], "early.yaml"))[0]  # its date is checked first


def test_a_roster_after_a_fall_holds_no_defectors_whose_ties_ended_with_it(tables):
    """Regression: on 7 July 1953, eleven days after Beria's arrest, the roster held only Kruglov and Serov, 'defected at
    this crisis': their ties ended on 26 June, within the window, and record a defection, while the loyal clients' ties,
    ended the same day, left. Only a tie the defection itself ended (its end recorded as the defection's date) stays."""
    view = tables.select()
    assert make_crisis(view, "beria", "1953-07-07").roster.empty
    assert {"kruglov", "serov"} <= set(make_crisis(view, "beria", "1953-06-26").defectors)


def test_the_pooled_share_column_reads_the_rank_at_the_crisis_that_counts_it(tables):
    """Regression: 05's 'in the pooled share' read each client's rank from whichever crisis of his patron came last in the
    list: with Beria 1953 listed first and min_rank 6, Kruglov (rank 5 at Beria's fall) was 'yes' by his rank at the
    Mingrelian affair. And a client whose turn ended his tie inside the window, on the roster as a defector, is not also
    'lost before the fall' (Shepilov at a crisis of Khrushchev's on 21 June 1957)."""
    view = tables.select(evidence="seed+external", reading="curated")
    rosters = panel.named_crises(view, panel.crisis_list(tables))
    for order in (list(rosters), list(reversed(rosters))):
        d = panel.defections(view, {k: rosters[k] for k in order}, min_rank=6).set_index("tie_id")
        assert d.at["beria-kruglov-patronage-blauvelt", "in the pooled share"] == "no: rank 5 the day before"
    june = make_crisis(view, "khrushchev", "1957-06-21")
    assert "shepilov" in june.defectors and "shepilov" not in set(panel.lost_before(view, june)["client_id"])


def test_the_loyalty_step_says_at_which_crises_it_could_have_held():
    """05's H2 column read 'inconclusive' at crises too small for the rule ever to hold (it needs 36 top clients, none
    defecting, at a rare share of 0.1 and 95%): the panel now says where each verdict was within reach."""
    small = pd.DataFrame({"crisis": ["A", "B"], "top_clients": [1, 7]})
    said = panel.loyalty_reach(small)
    assert "can hold with at least 36 top clients" in said and "could hold at no crisis of the panel" in said
    assert "fail only at B" in said
    big = pd.DataFrame({"crisis": ["A", "B", "C"], "top_clients": [1, 7, 40]})
    said = panel.loyalty_reach(big)
    assert "could hold only at C" in said and "fail at every crisis but A" in said
    assert "could hold at every crisis" in panel.loyalty_reach(big, rare_share=0.9)
