"""Step 4b of the test: the motive of each defection, as the coding of the ties reads it (a historian's reading, or the
curators' reading of the work a tie cites), reported as the coding and deciding nothing."""

from __future__ import annotations

import pandas as pd

from patronage.analysis.article import FAIRBANKS
from patronage.analysis.crisis import Crisis
from patronage.analysis.defectors import coding_of, defectors_of, no_defectors
from patronage.analysis.verdicts import Result, names_of


def motive_as_coded(tables, crisis: Crisis) -> Result:
    """The motive of each defection as the chosen coding reads it: a historian's reading, reported as the coding.

    Blauvelt reads "tactical advantage"; Rayfield, as the article reports him, a grievance at the
    promotion of Caucasians. ``ties.motive`` records each reading; switching the coding switches
    the answer, which is why this row is labelled ``coding`` and decides nothing. Where no defection has a motive
    recorded, there is no reading to repeat: ``no data``.
    """
    claim = f'"clients would only rarely change sides in the hope of such a reward" ({FAIRBANKS})'
    rule = "none: the motive is the coding's reading of each defection (ties.motive), reported as the coding"
    statistic = "defections the coding attributes to reward"
    if not crisis.defectors:
        return no_defectors(tables, crisis, "H4b motive (coding)", "scarcity: the client's side", claim, rule, statistic)
    ids, text, members = defectors_of(tables, crisis)
    r = crisis.roster[crisis.roster["defected"]]
    motives = r["motive"].fillna("unknown")
    value = f"{int((motives == 'reward').sum())}/{len(r)} reward (" + ", ".join(f"{m}: {c}" for m, c in motives.value_counts().items()) + ")"
    if (motives == "unknown").all():  # no reading of any defection to report: not a coding, a gap
        why = f"no motive is recorded for {'the defection' if len(r) == 1 else 'any of the ' + str(len(r)) + ' defections'}"
        return Result("H4b motive (coding)", "scarcity: the client's side", claim, text, rule, statistic, value, "no data",
                      f"no: {why}", why, "", r[["client_id", "motive"]], members)
    return Result("H4b motive (coding)", "scarcity: the client's side", claim, text, rule, statistic, value, "coding",
                  *_motives_read(tables, r, motives), "", r[["client_id", "motive"]], members)


def _motives_read(tables, defected: pd.DataFrame, motives: pd.Series) -> tuple[str, str]:
    """Whose reading each defection's motive is: the chosen coding's, where the defector's tie belongs to some codings
    only (the historians' readings differ on it), or the curators' reading of the work the tie cites, where every
    coding shares the tie (no historian the codings are named after reads that defection: Yezhov's clients).
    returns: why the row could not differ, and the motives read, in words."""
    ties, every = tables.ties.set_index("tie_id"), set(tables.codings["coding_id"])
    own, shared = [], []
    for client, motive, tie in zip(defected["client_id"], motives, defected["tie_id"], strict=True):
        mine = set(str(ties.at[tie, "codings"]).split("|")) < every
        (own if mine else shared).append(f"{names_of(tables, [client])}: {motive}" + ("" if mine else f" ({ties.at[tie, 'source_id']})"))
    out = [f"the coding '{coding_of(tables)}' reads: " + ", ".join(own)] if own else []
    out += ["the same under every coding, the curators' reading of the work each tie cites: " + ", ".join(shared)] if shared else []
    by = f"by the coding '{coding_of(tables)}'" if own else "by the curators, the same under every coding"
    return f"no: the motive is typed into the ties {by}", "; ".join(out)
