"""What happened to people after a crisis: rank gained, posts taken over, losses, time in office."""

from __future__ import annotations

import pandas as pd

from patronage.careers import point, rank_as_of
from patronage.crisis import DAY, LOSS_ROLES, Crisis

SUCCESSION_GAP = pd.Timedelta(days=120)  # a post counts as taken over if its holder left at most this long before
RENAMING_GAP = pd.Timedelta(days=31)  # a spell continues the same office under a new name if it follows this closely


def max_rank_between(tables, persons, start, end) -> pd.Series:
    """Highest seniority each person held at any time between two days (0 if none)."""
    s = tables.spells[tables.spells["person_id"].isin(list(persons))]
    began, ended = point(s, "start"), point(s, "end")
    overlap = s[(began <= end) & ~(ended < start).fillna(False)]
    return overlap.groupby("person_id")["seniority"].max().reindex(list(persons)).fillna(0).astype(int)


def first_loss(tables, persons, start, end) -> pd.DataFrame:
    """Each person's first arrest, execution, dismissal or purge between two days (NaT if none)."""
    parts = tables.event_participants.merge(tables.events[["event_id", "kind", "date_lo", "date_hi"]], on="event_id")
    parts = parts.assign(day=point(parts, "date"))
    hit = parts[parts["person_id"].isin(list(persons)) & parts["role"].isin(LOSS_ROLES)
                & (parts["day"] >= start) & (parts["day"] <= end)]
    first = hit.sort_values(["day", "event_id"]).drop_duplicates("person_id").set_index("person_id")
    return first[["event_id", "role", "day"]].reindex(list(persons))


def gained_posts(tables, persons, start, end, above: pd.Series) -> pd.DataFrame:
    """Offices taken up between two days at a seniority above the person's rank in ``above``.

    A spell that only continues the person's own office under a new name (same lineage, same
    seniority, the previous spell ending at most RENAMING_GAP before) is not a new office.
    """
    lineage = tables.organisations.set_index("org_id")["lineage"]
    mine = tables.spells[tables.spells["person_id"].isin(list(persons))]
    mine = mine.assign(lineage=mine["org_id"].map(lineage), start_day=point(mine, "start"), end_day=point(mine, "end"))
    new = mine[(mine["start_day"] >= start) & (mine["start_day"] <= end) & (mine["seniority"] > mine["person_id"].map(above))]
    keep = []
    for row in new.itertuples():
        before = mine[(mine["person_id"] == row.person_id) & (mine["lineage"] == row.lineage)
                      & (mine["seniority"] == row.seniority) & (mine["spell_id"] != row.spell_id)
                      & (mine["start_day"] < row.start_day) & (mine["end_day"] >= row.start_day - RENAMING_GAP)]
        keep.append(before.empty)
    keep = pd.Series(keep, index=new.index, dtype=bool)
    return new[keep].drop(columns=["lineage", "start_day", "end_day"]).sort_values(["person_id", "start_lo"])


def predecessors(tables, spells: pd.DataFrame) -> pd.DataFrame:
    """For each spell, who held the same office just before: same lineage, same seniority.

    "The same office" is computed across renamings through organisations.lineage (the NKVD
    and the MVD are one lineage). A holder counts as predecessor if his spell ended at most
    SUCCESSION_GAP before (or a day after) the new spell began.

    returns: spells with predecessor_id (NA: a new office or no earlier holder recorded).
    """
    lineage = tables.organisations.set_index("org_id")["lineage"]
    allsp = tables.spells.assign(lineage=tables.spells["org_id"].map(lineage), end_day=point(tables.spells, "end"))
    out = []
    for row in spells.assign(lineage=spells["org_id"].map(lineage), start_day=point(spells, "start")).itertuples():
        prior = allsp[(allsp["lineage"] == row.lineage) & (allsp["seniority"] == row.seniority)
                      & (allsp["person_id"] != row.person_id)
                      & (allsp["end_day"] >= row.start_day - SUCCESSION_GAP) & (allsp["end_day"] <= row.start_day + DAY)]
        prior = prior.sort_values(["end_day", "spell_id"])
        out.append(prior["person_id"].iloc[-1] if len(prior) else pd.NA)
    return spells.assign(predecessor_id=pd.array(out, dtype="string"))


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
    from patronage.careers import active

    t = tables.ties
    t = t[(t["kind"] == "patronage") & t["patron_id"].isin(crisis.rivals) & active(t, crisis.date - DAY)]
    return set(t["client_id"]) - set(crisis.turncoats) - set(crisis.roster["client_id"]) - {crisis.patron}


def vacancies(tables, crisis: Crisis) -> pd.DataFrame:
    """Posts the purge emptied: held the day before by the patron or a loyal client who then lost them.

    returns: one row per post: holder, post, loss, successor and how the successor stood.
    """
    loyal = [c for c in crisis.roster["client_id"] if c not in crisis.defectors] + [crisis.patron]
    before = crisis.date - DAY
    from patronage.careers import active

    held = tables.spells[tables.spells["person_id"].isin(loyal) & active(tables.spells, before)]
    losses = first_loss(tables, loyal, crisis.date - DAY, crisis.horizon)
    lineage = tables.organisations.set_index("org_id")["lineage"]
    rc = rival_clients(tables, crisis)
    allsp = tables.spells.assign(lineage=tables.spells["org_id"].map(lineage), start_day=point(tables.spells, "start"))
    running = allsp[active(allsp, before)]
    incumbents = set(zip(running["lineage"], running["seniority"], running["person_id"], strict=True))
    rows = []
    for spell in held.sort_values(["seniority", "spell_id"], ascending=[False, True]).itertuples():
        loss = losses.loc[spell.person_id]
        if pd.isna(loss["day"]):
            continue
        after = allsp[(allsp["lineage"] == lineage[spell.org_id]) & (allsp["seniority"] == spell.seniority)
                      & (allsp["person_id"] != spell.person_id) & (allsp["start_day"] >= before)
                      & (allsp["start_day"] <= loss["day"] + SUCCESSION_GAP)].sort_values(["start_day", "spell_id"])
        # someone who already held an office of this lineage and rank is continuing, not succeeding
        after = after[[(lineage[spell.org_id], spell.seniority, p) not in incumbents for p in after["person_id"]]]
        successor = after["person_id"].iloc[0] if len(after) else pd.NA
        rows.append({"holder": spell.person_id, "post": spell.post, "seniority": spell.seniority,
                     "lost": loss["role"], "on": loss["day"].date().isoformat(), "successor": successor,
                     "successor stood": relation(successor, crisis, rc) if pd.notna(successor) else "not recorded"})
    return pd.DataFrame(rows, columns=["holder", "post", "seniority", "lost", "on", "successor", "successor stood"])


def high_office_spells(tables, person, min_rank: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """(start, end) point estimates of a person's spells at or above ``min_rank``, sorted; end NaT if open."""
    s = tables.spells[(tables.spells["person_id"] == person) & (tables.spells["seniority"] >= min_rank)]
    spans = sorted(zip(point(s, "start"), point(s, "end"), strict=True), key=lambda x: x[0])
    return spans


def tenure_after(tables, crisis: Crisis, persons, min_rank: int, window: pd.Timedelta) -> pd.DataFrame:
    """Years each person held high office (rank >= min_rank) after the crisis, right-censored at the horizon.

    Office is entered at the first high spell running within ``window`` after the crisis and held
    while consecutive high spells follow within SUCCESSION_GAP. The loss is observed (event=1)
    if it falls before the horizon and before the person's death, otherwise the time is censored.
    """
    died = tables.persons.set_index("person_id")["died_lo"]
    rows = []
    for person in persons:
        spans = [(a, b) for a, b in high_office_spells(tables, person, min_rank)
                 if a <= crisis.date + window and (pd.isna(b) or b >= crisis.date)]
        if not spans:
            continue
        start = max(spans[0][0], crisis.date)
        end = spans[0][1]
        for a, b in spans[1:]:
            if pd.isna(end) or a <= end + SUCCESSION_GAP:
                end = pd.NaT if pd.isna(end) or pd.isna(b) else max(end, b)
        death = died.get(person, pd.NaT)
        observed = pd.notna(end) and end < crisis.horizon and not (pd.notna(death) and end >= death - DAY)
        stop = end if observed else min(x for x in (end, crisis.horizon, death) if pd.notna(x))
        rows.append({"person_id": person, "from": start.date().isoformat(), "until": stop.date().isoformat(),
                     "years": round((stop - start).days / 365.25, 3), "lost office": bool(observed)})
    return pd.DataFrame(rows, columns=["person_id", "from", "until", "years", "lost office"])


def ranks_around(tables, crisis: Crisis, persons, window: pd.Timedelta) -> pd.DataFrame:
    """Rank the day before the crisis and the highest rank within ``window`` after it."""
    persons = list(persons)
    return pd.DataFrame({"rank before": rank_as_of(tables, crisis.date - DAY, persons),
                         "rank after": max_rank_between(tables, persons, crisis.date, crisis.date + window)})
