"""Step 8, the reinsurance reading, described rather than tested: are the clients with prior ties to a rival
the ones who defect?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.analysis.article import BLAUVELT
from patronage.analysis.crisis import Crisis
from patronage.analysis.populations import evidence
from patronage.analysis.verdicts import Result, nothing_to_count, percent, population_text


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
    statistic = f"conditional odds ratio, exposure x defection, exact {percent(confidence)} interval"
    r = crisis.roster
    text = population_text(tables, "every client of the patron recorded the day before", r["client_id"])
    members = evidence(tables, crisis, list(r["client_id"]), "client the day before")
    exposed, defected = r["exposed"].to_numpy(dtype=bool), r["defected"].to_numpy(dtype=bool)
    table = pd.DataFrame([[int((e & d).sum()), int((e & ~d).sum())] for e in (exposed, ~exposed) for d in [defected]],
                         index=["exposed to a rival", "not exposed"], columns=["defected", "stayed"])
    not_a_test = ("no: a description, not a test; the clients are those the sources name, and exposure is recorded "
                  "mainly where a source explains a defection by it")
    if len(r) < 2 or (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        # no case: clients recorded, but the table has an empty row or column; no data: no client recorded
        why = ("no client of the patron is recorded the day before" if not len(r)
               else "only one client is recorded: there is nothing to compare" if len(r) == 1
               else f"none of the {len(r)} recorded clients defected at the fall" if not defected.any()
               else f"all {len(r)} recorded clients defected at the fall" if defected.all()
               else f"none of the {len(r)} recorded clients is recorded exposed to a rival" if not exposed.any()
               else f"all {len(r)} recorded clients are recorded exposed to a rival")
        # no data where no client, or no exposure at all, is recorded; no case where the table's empty side is a fact
        # of the recorded clients (none defected, all did, all are exposed, or only one is recorded)
        unrecorded = not len(r) or (len(r) > 1 and defected.any() and not defected.all() and not exposed.any())
        return Result("H8 reinsurance", "reinsurance", claim, text, rule, statistic, "–", nothing_to_count(not unrecorded),
                      f"no: {why}", why, "", table, members)
    value, note, reason = _odds(table, confidence)
    return Result("H8 reinsurance", "reinsurance", claim, text, rule, statistic, value, "descriptive",
                  not_a_test, reason, note, table, members)


def _odds(table: pd.DataFrame, confidence: float) -> tuple[str, str, str]:
    """The 2x2 table described: (value: the conditional odds ratio with its exact interval and Fisher's
    one-sided p; note: how p moves with the number of loyal, unexposed clients; reason: the table in words)."""
    from scipy import stats
    from scipy.stats.contingency import odds_ratio

    est = odds_ratio(table.to_numpy(), kind="conditional")
    ci = est.confidence_interval(confidence_level=confidence)
    p = stats.fisher_exact(table.to_numpy(), alternative="greater").pvalue
    cells = table.to_numpy()
    halved = cells.copy()
    halved[1, 1] = cells[1, 1] // 2
    p_half = stats.fisher_exact(halved, alternative="greater").pvalue
    odds = "infinite" if np.isinf(est.statistic) else f"{est.statistic:.3g}"
    high = "infinite" if np.isinf(ci.high) else f"{ci.high:.3g}"
    value = (f"odds ratio {odds} [{ci.low:.3g}, {high}]; exposed: {cells[0, 0]} defected, {cells[0, 1]} stayed; not exposed: "
             f"{cells[1, 0]} defected, {cells[1, 1]} stayed; Fisher one-sided p = {p:.3f}")
    note = (f"The p-value moves with the number of loyal, unexposed clients the sources happen to name: with "
            f"{halved[1, 1]} instead of {cells[1, 1]} it would be {p_half:.3f}.")
    reason = (f"{int(cells[0, 0])} of {int(cells[:, 0].sum())} defectors and {int(cells[0, 1])} of {int(cells[:, 1].sum())} "
              f"loyal clients are recorded as exposed to a rival; the interval {'includes' if ci.low <= 1 <= ci.high else 'excludes'} 1")
    return value, note, reason
