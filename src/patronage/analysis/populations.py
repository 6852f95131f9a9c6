"""Who is counted: the populations of the hypotheses, each person with the rows that put him there.

A population is chosen before anything is computed, and named by a parameter, never implied by
a threshold that pulls people in through posts nobody chose to count:

- ``first deputies``: the patron's clients who, the day before his fall, held a post one rank
  below his in an organisation (lineage) in which he held a post: his right-hand men;
- ``high office``: his clients whose rank that day is recorded and at least ``min_rank``;
- ``all clients``: every client of his recorded that day, whatever his rank.

A client whose rank the day before is not recorded is never counted as rank 0: he is left out of
the populations defined by rank, and the population's description says how many were.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from patronage.analysis.careers import running_on
from patronage.analysis.crisis import DAY, Crisis, PersonId
from patronage.analysis.offices import spells_with_lineage
from patronage.analysis.verdicts import number, population_text
from patronage.tables.checks import check_choice

POPULATIONS = ("first deputies", "high office", "all clients")

# Whether the steps list their members in full (name, tie, post and quotations: what a notebook shows) or only whom
# they count. A run that reads nothing of a step but its value, verdict and the persons counted (the date draws, the
# grid, the thresholds, the panel) would otherwise join each member's tie and post hundreds of times for nothing.
_IN_FULL = contextvars.ContextVar("members in full", default=True)


@contextlib.contextmanager
def members_by_id() -> Iterator[None]:
    """Within this block the steps' members tables give person_id and 'counted because' only (:func:`evidence`);
    every value, verdict, reason and person counted is as in full."""
    token = _IN_FULL.set(False)
    try:
        yield
    finally:
        _IN_FULL.reset(token)


def members_in_full() -> bool:
    """False within :func:`members_by_id`."""
    return _IN_FULL.get()


@dataclass(frozen=True)
class Population:
    """Who is counted: ids in roster order, a description with the number, and one row of evidence per person."""

    ids: list[PersonId]
    text: str
    members: pd.DataFrame = field(repr=False)


def posts_the_day_before(tables, crisis: Crisis) -> pd.DataFrame:
    """Every post running the day before the crisis, with its lineage: computed once per crisis and tables,
    since each population and each step reads it."""
    before = crisis.date - DAY
    return crisis.remember(tables, ("posts the day before",),
                           lambda: spells_with_lineage(tables, running_on(tables, "spells", before).to_numpy()))


def posts_before(tables, crisis: Crisis, persons) -> pd.DataFrame:
    """Each person's highest post running the day before the crisis: spell_id, post, seniority, lineage, quote.

    returns: one row per person who held a post that day (index person_id).
    """
    def highest() -> pd.DataFrame:  # everyone's, once per crisis and tables: each population and step asks
        s = posts_the_day_before(tables, crisis).sort_values(["person_id", "seniority", "spell_id"],
                                                             ascending=[True, False, True], kind="stable")
        return s.drop_duplicates("person_id").set_index("person_id")[["spell_id", "post", "seniority", "lineage", "quote"]]

    top = crisis.remember(tables, ("highest post the day before",), highest)
    return top[top.index.isin(list(persons))]


def first_deputies(tables, crisis: Crisis) -> list[PersonId]:
    """The patron's clients who held, the day before his fall, a post one rank below one of his, in the same lineage."""
    s, clients = posts_the_day_before(tables, crisis), set(crisis.roster["client_id"])
    # the patron's and his clients' posts that day, compared as plain records (pandas' isin finds them among all that day's)
    posts = list(s.loc[s["person_id"].isin([crisis.patron, *clients]).to_numpy(dtype=bool),
                       ["person_id", "lineage", "seniority"]].itertuples(index=False))
    his = {(r.lineage, r.seniority) for r in posts if r.person_id == crisis.patron and pd.notna(r.lineage) and pd.notna(r.seniority)}
    chosen = {r.person_id for r in posts if r.person_id in clients and pd.notna(r.lineage) and (r.lineage, r.seniority + 1) in his}
    return [c for c in crisis.roster["client_id"] if c in chosen]


def evidence(tables, crisis: Crisis, ids, why: str) -> pd.DataFrame:
    """One row per person: his name, why he is counted, and the tie and the post (with their quotations) that put him there
    (within :func:`members_by_id`, the person and why he is counted only)."""
    if not members_in_full():
        return pd.DataFrame({"person_id": pd.Series(list(ids), dtype=object), "counted because": why})
    names = tables.undated("names", lambda t: t.persons.set_index("person_id")["name"])
    # plain dicts, not a row lookup per person: every run of the steps builds several of these tables
    quotes = tables.undated("tie quotes", lambda t: dict(zip(t.ties["tie_id"], t.ties["quote"], strict=True)))
    roster = dict(zip(crisis.roster["client_id"], crisis.roster["tie_id"], strict=True))
    posts = posts_before(tables, crisis, ids)
    held = dict(zip(posts.index, zip(posts["spell_id"], posts["seniority"], posts["quote"], strict=True), strict=True))
    rows = []
    for person in ids:
        tie = roster.get(person, pd.NA)
        spell, rank, quote = held.get(person, (pd.NA, pd.NA, pd.NA))
        rows.append({"person_id": person, "name": names.get(person, person), "counted because": why,
                     "tie": tie, "tie quote": quotes.get(tie, pd.NA) if pd.notna(tie) else pd.NA,
                     "post the day before": spell, "rank": rank, "post quote": quote})
    return pd.DataFrame(rows, columns=["person_id", "name", "counted because", "tie", "tie quote", "post the day before",
                                       "rank", "post quote"])


def population_of(tables, crisis: Crisis, which: str = "first deputies", min_rank: int = 4) -> Population:
    """:func:`population`, made once per crisis and tables for the steps that share it (H2 and H6b), and once more within
    :func:`members_by_id`, so that neither run hands the other members listed its own way."""
    return crisis.remember(tables, ("population", which, min_rank, members_in_full()), lambda: population(tables, crisis, which, min_rank))


def population(tables, crisis: Crisis, which: str = "first deputies", min_rank: int = 4) -> Population:
    """The clients a hypothesis counts, by name of the population (see the module docstring).

    raises ParameterError naming ``population`` for an unknown name.
    """
    check_choice("population", which, POPULATIONS)
    roster = crisis.roster
    unknown = int(roster["rank_before"].isna().sum())
    if which == "first deputies":
        ids = first_deputies(tables, crisis)
        label = "the patron's clients one rank below him the day before in an organisation where he held a post ('first deputies')"
        why = "client, and one rank below the patron in an organisation where the patron held a post"
    elif which == "high office":
        ids = list(roster.loc[roster["rank_before"].ge(min_rank).fillna(False).to_numpy(dtype=bool), "client_id"])
        label = f"the patron's clients in high office (rank >= {min_rank}) the day before"
        why = f"client, rank >= {min_rank} the day before"
    else:
        ids = list(roster["client_id"])
        label = "every client of the patron recorded the day before"
        why = "client the day before"
    text = population_text(tables, label, ids)
    if which != "all clients" and unknown:
        text += f"; {number(unknown, 'client')} of unknown rank that day not counted"
    return Population(ids, text, evidence(tables, crisis, ids, why))


def below_the_top(crisis: Crisis, min_rank: int, rivals_clients: bool = False) -> list[PersonId]:
    """The patron's clients whose rank the day before is recorded and below ``min_rank``, who did not defect at the
    crisis and were no client of a rival as well: his network below the top. A turncoat left in place is not the
    network left in place, nor is a man the rival who won also protected (Ignatiev, Khrushchev's client since
    December 1953, at Malenkov's fall in 1955). rivals_clients: those left out as a rival's client too instead."""
    r = crisis.roster
    below = (r["rank_before"].lt(min_rank).fillna(False).to_numpy(dtype=bool) & ~r["defected"].to_numpy(dtype=bool)
             & (r["rival_client"].to_numpy(dtype=bool) == rivals_clients))
    return list(r.loc[below, "client_id"])


def unranked_loyal(crisis: Crisis) -> list[PersonId]:
    """The patron's clients with no rank recorded the day before who did not defect and were no rival's client: those
    who may be below the top (:func:`below_the_top`), or above it; a defector of unknown rank is neither."""
    r = crisis.roster
    return list(r.loc[(r["rank_before"].isna() & ~r["defected"].astype(bool) & ~r["rival_client"].astype(bool)).to_numpy(bool),
                      "client_id"])
