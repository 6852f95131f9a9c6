"""The specification grid: every hypothesis under every coding, reading, evidence level, horizon and population.

Every combination of coding (``tables.codings``), reading (:data:`patronage.tables.readings.READING_POLICIES`), evidence level
(:data:`patronage.tables.readings.EVIDENCE_LEVELS`), horizon and population
(:data:`patronage.analysis.populations.POPULATIONS`) is a specification (:func:`specification_grid`). Many
are the same analysis of the crisis (a reading that touches no conflict the crisis reads; under seed evidence, a
reading whose side is external falls back to the seed side), so the analyses are counted as *distinct
specifications*: a class of selections of rows the crisis cannot tell apart, with a horizon and a population, each
counted once however many choices lead to it (:func:`distinct_specifications`): the columns of the specification
curve. The grid's parameters, as a notebook gives them, are read by :mod:`patronage.robustness.grid_parameters`. Shares
of verdicts are over the specifications, each counted once (:func:`verdict_shares`); which dimension moves which
verdict is read off the full factorial grid, one dimension changed at a time
(:func:`dimension_effects`, :func:`dimension_table`); :func:`shares_table` puts both in the table
the README shows, and :func:`patronage.publish.charts.specification_curve` draws them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import pandas as pd

from patronage import cache
from patronage.analysis import hypotheses
from patronage.analysis.crisis import make_crisis
from patronage.analysis.populations import POPULATIONS, members_by_id
from patronage.analysis.verdicts import DECIDED, VERDICTS
from patronage.parallel import map_ordered
from patronage.robustness.wording import rounded_shares
from patronage.tables.dates import to_date
from patronage.tables.readings import EVIDENCE_LEVELS, FILTERED, READING_POLICIES

DEFAULT_HORIZONS = (5, 10, 20)
DIMENSIONS = ("coding", "reading", "evidence", "horizon", "population")


def specifications(tables, horizons: Iterable[int] = DEFAULT_HORIZONS, codings: Iterable[str] | None = None,
                   readings: Iterable[str] | None = None, evidence_levels: Iterable[str] | None = None,
                   populations: Iterable[str] | None = None) -> pd.DataFrame:
    """Every combination of coding, reading, evidence level, horizon and population: one row per specification.

    Defaults: every coding in ``tables.codings``, every reading policy, every evidence level, every population.
    returns: columns spec (a label), coding, reading, evidence, horizon, population.
    """
    codings = list(codings) if codings is not None else list(tables.codings["coding_id"])
    readings = list(readings) if readings is not None else list(READING_POLICIES)
    levels = list(evidence_levels) if evidence_levels is not None else list(EVIDENCE_LEVELS)
    populations = list(populations) if populations is not None else list(POPULATIONS)
    rows = [dict(zip(DIMENSIONS, (c, r, e, int(h), p), strict=True))
            for c, r, e, h, p in itertools.product(codings, readings, levels, list(horizons), populations)]
    frame = pd.DataFrame(rows, columns=list(DIMENSIONS))
    frame.insert(0, "spec", [spec_label(r) for r in rows])
    return frame


def spec_label(spec: Mapping) -> str:
    """'coding / reading / evidence / N y / population': the name of one specification."""
    return f"{spec['coding']} / {spec['reading']} / {spec['evidence']} / {spec['horizon']} y / {spec['population']}"


def selection_key(view) -> tuple:
    """The rows a selection keeps, table by table: two selections with the same key are the same data."""
    return tuple(tuple(getattr(view, name).index) for name in FILTERED)


def specification_grid(tables, patron: str, date, horizons: Iterable[int] = DEFAULT_HORIZONS, *,
                       codings: Iterable[str] | None = None, readings: Iterable[str] | None = None,
                       evidence_levels: Iterable[str] | None = None, populations: Iterable[str] | None = None,
                       **hypothesis_kwargs) -> pd.DataFrame:
    """Every hypothesis under every specification: one row per specification and hypothesis.

    patron: a person id (resolve names first with :func:`patronage.build.parameters.person`).
    populations: the populations H2 counts (``population=`` of :func:`patronage.analysis.hypotheses.run_all`).
    hypothesis_kwargs: the other arguments of run_all (rare_share, min_rank, window_days, alpha,
    public_rank), the same under every specification.

    Work that does not depend on a dimension is done once: ``select`` once per (coding, reading,
    evidence); the crisis once per distinct selection and horizon; the hypotheses once per
    distinct specification (selection, horizon, population), shared by every specification that
    leads to it. The runs are spread over the cores (:func:`patronage.parallel.map_ordered`); in
    a build the whole grid is kept in the cache (:func:`patronage.cache.cached_result`) under the
    content of the tables, the arguments and the package's code.

    returns: spec, coding, reading, evidence, horizon, population, selection (number of the
    distinct selection of rows, in order of first use), distinct (number of the distinct
    specification, in order of first use: a class of selections the crisis cannot tell apart, with a horizon and a
    population), hypothesis, value, verdict.

    Selections that differ only in rows the crisis does not read (a conflict about another man) are one analysis of
    it: the same rivals, turncoats and roster (clients, ties, ranks), and in every step at every horizon and population
    the same value, verdict, reason and persons counted. Counted apart, they weighed each result by how many unrelated
    conflicts lead to it. A class is counted at every horizon and population alike, so that a step's shares do not
    depend on how far other steps vary with them.
    """
    if "population" in hypothesis_kwargs:
        raise TypeError("the grid varies the population: pass populations=[...] instead of population=")
    horizons, day = [int(h) for h in horizons], to_date(date)
    codings, readings, evidence_levels, populations = (None if x is None else list(x)
                                                       for x in (codings, readings, evidence_levels, populations))
    inputs = [cache.frames_digest(tables.frames()), repr(tables.selection), repr(patron), str(day), repr(horizons),
              repr(codings), repr(readings), repr(evidence_levels), repr(populations),
              repr(sorted(hypothesis_kwargs.items()))]
    return cache.cached_result("grid", inputs, lambda: _grid(tables, patron, day, horizons, codings, readings,
                                                              evidence_levels, populations, hypothesis_kwargs))


GRID_COLUMNS = ["spec", *DIMENSIONS, "selection", "distinct", "hypothesis", "value", "verdict"]


def _grid(tables, patron, day, horizons, codings, readings, evidence_levels, populations, hypothesis_kwargs) -> pd.DataFrame:
    """The computation of :func:`specification_grid`."""
    specs = specifications(tables, horizons, codings, readings, evidence_levels, populations)
    views: dict[tuple, object] = {}
    keys: dict[tuple, int] = {}
    numbers, runs = [], {}
    for spec in specs.itertuples(index=False):
        choice = (spec.coding, spec.reading, spec.evidence)
        if choice not in views:
            views[choice] = tables.select(evidence=spec.evidence, reading=spec.reading, coding=spec.coding)
        number = keys.setdefault(selection_key(views[choice]), len(keys) + 1)
        numbers.append(number)
        runs.setdefault(number, views[choice])
    chosen = list(dict.fromkeys(specs["population"]))
    years = list(dict.fromkeys(specs["horizon"]))

    def run(view) -> dict:
        return steps_by_horizon_and_population(view, patron, day, years, chosen, hypothesis_kwargs)

    by_selection = dict(zip(runs, map_ordered(run, runs.values()), strict=True))
    results = {(number, horizon): by_selection[number][0][horizon] for number in runs for horizon in years}
    # selections the crisis cannot tell apart, each class counted once (see specification_grid)
    classes: dict[tuple, int] = {}
    same = {number: classes.setdefault(by_selection[number][1], len(classes) + 1) for number in runs}
    distinct: dict[tuple, int] = {}
    rows = []
    for spec, number in zip(specs.itertuples(index=False), numbers, strict=True):
        d = distinct.setdefault((same[number], spec.horizon, spec.population), len(distinct) + 1)
        rows += [{**spec._asdict(), "selection": number, "distinct": d, "hypothesis": h, "value": value, "verdict": verdict}
                 for h, value, verdict, _ in results[number, spec.horizon][spec.population]]
    return pd.DataFrame(rows, columns=GRID_COLUMNS)


def steps_by_horizon_and_population(view, patron, day, horizons: list, populations: list,
                                    hypothesis_kwargs: dict) -> tuple[dict, tuple]:
    """Every step under one selection for each horizon and population, and what the crisis reads of that selection.

    The first horizon and population run every step; another horizon re-runs only the steps that
    follow the crisis to its horizon (BY_HORIZON), another population only those it changes
    (BY_POPULATION), another of both only those it changes both ways; each other step is its horizon's result with the
    first population, or its population's at the first horizon (tests/test_hypotheses.py checks both).

    returns: ({horizon: {population: [(step, value, verdict, (reason, persons counted))]}}, the crisis at each horizon
    (rivals, turncoats, roster) with every step's result: two selections alike in it are one analysis of the crisis).
    """
    out: dict = {}
    crises = []
    h0, p0 = horizons[0], populations[0]
    coding = repr(view.selection.get("coding"))  # the coding's own name in a reason ('under the coding 'blauvelt'') is no fact of the crisis
    for h in horizons:
        crisis = make_crisis(view, patron, day, horizon_years=h)
        crises.append((crisis.rivals, crisis.turncoats, crisis.roster.to_csv(index=False)))
        out[h] = {}
        for p in populations:
            steps = hypotheses.steps_changed_by(h != h0, p != p0)
            with members_by_id():  # of the members, the grid compares whom each step counts
                results = hypotheses.run_all(view, crisis, population=p, steps=steps, **hypothesis_kwargs)
            again = {r.hypothesis: (r.hypothesis, r.value, r.verdict, (r.reason.replace(coding, "''"), tuple(r.members.get("person_id", ()))))
                     for r in results}
            if steps is None:
                out[h][p] = list(again.values())
                continue
            # a step not re-run is its horizon's result with the first population, or its population's at the first horizon
            out[h][p] = [again[step] if step in again else (out[h][p0] if step in hypotheses.BY_HORIZON else out[h0][p]
                                                            if h != h0 else out[h0][p0])[i]
                         for i, (step, *_) in enumerate(out[h0][p0])]
    return out, (tuple(crises), tuple(tuple(out[h][p]) for h in horizons for p in populations))


def distinct_specifications(grid: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct specification of a grid (a class of selections the crisis cannot tell apart, a horizon and
    a population: :func:`specification_grid`), with every choice that leads to it.

    returns: index ``distinct``; selection (the numbers of the selections of rows that give it, joined by ' | '); for
    each dimension the values that lead to it (joined by ' | ', in the grid's order); ``specifications``: how many
    specifications of the grid it stands for.
    """
    specs = grid.drop_duplicates("spec")
    groups = specs.groupby("distinct", sort=True)
    out = pd.DataFrame({dim: groups[dim].agg(lambda v: " | ".join(map(str, dict.fromkeys(v)))) for dim in DIMENSIONS})
    out.insert(0, "selection", groups["selection"].agg(lambda v: " | ".join(map(str, dict.fromkeys(v)))))
    out["specifications"] = groups.size()
    return out


def selections(grid: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct selection of rows of a grid (index ``selection``), with every coding, evidence level and
    reading that selects it (joined by ' | ', in the grid's order)."""
    groups = grid.drop_duplicates("spec").groupby("selection", sort=True)
    return pd.DataFrame({dim: groups[dim].agg(lambda v: " | ".join(map(str, dict.fromkeys(v))))
                         for dim in ("coding", "evidence", "reading")})


def verdict_shares(frame: pd.DataFrame, by: str = "hypothesis") -> pd.DataFrame:
    """The share of specifications (or of draws) giving each verdict, per hypothesis.

    On the grid (:func:`specification_grid`) each specification (column ``spec``: one choice of coding, reading,
    evidence level, horizon and population) counts once, as a specification curve counts them: a step's shares then
    rest only on the choices that move that step. Counted by distinct specifications instead (classes of selections
    the crisis cannot tell apart), a step's shares moved with how finely *other* steps split the classes: Beria's H7
    went from 0.60 to 0.67 inconclusive when the blog's reading, which changes only the wording of H6a, was left out.
    On any other frame (the verdicts under the date draws) every row counts: ``n`` is the number of draws.

    returns: one row per hypothesis (sorted), a column per verdict in VERDICTS (shares summing
    to 1) and ``n``.
    """
    if "spec" in frame.columns:
        frame = frame.drop_duplicates([by, "spec"])
    counts = pd.crosstab(frame[by], frame["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    n = counts.sum(axis=1)
    shares = counts.div(n, axis=0).astype(float)
    shares["n"] = n
    shares.columns.name = None
    return shares.sort_index()


def modal_verdicts(frame: pd.DataFrame, by: str = "hypothesis") -> pd.Series:
    """The most frequent verdict per hypothesis (over the specifications of the grid; ties broken in the order of VERDICTS)."""
    shares = verdict_shares(frame, by)[list(VERDICTS)]
    return shares.idxmax(axis=1).rename("modal verdict")


def dimension_effects(grid: pd.DataFrame) -> pd.DataFrame:
    """Which dimension moves which verdict, read off the full factorial grid.

    For each dimension, the specifications that agree on every other dimension form one
    comparison: changing that dimension alone. A comparison is counted only if the change
    leads to more than one distinct specification (a reading that selects rows the crisis cannot tell apart changes
    nothing), and once however often it recurs (two comparisons over the same distinct
    specifications are one). The verdict moves in a comparison if its distinct specifications
    do not all give the same verdict; it moves a decision if one of them is a verdict a rule decided (DECIDED), and
    only relabels if all are labels that decide nothing ('no data' to 'no case', 'no case' to a coding).

    returns: one row per hypothesis and dimension: values (how many values of the dimension the grid
    holds: with one, nothing is compared), comparisons, moved (in how many the verdict changes), decided (in how many
    of those a decided verdict is among them), share (moved / comparisons, NaN if none), verdicts (those it moves
    between, in the order of VERDICTS).
    """
    verdict = grid.drop_duplicates(["distinct", "hypothesis"]).set_index(["distinct", "hypothesis"])["verdict"]
    hyps = sorted(grid["hypothesis"].unique())
    specs = grid.drop_duplicates("spec")
    rows = []
    for dim in DIMENSIONS:
        others = [d for d in DIMENSIONS if d != dim]
        sets = {frozenset(g) for g in specs.groupby(others, sort=False)["distinct"].agg(set)}
        comparisons = [sorted(s) for s in sets if len(s) > 1]
        values = specs[dim].nunique()
        for h in hyps:
            seen = [{verdict[d, h] for d in ids} for ids in comparisons]
            moved = [v for v in seen if len(v) > 1]
            between = set().union(*moved) if moved else set()
            rows.append({"hypothesis": h, "dimension": dim, "values": values, "comparisons": len(comparisons), "moved": len(moved),
                         "decided": sum(bool(v & set(DECIDED)) for v in moved),
                         "share": len(moved) / len(comparisons) if comparisons else float("nan"),
                         "verdicts": " / ".join(v for v in VERDICTS if v in between)})
    return pd.DataFrame(rows, columns=["hypothesis", "dimension", "values", "comparisons", "moved", "decided", "share", "verdicts"])


def effect_text(moved: int, comparisons: int, verdicts: str, values: int = 2) -> str:
    """One cell of :func:`dimension_table`: 'never (0 of 4)', '2 of 4: holds / fails', 'always (4 of 4): ...';
    'not varied (one value)' where the grid holds one value of the dimension, so nothing was compared."""
    if values < 2:
        return "not varied (one value)"
    if comparisons == 0:
        return "never: same analysis"
    if moved == 0:
        return f"never (0 of {comparisons})"
    if moved == comparisons:
        return f"always ({moved} of {comparisons}): {verdicts}"
    return f"{moved} of {comparisons}: {verdicts}"


def dimension_table(effects: pd.DataFrame) -> pd.DataFrame:
    """:func:`dimension_effects` as a table to read: one row per hypothesis, one column per dimension.

    A cell says whether changing that dimension alone ever moves the verdict: 'never (0 of k)'
    over the k distinct comparisons; 'm of k: v1 / v2', with the verdicts it moves between; 'always
    (k of k): ...'; 'never: same analysis' where the dimension never changes what the crisis reads; 'not varied
    (one value)' where the grid holds one value of it.
    """
    cells = effects.assign(text=[effect_text(m, c, v, n) for m, c, v, n in
                                 zip(effects["moved"], effects["comparisons"], effects["verdicts"], effects["values"], strict=True)])
    table = cells.pivot(index="hypothesis", columns="dimension", values="text")[list(DIMENSIONS)]
    table.columns.name = None
    return table.sort_index()


def moved_by(effects: pd.DataFrame) -> pd.Series:
    """Per hypothesis, the dimensions that ever move a decided verdict of it (in the order of DIMENSIONS), or 'nothing'
    (a change between labels that decide nothing, 'no data' to 'no case', moves no decision)."""
    moving = effects[effects["decided"] > 0]
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    named = moving.groupby("hypothesis")["dimension"].agg(lambda d: ", ".join(sorted(d, key=order.get)))
    return named.reindex(sorted(effects["hypothesis"].unique())).fillna("nothing").rename("moved by")


def shares_table(grid: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    """The robustness table of the README (``figures/04-verdict-shares.csv``): one row per hypothesis.

    returns: hypothesis; a column per verdict in VERDICTS, the share of specifications (each combination of the choices
    counted once, :func:`verdict_shares`) giving it (rounded to ``digits`` by :func:`patronage.robustness.wording.rounded_shares`); n, the number
    of specifications; moved by, the dimensions that ever move a decided verdict (:func:`moved_by`), or 'nothing'.
    """
    shares = verdict_shares(grid)
    table = shares[list(VERDICTS)].apply(rounded_shares, axis=1, digits=digits)  # as rounded_shares rounds them
    table["n"] = shares["n"].astype(int)
    table["moved by"] = moved_by(dimension_effects(grid))
    return table.rename_axis("hypothesis").reset_index()


