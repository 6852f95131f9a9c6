"""The precedent in the long run, from the rewarded side (step 6b): did the new patrons keep the defectors in high
office, or make them the exception Khrushchev, as the article has it, "attempted to ensure" they would remain?"""

from __future__ import annotations

import pandas as pd

from patronage.analysis.article import BLAUVELT
from patronage.analysis.crisis import Crisis
from patronage.analysis.defectors import defectors_of, no_defectors, rewards_of
from patronage.analysis.populations import population_of
from patronage.analysis.tenure import tenure_after
from patronage.analysis.verdicts import (
    Result,
    count_outcomes,
    names_of,
    number,
    split_could_differ,
    split_outcome,
    split_rule,
    tally,
)

EXCEPTION = "attempted to ensure that such behavior would remain an exception"  # the article, of Khrushchev


def defectors_lose_office(tables, crisis: Crisis, min_rank: int = 4, window_days: int = 365,
                          which: str = "first deputies") -> Result:
    """The precedent, long run: the new patrons do not keep the defectors in high office.

    Blauvelt: Khrushchev "attempted to ensure that such behavior would remain an exception"
    (Blauvelt, 2008, "Betrayal and network stability"). What became of each defector over the
    horizon: how long he held high office (rank >= ``min_rank``) after the fall and how it ended
    (:func:`patronage.analysis.tenure.tenure_after`), beside the patron's loyal clients in the same
    population. The defectors counted are those in high office the day before the fall or in the window
    after it, cut at the horizon (a man never in high office can be neither kept in it nor dropped from it, and
    one first in it after the horizon was not in it then); one counts against the claim if he is still in high
    office at the horizon.
    """
    claim = f'of the case the article studies: Khrushchev "{EXCEPTION}" ({BLAUVELT}, "Betrayal and network stability")'
    rule = _h6b_rule(min_rank)
    statistic = f"defectors still in high office (rank >= {min_rank}) at the horizon"
    if not crisis.defectors:
        return no_defectors(tables, crisis, "H6b defectors' fate", "precedent: long run", claim, rule, statistic)
    ids, text, members = defectors_of(tables, crisis)
    window_days = min(window_days, (crisis.horizon - crisis.date).days)  # an office entered after the horizon is not followed
    pop = population_of(tables, crisis, which, min_rank)
    tenure = _tenures(tables, crisis, ids, [p for p in pop.ids if p not in ids], min_rank, pd.Timedelta(days=window_days))
    mine = tenure[tenure["group"] == "defectors"].set_index("person_id")
    ranks = rewards_of(tables, crisis, window_days)
    held = [p for p in ids if p in mine.index or _at_least(ranks.at[p, "rank before"], min_rank)]
    text += f"; counted, in high office (rank >= {min_rank}) before or after the fall ({len(held)})" + (
        f": {names_of(tables, held)}" if held else "")
    reason = _fate_reason(tables, ids, mine, held, min_rank, window_days)
    note = _loyal_note(tables, tenure)
    if not held:
        why = f"no defector held high office (rank >= {min_rank}) the day before the fall or in the window after it"
        return Result("H6b defectors' fate", "precedent: long run", claim, text, rule, statistic, "–", "no case",
                      f"no: {why}", f"{why}: {reason}", note, tenure, members)
    outcomes, reason = _at_horizon(tables, crisis, held, mine, ranks["rank after"], min_rank, reason)
    return Result("H6b defectors' fate", "precedent: long run", claim, text, rule, statistic,
                  tally(outcomes, f"in high office on {crisis.horizon.date().isoformat()}", "not"),
                  split_outcome(*count_outcomes(outcomes)), split_could_differ(len(held), "defector"), reason, note,
                  tenure, members)


def _h6b_rule(min_rank: int) -> str:
    """Step 6b's rule in words."""
    return split_rule(f"defector in high office (rank >= {min_rank}) the day before the fall or in the window after it (up to "
                      f"the horizon)", f"he still held high office (rank >= {min_rank}) at the horizon; a run of posts that "
                      "ends in the records without a loss (a transfer to an unrecorded post, his death) leaves his "
                      "outcome unrecorded")


def _loyal_note(tables, tenure: pd.DataFrame) -> str:
    """Step 6b's note: the loyal clients' time in high office after the fall, beside the defectors'."""
    loyal = "; ".join(f"{names_of(tables, [r.person_id])} {r.years:.1f} years ({r.how})"
                      for r in tenure[tenure["group"] == "loyal clients"].itertuples())
    return f"The loyal clients in the population: {loyal or 'none with high office after the fall'}."


def _fate_reason(tables, ids: list, mine: pd.DataFrame, held: list, min_rank: int, window_days: int) -> str:
    """Each defector's time in high office after the fall and how it ended, or that he held none (and, if not the day
    before either, that he is not counted)."""
    return "; ".join(f"{names_of(tables, [p])}: high office {mine.at[p, 'years']:.1f} years, {mine.at[p, 'how']}"
                     if p in mine.index else f"{names_of(tables, [p])}: no high office (rank >= {min_rank}) in the "
                     f"{number(window_days, 'day')} after the fall" + ("" if p in held else ", nor the day before: not counted")
                     for p in ids)


def _at_least(rank, min_rank: int) -> bool:
    """True if a rank (NA: not recorded) is recorded and at least ``min_rank``."""
    return bool(pd.notna(rank) and rank >= min_rank)


def _tenures(tables, crisis: Crisis, defectors: list, loyal: list, min_rank: int, window: pd.Timedelta) -> pd.DataFrame:
    """Time in high office after the fall (:func:`patronage.analysis.tenure.tenure_after`) of the defectors and of
    the loyal clients of the population, one frame, each row with its ``group``."""
    return pd.concat([tenure_after(tables, crisis, defectors, min_rank, window).assign(group="defectors"),
                      tenure_after(tables, crisis, loyal, min_rank, window).assign(group="loyal clients")],
                     ignore_index=True)


def _at_horizon(tables, crisis: Crisis, held: list, mine: pd.DataFrame, after: pd.Series, min_rank: int,
                reason: str) -> tuple[dict, str]:
    """Each counted defector's outcome at the horizon (:func:`_still_in_office`, and True for one who held high office
    again on the horizon day: :func:`_high_at`), and ``reason`` with the words for those held again."""
    outcomes = _still_in_office(held, mine, after)
    again = [p for p in held if outcomes[p] is not True and _high_at(tables, p, crisis.horizon, min_rank)]
    return (outcomes | dict.fromkeys(again, True),
            reason + "".join(f"; {names_of(tables, [p])} held high office again on {crisis.horizon.date()}" for p in again))


def _high_at(tables, person, day: pd.Timestamp, min_rank: int) -> bool:
    """True if a high post of his (rank >= min_rank) certainly ran on ``day``: begun by it at the latest, and its end
    stated on or after it at the earliest (or said to go on). A man who lost high office after the fall and held it
    again at the horizon still held it then, whatever his first run after the fall (:func:`_tenures`) says."""
    s = tables.spells
    mine = s[(s["person_id"] == person) & (s["seniority"] >= min_rank).fillna(False)]
    ongoing = mine["end_cause"].eq("ongoing").fillna(False)
    return bool(((mine["start_hi"] <= day) & ((mine["end_lo"] >= day).fillna(False) | (mine["end"].isna() & ongoing))).any())


def _still_in_office(ids: list, mine: pd.DataFrame, after: pd.Series) -> dict:
    """Per defector in high office before or after the fall: True if in high office at the horizon, False if he lost
    it (or held none after the fall while his posts are recorded), None if the record does not say."""
    outcomes = {}
    for p in ids:
        if p in mine.index:
            r = mine.loc[p]
            outcomes[p] = False if r["lost office"] else True if r["how"] == "in office at the horizon" else None
        else:  # in high office the day before, none after the fall: not kept, if his posts after it are recorded
            outcomes[p] = None if pd.isna(after[p]) else False
    return outcomes
