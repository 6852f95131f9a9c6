"""Questions a reader brings with his own parameters, on the hand-built world (tests/toyworld.py): a day he writes
as uncertain, a month where a day is wanted, a patron before his birth or after his death, an event that purges
several men at once, a man the tables record as dead, the same client recorded twice, a verdict that decides
nothing set beside the article's, and the defectors among the network below the top."""

from __future__ import annotations

import copy
import os

import pandas as pd
import pytest

import patronage
from patronage.analysis import advice, article, hypotheses, network, verdicts
from patronage.analysis.control import _coding_note
from patronage.analysis.crisis import make_crisis
from patronage.analysis.offices import SUCCESSION_GAP
from patronage.analysis.populations import below_the_top
from patronage.analysis.scarcity import _acted_by_fall
from patronage.errors import ParameterError
from patronage.tables import checks
from patronage.tables.dates import to_date, written_bounds

from toyworld import FALL, ROWS, S, event, part, spell, tie


def test_a_day_written_uncertain_is_that_day():
    """edtf widens '1950-06-15?' for the tables' bounds by a year and more; a reader naming a day means the day."""
    assert to_date("1950-06-15?") == to_date("1950-06-15~") == to_date("1950-06-15") == pd.Timestamp("1950-06-15")
    assert written_bounds("1950-06?") == (pd.Timestamp("1950-06-01").date(), pd.Timestamp("1950-06-30").date())
    assert to_date("1950-06") == pd.Timestamp("1950-06-01")


def test_a_parameter_names_one_day(toy):
    assert checks.date("crisis_date", "1950-06-15?", toy) == pd.Timestamp(FALL)
    with pytest.raises(ParameterError, match=r"'1950-06' .* give one day: as written it runs from 1950-06-01 to 1950-06-30"):
        checks.date("crisis_date", "1950-06", toy)
    with pytest.raises(ParameterError, match=r"give one day as an ISO or EDTF date"):
        checks.date("crisis_date", "15/06/1950", toy)


def test_a_crisis_falls_in_the_patron_s_life(toy):
    """C is executed on 1950-12-01 in the toy world: a day after that is refused, naming his life's span."""
    assert checks.living("crisis_date", "1950-11-30", pd.Timestamp("1950-11-30"), "c", toy) == pd.Timestamp("1950-11-30")
    with pytest.raises(ParameterError, match=r"Person C is recorded dead by 1950-12-01; give a day of his life \(up to 1950-12-01; these rows do not record his birth\)"):
        checks.living("crisis_date", "1951-01-01", pd.Timestamp("1951-01-01"), "c", toy)
    assert checks.living("crisis_date", "1990-01-01", pd.Timestamp("1990-01-01"), "p", toy)  # no death recorded: no limit


def purged_together(make_package):
    """The toy world with a second patron Q purged in P's fall, and E, Q's client, acting against the purged too."""
    rows = copy.deepcopy(ROWS)
    rows["persons"] += [{"person_id": p, "name": f"Person {p.upper()}", "surname": p.upper(), **S} for p in ("q", "e")]
    rows["event_participants"] += [part("fall", "q", "purged"), part("fall", "e", "defecting")]
    rows["ties"] += [tie("q-e", "q", "e", "patronage", "1946", "1950-06-15", True, "1950-06-15", "unknown")]
    return patronage.load(make_package(rows)).select(coding="x")


def test_a_turncoat_counts_against_the_patron_he_turned_on(make_package, toy):
    """One purged: everyone acting against counts. Several purged at once: a turncoat counts against a patron only if a
    tie joins them. A patron the event does not act against (its organiser) has no turncoats in it."""
    assert make_crisis(toy.select(coding="x"), "p", FALL).turncoats == ("a",)
    assert make_crisis(toy.select(coding="x"), "r", FALL).turncoats == ()  # R organised the fall: no one turned on him
    view = purged_together(make_package)
    assert make_crisis(view, "p", FALL).turncoats == ("a",)  # E has no tie to P
    assert make_crisis(view, "q", FALL).turncoats == ("e",)  # A has no tie to Q


def test_the_careers_and_the_coding_differ_only_on_whose_client_he_was(toy):
    career = pd.DataFrame({"person_id": ["a", "b", "c", "d"],
                           "career says": ["neither", "a rival's client", "the patron's client", "the careers do not say"],
                           "the coding says": ["not his client", "not his client", "not his client", "the patron's client"]})
    note = _coding_note(toy.select(coding="x"), {"a": None, "b": True, "c": False, "d": None}, career)
    assert note == "Careers make Person C the patron's client. The coding 'x' reads Person C otherwise."
    same = career.assign(**{"the coding says": ["not his client", "not his client", "the patron's client", "not his client"]})
    assert _coding_note(toy.select(coding="x"), {"c": False}, same) == "Careers make Person C the patron's client."


def test_the_network_drops_the_dead_and_counts_a_client_once(make_package):
    """C is shot on 1950-12-01: a tie with no recorded end ends with him. Two rows of the same tie (from two works)
    count one client."""
    rows = copy.deepcopy(ROWS)
    rows["ties"] += [tie("r-c", "r", "c", "patronage", "1949"),
                     {**tie("r-d-again", "r", "d", "patronage", "1949"), "locator": "section 2"}]
    view = patronage.load(make_package(rows)).select(coding="x")
    before, after = (network.clients_by_patron(view, day).loc["Person R"] for day in ("1950-11-30", "1950-12-02"))
    assert (before["clients"], before["names"]) == (3, "Person A, Person C, Person D")
    assert (after["clients"], after["names"]) == (2, "Person A, Person D")
    assert "r-c" not in set(network.ties_as_of(view, "1950-12-02")["tie_id"])


def test_a_step_that_decides_nothing_is_not_set_against_the_article():
    verdicts = pd.DataFrame({"step": ["control", "motive"], "hypothesis": ["H1 genuine clients", "H4b motive (coding)"],
                             "verdict": ["holds", "no case"], "reason": ["r1", "r2"], "could_differ": ["yes", "no: none"]})
    compared = article.compare_with_article(verdicts, *article.ARTICLE_CASE).set_index("hypothesis")
    assert compared.at["H4b motive (coding)", "agree"] == "–" and compared.at["H1 genuine clients", "agree"] in ("yes", "no")
    said = article.findings(verdicts, compared.reset_index())
    assert any(s.startswith("The computation agrees with the article on") and "of the 1 step both can judge" in s for s in said)


def test_the_network_below_the_top_leaves_out_the_turncoats(toy):
    """At rank 6, A (rank 5, the turncoat) is below the top; the loyal network below it is B and C alone."""
    crisis = make_crisis(toy.select(coding="x"), "p", FALL)
    assert set(crisis.roster["client_id"]) == {"a", "b", "c"} and crisis.defectors == ["a"]
    assert sorted(below_the_top(crisis, 6)) == ["b", "c"]
    h7 = hypotheses.run_all(toy.select(coding="x"), crisis, min_rank=6, steps=("H7 network below the top",))[0]
    assert "who did not defect" in h7.population and "Person A" not in h7.population


def with_fall_dated(make_package, date: str):
    """The toy with P's fall dated ``date``, and the post his arrest at it ended too: one arrest, one date."""
    rows = copy.deepcopy(ROWS)
    rows["events"] = [e for e in rows["events"] if e["event_id"] != "fall"] + [event("fall", date, "coup")]
    rows["spells"] = [{**s, "end": date} if s["spell_id"] == "p-min" else s for s in rows["spells"]]
    return patronage.load(make_package(rows)).select(coding="x")


def test_an_act_that_may_have_come_either_side_of_the_fall_is_not_read_as_after(make_package, toy):
    """A's act against P: on the day (by the fall), in the month of it (either side: undecided, left to the draws)."""
    view = toy.select(coding="x")
    assert _acted_by_fall(view, make_crisis(view, "p", FALL)) == {"a": (True, "acted against him by the day of the fall")}
    month = with_fall_dated(make_package, "1950-06")
    (said,) = _acted_by_fall(month, make_crisis(month, "p", FALL)).values()
    assert said == (None, "his act is dated 1950-06-01 to 1950-06-30, on either side of the fall (the draws of the dates weigh it)")
    # the tie dates the defection more precisely than the event: the tie decides
    rows = copy.deepcopy(ROWS)
    rows["events"] = [e for e in rows["events"] if e["event_id"] != "fall"] + [event("fall", "1950-06", "coup")]
    rows["spells"] = [{**s, "end": "1950-06"} if s["spell_id"] == "p-min" else s for s in rows["spells"]]
    rows["ties"] = [t for t in rows["ties"] if t["tie_id"] != "p-a"] + [
        tie("p-a", "p", "a", "patronage", "1946", "1950-06-15", True, "1950-06-10", "reward", codings="x")]
    dated = patronage.load(make_package(rows, "dated")).select(coding="x")
    assert _acted_by_fall(dated, make_crisis(dated, "p", FALL)) == {"a": (True, "his defection is dated by the day of the fall")}
    h4 = hypotheses.run_all(month, make_crisis(month, "p", FALL), steps=("H4 no switch for gain",))[0]
    # not read as 'acted only after the fall' (which counted him as not switching for gain: 'holds'): not recorded
    assert h4.value == "0/1 switched by the fall and gained (1 undecided by the records)" and h4.verdict == "no data"
    assert "on either side of the fall" in h4.reason


def test_the_public_rank_is_described_at_its_own_rank(toy):
    view = toy.select(coding="x")
    crisis = make_crisis(view, "p", FALL)
    zero, six, seven = (hypotheses.run_all(view, crisis, public_rank=r, window_days=1, steps=("H5 no public reward",))[0].rule
                        for r in (0, 6, 7))
    assert "within 1 day to rank >= 6 (head of a union ministry or higher: a reward" in six
    assert "rank >= 7 (the top leader: a reward" in seven and "rank >= 0 (any post: a reward" in zero


def test_a_defector_with_no_high_office_soon_after_the_fall_is_said_so(toy):
    """A holds rank 6 from the day after the fall: at min_rank 7 he held no high office in the window; the reason says
    which window, not that he never held high office after the fall."""
    view = toy.select(coding="x")
    h6b = hypotheses.run_all(view, make_crisis(view, "p", FALL), min_rank=7, window_days=30, steps=("H6b defectors' fate",))[0]
    assert "Person A: no high office (rank >= 7) in the 30 days after the fall" in h6b.reason


def test_a_patron_whose_every_client_defected_has_no_case_of_a_later_appeal(make_package):
    """H6a counts loyal clients who appealed to a rival: with every recorded client a defector, the clients are recorded
    and none is of the kind the step counts ('no case'), not 'no data' (nothing recorded)."""
    rows = copy.deepcopy(ROWS)
    rows["ties"] = [t for t in rows["ties"] if t["tie_id"] not in ("p-b", "p-c")]
    view = patronage.load(make_package(rows)).select(coding="x")
    h6a = hypotheses.run_all(view, make_crisis(view, "p", FALL), steps=("H6a later defectors refused",))[0]
    assert h6a.verdict == "no case"
    assert h6a.reason == ("no client of the patron loyal at the fall is recorded turning after it, by an appeal to a rival or "
                          "a defection, with no loss since the fall (no arrest, execution, dismissal or purge, and no post "
                          "ended by dismissal, demotion, arrest, execution, retirement or resignation) (his one recorded "
                          "client defected at the fall)")


def test_the_advice_to_admit_reference_works_is_given_only_where_they_add_clients(make_package):
    """Most steps with no data under 'seed': reference works are suggested where they record more of his clients that
    day, and where they do not, the sentence says the tables hold nothing more to count."""
    from patronage.analysis import verdicts

    rows = copy.deepcopy(ROWS)
    rows["sources"] += [{"source_id": "ref", "type": "reference_work", "title": "A toy handbook", "reliability": "reference",
                         "seed": False, "in_article_references": False, "year": "2001"}]
    rows["persons"] += [{"person_id": "q", "name": "Person Q", "surname": "Q", **S}]
    rows["ties"] += [{**tie("q-b", "q", "b", "patronage", "1946", "1950-06-30"), "source_id": "ref", "evidence": "external"}]
    tables = patronage.load(make_package(rows))
    view = tables.select(coding="x")
    for patron, more in (("q", "the other named works record 1 more client of his that day"),
                         ("d", "Neither the seed texts nor the other named works record more clients")):
        crisis = make_crisis(view, patron, FALL)
        table = verdicts.verdict_table(hypotheses.run_all(view, crisis))
        said = " ".join(advice.hints(table, "seed", tables, view, crisis))
        assert more in said, said


def test_the_fates_of_top_clients_say_defected_in_words_even_beside_an_empty_crisis(toy):
    """A crisis with no top client beside one with them: 'defected' stays True/False, not 0.0/1.0."""
    from patronage.robustness.client_fates import client_fates

    view = toy.select(coding="x")
    rosters = {"P 1950": make_crisis(view, "p", FALL), "D 1950": make_crisis(view, "d", FALL)}
    fates = client_fates(view, rosters)
    assert fates["defected"].dtype == bool and fates.loc[fates["person_id"] == "a", "defected"].tolist() == [True]


def with_outsider(make_package, end: str = ""):
    """The toy world with E, P's client in another office (no one of P's or R's there) from 1947 to ``end`` (open:
    still there at the fall), acting against P at his fall."""
    rows = copy.deepcopy(ROWS)
    rows["persons"] += [{"person_id": "e", "name": "Person E", "surname": "E", **S}]
    rows["organisations"] += [{"org_id": "far", "name": "Far office", "kind": "government", "level": "union",
                               "lineage": "far", "valid_from": "1940", **S}]
    rows["spells"] += [{"spell_id": "e-far", "person_id": "e", "org_id": "far", "post": "Head", "seniority": "3",
                        "start": "1947", "end": end, "end_cause": "transfer" if end else "", **S},
                       spell("a-early", "a", "min", 3, "1940", "1946", "promotion")]  # A's first deputyship: a promotion
    rows["event_participants"] += [part("fall", "e", "defecting")]
    rows["ties"] += [tie("p-e", "p", "e", "patronage", "1947", "1950-06-15", True, "1950-06-15", "unknown")]
    return patronage.load(make_package(rows)).select(coding="x")


def test_a_career_no_patron_or_rival_presided_over_says_nothing_of_whose_client_he_was(make_package):
    """E's one post, his first recorded, is no promotion, and none was presided over by anyone recorded. Holding a
    post elsewhere the day before, he did not serve under P: that decides (not P's client). With no post of his
    recorded that day, the careers do not say."""
    view = with_outsider(make_package)
    h1 = hypotheses.run_all(view, make_crisis(view, "p", FALL), steps=("H1 genuine clients",))[0]
    assert h1.value == "1/2 genuine" and h1.verdict == "mixed"
    assert "Person E: 0 promotions, 0 under the patron, 0 under a rival, did not serve under him the day before -> neither" in h1.reason
    gone = with_outsider(make_package, end="1949")
    h1 = hypotheses.run_all(gone, make_crisis(gone, "p", FALL), steps=("H1 genuine clients",))[0]
    assert h1.value == "1/2 genuine (1 whose career does not say)" and h1.verdict == "inconclusive"
    assert "no post of his own recorded the day before -> the careers do not say" in h1.reason


def test_a_defector_never_in_high_office_is_neither_kept_nor_dropped(make_package):
    """E held rank 3 before the fall and after: at min_rank 4 there was no high office to keep (not 'not kept')."""
    view = with_outsider(make_package)
    crisis = make_crisis(view, "p", FALL)
    h6b = hypotheses.run_all(view, crisis, steps=("H6b defectors' fate",))[0]
    assert h6b.value == "0/1 in high office on 1960-06-15" and "Person E: no high office (rank >= 4) in the 365 days after " \
        "the fall, nor the day before: not counted" in h6b.reason
    assert h6b.population.endswith("counted, in high office (rank >= 4) before or after the fall (1): Person A")
    none = hypotheses.run_all(view, crisis, min_rank=7, steps=("H6b defectors' fate",))[0]  # no one reached rank 7
    assert none.verdict == "no case" and none.could_differ.startswith("no: no defector held high office (rank >= 7)")


def test_a_fall_is_a_turning_point_of_the_network(toy):
    view = toy.select(coding="x")
    points = network.turning_points(view, 1950)
    assert {"fall", "b-arrest", "c-arrest"} <= set(points["event_id"])


def test_the_post_kept_is_the_highest_held(make_package):
    """D holds rank 4 and rank 3 posts at once after the fall: his fate names the rank-4 post."""
    from patronage.analysis.outcomes import fate_between

    rows = copy.deepcopy(ROWS)
    rows["spells"] = [spell("d-acting", "d", "min2", 3, "1950-06-20", "1951", "transfer", post="Acting deputy D")] + rows["spells"]
    view = patronage.load(make_package(rows)).select(coding="x")
    fate = fate_between(view, ["d"], pd.Timestamp(FALL), pd.Timestamp("1950-12-31"))
    assert fate.at["d", "how"] == "held Deputy D"


def test_a_client_does_not_follow_a_patron_who_has_left(make_package):
    """Following rule: R enters the 'far' office in 1950 and leaves it within the month; D arrives after he left."""
    from patronage.robustness.career_ties import following_ties

    rows = copy.deepcopy(ROWS)
    rows["organisations"] += [{"org_id": "far", "name": "Far office", "kind": "government", "level": "union",
                               "lineage": "far", "valid_from": "1940", **S}]
    rows["spells"] += [{"spell_id": "r-far", "person_id": "r", "org_id": "far", "post": "Head", "seniority": "6",
                        "start": "1951-01-01", "end": "1951-01-31", "end_cause": "transfer", **S},
                       {"spell_id": "d-far", "person_id": "d", "org_id": "far", "post": "Deputy", "seniority": "4",
                        "start": "1951-03-01", "end": "1952", "end_cause": "transfer", **S},
                       {"spell_id": "b-far", "person_id": "b", "org_id": "far", "post": "Deputy", "seniority": "4",
                        "start": "1951-01-15", "end": "1952", "end_cause": "transfer", **S}]
    view = patronage.load(make_package(rows)).select(coding="x")
    found = following_ties(view)
    pairs = set(zip(found["patron_id"], found["client_id"], strict=True))
    assert ("r", "b") in pairs and ("r", "d") not in pairs


def test_a_table_shows_a_missing_value_as_a_dash_and_an_empty_one_as_a_sentence(capsys):
    from patronage.publish.tables import MISSING, shown

    frame = pd.DataFrame({"rank": pd.array([4, None], dtype="Int64"), "name": ["A", None], "share": [0.5, float("nan")]})
    out = shown(frame)
    assert out.iloc[1].tolist() == [MISSING] * 3 and out.iloc[0].tolist() == [4, "A", 0.5]
    assert shown(frame.iloc[0:0], "Nothing recorded.") is None and capsys.readouterr().out == "Nothing recorded.\n"
    assert shown(frame.iloc[0:0]).empty  # no sentence given: the empty frame


def test_who_is_who_orders_by_the_first_start_read_as_its_point_estimate(make_package):
    """An open start 'by 1950' is not ten years of padding: P (from 1945) comes before E (by 1950), not after."""
    from patronage.analysis.prosopography import who_is_who

    rows = copy.deepcopy(ROWS)
    rows["persons"] += [{"person_id": "e", "name": "Person E", "surname": "E", **S}]
    rows["spells"] += [spell("e-min", "e", "min", 2, "/1950", "1951", "transfer")]
    order = list(who_is_who(patronage.load(make_package(rows)).select(coding="x")).index)
    assert order.index("p") < order.index("e")


def test_a_confidence_level_is_never_rounded():
    """Not to a hundred per cent below one, nor at all: alpha = 0.025 is a 97.5% interval, not a 98% one (regression),
    and alpha = 0.999 a 0.1% one, not 0%."""
    from patronage.analysis.verdicts import percent, share_could_differ

    levels = (0.95, 0.999, 0.999999, 1 - 0.025, 1 - 0.999, 1 - 1e-10, 1.0)
    assert [percent(c) for c in levels] == ["95%", "99.9%", "99.9999%", "97.5%", "0.1%", "99.99999999%", "100%"]
    assert "fails no N up to 10,000" in share_could_differ(3, 1.0, 0.95)  # a rare share of 1: fails is never reachable


def test_a_population_with_no_one_in_it_beside_recorded_clients_is_no_case(toy):
    """R has a recorded client (D) but no post of his own, so no first deputy: no case, not no data."""
    view = toy.select(coding="x")
    crisis = make_crisis(view, "r", FALL)
    assert len(crisis.roster)
    h2 = hypotheses.run_all(view, crisis, steps=("H2 loyalty",))[0]
    assert h2.verdict == "no case" and h2.reason.endswith("(1 client of his recorded, none in it)")
    assert hypotheses.run_all(view, make_crisis(view, "c", FALL), steps=("H2 loyalty",))[0].verdict == "no data"


def test_the_clients_per_patron_figure_counts_days_and_whole_clients_and_says_when_empty(toy):
    from patronage.publish import charts

    counts = network.clients_on_days(toy.select(coding="x"), ["1950-06-14", "1950-06-16"])
    fig = charts.clients_per_patron(counts)
    assert fig.layout.xaxis.type == "category" and fig.layout.yaxis.tickformat == "d" and not fig.layout.annotations
    empty = charts.clients_per_patron(network.clients_on_days(toy.select(coding="x"), []))
    assert len(empty.layout.annotations) == 1 and "no turning point" in empty.layout.annotations[0].text


def test_a_post_kept_through_a_loss_is_not_emptied_by_it(make_package):
    """B, arrested on 1950-08-01, also holds a post that runs to 1955: only the post that ended with the arrest is
    emptied by it."""
    from patronage.analysis.offices import vacancies

    rows = copy.deepcopy(ROWS)
    rows["spells"].append(spell("b-board", "b", "min", 2, "1949", "1955", "retirement", post="Board member B"))
    rows["spells"].append(spell("b-desk", "b", "min", 1, "1949", "1950-06-20", "transfer", post="Desk B"))
    view = patronage.load(make_package(rows)).select(coding="x")
    v = vacancies(view, make_crisis(view, "p", FALL))
    assert "Deputy B" in set(v["post"]) and "Board member B" not in set(v["post"])
    assert "Desk B" not in set(v["post"])  # left six weeks before the arrest: not emptied by it


def test_a_loss_is_dated_as_recorded_not_by_its_point_estimate(make_package):
    """B's arrest recorded as 'August 1950': the fate says 1950-08, not the middle day the analysis reads it as."""
    from patronage.analysis.outcomes import fate_between

    rows = copy.deepcopy(ROWS)
    rows["events"] = [e for e in rows["events"] if e["event_id"] != "b-arrest"] + [event("b-arrest", "1950-08", "arrest")]
    rows["spells"] = [{**s, "end": "1950-08"} if s["spell_id"] == "b-min" else s for s in rows["spells"]]
    view = patronage.load(make_package(rows)).select(coding="x")
    fate = fate_between(view, ["b"], pd.Timestamp(FALL), pd.Timestamp("1951-06-15")).loc["b"]
    assert fate["fate"] == "lost" and fate["dated"] == "1950-08" and fate["on"] != pd.Timestamp("1950-08-01")


def test_who_is_who_gives_a_man_executed_at_an_event_his_fate(toy):
    """C is shot at an execution event in the toy world and has no fate attribute: 01 says 'executed', as 05 does."""
    from patronage.analysis.prosopography import who_is_who

    view = toy.select(coding="x")
    assert pd.isna(view.persons.set_index("person_id").at["c", "fate"])
    assert who_is_who(view).at["c", "fate"] == "executed"


def test_a_run_of_high_office_ends_as_its_last_post_is_dated():
    """Kruglov's dismissal is dated 'January 1956' in the seed texts: H6b says so, not the middle day of the month."""
    view = patronage.load().select()
    h6b = hypotheses.run_all(view, make_crisis(view, "beria", "1953-06-26"), steps=("H6b defectors' fate",))[0]
    until = h6b.detail.set_index("person_id")["until"]
    assert until["kruglov"] == "1956-01" and until["serov"] == "1963-06-26"  # Serov followed to the horizon


def test_the_roster_names_its_clients_and_says_when_a_recorded_defection_belongs_to_another_crisis(make_package):
    from patronage.publish.tables import roster_table

    rows = copy.deepcopy(ROWS)
    at = next(i for i, t in enumerate(rows["ties"]) if t["tie_id"] == "p-c")
    rows["ties"][at] = tie("p-c", "p", "c", "patronage", "1946", "1950-06-16", True, "1947-01", "reward")  # an earlier defection
    view = patronage.load(make_package(rows)).select(coding="x")
    crisis = make_crisis(view, "p", FALL)
    names = view.persons.set_index("person_id")["name"]
    table = roster_table(crisis.roster, names).set_index("tie")
    assert table.loc["p-c", "client"] == names["c"]
    assert not table.loc["p-c", "defected at this crisis"]
    assert table.loc["p-c", "defection the tie records"] == "1947-01 (not at this crisis)"
    assert table.loc["p-a", "defected at this crisis"] and table.loc["p-a", "defection the tie records"] == "1950-06"


def test_a_tie_known_only_to_exist_by_a_day_is_first_on_record_there_not_gained(make_package):
    rows = copy.deepcopy(ROWS)
    rows["ties"].append(tie("r-b-old", "r", "b", "patronage", "/1950-06-15"))  # 'by 15 June 1950': it may be years older
    view = patronage.load(make_package(rows)).select(coding="x")
    changed = network.changes(view, ["1950-06-14", "1950-06-16"], changed_only=True).iloc[0]
    assert "Person R → Person B" in changed["first on record"] and "Person R → Person B" not in changed["gained"]
    assert "Person R → Person A" in changed["gained"]  # begun on 15 June 1950, as recorded
    said = network.describe(view, "1950-06-14", "p", network.changes(view, ["1950-06-14", "1950-06-16"], changed_only=True))[2]
    assert "first on record (a start not dated to the interval) Person R → Person B" in said
    assert network.changes(view, ["1955-01-01", "1955-02-01"], changed_only=True).empty


def test_the_network_says_when_the_patron_asked_about_was_already_dead(make_package):
    rows = copy.deepcopy(ROWS)
    rows["events"].append(event("p-dies", "1951-03-01", "death"))
    rows["event_participants"].append(part("p-dies", "p", "subject"))
    view = patronage.load(make_package(rows)).select(coding="x")
    said = network.describe(view, "1955-01-01", "p", network.changes(view, [], changed_only=True))[1]
    assert said.startswith("Person P had 0 clients that day") and said.endswith("(the tables record him dead by 1951-03-01).")
    alive = network.describe(view, "1950-06-14", "p", network.changes(view, [], changed_only=True))[1]
    assert "dead" not in alive


def test_a_tie_ended_by_a_death_in_the_interval_is_lost_there(make_package):
    rows = copy.deepcopy(ROWS)
    rows["events"].append(event("d-dies", "1961-03-01", "death"))
    rows["event_participants"].append(part("d-dies", "d", "subject"))
    rows["ties"] = [dict(t, end="1961") if t["tie_id"] == "r-d" else t for t in rows["ties"]]  # an end known to the year
    view = patronage.load(make_package(rows)).select(coding="x")
    changed = network.changes(view, ["1961-02-27", "1961-03-02"], changed_only=True).iloc[0]
    assert changed["lost"] == "Person R → Person D" and changed["last on record"] == "–"  # the death dates it


def test_the_posts_a_purge_emptied_are_those_lost_near_it_even_when_it_is_dated_to_a_month(make_package):
    """A purge dated 'May to 20 June 1950' reaches the day before a fall on the 15th although its middle lies weeks
    before it; a loss years later is no vacancy of this crisis."""
    from patronage.analysis.offices import vacancies

    rows = copy.deepcopy(ROWS)
    rows["spells"].append(spell("c-board", "c", "min", 2, "1949", "1950-06-14", "dismissal", post="Board member C"))
    rows["events"].append(event("c-purged", "1950-05/1950-06-20", "purge"))
    rows["event_participants"].append(part("c-purged", "c", "purged"))
    rows["spells"].append(spell("b-late", "b", "min2", 2, "1949", "1956-01-01", "dismissal", post="Late post B"))
    rows["events"].append(event("b-late-out", "1956-01-01", "dismissal"))
    rows["event_participants"].append(part("b-late-out", "b", "dismissed"))
    view = patronage.load(make_package(rows)).select(coding="x")
    v = vacancies(view, make_crisis(view, "p", FALL))
    assert "Board member C" in set(v["post"])  # the purge's span reaches the day before the fall
    assert "Late post B" not in set(v["post"])  # lost in 1956: not emptied by this crisis


def test_h3b_says_the_spans_it_searched(toy):
    view = toy.select(coding="x")
    crisis = make_crisis(view, "p", FALL)
    for days in (30, 730):
        r = hypotheses.rewards_cost_rivals_clients(view, crisis, window_days=days)
        assert f"took up within {days} days of the fall" in r.population and "in the year" not in r.rule
        assert f"within {days} days either side of the fall, begun before the reward" in r.rule
        assert f"in the {SUCCESSION_GAP.days} days before it" in r.rule


def test_a_man_heading_a_body_under_the_patron_s_ministry_served_under_him(make_package):
    """The head of a regional directorate (parent_id: the ministry) serves under the minister, though his office is in
    another lineage; a man in a body outside the ministry's tree does not."""
    from patronage.analysis.advancement import served_under

    rows = copy.deepcopy(ROWS)
    rows["organisations"] = rows["organisations"] + [
        {**rows["organisations"][0], "org_id": "min-region", "name": "Regional directorate", "lineage": "region",
         "parent_id": "min"},
        {**rows["organisations"][0], "org_id": "other", "name": "Another body", "lineage": "elsewhere"}]
    rows["spells"] = [s for s in rows["spells"] if s["person_id"] not in ("b", "c")] + [
        spell("b-region", "b", "min-region", 3, "1946", "1950-08-01"), spell("c-other", "c", "other", 3, "1946", "1950-06-16")]
    view = patronage.load(make_package(rows)).select(coding="x")
    under = served_under(view, make_crisis(view, "p", FALL), ["b", "c"])
    assert under == {"b": True, "c": False}


def test_a_detail_table_shows_the_men_by_name():
    from patronage.publish.tables import MISSING, shown

    names = pd.Series({"p": "Person P", "a": "Person A"})
    frame = pd.DataFrame({"person_id": ["a", "p"], "predecessor_id": ["p", None], "predecessor": ["the fallen patron", "none"],
                          "spell_id": ["a-min", "p-min"]})
    out = shown(frame, names=names)
    assert out.columns.tolist() == ["person", "predecessor (name)", "predecessor", "spell_id"]  # a spell id stays an id
    assert out["person"].tolist() == ["Person A", "Person P"] and out["predecessor (name)"].tolist() == ["Person P", MISSING]
    assert shown(frame).columns.tolist() == frame.columns.tolist()  # without names, as it was


def test_the_control_names_the_rival_who_presided(tables):
    view = tables.select(evidence="seed", reading="article", coding="blauvelt")
    r = hypotheses.defectors_were_genuine_clients(view, make_crisis(view, "beria", "1953-06-26"))
    assert "under a rival (Georgy Malenkov)" in r.reason and "(malenkov)" not in r.reason
    assert set(r.detail["which rival"]) <= {"", "Georgy Malenkov"}


def test_the_fall_itself_counts_its_turncoats_though_its_middle_lies_after_the_day(make_package):
    """A dismissal recorded over four days, from the crisis day on: its middle lies after the day, but it is the
    fall, and who acted against the patron in it is a turncoat; an event over the day that does not act against
    him (he organised it) brings no one."""
    rows = copy.deepcopy(ROWS)
    rows["events"] += [event("p-out", "1952-03-01/1952-03-04", "dismissal"), event("p-plan", "1951/1953", "reform")]
    rows["event_participants"] += [part("p-out", "p", "dismissed"), part("p-out", "b", "defecting"),
                                   part("p-plan", "p", "organiser"), part("p-plan", "d", "organiser")]
    view = patronage.load(make_package(rows)).select(coding="x")
    crisis = make_crisis(view, "p", "1952-03-01")
    assert crisis.turncoats == ("b",) and "d" not in crisis.rivals  # (C, shot in 1950, could organise nothing in 1951)


def test_a_day_after_the_patrons_fall_is_said_to_leave_him_no_office_to_fall_from(toy):
    """Regression: a crisis day after P's fall (his ministry ended by his arrest on 15 June 1950) left every step
    deciding nothing, and the closing said only that 'the tables record too little'."""
    from patronage.analysis import verdicts

    view = toy.select(coding="x", evidence="seed+external")
    crisis = make_crisis(view, "p", pd.Timestamp("1950-12-01"))
    table = verdicts.verdict_table(hypotheses.run_all(view, crisis))
    (said,) = advice.hints(table, "seed+external", toy, view, crisis)
    assert "held no office recorded on 1950-11-30" in said and "His last recorded office, Minister, ended 1950-06-15 (arrest)" in said
    assert "too little" not in said
    on_the_day = make_crisis(view, "p", pd.Timestamp(FALL))
    assert advice.hints(verdicts.verdict_table(hypotheses.run_all(view, on_the_day)), "seed+external", toy, view, on_the_day) == []


def test_steps_with_nothing_to_count_are_not_said_to_lack_records(toy):
    """Regression: Malenkov in 1955 (9 clients recorded, none defected) left 9 of 11 steps 'no case', and the closing
    said 'The tables record too little about this crisis for these steps': 'no case' is an absence the records show."""

    table = pd.DataFrame({"verdict": ["no case"] * 3 + ["no data", "holds"]})
    (said,) = advice.hints(table, "seed+external")
    assert said == ("4 of 5 steps have nothing to count (3 no case, 1 no data). Of these, 3 because the tables record none of what "
                    "they count at this crisis (a defector, a reward, a later turn to a rival): an absence the records show, not a gap in "
                    "them; 1 because the tables record too little for it.")
    (only,) = advice.hints(pd.DataFrame({"verdict": ["no case", "no case", "holds"]}), "seed+external")
    assert only.endswith("Of these, 2 because the tables record none of what they count at this crisis (a defector, a "
                         "reward, a later turn to a rival): an absence the records show, not a gap in them.")


@pytest.mark.parametrize(("end", "rival"), [("1950-01/1950-06-20", True), ("1950-01/1950-06-14", False), ("", True)])
def test_a_rivalry_is_his_until_it_is_known_to_be_over(make_package, end, rival):
    """A rivalry whose recorded end may fall on the day of the fall or after it is still running then, though the
    middle of its end lies months before (Khrushchev's rivalry with Malenkov, ended "in June 1957", at Malenkov's fall
    on the 29th); one whose latest end is before the day is over; one with no end recorded runs on."""
    rows = copy.deepcopy(ROWS)
    rows["ties"].append(tie("p-d-rivalry", "p", "d", "rivalry", "1949", end))
    crisis = make_crisis(patronage.load(make_package(rows)).select(coding="x"), "p", FALL)
    assert ("d" in crisis.rivals) is rival, crisis.rivals


def test_a_motive_no_historian_reads_is_not_credited_to_the_coding(tables):
    """Beria's turncoats' motives differ between the codings: each is the coding's. The motives of Yezhov's clients
    are on ties every coding shares, read by the curators from the work each cites: not Blauvelt's, nor Rayfield's."""
    from patronage.analysis.motives import motive_as_coded

    beria = tables.select(coding="rayfield")
    row = motive_as_coded(beria, make_crisis(beria, "beria", "1953-06-26"))
    assert row.reason.startswith("the coding 'rayfield' reads: ") and "curators" not in row.reason + row.could_differ
    yezhov = tables.select(evidence="seed+external", reading="curated", coding="rayfield")
    row = motive_as_coded(yezhov, make_crisis(yezhov, "yezhov", "1938-11-25"))
    assert "'rayfield'" not in row.reason + row.could_differ and "curators' reading of the work each tie cites" in row.reason


def test_the_advice_names_the_steps_reference_works_move_though_they_add_no_client(tables, make_package):
    """Beria under the coding 'not_true_clients' and seed evidence: the reference works add no client of his that day
    but the ranks of those recorded, which moves H7 from 'no data'; the advice said they held nothing more to count."""
    view = tables.select(coding="not_true_clients")
    crisis = make_crisis(view, "beria", "1953-06-26")
    table = verdicts.verdict_table(hypotheses.run_all(view, crisis))
    said = " ".join(advice.hints(table, "seed", tables, view, crisis, {}))
    assert "the other named works move" in said and "H7 network below the top no data -> " in said, said
    toy = patronage.load(make_package(copy.deepcopy(ROWS)))  # nothing external: every step stays as it is
    view = toy.select(coding="x")
    crisis = make_crisis(view, "d", FALL)
    table = verdicts.verdict_table(hypotheses.run_all(view, crisis))
    said = " ".join(advice.hints(table, "seed", toy, view, crisis, {}))
    assert "and every step run again with them gives the verdict it gives here" in said, said


def test_a_day_inside_the_span_of_the_fall_is_said_to_read_a_day_he_may_have_fallen_by(tables):
    """Zhukov's dismissal is dated 26 to 29 October 1957: on the 29th the steps read the 28th as 'the day before', and
    Konev no longer served under him (H1 fails, against inconclusive on the 26th). The header says so; on the first
    day of the span, or inside a loss dated only to a year, it says nothing of the kind."""
    from patronage.robustness import falls

    view = tables.select(evidence="seed+external", reading="curated")
    late = falls.recorded_near(view, "zhukov", pd.Timestamp("1957-10-29"))
    assert "lies inside the recorded span of Dismissal of Zhukov (1957-10-26/1957-10-29)" in late
    assert "the eve of the span is 1957-10-25" in late
    assert "lies inside" not in falls.recorded_near(view, "zhukov", pd.Timestamp("1957-10-26"))
    blog = tables.select(evidence="seed+external", reading="blog")
    assert "lies inside" not in falls.recorded_near(blog, "beria", pd.Timestamp("1953-06-26"))


def test_a_second_works_tie_that_records_no_defection_does_not_erase_one(make_package):
    """Two patronage ties of the same pair from two works, one recording A's defection: the roster kept the first by id
    (here the one recording none), and A was no defector (H3 no case where it fails)."""
    rows = copy.deepcopy(ROWS)
    first = next(t for t in rows["ties"] if t["tie_id"] == "p-a")
    rows["ties"].append({**first, "tie_id": "p-0a", "defected": False, "defection_date": "", "motive": "", "locator": "section 2"})
    view = patronage.load(make_package(rows)).select(coding="x")
    crisis = make_crisis(view, "p", FALL)
    assert crisis.defectors == ["a"] and crisis.roster.set_index("client_id").at["a", "tie_id"] == "p-a"
    assert hypotheses.defectors_not_rewarded(view, crisis).verdict == "fails"


def test_an_act_beside_the_patron_is_no_act_against_him(make_package):
    """H4 counted a 'defecting' role in any event the patron took part in: A, acting with P against R in March 1950,
    'acted against him by the day of the fall', though his defection from P is dated July 1950."""
    rows = copy.deepcopy(ROWS)
    for t in rows["ties"]:
        if t["tie_id"] == "p-a":
            t["defection_date"] = "1950-07"
    rows["event_participants"] = [r for r in rows["event_participants"] if (r["event_id"], r["person_id"]) != ("fall", "a")]
    rows["events"].append(event("against-r", "1950-03-01", "purge"))
    rows["event_participants"] += [part("against-r", "p", "organiser"), part("against-r", "a", "defecting"),
                                   part("against-r", "r", "accused")]
    view = patronage.load(make_package(rows)).select(coding="x")
    result = hypotheses.clients_do_not_switch_for_gain(view, make_crisis(view, "p", FALL))
    assert result.verdict == "holds" and "acted only after the fall" in result.reason, result.reason


def test_a_motive_no_one_records_is_no_data_not_a_coding(make_package):
    """H4b was 'coding' where every motive is unknown (Zhukov's, Molotov's turncoats): no reading to repeat, a gap."""
    rows = copy.deepcopy(ROWS)
    for t in rows["ties"]:
        if t["tie_id"] == "p-a":
            t["motive"] = ""
    view = patronage.load(make_package(rows)).select(coding="x")
    row = hypotheses.motive_as_coded(view, make_crisis(view, "p", FALL))
    assert row.verdict == "no data" and row.reason == "no motive is recorded for the defection", row
    assert hypotheses.motive_as_coded(patronage.load(make_package(ROWS)).select(coding="x"),
                                      make_crisis(patronage.load(make_package(ROWS)).select(coding="x"), "p", FALL)).verdict == "coding"


def test_a_loss_dated_to_a_year_reaching_into_the_span_is_not_read_as_kept(make_package):
    """B arrested 'in 1951' (read as 2 July) and his post ended by it: over the year to 15 June 1951 he was 'kept',
    though the arrest may fall inside it. Unknown, as a loss reaching out of the span already was."""
    from patronage.analysis.outcomes import fate_between

    rows = copy.deepcopy(ROWS)
    for r in rows["spells"]:
        if r["spell_id"] == "b-min":
            r["end"] = "1951"
    for e in rows["events"]:
        if e["event_id"] == "b-arrest":
            e["date"] = "1951"
    view = patronage.load(make_package(rows)).select(coding="x")
    fate = fate_between(view, ["b"], pd.Timestamp("1950-06-15"), pd.Timestamp("1951-06-15")).loc["b"]
    assert fate["fate"] == "unknown" and fate["how"] == "arrested, dated 1951: it may fall within 1950-06-15 to 1951-06-15", fate
    assert fate_between(view, ["b"], pd.Timestamp("1950-06-15"), pd.Timestamp("1950-12-31")).at["b", "fate"] == "kept"


def test_a_defector_in_high_office_again_at_the_horizon_held_it_then(make_package):
    """H6b read only the first run of high posts after the fall: A, dismissed in 1952 and a first deputy again from 1956
    to 1965, was 'not in high office on 1960-06-15' (holds); he was (fails), and the reason says so."""
    rows = copy.deepcopy(ROWS)
    rows["spells"].append(spell("a-again", "a", "min2", 5, "1956-01-01", "1965", "retirement", post="First deputy again"))
    view = patronage.load(make_package(rows)).select(coding="x")
    result = hypotheses.defectors_lose_office(view, make_crisis(view, "p", FALL))
    assert result.verdict == "fails" and "Person A held high office again on 1960-06-15" in result.reason, result.reason
    plain = patronage.load(make_package(ROWS)).select(coding="x")
    assert hypotheses.defectors_lose_office(plain, make_crisis(plain, "p", FALL)).verdict == "holds"


def test_a_client_of_the_rival_too_is_not_the_network_left_in_place(make_package):
    """H7 counted C, a client below the top whom the rival R also protected, as the fallen network 'left in place'
    (Ignatiev at Malenkov's fall in 1955): he is left out, and named so, as a turncoat is."""
    rows = copy.deepcopy(ROWS)
    for r in rows["spells"]:
        if r["spell_id"] == "c-min":
            r["seniority"], r["end"], r["end_cause"] = "3", "1952", "retirement"
    for name in ("event_participants",):
        rows[name] = [r for r in rows[name] if r["person_id"] != "c"]
    rows["events"] = [e for e in rows["events"] if e["event_id"] not in ("c-arrest", "c-shot")]
    plain = patronage.load(make_package(rows, "plain")).select(coding="x")
    assert hypotheses.network_below_top_continues(plain, make_crisis(plain, "p", FALL)).verdict == "holds"
    rows["ties"].append(tie("r-c", "r", "c", "patronage", "1949"))
    view = patronage.load(make_package(rows, "rival")).select(coding="x")
    result = hypotheses.network_below_top_continues(view, make_crisis(view, "p", FALL))
    assert result.verdict == "no case" and "left out as a rival's client too: Person C" in result.population, result


def test_a_post_two_works_record_alike_is_one_reward_and_one_defection_one_row(make_package):
    """A second work's row for A's new ministry (same post, dates and rank) made H3b count two rewards, and a second
    work's tie recording his defection made 05's list of defections show it twice."""
    from patronage.robustness import panel

    rows = copy.deepcopy(ROWS)
    rows["spells"].append({**next(r for r in rows["spells"] if r["spell_id"] == "a-min2"), "spell_id": "a-min2-b", "locator": "section 2"})
    rows["ties"].append({**next(t for t in rows["ties"] if t["tie_id"] == "p-a"), "tie_id": "p-a-b", "locator": "section 2"})
    view = patronage.load(make_package(rows)).select(coding="x")
    crisis = make_crisis(view, "p", FALL)
    assert hypotheses.rewards_cost_rivals_clients(view, crisis).value == "0/1 from a rival's client (the fallen patron: 1)"
    listed = panel.defections(view, {"P 1950": crisis})
    assert listed.loc[listed["client_id"] == "a", "tie_id"].tolist() == ["p-a; p-a-b"]


def test_a_run_reads_a_data_folder_given_relative_to_the_readers_shell(tmp_path, monkeypatch):
    """`PATRONAGE_DATA_DIR=copy python -m patronage run ...` failed in the kernel, which runs in the notebook's folder."""
    import papermill

    from patronage import config
    from patronage.build import runs

    seen = {}
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(config.DATA_ENV, "copy")
    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: seen.setdefault("data", os.environ[config.DATA_ENV]))
    runs.run(config.NOTEBOOKS_DIR / "02-network.ipynb", tmp_path / "out.ipynb", {})
    assert seen["data"] == str(tmp_path / "copy")


def test_a_loss_wholly_inside_the_span_decides_though_an_earlier_one_may_fall_outside(make_package):
    """B arrested 'June to September 1950' (which may fall before a span from 15 June) and dismissed from his post between
    August and December 1950: he lost it within the year, whenever the arrest fell. Only the first loss by its point
    estimate was read, and B was 'unknown' (Broverman at Abakumov's fall, H7 no data where it is inconclusive)."""
    from patronage.analysis.outcomes import fate_between

    rows = copy.deepcopy(ROWS)
    for r in rows["spells"]:
        if r["spell_id"] == "b-min":
            r["end"], r["end_cause"] = "1950-08/1950-12", "dismissal"
    for e in rows["events"]:
        if e["event_id"] == "b-arrest":
            e["date"] = "1950-06/1950-09"
    view = patronage.load(make_package(rows)).select(coding="x")
    fate = fate_between(view, ["b"], pd.Timestamp(FALL), pd.Timestamp("1951-06-15")).loc["b"]
    assert fate["fate"] == "lost" and fate["dated"] == "1950-08/1950-12" and fate["how"].endswith(": dismissal"), fate
    # with no loss wholly inside the span, the first still decides: unknown, as before
    rows["spells"] = [{**s, "end": "1950-06/1950-12"} if s["spell_id"] == "b-min" else s for s in rows["spells"]]
    view = patronage.load(make_package(rows)).select(coding="x")
    fate = fate_between(view, ["b"], pd.Timestamp(FALL), pd.Timestamp("1951-06-15")).loc["b"]
    assert fate["fate"] == "unknown" and fate["how"].startswith("arrested, dated 1950-06/1950-09: it may fall before"), fate


def test_a_defector_of_unknown_rank_is_no_client_who_may_be_below_the_top(make_package):
    """H7 counts loyal clients below the top; A, the defector, has no post recorded the day before. He was counted
    among the 'clients of unknown rank that day [who] may be' below the top, and H7 said no data for no case."""
    rows = copy.deepcopy(ROWS)
    rows["spells"] = [s for s in rows["spells"] if s["spell_id"] != "a-min"]
    view = patronage.load(make_package(rows)).select(coding="x")
    crisis = make_crisis(view, "p", FALL)
    unranked = crisis.roster.loc[crisis.roster["rank_before"].isna(), ["client_id", "defected"]]
    assert list(unranked.itertuples(index=False, name=None)) == [("a", True)]
    result = hypotheses.network_below_top_continues(view, crisis)
    assert result.verdict == "no case" and "unknown rank" not in result.reason, (result.verdict, result.reason)


def test_an_act_the_day_after_the_fall_is_no_act_at_it(make_package):
    """The crisis's events run up to the day of the fall, as the docstring said; the code also took the day after, so B
    denouncing P on 16 June made him a turncoat of a fall on the 15th (H3, H4, H5 fails -> mixed), on the 17th not."""
    rows = copy.deepcopy(ROWS)
    rows["events"].append(event("b-denounces", "1950-06-16", "meeting"))
    rows["event_participants"] += [part("b-denounces", "b", "defecting"), part("b-denounces", "p", "accused")]
    view = patronage.load(make_package(rows)).select(coding="x")
    assert "b" not in make_crisis(view, "p", FALL).turncoats
    assert "b" in make_crisis(view, "p", "1950-06-16").turncoats  # on the day itself, it is


def test_no_case_at_a_fall_no_event_records_is_not_said_to_be_an_absence_the_records_show(toy):
    """Khrushchev in October 1964: no event of his fall is recorded, and the closing said the 'no case' steps were 'an
    absence the records show, not a gap in them'. Without an event acting against the patron, no act against him can
    be recorded either: it may be a gap."""
    from patronage.analysis.advice import _fall_recorded

    view = toy.select(coding="x")
    quiet = make_crisis(view, "p", "1948-06-01")  # P in office, his clients with him, no event acting against him
    table = verdicts.verdict_table(hypotheses.run_all(view, quiet))
    (said,) = advice.hints(table, "seed+external", toy, view, quiet)
    assert "no case" in said and "the tables record no event of his fall either" in said and "absence the records show" not in said
    assert _fall_recorded(view, quiet) is False and _fall_recorded(view, make_crisis(view, "p", FALL)) is True


def test_a_client_dead_before_the_fall_is_not_on_the_roster_though_his_tie_has_no_end(make_package):
    """A tie whose end no source gives runs on, but not past the client's death: C, shot on 1 December 1950, was P's
    client at a fall of 1952 through a tie with an empty end (an unrecorded client, and H7's verdict moved)."""
    rows = copy.deepcopy(ROWS)
    for r in rows["ties"]:
        if r["tie_id"] == "p-c":
            r["end"] = ""
    rows["spells"].append(spell("p-again", "p", "min2", 6, "1951", "1953", "dismissal", post="Minister again"))
    view = patronage.load(make_package(rows)).select(coding="x")
    assert "c" not in set(make_crisis(view, "p", "1952-06-01").roster["client_id"])
    assert "c" in set(make_crisis(view, "p", "1950-11-01").roster["client_id"])  # alive then


def test_a_last_office_whose_loose_end_reaches_the_day_is_not_said_to_end_before_the_fall(make_package):
    """Abakumov's ministry ended '1951' (read as 2 July), against a fall on 12 July: the advice said 'the day may lie
    after his fall', steering the reader to another day, though the end's dates reach it."""
    rows = copy.deepcopy(ROWS)
    # ended by a dismissal: an end by his arrest would be read on the day of the arrest the events record
    rows["spells"] = [{**s, "end": "1950", "end_cause": "dismissal"} if s["spell_id"] == "p-min" else s
                      for s in rows["spells"]]
    view = patronage.load(make_package(rows)).select(coding="x")
    crisis = make_crisis(view, "p", "1950-07-20")
    said = advice._no_office_before(view, crisis)
    assert "a date that reaches that day" in said and "may lie after his fall" not in said, said
    early = make_crisis(view, "p", "1951-03-01")
    assert "the day may lie after his fall" in advice._no_office_before(view, early)


def test_a_fate_not_recorded_names_the_last_post_begun_by_then(make_package):
    """Fedyuninsky at Zhukov's fall: 'his last recorded post ends 1977-10-17, read as before 1958-10-26' quoted a post
    begun in 1965. The reason now names the last post he had begun by the end of the span."""
    from patronage.analysis.outcomes import fate_between

    rows = copy.deepcopy(ROWS)
    rows["spells"].append(spell("b-late", "b", "min2", 3, "1955", "1960", "retirement", post="Later post B"))
    view = patronage.load(make_package(rows)).select(coding="x")
    fate = fate_between(view, ["b"], pd.Timestamp("1951-01-01"), pd.Timestamp("1952-01-01")).loc["b"]
    assert fate["fate"] == "unknown" and fate["how"] == ("no loss recorded; his last recorded post by then ends 1950-08-01, "
                                                        "read as before 1952-01-01"), fate["how"]


def test_each_mans_records_are_his_rows_in_order_whether_read_together_or_one_by_one(tables):
    """outcomes.ByMan reads only the men asked about: each man's records must be exactly his rows of the frame (in its
    order, or sorted by the key given), the same whether several men are read in one slice or each alone, and none for
    a man with no row. The real posts table, with a frame whose index is not 0..n-1, as a selection leaves it."""
    from patronage.analysis.outcomes import POST_FIELDS, ByMan, posts_by_man

    view = tables.select(evidence="seed+external", reading="curated")
    spells = view.spells.assign(start_day=pd.NaT, end_day=pd.NaT)[POST_FIELDS].iloc[::-1]  # reversed: an index out of order
    men = list(dict.fromkeys(spells["person_id"]))[:12] + ["nobody"]
    together, alone = ByMan(spells), ByMan(spells)
    together.read(men)
    for man in men:
        expected = list(spells[spells["person_id"] == man].itertuples(index=False))
        assert together.of(man) == alone.of(man) == expected, man
    assert together.of("nobody") == []
    by_id = ByMan(spells, order=lambda r: r.spell_id)
    assert all([r.spell_id for r in by_id.of(m)] == sorted(r.spell_id for r in alone.of(m)) for m in men)
    beria = posts_by_man(view).of("beria")
    assert [r.spell_id for r in beria] == list(view.spells.loc[view.spells["person_id"] == "beria", "spell_id"])
    assert all(pd.notna(r.start_day) for r in beria)  # the point estimates, not the frame's own
