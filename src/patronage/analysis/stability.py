"""The stability of the network: short-run loyalty among the patron's clients (step 2) and continuity below
the top of the fallen network (step 7)."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.article import BLAUVELT
from patronage.analysis.crisis import Crisis
from patronage.analysis.outcomes import LOSS_CAUSES_TEXT, fate_between
from patronage.analysis.populations import below_the_top, evidence, population_of, unranked_loyal
from patronage.analysis.verdicts import (
    Result,
    count_outcomes,
    exact_interval,
    names_of,
    nothing_to_count,
    number,
    percent,
    population_text,
    share_could_differ,
    share_reach,
    share_rule,
    share_verdict,
    split_could_differ,
    split_outcome,
    split_rule,
    tally,
)


def clients_stay_loyal(tables, crisis: Crisis, rare_share: float = 0.1, min_rank: int = 4, confidence: float = 0.95,
                       which: str = "first deputies") -> Result:
    """Short-run stability: the patron's clients stay loyal when he falls; defection among them is rare.

    Fairbanks: "informal rules may have grown up discouraging disloyalty to patrons" (Fairbanks,
    1983, as quoted in Blauvelt, 2008, "Patronage and betrayal"). The population is named by
    ``which`` (:data:`patronage.analysis.populations.POPULATIONS`; by default the first deputies, the
    right-hand men whose betrayal the article studies). "Rare" is a defection share of at most
    ``rare_share``, judged by the exact (Clopper-Pearson) interval: a handful of clients can
    rule out "rare" only if nearly all defect, and can never show it.
    """
    claim = f'"informal rules may have grown up discouraging disloyalty to patrons" (Fairbanks 1983, in {BLAUVELT})'
    pop = population_of(tables, crisis, which, min_rank)
    rule = share_rule(rare_share, confidence)
    statistic = f"defection share, exact {percent(confidence)} interval (rare: <= {rare_share:g})"
    n = len(pop.ids)
    if n == 0:
        return _nobody_in(crisis, pop, claim, rule, statistic)
    defected = crisis.roster.set_index("client_id")["defected"].reindex(pop.ids).astype(bool)
    k = int(defected.sum())
    low, high = exact_interval(k, n, confidence)
    verdict = share_verdict(k, n, rare_share, confidence)
    reach = share_reach(rare_share, confidence)
    said = {"holds": f"the interval lies at or below {rare_share:g}",
            "fails": f"the interval lies above {rare_share:g}",
            "inconclusive": f"the interval still admits a share of at most {rare_share:g} (holds needs N >= {reach['holds']} "
                            f"with no defection; {_to_fail(n, rare_share, confidence)})"}[verdict]
    reason = (f"{k} of {n} defected ({names_of(tables, [p for p in pop.ids if defected[p]])}); exact {percent(confidence)} "
              f"interval [{low:.3f}, {high:.3f}]: {said}")
    everyone = crisis.roster
    lo_all, hi_all = exact_interval(int(everyone["defected"].sum()), len(everyone), confidence)
    note = (f"Among {'his one recorded client' if len(everyone) == 1 else f'all {len(everyone)} recorded clients'}: {int(everyone['defected'].sum())}/{len(everyone)} "
            f"[{lo_all:.3f}, {hi_all:.3f}].")
    return Result("H2 loyalty", "short-run stability", claim, pop.text, rule, statistic,
                  f"{k}/{n} = {k / n:.3f} [{low:.3f}, {high:.3f}]", verdict,
                  share_could_differ(n, rare_share, confidence), reason, note, pop.members.assign(defected=defected.to_numpy()),
                  pop.members)


def _nobody_in(crisis: Crisis, pop, claim: str, rule: str, statistic: str) -> Result:
    """H2 when no one is in the population: no case if the patron's clients are recorded and none is in it (as the
    other steps say), no data if none is recorded, or if a client of unknown rank the day before may be in it
    (Grishaev and Vradiy at Abakumov's fall: the records do not show that none was a first deputy)."""
    clients, unknown = len(crisis.roster), int(crisis.roster["rank_before"].isna().sum())
    why = "the tables record no one in the population" + (f" ({number(clients, 'client')} of his recorded, none in it)"
                                                         if clients else "")
    why += f"; {number(unknown, 'client')} of unknown rank that day may be in it" if unknown else ""
    return Result("H2 loyalty", "short-run stability", claim, pop.text, rule, statistic, "–",
                  nothing_to_count(clients and not unknown), f"no: {pop.text.split(' (')[0]}: none recorded", why,
                  members=pop.members)


def _to_fail(n: int, rare_share: float, confidence: float) -> str:
    """How many of n defecting would give 'fails' under the share rule, in words."""
    k = next((k for k in range(n + 1) if share_verdict(k, n, rare_share, confidence) == "fails"), None)
    if k is not None:
        return f"{k} of {n} defecting would give fails"
    return "neither 0 nor 1 defecting gives fails" if n == 1 else f"no count of {n} gives fails"


def network_below_top_continues(tables, crisis: Crisis, min_rank: int = 4, window_days: int = 365) -> Result:
    """Continuity below the top: the purge stops at the top of the fallen network.

    Blauvelt: "the lower levels of Beria's network, especially in the security service, were left
    in place" (Blauvelt, 2008, "Betrayal and network stability"). The population is the patron's
    clients of recorded rank below ``min_rank`` the day before who did not defect, as the sources name them; each
    counts against continuity if he lost his post or his freedom within ``window_days``.
    """
    claim = (f'of the case the article studies: "the lower levels of Beria\'s network, especially in the security service, were left in place" '
             f'({BLAUVELT}, "Betrayal and network stability")')
    rule = _h7_rule(window_days)
    statistic = f"clients below the top who lost their post within {number(window_days, 'day')}"
    lower, also = below_the_top(crisis, min_rank), below_the_top(crisis, min_rank, rivals_clients=True)
    text = population_text(tables, f"the patron's clients of recorded rank below {min_rank} the day before who did not "
                                   "defect and were no rival's client as well, as the sources name them (the unnamed lower "
                                   "levels are not in the tables)", lower) + (f"; left out as a rival's client too: {names_of(tables, also)}" if also else "")
    members, unranked = evidence(tables, crisis, lower, f"client, rank below {min_rank} the day before"), unranked_loyal(crisis)
    if not lower:
        unknown = len(unranked)  # clients who may be below the top: no data, not no case
        return Result("H7 network below the top", "continuity below the top", claim, text, rule, statistic, "–",
                      nothing_to_count(len(crisis.roster) and not unknown),
                      f"no: no loyal client of recorded rank below {min_rank}" + (" who was no rival's client too" if also else "")
                      + (f" ({number(unknown, 'loyal client')} of unknown rank)" if unknown else ""),
                      f"the tables record no client of the patron of known rank below {min_rank} who did not defect"
                      + (" and was no rival's client too" if also else "")
                      + (f"; {number(unknown, 'loyal client')} of unknown rank that day may be below rank {min_rank}" if unknown else "")
                      + (" (no rank lies below the lowest of the scale, 0: set min_rank above it)" if min_rank <= 0 else ""),
                      members=members)
    fate = fate_between(tables, lower + unranked, crisis.date, crisis.date + pd.Timedelta(days=window_days))
    outcomes = {p: {"lost": True, "kept": False}.get(fate.at[p, "fate"]) for p in lower + unranked}
    verdict, maybe = _counted_or_not(outcomes, lower, lambda p: names_of(tables, [p]))
    reason = "; ".join(f"{names_of(tables, [p])}: {fate.at[p, 'fate']} ({fate.at[p, 'how']}"
                       + (f", {fate.at[p, 'dated']})" if pd.notna(fate.at[p, "on"]) else ")") for p in lower) + (
        f". These are the only clients below rank {min_rank} the tables name; the unnamed lower levels of the network are "
        "not in them") + maybe
    return Result("H7 network below the top", "continuity below the top", claim, text, rule, statistic,
                  tally({p: outcomes[p] for p in lower}, "lost their post", "kept"), verdict,
                  split_could_differ(len(lower), "client below the top"), reason, "", fate.loc[lower].reset_index(), members)


def _h7_rule(window_days: int) -> str:
    """H7's rule in words: the split rule over the clients below the top, and what a loyal client of unknown rank does."""
    return split_rule("client below the top", f"he was arrested, executed, dismissed or purged, or a post of his ended by "
                      f"{LOSS_CAUSES_TEXT}, within {number(window_days, 'day')} of the fall; kept if a post of his is recorded running "
                      "at the end of that span") + ("; a loyal client of unknown rank the day before may be below the top: a "
                                                    "verdict that counting him would change is inconclusive, and with no "
                                                    "client of known rank below the top the step has no data")


def _counted_or_not(outcomes: dict, lower: list, name) -> tuple[str, str]:
    """H7's verdict over the clients below the top (``lower``), and what the loyal clients of unknown rank the day before
    (the other keys of ``outcomes``: they may be below the top, or not) change: a verdict the split rule gives whether
    they are counted or not stands; one that counting them would change is inconclusive (Yagoda's fall in 1936: Kogan,
    of unknown rank, may be below the top; his fate is not recorded). The split rule is monotone, so counting all of
    them or none decides it for every part of them."""
    alone = split_outcome(*count_outcomes({p: outcomes[p] for p in lower}))
    unranked = [p for p in outcomes if p not in lower]
    if not unranked:
        return alone, ""
    counted = split_outcome(*count_outcomes(outcomes))
    said = (f"; {number(len(unranked), 'loyal client')} of unknown rank that day may be below the top too ("
            + ", ".join(f"{name(p)}: {'lost' if v else 'kept' if v is False else 'fate not recorded'}" for p, v in outcomes.items()
                        if p in unranked) + ")")
    if counted == alone:
        return alone, said + f": counted or not, the verdict is {alone}"
    return "inconclusive", said + f": counted, the verdict would be {counted}, not {alone}, so the records cannot decide it"
