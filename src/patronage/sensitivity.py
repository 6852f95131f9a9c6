"""How robust is the verdict: other readings, the uncertainty of the dates, ties inferred from careers.

Three checks on the hypotheses of :mod:`patronage.hypotheses`, each computed by calling the
package's functions directly (no notebook is re-run):

1. **Specification grid.** Every combination of coding (``tables.codings``), reading
   (:data:`patronage.readings.READING_POLICIES`), evidence level
   (:data:`patronage.readings.EVIDENCE_LEVELS`) and horizon; one row per specification and
   hypothesis (:func:`specification_grid`), the share of specifications giving each verdict
   (:func:`verdict_shares`) and a specification curve (:func:`specification_curve`).
2. **Date uncertainty.** Every EDTF date of spells, events and ties drawn uniformly (whole
   days) inside its bounds, N times at once with numpy (:func:`draw_dates`); how often the
   orderings the argument rests on hold (:func:`orderings`); and, on the first few hundred of
   the same draws, how often each verdict holds (:func:`verdicts_under_draws`, one full run of
   the hypotheses per draw, which is too slow for all N).
3. **Ties inferred from careers.** The usual political-science rules over the spells
   (:func:`overlap_ties`, :func:`promotion_ties`, :func:`following_ties`), their agreement with
   the ties historians assert (:func:`agreement`, :func:`rule_scores`) and the hypotheses
   re-run on the inferred ties (:func:`hypotheses_on_inferred`).

Nothing here names a patron: the patron and the date are arguments.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from patronage import cache, hypotheses
from patronage.careers import point
from patronage.crisis import DAY, Crisis, crisis_events, make_crisis
from patronage.dates import to_date
from patronage.errors import ParameterError
from patronage.figures import OKABE_ITO
from patronage.load import TEXT
from patronage.outcomes import SUCCESSION_GAP, predecessors
from patronage.parallel import map_ordered
from patronage.readings import EVIDENCE_LEVELS, FILTERED, READING_POLICIES

VERDICTS = ("holds", "mixed", "inconclusive", "fails", "no data")
VERDICT_COLOURS = {"holds": OKABE_ITO[2], "mixed": OKABE_ITO[1], "inconclusive": OKABE_ITO[5],
                   "fails": OKABE_ITO[3], "no data": OKABE_ITO[7]}
DEFAULT_HORIZONS = (5, 10, 20)
DIMENSIONS = ("coding", "reading", "evidence", "horizon")


def parse_horizons(value: object, low: int = 1, high: int = 60) -> list[int]:
    """A comma-separated list of whole years ("5,10,20") as a sorted list of distinct ints.

    raises ParameterError naming ``horizons`` if a part is not a whole number from low to high.
    """
    parts = [p.strip() for p in str(value).split(",")] if isinstance(value, (str, int)) else []
    try:
        years = sorted({int(p) for p in parts})
    except ValueError:
        years = []
    if not years or any(not low <= y <= high for y in years):
        raise ParameterError("horizons", value, f"give whole numbers of years from {low} to {high}, separated by commas, e.g. '5,10,20'")
    return years


# ---------------------------------------------------------------------------------------------
# 1. The specification grid
# ---------------------------------------------------------------------------------------------


def specifications(tables, horizons: Iterable[int] = DEFAULT_HORIZONS, codings: Iterable[str] | None = None,
                   readings: Iterable[str] | None = None, evidence_levels: Iterable[str] | None = None) -> pd.DataFrame:
    """Every combination of coding, reading, evidence level and horizon: one row per specification.

    Defaults: every coding in ``tables.codings``, every reading policy, every evidence level.
    returns: columns spec (a label), coding, reading, evidence, horizon.
    """
    codings = list(codings) if codings is not None else list(tables.codings["coding_id"])
    readings = list(readings) if readings is not None else list(READING_POLICIES)
    levels = list(evidence_levels) if evidence_levels is not None else list(EVIDENCE_LEVELS)
    rows = [{"coding": c, "reading": r, "evidence": e, "horizon": int(h)}
            for c, r, e, h in itertools.product(codings, readings, levels, list(horizons))]
    frame = pd.DataFrame(rows, columns=list(DIMENSIONS))
    frame.insert(0, "spec", [spec_label(r) for r in rows])
    return frame


def spec_label(spec: Mapping) -> str:
    """'coding / reading / evidence / N y': the name of one specification."""
    return f"{spec['coding']} / {spec['reading']} / {spec['evidence']} / {spec['horizon']} y"


def selection_key(view) -> tuple:
    """The rows a selection keeps, table by table: two selections with the same key are the same data."""
    return tuple(tuple(getattr(view, name).index) for name in FILTERED)


def specification_grid(tables, patron: str, date, horizons: Iterable[int] = DEFAULT_HORIZONS, *,
                       codings: Iterable[str] | None = None, readings: Iterable[str] | None = None,
                       evidence_levels: Iterable[str] | None = None, **hypothesis_kwargs) -> pd.DataFrame:
    """Every hypothesis under every specification: one row per specification and hypothesis.

    patron: a person id (resolve names first with :func:`patronage.parameters.person`).
    hypothesis_kwargs: passed to :func:`patronage.hypotheses.run_all` (rare_share, min_rank,
    window_days, alpha), the same under every specification.

    Work that does not depend on a dimension is done once: ``select`` once per (coding,
    reading, evidence); and since many of those choices keep exactly the same rows (a reading
    that touches no conflict the analysis uses, say), the hypotheses run once per distinct
    selection and horizon, and specifications that share both share the results. In a build
    the whole grid is kept in the cache (:func:`patronage.cache.cached_result`) under the
    content of the tables, the arguments and the package's code.

    returns: spec, coding, reading, evidence, horizon, selection (number of the distinct
    selection of rows, in order of first use), hypothesis, value, verdict.
    """
    horizons, day = [int(h) for h in horizons], to_date(date)
    codings, readings = (None if x is None else list(x) for x in (codings, readings))
    evidence_levels = None if evidence_levels is None else list(evidence_levels)
    inputs = [cache.frames_digest(tables.frames()), repr(tables.selection), repr(patron), str(day), repr(horizons),
              repr(codings), repr(readings), repr(evidence_levels), repr(sorted(hypothesis_kwargs.items()))]
    return cache.cached_result("grid", inputs, lambda: _grid(tables, patron, day, horizons, codings, readings,
                                                              evidence_levels, hypothesis_kwargs))


def _grid(tables, patron, day, horizons, codings, readings, evidence_levels, hypothesis_kwargs) -> pd.DataFrame:
    """The computation of :func:`specification_grid`."""
    specs = specifications(tables, horizons, codings, readings, evidence_levels)
    views: dict[tuple, object] = {}
    keys: dict[tuple, int] = {}
    numbers, runs = [], {}
    for spec in specs.itertuples(index=False):
        choice = (spec.coding, spec.reading, spec.evidence)
        if choice not in views:
            views[choice] = tables.select(evidence=spec.evidence, reading=spec.reading, coding=spec.coding)
        number = keys.setdefault(selection_key(views[choice]), len(keys) + 1)
        numbers.append(number)
        runs.setdefault((number, spec.horizon), views[choice])

    def run(item: tuple) -> list[tuple[str, str, str]]:
        (_, horizon), view = item
        crisis = make_crisis(view, patron, day, horizon_years=horizon)
        return [(r.hypothesis, r.value, r.verdict) for r in hypotheses.run_all(view, crisis, **hypothesis_kwargs)]

    results = dict(zip(runs, map_ordered(run, runs.items()), strict=True))
    rows = [{**spec._asdict(), "selection": number, "hypothesis": h, "value": value, "verdict": verdict}
            for spec, number in zip(specs.itertuples(index=False), numbers, strict=True)
            for h, value, verdict in results[number, spec.horizon]]
    return pd.DataFrame(rows, columns=["spec", *DIMENSIONS, "selection", "hypothesis", "value", "verdict"])


def verdict_shares(frame: pd.DataFrame, by: str = "hypothesis") -> pd.DataFrame:
    """The share of rows giving each verdict, per hypothesis.

    On the grid (one row per specification and hypothesis) this is the share of
    specifications; on :func:`verdicts_under_draws` the share of draws.

    returns: one row per hypothesis (sorted), a column per verdict in VERDICTS (shares summing
    to 1) and ``n``, the number of specifications or draws.
    """
    counts = pd.crosstab(frame[by], frame["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    n = counts.sum(axis=1)
    shares = counts.div(n, axis=0).astype(float)
    shares["n"] = n
    shares.columns.name = None
    return shares.sort_index()


def modal_verdicts(frame: pd.DataFrame, by: str = "hypothesis") -> pd.Series:
    """The most frequent verdict per hypothesis (ties broken in the order of VERDICTS)."""
    shares = verdict_shares(frame, by)[list(VERDICTS)]
    return shares.idxmax(axis=1).rename("modal verdict")


def dimension_effects(grid: pd.DataFrame) -> pd.DataFrame:
    """Which choice moves each verdict: for each hypothesis and dimension, the share of the
    comparisons that vary that dimension alone (all others fixed) in which the verdict changes.

    returns: one row per hypothesis, a column per dimension (coding, reading, evidence, horizon).
    """
    out = {}
    for dim in DIMENSIONS:
        others = [d for d in DIMENSIONS if d != dim]
        changed = grid.groupby(["hypothesis", *others])["verdict"].nunique().gt(1)
        out[dim] = changed.groupby(level="hypothesis").mean().astype(float)
    return pd.DataFrame(out).sort_index()


def specification_curve(grid: pd.DataFrame, sort_by: str = "holds") -> go.Figure:
    """Specification curve: hypotheses (rows) by specifications (columns), the verdict as colour.

    Specifications are sorted by how many hypotheses give ``sort_by`` (most first), then by
    their pattern of verdicts (identical patterns sit together), then in the grid's order. The panel
    below marks each specification's coding, reading, evidence level and horizon. Colours:
    the Okabe-Ito palette (patronage.figures.OKABE_ITO); "no data" is an open black square.
    """
    from plotly.subplots import make_subplots

    wide = grid.pivot_table(index="spec", columns="hypothesis", values="verdict", aggfunc="first")
    hyps = sorted(wide.columns)
    rank = {v: i for i, v in enumerate(VERDICTS)}
    first = {s: i for i, s in enumerate(dict.fromkeys(grid["spec"]))}
    order = sorted(wide.index, key=lambda s: (-(wide.loc[s] == sort_by).sum(), [rank[v] for v in wide.loc[s, hyps]], first[s]))
    pos = {s: i + 1 for i, s in enumerate(order)}
    dims = grid.drop_duplicates("spec").set_index("spec")[list(DIMENSIONS)]
    levels = [f"{d}: {v}" for d in DIMENSIONS for v in dict.fromkeys(dims[d].astype(str))]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        row_heights=[len(hyps), len(levels)])
    for verdict in VERDICTS:
        cells = grid[grid["verdict"] == verdict]
        if cells.empty:
            continue
        open_ = verdict == "no data"
        fig.add_trace(go.Scatter(
            x=cells["spec"].map(pos), y=cells["hypothesis"], mode="markers", name=verdict,
            marker={"symbol": "square-open" if open_ else "square", "size": 9, "color": VERDICT_COLOURS[verdict],
                    "line": {"width": 1, "color": VERDICT_COLOURS[verdict]}},
            customdata=cells[["spec", "value"]].to_numpy(),
            hovertemplate="%{customdata[0]}<br>%{y}: " + verdict + "<br>%{customdata[1]}<extra></extra>"), row=1, col=1)
    xs, ys, labels = [], [], []
    for spec, row in dims.iterrows():
        for d in DIMENSIONS:
            xs.append(pos[spec])
            ys.append(f"{d}: {row[d]}")
            labels.append(spec)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name="specification", showlegend=False,
                             marker={"symbol": "line-ns-open", "size": 9, "color": OKABE_ITO[7], "line": {"width": 2}},
                             text=labels, hovertemplate="%{text}<extra></extra>"), row=2, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=hyps[::-1], row=1, col=1, automargin=True)
    fig.update_yaxes(categoryorder="array", categoryarray=levels[::-1], row=2, col=1, automargin=True)
    fig.update_xaxes(title_text=f"specification, sorted by the number of verdicts '{sort_by}'", row=2, col=1)
    fig.update_xaxes(showgrid=False, zeroline=False, range=[0.3, len(order) + 0.7])
    fig.update_layout(height=240 + 22 * (len(hyps) + len(levels)), legend={"title": {"text": "verdict"}},
                      margin={"l": 10})
    return fig


# ---------------------------------------------------------------------------------------------
# 2. Date uncertainty
# ---------------------------------------------------------------------------------------------

EDTF_FIELDS = {"spells": ("start", "end"), "events": ("date",), "ties": ("start", "end", "defection_date")}
NOT_A_DAY = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class DateDraws:
    """N draws of every EDTF date of some tables, each uniform over the whole days inside its bounds.

    days[(table, field)] is an (n, rows) datetime64[D] array aligned with ``index[table]``
    (the rows of that table when drawn); NaT where the date is empty. Each date is drawn
    independently of every other, including the start and the end of the same spell: a draw
    can put an end before its start when their bounds overlap, and two cells recording the
    same uncertain day can fall on different days.
    """

    n: int
    seed: int
    index: dict
    days: dict

    def of(self, table: str, field: str, row) -> np.ndarray:
        """The n draws of one cell, by table, field and row label."""
        return self.days[table, field][:, self.index[table].get_loc(row)]

    def head(self, k: int) -> DateDraws:
        """The first k draws (a seeded subsample: the draws are independent and identically distributed)."""
        return DateDraws(min(k, self.n), self.seed, self.index, {key: d[:k] for key, d in self.days.items()})


def draw_dates(tables, n: int = 10_000, seed: int = 1953, fields: Mapping[str, Iterable[str]] = EDTF_FIELDS) -> DateDraws:
    """Draw every date of the given EDTF columns n times, uniformly between its bounds (whole days).

    One call of numpy's ``default_rng(seed).integers`` per column draws all n x rows values at
    once; the columns are drawn in a fixed order, so the same seed gives the same draws.
    """
    rng = np.random.default_rng(seed)
    days, index = {}, {}
    for table, cols in fields.items():
        frame = getattr(tables, table)
        index[table] = frame.index
        for col in cols:
            lo = frame[f"{col}_lo"].to_numpy(dtype="datetime64[D]")
            hi = frame[f"{col}_hi"].to_numpy(dtype="datetime64[D]")
            known = ~(np.isnat(lo) | np.isnat(hi))
            lo_n = np.where(known, lo.astype("int64"), 0)
            hi_n = np.where(known, hi.astype("int64"), 0)
            drawn = rng.integers(lo_n, hi_n, size=(n, len(frame)), endpoint=True).astype("datetime64[D]")
            drawn[:, ~known] = NOT_A_DAY
            days[table, col] = drawn
    return DateDraws(n=n, seed=seed, index=index, days=days)


def uncertain_dates(tables, fields: Mapping[str, Iterable[str]] = EDTF_FIELDS) -> pd.DataFrame:
    """How many dates each EDTF column holds, how many are uncertain (more than one possible day), and how wide.

    returns: one row per table and field: dates, uncertain, median width in days of the uncertain ones.
    """
    rows = []
    for table, cols in fields.items():
        frame = getattr(tables, table)
        for col in cols:
            width = (frame[f"{col}_hi"] - frame[f"{col}_lo"]).dt.days.dropna()
            rows.append({"table": table, "field": col, "dates": len(width), "uncertain": int((width > 0).sum()),
                         "median width (days)": float(width[width > 0].median()) if (width > 0).any() else 0.0})
    return pd.DataFrame(rows)


def _compare(first: np.ndarray, second: np.ndarray) -> dict:
    """Shares of draws with first before, on the same day as, after second, and undefined (a missing day)."""
    defined = ~(np.isnat(first) | np.isnat(second))
    n = len(first)
    return {"before": float((defined & (first < second)).sum() / n),
            "same day": float((defined & (first == second)).sum() / n),
            "after": float((defined & (first > second)).sum() / n),
            "undefined": float((~defined).sum() / n)}


def defection_days(view, crisis: Crisis, draws: DateDraws, person) -> np.ndarray:
    """Drawn day of a defection: the tie's defection_date, else the crisis event where he acted against the patron."""
    tie = view.ties[view.ties["tie_id"] == crisis.roster.set_index("client_id").loc[person, "tie_id"]]
    if len(tie) and pd.notna(tie["defection_date_lo"].iloc[0]):
        return draws.of("ties", "defection_date", tie.index[0])
    parts = crisis_events(view, crisis.patron, crisis.date, crisis.window_days)
    acts = parts.loc[(parts["person_id"] == person) & (parts["role"] == "defecting"), "event_id"]
    rows = view.events.index[view.events["event_id"].isin(acts)]
    if not len(rows):
        return np.full(draws.n, NOT_A_DAY)
    cols = draws.days["events", "date"][:, [draws.index["events"].get_loc(r) for r in rows]]
    return cols.min(axis=1)


def reward_days(view, crisis: Crisis, draws: DateDraws, person) -> tuple[np.ndarray, pd.DataFrame]:
    """Drawn start of each defector's first higher post after the crisis, and the candidate spells.

    Candidates: his spells of a seniority above his rank the day before the crisis. In each draw
    the reward is the earliest candidate starting on or after the day before the crisis (NaT if none).
    """
    rank = int(crisis.roster.set_index("client_id").loc[person, "rank_before"])
    spells = view.spells
    cand = spells[(spells["person_id"] == person) & (spells["seniority"] > rank)]
    if cand.empty:
        return np.full(draws.n, NOT_A_DAY), cand
    cols = draws.days["spells", "start"][:, [draws.index["spells"].get_loc(r) for r in cand.index]]
    cutoff = np.datetime64((crisis.date - DAY).date(), "D")
    cols = np.where(cols >= cutoff, cols, NOT_A_DAY)
    filled = np.where(np.isnat(cols), np.datetime64("9999-12-31", "D"), cols)
    first = filled.min(axis=1)
    return np.where(first == np.datetime64("9999-12-31", "D"), NOT_A_DAY, first), cand


def reward_spell(view, crisis: Crisis, person) -> pd.DataFrame:
    """The first higher post after the crisis at the point estimates of the dates (one spell or none)."""
    rank = int(crisis.roster.set_index("client_id").loc[person, "rank_before"])
    s = view.spells
    s = s[(s["person_id"] == person) & (s["seniority"] > rank)]
    s = s[point(s, "start") >= crisis.date - DAY]
    return s.assign(_day=point(s, "start")).sort_values(["_day", "spell_id"]).head(1).drop(columns="_day")


def predecessor_spell(view, spell: pd.DataFrame) -> pd.DataFrame:
    """The spell the previous holder of an office left, as :func:`patronage.outcomes.predecessors` finds him."""
    if spell.empty:
        return spell
    pred = predecessors(view, spell)["predecessor_id"].iloc[0]
    if pd.isna(pred):
        return spell.iloc[0:0]
    lineage = view.organisations.set_index("org_id")["lineage"]
    row = spell.iloc[0]
    s = view.spells
    s = s[(s["person_id"] == pred) & (s["org_id"].map(lineage) == lineage[row["org_id"]]) & (s["seniority"] == row["seniority"])]
    start = point(spell, "start").iloc[0]
    end = point(s, "end")
    s = s[(end >= start - SUCCESSION_GAP) & (end <= start + DAY)]
    return s.assign(_end=point(s, "end")).sort_values(["_end", "spell_id"]).tail(1).drop(columns="_end")


def orderings(view, crisis: Crisis, draws: DateDraws, window_days: int = 365) -> pd.DataFrame:
    """How often the orderings the argument rests on hold across the draws, per defector.

    - the defection against the fall of the patron (the crisis day, fixed);
    - the defection against the reward (the start of his first higher post after the crisis);
    - the reward against the end of the reward window (crisis + ``window_days``), as H3 counts it;
    - his taking up that post against its previous holder leaving it (the post and the
      holder found at the point estimates, as in H3b).

    Every comparison is vectorised over the n draws; the loop runs over defectors only.

    returns: one row per defector and ordering: person_id, ordering, first, second, and the
    shares of draws with first before / on the same day as / after second, and undefined
    (one of the two days is not recorded in that draw).
    """
    rows = []
    names = view.persons.set_index("person_id")["name"]
    crisis_day = np.full(draws.n, np.datetime64(crisis.date.date(), "D"))
    window_end = np.full(draws.n, np.datetime64((crisis.date + pd.Timedelta(days=window_days)).date(), "D"))
    for person in crisis.defectors:
        defection = defection_days(view, crisis, draws, person)
        reward, _ = reward_days(view, crisis, draws, person)
        post = reward_spell(view, crisis, person)
        prior = predecessor_spell(view, post)
        name = post["post"].iloc[0] if len(post) else "no higher post"
        rows.append({"person_id": person, "ordering": "defection vs the patron's fall", "first": "defection",
                     "second": f"fall ({crisis.date.date()})", **_compare(defection, crisis_day)})
        rows.append({"person_id": person, "ordering": "defection vs reward", "first": "defection",
                     "second": "first higher post", **_compare(defection, reward)})
        rows.append({"person_id": person, "ordering": "reward vs end of window", "first": "first higher post",
                     "second": f"crisis + {window_days} days", **_compare(reward, window_end)})
        if len(prior):
            holder = names.get(prior["person_id"].iloc[0], prior["person_id"].iloc[0])
            took = draws.of("spells", "start", post.index[0])
            left = draws.of("spells", "end", prior.index[0])
            rows.append({"person_id": person, "ordering": "took up the post vs previous holder left",
                         "first": f"start: {name}", "second": f"{holder} left it", **_compare(took, left)})
        else:
            rows.append({"person_id": person, "ordering": "took up the post vs previous holder left",
                         "first": f"start: {name}", "second": "no previous holder recorded" if len(post) else "no post",
                         "before": np.nan, "same day": np.nan, "after": np.nan, "undefined": 1.0})
    return pd.DataFrame(rows, columns=["person_id", "ordering", "first", "second", "before", "same day", "after", "undefined"])


def redated(view, draws: DateDraws, i: int):
    """The tables with every drawn date set to its i-th draw (both bounds equal to the drawn day)."""
    frames = {}
    for table in {t for t, _ in draws.days}:
        frame = getattr(view, table).copy()
        if not frame.index.equals(draws.index[table]):
            raise ValueError(f"the draws were made on other rows of {table}: draw them from this selection")
        for (t, col), days in draws.days.items():
            if t == table:
                day = days[i].astype("datetime64[s]")
                frame[f"{col}_lo"] = day
                frame[f"{col}_hi"] = day
        frames[table] = frame
    return view.replace(**frames)


def verdicts_under_draws(view, draws: DateDraws, patron: str, date, horizon_years: float = 10, k: int = 200,
                         **hypothesis_kwargs) -> pd.DataFrame:
    """Every hypothesis re-run under each of the first ``k`` draws of the dates.

    A full run of the hypotheses takes about a tenth of a second (the draws are shared among the
    cores: :func:`patronage.parallel.map_ordered`), so this is done on a seeded
    subsample (the first k of the draws, which are independent and identically distributed),
    not on all n: with k = 200 a share is known to within about +/- 0.07 (95%).

    In a build the result is kept in the cache (:func:`patronage.cache.cached_result`) under the
    content of the tables, the draws used, the arguments and the package's code.

    returns: one row per draw and hypothesis: draw, hypothesis, value, verdict.
    """
    day, k = to_date(date), min(k, draws.n)
    used = draws.head(k)
    inputs = [cache.frames_digest(view.frames()), repr(view.selection),
              cache.frames_digest({f"{t}.{c}": d for (t, c), d in used.days.items()}),
              cache.frames_digest({t: i.to_numpy() for t, i in used.index.items()}),
              repr(patron), str(day), repr(float(horizon_years)), repr(sorted(hypothesis_kwargs.items()))]
    return cache.cached_result("verdicts-under-draws", inputs,
                               lambda: _verdicts_under_draws(view, used, patron, day, horizon_years, hypothesis_kwargs))


def _verdicts_under_draws(view, draws: DateDraws, patron, day, horizon_years, hypothesis_kwargs) -> pd.DataFrame:
    """The computation of :func:`verdicts_under_draws`, on every one of ``draws``."""

    def one_draw(i: int) -> list[dict]:
        tables = redated(view, draws, i)
        crisis = make_crisis(tables, patron, day, horizon_years=horizon_years)
        return [{"draw": i, "hypothesis": r.hypothesis, "value": r.value, "verdict": r.verdict}
                for r in hypotheses.run_all(tables, crisis, **hypothesis_kwargs)]

    rows = [row for rows in map_ordered(one_draw, range(draws.n)) for row in rows]
    return pd.DataFrame(rows, columns=["draw", "hypothesis", "value", "verdict"])


# ---------------------------------------------------------------------------------------------
# 3. Ties inferred from careers
# ---------------------------------------------------------------------------------------------

MONTH = pd.Timedelta(days=365.25 / 12)
OPEN_END = pd.Timestamp("2200-01-01")  # stands for "still running" in overlap arithmetic
RULES = ("overlap", "promotion", "following")


def careers(view) -> pd.DataFrame:
    """The spells with their lineage and point-estimate days (an open end as OPEN_END)."""
    lineage = view.organisations.set_index("org_id")["lineage"]
    s = view.spells
    return pd.DataFrame({"spell_id": s["spell_id"].to_numpy(), "person_id": s["person_id"].to_numpy(),
                         "lineage": s["org_id"].map(lineage).to_numpy(), "seniority": s["seniority"].astype(int).to_numpy(),
                         "start": point(s, "start").dt.floor("D").to_numpy(),
                         "end": point(s, "end").dt.floor("D").fillna(OPEN_END).to_numpy(),
                         "appointed_by": s["appointed_by"].to_numpy()})


def _prior_rank(c: pd.DataFrame) -> pd.Series:
    """For each spell, the highest seniority its holder held in another spell running up to SUCCESSION_GAP before it began (0 if none)."""
    pairs = c.merge(c, on="person_id", suffixes=("", "_o"))
    pairs = pairs[(pairs["spell_id"] != pairs["spell_id_o"]) & (pairs["start_o"] < pairs["start"])
                  & (pairs["end_o"] >= pairs["start"] - SUCCESSION_GAP)]
    return pairs.groupby("spell_id")["seniority_o"].max().reindex(c["spell_id"]).fillna(0).astype(int).set_axis(c.index)


def _arrivals(c: pd.DataFrame) -> pd.DataFrame:
    """Spells by which a person enters a lineage: no other spell of his in it ran up to SUCCESSION_GAP before."""
    pairs = c.merge(c, on=["person_id", "lineage"], suffixes=("", "_o"))
    inside = pairs[(pairs["spell_id"] != pairs["spell_id_o"]) & (pairs["start_o"] < pairs["start"])
                   & (pairs["end_o"] >= pairs["start"] - SUCCESSION_GAP)]
    return c[~c["spell_id"].isin(inside["spell_id"])]


def _lasting_end(view, patron, client) -> pd.Timestamp:
    """The end of a lasting tie: the earlier recorded death of the two (NaT if neither is recorded dead)."""
    died = view.persons.set_index("person_id")
    days = [point(died.loc[[p]], "died").iloc[0] for p in (patron, client) if p in died.index]
    days = [d for d in days if pd.notna(d)]
    return min(days) if days else pd.NaT


def as_ties(view, found: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Inferred ties in the shape (columns and dtypes) of the ties table.

    found: patron_id, client_id, start (Timestamp), end (Timestamp or NaT), basis, note; one
    row per pair. The dates are point estimates, so both bounds of each equal the day; kind is
    'patronage', codings and evidence 'inferred', defected False, motive and sources NA.
    """
    like = view.ties
    found = found.sort_values(["patron_id", "client_id"], kind="stable").reset_index(drop=True)
    n = len(found)
    start = pd.to_datetime(pd.Series(found["start"], dtype="object")).astype("datetime64[s]").dt.floor("D")
    end = pd.to_datetime(pd.Series(found["end"], dtype="object")).astype("datetime64[s]").dt.floor("D")
    iso = lambda days: [d.date().isoformat() if pd.notna(d) else pd.NA for d in days]  # noqa: E731
    values = {"tie_id": [f"inferred-{rule}-{p}-{c}" for p, c in zip(found["patron_id"], found["client_id"], strict=True)],
              "patron_id": list(found["patron_id"]), "client_id": list(found["client_id"]), "kind": ["patronage"] * n,
              "start": iso(start), "end": iso(end), "basis": list(found["basis"]), "defected": [False] * n,
              "codings": ["inferred"] * n, "evidence": ["inferred"] * n, "note": list(found["note"]),
              "start_lo": start, "start_hi": start, "end_lo": end, "end_hi": end}
    out = {}
    for col in like.columns:
        data = values.get(col, [pd.NaT if str(like[col].dtype).startswith("datetime64") else pd.NA] * n)
        out[col] = pd.Series(list(data), dtype=like[col].dtype)
    return pd.DataFrame(out, index=pd.RangeIndex(n))


def _pairs_first(found: list[dict]) -> pd.DataFrame:
    """One row per (patron, client): from the earliest evidence to the latest end (open if any is open),
    the bases and notes of all the evidence joined."""
    frame = pd.DataFrame(found, columns=["patron_id", "client_id", "start", "end", "basis", "note"])
    frame = frame[frame["patron_id"] != frame["client_id"]]
    if frame.empty:
        return frame
    frame = frame.sort_values(["patron_id", "client_id", "start", "basis"], kind="stable")
    groups = frame.groupby(["patron_id", "client_id"], sort=True)
    out = pd.DataFrame({"start": groups["start"].min(),
                        "end": groups["end"].agg(lambda e: pd.NaT if e.isna().any() else e.max()),
                        "basis": groups["basis"].agg(lambda b: "|".join(sorted(set(b)))),
                        "note": groups["note"].agg(lambda n: "; ".join(dict.fromkeys(n)))})
    return out.reset_index()


def _close(view, found: pd.DataFrame, lasting: bool) -> pd.DataFrame:
    """End each tie at the earlier death of the two if ``lasting``, else keep the end of the evidence."""
    if lasting and len(found):
        found = found.assign(end=[_lasting_end(view, p, c) for p, c in zip(found["patron_id"], found["client_id"], strict=True)])
    return found


def overlap_ties(view, months: float = 12, lasting: bool = True) -> pd.DataFrame:
    """Overlap rule: the client served at least ``months`` months in the same organisation lineage
    (organisations.lineage, so an office is followed across renamings) while the patron held a
    higher seniority there.

    The shared time is the union, per lineage, of the intervals in which a spell of the client
    and a higher spell of the patron ran together (point estimates of the dates; a month is
    365.25/12 days). The tie starts on the day the shared time reached ``months``. With
    ``lasting`` (the usual assumption that a connection, once made, persists) it ends at the
    earlier recorded death of the two; otherwise at the end of the last shared interval.

    returns: a DataFrame in the shape of the ties table (basis 'overlap').
    """
    c = careers(view)
    pairs = c.merge(c, on="lineage", suffixes=("_p", "_c"))
    pairs = pairs[(pairs["person_id_p"] != pairs["person_id_c"]) & (pairs["seniority_p"] > pairs["seniority_c"])]
    pairs = pairs.assign(a=np.maximum(pairs["start_p"], pairs["start_c"]), b=np.minimum(pairs["end_p"], pairs["end_c"]))
    pairs = pairs[pairs["a"] < pairs["b"]]
    need = months * MONTH
    found = []
    for (p, cl, lin), g in pairs.groupby(["person_id_p", "person_id_c", "lineage"], sort=True):
        total, formed, last_end = pd.Timedelta(0), pd.NaT, pd.NaT
        cur_a, cur_b = None, None
        merged = []
        for a, b in sorted(zip(g["a"], g["b"], strict=True)):
            if cur_b is not None and a <= cur_b:
                cur_b = max(cur_b, b)
            else:
                if cur_a is not None:
                    merged.append((cur_a, cur_b))
                cur_a, cur_b = a, b
        merged.append((cur_a, cur_b))
        for a, b in merged:
            if pd.isna(formed) and total + (b - a) >= need:
                formed = a + (need - total)
            total += b - a
            last_end = b
        if pd.notna(formed):
            found.append({"patron_id": p, "client_id": cl, "start": formed,
                          "end": pd.NaT if last_end >= OPEN_END else last_end, "basis": "overlap",
                          "note": f"{total / MONTH:.0f} months under him in {lin}"})
    return as_ties(view, _close(view, _pairs_first(found), lasting), "overlap")


def promotion_ties(view, lasting: bool = True) -> pd.DataFrame:
    """Promotion rule: the client was promoted while the patron held authority over the post.

    A promotion is a spell of a seniority above the highest the person held in any spell
    running up to SUCCESSION_GAP before it began (a first recorded post counts, from 0). The
    patron held authority if he held a higher seniority in the same lineage on the day the
    promotion began; the spell's ``appointed_by``, where recorded, counts too (basis
    'appointed'). The tie starts on that day; ends as in :func:`overlap_ties`.

    returns: a DataFrame in the shape of the ties table (basis 'promotion' or 'appointed').
    """
    c = careers(view)
    promoted = c[c["seniority"] > _prior_rank(c)]
    pairs = promoted.merge(c, on="lineage", suffixes=("", "_p"))
    pairs = pairs[(pairs["person_id_p"] != pairs["person_id"]) & (pairs["seniority_p"] > pairs["seniority"])
                  & (pairs["start_p"] <= pairs["start"]) & (pairs["end_p"] >= pairs["start"])]
    found = [{"patron_id": r.person_id_p, "client_id": r.person_id, "start": r.start, "end": r.end if r.end < OPEN_END else pd.NaT,
              "basis": "promotion", "note": f"promoted to rank {r.seniority} in {r.lineage} ({r.spell_id}) under rank {r.seniority_p}"}
             for r in pairs.itertuples()]
    named = promoted[promoted["appointed_by"].notna()]
    found += [{"patron_id": r.appointed_by, "client_id": r.person_id, "start": r.start,
               "end": r.end if r.end < OPEN_END else pd.NaT, "basis": "appointed",
               "note": f"appointed him to rank {r.seniority} in {r.lineage} ({r.spell_id})"} for r in named.itertuples()]
    return as_ties(view, _close(view, _pairs_first(found), lasting), "promotion")


def following_ties(view, months: float = 6, lasting: bool = True) -> pd.DataFrame:
    """Following rule: the client moved to a new organisation within ``months`` months after the patron moved there.

    A move is a spell by which a person enters a lineage (he held no spell in it up to
    SUCCESSION_GAP before, so a renaming is not a move). The client follows if he entered the
    lineage on the patron's day of entry or up to ``months`` later, at a lower seniority than
    the patron's entering spell. The tie starts on the client's arrival; ends as in
    :func:`overlap_ties`.

    returns: a DataFrame in the shape of the ties table (basis 'following').
    """
    moves = _arrivals(careers(view))
    pairs = moves.merge(moves, on="lineage", suffixes=("_p", "_c"))
    pairs = pairs[(pairs["person_id_p"] != pairs["person_id_c"]) & (pairs["seniority_p"] > pairs["seniority_c"])
                  & (pairs["start_c"] >= pairs["start_p"]) & (pairs["start_c"] <= pairs["start_p"] + months * MONTH)]
    found = [{"patron_id": r.person_id_p, "client_id": r.person_id_c, "start": r.start_c,
              "end": min(r.end_p, r.end_c) if min(r.end_p, r.end_c) < OPEN_END else pd.NaT, "basis": "following",
              "note": f"entered {r.lineage} {(r.start_c - r.start_p).days} days after him ({r.spell_id_c})"}
             for r in pairs.itertuples()]
    return as_ties(view, _close(view, _pairs_first(found), lasting), "following")


def inferred_ties(view, overlap_months: float = 12, follow_months: float = 6, lasting: bool = True) -> dict[str, pd.DataFrame]:
    """The three rules, and their union ('any rule': one tie per pair, the earliest), by name."""
    rules = {"overlap": overlap_ties(view, months=overlap_months, lasting=lasting),
             "promotion": promotion_ties(view, lasting=lasting),
             "following": following_ties(view, months=follow_months, lasting=lasting)}
    rules["any rule"] = union_ties(view, rules.values())
    return rules


def union_ties(view, frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Several sets of inferred ties as one: one tie per pair, the earliest, its basis naming every rule that found it."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return as_ties(view, pd.DataFrame(columns=["patron_id", "client_id", "start", "end", "basis", "note"]), "any")
    allt = pd.concat(frames, ignore_index=True).sort_values(["patron_id", "client_id", "start_lo", "tie_id"], kind="stable")
    bases = allt.groupby(["patron_id", "client_id"])["basis"].agg(lambda b: "|".join(sorted(set(b))))
    first = allt.drop_duplicates(["patron_id", "client_id"]).set_index(["patron_id", "client_id"])
    first["basis"] = bases.astype(TEXT)
    first = first.reset_index()
    first["tie_id"] = ("inferred-any-" + first["patron_id"] + "-" + first["client_id"]).astype(TEXT)
    return first[list(frames[0].columns)].reset_index(drop=True)


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
    every = sorted(asserted.union(*found.values()))
    names = view.persons.set_index("person_id")["name"]
    frame = pd.DataFrame({"patron": [names.get(p, p) for p, _ in every], "client": [names.get(c, c) for _, c in every],
                          "patron_id": [p for p, _ in every], "client_id": [c for _, c in every],
                          "asserted": [pair in asserted for pair in every]})
    for name, pairs in found.items():
        frame[name] = [pair in pairs for pair in every]
    return frame.sort_values(["asserted", "patron", "client"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def rule_scores(view, rules: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Precision and recall of each rule against the asserted patronage ties (pairs, whatever their dates).

    precision: the share of the pairs a rule infers that a historian asserts; recall: the
    share of the asserted pairs the rule infers.
    """
    asserted = asserted_pairs(view)
    rows = []
    for name, t in rules.items():
        pairs = set(zip(t["patron_id"], t["client_id"], strict=True))
        hit = len(pairs & asserted)
        rows.append({"rule": name, "inferred": len(pairs), "asserted": len(asserted), "recovered": hit,
                     "precision": hit / len(pairs) if pairs else np.nan,
                     "recall": hit / len(asserted) if asserted else np.nan})
    return pd.DataFrame(rows)


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
                           **hypothesis_kwargs) -> pd.DataFrame:
    """Every hypothesis on the asserted ties and on each rule's inferred ties.

    In a build the result is kept in the cache (:func:`patronage.cache.cached_result`) under the
    content of the tables and of each rule's ties, the arguments and the package's code.

    returns: one row per tie set and hypothesis: ties ('asserted' or the rule), hypothesis,
    value, verdict, clients (how many patronage clients the patron has the day before).
    """
    day = to_date(date)
    inputs = [cache.frames_digest(view.frames()), repr(view.selection), repr(list(rules)),
              cache.frames_digest(dict(rules)), repr(patron), str(day), repr(float(horizon_years)),
              repr(sorted(hypothesis_kwargs.items()))]
    return cache.cached_result("hypotheses-on-inferred", inputs,
                               lambda: _hypotheses_on_inferred(view, rules, patron, day, horizon_years, hypothesis_kwargs))


def _hypotheses_on_inferred(view, rules: Mapping[str, pd.DataFrame], patron, day, horizon_years,
                            hypothesis_kwargs) -> pd.DataFrame:
    rows = []
    sets = {"asserted": view} | {name: with_inferred_ties(view, t) for name, t in rules.items()}
    for name, tables in sets.items():
        crisis = make_crisis(tables, patron, day, horizon_years=horizon_years)
        for r in hypotheses.run_all(tables, crisis, **hypothesis_kwargs):
            rows.append({"ties": name, "hypothesis": r.hypothesis, "value": r.value, "verdict": r.verdict,
                         "clients": len(crisis.roster)})
    return pd.DataFrame(rows, columns=["ties", "hypothesis", "value", "verdict", "clients"])


def robustness_table(grid: pd.DataFrame, under_draws: pd.DataFrame, rerun: pd.DataFrame) -> pd.DataFrame:
    """The three checks side by side, one row per hypothesis.

    Columns: the verdict on the asserted ties under the base specification; the most frequent
    verdict across the specifications and across the date draws, with its share (every verdict
    sharing the top share is named); the verdict on the ties of every inference rule.
    """
    def modal(frame):
        if frame.empty:
            return pd.Series(dtype="object")
        out = {}
        for h, row in verdict_shares(frame)[list(VERDICTS)].iterrows():
            top = row[row == row.max()]
            out[h] = f"{' / '.join(top.index)} ({row.max():.2f}{' each' if len(top) > 1 else ''})"
        return pd.Series(out)

    verdicts = rerun.pivot(index="hypothesis", columns="ties", values="verdict")
    columns = {"base": verdicts["asserted"], "specifications": modal(grid), "date draws": modal(under_draws)}
    columns |= {f"inferred: {name}": verdicts[name] for name in dict.fromkeys(rerun["ties"]) if name != "asserted"}
    return pd.DataFrame(columns).sort_index()
