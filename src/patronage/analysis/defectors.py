"""The defectors of a crisis as the steps of the test count them (ids, description, the rows that put each
one there), the coding that makes them defectors, and their rank before and after the fall."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.crisis import Crisis
from patronage.analysis.outcomes import ranks_around
from patronage.analysis.populations import evidence
from patronage.analysis.verdicts import Result, nothing_to_count, number, population_text


def coding_of(tables) -> str:
    """The coding of the ties the tables were selected under, by name."""
    return str(tables.selection.get("coding", "the chosen coding"))


def defectors_of(tables, crisis: Crisis):
    """The defectors as a population: (ids, description with the number, the rows that put each one there)."""
    return crisis.remember(tables, ("defectors",), lambda: _defectors_now(tables, crisis))


def _defectors_now(tables, crisis: Crisis):
    ids = list(crisis.defectors)
    text = population_text(tables, f"the patron's clients who defected at his fall under the coding '{coding_of(tables)}'", ids)
    return ids, text, evidence(tables, crisis, ids, "client whose tie records a defection at the crisis, "
                                                     "or who acted against the patron at it")


def no_defectors(tables, crisis, hypothesis, step, claim, rule, statistic) -> Result:
    """The result of a step about the defectors when the coding records none: 'no case' if the patron's clients
    are recorded (none defected), 'no data' if none is; it could not differ."""
    ids, text, members = defectors_of(tables, crisis)
    n = len(crisis.roster)
    coding = f"under the coding '{coding_of(tables)}'"
    why = ("no client of the patron is recorded the day before" if not n
           else f"his one recorded client did not defect at the fall {coding}" if n == 1
           else f"neither of the patron's 2 recorded clients defected at the fall {coding}" if n == 2
           else f"none of the patron's {number(n, 'recorded client')} defected at the fall {coding}")
    return Result(hypothesis, step, claim, text, rule, statistic, "–", nothing_to_count(n), f"no: {why}", why,
                  members=members)


def rewards_of(tables, crisis: Crisis, window_days: int) -> pd.DataFrame:
    """Each defector's rank the day before and his highest within the window (NA: not recorded), and promoted."""
    return crisis.remember(tables, ("rewards", window_days), lambda: _rewards_now(tables, crisis, window_days))


def _rewards_now(tables, crisis: Crisis, window_days: int) -> pd.DataFrame:
    ranks = ranks_around(tables, crisis, crisis.defectors, pd.Timedelta(days=window_days))
    known = ranks["rank before"].notna() & ranks["rank after"].notna()
    promoted = (ranks["rank after"] > ranks["rank before"]).astype("boolean").where(known.to_numpy(), pd.NA)
    return ranks.assign(promoted=promoted)
