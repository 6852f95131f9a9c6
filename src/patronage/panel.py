"""A panel of succession crises: every fall of a patron the tables record, and every hypothesis on each.

The crises are found in the data, never typed in. Under the tables' current selection:

- a *patron* is anyone who is the patron in at least one patronage tie;
- a *loss* is an event in which a person takes part as ``arrested``, ``dismissed`` or ``purged``
  (so a coup in which he is arrested is one);
- a loss is a *fall* if it cost him his highest office and nothing made up for it: he held an
  office the day before; he was arrested (an arrest ends every office), or an office he held at
  his highest rank that day ended within ``within_days`` after the event; and no new office of at
  least that rank began for him in the same span. A loss that takes only a lesser post, or is
  followed at once by an equal or higher one, is a reshuffle, not a fall: Khrushchev giving up
  the Moscow party committee in March 1953 and becoming the leading Secretary of the Central
  Committee the same month;
- losses of the same person within ``within_days`` after a fall belong to that fall.

A *crisis* is the fall of a patron. Its date is the point estimate (midpoint) of the event's
EDTF date, as a day. A patron can fall more than once (Malenkov in 1955 and in 1957); a crisis
whose roster is empty stays in the panel, with its verdicts "no data".
"""

from __future__ import annotations

import pandas as pd
from scipy import stats

from patronage.careers import point, posts_as_of
from patronage.crisis import DAY, Crisis, make_crisis
from patronage.hypotheses import run_all
from patronage.verdicts import VERDICTS

PersonId = str
FALL_ROLES = ("arrested", "dismissed", "purged")
CRISIS_COLUMNS = ["patron_id", "date", "event_id", "title"]


def patrons(tables) -> set[PersonId]:
    """Everyone who is the patron in at least one patronage tie of the selection."""
    t = tables.ties
    return set(t.loc[t["kind"] == "patronage", "patron_id"])


def losses(tables) -> pd.DataFrame:
    """Every participation as arrested, dismissed or purged: person, event, role, day and title.

    One row per person and event (the first role in FALL_ROLES order if he had several), by day.
    """
    e = tables.events.assign(day=point(tables.events, "date").dt.floor("D"))
    p = tables.event_participants[tables.event_participants["role"].isin(FALL_ROLES)]
    p = p.assign(order=p["role"].map(FALL_ROLES.index)).sort_values(["event_id", "person_id", "order"])
    p = p.drop_duplicates(["event_id", "person_id"]).merge(e[["event_id", "day", "title"]], on="event_id")
    return p[["person_id", "event_id", "role", "day", "title"]].sort_values(
        ["day", "person_id", "event_id"], kind="stable").reset_index(drop=True)


def is_fall(tables, person: PersonId, day: pd.Timestamp, role: str, within_days: int = 30) -> bool:
    """True if a loss on ``day`` cost ``person`` his highest office and no new office made up for it.

    See the module docstring for the rule.
    """
    held = posts_as_of(tables, day - DAY)
    held = held[held["person_id"] == person]
    if held.empty:
        return False
    rank, until = held["seniority"].max(), day + pd.Timedelta(days=within_days)
    ended = point(held, "end")[held["seniority"] == rank]
    s = tables.spells
    began = point(s, "start")
    new = s[(s["person_id"] == person) & ~s["spell_id"].isin(held["spell_id"]) & (s["seniority"] >= rank)
            & (began >= day - DAY) & (began <= until)]
    return bool((role == "arrested" or (ended <= until).any()) and new.empty)


def falls(tables, within_days: int = 30) -> pd.DataFrame:
    """Every fall the tables record, of patrons and of everyone else.

    returns: person_id, date, event_id, title, role, and patron (True if the person is a patron).
    """
    rows, last = [], {}
    for loss in losses(tables).itertuples(index=False):
        seen = last.get(loss.person_id)
        if seen is not None and loss.day - seen <= pd.Timedelta(days=within_days):
            continue
        if is_fall(tables, loss.person_id, loss.day, loss.role, within_days):
            last[loss.person_id] = loss.day
            rows.append({"person_id": loss.person_id, "date": loss.day, "event_id": loss.event_id,
                         "title": loss.title, "role": loss.role})
    out = pd.DataFrame(rows, columns=["person_id", "date", "event_id", "title", "role"])
    return out.assign(patron=out["person_id"].isin(patrons(tables)).astype(bool))


def crises(tables, within_days: int = 30) -> pd.DataFrame:
    """The crises the tables record: the falls of patrons, by date.

    returns: patron_id, date (a day), event_id, title.
    """
    f = falls(tables, within_days)
    f = f[f["patron"]].rename(columns={"person_id": "patron_id"})
    return f[CRISIS_COLUMNS].sort_values(["date", "patron_id"], kind="stable").reset_index(drop=True)


def label(tables, patron: PersonId, date) -> str:
    """A crisis' short name: the patron's surname and the day, e.g. 'Beria 1953-06-26'."""
    surname = tables.persons.set_index("person_id")["surname"].get(patron, patron)
    return f"{surname} {pd.Timestamp(date).date().isoformat()}"


def make_crises(tables, found: pd.DataFrame, horizon_years: float = 10) -> dict[str, Crisis]:
    """One Crisis per row of ``found`` (from :func:`crises`), keyed by its label, in date order."""
    return {label(tables, c.patron_id, c.date): make_crisis(tables, c.patron_id, c.date, horizon_years=horizon_years)
            for c in found.itertuples(index=False)}


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
        for result in run_all(tables, crisis, rare_share=rare_share, min_rank=min_rank, window_days=window_days,
                              alpha=alpha):
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


def pooled_defection(rosters: dict[str, Crisis], min_rank: int = 4, confidence: float = 0.95) -> pd.Series:
    """Defection among the top clients (rank >= min_rank) of all crises pooled, with the exact interval.

    Pooling treats every top client of every crisis as one draw from a common rate: an assumption,
    not a finding (the crises differ, and one crisis may hold most of the clients). The number of
    crises with any defection is given beside it.
    """
    tops = [c.roster[c.roster["rank_before"] >= min_rank] for c in rosters.values()]
    n, k = sum(len(t) for t in tops), sum(int(t["defected"].sum()) for t in tops)
    low, high = (float("nan"),) * 2
    if n:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
        low, high = ci.low, ci.high
    return pd.Series({"crises": len(rosters), "crises with top clients": sum(len(t) > 0 for t in tops),
                      "crises with a defection": sum(bool(t["defected"].any()) for t in tops),
                      "top clients": n, "defected": k, "share": k / n if n else float("nan"),
                      f"exact {confidence:.0%} CI low": low, f"exact {confidence:.0%} CI high": high}, dtype="object")


def lost_before(tables, crisis: Crisis, days: int = 365) -> pd.DataFrame:
    """The patron's clients whose patronage tie ended in the ``days`` before his fall, and their fate.

    They are not on the roster (a roster holds the clients of the day before): a network taken
    apart before its patron fell shows here, not in the verdicts.
    """
    t = tables.ties
    end = point(t, "end")
    gone = t[(t["kind"] == "patronage") & (t["patron_id"] == crisis.patron)
             & (end < crisis.date - DAY) & (end >= crisis.date - pd.Timedelta(days=days))]
    fate = tables.persons.set_index("person_id")["fate"]
    return pd.DataFrame({"client_id": gone["client_id"].to_numpy(), "tie ended": gone["end"].to_numpy(),
                         "fate": fate.reindex(gone["client_id"]).to_numpy()}).sort_values(
        ["tie ended", "client_id"]).reset_index(drop=True)


def defections(tables, rosters: dict[str, Crisis]) -> pd.DataFrame:
    """Every defection the tables record (a tie with ``defected`` true), and the crisis that counts it.

    A defection is counted by a crisis if its client is a defector on the roster of that crisis of
    its patron. The others happened where no patron fell (Rukhadze leaving Beria before the
    Mingrelian affair; a client deserting a patron who survived), or are not patronage ties.

    returns: tie_id, patron_id, client_id, kind, defection_date, counted in (a crisis label, or "none").
    """
    counted = {(c.patron, d): name for name, c in rosters.items() for d in c.defectors}
    t = tables.ties[tables.ties["defected"].fillna(False).astype(bool)]
    where = [counted.get((p, c), "none") for p, c in zip(t["patron_id"], t["client_id"], strict=True)]
    out = t.assign(**{"counted in": where})
    return out[["tie_id", "patron_id", "client_id", "kind", "defection_date", "counted in"]].sort_values(
        "tie_id").reset_index(drop=True)
