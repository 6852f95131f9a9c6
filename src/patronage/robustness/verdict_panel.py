"""The panel's verdicts: every step of the test on every crisis, one row per crisis and hypothesis, as a grid
and summarised; each crisis's top clients with the rows that put them there."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.crisis import Crisis
from patronage.analysis.hypotheses import run_all
from patronage.analysis.populations import members_by_id, population
from patronage.analysis.verdicts import VERDICTS, share_reach
from patronage.robustness.falls import make_crises


def roster_sizes(crisis: Crisis, min_rank: int = 4) -> dict[str, int]:
    """How many clients a crisis' roster holds, how many of rank >= min_rank, how many defected."""
    r = crisis.roster
    return {"clients": len(r), "top clients": int((r["rank_before"] >= min_rank).sum()),
            "defectors": int(r["defected"].sum())}


def panel(tables, found: pd.DataFrame, horizon_years: float = 10, min_rank: int = 4, rare_share: float = 0.1,
          window_days: int = 365, alpha: float = 0.05) -> pd.DataFrame:
    """The verdict of every hypothesis for every crisis: one row per crisis x hypothesis.

    found: the crises, as :func:`crises` returns them.
    returns: crisis, patron_id, date, clients, top clients, defectors, hypothesis, value, verdict.
    """
    rows = []
    for name, crisis in make_crises(tables, found, horizon_years).items():
        sizes = roster_sizes(crisis, min_rank)
        with members_by_id():  # the panel keeps each step's value and verdict only
            results = run_all(tables, crisis, rare_share=rare_share, min_rank=min_rank, window_days=window_days, alpha=alpha)
        for result in results:
            rows.append({"crisis": name, "patron_id": crisis.patron, "date": crisis.date.date().isoformat(), **sizes,
                         "hypothesis": result.hypothesis, "value": result.value, "verdict": result.verdict})
    columns = ["crisis", "patron_id", "date", "clients", "top clients", "defectors", "hypothesis", "value", "verdict"]
    return pd.DataFrame(rows, columns=columns)


def verdict_grid(result: pd.DataFrame) -> pd.DataFrame:
    """The verdicts as a table: one row per crisis (in date order), one column per hypothesis."""
    order = result.drop_duplicates("crisis").sort_values(["date", "crisis"])["crisis"]
    grid = result.pivot(index="crisis", columns="hypothesis", values="verdict")
    return grid.reindex(order).rename_axis(columns=None)


def summary(result: pd.DataFrame) -> pd.DataFrame:
    """Small-N summary across crises: for each hypothesis, in how many crises each verdict came out.

    returns: one row per hypothesis (sorted), a column per verdict, and ``crises`` (the total).
    """
    counts = pd.crosstab(result["hypothesis"], result["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    counts = counts.assign(crises=counts.sum(axis=1)).sort_index()
    return counts.rename_axis(index="hypothesis", columns=None).astype(int)


PANEL_COLUMNS = ["crisis", "patron", "date", "hypothesis", "verdict", "top_clients", "defected"]


def top_clients(tables, crisis: Crisis, min_rank: int = 4) -> pd.DataFrame:
    """The patron's clients in high office (rank >= min_rank) the day before, each with the rows that put him there.

    returns: person_id, name, tie (the patronage tie running that day), post the day before
    (the spell that gives his rank), rank, defected.
    """
    pop = population(tables, crisis, "high office", min_rank)
    defected = crisis.roster.set_index("client_id")["defected"]
    return pop.members[["person_id", "name", "tie", "post the day before", "rank"]].assign(
        defected=[bool(defected.get(p, False)) for p in pop.ids])


def panel_table(tables, rosters: dict[str, Crisis], listed: pd.DataFrame, min_rank: int = 4, rare_share: float = 0.1,
                window_days: int = 365, alpha: float = 0.05, population: str = "high office") -> pd.DataFrame:
    """The panel: one row per crisis and hypothesis (:data:`PANEL_COLUMNS`, then value and population).

    Each crisis is tested by :func:`patronage.analysis.hypotheses.run_all`, exactly as notebook 03 tests one;
    ``population`` is whom the loyalty step counts (by default every client in high office, the
    top clients whose number the row gives). top_clients: his clients of rank >= min_rank the day
    before; defected: how many of them defected.
    """
    names = tables.persons.set_index("person_id")["name"]
    rows = []
    for c in listed.itertuples(index=False):
        crisis = rosters[c.crisis]
        top = top_clients(tables, crisis, min_rank)
        with members_by_id():  # the panel keeps each step's value, verdict and population only
            results = run_all(tables, crisis, rare_share=rare_share, min_rank=min_rank, window_days=window_days, alpha=alpha,
                              population=population)
        for r in results:
            rows.append({"crisis": c.crisis, "patron": names.get(c.patron_id, c.patron_id),
                         "date": crisis.date.date().isoformat(), "hypothesis": r.hypothesis, "verdict": r.verdict,
                         "top_clients": len(top), "defected": int(top["defected"].sum()), "value": r.value,
                         "population": r.population})
    return pd.DataFrame(rows, columns=[*PANEL_COLUMNS, "value", "population"])


def loyalty_reach(table: pd.DataFrame, rare_share: float = 0.1, alpha: float = 0.05) -> str:
    """Whether the loyalty step (H2, the share rule over each crisis's top clients, :func:`panel_table`'s population)
    could have held or failed at each crisis of the panel, given how many top clients each has: with few, only one
    verdict of the rule is within reach, and an 'inconclusive' is then the rule's limit, not the data's."""
    reach = share_reach(rare_share, 1 - alpha)
    sizes = table.drop_duplicates("crisis").set_index("crisis")["top_clients"]
    if sizes.empty:
        return "No crisis: the loyalty step was not run."
    can_hold = [c for c, n in sizes.items() if reach["holds"] is not None and n >= reach["holds"]]
    can_fail = [c for c, n in sizes.items() if reach["fails"] is not None and n >= reach["fails"]]
    holds = (f"at least {reach['holds']} top clients, none defecting" if reach["holds"] is not None
             else "no number of top clients")
    fails = f"at least {reach['fails']}, every one defecting" if reach["fails"] is not None else "no number"
    return (f"The loyalty step (H2, rare share {rare_share}, {1 - alpha:.0%} exact interval) can hold with {holds}, and fail "
            f"with {fails}; the crises have {int(sizes.min())} to {int(sizes.max())} top clients, so it could hold "
            f"{_where(can_hold, list(sizes.index))} and fail {_where(can_fail, list(sizes.index))}. Where it cannot hold, "
            "an 'inconclusive' says what the rule can say of so few clients, not that they lean against Fairbanks.")


def _where(found: list[str], crises: list[str]) -> str:
    """'at no crisis of the panel', 'at every crisis', 'only at A and B', or 'at every crisis but C' (the shorter)."""
    if not found or len(found) == len(crises):
        return "at no crisis of the panel" if not found else "at every crisis"
    if len(found) <= len(crises) / 2:
        return "only at " + " and ".join([", ".join(found[:-1]), found[-1]] if len(found) > 1 else found)
    rest = [c for c in crises if c not in found]
    return "at every crisis but " + " and ".join([", ".join(rest[:-1]), rest[-1]] if len(rest) > 1 else rest)


def no_data_share(table: pd.DataFrame, verdict: str = "no data") -> float:
    """The share of the panel's cells (crisis x hypothesis) whose verdict is 'no data' (or ``verdict``, e.g. 'no case')."""
    return float((table["verdict"] == verdict).mean()) if len(table) else float("nan")
