"""The precedent a reward sets: was it public (step 5, the short run); were later would-be defectors refused (step 6a,
the long run). What became of the defectors over the horizon (step 6b) is :mod:`patronage.analysis.defectors_fate`."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.article import BLAUVELT, FAIRBANKS
from patronage.analysis.careers import floored_of, point_of, posts_as_of
from patronage.analysis.crisis import AGAINST_ROLES, DAY, FALL_ROLES, Crisis, crisis_events
from patronage.analysis.defectors import defectors_of, no_defectors, rank_change, rewards_of
from patronage.analysis.outcomes import LOSS_CAUSES_TEXT, fate_between
from patronage.analysis.populations import evidence
from patronage.analysis.verdicts import (
    Result,
    count_outcomes,
    names_of,
    nothing_to_count,
    number,
    population_text,
    split_could_differ,
    split_outcome,
    split_rule,
    tally,
)

LOSSES = f"no arrest, execution, dismissal or purge, and no post ended by {LOSS_CAUSES_TEXT}"  # as fate_between reads a loss
# the lowest post of each rank of the scale (data/datapackage.json, spells.seniority), for the rule of step 5
LOWEST_OF_RANK = {7: "the top leader", 6: "head of a union ministry", 5: "first deputy head of a union ministry",
                  4: "deputy head of a union ministry", 3: "head of a department of a central apparatus",
                  2: "deputy head of a department", 1: "a junior post"}


def rewards_not_public(tables, crisis: Crisis, window_days: int = 365, public_rank: int = 6) -> Result:
    """The precedent, short run: a patron is not seen to reward a defector.

    Fairbanks, as Blauvelt puts it: "a patron would be reluctant to be seen to reward a defector
    from another network" (Blauvelt, 2008, "Patronage and betrayal"). A reward counts as public if
    it raised the defector, within ``window_days``, to rank ``public_rank`` or above (6: the head
    of a union ministry or a member of the Presidium), a post no one in the elite could miss.
    """
    claim = f'"a patron would be reluctant to be seen to reward a defector from another network" ({BLAUVELT}, "Patronage and betrayal")'
    seen = ("any post" if public_rank < 1 else LOWEST_OF_RANK[public_rank] if public_rank >= 7
            else f"{LOWEST_OF_RANK[public_rank]} or higher")
    rule = split_rule("defector", f"he rose within {number(window_days, 'day')} to rank >= {public_rank} ({seen}: a reward in public view)")
    statistic = f"defectors raised to rank >= {public_rank} within {number(window_days, 'day')}"
    if not crisis.defectors:
        return no_defectors(tables, crisis, "H5 no public reward", "precedent: short run", claim, rule, statistic)
    ids, text, members = defectors_of(tables, crisis)
    ranks = rewards_of(tables, crisis, window_days)
    # an undecided start (rewards_of) leaves publicity unknown, unless its rank is below the public one (Serov's MGB at
    # 7) or a post certainly begun in time already gave a public rank
    public = (ranks["promoted"] & (ranks["rank after"] >= public_rank)).astype("boolean")
    tips = ranks["undecided"].ne("") & ranks["undecided rank"].ge(public_rank).fillna(False) & ~public.fillna(False)
    public = public.mask(tips, pd.NA)
    outcomes = {p: None if pd.isna(public[p]) else bool(public[p]) for p in ids}
    reason = "; ".join(f"{names_of(tables, [p])}: {rank_change(ranks, p)}" for p in ranks.index)
    return Result("H5 no public reward", "precedent: short run", claim, text, rule, statistic,
                  tally(outcomes, "publicly rewarded", "not"), split_outcome(*count_outcomes(outcomes)),
                  split_could_differ(len(ids), "defector"), reason, "", ranks.assign(public=public), members)


def later_defectors_refused(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """The precedent, long run: later would-be defectors are refused.

    Fairbanks, in Blauvelt's paraphrase: a patron fears "the dangerous precedent that this would set for his own network"
    (Blauvelt, 2008, "Patronage and betrayal", on Fairbanks 1983: 365-6). A later would-be defector is a client of the
    fallen patron, loyal at the fall, who turned before the horizon and the patron's next fall (a turn at
    that fall is a defection at that crisis: :func:`_next_fall`): he is recorded appealing to a rival (an event), or his
    tie records a defection dated then (Grishaev, Abakumov's client, in September 1951). He was refused if he then lost
    his office or freedom within ``window_days`` of his turn (run_all gives steps 3 to 5 the same span for a reward), accepted
    if he is recorded in office at its end (or at his death) with no loss; otherwise his fate is not recorded, and an
    unrecorded fate is never read as acceptance. A loss years later, at the fall of the man he turned to, is no refusal.
    """
    claim = f'rewarding a defector sets "the dangerous precedent that this would set for his own network" (Blauvelt\'s paraphrase of {FAIRBANKS})'
    rule = _h6a_rule(window_days)
    statistic = "later turns that were refused"
    turns, before = later_turns(tables, crisis)
    text = population_text(tables, "clients of the patron, loyal at the fall, who turned after it" + before
                           + " (an appeal to a rival, or a defection their tie records), with no loss since the fall (" + LOSSES + ")",
                           turns["person_id"])
    members = evidence(tables, crisis, list(turns["person_id"]), "loyal client at the fall who turned after it").assign(
        act=turns["act"].to_numpy(), row=turns["row"].to_numpy(), **{"row quote": turns["quote"].to_numpy()})
    if turns.empty:  # the clients are recorded and none is of the kind the step counts: no case, as where none turned
        why = _no_turn(crisis, before)
        return Result("H6a later defectors refused", "precedent: long run", claim, text, rule, statistic, "–",
                      nothing_to_count(len(crisis.roster)), f"no: {why}", why, members=members)
    detail = _turn_fates(tables, crisis, turns, window_days)
    outcomes = {r.person_id: {"lost": False, "kept": True}.get(r.then) for r in detail.itertuples()}
    reason = "; ".join(f"{names_of(tables, [r.person_id])} {r.act} on {r.on}, then {r.then} ({r.how}, {r.when})"
                       for r in detail.itertuples()) + _beside(tables, crisis, turns, window_days)
    k, m, u = count_outcomes(outcomes)
    return Result("H6a later defectors refused", "precedent: long run", claim, text, rule, statistic,
                  f"{m}/{k + m + u} refused" + (f" ({u} fate not recorded)" if u else ""), split_outcome(k, m, u),
                  split_could_differ(len(detail), "later turn"), reason, "", detail, members)


def _h6a_rule(window_days: int) -> str:
    """Step 6a's rule in words."""
    return split_rule("later turn", "the client, loyal at the fall, who then turned (an appeal to a rival, or a defection his "
                      f"tie records, to whomever it was) is recorded in office {number(window_days, 'day')} after it (or at his "
                      f"death, or at the horizon if sooner) with {LOSSES} in between")


def _no_turn(crisis: Crisis, before: str) -> str:
    """Why step 6a has nothing to count: no loyal client turned after the fall (``before``: the limit of the span)."""
    loyal, n = len(crisis.roster) - len(crisis.defectors), len(crisis.roster)
    return (f"no client of the patron loyal at the fall is recorded turning after it{before}, by an appeal to a rival or a "
            f"defection, with no loss since the fall ({LOSSES})") + (
        f" ({number(loyal, 'loyal client')} recorded)" if loyal else " (his one recorded client defected at the fall)" if n == 1
        else f" (all {n} of his recorded clients defected at the fall)" if n else "")


TURN_COLUMNS = ["person_id", "act", "row", "day", "dated", "quote"]


def _beside(tables, crisis: Crisis, turns: pd.DataFrame, window_days: int) -> str:
    """What became of the other clients loyal at the fall who could still have turned when the first turn came (not
    counted as turning, and not already arrested, dismissed or purged since the fall, as :func:`later_turns` leaves
    out a man who turned from prison), within ``window_days`` of that turn: a refusal they shared is no sign that a
    turn was punished. Beria's lieutenants arrested in the days after his fall, before Merkulov's appeal of 11 July
    1953, could not have turned, and are not counted. A clause for the step's reason."""
    first = turns["day"].min()
    others = [c for c in crisis.roster["client_id"] if c not in crisis.defectors and c not in set(turns["person_id"])]
    if not others:
        return "; no other client was loyal at the fall"
    free = fate_between(tables, others, crisis.date, first - DAY)["fate"] != "lost"
    others = [c for c in others if free[c]]
    on = turns.loc[turns["day"] == first, "dated"].iloc[0]
    if not others:
        return f"; every other client loyal at the fall was arrested, dismissed or purged before {on}, the first turn"
    fates = fate_between(tables, others, first, min(first + window_days * DAY, crisis.horizon))["fate"]
    lost, kept = int((fates == "lost").sum()), int((fates == "kept").sum())
    return (f"; beside {'him' if turns['person_id'].nunique() == 1 else 'them'}, of the other {number(len(others), 'client')} "
            f"loyal at the fall and not recorded as arrested, dismissed or purged before {on}, the first turn, {lost} lost "
            f"office or freedom within "
            f"{number(window_days, 'day')} of it, {kept} kept office, {len(others) - lost - kept} not recorded")


def later_turns(tables, crisis: Crisis) -> tuple[pd.DataFrame, str]:
    """The first turn of each client loyal at the fall, between the fall and the horizon, in order of day:
    an appeal (his participation as 'appealing' in an event where a rival is 'appealed_to'), or a defection his tie
    with the patron records, certainly after the crisis's window. Where a later fall of the patron (:func:`_next_fall`)
    comes first, the span ends a window before it, and a client who acts against him at it is left to that crisis.
    A client who had lost his office or freedom between the fall and his turn is left out. returns: the turns
    (columns :data:`TURN_COLUMNS`: act 'appealed to a rival' or 'defected', row the event_id or tie_id, day, dated as
    recorded, quote of that row); ' and before his next fall (dated ...)', or '' where the horizon ends it."""
    loyal, (until, dated) = [c for c in crisis.roster["client_id"] if c not in crisis.defectors], _next_fall(tables, crisis)
    cut = until - crisis.window_days * DAY if until < crisis.horizon else None
    turns = pd.concat([_later_appeals(tables, crisis, loyal), _later_defections(tables, crisis, loyal, cut)], ignore_index=True)
    if cut is not None:
        parts = crisis_events(tables, crisis.patron, until, crisis.window_days)
        at_next = set(parts.loc[parts["role"].isin(AGAINST_ROLES), "person_id"])  # Kruglov and Serov in any draw
        turns = turns[(turns["day"] < cut) & ~turns["person_id"].isin(at_next)]
    before = f" and before his next fall (dated {dated})" if cut is not None else ""
    turns = turns.sort_values(["day", "person_id", "act"], kind="stable").drop_duplicates("person_id")
    # a man already arrested, shot, dismissed or purged since the fall turns as no would-be defector, and no refusal of
    # his can be read after it: Pitovranov and Broverman testified against Abakumov from prison
    free = [fate_between(tables, [t.person_id], crisis.date, t.day - DAY)["fate"].iloc[0] != "lost" for t in turns.itertuples()]
    return turns[free][TURN_COLUMNS] if len(turns) else turns[TURN_COLUMNS], before


def _next_fall(tables, crisis: Crisis) -> tuple[pd.Timestamp, str]:
    """The day (a point estimate) and recorded date of the patron's next fall after this crisis's window (an arrest,
    dismissal or purge of his while he held a post the day before), or the horizon if sooner (and ''): a turn that
    belongs to that later fall is a defection at another crisis of his, not a later turn after this one (Kruglov and
    Serov turned on Beria in 1953, not after the Mingrelian affair of 1951). A blow at a man with no post left
    (Abakumov's trial) is no new fall."""
    parts = tables.event_participants
    hit = parts.loc[(parts["person_id"] == crisis.patron) & parts["role"].isin(FALL_ROLES), "event_id"]
    mine = tables.events["event_id"].isin(hit).to_numpy(dtype=bool)
    days = pd.Series(point_of(tables, "events", "date")[mine].to_numpy(), index=tables.events.loc[mine, "date"].to_numpy())
    for dated, day in days[days > crisis.date + crisis.window_days * DAY].sort_values(kind="stable").items():
        if day >= crisis.horizon:
            break
        if (posts_as_of(tables, day - DAY)["person_id"] == crisis.patron).any():
            return day, dated
    return crisis.horizon, ""


def _later_appeals(tables, crisis: Crisis, loyal: list) -> pd.DataFrame:
    """The appeals of ``loyal`` to a rival between the fall and the horizon (:func:`later_turns`)."""
    parts = tables.derived("appeals with their day", _appeals)
    later = parts[(parts["day"] > crisis.date) & (parts["day"] <= crisis.horizon)]
    to_rival = later[(later["role"] == "appealed_to") & later["person_id"].isin(crisis.rivals)]["event_id"]
    appeals = later[(later["role"] == "appealing") & later["person_id"].isin(loyal) & later["event_id"].isin(to_rival)]
    return pd.DataFrame({"person_id": appeals["person_id"], "act": "appealed to a rival", "row": appeals["event_id"],
                         "day": appeals["day"], "dated": appeals["dated"], "quote": appeals["quote"]}, columns=TURN_COLUMNS)


def _appeals(tables) -> pd.DataFrame:
    """Every participation in an appeal ('appealing' or 'appealed_to') with its event's point estimate ``day`` and its date
    as recorded (``dated``), once per tables: the robustness grid asks for the later turns at every horizon."""
    parts = tables.event_participants
    parts = parts[parts["role"].isin(["appealing", "appealed_to"])]
    mine = tables.events["event_id"].isin(parts["event_id"])
    days = pd.DataFrame({"event_id": tables.events.loc[mine, "event_id"], "day": point_of(tables, "events", "date")[mine],
                         "dated": tables.events.loc[mine, "date"]})
    return parts.merge(days, on="event_id")


def _later_defections(tables, crisis: Crisis, loyal: list, cut: pd.Timestamp | None) -> pd.DataFrame:
    """The defections of ``loyal`` from the patron that their ties date after the crisis's window, read as the roster
    reads them (:func:`patronage.analysis.careers.floored`: a defection dated only 'by' a day no earlier than its floor),
    so that a defection the roster leaves out of the crisis is a later turn, not lost between the two (Rukhadze's 'by
    1952' at the Mingrelian affair of November 1951, under the seed texts), and by the horizon; where a later fall ends
    the span, wholly before ``cut``, a window before it."""
    t = tables.ties
    day = point_of(tables, "ties", "defection_date")
    before = (floored_of(tables, "ties", "defection_date", "hi") < cut) if cut is not None else True
    mine = ((t["patron_id"] == crisis.patron) & t["client_id"].isin(loyal) & t["defected"].fillna(False).astype(bool)
            & (floored_of(tables, "ties", "defection_date", "lo") > crisis.date + crisis.window_days * DAY) & (day <= crisis.horizon) & before
            ).fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame({"person_id": t.loc[mine, "client_id"], "act": "defected", "row": t.loc[mine, "tie_id"],
                         "day": day[mine], "dated": t.loc[mine, "defection_date"], "quote": t.loc[mine, "quote"]},
                        columns=TURN_COLUMNS)


def _turn_fates(tables, crisis: Crisis, turns: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """What became of each client who turned, within ``window_days`` of his turn (no later than the horizon):
    person_id, act, row, on, then, how, when (with a loss after the window, before the horizon: Merkulov at 30 days)."""
    rows = []
    for a in turns.itertuples():
        end = min(a.day + window_days * DAY, crisis.horizon)
        fate = fate_between(tables, [a.person_id], a.day, end).iloc[0]
        when = fate["dated"] if pd.notna(fate["on"]) else "–"
        later = fate_between(tables, [a.person_id], end + DAY, crisis.horizon).iloc[0] if fate["fate"] == "kept" else None
        if later is not None and later["fate"] == "lost":
            when += f"; {later['how']} {later['dated']}, after the window of {number(window_days, 'day')}"
        rows.append({"person_id": a.person_id, "act": a.act, "row": a.row, "on": a.dated, "then": fate["fate"],
                     "how": fate["how"], "when": when})
    return pd.DataFrame(rows)
