"""Scarcity of high office, from both sides: were the defectors rewarded, and whose posts did the rewards take
(step 3, the patron's side); did they switch before the fall and gain, and what motive does a coding
attribute to them (step 4, the client's side)."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.article import BLAUVELT, FAIRBANKS
from patronage.analysis.careers import act_earliest, floored
from patronage.analysis.crisis import AGAINST_ROLES, DAY, TARGET_ROLES, Crisis, crisis_events
from patronage.analysis.defectors import defectors_of, no_defectors, rank_change, rewards_of
from patronage.analysis.offices import (
    SUCCESSION_GAP,
    gained_posts,
    lineage_of,
    predecessors,
    relation,
    rival_clients,
    spells_with_lineage,
)
from patronage.analysis.verdicts import (
    YES,
    Result,
    count_outcomes,
    names_of,
    nothing_to_count,
    number,
    split_could_differ,
    split_outcome,
    split_rule,
    tally,
)


def defectors_not_rewarded(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """Scarcity, the patron's side: rivals do not reward a defector with higher office.

    Fairbanks: "a patron would only rarely have the motive to reward a change of sides at the
    expense of his own clients" (Fairbanks, 1983: 365-6, as quoted in Blauvelt, 2008,
    "Patronage and betrayal"). A defector is rewarded if his highest rank within ``window_days``
    after the fall exceeds his rank the day before.
    """
    claim = f'"a patron would only rarely have the motive to reward a change of sides at the expense of his own clients" ({FAIRBANKS})'
    rule = split_rule("defector", f"his highest rank within {number(window_days, 'day')} after the fall is above his rank the day before")
    statistic = f"defectors promoted within {number(window_days, 'day')}"
    if not crisis.defectors:
        return no_defectors(tables, crisis, "H3 no reward", "scarcity: the patron's side", claim, rule, statistic)
    ids, text, members = defectors_of(tables, crisis)
    ranks = rewards_of(tables, crisis, window_days)
    outcomes = {p: None if pd.isna(v) else bool(v) for p, v in ranks["promoted"].items()}
    reason = "; ".join(f"{names_of(tables, [p])}: {rank_change(ranks, p)}" for p in ranks.index)
    return Result("H3 no reward", "scarcity: the patron's side", claim, text, rule, statistic,
                  tally(outcomes, "promoted", "not promoted"), split_outcome(*count_outcomes(outcomes)),
                  split_could_differ(len(ids), "defector"), reason, "", ranks, members)


def rewards_cost_rivals_clients(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """Scarcity, the patron's side: a turncoat's reward costs the rewarding side's own clients a post.

    Fairbanks, as Blauvelt puts it: "offering a position as a lure to a client of a rival patron
    would mean denying that position to or demoting one's own client" (Blauvelt, 2008, "Patronage
    and betrayal"). For each post a defector gained, the previous holder of the same office (same
    lineage across renamings, same rank) is found. A reward that displaced a rival's own client
    shows the cost Fairbanks describes; one carved from the fallen network, or with no holder recorded in the
    months before it (a new or re-formed office, or one whose holder no source records), does not: no rival's client
    is recorded losing it. If no rival's client held an office of that lineage and rank within ``window_days`` either
    side of the fall, begun before the reward, no reward could have displaced one, and the row says so instead of
    deciding.
    """
    claim = (f'"offering a position as a lure to a client of a rival patron would mean denying that position to or demoting '
             f'one\'s own client" ({BLAUVELT}, "Patronage and betrayal")')
    rule = split_rule("post gained by a defector", "its previous holder was not a rival's client (it came from the fallen "
                      f"network, or no holder is recorded in the {SUCCESSION_GAP.days} days before it: a new or re-formed office, or one whose "
                      "holder no source records); untestable if no rival's client held an office of its lineage and "
                      f"rank within {number(window_days, 'day')} either side of the fall, begun before the reward (one taken "
                      "up after it could not have been displaced by it)")
    statistic = "rewards taken from a rival's client"
    if not crisis.defectors:
        return no_defectors(tables, crisis, "H3b scarcity: whose posts", "scarcity: the patron's side", claim, rule, statistic)
    window = pd.Timedelta(days=window_days)
    gained = _rewards_gained(tables, crisis, window_days)
    text = _gained_text(tables, gained, window_days)
    if len(gained) == 0:
        return _no_post_gained(tables, crisis, window_days, claim, text, rule, statistic)
    rc = rival_clients(tables, crisis)
    label = lambda p: "rival's client" if p in rc else relation(p, crisis, rc)  # noqa: E731  a rival's client first
    gained = predecessors(tables, gained)
    gained = gained.assign(predecessor=gained["predecessor_id"].map(label))
    comparable, posts = _comparable_offices(tables, crisis, rc, gained, window)
    (k, m, u), value, reason = _gain_outcomes(tables, gained, _undecided_gains(tables, crisis, gained, label, window))
    window_text = f"within {number(window_days, 'day')} either side of the fall"
    return Result("H3b scarcity: whose posts", "scarcity: the patron's side", claim, text, rule, statistic, value,
                  split_outcome(k, m, u), _could_displace(comparable, posts, window_text), reason,
                  f"Rivals' clients recorded in a comparable office before a reward: {names_of(tables, sorted(set(comparable['person_id'])))}.",
                  gained[["person_id", "post", "seniority", "start", "predecessor_id", "predecessor"]].reset_index(drop=True))


def _gain_outcomes(tables, gained: pd.DataFrame, open_: dict[str, str]) -> tuple[tuple[int, int, int], str, str]:
    """Step 3b's counts (against, agreeing, undecided), value and reason: a reward counts against the claim unless
    its previous holder was a rival's client, and one the records leave open (``open_``: spell_id -> why) counts
    neither way."""
    outcomes = {r.spell_id: None if r.spell_id in open_ else r.predecessor != "rival's client" for r in gained.itertuples()}
    k, m, u = count_outcomes(outcomes)
    kinds = gained["predecessor"].value_counts()
    value = (f"{m}/{len(gained)} from a rival's client (" + ", ".join(f"{v}: {c}" for v, c in kinds.items()) + ")"
             + (f" ({u} undecided by the records)" if u else ""))
    reason = "; ".join(f"{names_of(tables, [r.person_id])}: {r.post} (before: {r.predecessor}{open_.get(r.spell_id, '')})"
                       for r in gained.itertuples())
    return (k, m, u), value, reason


def _undecided_gains(tables, crisis: Crisis, gained: pd.DataFrame, label, window: pd.Timedelta) -> dict[str, str]:
    """The rewards whose outcome the records leave open, by spell_id, with why (a clause of the reason): a post whose
    start may fall after the window, as step 3 reads it (:func:`patronage.analysis.defectors.rewards_of`), or whose
    previous holder is a rival's client at one end of its start's bounds and not at the other (the predecessor is
    found from the start read at its middle, which no source gives)."""
    ends = [predecessors(tables, gained.assign(start_lo=gained[f"start_{e}"], start_hi=gained[f"start_{e}"]))["predecessor_id"]
            .map(label).eq("rival's client").to_numpy(dtype=bool) for e in ("lo", "hi")]
    late = (gained["start_hi"] > crisis.date + window).fillna(False).to_numpy(dtype=bool)
    return {r.spell_id: f"; undecided: dated {r.start}, " + ("may begin after the window" if late[i] else
                                                            "the previous holder depends on the day it began")
            for i, r in enumerate(gained.itertuples()) if late[i] or ends[0][i] != ends[1][i]}


def _no_post_gained(tables, crisis: Crisis, window_days: int, claim, text, rule, statistic) -> Result:
    """H3b when no defector gained a higher post: no case if every defector's rank after the fall is
    recorded (none rose), no data if one's is not."""
    ranks = rewards_of(tables, crisis, window_days)
    known = bool(ranks["promoted"].notna().all())
    missing = "before the fall" if ranks["rank before"].isna().any() else "after it"
    why = ("no defector took up a higher post within the window" if known
           else f"no higher post of a defector is found within the window: a defector's rank {missing} is not recorded")
    return Result("H3b scarcity: whose posts", "scarcity: the patron's side", claim, text, rule, statistic, "–",
                  nothing_to_count(known), f"no: {why}", why)


def _rewards_gained(tables, crisis: Crisis, window_days: int) -> pd.DataFrame:
    """The posts above his rank the day before that each defector of known rank took up within ``window_days`` of the fall."""
    window = pd.Timedelta(days=window_days)
    ranks = rewards_of(tables, crisis, window_days)
    known = ranks["rank before"].dropna()
    if not len(known):
        return tables.spells.iloc[0:0]
    gained = gained_posts(tables, list(known.index), crisis.date - DAY, crisis.date + window, known.astype(int))
    # one post the rows of two works record alike (the same holder, office, rank and dates) is one reward
    return gained.drop_duplicates(["person_id", "org_id", "seniority", "start", "end"])


def _gained_text(tables, gained: pd.DataFrame, window_days: int) -> str:
    """The rewards as the population of step 3b: how many, and each one's holder, post and row."""
    return (f"the higher posts the defectors took up within {number(window_days, 'day')} of the fall ({len(gained)})"
            + ("".join(f"; {names_of(tables, [r.person_id])}: {r.post} ({r.spell_id})" for r in gained.itertuples())
               if len(gained) else ""))


def _comparable_offices(tables, crisis: Crisis, rc: set, gained: pd.DataFrame,
                        window: pd.Timedelta) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spells of rivals' clients in an office of the lineage and rank of a reward, running within ``window``
    either side of the fall and begun by the latest day the reward may have begun (a man who took up such an office
    only after the reward could not have been displaced by it); and the rewards' (lineage, rank) pairs."""
    theirs = spells_with_lineage(tables, tables.spells["person_id"].isin(rc))
    began, ended = theirs["start_day"], theirs["end_day"]
    theirs = theirs[(began <= crisis.date + window) & ~(ended < crisis.date - window).fillna(False)]
    rewards = gained.assign(lineage=lineage_of(tables, gained))
    posts = rewards[["lineage", "seniority"]].drop_duplicates()
    pairs = theirs.merge(rewards[["lineage", "seniority", "start_hi"]].rename(columns={"start_hi": "reward_hi"}),
                         on=["lineage", "seniority"])
    return pairs[(pairs["start_lo"].isna() | (pairs["start_lo"] <= pairs["reward_hi"])).to_numpy(dtype=bool)], posts


def _could_displace(comparable: pd.DataFrame, posts: pd.DataFrame, window_text: str) -> str:
    """'yes' if a rival's client held an office comparable to a reward before it (so a reward could have displaced one),
    else why not (``window_text``: the span searched, in words)."""
    return YES if len(comparable) else (
        f"no: no rival's client is recorded in an office of the lineage and rank of the rewards "
        f"({', '.join(f'{r.lineage} rank {r.seniority}' for r in posts.itertuples())}) {window_text}, begun before "
        "a reward, so no reward could have displaced one")


def _acted_by_fall(tables, crisis: Crisis) -> dict[str, tuple[bool | None, str]]:
    """For each defector: (True, words) if an act of his against the patron is dated by the day of the fall, (False,
    words) if every one is dated after it, (None, why) if none is dated or one may fall on either side of the fall
    (the draws of the dates weigh it, :mod:`patronage.robustness.date_draws`).

    His acts are his events in a role against the patron, at any time up to the fall (a denunciation dated months
    before the fall is an act by the fall, though outside the crisis's window), and his tie's
    defection date (each from the earliest day its date allows, raised to its floor, to the latest; a defection dated
    only 'by' a day from its tie's start, :func:`patronage.analysis.careers.act_earliest`): the most precise record
    of the act decides.
    """
    acts: dict[str, list] = {}  # each man's dated acts, as plain records: a few, read once per defector
    for a in _acts_against(tables, crisis).itertuples(index=False):
        if pd.notna(a.date_hi):
            acts.setdefault(a.person_id, []).append((a.date_lo, a.date_hi, "acted against him", False))
    defected = crisis.roster[crisis.roster["defected"]]
    defection = _defection_bounds(tables, defected["tie_id"])
    out = {}
    for r in defected.itertuples():
        dated = list(acts.get(r.client_id, []))
        earliest, latest, by = defection[r.tie_id]
        if pd.notna(latest):  # by: dated only 'by' a day, which the draws read on that day
            dated.append((earliest, latest, "his defection is dated", by))
        by_fall = [what for lo, hi, what, _ in dated if hi <= crisis.date]
        if not dated:
            out[r.client_id] = (None, "his act is not dated")
        elif by_fall:
            out[r.client_id] = (True, f"{by_fall[0]} by the day of the fall")
        elif all(lo > crisis.date for lo, *_ in dated):
            out[r.client_id] = (False, "acted only after the fall")
        else:
            lo, hi, _, by = min((d for d in dated if d[0] <= crisis.date), key=lambda d: d[1])  # one that may precede the fall
            out[r.client_id] = (None, f"his defection is dated only 'by' {hi.date()} (his tie from {lo.date()}), on either side "
                                      "of the fall (the draws read it on that day)" if by else
                                      f"his act is dated {lo.date()} to {hi.date()}, on either side of the fall "
                                      "(the draws of the dates weigh it)")
    return out


def _defection_bounds(tables, tie_ids) -> dict[str, tuple]:
    """Each of these ties' defection: (the earliest day it may fall on, :func:`patronage.analysis.careers.act_earliest`; its
    latest; whether it is dated only 'by' a day), by tie_id."""
    ties = tables.ties[tables.ties["tie_id"].isin(list(tie_ids)).to_numpy(dtype=bool)]
    return dict(zip(ties["tie_id"], zip(act_earliest(ties), ties["defection_date_hi"], ties["defection_date_floor"].notna().to_numpy(dtype=bool),
                                        strict=True), strict=True))


def _acts_against(tables, crisis: Crisis) -> pd.DataFrame:
    """Every act against the patron up to his fall, with its event's bounds (the lower raised to its floor): a role
    against (AGAINST_ROLES) in an event aimed at him (TARGET_ROLES), not one he took part in on the same side (the
    coup of 26 June 1953, which Malenkov organised, is no act of Kruglov's against Malenkov)."""
    parts = crisis_events(tables, crisis.patron, crisis.date, None)
    aimed = parts.loc[(parts["person_id"] == crisis.patron) & parts["role"].isin(TARGET_ROLES), "event_id"]
    parts = parts[parts["role"].isin(AGAINST_ROLES) & parts["event_id"].isin(aimed)]
    events = tables.events[tables.events["event_id"].isin(parts["event_id"])]  # the few events of the acts
    events = events.assign(date_lo=floored(events, "date", "lo"))[["event_id", "date_lo", "date_hi"]]
    return parts.merge(events, on="event_id")


def clients_do_not_switch_for_gain(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """Scarcity, the client's side: clients do not change sides in the hope of a reward.

    Fairbanks: "clients would only rarely change sides in the hope of such a reward" (Fairbanks,
    1983: 365-6, as quoted in Blauvelt, 2008, "Patronage and betrayal"). A hope cannot be
    observed; what can is when a defector acted and what he gained. He counts against the claim if
    he acted against the patron by the day of the fall, while its outcome was open, and then rose
    within ``window_days``. The motive a coding attributes is reported apart (:func:`patronage.analysis.motives.motive_as_coded`).
    """
    claim = f'"clients would only rarely change sides in the hope of such a reward" ({FAIRBANKS})'
    rule = split_rule("defector", f"he is recorded acting against the patron by the day of the fall and rose within "
                      f"{number(window_days, 'day')} after it")
    statistic = "defectors who switched by the fall and gained"
    if not crisis.defectors:
        return no_defectors(tables, crisis, "H4 no switch for gain", "scarcity: the client's side", claim, rule, statistic)
    ids, text, members = defectors_of(tables, crisis)
    early = _acted_by_fall(tables, crisis)
    rose = rewards_of(tables, crisis, window_days)["promoted"]
    outcomes = {}
    for p in ids:
        e, g = early.get(p, (None, ""))[0], None if pd.isna(rose[p]) else bool(rose[p])
        outcomes[p] = False if e is False or g is False else True if (e and g) else None
    detail = pd.DataFrame({"acted by the fall": pd.Series({p: v for p, (v, _) in early.items()}, dtype="object"),
                           "rose": rose.astype("object")}).reindex(ids)
    rank = rewards_of(tables, crisis, window_days)
    reason = "; ".join(f"{names_of(tables, [p])}: {early.get(p, (None, 'his act is not dated'))[1]}, "
                       f"{rank_change(rank, p)}" for p in ids)
    return Result("H4 no switch for gain", "scarcity: the client's side", claim, text, rule, statistic,
                  tally(outcomes, "switched by the fall and gained", "did not"), split_outcome(*count_outcomes(outcomes)),
                  split_could_differ(len(ids), "defector"), reason, "", detail, members)
