"""Every hypothesis on a hand-built world whose right answers are known (tests/toyworld.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import patronage
from patronage import hypotheses as H
from patronage.crisis import make_crisis
from patronage.outcomes import vacancies


@pytest.fixture
def crisis_x(toy):
    view = toy.select(coding="x")
    return view, make_crisis(view, "p", "1950-06-15", horizon_years=10)


def test_crisis_roster_rivals_and_turncoats(crisis_x):
    view, c = crisis_x
    assert list(c.roster["client_id"]) == ["a", "b", "c"]
    assert list(c.roster["rank_before"]) == [5, 4, 4]
    assert c.rivals == ("r",)
    assert c.turncoats == ("a",)
    assert c.defectors == ["a"]
    assert list(c.roster["exposed"]) == [True, False, False]


def test_h1_genuine_client_under_one_coding_not_the_other(toy, crisis_x):
    view, c = crisis_x
    assert H.defectors_were_genuine_clients(view, c).verdict == "holds"
    y = toy.select(coding="y")
    r = H.defectors_were_genuine_clients(y, make_crisis(y, "p", "1950-06-15"))
    assert (r.value, r.verdict) == ("0/1", "fails")
    assert bool(r.detail.loc[0, "rival's client"]) is True


def test_h2_share_with_exact_interval(crisis_x):
    view, c = crisis_x
    r = H.clients_stay_loyal(view, c, rare_share=0.1)
    assert r.value.startswith("1/3 = 0.333 [0.008, 0.906]")  # Clopper-Pearson, scipy
    assert r.verdict == "inconclusive"
    assert H.clients_stay_loyal(view, c, rare_share=0.005).verdict == "fails"


def test_h3_reward_and_where_it_came_from(crisis_x):
    view, c = crisis_x
    r = H.defectors_not_rewarded(view, c)
    assert (r.value, r.verdict) == ("1/1", "fails")
    assert r.detail.loc["a"].tolist() == [5, 6]
    b = H.rewards_cost_rivals_clients(view, c)
    assert (b.value, b.verdict) == ("0/1", "fails")
    assert b.detail["predecessor_id"].tolist() == ["p"]
    assert b.detail["predecessor"].tolist() == ["the fallen patron"]


def test_vacancies_follow_the_office_across_renaming(crisis_x):
    view, c = crisis_x
    v = vacancies(view, c).set_index("holder")
    assert v.loc["p", "successor"] == "a" and v.loc["p", "successor stood"] == "defector"
    assert v.loc["b", "successor stood"] == "not recorded"  # D continues his own post: not a successor


def test_h4_motive_comes_from_the_coding(toy, crisis_x):
    view, c = crisis_x
    assert (H.not_for_reward(view, c).value, H.not_for_reward(view, c).verdict) == ("1/1", "fails")
    y = toy.select(coding="y")
    assert H.not_for_reward(y, make_crisis(y, "p", "1950-06-15")).verdict == "no data"


def test_h5a_later_appeal_refused(crisis_x):
    view, c = crisis_x
    r = H.later_defectors_refused(view, c)
    assert (r.value, r.verdict) == ("1/1", "holds")
    assert r.detail.loc[0, "then"] == "arrested"


def test_h5b_tenure_kaplan_meier(crisis_x):
    view, c = crisis_x
    r = H.defectors_do_not_outlast(view, c, min_rank=4)
    t = r.detail.set_index("person_id")
    assert t.loc["a", "years"] == pytest.approx(564 / 365.25, abs=1e-3) and bool(t.loc["a", "lost office"])
    assert t.loc["d", "years"] == pytest.approx(10.0, abs=0.01) and not bool(t.loc["d", "lost office"])
    assert r.verdict == "holds"


def test_h6_fisher_on_a_perfect_but_tiny_split(crisis_x):
    view, c = crisis_x
    r = H.reinsured_clients_defect(view, c)
    assert "p = 0.333" in r.value and r.verdict == "inconclusive"
    assert r.detail.to_numpy().tolist() == [[1, 0], [0, 2]]


def test_no_data_is_said_not_guessed(toy):
    view = toy.select(coding="x")
    c = make_crisis(view, "d", "1955-01-01")  # D has no clients
    results = H.run_all(view, c)
    assert {r.hypothesis: r.verdict for r in results}["H2 loyalty"] == "no data"
    assert all(r.note for r in results if r.verdict == "no data")


def test_verdict_table_sorted_and_complete(crisis_x):
    view, c = crisis_x
    table = H.verdict_table(H.run_all(view, c))
    assert list(table.columns) == ["hypothesis", "claim", "statistic", "value", "verdict"]
    assert table["hypothesis"].is_monotonic_increasing and len(table) == 8


def test_comparison_with_the_article_only_for_its_case(crisis_x):
    view, c = crisis_x
    table = H.verdict_table(H.run_all(view, c))
    other = H.compare_with_article(table, "p", "1950-06-15")
    assert set(other["article"]) == {"not discussed"}
    same = H.compare_with_article(table, *H.ARTICLE_CASE)
    assert set(same["agree"]) <= {"yes", "no"}


def test_renamed_office_is_no_new_reward_but_a_return_after_demotion_is(make_package):
    import copy

    from patronage.outcomes import gained_posts

    from toyworld import ROWS, spell

    rows = copy.deepcopy(ROWS)
    rows["spells"] += [spell("a-min3", "a", "min", 6, "1950-07-01", "1950-12-31", "reorganisation", post="Minister"),
                       spell("a-min2b", "a", "min2", 6, "1951-01-01", "1951-06-30", "transfer", post="Minister")]
    rows["spells"] = [s for s in rows["spells"] if s["spell_id"] != "a-min2"]
    view = patronage.load(make_package(rows)).select(coding="x")
    c = make_crisis(view, "p", "1950-06-15")
    ranks = pd.Series({"a": 5})
    gained = gained_posts(view, ["a"], c.date, c.date + pd.Timedelta(days=365), ranks)
    assert gained["spell_id"].tolist() == ["a-min3"]  # a-min2b only renames a-min3


def test_a_defection_counts_only_at_its_own_crisis(crisis_x):
    view, _ = crisis_x
    earlier = make_crisis(view, "p", "1948-01-01")
    assert "a" in set(earlier.roster["client_id"]) and earlier.defectors == []
