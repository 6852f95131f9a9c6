"""Whose client was he? The evidence of a career, independent of any historian's coding of the ties.

Blauvelt answers the reading that Kruglov and Serov "were not true Beria clients" with their
careers: they owed their positions and advancement to Beria, and were among his highest-ranking
subordinates when he fell. The same evidence is read here from the spells, which no coding
touches:

- a *promotion* is a post above every post the person held in the SUCCESSION_GAP before it began,
  and above the post he moved from where the sources date the move once
  (:func:`patronage.analysis.careers.moved`: a commissariat renamed a ministry "in 1946" is
  one post continued, not a second promotion). Two posts are no promotion unless their appointer is
  recorded: his first recorded post, as what he held before it is not recorded (Konev's one recorded
  post, the Warsaw Pact command of 1955, was a promotion "from nothing" presided over by Zhukov), and
  a post whose start no source gives ('/1951-07', held by July 1951), as the day it began, and so who
  presided, is not known (Ryumin, "by July 1951" a senior investigator of the MGB, was promoted "by
  Abakumov" on 1 July 1951, the first day the sources attest him in the post);
- the promotion was *presided over* by the person recorded as appointing him (spells.appointed_by)
  or, where none is recorded, by whoever of the candidates (the patron and his rivals) held the
  highest post above him in the same organisation (lineage) on the day it began.

networkx or a prosopography library offer no such rule; it is the promotion rule of the
inferred ties (patronage.robustness.sensitivity.promotion_ties), applied to a few persons and candidates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.analysis.careers import moved, running_on
from patronage.analysis.crisis import DAY, Crisis, PersonId
from patronage.analysis.offices import SUCCESSION_GAP, lineages_above, spells_with_lineage
from patronage.tables.posts import may_overlap


def promotions(tables, persons, before: pd.Timestamp) -> pd.DataFrame:
    """Each person's promotions begun before ``before`` (his first recorded post, and one whose start no source gives,
    are none unless the appointer is recorded): spell_id, person_id, post, seniority, lineage, day, appointed_by.

    A person's posts are compared pair by pair in plain Python: a man holds a handful, and the sensitivity analysis
    asks this hundreds of times, where a merge of the posts with themselves cost a dozen pandas operations a call."""
    theirs = spells_with_lineage(tables, tables.spells["person_id"].isin(list(persons)))
    s = theirs[(theirs["start_day"] < before).to_numpy(dtype=bool)]
    moves = set(moved(tables, theirs))
    ids, who = s["spell_id"].tolist(), s["person_id"].tolist()
    start, end = s["start_day"].to_numpy(dtype="datetime64[ns]"), s["end_day"].to_numpy(dtype="datetime64[ns]")
    rank, gap = s["seniority"].to_numpy(dtype=float), np.timedelta64(SUCCESSION_GAP)
    highest, after_another = np.zeros(len(s)), np.zeros(len(s), dtype=bool)
    for i, j in ((i, j) for i in range(len(s)) for j in range(len(s)) if i != j and who[i] == who[j]):
        earlier = start[j] < start[i]  # no start here is unknown: each lies before ``before``
        after_another[i] |= earlier
        # held before it: begun earlier and not ended more than SUCCESSION_GAP before (an unknown end: not ended),
        # or left for it by a move dated once
        if (earlier and not end[j] < start[i] - gap) or (ids[j], ids[i]) in moves:
            highest[i] = max(highest[i], rank[j])
    # without a recorded appointer, no promotion from a post not recorded (his first recorded post: no other of his
    # begins before it) nor on a day not known (an open start, '/1951-07': a floor, the first day the sources attest
    # it); a post so dated still counts as held before a later one (above)
    dated = s["start_floor"].isna().to_numpy(dtype=bool) if "start_floor" in s else True
    up = s[(rank > highest) & ((after_another & dated) | s["appointed_by"].notna().to_numpy(dtype=bool))]
    return up.rename(columns={"start_day": "day"})[["spell_id", "person_id", "post", "seniority", "lineage", "day",
                                                      "appointed_by"]].sort_values(["person_id", "day", "spell_id"])


def presided(tables, promoted: pd.DataFrame, candidates) -> pd.Series:
    """Who presided over each promotion: its recorded appointer, else the candidate holding the highest
    post above the promoted person in the same lineage that day (the first by person_id among equals),
    else NA.

    The candidates' posts are grouped by lineage once and compared as plain records: a few promotions and a few dozen
    posts, in every draw of the dates of the sensitivity analysis.
    """
    theirs = spells_with_lineage(tables, tables.spells["person_id"].isin(list(candidates)))
    by_lineage: dict = {}
    for c in theirs.loc[theirs["lineage"].notna(), ["lineage", "seniority", "person_id", "start_day", "end_day"]].itertuples(index=False):
        by_lineage.setdefault(c.lineage, []).append(c)
    open_ = promoted.loc[promoted["appointed_by"].isna() & promoted["lineage"].notna(), ["lineage", "seniority", "day"]]
    out = pd.Series(pd.NA, index=promoted.index, dtype="object")
    out.loc[promoted["appointed_by"].notna()] = promoted["appointed_by"]
    for row, p in zip(open_.index, open_.itertuples(index=False), strict=True):
        # running that day, as careers.active reads a post: begun by then (an unknown start: not), not ended before
        above = [c for c in by_lineage.get(p.lineage, []) if c.seniority > p.seniority and c.start_day <= p.day
                 and not c.end_day < p.day]  # NaT compares False
        if above:  # the highest, the first by person_id among equals
            out.at[row] = min(above, key=lambda c: (-c.seniority, c.person_id)).person_id
    return out


def served_under(tables, crisis: Crisis, persons) -> dict[PersonId, bool | None]:
    """For each person: True if, the day before the crisis, he held a post below one of the patron's in the same
    lineage or in the lineage of a body his office belongs to (:func:`patronage.analysis.offices.lineages_above`:
    the head of a regional NKVD directorate serves under the People's Commissar); False if both held a post
    recorded that day and none of his was below one of the patron's; None if either held none recorded that day
    (the careers do not say: the patron's own ministry may be missing), or if a post whose dates may reach that day
    would put him below one (Yezhov's NKVD post, ended '1938-11', read at its middle, may have run to the 24th, the
    day before his removal from it: Zhuravlev was not shown to have served outside it)."""
    day, wanted = crisis.date - DAY, set(persons)
    below, posted = _below_the_patron(tables, crisis.patron, running_on(tables, "spells", day).to_numpy(), wanted)
    maybe, _ = _below_the_patron(tables, crisis.patron, may_overlap(tables, day, day), wanted)
    return {p: True if p in below else None if p in maybe else False if crisis.patron in posted and p in posted else None
            for p in persons}


def _below_the_patron(tables, patron: PersonId, held: np.ndarray, wanted: set) -> tuple[set, set]:
    """Of ``wanted``, those holding a post (of the spells ``held``) below one of the patron's, in the same lineage or
    in the lineage of a body his office belongs to; and who of them and the patron holds any."""
    s = spells_with_lineage(tables, held)
    # their posts and the patron's, compared as plain records (pandas' isin finds them among all the spells held)
    posts = list(s.loc[s["person_id"].isin([patron, *wanted]).to_numpy(dtype=bool),
                       ["person_id", "org_id", "lineage", "seniority"]].itertuples(index=False))
    his = [(r.lineage, r.seniority) for r in posts if r.person_id == patron and pd.notna(r.lineage) and pd.notna(r.seniority)]
    above = lineages_above(tables)
    below = {r.person_id for r in posts if r.person_id in wanted
             and any(lineage == mine and r.seniority < rank for mine in above.get(r.org_id, []) for lineage, rank in his)}
    return below, {r.person_id for r in posts}  # of the patron and these persons: all that is asked of it


def unrecorded_the_day_before(tables, crisis: Crisis, person: PersonId) -> str:
    """Whose post is not recorded the day before the crisis, of the patron and ``person``, in words ('' if both are)."""
    posted = set(tables.spells.loc[running_on(tables, "spells", crisis.date - DAY).to_numpy(), "person_id"])
    missing = [who for who, p in (("the patron's", crisis.patron), ("his own", person)) if p not in posted]
    return " and ".join(missing)


def career_evidence(tables, crisis: Crisis, persons) -> pd.DataFrame:
    """For each person: his promotions before the crisis, how many the patron and the busiest rival presided
    over, whether he served under the patron the day before, and the reading that follows.

    returns: one row per person: promotions, by the patron, by a rival (the most), which rival (by name), under the
    patron (True, False, or None where his post or the patron's is not recorded that day), career says ('the
    patron's client', 'a rival's client', 'neither', or 'the careers do not say': no promotion recorded, none
    presided over by the patron or a rival, or a post of that day not recorded while the promotions would make
    him the patron's client).
    """
    persons = list(persons)
    promoted = promotions(tables, persons, crisis.date)
    promoted = promoted.assign(by=presided(tables, promoted, [crisis.patron, *crisis.rivals]))
    under, names = served_under(tables, crisis, persons), tables.persons.set_index("person_id")["name"]
    rows = []
    for person in persons:
        mine = promoted[promoted["person_id"] == person]
        counts = mine["by"].value_counts()
        rival_counts = counts[counts.index.isin(crisis.rivals)]
        by_rival = int(rival_counts.max()) if len(rival_counts) else 0
        which = ", ".join(sorted(names.get(r, r) for r in rival_counts[rival_counts == by_rival].index)) if by_rival else ""
        by_patron = int(counts.get(crisis.patron, 0))
        rows.append({"person_id": person, "promotions": len(mine), "by the patron": by_patron, "by a rival": by_rival,
                     "which rival": which, "under the patron": under[person],
                     "career says": _reading(len(mine), by_patron, by_rival, under[person]),
                     "promotions presided": "; ".join(f"{r.spell_id} ({r.by if pd.notna(r.by) else 'none recorded'})"
                                                     for r in mine.itertuples())})
    return pd.DataFrame(rows, columns=["person_id", "promotions", "by the patron", "by a rival", "which rival",
                                       "under the patron", "career says", "promotions presided"])


UNSAID = "the careers do not say"


def _reading(promotions: int, by_patron: int, by_rival: int, under: bool | None) -> str:
    """Whose client a career makes a man: the patron's if the patron presided over more of his promotions than any rival
    and he served under him the day before; not the patron's if he did not serve under him, or a rival presided over
    as many; UNSAID where the records that would decide are missing."""
    if under is False:
        return "a rival's client" if by_rival > by_patron else "neither"
    if not promotions or not (by_patron or by_rival):
        return UNSAID
    if by_rival >= by_patron:
        return "a rival's client" if by_rival > by_patron else "neither"
    return "the patron's client" if under else UNSAID
