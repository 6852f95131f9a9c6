"""Ties inferred from careers against the ties historians assert, and the test re-run on the inferred ties.

:func:`agreement` and :func:`rule_scores` compare the pairs each rule of
:mod:`patronage.robustness.career_ties` infers with the patronage ties the chosen coding asserts;
:func:`hypotheses_on_inferred` runs every hypothesis on the asserted ties and on each rule's,
leaving out by default the inferred ties between leaders (both held seniority >= 6 when the tie
began: see :mod:`patronage.robustness.career_ties`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from patronage import cache
from patronage.analysis import hypotheses
from patronage.analysis.crisis import make_crisis
from patronage.analysis.populations import members_by_id
from patronage.robustness.career_ties import LEADERS, leader_ties
from patronage.tables.dates import to_date


def asserted_pairs(view) -> set[tuple[str, str]]:
    """(patron, client) of every patronage tie the chosen coding asserts."""
    t = view.ties[view.ties["kind"] == "patronage"]
    return set(zip(t["patron_id"], t["client_id"], strict=True))


def agreement(view, rules: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every pair asserted by a historian or inferred by a rule, and which of them has it.

    returns: one row per (patron, client): their names, ``asserted`` and a True/False column
    per rule; asserted pairs first. An asserted row with no rule True is a tie no rule
    recovers; a row not asserted is an inferred tie no historian asserts.
    """
    asserted = asserted_pairs(view)
    found = {name: set(zip(t["patron_id"], t["client_id"], strict=True)) for name, t in rules.items()}
    leaders = {pair for t in rules.values() for pair, flag in zip(zip(t["patron_id"], t["client_id"], strict=True),
                                                                  _leader_flags(view, t), strict=True) if flag}
    every = sorted(asserted.union(*found.values()))
    names = view.persons.set_index("person_id")["name"]
    frame = pd.DataFrame({"patron": [names.get(p, p) for p, _ in every], "client": [names.get(c, c) for _, c in every],
                          "patron_id": [p for p, _ in every], "client_id": [c for _, c in every],
                          "asserted": [pair in asserted for pair in every]})
    for name, pairs in found.items():
        frame[name] = [pair in pairs for pair in every]
    frame[LEADERS] = [pair in leaders for pair in every]
    return frame.sort_values(["asserted", "patron", "client"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def rule_scores(view, rules: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Precision and recall of each rule against the asserted patronage ties (pairs, whatever their dates).

    precision: the share of the pairs a rule infers that a historian asserts; recall: the
    share of the asserted pairs the rule infers; between leaders: how many of the rule's ties
    join two leaders (see the module docstring), which :func:`hypotheses_on_inferred` leaves out.
    """
    asserted = asserted_pairs(view)
    rows = []
    for name, t in rules.items():
        pairs = set(zip(t["patron_id"], t["client_id"], strict=True))
        hit = len(pairs & asserted)
        rows.append({"rule": name, "inferred": len(pairs), LEADERS: int(_leader_flags(view, t).sum()),
                     "asserted": len(asserted), "recovered": hit,
                     "precision": hit / len(pairs) if pairs else np.nan,
                     "recall": hit / len(asserted) if asserted else np.nan})
    return pd.DataFrame(rows)


def _leader_flags(view, ties: pd.DataFrame) -> pd.Series:
    """The ``between leaders`` column of inferred ties, computed if a frame does not carry it."""
    return ties[LEADERS].astype(bool) if LEADERS in ties.columns else leader_ties(view, ties)


def with_inferred_ties(view, inferred: pd.DataFrame, keep_other_kinds: bool = True, motives: bool = False):
    """The tables with the asserted patronage ties replaced by inferred ones.

    The inferred ties are marked defected (with the defection date) only where an asserted
    patronage tie records a defection for the same pair; the motive is a historian's reading
    that no career rule can infer, so it stays NA unless ``motives`` copies it from that tie.
    With ``keep_other_kinds`` the asserted ties of other kinds (rivalry, exposure, alliance...)
    stay, since the rules infer patronage only.
    """
    t = view.ties
    asserted = t[(t["kind"] == "patronage") & t["defected"].fillna(False).astype(bool)]
    asserted = asserted.sort_values("tie_id").drop_duplicates(["patron_id", "client_id"]).set_index(["patron_id", "client_id"])
    new = inferred.copy()
    keys = list(zip(new["patron_id"], new["client_id"], strict=True))
    hit = np.array([k in asserted.index for k in keys], dtype=bool)
    carry = ["defected", "defection_date", "defection_date_lo", "defection_date_hi"] + (["motive"] if motives else [])
    for col in carry:
        values = [asserted.at[k, col] if h else v for k, h, v in zip(keys, hit, new[col], strict=True)]
        new[col] = pd.Series(values, index=new.index, dtype=new[col].dtype)
    others = t[t["kind"] != "patronage"] if keep_other_kinds else t.iloc[0:0]
    ties = pd.concat([others, new[list(t.columns)]], ignore_index=True)
    return view.replace(ties=ties)


def hypotheses_on_inferred(view, rules: Mapping[str, pd.DataFrame], patron: str, date, horizon_years: float = 10,
                           between_leaders: bool = False, **hypothesis_kwargs) -> pd.DataFrame:
    """Every hypothesis on the asserted ties and on each rule's inferred ties.

    between_leaders: keep the inferred ties between leaders (see the module docstring). By
    default they are left out: a rule that makes one Presidium member another's client infers
    no patronage anyone would assert. hypothesis_kwargs: passed to
    :func:`patronage.analysis.hypotheses.run_all` (population included).

    In a build the result is kept in the cache (:func:`patronage.cache.cached_result`) under the
    content of the tables and of each rule's ties, the arguments and the package's code.

    returns: one row per tie set and hypothesis: ties ('asserted' or the rule), hypothesis,
    value, verdict, clients (how many patronage clients the patron has the day before) and
    ``leader ties left out`` (how many of the rule's ties were left out as between leaders).
    """
    day = to_date(date)
    inputs = [cache.frames_digest(view.frames()), repr(view.selection), repr(list(rules)),
              cache.frames_digest(dict(rules)), repr(patron), str(day), repr(float(horizon_years)),
              repr(bool(between_leaders)), repr(sorted(hypothesis_kwargs.items()))]
    return cache.cached_result("hypotheses-on-inferred", inputs,
                               lambda: _hypotheses_on_inferred(view, rules, patron, day, horizon_years, between_leaders,
                                                               hypothesis_kwargs))


def _hypotheses_on_inferred(view, rules: Mapping[str, pd.DataFrame], patron, day, horizon_years, between_leaders,
                            hypothesis_kwargs) -> pd.DataFrame:
    """The computation of :func:`hypotheses_on_inferred`."""
    rows = []
    sets, left_out = {"asserted": view}, {"asserted": 0}
    for name, t in rules.items():
        drop = np.zeros(len(t), dtype=bool) if between_leaders else _leader_flags(view, t).to_numpy(dtype=bool)
        sets[name], left_out[name] = with_inferred_ties(view, t[~drop]), int(drop.sum())
    for name, tables in sets.items():
        crisis = make_crisis(tables, patron, day, horizon_years=horizon_years)
        with members_by_id():  # each set of ties keeps each step's value and verdict only
            results = hypotheses.run_all(tables, crisis, **hypothesis_kwargs)
        for r in results:
            rows.append({"ties": name, "hypothesis": r.hypothesis, "value": r.value, "verdict": r.verdict,
                         "clients": len(crisis.roster), "leader ties left out": left_out[name]})
    return pd.DataFrame(rows, columns=["ties", "hypothesis", "value", "verdict", "clients", "leader ties left out"])
