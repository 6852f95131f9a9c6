"""What happened to people after a crisis: rank gained, posts taken over, losses, time in office."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.analysis.careers import active, point, rank_as_of
from patronage.analysis.crisis import DAY, LOSS_ROLES, Crisis
from patronage.tables.columns import TEXT

SUCCESSION_GAP = pd.Timedelta(days=120)  # a post counts as taken over if its holder left at most this long before
RENAMING_GAP = pd.Timedelta(days=31)  # a spell continues the same office under a new name if it follows this closely
# the ends of a post that are a loss of it, not a move: spells.end_cause
LOSS_CAUSES = ("dismissal", "demotion", "arrest", "execution", "retirement", "resignation")
# the events that take a person's office from him: event_participants.role (medals and party cards are not offices)
OFFICE_LOSS_ROLES = ("arrested", "executed", "dismissed", "purged")


def max_rank_between(tables, persons, start, end, missing=0) -> pd.Series:
    """Highest seniority each person held at any time between two days.

    missing: the value for a person with no post recorded in the span (0 by default; ``pd.NA``
    where that means unknown).
    """
    s = tables.spells[tables.spells["person_id"].isin(list(persons))]
    began, ended = point(s, "start"), point(s, "end")
    overlap = s[(began <= end) & ~(ended < start).fillna(False)]
    held = overlap.groupby("person_id")["seniority"].max().reindex(list(persons))
    return held.astype("Int64") if missing is pd.NA else held.fillna(missing).astype(int)


def first_loss(tables, persons, start, end, roles=LOSS_ROLES) -> pd.DataFrame:
    """Each person's first event between two days in which he took part in one of ``roles`` (by default
    arrested, executed, dismissed, purged, stripped, expelled): event_id, role, day (NaT if none)."""
    persons = list(persons)
    p = tables.event_participants
    p = p.loc[p["person_id"].isin(persons) & p["role"].isin(roles), ["event_id", "person_id", "role"]]
    e = tables.events
    e = e.loc[e["event_id"].isin(p["event_id"]), ["event_id", "kind", "date_lo", "date_hi"]]  # a few, not the register
    parts = p.merge(e, on="event_id")
    parts = parts.assign(day=point(parts, "date"))
    hit = parts[(parts["day"] >= start) & (parts["day"] <= end)]
    first = hit.sort_values(["day", "event_id"]).drop_duplicates("person_id").set_index("person_id")
    return first[["event_id", "role", "day"]].reindex(persons)


def gained_posts(tables, persons, start, end, above: pd.Series) -> pd.DataFrame:
    """Offices taken up between two days at a seniority above the person's rank in ``above``.

    A spell that only continues the person's own office under a new name (same lineage, same
    seniority, the previous spell ending at most RENAMING_GAP before) is not a new office.
    """
    mine = with_lineage(tables, tables.spells[tables.spells["person_id"].isin(list(persons))])
    new = mine[(mine["start_day"] >= start) & (mine["start_day"] <= end) & (mine["seniority"] > mine["person_id"].map(above))]
    # an earlier spell of the same person in the same office (lineage, rank) still running, or ended
    # at most RENAMING_GAP before: the new spell continues it under a new name
    keys = ["person_id", "lineage", "seniority"]
    pairs = new[keys + ["spell_id", "start_day"]].assign(row=np.arange(len(new))).merge(
        mine.loc[mine["lineage"].notna(), keys + ["spell_id", "start_day", "end_day"]].rename(columns={"end_day": "end_day_before"}),
        on=keys, suffixes=("", "_before"))
    renamed = pairs[(pairs["spell_id_before"] != pairs["spell_id"]) & (pairs["start_day_before"] < pairs["start_day"])
                    & (pairs["end_day_before"] >= pairs["start_day"] - RENAMING_GAP)]
    new = new[~np.isin(np.arange(len(new)), renamed["row"].to_numpy())]
    return new.drop(columns=["lineage", "start_day", "end_day"]).sort_values(["person_id", "start_lo"])


def with_lineage(tables, spells: pd.DataFrame) -> pd.DataFrame:
    """spells with their office's lineage and the point estimates start_day and end_day."""
    lineage = tables.organisations.set_index("org_id")["lineage"]
    return spells.assign(lineage=spells["org_id"].map(lineage), start_day=point(spells, "start"), end_day=point(spells, "end"))


def same_office(tables, spells: pd.DataFrame) -> pd.DataFrame:
    """Every pair of a spell in ``spells`` (left, key ``row``: its position) and another person's spell
    of the same office (same lineage across renamings, same seniority; right columns suffixed ``_other``).

    One merge on (lineage, seniority) instead of a scan of all spells per spell.
    """
    mine = with_lineage(tables, spells).assign(row=range(len(spells)))
    mine = mine[mine["lineage"].notna()]
    others = tables.derived("spells with lineage", lambda t: with_lineage(t, t.spells))
    others = others.loc[others["lineage"].notna(), ["lineage", "seniority", "person_id", "spell_id", "start_day", "end_day"]]
    pairs = mine[["row", "lineage", "seniority", "person_id", "start_day", "end_day"]].merge(
        others, on=["lineage", "seniority"], suffixes=("", "_other"))
    return pairs[pairs["person_id_other"] != pairs["person_id"]]


def predecessors(tables, spells: pd.DataFrame) -> pd.DataFrame:
    """For each spell, who held the same office just before: same lineage, same seniority.

    "The same office" is computed across renamings through organisations.lineage (the NKVD
    and the MVD are one lineage). A holder counts as predecessor if his spell ended at most
    SUCCESSION_GAP before (or a day after) the new spell began; of several, the last to leave.

    returns: spells with predecessor_id (NA: a new office or no earlier holder recorded).
    """
    pairs = same_office(tables, spells)
    prior = pairs[(pairs["end_day_other"] >= pairs["start_day"] - SUCCESSION_GAP)
                  & (pairs["end_day_other"] <= pairs["start_day"] + DAY)]
    last = prior.sort_values(["row", "end_day_other", "spell_id"]).drop_duplicates("row", keep="last")
    found = last.set_index("row")["person_id_other"].reindex(range(len(spells)))
    return spells.assign(predecessor_id=pd.array(found.to_numpy(), dtype=TEXT))


def relation(person, crisis: Crisis, rival_clients: set) -> str:
    """How a person stood at the crisis: the patron, his loyal client, a defector, a rival('s client)."""
    if pd.isna(person):
        return "new office"
    if person == crisis.patron:
        return "the fallen patron"
    if person in crisis.defectors or person in crisis.turncoats:
        return "defector"
    if person in set(crisis.roster["client_id"]):
        return "patron's client"
    if person in crisis.rivals:
        return "rival"
    if person in rival_clients:
        return "rival's client"
    return "other"


def rival_clients(tables, crisis: Crisis) -> set:
    """Clients of the rivals the day before the crisis (patronage ties), turncoats excluded."""
    t = tables.ties
    t = t[(t["kind"] == "patronage") & t["patron_id"].isin(crisis.rivals) & active(t, crisis.date - DAY)]
    return set(t["client_id"]) - set(crisis.turncoats) - set(crisis.roster["client_id"]) - {crisis.patron}


def vacancies(tables, crisis: Crisis) -> pd.DataFrame:
    """Posts the purge emptied: held the day before by the patron or a loyal client who then lost them.

    The successor is the first other person to take up the same office (lineage and rank) between
    the day before the crisis and SUCCESSION_GAP after the loss, unless he already held an office
    of that lineage and rank the day before (then he is continuing, not succeeding).

    returns: one row per post: holder, post, loss, successor and how the successor stood.
    """
    columns = ["holder", "post", "seniority", "lost", "on", "successor", "successor stood"]
    loyal = [c for c in crisis.roster["client_id"] if c not in crisis.defectors] + [crisis.patron]
    before = crisis.date - DAY
    held = tables.spells[tables.spells["person_id"].isin(loyal)]
    held = held[active(held, before)].sort_values(["seniority", "spell_id"], ascending=[False, True])
    losses = first_loss(tables, loyal, crisis.date - DAY, crisis.horizon)
    loss_day = losses["day"].reindex(held["person_id"]).to_numpy()
    held, loss_day = held[pd.notna(loss_day)], loss_day[pd.notna(loss_day)]
    if held.empty:
        return pd.DataFrame(columns=columns)
    pairs = same_office(tables, held)
    pairs = pairs.assign(loss_day=loss_day[pairs["row"].to_numpy()])
    after = pairs[(pairs["start_day_other"] >= before) & (pairs["start_day_other"] <= pairs["loss_day"] + SUCCESSION_GAP)]
    every = tables.derived("spells with lineage", lambda t: with_lineage(t, t.spells))
    running = every[active(every, before)]
    incumbents = running[["lineage", "seniority", "person_id"]].drop_duplicates().rename(columns={"person_id": "person_id_other"})
    after = after.merge(incumbents, on=["lineage", "seniority", "person_id_other"], how="left", indicator=True)
    after = after[after["_merge"] == "left_only"]
    first = after.sort_values(["row", "start_day_other", "spell_id"]).drop_duplicates("row").set_index("row")["person_id_other"]
    rc = rival_clients(tables, crisis)
    rows = []
    for row, spell in enumerate(held.itertuples()):
        loss = losses.loc[spell.person_id]
        successor = first.get(row, pd.NA)
        rows.append({"holder": spell.person_id, "post": spell.post, "seniority": spell.seniority,
                     "lost": loss["role"], "on": loss["day"].date().isoformat(), "successor": successor,
                     "successor stood": relation(successor, crisis, rc) if pd.notna(successor) else "not recorded"})
    return pd.DataFrame(rows, columns=columns)


def _chain(spells: pd.DataFrame, first_by: pd.Timestamp, not_before: pd.Timestamp) -> pd.DataFrame:
    """The run of consecutive posts that starts with the first post running between ``not_before`` and
    ``first_by``: each next post starts at most SUCCESSION_GAP after the run's end so far, whenever
    that is (the window bounds the first post only). Sorted by start; empty if no post qualifies."""
    s = spells.assign(_a=point(spells, "start"), _b=point(spells, "end")).sort_values(["_a", "spell_id"], kind="stable")
    first = s[(s["_a"] <= first_by) & (s["_b"].isna() | (s["_b"] >= not_before))]
    if first.empty:
        return s.iloc[0:0]
    kept, end = [first.index[0]], first["_b"].iloc[0]
    for i, a, b in zip(s.index, s["_a"], s["_b"], strict=True):
        if i in kept or a < first["_a"].iloc[0]:
            continue
        if pd.isna(end) or a <= end + SUCCESSION_GAP:
            kept.append(i)
            end = pd.NaT if pd.isna(end) or pd.isna(b) else max(end, b)
    return s.loc[kept]


def _how_it_ended(tables, person, chain: pd.DataFrame, end: pd.Timestamp, min_rank: int) -> str | None:
    """How a run of high posts ended: its last post's end_cause if that is a loss, a loss event at its end,
    or a lower post following it; None if the record just stops (a move to a post not recorded)."""
    last = chain.loc[chain["_b"] == end].sort_values("spell_id").iloc[-1]
    if pd.notna(last["end_cause"]) and last["end_cause"] in LOSS_CAUSES:
        return str(last["end_cause"])
    losses = first_loss(tables, [person], end - RENAMING_GAP, end + SUCCESSION_GAP, OFFICE_LOSS_ROLES)
    if pd.notna(losses["day"].iloc[0]):
        return str(losses["role"].iloc[0])
    later = tables.spells[(tables.spells["person_id"] == person) & (tables.spells["seniority"] < min_rank)]
    began = point(later, "start")
    if ((began >= end - RENAMING_GAP) & (began <= end + SUCCESSION_GAP)).any():
        return "moved to a lower post"
    return None


def tenure_after(tables, crisis: Crisis, persons, min_rank: int, window: pd.Timedelta) -> pd.DataFrame:
    """Years each person held high office (rank >= min_rank) after the crisis, right-censored.

    Office is entered at the first high post running within ``window`` after the crisis and held
    while consecutive high posts follow within SUCCESSION_GAP, however late they start (the window
    bounds the first post only). The loss is observed if the run ends before the horizon and
    before his death in a loss: its last post ended for a cause in LOSS_CAUSES, a loss event
    (arrest, execution, dismissal, purge) falls at its end, or a lower post of his follows. A run
    that simply stops (a transfer to a post the tables do not record, an end of unknown cause) is
    censored there: the end of the recorded posts is not a loss of office. Nor is an end dated so
    loosely that the horizon falls inside its bounds (a post that ended "in 1963", against a
    horizon in June 1963) read either way: ``how`` says so and the outcome at the horizon is unknown.

    returns: person_id, from, until, years, lost office, how (the cause of the loss, or why censored).
    """
    died = tables.persons.set_index("person_id")["died_lo"]
    persons = list(persons)
    high = tables.spells[tables.spells["person_id"].isin(persons) & (tables.spells["seniority"] >= min_rank)]
    by_person = dict(tuple(high.groupby("person_id", sort=False)))
    rows = []
    for person in persons:
        chain = _chain(by_person.get(person, high.iloc[:0]), crisis.date + window, crisis.date)
        if not chain.empty:
            rows.append({"person_id": person, **_run_outcome(tables, crisis, person, chain, died.get(person, pd.NaT), min_rank)})
    return pd.DataFrame(rows, columns=["person_id", "from", "until", "years", "lost office", "how"])


STRADDLES = "unknown at the horizon: the end of his last post is dated"  # the start of ``how`` for such an end


def _run_outcome(tables, crisis: Crisis, person, chain: pd.DataFrame, death, min_rank: int) -> dict:
    """from, until, years, lost office and how, for one person's run of high posts (see :func:`tenure_after`)."""
    start = max(chain["_a"].iloc[0], crisis.date)
    end = pd.NaT if chain["_b"].isna().any() else chain["_b"].max()
    last = chain.loc[chain["_b"] == end].iloc[-1] if pd.notna(end) else None
    straddles = last is not None and last["end_lo"] < crisis.horizon <= last["end_hi"]
    cause = _how_it_ended(tables, person, chain, end, min_rank) if pd.notna(end) else None
    observed = (pd.notna(end) and end < crisis.horizon and not straddles and cause is not None
                and not (pd.notna(death) and end >= death - DAY))
    stop = end if observed else crisis.horizon if straddles else min(x for x in (end, crisis.horizon, death) if pd.notna(x))
    if observed:
        how = cause
    elif straddles:
        how = f"{STRADDLES} {last['end_lo'].date()} to {last['end_hi'].date()}"
    elif stop == crisis.horizon:
        how = "in office at the horizon"
    elif pd.notna(death) and stop == death:
        how = "died in office"
    else:
        how = f"censored: the record ends ({last['end_cause'] if pd.notna(last['end_cause']) else 'unknown'})"
    return {"from": start.date().isoformat(), "until": stop.date().isoformat(),
            "years": round((stop - start).days / 365.25, 3), "lost office": bool(observed), "how": how}


def fate_between(tables, persons, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """What became of each person between two days.

    - ``lost``: his first arrest, execution, dismissal or purge in the span, or a post of his
      ending in it for a cause in LOSS_CAUSES, whichever came first;
    - ``kept``: no loss, and a post of his recorded running on the last day (or on the day
      before his death, if he died in the span);
    - ``unknown``: neither: the tables do not say.

    returns: person_id (index), fate, on (the day of the loss, or the last day), how.
    """
    persons = list(persons)
    events = first_loss(tables, persons, start, end, OFFICE_LOSS_ROLES)
    s = tables.spells[tables.spells["person_id"].isin(persons)]
    ended = s.assign(day=point(s, "end"))
    ended = ended[ended["end_cause"].isin(LOSS_CAUSES).fillna(False).to_numpy(dtype=bool)
                  & (ended["day"] >= start) & (ended["day"] <= end)]
    ended = ended.sort_values(["day", "spell_id"]).drop_duplicates("person_id").set_index("person_id")
    died = tables.persons.set_index("person_id")["died_lo"]
    rows = []
    for person in persons:
        found = [(events.at[person, "day"], str(events.at[person, "role"]))] if pd.notna(events.at[person, "day"]) else []
        if person in ended.index:
            found.append((ended.at[person, "day"], f"{ended.at[person, 'post']}: {ended.at[person, 'end_cause']}"))
        if found:
            day, how = min(found, key=lambda x: x[0])
            rows.append({"person_id": person, "fate": "lost", "on": day, "how": how})
            continue
        last = end if pd.isna(died.get(person)) or died.get(person) > end else died.get(person) - DAY
        held = s[(s["person_id"] == person) & active(s, last).to_numpy()]
        if len(held):
            rows.append({"person_id": person, "fate": "kept", "on": last, "how": f"held {held['post'].iloc[0]}"})
        else:
            rows.append({"person_id": person, "fate": "unknown", "on": pd.NaT, "how": "no post or loss recorded"})
    return pd.DataFrame(rows, columns=["person_id", "fate", "on", "how"]).set_index("person_id")


def ranks_around(tables, crisis: Crisis, persons, window: pd.Timedelta) -> pd.DataFrame:
    """Rank the day before the crisis and the highest rank within ``window`` after it (NA: no post recorded)."""
    persons = list(persons)
    return pd.DataFrame({"rank before": rank_as_of(tables, crisis.date - DAY, persons, missing=pd.NA),
                         "rank after": max_rank_between(tables, persons, crisis.date, crisis.date + window, missing=pd.NA)})
