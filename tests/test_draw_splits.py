"""The date a split of the verdicts over the date draws follows (notebook 04, section 2)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from patronage.robustness import draw_splits as D
from patronage.robustness.date_draws import DateDraws

N = 40
DAYS = np.arange(np.datetime64("1963-01-01"), np.datetime64("1963-01-01") + N)  # cell 0: one day per draw, in order
RNG = np.random.default_rng(7)
NOISE = np.datetime64("1950-01-01") + RNG.integers(0, 365, size=N)  # cell 1: days that follow no verdict


def setup(verdicts: list[str], cell0=DAYS):
    index = pd.Index([10, 11], name="row")
    spells = pd.DataFrame({"spell_id": ["gru-head", "other"], "end": ["1963", "1950"]}, index=index)
    days = np.stack([cell0, NOISE], axis=1).astype("datetime64[D]")
    lo = np.array([np.datetime64("1963-01-01"), np.datetime64("1950-01-01")], dtype="datetime64[D]")
    draws = DateDraws(N, 1, {"spells": index}, {("spells", "end"): days}, {("spells", "end"): (lo, days.max(0))})
    under = pd.DataFrame({"draw": range(N), "hypothesis": "H6b", "value": "", "verdict": verdicts})
    return SimpleNamespace(spells=spells), draws, under


def test_a_split_that_one_date_decides_names_the_date_the_verdicts_on_each_side_and_the_days_around_the_line():
    view, draws, under = setup(["inconclusive"] * 25 + ["mixed"] * 15)  # the first 25 days of 1963: inconclusive
    split = D.split_dates(view, under, draws).iloc[0]
    assert (split["table"], split["field"], split["row"], split["recorded"]) == ("spells", "end", "gru-head", "1963")
    assert (split["before"], split["after"]) == ("inconclusive (25)", "mixed (15)")
    assert (split["day"], split["next"]) == (pd.Timestamp("1963-01-25"), pd.Timestamp("1963-01-26"))
    assert (split["agree"], split["draws"]) == (40, 40)
    line, = D.split_lines(D.split_dates(view, under, draws))
    assert line.startswith("H6b: inconclusive (25) where spells 'gru-head' end (recorded '1963') is drawn on or before "
                           "1963-01-25; mixed (15) where on or after 1963-01-26; 40 of 40 draws on their verdict's side.")
    assert "other dates decide" not in line
    view, draws, under = setup(["mixed"] * 15 + ["inconclusive"] * 25)  # the other way round
    split = D.split_dates(view, under, draws).iloc[0]
    assert (split["before"], split["after"], split["day"]) == ("mixed (15)", "inconclusive (25)", pd.Timestamp("1963-01-15"))


def test_a_third_verdict_is_named_on_its_side_not_left_out():
    """Regression: only the two most frequent verdicts were sorted, so a decided 'fails' (22 of 200 draws of H1 at
    Yezhov's fall, all before the line) vanished from the sentence, which read '178 of 178 draws'."""
    early = ["fails" if i % 4 == 3 else "inconclusive" for i in range(26)]  # fails among the inconclusive draws
    view, draws, under = setup(early + ["no data"] * 14)
    split = D.split_dates(view, under, draws).iloc[0]
    assert (split["before"], split["after"], split["agree"], split["draws"]) == ("inconclusive (20) or fails (6)", "no data (14)", 40, 40)
    assert D.split_lines(D.split_dates(view, under, draws))[0].endswith("between verdicts on the same side, other dates decide.")


def test_a_split_no_date_explains_names_none_and_a_step_with_one_verdict_is_no_split():
    verdicts = ["mixed" if i % 2 else "inconclusive" for i in range(N)]  # alternating: no cut sorts them
    view, draws, under = setup(verdicts)
    split = D.split_dates(view, under, draws).iloc[0]
    assert split["table"] == "" and split["agree"] < D.EXPLAINS * N and split["before"] == "inconclusive (20) or mixed (20)"
    assert D.split_lines(D.split_dates(view, under, draws))[0].startswith(
        "H6b: inconclusive (20) or mixed (20) follows no single date")
    view, draws, under = setup(["holds"] * N)
    assert D.split_dates(view, under, draws).empty


def test_a_cut_that_only_separates_missing_days_is_not_a_date_the_split_follows():
    cell0 = DAYS.astype("datetime64[D]").copy()
    cell0[:25] = np.datetime64("NaT")  # cell 0 missing exactly where 'inconclusive' comes out
    view, draws, under = setup(["inconclusive"] * 25 + ["mixed"] * 15, cell0)
    assert D.split_dates(view, under, draws).iloc[0]["table"] == ""


def few_draws(n: int, cells: int, seed: int = 3):
    """n draws of ``cells`` dates that follow no verdict, and verdicts split 2 to n - 2 (the first two draws)."""
    rng = np.random.default_rng(seed)
    index = pd.RangeIndex(cells, name="row")
    spells = pd.DataFrame({"spell_id": [f"post-{i}" for i in range(cells)], "end": "1953"}, index=index)
    days = (np.datetime64("1953-01-01") + rng.integers(0, 365, size=(n, cells))).astype("datetime64[D]")
    lo = np.full(cells, np.datetime64("1953-01-01"), dtype="datetime64[D]")
    draws = DateDraws(n, 1, {"spells": index}, {("spells", "end"): days}, {("spells", "end"): (lo, days.max(0))})
    under = pd.DataFrame({"draw": range(n), "hypothesis": "H3", "value": "", "verdict": ["holds"] * 2 + ["mixed"] * (n - 2)})
    return SimpleNamespace(spells=spells), draws, under


def test_a_date_that_sorts_a_few_draws_as_any_date_might_by_chance_is_not_named():
    """Regression: with 5 draws, of hundreds of dates drawn some sorted the verdicts of Yezhov's fall in 1938 perfectly
    (a post of 1953's start), and 04 named it as the date the split followed. With 5 draws and 300 dates a perfect sort
    is what chance gives, and the step is said to follow no date the draws can tell from chance; with 200 draws the
    same 300 dates sort none of them well, and a date that does decide the verdicts is named however many are drawn."""
    view, draws, under = few_draws(5, 300)
    split = D.split_dates(view, under, draws).iloc[0]
    assert split["agree"] == 5 and split["table"] == "" and split["chance"] > D.CHANCE and split["dates"] == 300
    line, = D.split_lines(D.split_dates(view, under, draws))
    assert line == ("H3: mixed (3) or holds (2) follows no date these draws can tell from chance: the best sorts 5 of 5 "
                    "draws, but of the 300 dates drawn one may sort them as well by chance (nothing bounds that chance below "
                    "1); more draws would tell.")
    view, draws, under = few_draws(200, 300)
    split = D.split_dates(view, under, draws).iloc[0]  # some date puts the 2 'holds' among its first days by chance
    assert split["agree"] >= D.EXPLAINS * 200 and split["table"] == "" and split["chance"] > D.CHANCE
    days = draws.days["spells", "end"]
    days[:, 7] = np.where(np.arange(200) < 2, np.datetime64("1953-01-02"), np.datetime64("1953-12-30"))  # post 7 decides
    split = D.split_dates(view, under, draws).iloc[0]
    assert (split["row"], split["agree"], split["before"]) == ("post-7", 200, "holds (2)") and split["chance"] <= D.CHANCE
