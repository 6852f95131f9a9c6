"""The uncertainty of the dates: every EDTF date drawn inside its bounds, and what the draws can move.

Every date of the spells, events and ties is drawn uniformly (whole days) between its bounds, N
times, each cell from its own seeded stream (:func:`draw_dates`), so that adding a row or choosing
another reading does not redraw the dates of the other rows. A move from one post to the next, dated
once by the sources, is one day: the new post's start is drawn with the old post's end (:func:`moves`).
No start is drawn after its end: the dates of a spell or a tie, with the moves that link them, are drawn
together, uniformly over the days that keep them in order (:mod:`patronage.robustness.ordered_draws`).
An arrest recorded as an event and as the end of the post it ended is one day too
(:mod:`patronage.robustness.arrest_days`).
A spell's dates are first narrowed to the period in which its organisation existed
(``organisations.valid_from`` / ``valid_to``), so that no draw puts a post in an office that did not
yet, or no longer, exist.

Two uses of the draws: the orderings the argument rests on (:mod:`patronage.robustness.date_orderings`,
which reports an ordering the bounds already decide as decided, with no share), and every
hypothesis re-run on the first k draws (:func:`verdicts_under_draws`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from patronage import cache
from patronage.analysis import hypotheses
from patronage.analysis.crisis import make_crisis
from patronage.analysis.populations import members_by_id
from patronage.parallel import map_ordered
from patronage.robustness import arrest_days
from patronage.robustness.life_dates import LifeDates
from patronage.robustness.ordered_draws import draw_table

# the bounds live with the tables, whose every selection reads its dates inside them; named here as the draws' own
from patronage.tables.bounds import date_bounds as date_bounds
from patronage.tables.bounds import linked_bounds
from patronage.tables.bounds import moves as moves
from patronage.tables.bounds import on_the_same_day as on_the_same_day
from patronage.tables.bounds import organisation_periods as organisation_periods
from patronage.tables.bounds import within as within
from patronage.tables.dates import bounds_columns, to_date

EDTF_FIELDS = {"spells": ("start", "end"), "events": ("date",), "ties": ("start", "end", "defection_date")}
ID_COLUMNS = {"spells": "spell_id", "events": "event_id", "ties": "tie_id"}  # the row ids that name a cell's stream


@dataclass(frozen=True)
class DateDraws:
    """N draws of every EDTF date of some tables, each uniform over the whole days inside its bounds.

    days[(table, field)] is an (n, rows) datetime64[D] array aligned with ``index[table]`` (the
    rows of that table when drawn); NaT where the date is empty. bounds[(table, field)] holds the
    (lo, hi) arrays the days were drawn between (a spell's narrowed to its organisation's period, and an open
    start's lower bound raised to its floor: :func:`raised_to_floor`).
    The start and the end of a spell or a tie are drawn together, never the end first, and a move
    from one post to the next (:func:`moves`) is one day, drawn once, between the two
    (:mod:`patronage.robustness.ordered_draws`); an arrest recorded as an event is drawn on the day the
    post it ended ends (:mod:`patronage.robustness.arrest_days`); every other date is drawn independently
    of the others, so two cells recording the same uncertain day can fall on different days.
    """

    n: int
    seed: int
    index: dict
    days: dict
    bounds: dict

    def of(self, table: str, field: str, row) -> np.ndarray:
        """The n draws of one cell, by table, field and row label, as the analysis reads them (:meth:`at`)."""
        return self.at(table, field, [self.index[table].get_loc(row)])[:, 0]

    def at(self, table: str, field: str, positions) -> np.ndarray:
        """The n draws of the cells at ``positions`` of one column, as the analysis reads them: a draw before a cell's
        floor (the first day the sources attest an open start, which its lower bound was raised to) is read as that
        day, as :func:`patronage.analysis.careers.point` reads it in a redated table. An empty cell stays NaT."""
        days, lo = self.days[table, field][:, positions], self.bounds[table, field][0][positions]
        return np.where(days < lo, lo, days)  # NaT compares False

    def bounds_of(self, table: str, field: str, row) -> tuple[np.datetime64, np.datetime64]:
        """The earliest and latest day one cell was drawn between."""
        lo, hi = self.bounds[table, field]
        i = self.index[table].get_loc(row)
        return lo[i], hi[i]

    def head(self, k: int) -> DateDraws:
        """The first k draws (a seeded subsample: the draws are independent and identically distributed)."""
        return DateDraws(min(k, self.n), self.seed, self.index, {key: d[:k] for key, d in self.days.items()}, self.bounds)


def draw_dates(tables, n: int = 10_000, seed: int = 1953, fields: Mapping[str, Iterable[str]] = EDTF_FIELDS) -> DateDraws:
    """Draw every date of the given EDTF columns n times, uniformly between its bounds (whole days).

    The bounds are those of :func:`date_bounds` (a spell's narrowed to its organisation's period),
    and no start falls after its end (:func:`patronage.robustness.ordered_draws.draw_table`). Each
    uncertain cell has its own stream of random numbers, seeded by ``seed`` and the cell's name
    (:func:`patronage.robustness.ordered_draws.cell_stream`: table, column and the row's id), so a
    cell's draws depend only on its own row: adding a row, or selecting another reading, leaves the
    draws of every other date as they were (but for a post taken up by a move, drawn with the post it
    follows when that row is held: :func:`moves`, and an arrest, drawn with the post it ended:
    :mod:`patronage.robustness.arrest_days`), and the first k of n draws are the draws of a call
    with n = k. The same seed gives the same draws.
    """
    days, index = {}, {}
    bounds, one_day, linked = drawn_bounds(tables, fields)
    for table, cols in fields.items():
        frame = getattr(tables, table)
        index[table] = frame.index
        floors = {col: frame[f"{col}_floor"].to_numpy(dtype="datetime64[D]") for col in cols if f"{col}_floor" in frame}
        drawn = draw_table(table, frame[ID_COLUMNS[table]].astype(str).tolist(), {c: bounds[table, c] for c in cols},
                           one_day.get(table, {}), n, seed, floors)
        days.update({(table, col): d for col, d in drawn.items()})
        for col, floor in floors.items():  # no draw falls before a floor: the bounds say so too
            bounds[table, col] = raised_to_floor(*bounds[table, col], floor)
    arrest_days.link(days, linked)
    return DateDraws(n=n, seed=seed, index=index, days=days, bounds=bounds)


def raised_to_floor(lo: np.ndarray, hi: np.ndarray, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds with each lower bound raised to its floor (the first day an open start, 'by March 1953', is read as, at
    the latest its upper bound): a draw before the floor is read as the floor's day, so no drawn day lies before it,
    and edtf's ten years of padding are not shown as if a source gave them."""
    known = ~(np.isnat(lo) | np.isnat(hi) | np.isnat(floor))
    raised = np.where(known & (floor > lo), np.where(floor < hi, floor, hi), lo)
    return raised.astype(lo.dtype), hi


def drawn_bounds(tables, fields: Mapping[str, Iterable[str]] = EDTF_FIELDS) -> tuple[dict, dict, dict[int, int]]:
    """The bounds each date is drawn between ((table, col) -> (lo, hi)), the moves by table (:func:`moves`) and the
    arrests drawn with the posts they ended (event position -> spell position): those every selection reads its dates
    inside (:func:`patronage.tables.bounds.linked_bounds`), over every field the draws draw (``fields``)."""
    return linked_bounds(tables, fields)


def uncertain_dates(tables, fields: Mapping[str, Iterable[str]] = EDTF_FIELDS) -> pd.DataFrame:
    """How many dates each EDTF column holds, how many are uncertain (more than one possible day), and how wide.

    Widths are those the draws use (:func:`drawn_bounds`); ``narrowed`` counts the dates whose bounds the
    organisation's period, a move to or from a post in another office, or an arrest recorded both as an
    event and as the end of a post (:mod:`patronage.robustness.arrest_days`) narrowed.
    returns: one row per table and field: dates, uncertain, median width in days of the uncertain ones, narrowed.
    """
    rows = []
    bounds, _, _ = drawn_bounds(tables, fields)
    for table, cols in fields.items():
        frame = getattr(tables, table)
        for col in cols:
            lo, hi = bounds[table, col]
            if f"{col}_floor" in frame:  # as the draws read it: no day before the floor
                lo, hi = raised_to_floor(lo, hi, frame[f"{col}_floor"].to_numpy(dtype="datetime64[D]"))
            known = ~(np.isnat(lo) | np.isnat(hi))
            width = (hi[known] - lo[known]).astype(int)
            as_written = bounds_columns(frame[col])[:2]  # a selection's bounds are already narrowed: read the text again
            recorded = (as_written[1] - as_written[0]).dt.days.to_numpy()[known]
            rows.append({"table": table, "field": col, "dates": int(known.sum()), "uncertain": int((width > 0).sum()),
                         "median width (days)": float(np.median(width[width > 0])) if (width > 0).any() else 0.0,
                         "narrowed": int((width < recorded).sum())})
    return pd.DataFrame(rows)


def redated(view, draws: DateDraws, i: int, lives: LifeDates | None = None):
    """The tables with every drawn date set to its i-th draw (both bounds equal to the drawn day).

    lives: the persons' life dates planned once for ``view`` (:class:`patronage.robustness.life_dates.LifeDates`),
    so that a run over many draws does not join the tables again for each; without it they are derived anew.
    """
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
    # only dates change: the ids, kinds and roles the derived person columns are joined on keep the
    # view's codes, so they are not factorised again for every draw
    if lives is not None and ("events", "date") in draws.days:
        return view.redated(**frames, persons=lives.persons(view.persons, draws.days["events", "date"][i]))
    every = {**view.frames(), **frames}
    return view.replace(view.distinct().narrowed(every, dict.fromkeys(every)), **frames)


def verdicts_under_draws(view, draws: DateDraws, patron: str, date, horizon_years: float = 10, k: int = 200,
                         **hypothesis_kwargs) -> pd.DataFrame:
    """Every hypothesis re-run under each of the first ``k`` draws of the dates.

    A full run of the hypotheses takes about an eighth of a second (the draws are shared among the
    cores: :func:`patronage.parallel.map_ordered`), so this is done on a seeded subsample (the
    first k of the draws, which are independent and identically distributed), not on all n: with
    k = 200 a share is known to within about +/- 0.07 (95%).
    hypothesis_kwargs: passed to :func:`patronage.analysis.hypotheses.run_all` (population included).

    In a build the result is kept in the cache (:func:`patronage.cache.cached_result`) under the
    content of the tables, the draws used, the arguments and the package's code.

    returns: one row per draw and hypothesis: draw, hypothesis, value, verdict.
    """
    day, k = to_date(date), min(k, draws.n)
    used = draws.head(k)
    inputs = [*cache_inputs(view, used), repr(patron), str(day), repr(float(horizon_years)),
              repr(sorted(hypothesis_kwargs.items()))]
    return cache.cached_result("verdicts-under-draws", inputs,
                               lambda: _verdicts_under_draws(view, used, patron, day, horizon_years, hypothesis_kwargs))


def cache_inputs(view, draws: DateDraws) -> list[str]:
    """What a computation under ``draws`` of ``view`` depends on besides its arguments, for its cache key
    (:func:`patronage.cache.cached_result`): the tables' content, the selection, the drawn days and the rows drawn."""
    return [cache.frames_digest(view.frames()), repr(view.selection),
            cache.frames_digest({f"{t}.{c}": d for (t, c), d in draws.days.items()}),
            cache.frames_digest({t: i.to_numpy() for t, i in draws.index.items()})]


def _verdicts_under_draws(view, draws: DateDraws, patron, day, horizon_years, hypothesis_kwargs) -> pd.DataFrame:
    """The computation of :func:`verdicts_under_draws`, on every one of ``draws``."""

    lives = LifeDates.of(view)

    def one_draw(i: int) -> list[dict]:
        tables = redated(view, draws, i, lives)
        crisis = make_crisis(tables, patron, day, horizon_years=horizon_years)
        with members_by_id():  # a draw keeps each step's value and verdict only
            results = hypotheses.run_all(tables, crisis, **hypothesis_kwargs)
        return [{"draw": i, "hypothesis": r.hypothesis, "value": r.value, "verdict": r.verdict} for r in results]

    rows = [row for rows in map_ordered(one_draw, range(draws.n)) for row in rows]
    return pd.DataFrame(rows, columns=["draw", "hypothesis", "value", "verdict"])
