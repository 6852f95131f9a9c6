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
