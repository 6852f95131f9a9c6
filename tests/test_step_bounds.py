"""The steps read what the dates allow, and their rules say what they count.

- Step 5: a defector certainly promoted in time, with a post higher still whose start may fall on either side of the
  window's end, rose (steps 3 and 4), but how high is open: the public reward is undecided, unless the post certainly
  begun in time already reached the public rank.
- Step 6b: an office first entered after the horizon is no office held at the horizon.
- Steps 6a and 7 count a post ended by any cause of LOSS_CAUSES as a loss, and their rules name those causes.
- Step 3b is untestable where no rival's client held an office of a reward's lineage and rank around the fall before
  the reward began: one who took up such an office only after it could not have been displaced by it.
"""

from __future__ import annotations

import copy

import pytest

import patronage
from patronage.analysis import hypotheses as H
from patronage.analysis.crisis import make_crisis
from patronage.analysis.outcomes import LOSS_CAUSES

from toyworld import FALL, ROWS, S, spell, tie


@pytest.fixture
def world(make_package):
    """world(edit, horizon) -> (view, crisis): the toy world with ``edit(rows)`` applied, loaded, coding x."""
    counter = iter(range(100))

    def build(edit, horizon=10):
        rows = copy.deepcopy(ROWS)
        edit(rows)
        view = patronage.load(make_package(rows, f"w{next(counter)}")).select(coding="x")
        return view, make_crisis(view, "p", FALL, horizon_years=horizon)

    return build


def replace_spells(rows, drop: tuple, *added):
    rows["spells"] = [s for s in rows["spells"] if s["spell_id"] not in drop] + list(added)


def rose_then_perhaps_higher(top_start: str, first_rank: int = 5):
    """A, rank 4 the day before the fall (15 June 1950), certainly at ``first_rank`` from 1 July 1950, and at rank 6
    from ``top_start``."""
    return lambda rows: replace_spells(rows, ("a-min", "a-min2", "a-later"),
                                       spell("a-min", "a", "min", 4, "1946", "1950-06-14", "promotion"),
                                       spell("a-min2", "a", "min2", first_rank, "1950-07-01", "1951", "promotion"),
                                       spell("a-top", "a", "min2", 6, top_start, "1953", "dismissal"))


def test_a_post_higher_still_of_undecided_start_leaves_the_public_reward_open(world):
    view, c = world(rose_then_perhaps_higher("1951"))  # 1951: before or after the window's end, 15 June 1951
    h3, h5 = H.defectors_not_rewarded(view, c), H.rewards_not_public(view, c)
    assert h3.verdict == "fails" and h3.value == "1/1 promoted"  # he rose: that is decided
    assert h5.verdict == "no data" and "(1 undecided by the records)" in h5.value
    assert "rank 4 -> 5 (perhaps higher: post 6, dated 1951, may begin after 1951-06-15)" in h5.reason

    view, c = world(rose_then_perhaps_higher("1951-03"))  # certainly within the window: decided, and public
    assert H.rewards_not_public(view, c).verdict == "fails"
    view, c = world(rose_then_perhaps_higher("1951-09"))  # certainly after it: not public within the window
    assert H.rewards_not_public(view, c).verdict == "holds"


def test_a_post_higher_still_is_open_wherever_its_midpoint_falls(world):
    """Its start '1950-12/1951-08' is read at its middle, inside the window: the point estimates made him rank 6, and
    step 5 failed on a date no source gives. The post named is the highest of those left open."""
    def edit(rows):
        rose_then_perhaps_higher("1950-12/1951-08")(rows)
        rows["spells"].append(spell("a-top2", "a", "min", 6, "1951-01/1951-12", "1953", "dismissal"))
    view, c = world(edit)
    h5 = H.rewards_not_public(view, c)
    assert h5.verdict == "no data" and "rank 4 -> 5 (perhaps higher: post 6, dated 1950-12/1951-08" in h5.reason
    view, c = world(rose_then_perhaps_higher("1950-12/1951-03"))  # begun in time whatever the day: decided
    assert H.rewards_not_public(view, c).verdict == "fails"

    def higher_two(rows):  # two posts left open, at ranks 6 and 7: the one that decides step 5 at rank 7 is named
        rose_then_perhaps_higher("1951")(rows)
        rows["spells"].append(spell("a-top7", "a", "min", 7, "1951-01/1951-12", "1953", "dismissal"))
    view, c = world(higher_two)
    h5 = H.rewards_not_public(view, c, public_rank=7)
    assert h5.verdict == "no data" and "perhaps higher: post 7, dated 1951-01/1951-12" in h5.reason


def test_a_public_rank_reached_in_time_is_public_whatever_a_higher_post_of_open_start(world):
    edit = rose_then_perhaps_higher("1951", first_rank=6)
    view, c = world(lambda rows: (edit(rows), rows["spells"][-1].update(seniority="7")))
    h5 = H.rewards_not_public(view, c)
    assert h5.verdict == "fails" and h5.value.startswith("1/1") and "perhaps higher" in h5.reason


def first_high_office_in(start: str, end: str):
    return lambda rows: replace_spells(rows, ("a-min", "a-min2"), spell("a-min", "a", "min", 3, "1946", "1950-06-14", "promotion"),
                                       spell("a-min2", "a", "min2", 6, start, end, "dismissal"))


def test_an_office_first_entered_after_the_horizon_is_not_held_at_it(world):
    view, c = world(first_high_office_in("1951-09-01", "1952-01-01"), horizon=1)  # the horizon: 15 June 1951
    r = H.defectors_lose_office(view, c, window_days=730)
    assert r.verdict == "no case" and "no high office (rank >= 4) in the 365 days after the fall" in r.reason
    view, c = world(first_high_office_in("1951-03-01", "1952-01-01"), horizon=1)  # entered before it: held at it
    r = H.defectors_lose_office(view, c, window_days=730)
    assert r.verdict == "fails" and r.value.startswith("1/1 in high office")


def b_leaves_his_post(cause: str):
    """B, below the top (rank 3), leaves his post on 1 September 1950 for ``cause`` and holds another from the next day."""
    def edit(rows):
        replace_spells(rows, ("b-min",), spell("b-min", "b", "min", 3, "1946", "1950-09-01", cause),
                       spell("b-next", "b", "min", 2, "1950-09-02", "1960", "retirement"))
        rows["event_participants"] = [p for p in rows["event_participants"] if p["person_id"] != "b"]
    return edit


def test_a_post_ended_by_retirement_is_a_loss_and_the_rules_say_so(world):
    view, c = world(b_leaves_his_post("retirement"))
    h7 = H.network_below_top_continues(view, c)
    assert h7.verdict == "fails" and "Person B: lost (post 3: retirement, 1950-09-01)" in h7.reason
    for rule in (h7.rule, H.later_defectors_refused(view, c).rule):
        assert all(cause in rule for cause in LOSS_CAUSES), rule
    view, c = world(b_leaves_his_post("transfer"))  # a move is no loss: he kept a post
    h7 = H.network_below_top_continues(view, c)
    assert h7.verdict == "holds" and "Person B: kept" in h7.reason


def rivals_client_in_min2(start: str, end: str):
    def edit(rows):
        rows["persons"].append({"person_id": "e", "name": "Person E", "surname": "E", **S})
        rows["spells"].append(spell("e-min2", "e", "min2", 6, start, end, "retirement"))
        rows["ties"].append(tie("r-e", "r", "e", "patronage", "1949"))
    return edit


def test_h3b_is_untestable_where_no_rivals_client_held_such_an_office_before_the_reward(world):
    view, c = world(rivals_client_in_min2("1951-05-01", "1953"))  # took it up ten months after A's reward
    r = H.rewards_cost_rivals_clients(view, c)
    assert r.verdict == "untestable" and r.could_differ.startswith("no: no rival's client is recorded in an office")
    assert "begun before a reward" in r.could_differ
    view, c = world(rivals_client_in_min2("1949-05-01", "1950-05-01"))  # held one before A's reward began
    r = H.rewards_cost_rivals_clients(view, c)
    assert r.could_differ == "yes" and r.verdict == "fails" and "Person E" in r.note
