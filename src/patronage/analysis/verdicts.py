"""Verdicts, and the rules that give them: each stated before it computes, each able to fail.

A hypothesis of :mod:`patronage.analysis.hypotheses` names its population (who is counted, and the row
that puts each person there), states its rule (which result gives which verdict) and says
whether these tables could have produced another verdict. The verdicts:

- ``holds`` / ``fails`` / ``mixed``: the rule decided, and another result was possible;
- ``inconclusive``: the cases counted cannot decide (a wide interval, or missing outcomes that
  could tip the verdict either way);
- ``no case``: the patron's clients are recorded, but none is of the kind the step counts (no
  defector, no later turn): the situation the claim is about did not arise, so there is
  nothing to test. Not missing data: the same clients count in step 2 as not having defected;
- ``no data``: the tables record nothing the rule can count (no client of the patron at all, or no outcome);
- ``untestable``: the tables could not have produced another verdict, so none is given;
- ``coding``: the row repeats a reading recorded in the tables, not a test: a historian's coding, or the curators' where
  no historian gives one (the row says whose);
- ``descriptive``: an estimate reported for what it describes, not decided.

The rules are small and written here once: a split over cases (none, some or all against the
claim) and a share with its exact interval against a threshold. Both know which verdicts a given
number of cases can reach, so a row says so instead of deciding when only one can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pandas as pd

VERDICTS = ("holds", "mixed", "inconclusive", "fails", "no case", "no data", "untestable", "coding", "descriptive")
DECIDED = ("holds", "mixed", "inconclusive", "fails")  # the verdicts of a rule that could have come out otherwise
YES = "yes"


@dataclass
class Result:
    """One step of the test: what is counted, by which rule, what came out, and whether it could have differed.

    population: who is counted, in words, with the number; ``members`` lists them with the row and
    the quotation that put each one there. rule: which result gives which verdict, fixed before
    computing. could_differ: "yes", or "no: " and why. reason: the data's own account of the verdict
    (used where it differs from the article's reading).
    """

    hypothesis: str
    step: str
    claim: str
    population: str
    rule: str
    statistic: str
    value: str
    verdict: str
    could_differ: str = YES
    reason: str = ""
    note: str = ""
    detail: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    members: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; one of {VERDICTS}")
        if self.could_differ != YES and not self.could_differ.startswith("no: "):
            raise ValueError(f"could_differ must be 'yes' or start with 'no: ', not {self.could_differ!r}")
        if self.could_differ != YES and self.verdict in DECIDED:
            # a rule whose outcome was fixed before counting decides nothing; the reason says why first
            self.reason = self.could_differ[4:] + (f" (what the rows show: {self.reason})" if self.reason else "")
            self.verdict = "untestable"

    def summary(self) -> str:
        """The step in words, one line per part: who is counted, the rule, what came out and why."""
        lines = [f"{self.hypothesis} ({self.step})", f"  population:   {self.population}", f"  rule:         {self.rule}",
                 f"  statistic:    {self.statistic}: {self.value}", f"  verdict:      {self.verdict}",
                 f"  could differ: {self.could_differ}"]
        if self.reason:
            lines.append(f"  because:      {self.reason}")
        if self.note:
            lines.append(f"  note:         {self.note}")
        return "\n".join(lines)

    def row(self) -> dict:
        """The verdict-table row."""
        return {"hypothesis": self.hypothesis, "step": self.step, "claim": self.claim, "population": self.population,
                "rule": self.rule, "statistic": self.statistic, "value": self.value, "verdict": self.verdict,
                "could_differ": self.could_differ, "reason": self.reason}


def split(against: int, n: int) -> str:
    """holds if no case is against the claim, fails if every one is, mixed otherwise."""
    return "holds" if against == 0 else "fails" if against == n else "mixed"


def split_outcome(against: int, agreeing: int, unknown: int) -> str:
    """The verdict of the split rule when some cases' outcomes are not recorded.

    A verdict is given only if every way of filling in the unknown cases gives it; otherwise
    ``inconclusive``. ``no data`` if no case's outcome is known.
    """
    n = against + agreeing + unknown
    if against + agreeing == 0:
        return "no data"
    possible = {split(j, n) for j in range(against, against + unknown + 1)}
    return possible.pop() if len(possible) == 1 else "inconclusive"


def nothing_to_count(recorded: int | bool) -> str:
    """The verdict of a step whose population is empty: ``no case`` if what it is drawn from is recorded
    (how many of the patron's clients, or whether their outcomes are known) and none is of the kind the
    step counts, ``no data`` if nothing is."""
    return "no case" if recorded else "no data"


def split_rule(unit: str, against_if: str) -> str:
    """The split rule in words: what puts a case against the claim, which count gives which verdict, and
    the smallest number of cases at which each verdict is reachable (computed, not typed)."""
    reach = {v: min(n for n in range(1, 4) if any(split(k, n) == v for k in range(n + 1))) for v in ("holds", "fails", "mixed")}
    return (f"a {unit} counts against the claim if {against_if}. holds if none does, fails if every one does, mixed "
            f"otherwise (reachable from N = {reach['holds']}, {reach['fails']} and {reach['mixed']}); a case whose "
            "outcome is not recorded makes the verdict inconclusive if it could tip it, and no data if no case's outcome "
            "is recorded")


def split_could_differ(n: int, unit: str) -> str:
    """'yes' if the split rule had cases to count (any verdict was then possible), else why not."""
    return YES if n else f"no: no {unit} to count"


@cache  # the same few (k, n) recur in every specification and draw: each interval is computed once
def exact_interval(k: int, n: int, confidence: float) -> tuple[float, float]:
    """Clopper-Pearson interval of k successes in n (scipy)."""
    from scipy import stats

    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    return float(ci.low), float(ci.high)


def share_verdict(k: int, n: int, rare_share: float, confidence: float) -> str:
    """holds if the exact interval lies at or below rare_share, fails if above it, inconclusive otherwise."""
    low, high = exact_interval(k, n, confidence)
    return "holds" if high <= rare_share else "fails" if low > rare_share else "inconclusive"


@cache
def share_reach(rare_share: float, confidence: float, limit: int = 10_000) -> dict[str, int | None]:
    """The smallest number of cases at which the share rule can reach holds (none against) and fails (all against).

    For k = 0 the exact interval's upper bound is 1 - (a/2)^(1/n), and for k = n its lower bound is
    (a/2)^(1/n) (a = 1 - confidence): the binomial probabilities of those counts are powers of p. So
    the first n is found from the logarithms, then checked against :func:`share_verdict` itself at
    that n and the one before it (scipy's root-finding, exactly as any result is judged), so that
    rounding can never move it. Bisecting with scipy alone cost a second per process.

    returns: {"holds": N or None, "fails": N or None} (None: not within ``limit`` cases).
    """
    import math

    half = (1 - confidence) / 2
    guesses = {"holds": (lambda n: 0, math.log(half) / math.log1p(-rare_share) if 0 < rare_share < 1 else None),
               "fails": (lambda n: n, math.log(half) / math.log(rare_share) if 0 < rare_share < 1 else None)}
    out = {}
    for verdict, (k_of, bound) in guesses.items():
        n = 1 if bound is None else max(1, min(limit, math.ceil(bound) if verdict == "holds" else math.floor(bound) + 1))
        while n > 1 and share_verdict(k_of(n - 1), n - 1, rare_share, confidence) == verdict:
            n -= 1
        while n <= limit and share_verdict(k_of(n), n, rare_share, confidence) != verdict:
            n += 1 if bound is not None else limit  # no bound: only n = 1 can decide; else step up to the first that does
        out[verdict] = n if n <= limit else None
    return out


def percent(share: float) -> str:
    """A confidence level as a percentage, with as many decimals as it needs to be that level ('95%', '97.5%', '99.9%',
    '0.1%'): never rounded, so never '100%' for a level below one nor '98%' for 97.5%."""
    for digits in range(7):
        text = f"{share:.{digits}%}"
        if abs(float(text[:-1]) / 100 - share) < 1e-12:
            return text
    return f"{share * 100:.12g}%"


def share_reachable(n: int, rare_share: float, confidence: float) -> set[str]:
    """Every verdict the share rule can give with n cases, whatever their outcomes."""
    return {share_verdict(k, n, rare_share, confidence) for k in range(n + 1)} if n else set()


def share_rule(rare_share: float, confidence: float) -> str:
    """The share rule in words, with the smallest N at which holds and fails become reachable."""
    at = _reach_text(share_reach(rare_share, confidence))
    return (f"holds if the exact {percent(confidence)} interval of the defection share lies at or below {rare_share:g} "
            f"(reachable from {at['holds']}, with no defection); fails if it lies above {rare_share:g} (reachable from "
            f"{at['fails']}, with every client defecting); inconclusive otherwise")


def share_could_differ(n: int, rare_share: float, confidence: float) -> str:
    """'yes' if n cases can give more than one verdict under the share rule, else why not."""
    reachable = share_reachable(n, rare_share, confidence)
    if len(reachable) > 1:
        return YES
    needs = _reach_text(share_reach(rare_share, confidence))
    only = next(iter(reachable), "nothing")
    return f"no: with N = {n} every outcome gives '{only}' (holds needs {needs['holds']}, fails {needs['fails']})"


def _reach_text(reach: dict, limit: int = 10_000) -> dict[str, str]:
    """The smallest N at which each verdict of :func:`share_reach` becomes reachable, in words."""
    return {v: f"N >= {n}" if n else f"no N up to {limit:,}" for v, n in reach.items()}


def names_of(tables, ids) -> str:
    """The persons' names, in the order given, joined by commas ('none' if there are none)."""
    names = tables.undated("names", lambda t: t.persons.set_index("person_id")["name"])
    return ", ".join(str(names.get(i, i)) for i in ids) or "none"


PLURALS = {"crisis": "crises"}  # the nouns whose plural is not the singular and an 's'


def number(n: int, noun: str) -> str:
    """'1 draw', '10,000 draws', '2 crises': a count with thousands separators, its noun in the singular for one."""
    return f"{n:,} {noun if n == 1 else PLURALS.get(noun, noun + 's')}"


def rank_text(rank) -> str:
    """A rank in a sentence: its number, or 'unknown' where no post of the person is recorded that day."""
    return "unknown" if pd.isna(rank) else str(int(rank))


def population_text(tables, label: str, ids) -> str:
    """'label (N): name, name, ...': who is counted, in words, with the number."""
    ids = list(ids)
    return f"{label} ({len(ids)}): {names_of(tables, ids)}" if ids else f"{label} (0)"


def verdict_table(results: list[Result]) -> pd.DataFrame:
    """The verdict table: one row per hypothesis, sorted by its id."""
    return pd.DataFrame([r.row() for r in results]).sort_values("hypothesis", kind="stable").reset_index(drop=True)


def members_table(results: list[Result]) -> pd.DataFrame:
    """Everyone each step counts, with the rows and quotations that put him there: one row per step and person."""
    frames = [r.members.assign(hypothesis=r.hypothesis) for r in results if len(r.members)]
    if not frames:
        return pd.DataFrame(columns=["hypothesis", "person_id", "name", "counted because"])
    table = pd.concat(frames, ignore_index=True)
    return table[["hypothesis", *[c for c in table.columns if c != "hypothesis"]]]


def count_outcomes(outcomes: dict) -> tuple[int, int, int]:
    """(against, agreeing, unknown) of per-case outcomes True / False / None."""
    values = list(outcomes.values())
    return sum(v is True for v in values), sum(v is False for v in values), sum(v is None for v in values)


def tally(outcomes: dict, against: str, agreeing: str) -> str:
    """'k/n against-label' with the unknown cases named: the value of a split rule."""
    k, m, u = count_outcomes(outcomes)
    return f"{k}/{k + m + u} {against}" + (f" ({u} undecided by the records)" if u else "") if outcomes else "–"
