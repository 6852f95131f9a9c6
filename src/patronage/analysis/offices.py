"""The same office across the renamings of 1941-1954 (organisations.lineage, and the rank): who held it
before, the higher posts a person took up, and the posts a purge emptied, with who took them."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from patronage.analysis.careers import active, moved, point, running_on
from patronage.analysis.crisis import DAY, Crisis
from patronage.analysis.outcomes import first_loss
from patronage.tables.columns import TEXT

SUCCESSION_GAP = pd.Timedelta(days=120)  # a post counts as taken over if its holder left at most this long before
RENAMING_GAP = pd.Timedelta(days=31)  # a spell continues the same office under a new name if it follows this closely


def gained_posts(tables, persons, start, end, above: pd.Series) -> pd.DataFrame:
    """Offices taken up between two days at a seniority above the person's rank in ``above``.

    A spell that only continues the person's own office under a new name (same lineage, same
    seniority, the previous spell ending at most RENAMING_GAP before, or left for it by a move dated
    once: :func:`patronage.analysis.careers.moved`) is not a new office.
    """
    mine = spells_with_lineage(tables, tables.spells["person_id"].isin(list(persons)))
    new = mine[(mine["start_day"] >= start) & (mine["start_day"] <= end) & (mine["seniority"] > mine["person_id"].map(above))]
    # an earlier spell of the same person in the same office (lineage, rank) still running, or ended at most RENAMING_GAP
    # before, or left for it by a move: the new spell continues it under a new name. A man holds a handful of posts, and
    # this runs in every draw of the dates: the pairs are compared as plain records, not by a merge of the posts
    moves = set(moved(tables, mine))
    fields = ["person_id", "lineage", "seniority", "spell_id", "start_day", "end_day"]
    before = [r for r in mine[fields].itertuples(index=False) if pd.notna(r.lineage)]
    renamed = [pd.notna(n.lineage) and any(
        (o.person_id, o.lineage, o.seniority) == (n.person_id, n.lineage, n.seniority) and o.spell_id != n.spell_id
        and ((o.spell_id, n.spell_id) in moves or (o.start_day < n.start_day and o.end_day >= n.start_day - RENAMING_GAP))
        for o in before) for n in new[fields].itertuples(index=False)]  # NaT compares False
    new = new[~np.array(renamed, dtype=bool)]
    return new.drop(columns=["lineage", "start_day", "end_day"]).sort_values(["person_id", "start_lo"])


def with_lineage(tables, spells: pd.DataFrame) -> pd.DataFrame:
    """spells with their office's lineage and the point estimates start_day and end_day."""
    return spells.assign(lineage=lineage_of(tables, spells), start_day=point(spells, "start"), end_day=point(spells, "end"))


def lineage_of(tables, spells: pd.DataFrame) -> pd.Series:
    """The lineage of each of ``spells``' offices (organisations.lineage; NA where its organisation has none)."""
    return spells["org_id"].map(tables.undated("lineage by organisation", lambda t: t.organisations.set_index("org_id")["lineage"]))


def lineages_above(tables) -> dict[str, list]:
    """Each organisation's lineage and those of the bodies above it (``parent_id``, followed up to the top: networkx's
    descendants along the edges from a body to its parent): the Ivanovo NKVD directorate is in its own lineage and
    in the NKVD's. Computed once per tables."""
    def walk(t):
        orgs = t.organisations.set_index("org_id")
        up = nx.DiGraph()
        up.add_nodes_from(orgs.index)
        up.add_edges_from((o, p) for o, p in orgs["parent_id"].items() if pd.notna(p) and p in orgs.index)
        return {org: sorted({orgs.at[o, "lineage"] for o in {org} | nx.descendants(up, org)} - {pd.NA, None}, key=str)
                for org in orgs.index}
    return tables.undated("lineages above", walk)


def spells_with_lineage(tables, rows=None) -> pd.DataFrame:
    """The rows ``rows`` (a boolean mask over tables.spells; None: all) of :func:`with_lineage` of every spell,
    which is computed once per tables: the same frame as ``with_lineage(tables, tables.spells[rows])``, as
    the columns it adds are computed row by row (a run of the steps asks for it about ten times)."""
    every = tables.derived("spells with lineage", lambda t: with_lineage(t, t.spells))
    return every if rows is None else every[rows]


def same_office(tables, spells: pd.DataFrame) -> pd.DataFrame:
    """Every pair of a spell in ``spells`` (left, key ``row``: its position) and another person's spell
    of the same office (same lineage across renamings, same seniority; right columns suffixed ``_other``).

    One merge on (lineage, seniority) instead of a scan of all spells per spell.
    """
    mine = with_lineage(tables, spells).assign(row=range(len(spells)))
    mine = mine[mine["lineage"].notna()]
    others = spells_with_lineage(tables)
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


# a post with no holder recorded in the SUCCESSION_GAP before it: a new or re-formed office, or one whose holder no
# source records; either way no rival's client is recorded losing it
NO_HOLDER = "no holder just before"


def relation(person, crisis: Crisis, rival_clients: set) -> str:
    """How a person stood at the crisis: the patron, his loyal client, a defector (a client who defected), one who
    acted against him and was no client of his, a rival('s client)."""
    if pd.isna(person):
        return NO_HOLDER
    if person == crisis.patron:
        return "the fallen patron"
    if person in crisis.defectors:
        return "defector"
    if person in crisis.turncoats:
        return "acted against him (no client of his)"
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
    t = t[(t["kind"] == "patronage") & t["patron_id"].isin(crisis.rivals) & running_on(tables, "ties", crisis.date - DAY)]
    return set(t["client_id"]) - set(crisis.turncoats) - set(crisis.roster["client_id"]) - {crisis.patron}


def vacancies(tables, crisis: Crisis, window_days: int = 365) -> pd.DataFrame:
    """Posts the purge emptied: held the day before by the patron or a loyal client, and ended by his first loss
    within ``window_days`` of the fall (the post's end within RENAMING_GAP of it; a post he kept through it, or left
    long before, is not). A loss counts if its recorded date can fall from the day before on: the purge of June 1957,
    dated to the month, reaches the day before a fall on the 29th although its middle lies before it.

    The next holder is the first other person to take up an office of the same lineage and rank between the day
    before the crisis and SUCCESSION_GAP after the loss, unless he already held an office of that lineage and rank
    the day before (then he is continuing, not succeeding). Lineage and rank name an office exactly only where it
    has one holder (a ministry, a first deputyship); among several deputies he is one of the same rank, not
    necessarily the one who took this man's post.

    returns: one row per post: holder (his name), post, seniority, lost (his role in the loss), on (the loss's date
    as recorded), next of the same rank (his name), how he stood.
    """
    columns = ["holder", "post", "seniority", "lost", "on", "next of the same rank", "how he stood"]
    loyal = [c for c in crisis.roster["client_id"] if c not in crisis.defectors] + [crisis.patron]
    before = crisis.date - DAY
    held = tables.spells[tables.spells["person_id"].isin(loyal)]
    held = held[active(held, before)].sort_values(["seniority", "spell_id"], ascending=[False, True])
    losses = first_loss(tables, loyal, before, crisis.date + pd.Timedelta(days=window_days), reach=True)
    loss_day = losses["day"].reindex(held["person_id"]).to_numpy()
    ended = point(held, "end").to_numpy()
    gap = RENAMING_GAP.to_timedelta64()
    emptied = pd.notna(loss_day) & pd.notna(ended) & (ended <= loss_day + gap) & (ended >= loss_day - gap)
    held, loss_day = held[emptied], loss_day[emptied]
    if held.empty:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(_vacancy_rows(tables, crisis, held, losses, _next_holders(tables, crisis, held, loss_day)),
                        columns=columns)


def _vacancy_rows(tables, crisis: Crisis, held: pd.DataFrame, losses: pd.DataFrame, first: pd.DataFrame) -> list[dict]:
    """The rows of :func:`vacancies`, one per emptied post of ``held``. A next holder whose post is dated so loosely that
    it may have begun before the fall is named with that date (Vlodzimirsky, '1953-03-05/1953-12-18', read at its
    middle, after Beria's fall): the records do not show that he succeeded rather than served beside."""
    rc, before = rival_clients(tables, crisis), crisis.date - DAY
    dated, names = tables.events.set_index("event_id")["date"], tables.persons.set_index("person_id")["name"]
    starts = tables.spells.drop_duplicates("spell_id").set_index("spell_id")[["start", "start_lo"]]
    rows = []
    for row, spell in enumerate(held.itertuples()):
        loss = losses.loc[spell.person_id]
        successor = first["person_id_other"].get(row, pd.NA)
        named = names.get(successor, successor) if pd.notna(successor) else pd.NA
        if pd.notna(successor) and starts.at[first.at[row, "spell_id"], "start_lo"] < before:
            named += f" (his post dated {starts.at[first.at[row, 'spell_id'], 'start']}: perhaps begun before the fall)"
        rows.append({"holder": names.get(spell.person_id, spell.person_id), "post": spell.post, "seniority": spell.seniority,
                     "lost": loss["role"], "on": dated.get(loss["event_id"], loss["day"].date().isoformat()),
                     "next of the same rank": named,
                     "how he stood": relation(successor, crisis, rc) if pd.notna(successor) else "not recorded"})
    return rows


def _next_holders(tables, crisis: Crisis, held: pd.DataFrame, loss_day) -> pd.DataFrame:
    """For each post of ``held`` (by position), the first other person to take up an office of its lineage and rank
    between the day before the crisis and SUCCESSION_GAP after the loss, who did not hold one the day before, with the
    spell he took up it in (columns person_id_other, spell_id)."""
    before = crisis.date - DAY
    pairs = same_office(tables, held)
    pairs = pairs.assign(loss_day=loss_day[pairs["row"].to_numpy()])
    after = pairs[(pairs["start_day_other"] >= before) & (pairs["start_day_other"] <= pairs["loss_day"] + SUCCESSION_GAP)]
    every = spells_with_lineage(tables)
    running = every[running_on(tables, "spells", before)]
    incumbents = running[["lineage", "seniority", "person_id"]].drop_duplicates().rename(columns={"person_id": "person_id_other"})
    after = after.merge(incumbents, on=["lineage", "seniority", "person_id_other"], how="left", indicator=True)
    after = after[after["_merge"] == "left_only"]
    return after.sort_values(["row", "start_day_other", "spell_id"]).drop_duplicates("row").set_index("row")[
        ["person_id_other", "spell_id"]]
