"""Every step of the test on hand-built worlds whose right answers are known: for each, a world where the
claim holds, one where it fails, and one where the outcome is not recorded (tests/toyworld.py)."""

from __future__ import annotations

import copy
import dataclasses

import pandas as pd
import pytest

import patronage
from patronage.analysis import article, verdicts
from patronage.analysis import hypotheses as H
from patronage.analysis.advancement import promotions
from patronage.analysis.careers import moves_between
from patronage.analysis.crisis import make_crisis
from patronage.analysis.offices import gained_posts, vacancies
from patronage.analysis.tenure import tenure_after
from patronage.analysis.verdicts import DECIDED, VERDICTS, Result, number

from toyworld import FALL, ROWS, event, part, spell, tie


@pytest.fixture
def world(make_package):
    """world(edit) -> (view, crisis): the toy world with ``edit(rows)`` applied, loaded, coding x."""
    counter = iter(range(100))

    def build(edit, coding="x", horizon=10):
        rows = copy.deepcopy(ROWS)
        edit(rows)
        view = patronage.load(make_package(rows, f"w{next(counter)}")).select(coding=coding)
        return view, make_crisis(view, "p", FALL, horizon_years=horizon)

    return build


def drop(rows, table, key, value):
    rows[table] = [r for r in rows[table] if r[key] != value]


def set_field(rows, table, key, value, **fields):
    for r in rows[table]:
        if r[key] == value:
            r.update(fields)


# --- the rules ----------------------------------------------------------------------------------


def test_split_rule_decides_only_when_every_missing_outcome_agrees():
    assert verdicts.split_outcome(0, 3, 0) == "holds" and verdicts.split_outcome(3, 0, 0) == "fails"
    assert verdicts.split_outcome(1, 2, 0) == "mixed"
    assert verdicts.split_outcome(1, 1, 1) == "mixed"  # whatever the third, some for and some against
    assert verdicts.split_outcome(0, 1, 1) == "inconclusive"  # the missing one could make it mixed
    assert verdicts.split_outcome(0, 0, 2) == "no data"
    # the rule in words says both, as the reader reads it beside a 'no data' whose result could have differed
    assert verdicts.split_rule("case", "x").endswith("inconclusive if it could tip it, and no data if no case's outcome is recorded")


def test_share_rule_reachability_is_computed_from_the_exact_interval():
    reach = verdicts.share_reach(0.1, 0.95)
    assert reach == {"holds": 36, "fails": 2}
    assert verdicts.share_verdict(0, 36, 0.1, 0.95) == "holds" and verdicts.share_verdict(0, 35, 0.1, 0.95) == "inconclusive"
    assert verdicts.share_verdict(2, 2, 0.1, 0.95) == "fails" and verdicts.share_verdict(1, 1, 0.1, 0.95) == "inconclusive"
    assert verdicts.share_could_differ(1, 0.1, 0.95).startswith("no: with N = 1")
    assert verdicts.share_could_differ(3, 0.1, 0.95) == "yes"
    assert "N >= 36" in verdicts.share_rule(0.1, 0.95) and "N >= 2" in verdicts.share_rule(0.1, 0.95)


@pytest.mark.parametrize("rare_share, confidence", [(0.1, 0.95), (0.05, 0.9), (0.3, 0.99), (0.5, 0.8), (0.0, 0.95), (1.0, 0.95)])
def test_share_reach_is_the_first_n_the_rule_itself_decides(rare_share, confidence):
    """The logarithms only guess: the first n must be the one a scan of the rule itself finds (None: never)."""
    def scan(verdict, k_of):
        return next((n for n in range(1, 200) if verdicts.share_verdict(k_of(n), n, rare_share, confidence) == verdict), None)

    assert verdicts.share_reach(rare_share, confidence, limit=199) == {"holds": scan("holds", lambda n: 0),
                                                                       "fails": scan("fails", lambda n: n)}


def test_a_row_that_could_not_differ_is_never_decided():
    r = Result("X", "step", "claim", "pop", "rule", "stat", "1/1", "holds", "no: nothing else was possible", "1 of 1")
    assert r.verdict == "untestable" and r.reason.startswith("nothing else was possible")
    with pytest.raises(ValueError):
        Result("X", "step", "claim", "pop", "rule", "stat", "1/1", "proven")
    with pytest.raises(ValueError):
        Result("X", "step", "claim", "pop", "rule", "stat", "1/1", "holds", "maybe")


def test_every_result_names_population_and_rule_and_is_never_decided_when_fixed(crisis_x, toy):
    for view, c in [crisis_x, (toy.select(coding="y"), make_crisis(toy.select(coding="y"), "p", FALL)),
                    (toy.select(coding="x"), make_crisis(toy.select(coding="x"), "d", "1955-01-01"))]:
        results = H.run_all(view, c)
        assert len({r.hypothesis for r in results}) == len(results) == 11
        for r in results:
            assert r.verdict in VERDICTS and r.population and r.rule and r.statistic, r.hypothesis
            assert r.could_differ == "yes" or (r.could_differ.startswith("no: ") and r.verdict not in DECIDED), r.hypothesis
            assert r.verdict not in ("no data", "untestable") or r.reason, r.hypothesis


# --- H1: the control ------------------------------------------------------------------------------


def earlier_post(rows):
    """A's post before his first deputyship under P, so that the deputyship is a promotion from a recorded post."""
    rows["spells"].append(spell("a-early", "a", "min", 3, "1940", "1946", "promotion", post="Head of department"))


def test_h1_holds_from_the_career_whatever_the_coding(world):
    view, c = world(earlier_post)
    r = H.defectors_were_genuine_clients(view, c)
    assert (r.value, r.verdict) == ("1/1 genuine", "holds")
    y, _ = world(earlier_post, coding="y")  # the coding calls A R's client; his career says P's
    ry = H.defectors_were_genuine_clients(y, make_crisis(y, "p", FALL))
    assert ry.verdict == "holds" and "reads Person A otherwise" in ry.note
    assert ry.detail.loc[0, "the coding says"] == "not his client" and ry.note.startswith("Careers make Person A the patron's client.")


def test_no_promotion_from_a_post_not_recorded_nor_on_a_day_not_known(world, crisis_x):
    """Regression: a man's first recorded post was a promotion 'from nothing', presided over by whoever headed its
    office that day (Konev's one recorded post, in 1955, made him Zhukov's client), and a post held 'by July 1951'
    was a promotion on 1 July 1951, the first day the sources attest it (Ryumin, by Abakumov). Neither is a promotion
    without a recorded appointer; after a recorded post, on a known day, it is."""
    view, c = crisis_x  # A's first deputyship is his first recorded post
    r = H.defectors_were_genuine_clients(view, c)
    assert r.verdict == "no data" and "0 promotions" in r.reason
    assert promotions(view, ["a"], c.date).empty
    view, c = world(earlier_post)
    assert promotions(view, ["a"], c.date)["spell_id"].tolist() == ["a-min"]
    view, c = world(lambda rows: (earlier_post(rows), set_field(rows, "spells", "spell_id", "a-min", start="/1946")))
    assert promotions(view, ["a"], c.date).empty  # held by 1946: the day it began is not known
    view, c = world(lambda rows: set_field(rows, "spells", "spell_id", "a-min", start="/1946", appointed_by="p"))
    assert promotions(view, ["a"], c.date)["spell_id"].tolist() == ["a-min"]  # an appointer recorded: an appointment


def test_an_organiser_is_a_rival_only_of_an_event_that_acts_against_the_patron(world):
    """Regression: anyone organising an event the patron took part in within 30 days became his rival (Stalin, his own
    patron, for Beria in December 1945), and appeals to him then counted as appeals to a rival."""
    def meeting(rows):
        rows["events"].append(event("meet", "1950-06-10", "meeting"))
        rows["event_participants"] += [part("meet", "p", "present"), part("meet", "d", "organiser")]
    view, c = world(meeting)
    assert "d" not in c.rivals
    def attack(rows):
        rows["events"].append(event("attack", "1950-06-10", "purge"))
        rows["event_participants"] += [part("attack", "p", "accused"), part("attack", "d", "organiser")]
    view, c = world(attack)
    assert "d" in c.rivals


def test_h1_fails_when_a_rival_presided_over_his_promotions(world):
    view, c = world(lambda rows: set_field(rows, "spells", "spell_id", "a-min", appointed_by="r"))
    r = H.defectors_were_genuine_clients(view, c)
    assert r.verdict == "fails" and r.detail.loc[0, "career says"] == "a rival's client"
    assert r.note.startswith("Careers make none of them the patron's client.")


def test_a_post_continued_by_a_move_dated_once_is_not_a_second_promotion(world):
    """D's office renamed 'in 1948' (the post ends by reorganisation on the date the next one starts, written the
    same): the two posts have the same point estimates, and only the first is a promotion, or a post gained. Moved up 'in 1948' to a
    higher post instead, he is promoted twice. A start written otherwise ('1948-01/1948-12', the same midpoint) is
    not a move: the point estimates alone decide, and two posts begun the same day are both promotions."""
    def renamed(seniority, start="1948", cause="reorganisation"):
        def edit(rows):
            rows["spells"] += [spell("d-0", "d", "min", 2, "1946", "1947", "promotion"),  # a post before: d-a is a promotion
                               spell("d-a", "d", "min", 3, "1948", "1948", cause),
                               spell("d-b", "d", "min", seniority, start, "1949", "transfer")]
        return edit

    def promoted(edit) -> list:
        view, _ = world(edit)
        return [p for p in promotions(view, ["d"], pd.Timestamp("1950-01-01"))["spell_id"] if p in ("d-a", "d-b")]

    spells = world(renamed(3))[0].spells.reset_index(drop=True)
    pairs = moves_between(spells)
    assert ("d-a", "d-b") in set(zip(spells.loc[pairs["a"], "spell_id"], spells.loc[pairs["b"], "spell_id"], strict=True))
    assert promoted(renamed(3)) == ["d-a"]
    assert promoted(renamed(4, cause="promotion")) == ["d-a", "d-b"]
    assert promoted(renamed(3, start="1948-01/1948-12")) == ["d-a", "d-b"]

    def gained(edit) -> list:
        view, _ = world(edit)
        new = gained_posts(view, ["d"], pd.Timestamp("1947-01-01"), pd.Timestamp("1949-01-01"), pd.Series({"d": 2}))
        return new["spell_id"].tolist()

    assert gained(renamed(3)) == ["d-a"]  # the renamed office is the same office, not a second one gained
    assert gained(renamed(3, start="1948-01/1948-12")) == ["d-a", "d-b"]


def test_h1_no_data_without_a_recorded_promotion(world):
    view, c = world(lambda rows: drop(rows, "spells", "person_id", "a"))
    r = H.defectors_were_genuine_clients(view, c)
    assert r.verdict == "no data" and "whose career does not say" in r.value and "0 promotions" in r.reason


# --- H2: short-run stability --------------------------------------------------------------------


def test_h2_population_is_named_and_an_unknown_rank_is_missing_not_zero(crisis_x, world):
    view, c = crisis_x
    assert H.clients_stay_loyal(view, c, which="first deputies").members["person_id"].tolist() == ["a"]
    high = H.clients_stay_loyal(view, c, which="high office")
    assert high.members["person_id"].tolist() == ["a", "b", "c"]
    assert high.value.startswith("1/3 = 0.333 [0.008, 0.906]") and high.verdict == "inconclusive"
    view2, c2 = world(lambda rows: drop(rows, "spells", "person_id", "c"))  # C's rank no longer recorded
    assert pd.isna(c2.roster.set_index("client_id").loc["c", "rank_before"])
    r = H.clients_stay_loyal(view2, c2, which="high office")
    assert r.members["person_id"].tolist() == ["a", "b"] and "1 client of unknown rank" in r.population
    assert H.clients_stay_loyal(view2, c2, which="all clients").members["person_id"].tolist() == ["a", "b", "c"]


def test_h2_with_one_first_deputy_nothing_can_be_decided(crisis_x):
    view, c = crisis_x
    r = H.clients_stay_loyal(view, c)
    assert r.verdict == "untestable" and r.could_differ.startswith("no: with N = 1")


def many_deputies(n, defect):
    """n first deputies of P (rank 5 in his ministry), the first ``defect`` of them defecting at the fall."""
    def edit(rows):
        for i in range(n):
            pid = f"z{i}"
            rows["persons"].append({**rows["persons"][0], "person_id": pid, "name": f"Deputy {i}", "surname": f"D{i}"})
            rows["spells"].append(spell(f"{pid}-min", pid, "min", 5, "1946", "1950-06-15", "transfer"))
            rows["ties"].append(tie(f"p-{pid}", "p", pid, "patronage", "1946", "1950-06-15", i < defect,
                                    "1950-06" if i < defect else ""))
        set_field(rows, "spells", "spell_id", "a-min", seniority="4")  # A is no longer a first deputy
    return edit


def test_h2_holds_with_enough_loyal_deputies_and_fails_when_they_defect(world):
    view, c = world(many_deputies(36, 0))
    assert H.clients_stay_loyal(view, c).verdict == "holds"
    view, c = world(many_deputies(2, 2))
    r = H.clients_stay_loyal(view, c)
    assert r.verdict == "fails" and r.value.startswith("2/2")


# --- H3 and H3b: scarcity, the patron's side ---------------------------------------------------


def test_h3_fails_when_rewarded_holds_when_not_and_no_data_when_unrecorded(crisis_x, world):
    view, c = crisis_x
    r = H.defectors_not_rewarded(view, c)
    assert (r.value, r.verdict) == ("1/1 promoted", "fails")
    view, c = world(lambda rows: set_field(rows, "spells", "spell_id", "a-min2", seniority="5"))
    assert H.defectors_not_rewarded(view, c).verdict == "holds"
    view, c = world(lambda rows: rows.update(spells=[s for s in rows["spells"] if not s["spell_id"].startswith(("a-min2", "a-later"))]))
    r = H.defectors_not_rewarded(view, c)
    assert r.verdict == "no data" and "undecided by the records" in r.value


def test_h3b_untestable_when_no_rival_client_held_a_comparable_office(crisis_x):
    view, c = crisis_x
    r = H.rewards_cost_rivals_clients(view, c)
    assert r.verdict == "untestable" and r.could_differ.startswith("no: no rival's client")
    assert r.detail["predecessor"].tolist() == ["the fallen patron"]


def rival_client_in_the_post(ended, patron_rank=7):
    """P heads the ministry at ``patron_rank``; D, R's client, holds the rank-6 post A takes, until ``ended``."""
    def edit(rows):
        set_field(rows, "spells", "spell_id", "p-min", seniority=str(patron_rank))
        rows["spells"].append(spell("d-min-6", "d", "min", 6, "1949", ended, "dismissal"))
    return edit


def test_h3b_holds_when_the_reward_displaced_a_rivals_client_and_fails_when_not(world):
    view, c = world(rival_client_in_the_post("1950-06-15"))
    r = H.rewards_cost_rivals_clients(view, c)
    assert (r.verdict, r.detail["predecessor"].tolist()) == ("holds", ["rival's client"])
    # D left the post six weeks before A took it up, P (at rank 6 too) on the day of his fall: P, the last to leave,
    # was the previous holder; D could have been
    view, c = world(rival_client_in_the_post("1950-05-01", patron_rank=6))
    r = H.rewards_cost_rivals_clients(view, c)
    assert r.could_differ == "yes" and r.verdict == "fails" and r.detail["predecessor"].tolist() == ["the fallen patron"]
    view, c = world(rival_client_in_the_post("1950-01-01"))  # held a comparable post, but left it long before
    r = H.rewards_cost_rivals_clients(view, c)
    assert r.could_differ == "yes" and r.verdict == "fails"


def test_vacancies_follow_the_office_across_renaming(crisis_x):
    view, c = crisis_x
    v = vacancies(view, c).set_index("holder")  # holders and successors by name
    assert v.loc["Person P", "next of the same rank"] == "Person A" and v.loc["Person P", "how he stood"] == "defector"
    assert v.loc["Person B", "how he stood"] == "not recorded"  # D continues his own post: not a successor
    assert v.loc["Person P", "on"] == "1950-06-15"  # the loss's date as recorded


def test_h3b_no_case_when_no_defector_rose_no_data_when_his_rank_after_is_not_recorded(world):
    view, c = world(lambda rows: set_field(rows, "spells", "spell_id", "a-min2", seniority="5"))  # A kept his rank
    r = H.rewards_cost_rivals_clients(view, c)
    assert c.defectors == ["a"] and r.verdict == "no case" and "not recorded" not in r.reason

    def no_post_after(rows):
        drop(rows, "spells", "spell_id", "a-min2")
        drop(rows, "spells", "spell_id", "a-later")
    view, c = world(no_post_after)
    r = H.rewards_cost_rivals_clients(view, c)
    assert c.defectors == ["a"] and r.verdict == "no data" and "not recorded" in r.reason


def test_an_empty_step_is_no_case_with_clients_recorded_and_no_data_without(world):
    def nobody_turned(rows):  # the clients are there; no one acted against P, no one appealed
        drop(rows, "event_participants", "role", "defecting")
        drop(rows, "event_participants", "event_id", "appeal")
        set_field(rows, "ties", "tie_id", "p-a", defected=False, defection_date="", motive="")
    view, c = world(nobody_turned)
    assert len(c.roster) and not c.turncoats and not c.defectors
    for step in (H.defectors_were_genuine_clients, H.defectors_not_rewarded, H.later_defectors_refused,
                 H.reinsured_clients_defect):
        assert step(view, c).verdict == "no case", step.__name__

    def no_clients(rows):
        nobody_turned(rows)
        rows["ties"] = [t for t in rows["ties"] if not (t["patron_id"] == "p" and t["kind"] == "patronage")]
    view, c = world(no_clients)
    assert c.roster.empty
    for step in (H.defectors_were_genuine_clients, H.defectors_not_rewarded, H.later_defectors_refused,
                 H.reinsured_clients_defect):
        assert step(view, c).verdict == "no data", step.__name__


# --- H4 and H4b: scarcity, the client's side ----------------------------------------------------


def test_h4_fails_when_he_switched_before_the_fall_and_rose(crisis_x):
    view, c = crisis_x
    r = H.clients_do_not_switch_for_gain(view, c)
    assert r.verdict == "fails" and "by the day of the fall" in r.reason


def late_defection(rows):
    drop(rows, "event_participants", "role", "defecting")
    set_field(rows, "ties", "tie_id", "p-a", defection_date="1950-07")


def test_h4_holds_when_he_joined_only_after_the_fall_and_an_undated_defection_is_refused(world):
    """A defection with no date (no act, no date on the tie) made H4 'no data' at every crisis of the patron: the
    validator now refuses the row, naming it."""
    from patronage.errors import DataError

    view, c = world(late_defection)
    assert c.defectors == ["a"] and H.clients_do_not_switch_for_gain(view, c).verdict == "holds"
    with pytest.raises(DataError, match="records a defection with no date"):
        world(lambda rows: (drop(rows, "event_participants", "role", "defecting"),
                            set_field(rows, "ties", "tie_id", "p-a", defection_date="")))


def test_h4_reads_an_act_against_the_patron_months_before_the_fall(world):
    """Regression: H4 read only the acts within the crisis's window (30 days), so a denunciation recorded three months
    before the fall was missed and a defection dated to the month of the fall left him undecided ('no data')."""
    def denounced_in_march(rows):
        drop(rows, "event_participants", "role", "defecting")
        set_field(rows, "ties", "tie_id", "p-a", defection_date="1950-06")
        rows["events"].append(event("denounce", "1950-03-10", "report"))
        rows["event_participants"] += [part("denounce", "p", "accused"), part("denounce", "a", "defecting")]
    view, c = world(denounced_in_march)
    r = H.clients_do_not_switch_for_gain(view, c)
    assert c.defectors == ["a"] and r.verdict == "fails" and "acted against him by the day of the fall" in r.reason
    view, c = world(lambda rows: (drop(rows, "event_participants", "role", "defecting"),
                                  set_field(rows, "ties", "tie_id", "p-a", defection_date="1950-06")))
    assert H.clients_do_not_switch_for_gain(view, c).verdict == "no data"  # without the act: the month decides nothing


def test_h4b_is_the_coding_never_a_test(crisis_x, toy):
    view, c = crisis_x
    r = H.motive_as_coded(view, c)
    assert r.verdict == "coding" and r.could_differ.startswith("no: ") and "reward" in r.value
    y = toy.select(coding="y")  # the coding records clients, none of whom defected: nothing to test
    assert H.motive_as_coded(y, make_crisis(y, "p", FALL)).verdict == "no case"


# --- H5: the precedent in the short run ---------------------------------------------------------


def test_h5_public_reward_fails_the_claim_and_a_lesser_one_does_not(crisis_x, world):
    view, c = crisis_x
    assert H.rewards_not_public(view, c, public_rank=6).verdict == "fails"
    assert H.rewards_not_public(view, c, public_rank=7).verdict == "holds"
    view, c = world(lambda rows: rows.update(spells=[s for s in rows["spells"] if not s["spell_id"].startswith(("a-min2", "a-later"))]))
    assert H.rewards_not_public(view, c).verdict == "no data"


# --- H6a and H6b: the precedent in the long run -------------------------------------------------


def test_h6a_refused_when_lost_accepted_when_kept_no_data_when_unrecorded(crisis_x, world):
    view, c = crisis_x
    r = H.later_defectors_refused(view, c)
    assert (r.value, r.verdict) == ("1/1 refused", "holds") and r.detail.loc[0, "then"] == "lost"

    def kept(cause):
        def edit(rows):
            drop(rows, "event_participants", "event_id", "b-arrest")
            set_field(rows, "spells", "spell_id", "b-min", end="", end_cause=cause)
        return edit
    view, c = world(kept("ongoing"))
    assert H.later_defectors_refused(view, c).verdict == "fails"
    view, c = world(kept(""))  # an end no source states: held from its start, not known to be held at the horizon
    r = H.later_defectors_refused(view, c)
    assert r.verdict == "no data" and r.detail.loc[0, "how"].startswith("no loss recorded; the end of his post is not recorded")

    def unrecorded(rows):  # no loss recorded, and no post either: his fate is unknown, not acceptance
        drop(rows, "event_participants", "event_id", "b-arrest")
        set_field(rows, "spells", "spell_id", "b-min", end_cause="unknown")
    view, c = world(unrecorded)
    r = H.later_defectors_refused(view, c)
    assert r.verdict == "no data" and r.detail.loc[0, "then"] == "unknown"


def test_h6a_counts_a_defection_a_tie_dates_after_the_fall_and_reads_refusal_within_the_window(world):
    """Regression: H6a read only appeals to a rival, so Abakumov's three clients whose ties record a defection after
    his fall (Grishaev, Pitovranov, Broverman) were 'no case ... no loyal client ... appealing'. And a loss anywhere
    before the horizon counted as refusal: Frinovsky, who turned from Yagoda to Yezhov in 1937 and rose, was 'refused'
    because he fell with Yezhov in 1939. E, loyal at P's fall, defects on 1 September 1950 (after the 30-day window)."""
    def with_e(end, cause):
        def edit(rows):
            rows["persons"].append({**rows["persons"][0], "person_id": "e", "name": "Person E", "surname": "E"})
            rows["spells"].append(spell("e-min", "e", "min", 4, "1946", end, cause, post="Deputy E"))
            rows["ties"].append(tie("p-e", "p", "e", "patronage", "1946", "1950-09-01", True, "1950-09-01"))
        return edit
    view, c = world(with_e("1956", "retirement"))  # kept his post through the year after his turn: accepted
    assert "e" not in c.defectors
    r = H.later_defectors_refused(view, c)
    assert (r.value, r.verdict) == ("1/2 refused", "mixed")  # B appealed and was arrested; E defected and kept his post
    e = r.detail.set_index("person_id").loc["e"]
    assert (e["act"], e["row"], e["on"], e["then"]) == ("defected", "p-e", "1950-09-01", "kept")
    assert r.members.set_index("person_id").loc["e", "act"] == "defected"
    view, c = world(with_e("1951-03-01", "arrest"))  # arrested within the year: refused
    assert (H.later_defectors_refused(view, c).value, H.later_defectors_refused(view, c).verdict) == ("2/2 refused", "holds")
    view, c = world(with_e("1953-01-01", "arrest"))  # arrested two years on: no refusal, as with a window of three years
    assert H.later_defectors_refused(view, c).verdict == "mixed"
    assert H.later_defectors_refused(view, c, window_days=3 * 365).verdict == "holds"


def test_h6a_leaves_a_turn_at_the_patrons_next_fall_to_that_crisis(world, tables):
    """Regression: H6a at the Mingrelian affair of 1951 counted Kruglov and Serov, who turned on Beria at his fall in
    1953, as later defectors accepted after 1951 ('fails'): a turn at a later fall of the patron belongs to that crisis."""
    def second_fall(when):
        def edit(rows):
            rows["persons"].append({**rows["persons"][0], "person_id": "e", "name": "Person E", "surname": "E"})
            rows["spells"] += [spell("e-min", "e", "min", 4, "1946", "1956", "retirement", post="Deputy E"),
                               spell("p-again", "p", "min2", 3, "1951-01-01", "1952-06-01", "arrest", post="Deputy P")]
            rows["events"].append(event("p-arrest-2", "1952-06-01", "arrest"))
            rows["event_participants"].append(part("p-arrest-2", "p", "arrested"))
            rows["ties"].append(tie("p-e", "p", "e", "patronage", "1946", when, True, when))
        return edit
    view, c = world(second_fall("1952-05-20"))  # at P's second fall: that crisis's defection
    r = H.later_defectors_refused(view, c)
    assert "e" not in set(r.members["person_id"]) and "before his next fall (dated 1952-06-01)" in r.population
    view, c = world(second_fall("1951-03-01"))  # well before it: a later turn after the first
    assert "e" in set(H.later_defectors_refused(view, c).members["person_id"])

    def acts_at_it(rows):  # a tie dated well before the second fall, but E acts against P at it (as a draw may date
        second_fall("1951-03-01")(rows)  # Kruglov's defection months before Beria's arrest, at which he acted)
        rows["event_participants"].append(part("p-arrest-2", "e", "defecting"))
    view, c = world(acts_at_it)
    assert "e" not in set(H.later_defectors_refused(view, c).members["person_id"])

    def by_then(date):  # a defection dated only 'by' a day: read as the roster reads it, no earlier than its floor
        def edit(rows):
            rows["persons"].append({**rows["persons"][0], "person_id": "e", "name": "Person E", "surname": "E"})
            rows["spells"].append(spell("e-min", "e", "min", 4, "1946", "1956", "retirement", post="Deputy E"))
            rows["ties"].append(tie("p-e", "p", "e", "patronage", "1946", "", True, date))
        return edit
    for date in ("/1950-09-01", "1950-09-01"):  # the roster leaves it out of the crisis: then H6a counts it, for either
        view, c = world(by_then(date))          # (it had fallen between the two, 'loyal' in H2 and in no later turn)
        assert "e" not in c.defectors and "e" in set(H.later_defectors_refused(view, c).members["person_id"]), date
    view, c = world(by_then("/1950-06-20"))  # by a day inside the window: a defection at the crisis, no later turn
    assert "e" in c.defectors and "e" not in set(H.later_defectors_refused(view, c).members["person_id"])
    def late(rows):  # an appeal a fortnight before the horizon, with no later fall: still counted
        set_field(rows, "events", "event_id", "appeal", date="1960-06-01")
        set_field(rows, "events", "event_id", "b-arrest", date="1960-06-10")
        set_field(rows, "spells", "spell_id", "b-min", end="1960-06-10")
    view, c = world(late)
    assert set(H.later_defectors_refused(view, c).members["person_id"]) == {"b"}
    view = tables.select(evidence="seed+external", reading="curated")
    r = H.later_defectors_refused(view, make_crisis(view, "beria", "1951-11-09"))
    assert r.verdict == "no case" and "before his next fall (dated 1953-06-26), by an appeal" in r.reason


def test_h6b_holds_when_the_defector_lost_office_fails_when_he_kept_it(crisis_x, world):
    view, c = crisis_x
    r = H.defectors_lose_office(view, c, which="high office")
    assert r.verdict == "holds"
    loyal = r.detail[r.detail["group"] == "loyal clients"].set_index("person_id")
    assert set(loyal.index) == {"b", "c"} and loyal["lost office"].all()
    view, c = world(lambda rows: set_field(rows, "spells", "spell_id", "a-min2", end="", end_cause="ongoing"))
    assert H.defectors_lose_office(view, c).verdict == "fails"
    view, c = world(lambda rows: set_field(rows, "spells", "spell_id", "a-min2", end="", end_cause=""))
    assert H.defectors_lose_office(view, c).verdict == "no data"  # an end not stated: not known to be kept


def test_h6b_a_record_that_stops_is_censored_not_a_loss(world):
    def stops(rows):
        set_field(rows, "spells", "spell_id", "a-min2", end_cause="transfer")
        drop(rows, "spells", "spell_id", "a-later")
    view, c = world(stops)
    r = H.defectors_lose_office(view, c)
    row = r.detail.set_index("person_id").loc["a"]
    assert not row["lost office"] and row["how"].startswith("censored") and r.verdict == "no data"


def test_tenure_chains_a_high_post_that_starts_after_the_window(world):
    """Regression (bug 1): the window bounds the first high post only; a later consecutive one continues the run."""
    def second_post(rows):
        set_field(rows, "spells", "spell_id", "a-min2", end_cause="transfer")
        drop(rows, "spells", "spell_id", "a-later")
        rows["spells"].append(spell("a-next", "a", "min2", 4, "1952-02-01", "1958-03-01", "dismissal"))
    view, c = world(second_post)
    t = tenure_after(view, c, ["a"], 4, pd.Timedelta(days=365)).set_index("person_id")
    assert t.loc["a", "until"] == "1958-03-01" and bool(t.loc["a", "lost office"]) and t.loc["a", "how"] == "dismissal"


def test_tenure_years_stay_a_number_beside_an_empty_group(world):
    """Regression: H6b's table joined the defectors' years with an empty table of loyal clients, which made the
    column text, so the notebook's rounding to one decimal left '2.68' beside a sentence saying '2.7'."""
    def second_post(rows):
        set_field(rows, "spells", "spell_id", "a-min2", end_cause="transfer")
        drop(rows, "spells", "spell_id", "a-later")
        rows["spells"].append(spell("a-next", "a", "min2", 4, "1952-02-01", "1958-03-01", "dismissal"))
    view, c = world(second_post)
    assert tenure_after(view, c, [], 4, pd.Timedelta(days=365))["years"].dtype.kind == "f"
    detail = H.defectors_lose_office(view, c).detail
    assert detail["years"].dtype.kind == "f" and (detail["group"] == "defectors").any()


# --- H7: continuity below the top ---------------------------------------------------------------


def lower_client(end, cause, arrested=False):
    def edit(rows):
        rows["persons"].append({**rows["persons"][0], "person_id": "e", "name": "Person E", "surname": "E"})
        rows["spells"].append(spell("e-min", "e", "min", 3, "1946", end, cause))
        rows["ties"].append(tie("p-e", "p", "e", "patronage", "1946"))
        if arrested:
            rows["events"].append(event("e-arrest", "1950-07-01", "arrest"))
            rows["event_participants"].append(part("e-arrest", "e", "arrested"))
    return edit


def test_h7_continuity_holds_fails_and_no_data(crisis_x, world):
    view, c = crisis_x  # clients recorded, none below the top: no case
    assert H.network_below_top_continues(view, c).verdict == "no case"
    view, c = world(lower_client("", "ongoing"))
    assert H.network_below_top_continues(view, c).verdict == "holds"
    view, c = world(lower_client("", ""))  # an end not stated: not known to be kept
    assert H.network_below_top_continues(view, c).verdict == "no data"
    view, c = world(lower_client("1950-07-01", "arrest", arrested=True))
    r = H.network_below_top_continues(view, c)
    assert r.verdict == "fails" and r.members["person_id"].tolist() == ["e"]
    view, c = world(lower_client("1950-07-01", "unknown"))
    assert H.network_below_top_continues(view, c).verdict == "no data"
    # no client of known rank: 'no data', and the reason it could not differ names the clients of unknown rank
    view, c = crisis_x
    unknown = dataclasses.replace(c, roster=c.roster.assign(rank_before=pd.NA))
    r = H.network_below_top_continues(view, unknown)
    loyal = int((~c.roster["defected"].astype(bool) & ~c.roster["rival_client"].astype(bool)).sum())  # the defectors are not
    assert loyal < len(c.roster)  # counted among those who may be below the top
    assert r.verdict == "no data" and r.could_differ == f"no: no loyal client of recorded rank below 4 ({number(loyal, 'loyal client')} of unknown rank)"
    view, c = world(lower_client("", ""))
    assert "the unnamed lower levels of the network are not in them" in H.network_below_top_continues(view, c).reason


# --- H8: reinsurance, described -----------------------------------------------------------------


def test_h8_is_described_with_the_conditional_odds_ratio(crisis_x, toy):
    view, c = crisis_x
    r = H.reinsured_clients_defect(view, c)
    assert r.verdict == "descriptive" and r.could_differ.startswith("no: ")
    assert r.detail.to_numpy().tolist() == [[1, 0], [0, 2]] and "p = 0.333" in r.value
    y = toy.select(coding="y")
    assert H.reinsured_clients_defect(y, make_crisis(y, "p", FALL)).verdict == "no case"
    # clients recorded, one defected, but no exposure recorded at all: nothing to describe (no data), and it says which
    lone = c.roster.assign(exposed=False)
    alone = H.reinsured_clients_defect(view, dataclasses.replace(c, roster=lone))
    assert alone.verdict == "no data" and alone.reason == f"none of the {len(lone)} recorded clients is recorded exposed to a rival"
    nobody = H.reinsured_clients_defect(view, dataclasses.replace(c, roster=c.roster.iloc[0:0]))
    assert nobody.verdict == "no data" and nobody.reason == "no client of the patron is recorded the day before"


# --- the table and the article ------------------------------------------------------------------


def test_verdict_table_sorted_with_population_rule_and_could_differ(crisis_x):
    view, c = crisis_x
    table = verdicts.verdict_table(H.run_all(view, c))
    assert {"population", "rule", "could_differ", "reason"} <= set(table.columns)
    assert table["hypothesis"].is_monotonic_increasing and len(table) == 11


def test_comparison_with_the_article_only_for_its_case(crisis_x):
    view, c = crisis_x
    table = verdicts.verdict_table(H.run_all(view, c))
    other = article.compare_with_article(table, "p", FALL)
    assert set(other["article"]) == {"not discussed"} and set(other["agree"]) == {"–"}
    same = article.compare_with_article(table, *article.ARTICLE_CASE)
    judged = same[same["agree"] != "–"]
    assert len(judged) and set(judged["agree"]) <= {"yes", "no"}
    # a coding or a description is never compared; a disagreement carries the result's own reason
    assert (same.loc[same["computed"].isin(["coding", "descriptive"]), "agree"] == "–").all()
    for row in same[same["agree"] == "no"].to_dict("records"):
        assert row["why they differ"] == table.set_index("hypothesis").loc[row["hypothesis"], "reason"]


def test_a_defection_counts_only_at_its_own_crisis(crisis_x):
    view, _ = crisis_x
    earlier = make_crisis(view, "p", "1948-01-01")
    assert "a" in set(earlier.roster["client_id"]) and earlier.defectors == []


def test_renamed_office_is_no_new_reward_but_a_return_after_demotion_is(make_package):
    from patronage.analysis.offices import gained_posts

    rows = copy.deepcopy(ROWS)
    rows["spells"] += [spell("a-min3", "a", "min", 6, "1950-07-01", "1950-12-31", "reorganisation", post="Minister"),
                       spell("a-min2b", "a", "min2", 6, "1951-01-01", "1951-06-30", "transfer", post="Minister")]
    rows["spells"] = [s for s in rows["spells"] if s["spell_id"] != "a-min2"]
    view = patronage.load(make_package(rows)).select(coding="x")
    c = make_crisis(view, "p", FALL)
    gained = gained_posts(view, ["a"], c.date, c.date + pd.Timedelta(days=365), pd.Series({"a": 5}))
    assert gained["spell_id"].tolist() == ["a-min3"]  # a-min2b only renames a-min3


def test_only_the_population_steps_depend_on_the_population(crisis_x, world):
    """The grid re-runs only BY_POPULATION for another population: every other step must not move with it."""
    for view, c in [crisis_x, world(lower_client("", ""))]:
        runs = {p: {r.hypothesis: (r.value, r.verdict, r.population) for r in H.run_all(view, c, population=p)}
                for p in H.POPULATIONS}
        for h in runs["first deputies"]:
            same = len({runs[p][h] for p in H.POPULATIONS}) == 1
            assert same or h in H.BY_POPULATION, h
        assert runs["first deputies"]["H2 loyalty"] != runs["high office"]["H2 loyalty"]
        subset = H.run_all(view, c, population="all clients", steps=H.BY_POPULATION)
        assert [r.hypothesis for r in subset] == list(H.BY_POPULATION)
        assert [(r.value, r.verdict) for r in subset] == [runs["all clients"][h][:2] for h in H.BY_POPULATION]
    with pytest.raises(ValueError, match="unknown step"):
        H.run_all(*crisis_x, steps=("H9 nothing",))


def test_only_the_horizon_steps_depend_on_the_horizon(crisis_x, world, tables):
    """The grid re-runs only BY_HORIZON for another horizon: every other step must not move with it (the toy
    worlds, and the real case, where the horizon moves H6b)."""
    real = tables.select(evidence="seed+external", reading="curated", coding="blauvelt")
    def late_appeal(rows):  # B appeals three years after the fall: a one-year horizon does not reach it
        set_field(rows, "events", "event_id", "appeal", date="1953-07-01")
        set_field(rows, "events", "event_id", "b-arrest", date="1953-08-01")
        set_field(rows, "spells", "spell_id", "b-min", end="1953-08-01")  # free and in office when he appeals
    worlds = [crisis_x, world(lower_client("", "")), world(late_appeal)]
    cases = [(view, c.patron, c.date) for view, c in worlds] + [(real, "beria", "1953-06-26")]
    moved = set()
    for view, patron, day in cases:
        runs = {h: {r.hypothesis: (r.value, r.verdict) for r in H.run_all(view, make_crisis(view, patron, day, horizon_years=h))}
                for h in (1, 5, 10, 40)}
        for h in runs[10]:
            if len({runs[y][h] for y in runs}) > 1:
                assert h in H.BY_HORIZON, h
                moved.add(h)
        c = make_crisis(view, patron, day, horizon_years=5)
        subset = H.run_all(view, c, steps=H.BY_HORIZON)
        assert [(r.value, r.verdict) for r in subset] == [runs[5][h] for h in H.BY_HORIZON]
    assert moved == set(H.BY_HORIZON), f"the horizons moved only {sorted(moved)}: the check did not see every step"


def test_the_grid_re_runs_only_what_a_horizon_and_a_population_change_and_matches_every_step_run_everywhere(crisis_x, tables):
    """The grid runs every step at its first horizon and population, and elsewhere only the steps that the other horizon,
    the other population or both change (steps_changed_by): each result must be what a run of every step there gives."""
    from patronage.robustness.specifications import steps_by_horizon_and_population

    assert H.steps_changed_by(False, False) is None
    assert H.steps_changed_by(True, False) == H.BY_HORIZON and H.steps_changed_by(False, True) == H.BY_POPULATION
    assert H.steps_changed_by(True, True) == ("H6b defectors' fate",)
    real = tables.select(evidence="seed+external", reading="curated", coding="blauvelt")
    years, groups = [5, 10, 40], ["first deputies", "high office", "all clients"]
    for view, patron, day in [(crisis_x[0], crisis_x[1].patron, crisis_x[1].date), (real, "beria", pd.Timestamp("1953-06-26"))]:
        shortcut, _ = steps_by_horizon_and_population(view, patron, day, years, groups, {})
        for h in years:
            crisis = make_crisis(view, patron, day, horizon_years=h)
            for p in groups:
                every = [(r.hypothesis, r.value, r.verdict) for r in H.run_all(view, crisis, population=p)]
                assert [step[:3] for step in shortcut[h][p]] == every, (patron, h, p)


def test_h6b_an_end_dated_loosely_around_the_horizon_is_unknown_not_kept(world):
    """A post that ended 'in 1960' against a horizon of 15 June 1960: neither in office then nor out of it."""
    def loose(rows):
        set_field(rows, "spells", "spell_id", "a-min2", end="1960", end_cause="dismissal")
        drop(rows, "spells", "spell_id", "a-later")
    view, c = world(loose)
    r = H.defectors_lose_office(view, c)
    row = r.detail.set_index("person_id").loc["a"]
    assert row["how"].startswith("unknown at the horizon") and not row["lost office"]
    assert r.verdict == "no data"
    view, c = world(loose, horizon=11)  # with the horizon past the whole year the loss is observed
    assert H.defectors_lose_office(view, c).verdict == "holds"


def test_who_is_counted_says_whether_he_acted_or_only_his_tie_records_a_defection(world, crisis_x):
    """Regression: H1 named Agranov 'counted because: acted against the patron at his fall', though no event records
    an act of his at Yagoda's fall (only his tie is coded as a defection); and the vacancies named Ryumin, who acted
    against Abakumov and was no client of his, a 'defector'."""
    from patronage.analysis.offices import relation

    view, c = world(lambda rows: drop(rows, "event_participants", "role", "defecting"))
    members = H.defectors_were_genuine_clients(view, c).members.set_index("person_id")
    assert members.at["a", "counted because"] == "coded as defecting from the patron at his fall (no act of his recorded)"
    view, c = crisis_x
    assert H.defectors_were_genuine_clients(view, c).members.set_index("person_id").at["a", "counted because"] == \
        "acted against the patron at his fall"
    outsider = dataclasses.replace(c, turncoats=(*c.turncoats, "zz"))
    assert relation("zz", outsider, set()) == "acted against him (no client of his)" and relation("a", outsider, set()) == "defector"


def test_a_post_whose_end_is_not_stated_is_censored_at_its_start_not_kept_to_the_horizon(world):
    """Regression: a post with no recorded end and the cause 'unknown' (the schema: 'Empty: not stated') was held to
    the horizon: Vasilevsky, who left his deputy ministry in 1957, '10.0 years (in office at the horizon)'."""
    def unended(cause):
        return lambda rows: set_field(rows, "spells", "spell_id", "a-min2", end="", end_cause=cause)

    view, c = world(unended("unknown"))
    run = tenure_after(view, c, ["a"], 4, pd.Timedelta(days=365)).set_index("person_id").loc["a"]
    assert run["how"] == "censored: the end of his post is not recorded (Minister, from 1950-06-16)"
    assert run["years"] == 0.0 and not run["lost office"]
    view, c = world(unended("ongoing"))  # said to go on: held to the horizon
    assert tenure_after(view, c, ["a"], 4, pd.Timedelta(days=365)).set_index("person_id").at["a", "how"] == "in office at the horizon"


def test_a_loss_dated_so_loosely_it_may_fall_after_the_span_is_not_counted_in_it(world):
    """Regression: H7 counted Lin'ko's arrest, 'about 1952' (its middle ten days inside the year after Abakumov's fall),
    as a loss within the year, with no word that its dates reach a year beyond it."""
    from patronage.analysis.outcomes import fate_between

    span = (pd.Timestamp(FALL), pd.Timestamp(FALL) + pd.Timedelta(days=365))
    def arrested(date):  # B's arrest, recorded as an event and as the end of his post
        return lambda rows: (set_field(rows, "events", "event_id", "b-arrest", date=date),
                             set_field(rows, "spells", "spell_id", "b-min", end=date))

    view, _ = world(arrested("1950-08-01/1951-06-10"))
    assert fate_between(view, ["b"], *span).at["b", "fate"] == "lost"  # within the span, however dated in it
    view, _ = world(arrested("1950-08-01/1952-01-31"))
    fate = fate_between(view, ["b"], *span).loc["b"]
    assert fate["fate"] == "unknown" and fate["how"].endswith(", dated 1950-08-01/1952-01-31: it may fall after 1951-06-15")
    view, _ = world(arrested("/1951-01-10"))  # 'by 10 January 1951': it may have come before the fall (Chernov, 1952)
    fate = fate_between(view, ["b"], *span).loc["b"]
    assert fate["fate"] == "unknown" and fate["how"].endswith(", dated /1951-01-10: it may fall before 1950-06-15")


def unranked_client(fate_end):
    """E below the top (kept: his post ongoing) and G, a loyal client of P with no post recorded the day before: his rank
    is unknown, and his only post begins after the fall, ended ``fate_end`` (by arrest, or still held)."""
    def edit(rows):
        lower_client("", "ongoing")(rows)
        rows["persons"].append({**rows["persons"][0], "person_id": "g", "name": "Person G", "surname": "G"})
        rows["ties"].append(tie("p-g", "p", "g", "patronage", "1946"))
        rows["spells"].append(spell("g-later", "g", "min2", 2, "1950-07-01", fate_end, "arrest" if fate_end else "ongoing"))
    return edit


def test_h7_a_loyal_client_of_unknown_rank_may_be_below_the_top(world):
    """Yagoda 1936 'fails' and Zhukov 1957 'holds' rested on the clients of known rank alone, though a loyal client of
    unknown rank (Kogan, Fedyuninsky) may be below the top too. Counted or not, the verdict must be the same, or it is
    inconclusive."""
    view, c = world(unranked_client("1950-08-01"))  # G arrested within the year: counted, E kept and G lost: mixed
    r = H.network_below_top_continues(view, c)
    assert c.roster.set_index("client_id").loc["g", "rank_before"] is pd.NA
    assert r.verdict == "inconclusive" and "counted, the verdict would be mixed, not holds" in r.reason, r.reason
    view, c = world(unranked_client(""))  # G's post runs on: counted or not, holds
    r = H.network_below_top_continues(view, c)
    assert r.verdict == "holds" and "counted or not, the verdict is holds" in r.reason, r.reason
    assert r.value == "0/1 lost their post"  # the tally is of the clients of known rank


def test_h2_with_no_one_in_the_population_but_a_client_of_unknown_rank_is_no_data(world):
    """Abakumov 1951: no first deputy recorded, two clients of unknown rank, and H2 said 'no case' (an absence the
    records show). A client of unknown rank may be a first deputy: no data."""
    view, c = world(lambda rows: rows.update(spells=[s for s in rows["spells"] if s["spell_id"] != "a-min"]))
    r = H.clients_stay_loyal(view, c)
    assert r.members.empty and c.roster["rank_before"].isna().any()
    assert r.verdict == "no data" and r.reason.endswith("of unknown rank that day may be in it"), (r.verdict, r.reason)


def test_a_tie_the_defection_ended_just_before_the_fall_keeps_the_defector_on_the_roster(world, tables):
    """Regression: the roster took only ties running the day before, so a client whose defection ended his tie a few
    days before the fall (Shepilov's turn on Khrushchev, 18 to 21 June 1957, at a crisis of 21 June) was dropped,
    though a defection within the window belongs to the crisis: the draws counted him in half of their dates."""
    def ended(end, date):
        def edit(rows):
            rows["persons"].append({**rows["persons"][0], "person_id": "e", "name": "Person E", "surname": "E"})
            rows["spells"].append(spell("e-min", "e", "min", 4, "1946", "1956", "retirement", post="Deputy E"))
            rows["ties"].append(tie("p-e", "p", "e", "patronage", "1946", end, True, date))
        return edit
    view, c = world(ended("1950-06-10", "1950-06-10"))
    assert "e" in c.defectors
    view, c = world(ended("1950-04-01", "1950-04-01"))  # ended two months before: no defection at this crisis
    assert "e" not in set(c.roster["client_id"])
    view = tables.select(evidence="seed+external", reading="curated")
    assert "shepilov" in make_crisis(view, "khrushchev", "1957-06-21").defectors


def test_h6a_leaves_out_a_turn_made_from_prison(world, tables):
    """Regression: H6a counted Pitovranov's and Broverman's testimony against Abakumov, given under arrest, as later
    turns, and Pitovranov's release as an acceptance: a man who had already lost his freedom cannot be refused. A client
    arrested between the fall and his turn is left out; Grishaev, free when he joined Ryumin, stays (Abakumov: fails)."""
    def arrested_then_turns(rows):
        rows["persons"].append({**rows["persons"][0], "person_id": "e", "name": "Person E", "surname": "E"})
        rows["spells"].append(spell("e-min", "e", "min", 4, "1946", "1950-07-01", "arrest", post="Deputy E"))
        rows["events"].append(event("e-arrest", "1950-07-01", "arrest"))
        rows["event_participants"].append(part("e-arrest", "e", "arrested"))
        rows["ties"].append(tie("p-e", "p", "e", "patronage", "1946", "1950-09-01", True, "1950-09-01"))
    view, c = world(arrested_then_turns)
    assert "e" not in set(H.later_defectors_refused(view, c).members["person_id"])
    view = tables.select(evidence="seed+external", reading="curated")
    r = H.later_defectors_refused(view, make_crisis(view, "abakumov", "1951-07-12"))
    assert list(r.members["person_id"]) == ["grishaev"] and r.verdict == "fails"


def test_h6a_sets_beside_the_turns_what_became_of_the_other_loyal_clients(crisis_x, world):
    """A refusal the loyal shared is no sign that a turn was punished: H6a's reason counts the fates of the other
    clients loyal at the fall who could still have turned at the first turn (not lost since the fall), over the same
    window from that turn, as fate_between reads them. Regression: it counted men arrested before the turn (Beria's
    lieutenants of 27-30 June 1953, beside Merkulov's appeal of 11 July), who could never have turned. In the toy
    world C, loyal, is arrested on 16 June 1950, before B's appeal of 1 July."""
    view, c = crisis_x
    assert H.later_defectors_refused(view, c).reason.endswith(
        "; every other client loyal at the fall was arrested, dismissed or purged before 1950-07-01, the first turn")

    def c_arrested_later(rows):  # C's arrest and execution in September: free at B's turn, lost within the year after it
        for e in rows["events"]:
            if e["event_id"] in ("c-arrest", "c-shot"):
                e["date"] = "1950-09-01"
        set_field(rows, "spells", "spell_id", "c-min", end="1950-09-01")
    view, c = world(c_arrested_later)
    assert H.later_defectors_refused(view, c).reason.endswith(
        "beside him, of the other 1 client loyal at the fall and not recorded as arrested, dismissed or purged before "
        "1950-07-01, the first turn, 1 lost office or freedom within 365 days of it, 0 kept office, 0 not recorded")

    def only_the_turn(rows):  # the other loyal clients' ties gone: there is no one beside the turn
        drop(rows, "ties", "tie_id", "p-c")
    view, c = world(only_the_turn)
    assert H.later_defectors_refused(view, c).reason.endswith("; no other client was loyal at the fall")


def test_a_reward_whose_start_may_fall_either_side_of_the_window_decides_nothing(tables):
    """Regression: H3 to H5 read a reward's start at the middle of its bounds, so Serov's headship of the MGB, dated
    '1953-06-26/1954' by the article and by 13 March 1954 at the latest by the reference works (the move into it from
    the MVD they close that day), was read as 29 March 1954: 'not promoted' within 270 days, though it certainly
    began in time, and 'not promoted' within 180 days, where the records cannot say. A post certainly begun in time
    decides (270 days: promoted); one that may begin after the window's end decides nothing (180 days: undecided,
    inconclusive; on the seeds alone, which give only '1954', not even within the year the steps use); an exactly
    dated one decides as before (curated: 13 March 1954, not within 180 days)."""
    from patronage.analysis.defectors import rewards_of

    view = tables.select(evidence="seed+external", reading="article", coding="blauvelt")
    crisis = make_crisis(view, "beria", "1953-06-26")
    late = rewards_of(view, crisis, 270)
    assert bool(late.at["serov", "promoted"]) and late.at["serov", "rank after"] == 6 and late.at["serov", "undecided"] == ""
    early = rewards_of(view, crisis, 180)
    assert pd.isna(early.at["serov", "promoted"])
    assert early.at["serov", "undecided"] == "head of the MGB, dated 1953-06-26/1954-03-13, may begin after 1953-12-23"
    h3, h5 = (H.run_all(view, crisis, window_days=180, steps=(s,))[0] for s in ("H3 no reward", "H5 no public reward"))
    assert (h3.verdict, h5.verdict) == ("inconclusive", "inconclusive") and "(undecided: head of the MGB" in h3.reason
    assert [r.verdict for r in H.run_all(view, crisis, window_days=270, steps=("H3 no reward", "H5 no public reward"))] == ["fails", "fails"]
    seed = tables.select(evidence="seed", reading="article", coding="blauvelt")
    year = rewards_of(seed, make_crisis(seed, "beria", "1953-06-26"), 365)
    assert pd.isna(year.at["serov", "promoted"]) and bool(year.at["kruglov", "promoted"])
    assert year.at["serov", "undecided"] == "head of the MGB, dated 1953-06-26/1954, may begin after 1954-06-26"
    exact = tables.select(evidence="seed+external", reading="curated", coding="blauvelt")
    ranks = rewards_of(exact, make_crisis(exact, "beria", "1953-06-26"), 180)
    assert ranks.at["serov", "promoted"] is not pd.NA and not ranks.at["serov", "promoted"]
    assert ranks.at["serov", "undecided"] == ""

def test_a_later_turn_kept_to_the_windows_end_and_lost_after_it_says_so(tables):
    """Regression: with a window of 30 days, step 6a said Merkulov 'then kept' his post (he held it 30 days after his
    appeal of 11 July 1953) and stopped there, though the same tables have him arrested in September or October: the
    reason now gives the later loss, outside the window the rule counts; with the year's window the loss is the
    outcome itself, and nothing is added."""
    view = tables.select(evidence="seed", reading="article", coding="blauvelt")
    crisis = make_crisis(view, "beria", "1953-06-26")
    short, year = (H.run_all(view, crisis, window_days=w, steps=("H6a later defectors refused",))[0] for w in (30, 365))
    assert short.verdict == "fails" and year.verdict == "holds"
    assert "then kept (held official of the Ministry of State Control" in short.reason
    assert "1953-08-10; arrested 1953-09/1953-10, after the window of 30 days)" in short.reason
    assert "after the window" not in year.reason and "then lost (arrested, 1953-09/1953-10)" in year.reason


def test_a_next_holder_whose_post_may_have_begun_before_the_fall_is_named_with_its_date(tables):
    """Regression: Vlodzimirsky's post, dated '1953-03-05/1953-12-18', is read at its middle, after Beria's fall, so the
    emptied posts of Goglidze and Sudoplatov named him their next holder, a succession the records do not show: he
    may have served beside them. He is named with his post's date; Kruglov, who took Beria's ministry on the day
    of the fall, is named plainly."""
    view = tables.select(evidence="seed+external", reading="article", coding="blauvelt")
    emptied = vacancies(view, make_crisis(view, "beria", "1953-06-26")).set_index("holder")
    assert emptied.loc["Sergei Goglidze", "next of the same rank"] == (
        "Lev Vlodzimirsky (his post dated 1953-03-05/1953-12-18: perhaps begun before the fall)")
    ministry = emptied[emptied["post"] == "Minister of Internal Affairs (united MVD)"]
    assert ministry["next of the same rank"].tolist() == ["Sergei Kruglov"]


def test_a_reward_of_uncertain_start_below_the_public_rank_is_no_public_reward(tables):
    """Regression: at public_rank 7, step 5 left Serov's reward undecided because its start is ('1953-06-26/1954'),
    though the post, head of the MGB, is rank 6: whenever it began, it was no reward at rank 7, and with Kruglov's rank
    6 the step holds (0 of 2). At public_rank 6 the same start still decides nothing."""
    view = tables.select(evidence="seed", reading="article", coding="blauvelt")
    crisis = make_crisis(view, "beria", "1953-06-26")
    at = {rank: H.run_all(view, crisis, public_rank=rank, steps=("H5 no public reward",))[0] for rank in (6, 7)}
    assert (at[7].value, at[7].verdict) == ("0/2 publicly rewarded", "holds")
    assert (at[6].value, at[6].verdict) == ("1/2 publicly rewarded (1 undecided by the records)", "inconclusive")
    # the rank that decides is the undecided post's own, not the rank read at the middle of its dates: within 30 days
    # that middle lies after the window, yet the post may have begun in it
    month = H.run_all(view, crisis, public_rank=6, window_days=30, steps=("H5 no public reward",))[0]
    assert (month.value, month.verdict) == ("1/2 publicly rewarded (1 undecided by the records)", "inconclusive")


def test_a_patrons_post_that_may_reach_the_day_before_leaves_service_under_him_open(tables):
    """Regression: under the article's reading Yezhov's NKVD post ends '1938-11', read at its middle, so on the 24th,
    the day before his removal from it, step 1 had him out of it and Zhuravlev 'did not serve under him' ('neither'),
    and the step was inconclusive. The post may have run to that day, so whether Zhuravlev served under him is open, and
    with Malenkov's career silent too the step has no data; under the reading that dates the post's end, he served."""
    article = tables.select(evidence="seed+external", reading="article", coding="blauvelt")
    h1 = H.run_all(article, make_crisis(article, "yezhov", "1938-11-25"), steps=("H1 genuine clients",))[0]
    assert (h1.value, h1.verdict) == ("0/2 genuine (2 whose career does not say)", "no data")
    assert "Viktor Zhuravlev: 0 promotions, 0 under the patron, 0 under a rival, whether he served under him the day before is open" in h1.reason
    standard = tables.select(evidence="seed+external", reading="standard", coding="blauvelt")
    h1 = H.run_all(standard, make_crisis(standard, "yezhov", "1938-11-25"), steps=("H1 genuine clients",))[0]
    assert "Viktor Zhuravlev: 0 promotions, 0 under the patron, 0 under a rival, served under him the day before" in h1.reason


def test_a_reward_whose_previous_holder_depends_on_its_start_decides_nothing(tables):
    """Regression: step 3b found a reward's previous holder from its start read at the middle of its bounds, and named a
    man who is both a rival and a rival's client a 'rival'. With the reference works and the article's reading, Serov's
    headship of the MGB began between 26 June 1953 and 13 March 1954: on the first day it would have followed Ignatiev,
    Malenkov's client, on the last no holder; it now decides nothing, and the step is inconclusive where it failed.
    Under the curated reading the post is the KGB's, begun on 13 March 1954 with no holder just before, and the step
    fails: Ignatiev, Malenkov's client, had headed the MGB within the year before the fall."""
    article = tables.select(evidence="seed+external", reading="article", coding="blauvelt")
    h3b = H.run_all(article, make_crisis(article, "beria", "1953-06-26"), steps=("H3b scarcity: whose posts",))[0]
    assert h3b.verdict == "inconclusive" and h3b.value.endswith("(1 undecided by the records)")
    assert "undecided: dated 1953-06-26/1954-03-13, the previous holder depends on the day it began" in h3b.reason
    curated = tables.select(evidence="seed+external", reading="curated", coding="blauvelt")
    h3b = H.run_all(curated, make_crisis(curated, "beria", "1953-06-26"), steps=("H3b scarcity: whose posts",))[0]
    assert h3b.verdict == "fails" and "undecided" not in h3b.value and h3b.could_differ == "yes"
