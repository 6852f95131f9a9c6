"""The defectors of a crisis as the steps of the test count them (ids, description, the rows that put each
one there), the coding that makes them defectors, and their rank before and after the fall."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.analysis.careers import point_of
from patronage.analysis.crisis import Crisis
from patronage.analysis.outcomes import ranks_around
from patronage.analysis.populations import evidence
from patronage.analysis.verdicts import Result, nothing_to_count, number, population_text, rank_text
from patronage.tables.bounds import spell_start_bounds


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
    """Each defector's rank the day before and his highest within the window (NA: not recorded), and promoted.

    A higher post whose start may fall before the window's end or after it, within the bounds the date draws read
    (:func:`patronage.tables.bounds.spell_start_bounds`), decides nothing, as a loss dated across the end of a
    span decides nothing (:func:`patronage.analysis.outcomes.fate_between`): promoted is then NA, an outcome not
    recorded, unless a post certainly begun in time decides it. Otherwise the point estimates decide, as before.
    Columns: rank before, rank after (at the point estimates, or the rank of a post certainly begun in time where
    that is higher), promoted, undecided (the post whose start decides nothing, as dated, and why; '' where none),
    undecided rank (the highest rank such a post could give; NA where none). Where a post certainly begun in time
    decides the promotion, a post higher still whose start may fall on either side of the window's end is undecided
    all the same: how high the defector rose is then open (step 5), though that he rose is not."""
    return crisis.remember(tables, ("rewards", window_days), lambda: _rewards_now(tables, crisis, window_days))


def _rewards_now(tables, crisis: Crisis, window_days: int) -> pd.DataFrame:
    end = crisis.date + pd.Timedelta(days=window_days)
    ranks = ranks_around(tables, crisis, crisis.defectors, pd.Timedelta(days=window_days))
    known = ranks["rank before"].notna() & ranks["rank after"].notna()
    promoted = (ranks["rank after"] > ranks["rank before"]).astype("boolean").where(known.to_numpy(), pd.NA)
    undecided = pd.Series("", index=ranks.index, dtype="object")
    reach = pd.Series(pd.NA, index=ranks.index, dtype="Int64")  # the highest rank an undecided post could give
    loose = _loose_higher_posts(tables, crisis, ranks["rank before"], end)
    for person, post in loose.groupby("person_id", sort=False):
        after = ranks.at[person, "rank after"]
        if post["surely"].any():  # a higher post certainly begun in time decides it, wherever its midpoint lies
            promoted[person] = True
            top = int(post.loc[post["surely"], "seniority"].max())
            # one higher still may have raised him further in time, or not: how high he rose (step 5) it leaves open,
            # wherever its midpoint lies (the point estimates may have read it as begun in time)
            post = post[~post["surely"] & (post["seniority"] > top)]
            ranks.loc[person, "rank after"] = top if len(post) or pd.isna(after) else max(top, after)
            if post.empty:
                continue
        else:  # one that may have begun in time or after it decides nothing
            promoted[person] = pd.NA
        first = post.sort_values("seniority", ascending=False, kind="stable").iloc[0]  # the highest decides step 5
        undecided[person] = f"{first['post']}, dated {first['start']}, may begin after {end.date()}"
        reach[person] = int(post["seniority"].max())
    return ranks.assign(promoted=promoted, undecided=undecided, **{"undecided rank": reach})


def _loose_higher_posts(tables, crisis: Crisis, before: pd.Series, end: pd.Timestamp) -> pd.DataFrame:
    """The defectors' posts above their rank the day before, not ended before the fall (at the point estimates, as
    ``rank after`` reads them), that may have begun by ``end``; surely: begun by then whatever the day. Only where a
    start of theirs is uncertain (a table of drawn dates has none): person_id, post, start, seniority, surely."""
    s = tables.spells
    mine = s["person_id"].isin(list(crisis.defectors)).to_numpy(dtype=bool)
    if not (s["start_lo"] != s["start_hi"]).to_numpy(dtype=bool)[mine].any():
        return pd.DataFrame(columns=["person_id", "post", "start", "seniority", "surely"])
    lo, hi = spell_start_bounds(tables)
    rank = s["person_id"].map(before).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    higher = mine & (s["seniority"].to_numpy(dtype=float) > rank)  # NaN compares False: an unknown rank before
    alive = ~(point_of(tables, "spells", "end") < crisis.date).fillna(False).to_numpy(dtype=bool)
    limit = np.datetime64(end.date(), "D")
    may = higher & alive & (lo <= limit)
    return s[may].assign(surely=(hi <= limit)[may])[["person_id", "post", "start", "seniority", "surely"]]


def rank_change(ranks: pd.DataFrame, person) -> str:
    """'rank 5 -> 6' for one defector of :func:`rewards_of`, and where a post's start decides nothing, which and why:
    'rank 5 -> 5 (undecided: head of the MGB, dated 1953-06-26/1954, may begin after 1953-12-23)'; 'perhaps higher'
    where he rose all the same and the post open is one higher still."""
    r = ranks.loc[person]
    text = f"rank {rank_text(r['rank before'])} -> {rank_text(r['rank after'])}"
    rose = pd.notna(r.get("promoted")) and bool(r.get("promoted"))  # then the post open is one higher still
    return f"{text} ({'perhaps higher' if rose else 'undecided'}: {r['undecided']})" if r.get("undecided") else text
