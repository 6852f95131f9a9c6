"""Step 1 of the test, the control: were the turncoats genuine clients of the fallen patron? Read from their
careers (:mod:`patronage.analysis.advancement`), which no coding of the ties touches."""

from __future__ import annotations

import pandas as pd

from patronage.analysis import verdicts
from patronage.analysis.advancement import UNSAID, career_evidence, unrecorded_the_day_before
from patronage.analysis.article import BLAUVELT
from patronage.analysis.crisis import Crisis, crisis_events
from patronage.analysis.defectors import coding_of
from patronage.analysis.populations import evidence, members_in_full
from patronage.analysis.verdicts import Result, names_of, number


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
    rule = verdicts.split_rule("turncoat", "he did not serve under the patron the day before the fall (both their posts recorded "
                      "that day), or a rival presided over one of his promotions or more, and as many as the patron did (careers only: the "
                      "coding of the ties is not read); where neither is recorded and the careers do not make him the patron's "
                      "client (no promotion of his presided over by the patron or a rival, or his post or the patron's not "
                      "recorded that day), his outcome is not recorded")
    statistic = "turncoats whose careers make them the patron's clients"
    turncoats = sorted(set(crisis.turncoats) | set(crisis.defectors))
    members = _turncoat_members(tables, crisis, turncoats)
    text = verdicts.population_text(tables, "the turncoats: recorded acting against the patron at his fall, or coded as "
                                    "defecting from him then", turncoats)
    if not turncoats:
        n = len(crisis.roster)
        why = "no one is recorded acting against the patron at the crisis" + (
            f" (his {'one recorded client' if n == 1 else number(n, 'recorded client')} included)" if n else "")
        return Result("H1 genuine clients", "control", claim, text, rule, statistic, "–",
                      verdicts.nothing_to_count(len(crisis.roster)), f"no: {why}", why, members=members)
    career = career_evidence(tables, crisis, turncoats)
    coded = crisis.roster.set_index("client_id")
    career["the coding says"] = ["the patron's client" if p in coded.index else "not his client" for p in career["person_id"]]
    records = career.to_dict("records")
    outcomes = {c["person_id"]: None if c["career says"] == UNSAID else c["career says"] != "the patron's client"
                for c in records}
    k, m, u = verdicts.count_outcomes(outcomes)
    return Result("H1 genuine clients", "control", claim, text, rule, statistic,
                  f"{m}/{len(turncoats)} genuine" + (f" ({u} whose career does not say)" if u else ""),
                  verdicts.split_outcome(k, m, u), verdicts.split_could_differ(len(turncoats), "turncoat"), _career_reason(tables, crisis, records),
                  _coding_note(tables, outcomes, career), career, members)


def _turncoat_members(tables, crisis: Crisis, turncoats: list) -> pd.DataFrame:
    """The turncoats with the rows that put each one there: his tie and post (:func:`patronage.analysis.populations.evidence`),
    and his act against the patron at the fall, with its quotation."""
    acted = [p for p in turncoats if p in crisis.turncoats]
    coded = [p for p in turncoats if p not in crisis.turncoats]  # only his tie records a defection at the crisis
    counted = pd.concat([evidence(tables, crisis, acted, "acted against the patron at his fall"),
                         evidence(tables, crisis, coded, "coded as defecting from the patron at his fall (no act of his recorded)")])
    counted = counted.set_index("person_id").loc[turncoats].reset_index()
    if not members_in_full():
        return counted
    parts = crisis_events(tables, crisis.patron, crisis.date, crisis.window_days)
    acts = parts[parts["role"].eq("defecting") & parts["person_id"].isin(turncoats)].drop_duplicates("person_id")
    return counted.assign(
        **{"act": lambda m: m["person_id"].map(acts.set_index("person_id")["event_id"]),
           "act quote": lambda m: m["person_id"].map(acts.set_index("person_id")["quote"])})


SERVED = {True: "served under him the day before", False: "did not serve under him the day before"}


def _coding_note(tables, outcomes: dict, career: pd.DataFrame) -> str:
    """Whom the careers make the patron's clients, and whom the chosen coding reads otherwise."""
    genuine = [p for p, v in outcomes.items() if v is False]
    # the careers and the coding differ where one makes him the patron's client and the other does not ("a rival's
    # client" and "neither" both read "not his client"); a career with no promotion recorded says nothing either way
    said = career["career says"] != UNSAID
    differ = career[said & ((career["career says"] == "the patron's client") != (career["the coding says"] == "the patron's client"))]
    made = (f"Careers make {names_of(tables, genuine)} the patron's {'client' if len(genuine) == 1 else 'clients'}." if genuine
            else "The careers do not say whose client any of them was." if all(v is None for v in outcomes.values())
            else "Careers make none of them the patron's client.")
    return (made
            + (f" The coding '{coding_of(tables)}' reads {names_of(tables, differ['person_id'])} otherwise." if len(differ) else ""))


def _unsaid_service(tables, crisis: Crisis, person) -> str:
    """Why the careers do not say whether ``person`` served under the patron the day before, in words."""
    missing = unrecorded_the_day_before(tables, crisis, person)
    return (f"no post of {missing} recorded the day before" if missing
            else "whether he served under him the day before is open (a post's dates may or may not reach that day)")


def _career_reason(tables, crisis: Crisis, records: list[dict]) -> str:
    """Each turncoat's promotions, who presided over them, and the reading that follows, in words."""
    return "; ".join(f"{names_of(tables, [c['person_id']])}: {number(c['promotions'], 'promotion')}, {c['by the patron']} under the "
                     f"patron, {c['by a rival']} under a rival{' (' + c['which rival'] + ')' if c['which rival'] else ''}, "
                     f"{SERVED.get(c['under the patron']) or _unsaid_service(tables, crisis, c['person_id'])}"
                     f" -> {c['career says']}"
                     for c in records)
