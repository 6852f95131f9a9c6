"""Fairbanks' claims, tested step by step as Blauvelt (2008) tests them, each as a named predicate.

Blauvelt sets out Fairbanks' assumptions in the section "Patronage and betrayal" and writes that
his paper "will attempt to test these assumptions". Each step of that test is a function here.
Its docstring quotes the claim (short, exact, cited); before it computes it names its population
(who is counted, and the row that puts each person there: ``Result.members``) and its rule
(which result gives which verdict, and from how many cases each verdict is reachable); after
computing it says whether these tables could have produced another verdict. A row that could
not is never ``holds`` or ``fails`` (see :mod:`patronage.analysis.verdicts`).

The steps, grouped by the part of Fairbanks' argument each tests (the article weighs them in another order, most
in its section "Betrayal and network stability"; the reinsurance reading comes from its review of the literature):

1. the control: were the turncoats genuine clients? (from their careers, not from a coding);
2. short-run stability among the patron's clients (by default his first deputies);
3. scarcity on the patron's side: were defectors rewarded with higher office within about a
   year, and whose posts did the rewards take?
4. scarcity on the client's side: did they switch before the fall, and gain? (and the motive a
   coding attributes, labelled as the coding);
5. the precedent in the short run: were the rewards public?
6. the precedent in the long run: were later would-be defectors refused, and what became of the
   defectors themselves over the horizon?
7. continuity of the network below the top;
8. the reinsurance reading, as a description.

Each step is a function of the module of its part of the argument: :mod:`patronage.analysis.control`
(step 1), :mod:`patronage.analysis.stability` (steps 2 and 7), :mod:`patronage.analysis.scarcity` and :mod:`patronage.analysis.motives`
(steps 3 and 4), :mod:`patronage.analysis.precedent` (steps 5 and 6) and
:mod:`patronage.analysis.reinsurance` (step 8); all are importable from here, and :func:`run_all` runs
them in order. Small-N statistics come from scipy (exact binomial intervals, Fisher's exact test, the
conditional odds ratio); none is written by hand.
"""

from __future__ import annotations

import pandas as pd

from patronage.analysis import article
from patronage.analysis.control import defectors_were_genuine_clients
from patronage.analysis.crisis import Crisis
from patronage.analysis.defectors_fate import defectors_lose_office
from patronage.analysis.motives import motive_as_coded
from patronage.analysis.populations import POPULATIONS
from patronage.analysis.precedent import later_defectors_refused, rewards_not_public
from patronage.analysis.reinsurance import reinsured_clients_defect
from patronage.analysis.scarcity import clients_do_not_switch_for_gain, defectors_not_rewarded, rewards_cost_rivals_clients
from patronage.analysis.stability import clients_stay_loyal, network_below_top_continues
from patronage.analysis.verdicts import VERDICTS, Result, verdict_table

__all__ = ["BY_HORIZON", "BY_POPULATION", "POPULATIONS", "VERDICTS", "Result", "clients_do_not_switch_for_gain", "clients_stay_loyal",
           "compare_with_article", "defectors_lose_office", "defectors_not_rewarded", "defectors_were_genuine_clients",
           "later_defectors_refused", "motive_as_coded", "network_below_top_continues", "reinsured_clients_defect",
           "rewards_cost_rivals_clients", "rewards_not_public", "run_all", "verdict_table"]


# the steps whose population is the ``population`` argument; the others count the same people whatever it is
BY_POPULATION = ("H2 loyalty", "H6b defectors' fate")
# the steps that follow the crisis up to its horizon; the others look no further than a year after the fall
BY_HORIZON = ("H6a later defectors refused", "H6b defectors' fate")


def steps_changed_by(other_horizon: bool, other_population: bool) -> tuple[str, ...] | None:
    """The steps that another horizon and/or another population than a run's first (as flagged) re-run: those that
    follow the crisis to its horizon (:data:`BY_HORIZON`), those that count the population (:data:`BY_POPULATION`),
    or those that do both; None (every step) where neither differs."""
    if other_horizon and other_population:
        return tuple(s for s in BY_HORIZON if s in BY_POPULATION)
    if other_horizon or other_population:
        return BY_HORIZON if other_horizon else BY_POPULATION
    return None


def run_all(tables, crisis: Crisis, rare_share: float = 0.1, min_rank: int = 4, window_days: int = 365,
            alpha: float = 0.05, population: str = "first deputies", public_rank: int = 6,
            steps: tuple[str, ...] | None = None) -> list[Result]:
    """Every step of the test for one crisis under the tables' current selection, in the order of the module's list.

    alpha: one minus the confidence of the exact intervals.
    population: who H2 (and H6b's comparison) counts, one of :data:`patronage.analysis.populations.POPULATIONS`.
    steps: only these hypotheses (by name), e.g. :data:`BY_POPULATION` to re-run what another
    population changes, :data:`BY_HORIZON` what another horizon changes; None for all.
    """
    confidence = 1 - alpha
    every = {
        "H1 genuine clients": lambda: defectors_were_genuine_clients(tables, crisis),
        "H2 loyalty": lambda: clients_stay_loyal(tables, crisis, rare_share, min_rank, confidence, population),
        "H3 no reward": lambda: defectors_not_rewarded(tables, crisis, window_days),
        "H3b scarcity: whose posts": lambda: rewards_cost_rivals_clients(tables, crisis, window_days),
        "H4 no switch for gain": lambda: clients_do_not_switch_for_gain(tables, crisis, window_days),
        "H4b motive (coding)": lambda: motive_as_coded(tables, crisis),
        "H5 no public reward": lambda: rewards_not_public(tables, crisis, window_days, public_rank),
        "H6a later defectors refused": lambda: later_defectors_refused(tables, crisis, window_days),
        "H6b defectors' fate": lambda: defectors_lose_office(tables, crisis, min_rank, window_days, population),
        "H7 network below the top": lambda: network_below_top_continues(tables, crisis, min_rank, window_days),
        "H8 reinsurance": lambda: reinsured_clients_defect(tables, crisis, confidence),
    }
    unknown = set(steps or ()) - set(every)
    if unknown:
        raise ValueError(f"unknown step(s) {sorted(unknown)}; the steps are {list(every)}")
    return [compute() for name, compute in every.items() if steps is None or name in steps]


def compare_with_article(verdicts: pd.DataFrame, patron: str, date) -> pd.DataFrame:
    """Computed verdicts beside the article's reading of each step (see :mod:`patronage.analysis.article`)."""
    return article.compare_with_article(verdicts, patron, date)
