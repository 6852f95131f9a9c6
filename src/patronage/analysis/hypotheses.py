"""Fairbanks' claims, tested step by step as Blauvelt (2008) tests them, each as a named predicate.

Blauvelt sets out Fairbanks' assumptions in the section "Patronage and betrayal" and writes that
his paper "will attempt to test these assumptions". Each step of that test is a function here.
Its docstring quotes the claim (short, exact, cited); before it computes it names its population
(who is counted, and the row that puts each person there: ``Result.members``) and its rule
(which result gives which verdict, and from how many cases each verdict is reachable); after
computing it says whether these tables could have produced another verdict. A row that could
not is never ``holds`` or ``fails`` (see :mod:`patronage.analysis.verdicts`).

The steps, in the article's order:

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

Small-N statistics come from scipy (exact binomial intervals, Fisher's exact test, the conditional
odds ratio); none is written by hand.
"""

from __future__ import annotations

import pandas as pd

from patronage.analysis.advancement import career_evidence
from patronage.analysis.careers import point
from patronage.analysis.crisis import DAY, Crisis, crisis_events
from patronage.analysis.outcomes import (
    fate_between,
    gained_posts,
    predecessors,
    ranks_around,
    relation,
    rival_clients,
    tenure_after,
    with_lineage,
)
from patronage.analysis.populations import POPULATIONS, below_the_top, evidence, population
from patronage.analysis.verdicts import (
    VERDICTS,
    YES,
    Result,
    exact_interval,
    names_of,
    population_text,
    share_could_differ,
    share_reach,
    share_rule,
    share_verdict,
    split_could_differ,
    split_outcome,
    split_rule,
    verdict_table,
)

__all__ = ["POPULATIONS", "VERDICTS", "Result", "run_all", "verdict_table"]

BLAUVELT = "Blauvelt 2008"
FAIRBANKS = f"Fairbanks 1983: 365-6, in {BLAUVELT}, \"Patronage and betrayal\""


def _count(outcomes: dict) -> tuple[int, int, int]:
    """(against, agreeing, unknown) of per-case outcomes True / False / None."""
    values = list(outcomes.values())
    return sum(v is True for v in values), sum(v is False for v in values), sum(v is None for v in values)


def _tally(outcomes: dict, against: str, agreeing: str) -> str:
    """'k/n against-label' with the unknown cases named: the value of a split rule."""
    k, m, u = _count(outcomes)
    return f"{k}/{k + m + u} {against}" + (f" ({u} not recorded)" if u else "") if outcomes else "–"


def _coding(tables) -> str:
    return str(tables.selection.get("coding", "the chosen coding"))


def _defectors(tables, crisis: Crisis):
    """The defectors as a population: ids, description, evidence rows."""
    return crisis.remember(tables, ("defectors",), lambda: _defectors_now(tables, crisis))


def _defectors_now(tables, crisis: Crisis):
    ids = list(crisis.defectors)
    text = population_text(tables, f"the patron's clients who defected at his fall under the coding '{_coding(tables)}'", ids)
    return ids, text, evidence(tables, crisis, ids, "client whose tie records a defection at the crisis, "
                                                     "or who acted against the patron at it")


def _no_defectors(tables, crisis, hypothesis, step, claim, rule, statistic) -> Result:
    ids, text, members = _defectors(tables, crisis)
    return Result(hypothesis, step, claim, text, rule, statistic, "–", "no data",
                  f"no: no client of the patron defected under the coding '{_coding(tables)}'",
                  f"under the coding '{_coding(tables)}' no client of the patron defected", members=members)


def defectors_were_genuine_clients(tables, crisis: Crisis) -> Result:
    """The control: the turncoats were genuine clients of the fallen patron, not clients of his rivals.

    Against the reading that Kruglov and Serov "were not true Beria clients to begin with"
    (Medvedev, 2006: 93; Sul'ianov, 2005: 494, as cited in Blauvelt, 2008, "Betrayal and network
    stability"). Read from their careers, which no coding touches (:mod:`patronage.analysis.advancement`):
    a turncoat is genuine if the patron presided over more of his promotions than any rival and
    he served under the patron the day before the fall.
    """
    claim = ("The turncoats were the patron's own clients; against the reading (Medvedev, Sul'ianov) that they "
             f'"were not true Beria clients to begin with" ({BLAUVELT}, "Betrayal and network stability")')
    rule = split_rule("turncoat", "the patron did not preside over more of his promotions than any rival did, or he did not "
                      "serve under the patron the day before the fall (careers only: the coding of the ties is not read)")
    statistic = "turncoats whose careers make them the patron's clients"
    turncoats = sorted(set(crisis.turncoats) | set(crisis.defectors))
    parts = crisis_events(tables, crisis.patron, crisis.date, crisis.window_days)
    acts = parts[parts["role"].eq("defecting") & parts["person_id"].isin(turncoats)].drop_duplicates("person_id")
    members = evidence(tables, crisis, turncoats, "acted against the patron at his fall").assign(
        **{"act": lambda m: m["person_id"].map(acts.set_index("person_id")["event_id"]),
           "act quote": lambda m: m["person_id"].map(acts.set_index("person_id")["quote"])})
    text = population_text(tables, "the turncoats: recorded acting against the patron at his fall", turncoats)
    if not turncoats:
        return Result("H1 genuine clients", "control", claim, text, rule, statistic, "–", "no data",
                      "no: no one is recorded acting against the patron at the crisis",
                      "no one is recorded acting against the patron at the crisis", members=members)
    career = career_evidence(tables, crisis, turncoats)
    coded = crisis.roster.set_index("client_id")
    career["the coding says"] = ["the patron's client" if p in coded.index else "not his client" for p in career["person_id"]]
    records = career.to_dict("records")
    outcomes = {c["person_id"]: None if c["career says"] == "no promotion recorded" else c["career says"] != "the patron's client"
                for c in records}
    k, m, u = _count(outcomes)
    verdict = split_outcome(k, m, u)
    genuine = [p for p, v in outcomes.items() if v is False]
    differ = career[career["career says"] != career["the coding says"]]
    note = (f"Careers make {names_of(tables, genuine)} the patron's client(s)."
            + (f" The coding '{_coding(tables)}' reads {names_of(tables, differ['person_id'])} otherwise." if len(differ) else ""))
    reason = "; ".join(f"{names_of(tables, [c['person_id']])}: {c['promotions']} promotions, {c['by the patron']} under the "
                       f"patron, {c['by a rival']} under a rival{' (' + c['which rival'] + ')' if c['which rival'] else ''}, "
                       f"{'served' if c['under the patron'] else 'did not serve'} under him the day before -> {c['career says']}"
                       for c in records)
    return Result("H1 genuine clients", "control", claim, text, rule, statistic,
                  f"{m}/{len(turncoats)} genuine" + (f" ({u} with no promotion recorded)" if u else ""),
                  verdict, split_could_differ(len(turncoats), "turncoat"), reason, note, career, members)


def clients_stay_loyal(tables, crisis: Crisis, rare_share: float = 0.1, min_rank: int = 4, confidence: float = 0.95,
                       which: str = "first deputies") -> Result:
    """Short-run stability: the patron's clients stay loyal when he falls; defection among them is rare.

    Fairbanks: "informal rules may have grown up discouraging disloyalty to patrons" (Fairbanks,
    1983, as quoted in Blauvelt, 2008, "Patronage and betrayal"). The population is named by
    ``which`` (:data:`patronage.analysis.populations.POPULATIONS`; by default the first deputies, the
    right-hand men whose betrayal the article studies). "Rare" is a defection share of at most
    ``rare_share``, judged by the exact (Clopper-Pearson) interval: a handful of clients can
    rule out "rare" only if nearly all defect, and can never show it.
    """
    claim = f'"informal rules may have grown up discouraging disloyalty to patrons" (Fairbanks 1983, in {BLAUVELT})'
    pop = crisis.remember(tables, ("population", which, min_rank), lambda: population(tables, crisis, which, min_rank))
    rule = share_rule(rare_share, confidence)
    statistic = f"defection share, exact {confidence:.0%} interval (rare: <= {rare_share:g})"
    n = len(pop.ids)
    if n == 0:
        return Result("H2 loyalty", "short-run stability", claim, pop.text, rule, statistic, "–", "no data",
                      f"no: {pop.text.split(' (')[0]}: none recorded", "the tables record no one in the population",
                      members=pop.members)
    defected = crisis.roster.set_index("client_id")["defected"].reindex(pop.ids).astype(bool)
    k = int(defected.sum())
    low, high = exact_interval(k, n, confidence)
    verdict = share_verdict(k, n, rare_share, confidence)
    reach = share_reach(rare_share, confidence)
    said = {"holds": f"the interval lies at or below {rare_share:g}",
            "fails": f"the interval lies above {rare_share:g}",
            "inconclusive": f"the interval still admits a share of at most {rare_share:g} (holds needs N >= {reach['holds']} "
                            f"with no defection; {_to_fail(n, rare_share, confidence)})"}[verdict]
    reason = (f"{k} of {n} defected ({names_of(tables, [p for p in pop.ids if defected[p]])}); exact {confidence:.0%} "
              f"interval [{low:.3f}, {high:.3f}]: {said}")
    everyone = crisis.roster
    lo_all, hi_all = exact_interval(int(everyone["defected"].sum()), len(everyone), confidence)
    note = (f"Among all {len(everyone)} recorded clients: {int(everyone['defected'].sum())}/{len(everyone)} "
            f"[{lo_all:.3f}, {hi_all:.3f}].")
    return Result("H2 loyalty", "short-run stability", claim, pop.text, rule, statistic,
                  f"{k}/{n} = {k / n:.3f} [{low:.3f}, {high:.3f}]", verdict,
                  share_could_differ(n, rare_share, confidence), reason, note, pop.members.assign(defected=defected.to_numpy()),
                  pop.members)


def _to_fail(n: int, rare_share: float, confidence: float) -> str:
    """How many of n defecting would give 'fails' under the share rule, in words."""
    k = next((k for k in range(n + 1) if share_verdict(k, n, rare_share, confidence) == "fails"), None)
    return f"{k} of {n} defecting would give fails" if k is not None else f"no count of {n} gives fails"


def _rewards(tables, crisis: Crisis, window_days: int) -> pd.DataFrame:
    """Each defector's rank the day before and his highest within the window (NA: not recorded), and promoted."""
    return crisis.remember(tables, ("rewards", window_days), lambda: _rewards_now(tables, crisis, window_days))


def _rewards_now(tables, crisis: Crisis, window_days: int) -> pd.DataFrame:
    ranks = ranks_around(tables, crisis, crisis.defectors, pd.Timedelta(days=window_days))
    known = ranks["rank before"].notna() & ranks["rank after"].notna()
    promoted = (ranks["rank after"] > ranks["rank before"]).astype("boolean").where(known.to_numpy(), pd.NA)
    return ranks.assign(promoted=promoted)


def defectors_not_rewarded(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """Scarcity, the patron's side: rivals do not reward a defector with higher office.

    Fairbanks: "a patron would only rarely have the motive to reward a change of sides at the
    expense of his own clients" (Fairbanks, 1983: 365-6, as quoted in Blauvelt, 2008,
    "Patronage and betrayal"). A defector is rewarded if his highest rank within ``window_days``
    after the fall exceeds his rank the day before.
    """
    claim = f'"a patron would only rarely have the motive to reward a change of sides at the expense of his own clients" ({FAIRBANKS})'
    rule = split_rule("defector", f"his highest rank within {window_days} days after the fall is above his rank the day before")
    statistic = f"defectors promoted within {window_days} days"
    if not crisis.defectors:
        return _no_defectors(tables, crisis, "H3 no reward", "scarcity: the patron's side", claim, rule, statistic)
    ids, text, members = _defectors(tables, crisis)
    ranks = _rewards(tables, crisis, window_days)
    outcomes = {p: None if pd.isna(v) else bool(v) for p, v in ranks["promoted"].items()}
    reason = "; ".join(f"{names_of(tables, [p])}: rank {r['rank before']} -> {r['rank after']}" for p, r in ranks.iterrows())
    return Result("H3 no reward", "scarcity: the patron's side", claim, text, rule, statistic,
                  _tally(outcomes, "promoted", "not promoted"), split_outcome(*_count(outcomes)),
                  split_could_differ(len(ids), "defector"), reason, "", ranks, members)


def rewards_cost_rivals_clients(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """Scarcity, the patron's side: a turncoat's reward costs the rewarding side's own clients a post.

    Fairbanks, as Blauvelt puts it: "offering a position as a lure to a client of a rival patron
    would mean denying that position to or demoting one's own client" (Blauvelt, 2008, "Patronage
    and betrayal"). For each post a defector gained, the previous holder of the same office (same
    lineage across renamings, same rank) is found. A reward that displaced a rival's own client
    shows the cost Fairbanks describes; one carved from the fallen network or a new office does
    not. If no rival's client held an office of that lineage and rank in the year either side of
    the fall, no reward could have displaced one, and the row says so instead of deciding.
    """
    claim = (f'"offering a position as a lure to a client of a rival patron would mean denying that position to or demoting '
             f'one\'s own client" ({BLAUVELT}, "Patronage and betrayal")')
    rule = split_rule("post gained by a defector", "its previous holder was not a rival's client (it came from the fallen "
                      "network, or was a new office); untestable if no rival's client held an office of its lineage and "
                      "rank in the year either side of the fall")
    statistic = "rewards taken from a rival's client"
    if not crisis.defectors:
        return _no_defectors(tables, crisis, "H3b scarcity: whose posts", "scarcity: the patron's side", claim, rule, statistic)
    window = pd.Timedelta(days=window_days)
    ranks = _rewards(tables, crisis, window_days)
    known = ranks["rank before"].dropna()
    gained = gained_posts(tables, list(known.index), crisis.date - DAY, crisis.date + window, known.astype(int)) \
        if len(known) else tables.spells.iloc[0:0]
    text = (f"the higher posts the defectors took up within {window_days} days of the fall ({len(gained)})"
            + ("".join(f"; {names_of(tables, [r.person_id])}: {r.post} ({r.spell_id})" for r in gained.itertuples())
               if len(gained) else ""))
    if len(gained) == 0:
        return Result("H3b scarcity: whose posts", "scarcity: the patron's side", claim, text, rule, statistic, "–",
                      "no data", "no: no defector took up a higher post within the window",
                      "no defector took up a higher post within the window")
    rc = rival_clients(tables, crisis)
    gained = predecessors(tables, gained)
    gained = gained.assign(predecessor=gained["predecessor_id"].map(lambda p: relation(p, crisis, rc)))
    theirs = with_lineage(tables, tables.spells[tables.spells["person_id"].isin(rc)])
    began, ended = theirs["start_day"], theirs["end_day"]
    theirs = theirs[(began <= crisis.date + window) & ~(ended < crisis.date - window).fillna(False)]
    posts = with_lineage(tables, gained)[["lineage", "seniority"]].drop_duplicates()
    comparable = theirs.merge(posts, on=["lineage", "seniority"])
    outcomes = {r.spell_id: r.predecessor != "rival's client" for r in gained.itertuples()}
    k = sum(outcomes.values())
    kinds = gained["predecessor"].value_counts()
    value = f"{len(gained) - k}/{len(gained)} from a rival's client (" + ", ".join(f"{v}: {c}" for v, c in kinds.items()) + ")"
    could = YES if len(comparable) else (
        f"no: no rival's client is recorded in an office of the lineage and rank of the rewards "
        f"({', '.join(f'{r.lineage} rank {r.seniority}' for r in posts.itertuples())}) in the year either side of the fall, "
        "so no reward could have displaced one")
    reason = "; ".join(f"{names_of(tables, [r.person_id])}: {r.post} (before: {r.predecessor})" for r in gained.itertuples())
    return Result("H3b scarcity: whose posts", "scarcity: the patron's side", claim, text, rule, statistic, value,
                  split_outcome(k, len(gained) - k, 0), could, reason,
                  f"Rivals' clients recorded in a comparable office: {names_of(tables, sorted(set(comparable['person_id'])))}.",
                  gained[["person_id", "post", "seniority", "start", "predecessor_id", "predecessor"]])


def _acted_by_fall(tables, crisis: Crisis) -> dict:
    """For each defector: True if he is recorded acting against the patron by the day of the fall, False if only after, None if not dated."""
    parts = crisis_events(tables, crisis.patron, crisis.date, crisis.window_days)
    acts = parts[parts["role"].eq("defecting")].merge(tables.events[["event_id", "date_hi"]], on="event_id")
    ties = tables.ties.set_index("tie_id")
    out = {}
    for r in crisis.roster[crisis.roster["defected"]].itertuples():
        latest = [d for d in acts.loc[acts["person_id"] == r.client_id, "date_hi"] if pd.notna(d)]
        if not latest and pd.notna(ties.at[r.tie_id, "defection_date_hi"]):
            latest = [ties.at[r.tie_id, "defection_date_hi"]]
        out[r.client_id] = bool(min(latest) <= crisis.date) if latest else None
    return out


def clients_do_not_switch_for_gain(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """Scarcity, the client's side: clients do not change sides in the hope of a reward.

    Fairbanks: "clients would only rarely change sides in the hope of such a reward" (Fairbanks,
    1983: 365-6, as quoted in Blauvelt, 2008, "Patronage and betrayal"). A hope cannot be
    observed; what can is when a defector acted and what he gained. He counts against the claim if
    he acted against the patron by the day of the fall, while its outcome was open, and then rose
    within ``window_days``. The motive a coding attributes is reported apart (:func:`motive_as_coded`).
    """
    claim = f'"clients would only rarely change sides in the hope of such a reward" ({FAIRBANKS})'
    rule = split_rule("defector", f"he is recorded acting against the patron by the day of the fall and rose within "
                      f"{window_days} days after it")
    statistic = "defectors who switched by the fall and gained"
    if not crisis.defectors:
        return _no_defectors(tables, crisis, "H4 no switch for gain", "scarcity: the client's side", claim, rule, statistic)
    ids, text, members = _defectors(tables, crisis)
    early = _acted_by_fall(tables, crisis)
    rose = _rewards(tables, crisis, window_days)["promoted"]
    outcomes = {}
    for p in ids:
        e, g = early.get(p), None if pd.isna(rose[p]) else bool(rose[p])
        outcomes[p] = False if e is False or g is False else True if (e and g) else None
    detail = pd.DataFrame({"acted by the fall": pd.Series(early, dtype="object"), "rose": rose.astype("object")}).reindex(ids)
    said = {True: "acted against him by the day of the fall", False: "acted only after the fall", None: "his act is not dated"}
    rank = _rewards(tables, crisis, window_days)
    reason = "; ".join(f"{names_of(tables, [p])}: {said[early.get(p)]}, rank {rank.at[p, 'rank before']} -> "
                       f"{rank.at[p, 'rank after']}" for p in ids)
    return Result("H4 no switch for gain", "scarcity: the client's side", claim, text, rule, statistic,
                  _tally(outcomes, "switched by the fall and gained", "did not"), split_outcome(*_count(outcomes)),
                  split_could_differ(len(ids), "defector"), reason, "", detail, members)


def motive_as_coded(tables, crisis: Crisis) -> Result:
    """The motive of each defection as the chosen coding reads it: a historian's reading, reported as the coding.

    Blauvelt reads "tactical advantage"; Rayfield, as the article reports him, a grievance at the
    promotion of Caucasians. ``ties.motive`` records each reading; switching the coding switches
    the answer, which is why this row is labelled ``coding`` and decides nothing.
    """
    claim = f'"clients would only rarely change sides in the hope of such a reward" ({FAIRBANKS})'
    rule = "none: the motive is the coding's reading of each defection (ties.motive), reported as the coding"
    statistic = "defections the coding attributes to reward"
    if not crisis.defectors:
        return _no_defectors(tables, crisis, "H4b motive (coding)", "scarcity: the client's side", claim, rule, statistic)
    ids, text, members = _defectors(tables, crisis)
    r = crisis.roster[crisis.roster["defected"]]
    motives = r["motive"].fillna("unknown")
    value = f"{int((motives == 'reward').sum())}/{len(r)} reward (" + ", ".join(f"{m}: {c}" for m, c in motives.value_counts().items()) + ")"
    return Result("H4b motive (coding)", "scarcity: the client's side", claim, text, rule, statistic, value, "coding",
                  f"no: the motive is typed into the ties by the coding '{_coding(tables)}'",
                  f"the coding '{_coding(tables)}' reads: " + ", ".join(f"{names_of(tables, [c])}: {m}"
                                                                     for c, m in zip(r["client_id"], motives, strict=True)),
                  "", r[["client_id", "motive"]], members)


def rewards_not_public(tables, crisis: Crisis, window_days: int = 365, public_rank: int = 6) -> Result:
    """The precedent, short run: a patron is not seen to reward a defector.

    Fairbanks, as Blauvelt puts it: "a patron would be reluctant to be seen to reward a defector
    from another network" (Blauvelt, 2008, "Patronage and betrayal"). A reward counts as public if
    it raised the defector, within ``window_days``, to rank ``public_rank`` or above (6: the head
    of a union ministry or a member of the Presidium), a post no one in the elite could miss.
    """
    claim = f'"a patron would be reluctant to be seen to reward a defector from another network" ({BLAUVELT}, "Patronage and betrayal")'
    rule = split_rule("defector", f"he rose within {window_days} days to rank >= {public_rank} (head of a union ministry or "
                      "higher: a reward in public view)")
    statistic = f"defectors raised to rank >= {public_rank} within {window_days} days"
    if not crisis.defectors:
        return _no_defectors(tables, crisis, "H5 no public reward", "precedent: short run", claim, rule, statistic)
    ids, text, members = _defectors(tables, crisis)
    ranks = _rewards(tables, crisis, window_days)
    public = (ranks["promoted"] & (ranks["rank after"] >= public_rank)).astype("boolean")
    outcomes = {p: None if pd.isna(public[p]) else bool(public[p]) for p in ids}
    reason = "; ".join(f"{names_of(tables, [p])}: rank {r['rank before']} -> {r['rank after']}" for p, r in ranks.iterrows())
    return Result("H5 no public reward", "precedent: short run", claim, text, rule, statistic,
                  _tally(outcomes, "publicly rewarded", "not"), split_outcome(*_count(outcomes)),
                  split_could_differ(len(ids), "defector"), reason, "", ranks.assign(public=public), members)


def later_defectors_refused(tables, crisis: Crisis) -> Result:
    """The precedent, long run: later would-be defectors are refused.

    Fairbanks: a patron fears "the dangerous precedent that this would set for his own network"
    (Blauvelt, 2008, "Patronage and betrayal", on Fairbanks 1983: 365-6). A later would-be
    defector is a loyal client of the fallen patron who appealed to a rival after the fall. He was
    refused if he then lost his office or freedom within the horizon, accepted if he is recorded
    in office at its end (or at his death) with no loss; otherwise his fate is not recorded, and
    an unrecorded fate is never read as acceptance.
    """
    claim = f'rewarding a defector sets "the dangerous precedent that this would set for his own network" ({FAIRBANKS})'
    rule = split_rule("later appeal", "the loyal client who appealed to a rival is recorded in office at the horizon "
                      "(or at his death) with no arrest, execution, dismissal or purge after the appeal")
    statistic = "later appeals to a rival that were refused"
    loyal = [c for c in crisis.roster["client_id"] if c not in crisis.defectors]
    parts = tables.event_participants
    parts = parts[parts["role"].isin(["appealing", "appealed_to"])]
    e = tables.events[tables.events["event_id"].isin(parts["event_id"])]
    parts = parts.merge(e.assign(day=point(e, "date"))[["event_id", "day"]], on="event_id")
    later = parts[(parts["day"] > crisis.date) & (parts["day"] <= crisis.horizon)]
    to_rival = later[(later["role"] == "appealed_to") & later["person_id"].isin(crisis.rivals)]["event_id"]
    appeals = later[(later["role"] == "appealing") & later["person_id"].isin(loyal) & later["event_id"].isin(to_rival)]
    appeals = appeals.sort_values(["day", "person_id"]).drop_duplicates("person_id")
    text = population_text(tables, "loyal clients of the patron who appealed to a rival after the fall", appeals["person_id"])
    members = evidence(tables, crisis, list(appeals["person_id"]), "loyal client who appealed to a rival after the fall")
    members = members.assign(appeal=appeals["event_id"].to_numpy(), **{"appeal quote": appeals["quote"].to_numpy()})
    if appeals.empty:
        return Result("H6a later defectors refused", "precedent: long run", claim, text, rule, statistic, "–", "no data",
                      "no: no loyal client of the patron is recorded appealing to a rival after the fall",
                      "no loyal client of the patron is recorded appealing to a rival after the fall", members=members)
    rows = []
    for a in appeals.itertuples():
        fate = fate_between(tables, [a.person_id], a.day, crisis.horizon).iloc[0]
        rows.append({"person_id": a.person_id, "appeal": a.event_id, "on": a.day.date().isoformat(), "then": fate["fate"],
                     "how": fate["how"], "when": fate["on"].date().isoformat() if pd.notna(fate["on"]) else "–"})
    detail = pd.DataFrame(rows)
    outcomes = {r.person_id: {"lost": False, "kept": True}.get(r.then) for r in detail.itertuples()}
    reason = "; ".join(f"{names_of(tables, [r.person_id])} appealed on {r.on}, then {r.then} ({r.how}, {r.when})"
                       for r in detail.itertuples())
    k, m, u = _count(outcomes)
    return Result("H6a later defectors refused", "precedent: long run", claim, text, rule, statistic,
                  f"{m}/{k + m + u} refused" + (f" ({u} fate not recorded)" if u else ""), split_outcome(k, m, u),
                  split_could_differ(len(detail), "appeal"), reason, "", detail, members)


def defectors_lose_office(tables, crisis: Crisis, min_rank: int = 4, window_days: int = 365,
                          which: str = "first deputies") -> Result:
    """The precedent, long run: the new patrons do not keep the defectors in high office.

    Blauvelt: Khrushchev "attempted to ensure that such behavior would remain an exception"
    (Blauvelt, 2008, "Betrayal and network stability"). What became of each defector over the
    horizon: how long he held high office (rank >= ``min_rank``) after the fall and how it ended
    (:func:`patronage.analysis.outcomes.tenure_after`), beside the patron's loyal clients in the same
    population. A defector counts against the claim if he is still in high office at the horizon.
    """
    claim = f'Khrushchev "attempted to ensure that such behavior would remain an exception" ({BLAUVELT}, "Betrayal and network stability")'
    rule = split_rule("defector", f"he still held high office (rank >= {min_rank}) at the horizon; a run of posts that "
                      "ends in the records without a loss (a transfer to an unrecorded post, his death) leaves his "
                      "outcome unrecorded")
    statistic = f"defectors still in high office (rank >= {min_rank}) at the horizon"
    if not crisis.defectors:
        return _no_defectors(tables, crisis, "H6b defectors' fate", "precedent: long run", claim, rule, statistic)
    ids, text, members = _defectors(tables, crisis)
    window = pd.Timedelta(days=window_days)
    pop = crisis.remember(tables, ("population", which, min_rank), lambda: population(tables, crisis, which, min_rank))
    loyal = [p for p in pop.ids if p not in ids]
    tenure = pd.concat([tenure_after(tables, crisis, ids, min_rank, window).assign(group="defectors"),
                        tenure_after(tables, crisis, loyal, min_rank, window).assign(group="loyal clients")],
                       ignore_index=True)
    mine = tenure[tenure["group"] == "defectors"].set_index("person_id")
    after = _rewards(tables, crisis, window_days)["rank after"]
    outcomes = {}
    for p in ids:
        if p in mine.index:
            r = mine.loc[p]
            outcomes[p] = False if r["lost office"] else True if r["how"] == "in office at the horizon" else None
        else:  # no high post after the fall: nothing kept, if his posts are recorded at all
            outcomes[p] = None if pd.isna(after[p]) else False
    horizon = f"{crisis.horizon.date().isoformat()}"
    reason = "; ".join(f"{names_of(tables, [p])}: high office {mine.at[p, 'years']:.1f} years, {mine.at[p, 'how']}"
                       if p in mine.index else f"{names_of(tables, [p])}: no high office after the fall" for p in ids)
    loyal_note = "; ".join(f"{names_of(tables, [r.person_id])} {r.years:.1f} years ({r.how})"
                           for r in tenure[tenure["group"] == "loyal clients"].itertuples())
    return Result("H6b defectors' fate", "precedent: long run", claim, text, rule, statistic,
                  _tally(outcomes, f"in high office on {horizon}", "not"), split_outcome(*_count(outcomes)),
                  split_could_differ(len(ids), "defector"), reason,
                  f"The loyal clients in the population: {loyal_note or 'none with high office after the fall'}.",
                  tenure, members)


def network_below_top_continues(tables, crisis: Crisis, min_rank: int = 4, window_days: int = 365) -> Result:
    """Continuity below the top: the purge stops at the top of the fallen network.

    Blauvelt: "the lower levels of Beria's network, especially in the security service, were left
    in place" (Blauvelt, 2008, "Betrayal and network stability"). The population is the patron's
    clients of recorded rank below ``min_rank`` the day before, as the sources name them; each
    counts against continuity if he lost his post or his freedom within ``window_days``.
    """
    claim = (f'"the lower levels of Beria\'s network, especially in the security service, were left in place" '
             f'({BLAUVELT}, "Betrayal and network stability")')
    rule = split_rule("client below the top", f"he was arrested, executed, dismissed or purged, or a post of his ended in "
                      f"such a loss, within {window_days} days of the fall; kept if a post of his is recorded running at "
                      "the end of that span")
    statistic = f"clients below the top who lost their post within {window_days} days"
    lower = below_the_top(crisis, min_rank)
    text = population_text(tables, f"the patron's clients of recorded rank below {min_rank} the day before, as the "
                                   "sources name them (the unnamed lower levels are not in the tables)", lower)
    members = evidence(tables, crisis, lower, f"client, rank below {min_rank} the day before")
    if not lower:
        return Result("H7 network below the top", "continuity below the top", claim, text, rule, statistic, "–", "no data",
                      f"no: no client of recorded rank below {min_rank}", f"the tables record no client of the patron "
                      f"of known rank below {min_rank}", members=members)
    fate = fate_between(tables, lower, crisis.date, crisis.date + pd.Timedelta(days=window_days))
    outcomes = {p: {"lost": True, "kept": False}.get(fate.at[p, "fate"]) for p in lower}
    reason = "; ".join(f"{names_of(tables, [p])}: {fate.at[p, 'fate']} ({fate.at[p, 'how']}"
                       + (f", {fate.at[p, 'on'].date().isoformat()})" if pd.notna(fate.at[p, "on"]) else ")") for p in lower)
    reason += (f". These are the only clients below rank {min_rank} the tables name; the lower levels the article "
               "speaks of are not named in them")
    return Result("H7 network below the top", "continuity below the top", claim, text, rule, statistic,
                  _tally(outcomes, "lost their post", "kept"), split_outcome(*_count(outcomes)),
                  split_could_differ(len(lower), "client below the top"), reason, "", fate.reset_index(), members)


def reinsured_clients_defect(tables, crisis: Crisis, confidence: float = 0.95) -> Result:
    """The reinsurance reading, described: clients with prior ties to a rival are the ones who defect.

    Conquest: a client seeks to secure himself "by a system of reinsurances and ambiguity of
    position" (Conquest, 1961: 72, as quoted in Blauvelt, 2008, "Patronage and betrayal"). A 2x2
    table of the patron's recorded clients, exposed to a rival before the fall or not, against
    defected or not, with the conditional odds ratio and its exact interval (scipy). Descriptive
    only: the clients are those the sources name, not a sample, and exposure is recorded mainly
    where a source uses it to explain a defection, so it is not independent of the outcome.
    """
    claim = f'clients secure themselves "by a system of reinsurances and ambiguity of position" (Conquest 1961: 72, in {BLAUVELT})'
    rule = "none: a description of the recorded clients, not a test"
    statistic = f"conditional odds ratio, exposure x defection, exact {confidence:.0%} interval"
    r = crisis.roster
    text = population_text(tables, "every client of the patron recorded the day before", r["client_id"])
    members = evidence(tables, crisis, list(r["client_id"]), "client the day before")
    exposed, defected = r["exposed"].to_numpy(dtype=bool), r["defected"].to_numpy(dtype=bool)
    table = pd.DataFrame([[int((e & d).sum()), int((e & ~d).sum())] for e in (exposed, ~exposed) for d in [defected]],
                         index=["exposed to a rival", "not exposed"], columns=["defected", "stayed"])
    not_a_test = ("no: a description, not a test; the clients are those the sources name, and exposure is recorded "
                  "mainly where a source explains a defection by it")
    if len(r) < 2 or (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return Result("H8 reinsurance", "reinsurance", claim, text, rule, statistic, "–", "no data",
                      not_a_test, "a margin of the 2x2 table is empty", "", table, members)
    from scipy import stats
    from scipy.stats.contingency import odds_ratio

    est = odds_ratio(table.to_numpy(), kind="conditional")
    ci = est.confidence_interval(confidence_level=confidence)
    p = stats.fisher_exact(table.to_numpy(), alternative="greater").pvalue
    cells = table.to_numpy()
    halved = cells.copy()
    halved[1, 1] = cells[1, 1] // 2
    p_half = stats.fisher_exact(halved, alternative="greater").pvalue
    value = (f"{est.statistic:.3g} [{ci.low:.3g}, {ci.high:.3g}]; table {cells.tolist()}; Fisher one-sided p = {p:.3f}")
    note = (f"The p-value moves with the number of loyal, unexposed clients the sources happen to name: with "
            f"{halved[1, 1]} instead of {cells[1, 1]} it would be {p_half:.3f}.")
    reason = (f"{int(cells[0, 0])} of {int(cells[:, 0].sum())} defectors and {int(cells[0, 1])} of {int(cells[:, 1].sum())} "
              f"loyal clients are recorded as exposed to a rival; the interval {'includes' if ci.low <= 1 <= ci.high else 'excludes'} 1")
    return Result("H8 reinsurance", "reinsurance", claim, text, rule, statistic, value, "descriptive",
                  not_a_test, reason, note, table, members)


# the steps whose population is the ``population`` argument; the others count the same people whatever it is
BY_POPULATION = ("H2 loyalty", "H6b defectors' fate")


def run_all(tables, crisis: Crisis, rare_share: float = 0.1, min_rank: int = 4, window_days: int = 365,
            alpha: float = 0.05, population: str = "first deputies", public_rank: int = 6,
            steps: tuple[str, ...] | None = None) -> list[Result]:
    """Every step of the test for one crisis under the tables' current selection, in the article's order.

    alpha: one minus the confidence of the exact intervals.
    population: who H2 (and H6b's comparison) counts, one of :data:`patronage.analysis.populations.POPULATIONS`.
    steps: only these hypotheses (by name), e.g. :data:`BY_POPULATION` to re-run what another
    population changes; None for all.
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
        "H6a later defectors refused": lambda: later_defectors_refused(tables, crisis),
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
    from patronage.analysis.article import compare_with_article as compare

    return compare(verdicts, patron, date)
