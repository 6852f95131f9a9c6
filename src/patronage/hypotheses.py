"""Fairbanks' claims, and the claims they are tested against, as named predicates.

Each function's docstring quotes the claim it tests (short, exact, cited as Blauvelt (2008)
presents it), computes a statistic from the tables under the current selection, and returns a
``Result`` with a verdict:

- ``holds``: the tables agree with the claim;
- ``fails``: the tables contradict it;
- ``mixed``: some cases agree and some do not;
- ``inconclusive``: the statistic cannot tell with this few cases;
- ``no data``: the tables record nothing the claim can be tested on (the reason is given).

Small-N statistics come from scipy (exact binomial intervals, Fisher's and Boschloo's exact
tests) and statsmodels (Kaplan-Meier, log-rank); none is written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from patronage.crisis import DAY, Crisis
from patronage.outcomes import gained_posts, predecessors, ranks_around, relation, rival_clients, tenure_after, vacancies

BLAUVELT = "Blauvelt 2008"
# scipy.stats is imported where a test is computed, not with this module: the import costs about
# 0.4 s, and a notebook that reads its results from the build's cache computes none


@dataclass
class Result:
    """The outcome of testing one claim: the statistic, its value, the verdict and the rows behind it."""

    hypothesis: str
    claim: str
    statistic: str
    value: str
    verdict: str
    note: str = ""
    detail: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def row(self) -> dict:
        """The verdict-table row."""
        return {"hypothesis": self.hypothesis, "claim": self.claim, "statistic": self.statistic,
                "value": self.value, "verdict": self.verdict}


def _share(k: int, n: int, confidence: float = 0.95) -> str:
    """'k/n = share [exact CI]' with the Clopper-Pearson interval from scipy."""
    from scipy import stats

    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    return f"{k}/{n} = {k / n:.3f} [{ci.low:.3f}, {ci.high:.3f}]"


def _split(k: int, n: int) -> str:
    """holds if none, fails if all, mixed otherwise (k cases against the claim out of n)."""
    return "holds" if k == 0 else "fails" if k == n else "mixed"


def _names(tables, ids) -> str:
    names = tables.persons.set_index("person_id")["name"]
    return ", ".join(names[i] for i in sorted(ids)) or "none"


def defectors_were_genuine_clients(tables, crisis: Crisis) -> Result:
    """The turncoats were genuine clients of the fallen patron, not clients of his rivals.

    Blauvelt's control against the reading that Kruglov and Serov "were not true Beria clients
    to begin with" (Blauvelt, 2008, "Betrayal and network stability"): a turncoat is genuine
    if a patronage tie from the patron ran the day before the crisis and no rival's did.
    """
    claim = f'Defectors "were not true Beria clients to begin with" is false ({BLAUVELT}, "Betrayal and network stability")'
    turncoats = sorted(set(crisis.turncoats) | set(crisis.defectors))
    if not turncoats:
        return Result("H1 genuine clients", claim, "turncoats who were the patron's clients", "–", "no data",
                      "No one is recorded acting against the patron at the crisis.")
    clients = set(crisis.roster["client_id"])
    rc = rival_clients(tables, crisis) | set(crisis.roster.loc[crisis.roster["rival_client"], "client_id"])
    t = tables.ties
    rival_tie = t[(t["kind"] == "patronage") & t["patron_id"].isin(crisis.rivals) & t["client_id"].isin(turncoats)]
    from patronage.careers import active

    rc |= set(rival_tie.loc[active(rival_tie, crisis.date - DAY), "client_id"])
    detail = pd.DataFrame({"turncoat": turncoats,
                           "patron's client": [p in clients for p in turncoats],
                           "rival's client": [p in rc for p in turncoats]})
    genuine = int((detail["patron's client"] & ~detail["rival's client"]).sum())
    n = len(detail)
    verdict = "holds" if genuine == n else "fails" if genuine == 0 else "mixed"
    return Result("H1 genuine clients", claim, "turncoats who were the patron's clients and no rival's",
                  f"{genuine}/{n}", verdict, f"Turncoats: {_names(tables, turncoats)}.", detail)


def clients_stay_loyal(tables, crisis: Crisis, rare_share: float = 0.1, min_rank: int = 4,
                       confidence: float = 0.95) -> Result:
    """Clients of a fallen patron stay loyal: defection among his top clients is rare.

    Fairbanks: "informal rules may have grown up discouraging disloyalty to patrons"
    (Fairbanks, 1983, as quoted in Blauvelt, 2008, "Patronage and betrayal"). The top clients
    are those whose rank the day before was at least ``min_rank``. "Rare" is operationalised as
    a defection share of at most ``rare_share``; the verdict compares the exact
    (Clopper-Pearson) interval with it, so with a handful of clients it is often inconclusive:
    a share from five people cannot show a rate.
    """
    claim = f'"informal rules may have grown up discouraging disloyalty to patrons" (Fairbanks 1983, in {BLAUVELT})'
    top = crisis.roster[crisis.roster["rank_before"] >= min_rank]
    statistic = f"defection share among clients of rank >= {min_rank}, exact {confidence:.0%} CI (rare: <= {rare_share:g})"
    n, k = len(top), int(top["defected"].sum())
    if n == 0:
        return Result("H2 loyalty", claim, statistic, "–", "no data",
                      f"The tables record no client of this patron holding rank >= {min_rank} the day before the crisis.")
    from scipy import stats

    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    verdict = "holds" if ci.high <= rare_share else "fails" if ci.low > rare_share else "inconclusive"
    everyone = crisis.roster
    note = (f"{k} of {n} top clients defected ({_names(tables, top.loc[top['defected'], 'client_id'])}); among all "
            f"{len(everyone)} recorded clients: {_share(int(everyone['defected'].sum()), len(everyone), confidence)}.")
    return Result("H2 loyalty", claim, statistic, _share(k, n, confidence), verdict, note, top)


def defectors_not_rewarded(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """Rivals do not reward defectors with high office.

    Fairbanks: "a patron would only rarely have the motive to reward a change of sides at the
    expense of his own clients" (Fairbanks, 1983: 365-6, as quoted in Blauvelt, 2008,
    "Patronage and betrayal"). A defector is rewarded if his highest rank within
    ``window_days`` after the crisis exceeds his rank the day before.
    """
    claim = f'"a patron would only rarely have the motive to reward a change of sides" (Fairbanks 1983: 365-6, in {BLAUVELT})'
    d = crisis.defectors
    if not d:
        return Result("H3 no reward", claim, "defectors promoted within the window", "–", "no data",
                      "No client of this patron defected under this coding.")
    ranks = ranks_around(tables, crisis, d, pd.Timedelta(days=window_days))
    k = int((ranks["rank after"] > ranks["rank before"]).sum())
    return Result("H3 no reward", claim, f"defectors promoted within {window_days} days", f"{k}/{len(d)}",
                  _split(k, len(d)), f"Ranks before and after: {ranks.to_dict('index')}.", ranks)


def rewards_cost_rivals_clients(tables, crisis: Crisis, window_days: int = 365) -> Result:
    """High offices are scarce: a defector's reward costs the rival's own clients a post.

    Fairbanks' mechanism, as Blauvelt puts it: rewarding turncoats "would mean demoting or
    denying positions to one's own clients" (Blauvelt, 2008, "Betrayal and network
    stability"). For each post a defector gained, the previous holder of the same office
    (same lineage across renamings, same rank) is found and classed.
    """
    claim = f'rewarding turncoats "would mean demoting or denying positions to one\'s own clients" ({BLAUVELT})'
    d = crisis.defectors
    window = pd.Timedelta(days=window_days)
    ranks = ranks_around(tables, crisis, d, window) if d else pd.DataFrame()
    gained = gained_posts(tables, d, crisis.date - DAY, crisis.date + window, ranks["rank before"]) if d else pd.DataFrame()
    if len(gained) == 0:
        return Result("H3b scarcity", claim, "rewards that displaced a rival's client", "–", "no data",
                      "No defector gained a higher post within the window.")
    rc = rival_clients(tables, crisis)
    gained = predecessors(tables, gained)
    gained = gained.assign(predecessor=gained["predecessor_id"].map(lambda p: relation(p, crisis, rc)))
    k = int(gained["predecessor"].isin(["rival's client", "rival"]).sum())
    n = len(gained)
    vac = vacancies(tables, crisis)
    verdict = "holds" if k == n else "fails" if k == 0 else "mixed"
    note = ("Posts gained came from: " + "; ".join(f"{r.person_id}: {r.post} (before: {r.predecessor})"
                                                  for r in gained.itertuples())
            + f". The purge emptied {len(vac)} post(s) held by the patron or his loyal clients.")
    return Result("H3b scarcity", claim, "posts gained by defectors that displaced a rival or his client",
                  f"{k}/{n}", verdict, note, gained[["person_id", "post", "seniority", "start", "predecessor_id",
                                                     "predecessor"]])


def not_for_reward(tables, crisis: Crisis) -> Result:
    """Clients do not change sides in the hope of reward.

    Fairbanks: "clients would only rarely change sides in the hope of such a reward"
    (Fairbanks, 1983, as quoted in Blauvelt, 2008, "Patronage and betrayal"). The motive
    is the one the chosen coding attributes to each defection (ties.motive).
    """
    claim = f'"clients would only rarely change sides in the hope of such a reward" (Fairbanks 1983, in {BLAUVELT})'
    r = crisis.roster[crisis.roster["defected"]]
    if r.empty:
        return Result("H4 motive", claim, "defections motivated by reward", "–", "no data",
                      "No client of this patron defected under this coding.")
    motives = r["motive"].fillna("unknown")
    k = int((motives == "reward").sum())
    known = int((motives != "unknown").sum())
    if known == 0:
        return Result("H4 motive", claim, "defections motivated by reward", f"0/{len(r)} known", "no data",
                      "The coding attributes no motive to the defections.")
    return Result("H4 motive", claim, "defections the coding attributes to reward", f"{k}/{known}",
                  _split(k, known), "Motives: " + ", ".join(f"{c}: {m}" for c, m in zip(r["client_id"], motives,
                                                                                      strict=True)) + ".",
                  r[["client_id", "motive"]])


def later_defectors_refused(tables, crisis: Crisis) -> Result:
    """The precedent is contained: later would-be defectors are refused.

    Fairbanks: a patron fears "the dangerous precedent that this would set for his own
    network" (Blauvelt, 2008, "Patronage and betrayal", on Fairbanks 1983: 365-6). A later
    would-be defector is a loyal client of the fallen patron who appealed to a rival after the
    crisis; he is refused if he was then arrested, dismissed or executed within the horizon.
    """
    claim = f'rewarding a defector sets "the dangerous precedent" for the patron\'s own network ({BLAUVELT})'
    from patronage.outcomes import first_loss

    loyal = [c for c in crisis.roster["client_id"] if c not in crisis.defectors]
    from patronage.careers import point

    e = tables.events.assign(day=point(tables.events, "date"))
    parts = tables.event_participants
    parts = parts[parts["role"].isin(["appealing", "appealed_to"])].merge(e[["event_id", "day"]], on="event_id")
    later = parts[(parts["day"] > crisis.date) & (parts["day"] <= crisis.horizon)]
    appeals = later[(later["role"] == "appealing") & later["person_id"].isin(loyal)]
    to_rival = later[(later["role"] == "appealed_to") & later["person_id"].isin(crisis.rivals)]["event_id"]
    appeals = appeals[appeals["event_id"].isin(to_rival)].sort_values(["day", "person_id"]).drop_duplicates("person_id")
    if appeals.empty:
        return Result("H5a precedent: appeals refused", claim, "later appeals to a rival that were refused", "–",
                      "no data", "No loyal client of the patron is recorded appealing to a rival after the crisis.")
    rows = []
    for a in appeals.itertuples():
        loss = first_loss(tables, [a.person_id], a.day, crisis.horizon).iloc[0]
        rows.append({"person_id": a.person_id, "appeal": a.event_id, "on": a.day.date().isoformat(),
                     "then": loss["role"] if pd.notna(loss["day"]) else "no loss recorded",
                     "refused": bool(pd.notna(loss["day"]))})
    detail = pd.DataFrame(rows)
    k, n = int(detail["refused"].sum()), len(detail)
    return Result("H5a precedent: appeals refused", claim, "later appeals to a rival that were refused", f"{k}/{n}",
                  "holds" if k == n else "fails" if k == 0 else "mixed", "", detail)


def defectors_do_not_outlast(tables, crisis: Crisis, min_rank: int = 4, window_days: int = 365) -> Result:
    """The precedent is contained: defectors do not outlast the rivals' own clients in high office.

    Blauvelt: Khrushchev "attempted to ensure that such behavior would remain an exception"
    (Blauvelt, 2008, "Betrayal and network stability"). Time in high office (rank >=
    ``min_rank``) after the crisis is compared between defectors and the rivals' own
    clients with Kaplan-Meier medians (statsmodels) and a log-rank test; with a few persons a
    side the test cannot reach significance, so the verdict reports the direction only.
    """
    claim = f'Khrushchev "attempted to ensure that such behavior would remain an exception" ({BLAUVELT})'
    window = pd.Timedelta(days=window_days)
    groups = {"defectors": crisis.defectors, "rivals' clients": sorted(rival_clients(tables, crisis))}
    tenure = pd.concat([tenure_after(tables, crisis, ids, min_rank, window).assign(group=g)
                        for g, ids in groups.items()], ignore_index=True)
    sizes = tenure["group"].value_counts()
    d_n, r_n = int(sizes.get("defectors", 0)), int(sizes.get("rivals' clients", 0))
    statistic = f"years in office at rank >= {min_rank}, defectors vs rivals' clients"
    if d_n == 0 or r_n == 0:
        return Result("H5b precedent: tenure", claim, statistic, "–", "no data",
                      "One of the two groups holds no high office after the crisis in the tables.", tenure)
    km = survival(tenure)
    d_med, r_med = km["median"]["defectors"], km["median"]["rivals' clients"]
    value = f"median {d_med:.2f} vs {r_med:.2f} years (n = {d_n} vs {r_n}; log-rank p = {km['p']:.3f})"
    return Result("H5b precedent: tenure", claim, statistic, value, "holds" if d_med < r_med else "fails",
                  "Direction only: with this few persons the log-rank test cannot show a difference.", tenure)


def survival(tenure: pd.DataFrame) -> dict:
    """Kaplan-Meier medians per group (statsmodels SurvfuncRight) and the log-rank p-value (survdiff).

    A median the curve never reaches is reported as the longest time observed (censored).
    """
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    medians = {}
    for group, g in tenure.groupby("group"):
        sf = SurvfuncRight(g["years"].to_numpy(float), g["lost office"].to_numpy(int))
        below = sf.surv_times[sf.surv_prob <= 0.5]
        medians[group] = float(below[0]) if len(below) else float(g["years"].max())
    p = float("nan")
    if tenure["lost office"].any() and tenure["group"].nunique() == 2:
        _, p = survdiff(tenure["years"].to_numpy(float), tenure["lost office"].to_numpy(int), tenure["group"].to_numpy())
    return {"median": medians, "p": p}


def reinsured_clients_defect(tables, crisis: Crisis, alpha: float = 0.05) -> Result:
    """Clients with prior ties to a rival ("reinsurance") are the ones who defect.

    Conquest: a client seeks to secure himself "by a system of reinsurances and ambiguity of
    position" (Conquest, 1961: 72, as quoted in Blauvelt, 2008, "Patronage and betrayal").
    A 2x2 table of the patron's clients, exposed to a rival before the crisis or not, against
    defected or not; Fisher's exact test (one-sided: exposure raises defection) and Boschloo's.
    """
    claim = f'clients secure themselves "by a system of reinsurances and ambiguity of position" (Conquest 1961: 72, in {BLAUVELT})'
    r = crisis.roster
    exposed, defected = r["exposed"].to_numpy(dtype=bool), r["defected"].to_numpy(dtype=bool)
    table = pd.DataFrame([[int((e & d).sum()), int((e & ~d).sum())] for e in (exposed, ~exposed) for d in [defected]],
                         index=["exposed to a rival", "not exposed"], columns=["defected", "stayed"])
    if len(r) < 2 or (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return Result("H6 reinsurance", claim, "Fisher exact test, exposure x defection", "–", "no data",
                      "A margin of the 2x2 table is empty: no test is possible.", table)
    from scipy import stats

    odds, p = stats.fisher_exact(table.to_numpy(), alternative="greater")
    b = stats.boschloo_exact(table.to_numpy(), alternative="greater")
    verdict = "holds" if p < alpha else "inconclusive" if odds > 1 else "fails"
    return Result("H6 reinsurance", claim, "Fisher exact test (one-sided), exposure x defection",
                  f"odds ratio {odds:.3g}, p = {p:.3f} (Boschloo p = {b.pvalue:.3f}); table {table.to_numpy().tolist()}",
                  verdict, f"alpha = {alpha}", table)


def run_all(tables, crisis: Crisis, rare_share: float = 0.1, min_rank: int = 4, window_days: int = 365,
             alpha: float = 0.05) -> list[Result]:
    """Every hypothesis for one crisis under the tables' current selection."""
    return [defectors_were_genuine_clients(tables, crisis),
            clients_stay_loyal(tables, crisis, rare_share=rare_share, min_rank=min_rank),
            defectors_not_rewarded(tables, crisis, window_days=window_days),
            rewards_cost_rivals_clients(tables, crisis, window_days=window_days),
            not_for_reward(tables, crisis),
            later_defectors_refused(tables, crisis),
            defectors_do_not_outlast(tables, crisis, min_rank=min_rank, window_days=window_days),
            reinsured_clients_defect(tables, crisis, alpha=alpha)]


def verdict_table(results: list[Result]) -> pd.DataFrame:
    """The verdict table: one row per hypothesis, sorted by its id."""
    return pd.DataFrame([r.row() for r in results]).sort_values("hypothesis", kind="stable").reset_index(drop=True)


# The article's own reading of its case, hypothesis by hypothesis, with the words that carry it.
ARTICLE_CASE = ("beria", "1953-06-26")
ARTICLE_READING = {
    "H1 genuine clients": ("holds", "this is demonstrably false", "Betrayal and network stability"),
    "H2 loyalty": ("fails", "the case of Kruglov and Serov represented an exception to the more usual tendency in network stability",
                   "Betrayal and network stability"),
    "H3 no reward": ("fails", "both Kruglov and Serov profited from their betrayal", "Motivations and consequences"),
    "H3b scarcity": ("fails", "does not seem to have acted as a block in the case of Kruglov and Serov",
                     "Betrayal and network stability"),
    "H4 motive": ("fails", "betrayal became a viable strategy for Kruglov and Serov", "Betrayal and network stability"),
    "H5a precedent: appeals refused": ("holds", "Khrushchev was not interested in appearing to give assistance to any more "
                                       "of the people closely associated with Beria", "Motivations and consequences"),
    "H5b precedent: tenure": ("holds", "Khrushchev indeed attempted to ensure that such behavior would remain an exception",
                              "Betrayal and network stability"),
    "H6 reinsurance": ("holds", "Both men, however, had exposure during their careers to rival patrons.",
                       "Inside men: Kruglov and Serov"),
}


def compare_with_article(verdicts: pd.DataFrame, patron: str, date) -> pd.DataFrame:
    """Computed verdicts beside the article's own reading of its case (where the crisis is the article's).

    returns: hypothesis, computed, article, agree, and the article's words with their locator.
    """
    from patronage.dates import to_date

    same_case = patron == ARTICLE_CASE[0] and to_date(date) == to_date(ARTICLE_CASE[1])
    rows = []
    for h, computed in zip(verdicts["hypothesis"], verdicts["verdict"], strict=True):
        said, words, where = ARTICLE_READING.get(h, ("–", "", "")) if same_case else ("not discussed", "", "")
        agree = "yes" if computed == said else "no" if said not in ("–", "not discussed") else "–"
        rows.append({"hypothesis": h, "computed": computed, "article": said, "agree": agree,
                     "why they differ": WHY_DIFFERENT.get(computed, "the rows contradict the article's reading")
                     if agree == "no" else "",
                     "the article's words": f'"{words}" ({where})' if words else ""})
    return pd.DataFrame(rows)


WHY_DIFFERENT = {
    "inconclusive": "too few cases for the statistic to decide; the article argues from the case, not from a rate",
    "no data": "the tables do not hold the rows the statistic needs",
    "mixed": "some recorded cases agree with the article's reading and some do not",
}
