"""Defection pooled across the crises of the panel, with its exact interval, set against the case's own
rate (Fisher's exact test and a binomial test, one-sided), and re-counted in the ways a reader may
doubt it: without each crisis in turn, at other rank thresholds, with another window for a defection to belong to a
fall, and counting each man once. Pooling
treats every top client of every crisis as one draw from a common rate: an assumption, not a finding."""

from __future__ import annotations

import pandas as pd
from scipy import stats

from patronage.analysis.advancement import UNSAID, career_evidence
from patronage.analysis.crisis import Crisis, make_crisis
from patronage.analysis.populations import first_deputies
from patronage.robustness.verdict_panel import top_clients

VARIANT_COLUMNS = ["variant", "crises", "top clients", "defected", "share", "ci low", "ci high"]


def exact_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of k defections in n (scipy); (nan, nan) when n is 0."""
    if not n:
        return float("nan"), float("nan")
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    return float(ci.low), float(ci.high)


def pooled_defection(rosters: dict[str, Crisis], min_rank: int = 4, confidence: float = 0.95) -> pd.Series:
    """Defection among the top clients (rank >= min_rank) of all crises pooled, with the exact interval.

    Pooling treats every top client of every crisis as one draw from a common rate: an assumption,
    not a finding (the crises differ, and one crisis may hold most of the clients). The number of
    crises with any defection is given beside it.
    """
    tops = [c.roster[c.roster["rank_before"] >= min_rank] for c in rosters.values()]
    n, k = sum(len(t) for t in tops), sum(int(t["defected"].sum()) for t in tops)
    low, high = exact_interval(k, n, confidence)
    return pd.Series({"crises": len(rosters), "crises with top clients": sum(len(t) > 0 for t in tops),
                      "crises with a defection": sum(bool(t["defected"].any()) for t in tops),
                      "top clients": n, "defected": k, "share": k / n if n else float("nan"),
                      f"exact {confidence:.0%} CI low": low, f"exact {confidence:.0%} CI high": high}, dtype="object")


def pooled_top_clients(tables, rosters: dict[str, Crisis], min_rank: int = 4, confidence: float = 0.95,
                       leave_out: str | None = None) -> pd.Series:
    """Defection among the top clients of the crises pooled (optionally leaving one crisis out), with the exact interval.

    A client who is a top client in two crises counts once per crisis: each crisis is a separate
    chance to defect. Pooling treats every one as a draw from one common rate: an assumption, not
    a finding (see the notebook's caveats).
    """
    return pooled({name: top_clients(tables, c, min_rank) for name, c in rosters.items() if name != leave_out}, confidence)


def pooled(tops: dict[str, pd.DataFrame], confidence: float = 0.95) -> pd.Series:
    """The pooled count of top clients already found (``tops``: crisis -> :func:`top_clients`), with its exact interval."""
    n, k = sum(len(t) for t in tops.values()), sum(int(t["defected"].sum()) for t in tops.values())
    low, high = exact_interval(k, n, confidence)
    return pd.Series({"crises": len(tops), "crises with top clients": sum(len(t) > 0 for t in tops.values()),
                      "top clients": n, "defected": k, "share": k / n if n else float("nan"),
                      "ci low": low, "ci high": high, "confidence": confidence}, dtype="object")


def rarer_than_case(tables, rosters: dict[str, Crisis], case: str, min_rank: int = 4) -> pd.Series:
    """Was defection rarer among the top clients of the other crises than among the case's own? Two exact one-sided tests.

    Both sides count the same population: the top clients (rank >= ``min_rank`` the day before,
    :func:`patronage.robustness.verdict_panel.top_clients`) of the case, and those of every other crisis, pooled.
    Fisher's exact test (alternative 'less': the others' odds of defecting are lower) treats both as samples;
    the binomial test takes the case's share as a fixed rate p0 and asks whether the others' count is
    improbably low under it. The case's first deputies (the article's 2 of 3 for Beria) are given beside it,
    not tested: set against the others' top clients they would weigh one population against another.
    A case none of whose top clients defected is not tested: no rate elsewhere can be lower than none, and
    both tests would give p = 1 whatever the other crises recorded. A case all of whose top clients defected (one of
    one) has no binomial test: against a fixed rate of 1 any count below all has p = 0, which says nothing.
    """
    crisis = rosters[case]
    top = top_clients(tables, crisis, min_rank)
    k_case, n_case = int(top["defected"].sum()), len(top)
    deputies = first_deputies(tables, crisis)
    defected = crisis.roster.set_index("client_id")["defected"]
    rest = pooled_top_clients(tables, rosters, min_rank, leave_out=case)
    k, n = int(rest["defected"]), int(rest["top clients"])
    out = {"case": case, "case defected": k_case, "case top clients": n_case, "case first deputies": len(deputies),
           "case first deputies defected": int(sum(bool(defected[p]) for p in deputies)), "others defected": k,
           "others top clients": n, "other crises": len(rosters) - 1,
           "fisher odds ratio": float("nan"), "fisher p (one-sided, less)": float("nan"),
           "binomial p0": float("nan"), "binomial p (one-sided, less)": float("nan")}
    if n and k_case:
        odds, p = stats.fisher_exact([[k, n - k], [k_case, n_case - k_case]], alternative="less")
        out |= {"fisher odds ratio": float(odds), "fisher p (one-sided, less)": float(p), "binomial p0": k_case / n_case}
        if k_case < n_case:  # a rate of 1 (every top client of the case defected) gives p = 0 to any count below all
            out["binomial p (one-sided, less)"] = float(stats.binomtest(k, n, k_case / n_case, alternative="less").pvalue)
    return pd.Series(out, dtype="object")


CAREERS_CONFIRM = "careers confirm"  # the variant without the defectors whose careers make them no client of the patron


def _careers_confirm(tables, crisis: Crisis, top: pd.DataFrame) -> pd.DataFrame:
    """The top clients of one crisis without the defectors whose careers say they were not the patron's clients (the
    control, step H1: a rival's client, or neither); those whose careers do not say stay, as H1 leaves them open."""
    defectors = top.loc[top["defected"].astype(bool), "person_id"].tolist()
    if not defectors:
        return top
    said = career_evidence(tables, crisis, defectors).set_index("person_id")["career says"]
    out = said[(said != UNSAID) & (said != "the patron's client")].index
    return top[~top["person_id"].isin(out)]


def pooled_variants(tables, rosters: dict[str, Crisis], min_rank: int = 4, ranks: tuple[int, ...] = (3, 5),
                    confidence: float = 0.95, windows: tuple[int, ...] = (7, 90)) -> pd.DataFrame:
    """How much the pooled share rests on one crisis, on the rank threshold, on the crisis's window, and on counting
    chances, not men.

    One row per count (:data:`VARIANT_COLUMNS`): every crisis pooled (the estimate); each crisis with
    top clients left out in turn; each threshold in ``ranks`` in place of ``min_rank``; each crisis made again with each
    window in ``windows`` (days; a defection, or an act against the patron, belongs to his fall if dated this close to
    it) in place of the rosters' own (:func:`patronage.analysis.crisis.make_crisis`); without the defectors whose
    careers make them no client of the patron (:data:`CAREERS_CONFIRM`: the coding calls them his, the control does
    not); and each man counted once however many crises he is a top client at, as a defector if he defected at any.
    """
    tops = {name: top_clients(tables, c, min_rank) for name, c in rosters.items()}
    counts = [("all crises", pooled(tops, confidence))]
    counts += [(f"without {name}", pooled({n: t for n, t in tops.items() if n != name}, confidence))
               for name, top in tops.items() if len(top)]
    counts += [(f"rank >= {r}", pooled_top_clients(tables, rosters, r, confidence)) for r in ranks
               if r != min_rank and 0 <= r <= 7]  # a threshold off the scale (0-7) counts no one new
    counts += [(window_variant(w), pooled_top_clients(tables, _with_window(tables, rosters, w), min_rank, confidence))
               for w in windows if any(w != c.window_days for c in rosters.values())]
    counts.append((CAREERS_CONFIRM, pooled({n: _careers_confirm(tables, rosters[n], t) for n, t in tops.items()}, confidence)))
    rows = [{"variant": variant, **{c: s[c] for c in VARIANT_COLUMNS[1:]}} for variant, s in counts]
    men = pd.concat(tops.values(), ignore_index=True).groupby("person_id")["defected"].any()
    low, high = exact_interval(int(men.sum()), len(men), confidence)
    rows.append({"variant": "each man once", "crises": len(tops), "top clients": len(men),
                 "defected": int(men.sum()), "share": men.mean() if len(men) else float("nan"), "ci low": low, "ci high": high})
    return pd.DataFrame(rows, columns=VARIANT_COLUMNS).astype({"crises": int, "top clients": int, "defected": int,
                                                                "share": float, "ci low": float, "ci high": float})


def window_variant(days: int) -> str:
    """The name of the variant with a crisis window of ``days`` (:func:`pooled_variants`)."""
    return f"crisis window {days} days"


def _with_window(tables, rosters: dict[str, Crisis], days: int) -> dict[str, Crisis]:
    """Each crisis made again with a window of ``days`` (its horizon kept: the top clients do not depend on it)."""
    return {name: make_crisis(tables, c.patron, c.date, horizon_years=c.horizon.year - c.date.year, window_days=days)
            for name, c in rosters.items()}
