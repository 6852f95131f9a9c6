"""The thresholds of the rules: every step re-run with one of notebook 03's thresholds changed at a time.

The specification grid (:mod:`patronage.robustness.specifications`) varies what the tables say (coding, reading,
evidence) and how far and whom the test looks (horizon, population); it keeps the thresholds of the steps' rules
at notebook 03's defaults: how long after the fall a reward counts (``window_days``), which posts are high office
(``min_rank``), what share of defectors is rare (``rare_share``), which reward is public (``public_rank``) and the
confidence of the exact intervals (``alpha``). A verdict that holds over the whole grid may still rest on one of
them. Here each is set to each of a few values, the others kept at their defaults, and every step re-run at the
base specification: one at a time, as the grid's comparisons change one dimension alone, not crossed (six
thresholds of three to five values crossed would be 1,620 runs of the steps for one crisis).

One more line is the crisis's own: a defection, or an act against the patron, belongs to his fall if it is dated
within ``crisis_window_days`` of it (:func:`patronage.analysis.crisis.make_crisis`); it decides who the defectors are.

The defaults are read from :func:`patronage.analysis.hypotheses.run_all` and
:func:`~patronage.analysis.crisis.make_crisis`, so they cannot drift from notebook 03's.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pandas as pd

from patronage import cache
from patronage.analysis import hypotheses
from patronage.analysis.crisis import make_crisis
from patronage.analysis.populations import members_by_id
from patronage.analysis.verdicts import DECIDED, VERDICTS
from patronage.errors import ParameterError
from patronage.tables.checks import check_choice, number
from patronage.tables.dates import to_date


@dataclass(frozen=True)
class Threshold:
    """One threshold of the rules: its valid range (as notebook 03 checks it) and what it means."""

    low: float
    high: float
    integer: bool
    open_ends: bool
    meaning: str
    of_crisis: bool = False  # a threshold of the crisis itself (make_crisis's window_days), not of a step's rule


THRESHOLDS = {
    "crisis_window_days": Threshold(0, 365, True, False, "a defection a tie records belongs to the fall if its date can fall "
                                    "within this many days of it, either side; an act against the patron, if within this many "
                                    "days before it or on the day", of_crisis=True),
    "window_days": Threshold(1, 3650, True, False, "the one window of the steps: a reward within it of the fall (H3 to H5), a "
                             "loss within it of the fall (H7) or of a later turn (H6a), high office entered within it (H6b)"),
    "min_rank": Threshold(0, 7, True, False, "high office: seniority at or above this rank"),
    "rare_share": Threshold(0, 1, False, False, "a 'rare' defection: a share of clients at most this large"),
    "public_rank": Threshold(0, 7, True, False, "a public reward: a post of this seniority or above"),
    "alpha": Threshold(0, 1, False, True, "one minus the confidence of the exact intervals"),
}
# notebook 04's default values (each threshold's default among them): from a tenth or less of the default to twice it
# where the scale allows, one rank below and one above on the scale of ranks; a verdict is said to keep its value only
# over the values tried
DEFAULT_VALUES = "crisis_window_days: 0, 7, 30, 90; window_days: 30, 90, 180, 365, 730; min_rank: 3, 4, 5; rare_share: 0.05, 0.1, 0.2; public_rank: 5, 6, 7; alpha: 0.01, 0.05, 0.1"
COLUMNS = ["threshold", "value", "base", "hypothesis", "result", "verdict"]


def defaults() -> dict[str, float]:
    """Each threshold's default, as :func:`patronage.analysis.hypotheses.run_all` sets it (notebook 03's)."""
    steps, crisis = (inspect.signature(f).parameters for f in (hypotheses.run_all, make_crisis))
    return {name: (crisis["window_days"] if rule.of_crisis else steps[name]).default for name, rule in THRESHOLDS.items()}


def parse_thresholds(value: object) -> dict[str, tuple]:
    """A notebook's ``thresholds`` ("window_days: 90, 365; min_rank: 3, 5") as threshold -> sorted distinct values.

    An empty string varies no threshold. raises ParameterError naming ``thresholds`` (for an unknown name, with the
    closest) or ``thresholds (name)`` (for a value out of its range, with the range), never a traceback.
    """
    if not isinstance(value, str):
        raise ParameterError("thresholds", value, f"give a string such as {DEFAULT_VALUES!r}")
    out: dict[str, tuple] = {}
    for part in filter(str.strip, value.split(";")):
        name, sep, listed = part.partition(":")
        if not sep or not listed.strip():
            raise ParameterError("thresholds", value, f"give each threshold as 'name: value, value', separated by ';' ({part.strip()!r} is not)")
        name = check_choice("thresholds", name.strip(), THRESHOLDS)
        if name in out:
            raise ParameterError("thresholds", value, f"give {name!r} once")
        out[name] = tuple(sorted({_number(name, v.strip()) for v in listed.split(",")}))
    return out


def _number(name: str, text: str) -> float:
    """One value of threshold ``name`` read from its text and checked against its range."""
    rule = THRESHOLDS[name]
    try:
        read = int(text) if rule.integer else float(text)
    except ValueError:
        read = text
    return number(f"thresholds ({name})", read, rule.low, rule.high, integer=rule.integer, open_ends=rule.open_ends)


def threshold_legend(values: dict) -> pd.DataFrame:
    """What each threshold in ``values`` (:func:`parse_thresholds`) means, its default and the values tried (the
    default among them), for a reader who meets the names first in a table of verdicts."""
    base = defaults()
    return pd.DataFrame([{"threshold": name, "meaning": THRESHOLDS[name].meaning, "default": _value_text(base[name]),
                          "tried": ", ".join(_value_text(v) for v in sorted({*chosen, base[name]}))}
                         for name, chosen in values.items()], columns=["threshold", "meaning", "default", "tried"])


def verdicts_at_thresholds(view, patron: str, date, horizon_years: float = 10, values: dict | None = None,
                           **hypothesis_kwargs) -> pd.DataFrame:
    """Every step at the base specification ``view``, once at the defaults and once for each other value of each threshold.

    values: threshold -> values (:func:`parse_thresholds`; by default :data:`DEFAULT_VALUES`); each threshold's
    default is added where it is missing, so that every threshold is compared with the base.
    hypothesis_kwargs: passed to :func:`patronage.analysis.hypotheses.run_all` (population); a threshold among
    them is refused, since it is what this varies.

    In a build the result is kept in the cache (:func:`patronage.cache.cached_result`) under the content of the
    tables, the selection, the arguments and the package's code.

    returns: one row per threshold, value and step: threshold, value, base (the default), hypothesis, result, verdict.
    """
    fixed = set(hypothesis_kwargs) & set(THRESHOLDS)
    if fixed:
        raise ValueError(f"{sorted(fixed)} are the thresholds this varies: give their values in `values`")
    values = parse_thresholds(DEFAULT_VALUES) if values is None else values
    day = to_date(date)
    inputs = [cache.frames_digest(view.frames()), repr(view.selection), repr(patron), str(day), repr(float(horizon_years)),
              repr(sorted(values.items())), repr(sorted(hypothesis_kwargs.items()))]
    with members_by_id():  # each run keeps each step's value and verdict only
        return cache.cached_result("verdicts-at-thresholds", inputs,
                                   lambda: _verdicts_at_thresholds(view, patron, day, horizon_years, values, hypothesis_kwargs))


def _verdicts_at_thresholds(view, patron, day, horizon_years, values, hypothesis_kwargs) -> pd.DataFrame:
    """The computation of :func:`verdicts_at_thresholds`: the base run once, each other value once."""
    crisis = make_crisis(view, patron, day, horizon_years=horizon_years)
    base = defaults()
    at_base = hypotheses.run_all(view, crisis, **hypothesis_kwargs)
    rows = []
    for name, chosen in values.items():
        for value in sorted({*chosen, base[name]}):
            if value == base[name]:
                results = at_base
            elif THRESHOLDS[name].of_crisis:  # the crisis itself is another: other defectors, another roster
                results = hypotheses.run_all(view, make_crisis(view, patron, day, horizon_years=horizon_years, window_days=value),
                                             **hypothesis_kwargs)
            else:
                results = hypotheses.run_all(view, crisis, **{name: value}, **hypothesis_kwargs)
            rows += [{"threshold": name, "value": value, "base": value == base[name], "hypothesis": r.hypothesis,
                      "result": r.value, "verdict": r.verdict} for r in results]
    return pd.DataFrame(rows, columns=COLUMNS)


def threshold_effects(at: pd.DataFrame) -> pd.DataFrame:
    """For each step and threshold (:func:`verdicts_at_thresholds`), the verdict at each value, and whether the
    threshold moves it: ``moved`` if the verdicts differ, ``decided`` if one of them is a verdict a rule decided
    (a change between labels that decide nothing, 'no data' to 'no case', only relabels), as
    :func:`patronage.robustness.specifications.dimension_effects` counts the grid's dimensions.

    returns: one row per hypothesis and threshold: hypothesis, threshold, values (how many), tried (the values, in
    order), moved, decided, deciding (a verdict a rule decided comes out at one value at least), verdicts
    (each verdict with the values that give it, in the order of VERDICTS: 'fails at 90; holds at 180, 365').
    """
    rows = []
    for (h, name), group in at.groupby(["hypothesis", "threshold"], sort=False):
        seen = set(group["verdict"])
        by = {v: ", ".join(_value_text(x) for x in group.loc[group["verdict"] == v, "value"]) for v in VERDICTS if v in seen}
        rows.append({"hypothesis": h, "threshold": name, "values": len(group),
                     "tried": ", ".join(_value_text(x) for x in group["value"]), "moved": len(seen) > 1,
                     "decided": len(seen) > 1 and bool(seen & set(DECIDED)), "deciding": bool(seen & set(DECIDED)),
                     "verdicts": "; ".join(f"{v} at {x}" for v, x in by.items())})
    return pd.DataFrame(rows, columns=["hypothesis", "threshold", "values", "tried", "moved", "decided", "deciding", "verdicts"])


def _value_text(value: float) -> str:
    """A threshold's value as a reader typed it: 365, 0.05."""
    return f"{value:g}"


def threshold_table(effects: pd.DataFrame) -> pd.DataFrame:
    """The steps by the thresholds: 'same' where a threshold leaves the step's verdict as it is at every value,
    else the verdict at each value; '(relabels)' marks a change between labels that decide nothing."""
    def cell(row) -> str:
        if not row["moved"]:
            return "same"
        return row["verdicts"] + ("" if row["decided"] else " (relabels)")

    table = effects.assign(cell=effects.apply(cell, axis=1)) if len(effects) else effects.assign(cell=[])
    return table.pivot(index="hypothesis", columns="threshold", values="cell").reindex(columns=list(dict.fromkeys(effects["threshold"])))


def moved_by_thresholds(effects: pd.DataFrame) -> pd.Series:
    """For each step, the thresholds that move a decided verdict of it, joined ('' for none)."""
    hyps = list(dict.fromkeys(effects["hypothesis"]))
    moving = effects[effects["decided"]].groupby("hypothesis", sort=False)["threshold"].agg(", ".join)
    return moving.reindex(hyps, fill_value="")


def threshold_column(effects: pd.DataFrame) -> pd.Series:
    """The robustness table's column (:func:`patronage.robustness.sensitivity.robustness_table`, the README's): for each
    step, the thresholds that move a decided verdict of it; 'none at the values tried' where a decided verdict stays;
    'decides nothing' where no value gives a verdict a rule decided; 'not varied' for every step where no threshold was
    given two values (nothing was compared, so nothing is claimed)."""
    hyps = list(dict.fromkeys(effects["hypothesis"]))
    if effects.empty or int(effects["values"].max()) < 2:
        return pd.Series("not varied", index=hyps, dtype="object")
    deciding = effects.groupby("hypothesis", sort=False)["deciding"].any()
    moving = moved_by_thresholds(effects)
    return pd.Series({h: moving[h] or ("none at the values tried" if deciding[h] else "decides nothing") for h in hyps})


def threshold_lines(effects: pd.DataFrame) -> list[str]:
    """One line per threshold (:func:`threshold_effects`): the values tried, and the steps whose decided verdict it
    moves, with the verdict at each value, or 'moves no decided verdict'; the steps it only relabels apart."""
    lines = []
    for name, mine in effects.groupby("threshold", sort=False):
        tried = int(mine["values"].max())
        if tried < 2:
            lines.append(f"- {name}: not varied (one value): nothing compared")
            continue
        moved = [f"{h} ({v})" for h, v in mine.loc[mine["decided"], ["hypothesis", "verdicts"]].itertuples(index=False)]
        relabelled = sorted(mine.loc[mine["moved"] & ~mine["decided"], "hypothesis"])
        lines.append(f"- {name} ({tried} values): " + (f"moves {len(moved)} decided step(s): {'; '.join(moved)}" if moved
                                                         else "moves no decided verdict")
                     + (f" (it only relabels {', '.join(relabelled)}, between labels that decide nothing)" if relabelled else ""))
    return lines

