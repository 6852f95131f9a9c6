"""What became of the top clients of each crisis within a year (shot, arrested, dismissed, demoted, kept his post,
promoted), their posts around it for the small-multiples timeline, the clients lost before the fall, and
every defection the tables record with the crisis that counts it."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.careers import point, rank_as_of
from patronage.analysis.crisis import DAY, Crisis, PersonId
from patronage.analysis.outcomes import fate_between, first_loss, max_rank_between
from patronage.analysis.precedent import later_turns
from patronage.analysis.verdicts import number
from patronage.robustness.verdict_panel import top_clients


def lost_before(tables, crisis: Crisis, days: int = 365) -> pd.DataFrame:
    """The patron's clients whose patronage tie ended (its end read at its point estimate) in the ``days`` before his fall,
    and their fate.

    They are not on the roster (a roster holds the clients of the day before): a network taken
    apart before its patron fell shows here, not in the verdicts. A client whose tie several
    works attest is one row, with the tie that ended last.

    returns: client_id, tie ended (as recorded), fate (see :func:`recorded_fate`).
    """
    t = tables.ties
    end = point(t, "end")
    gone = t.assign(_end=end)[(t["kind"] == "patronage") & (t["patron_id"] == crisis.patron)
                              & (end < crisis.date - DAY) & (end >= crisis.date - pd.Timedelta(days=days))]
    gone = gone[~gone["tie_id"].isin(crisis.roster["tie_id"])]  # a tie his turn ended within the window: he is on the roster
    gone = gone.sort_values(["_end", "tie_id"]).drop_duplicates("client_id", keep="last")
    return pd.DataFrame({"client_id": gone["client_id"].to_numpy(), "tie ended": gone["end"].to_numpy(),
                         "fate": recorded_fate(tables, gone["client_id"])}).sort_values(
        ["tie ended", "client_id"]).reset_index(drop=True)


def none_lost_before(tables, rosters: dict[str, Crisis], days: int = 365) -> str:
    """Said where no crisis of ``rosters`` has a client lost before the fall (:func:`lost_before`): at how many crises
    the patron had a patronage tie recorded in the ``days`` before it, which could have ended there, and at which he
    had none (a crisis with no client recorded cannot show a client lost)."""
    t = tables.ties[tables.ties["kind"] == "patronage"]
    start, end = point(t, "start"), point(t, "end")
    empty = [name for name, c in rosters.items()
             if not ((t["patron_id"] == c.patron) & ~(start > c.date - DAY).fillna(False)
                     & ~(end < c.date - pd.Timedelta(days=days)).fillna(False)).any()]
    held = len(rosters) - len(empty)
    out = ("No crisis of the panel has a client of the patron recorded in the year before his fall" if not held else
           "At the one crisis whose patron had a client recorded in the year before his fall, no client's tie ended in that "
           "year" if held == 1 else f"At none of the {number(held, 'crisis')} whose patron had a client recorded in the year "
           "before his fall did a client's tie end in that year")
    listing = ", ".join(empty[:-1]) + f" and {empty[-1]}" if len(empty) > 1 else "".join(empty)
    return out + (f"; at {listing} the tables record no client of the patron in that year." if empty and held else ".")


def recorded_fate(tables, persons) -> list[str]:
    """Each person's fate as the tables record it: his ``fate`` attribute (executed, suicide, ...); else
    the last loss event he took part in, as its role and day ('executed (1940-02-02)'); else 'not recorded'."""
    persons = list(persons)
    attribute = tables.persons.set_index("person_id")["fate"]
    last = first_loss(tables, persons, pd.Timestamp.min, pd.Timestamp.max, order="last")
    out = []
    for p in persons:
        if pd.notna(attribute.get(p, pd.NA)):
            out.append(str(attribute[p]))
        elif pd.notna(last.at[p, "day"]):
            out.append(f"{last.at[p, 'role']} ({last.at[p, 'day'].date().isoformat()})")
        else:
            out.append("not recorded")
    return out


def defections(tables, rosters: dict[str, Crisis], min_rank: int | None = None) -> pd.DataFrame:
    """Every defection the tables record (a tie with ``defected`` true), and the crisis that counts it.

    A defection is counted by a crisis if its client is a defector on the roster of that crisis of
    its patron. The others happened where no patron fell (Rukhadze leaving Beria before the
    Mingrelian affair; a client deserting a patron who survived), or are not patronage ties.
    With ``min_rank``, whether it is also in the pooled share (:func:`patronage.robustness.pooled.pooled_defection`),
    which counts only top clients: a defector on the roster below that rank, or of unknown rank, is counted by the
    steps of his crisis but not by the share (Zhuravlev, rank 3 at Yezhov's fall).

    One defection recorded on the ties of two works (the same pair, kind and date) is one row, its ties' ids joined.

    returns: tie_id, patron_id, client_id, kind, defection_date, counted in (a crisis label; "CRISIS, as a later turn
    (step H6a)" for a defection that step of the crisis counts; or "none"); with
    ``min_rank``, also "in the pooled share" ('yes', 'no: rank R the day before', 'no: rank unknown the day before',
    'no: a turn after the crisis', '–').
    """
    counted = {(c.patron, d): name for name, c in rosters.items() for d in c.defectors}
    for name, c in rosters.items():  # a defection after the crisis, before the patron's next fall: step H6a's
        turns, _ = later_turns(tables, c)
        counted.update({(c.patron, p): f"{name}, as a later turn (step H6a)"
                        for p in turns.loc[turns["act"] == "defected", "person_id"] if (c.patron, p) not in counted})
    ranks = {(name, r.client_id): r.rank_before for name, c in rosters.items() for r in c.roster.itertuples()}
    t = tables.ties[tables.ties["defected"].fillna(False).astype(bool)].sort_values("tie_id")
    where = [counted.get((p, c), "none") for p, c in zip(t["patron_id"], t["client_id"], strict=True)]
    out = t.assign(**{"counted in": where}).groupby(["patron_id", "client_id", "kind", "defection_date", "counted in"],
                                                    sort=False, dropna=False)["tie_id"].agg("; ".join).reset_index()
    columns = ["tie_id", "patron_id", "client_id", "kind", "defection_date", "counted in"]
    if min_rank is not None:
        out["in the pooled share"] = [_in_share(where, ranks.get((where, c)), min_rank)  # his rank at the crisis counting it
                                      for c, where in zip(out["client_id"], out["counted in"], strict=True)]
        columns.append("in the pooled share")
    return out[columns].sort_values("tie_id").reset_index(drop=True)


def _in_share(where: str, rank, min_rank: int) -> str:
    """Whether a defection a crisis counts is in the pooled share of top clients (rank >= min_rank the day before)."""
    if where == "none":
        return "–"
    if where.endswith("(step H6a)"):
        return "no: a turn after the crisis"
    if pd.isna(rank):
        return "no: rank unknown the day before"
    return "yes" if rank >= min_rank else f"no: rank {int(rank)} the day before"


FATE_ORDER = ("shot", "arrested", "dismissed", "demoted", "kept his post", "promoted", "not recorded")


def turncoats(rosters: dict[str, Crisis], tables=None) -> pd.DataFrame:
    """Everyone recorded acting against the patron at each crisis: crisis, person_id, whether a tie puts him on
    the roster, and his rank the day before (NA: no post of his recorded that day; without ``tables``, the rank is
    read from the roster only, so NA for a man off it)."""
    rows = []
    for name, c in rosters.items():
        ranks = c.roster.drop_duplicates("client_id").set_index("client_id")["rank_before"]
        if tables is not None and c.turncoats:
            ranks = rank_as_of(tables, c.date - DAY, list(c.turncoats), missing=pd.NA).combine_first(ranks)
        rows += [{"crisis": name, "person_id": p, "on the roster": p in set(c.roster["client_id"]),
                  "rank the day before": ranks.get(p, pd.NA)} for p in c.turncoats]
    return pd.DataFrame(rows, columns=["crisis", "person_id", "on the roster", "rank the day before"])


def client_fate(tables, crisis: Crisis, person: PersonId, rank_before, window_days: int = 365) -> tuple[str, str]:
    """What became of one client within ``window_days`` after the crisis, in one word, and how (the row's words).

    The worst that befell him in the span, in the order of FATE_ORDER: shot (executed within the span), arrested
    (an arrest in it, even after a first loss of office), dismissed (a loss of office other than arrest),
    demoted (his highest rank in the span fell below his rank the day before, with no loss),
    promoted (it rose), kept his post (it stayed), not recorded.
    """
    end = crisis.date + pd.Timedelta(days=window_days)
    for role, word in (("executed", "shot"), ("arrested", "arrested")):
        event = first_loss(tables, [person], crisis.date, end, (role,)).iloc[0]
        if pd.notna(event["day"]):
            events = tables.events.set_index("event_id")
            return word, f"{events.at[event['event_id'], 'title']} ({events.at[event['event_id'], 'date']}; event {event['event_id']})"
    fate = fate_between(tables, [person], crisis.date, end).iloc[0]
    if fate["fate"] == "lost":
        word = "arrested" if "arrest" in fate["how"] else "demoted" if "demotion" in fate["how"] else "dismissed"
        return word, f"{fate['how']} ({fate['dated']})"
    after = max_rank_between(tables, [person], crisis.date + DAY, end, missing=pd.NA).iloc[0]
    if pd.isna(after) or pd.isna(rank_before) or fate["fate"] == "unknown":
        return "not recorded", fate["how"]
    word = "promoted" if after > rank_before else "demoted" if after < rank_before else "kept his post"
    return word, f"rank {rank_before} -> {after}; {fate['how']}"


def client_fates(tables, rosters: dict[str, Crisis], min_rank: int = 4, window_days: int = 365) -> pd.DataFrame:
    """Each top client of each crisis: the rows that put him there, whether he defected, and his fate within the window.

    returns: crisis, person_id, name, tie, post the day before, rank, defected, fate (one of
    FATE_ORDER), how.
    """
    frames = []
    for name, crisis in rosters.items():
        top = top_clients(tables, crisis, min_rank)
        fates = [client_fate(tables, crisis, p, r, window_days) for p, r in zip(top["person_id"], top["rank"], strict=True)]
        frames.append(top.assign(crisis=name, fate=[f for f, _ in fates], how=[h for _, h in fates]))
    columns = ["crisis", "person_id", "name", "tie", "post the day before", "rank", "defected", "fate", "how"]
    out = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    return out.astype({"defected": bool})  # a crisis with no top client would otherwise turn the column to 0.0 and 1.0


def career_bars(tables, fates: pd.DataFrame, rosters: dict[str, Crisis], years_before: float = 2,
                years_after: float = 3) -> pd.DataFrame:
    """The posts of each top client around his crisis, in years from it (for the small-multiples timeline).

    returns: crisis, name, post, rank, from, to (years from the crisis, clipped to the span), end_cause, fate.
    """
    rows = []
    s = tables.spells
    for f in fates.itertuples(index=False):
        day = rosters[f.crisis].date
        lo, hi = day - pd.DateOffset(years=years_before), day + pd.DateOffset(years=years_after)
        mine = s[s["person_id"] == f.person_id]
        start, end = point(mine, "start"), point(mine, "end").fillna(hi)
        for spell, a, b in zip(mine.itertuples(index=False), start, end, strict=True):
            if b < lo or a > hi:
                continue
            rows.append({"crisis": f.crisis, "name": f.name, "post": spell.post, "rank": spell.seniority,
                         "from": (max(a, lo) - day).days / 365.25, "to": (min(b, hi) - day).days / 365.25,
                         "end_cause": spell.end_cause, "fate": f.fate})
    return pd.DataFrame(rows, columns=["crisis", "name", "post", "rank", "from", "to", "end_cause", "fate"])
