"""Time in high office after a crisis, right-censored as a survival analysis needs it: when each person's run
of high posts began and ended, and whether it ended in a loss or the record simply stops."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.analysis.crisis import DAY, Crisis
from patronage.analysis.offices import RENAMING_GAP, SUCCESSION_GAP
from patronage.analysis.outcomes import LOSS_CAUSES, earliest_deaths, first_office_loss, is_one_of, nat_last, posts_by_man


def _chain(posts: list, first_by: pd.Timestamp, not_before: pd.Timestamp) -> list:
    """Of ``posts`` (one man's, as records with the point estimates start_day and end_day: :func:`posts_by_man`), the run
    of consecutive posts that starts with the first post running between ``not_before`` and ``first_by``: each next
    post starts at most SUCCESSION_GAP after the run's end so far, whenever that is (the window bounds the first post
    only). In the order taken, the first post first; empty if no post qualifies. (NaT compares False: a post whose start
    is unknown never opens a run, and joins one only while its end is unknown.)"""
    s = sorted(posts, key=lambda r: (*nat_last(r.start_day), r.spell_id))  # by start, unknown last, then id
    first = next((r for r in s if r.start_day <= first_by and (pd.isna(r.end_day) or r.end_day >= not_before)), None)
    if first is None:
        return []
    kept, end, begun = [first], first.end_day, first.start_day
    for r in s:
        if r is first or r.start_day < begun:
            continue
        if pd.isna(end) or r.start_day <= end + SUCCESSION_GAP:
            kept.append(r)
            end = pd.NaT if pd.isna(end) or pd.isna(r.end_day) else max(end, r.end_day)
    return kept


def _how_it_ended(tables, person, chain: list, end: pd.Timestamp, min_rank: int) -> str | None:
    """How a run of high posts ended: its last post's end_cause if that is a loss, a loss event at its end (anywhere
    its recorded dates allow, and up to RENAMING_GAP before and SUCCESSION_GAP after: Rukhadze's post, ended
    '1952/1953-06' and read as 30 September 1952, ended with his arrest of 11 July 1952), or a lower post following it;
    None if the record just stops (a move to a post not recorded)."""
    last = max((r for r in chain if r.end_day == end), key=lambda r: r.spell_id)
    if is_one_of(last.end_cause, LOSS_CAUSES):
        return str(last.end_cause)
    first, latest = (min(end, last.end_lo) if pd.notna(last.end_lo) else end,
                     max(end, last.end_hi) if pd.notna(last.end_hi) else end)
    loss = first_office_loss(tables, person, first - RENAMING_GAP, latest + SUCCESSION_GAP)
    if loss is not None:
        return loss.role
    if any(r.seniority < min_rank and end - RENAMING_GAP <= r.start_day <= end + SUCCESSION_GAP for r in posts_by_man(tables).of(person)):
        return "moved to a lower post"
    return None


def tenure_after(tables, crisis: Crisis, persons, min_rank: int, window: pd.Timedelta) -> pd.DataFrame:
    """Years each person held high office (rank >= min_rank) after the crisis, right-censored.

    Office is entered at the first high post running within ``window`` after the crisis (and by the horizon) and held
    while consecutive high posts follow within SUCCESSION_GAP, however late they start (the window
    bounds the first post only). The loss is observed if the run ends before the horizon and
    before his death in a loss: its last post ended for a cause in LOSS_CAUSES, a loss event
    (arrest, execution, dismissal, purge) falls at its end, or a lower post of his follows. A run
    that simply stops (a transfer to a post the tables do not record, an end of unknown cause) is
    censored there: the end of the recorded posts is not a loss of office. Nor is an end dated so
    loosely that the horizon falls inside its bounds (a post that ended "in 1963", against a
    horizon in June 1963) read either way: ``how`` says so and the outcome at the horizon is unknown. A post whose end
    the sources do not state (an empty end, its cause not 'ongoing') was held at least from its start: the run is
    censored there, not kept to the horizon (Vasilevsky's deputy ministry of 1956, which he left in 1957, was
    "10.0 years in office at the horizon").

    returns: person_id, from, until (the end of his last post as recorded, where the run ends with it; else the day it
    is followed to), years, lost office, how (the cause of the loss, or why censored).
    """
    died = earliest_deaths(tables)
    window = min(window, crisis.horizon - crisis.date)  # an office first entered after the horizon is not followed
    rows = []
    for person in persons:
        chain, end, cause = _run_of(tables, person, crisis.date, window, min_rank)
        if chain:
            rows.append({"person_id": person, **_run_outcome(crisis, chain, end, cause, died.get(person, pd.NaT))})
    # typed, so that a table joined with an empty one (no loyal client in office) keeps its years a number
    return pd.DataFrame(rows, columns=["person_id", "from", "until", "years", "lost office", "how"]).astype(
        {"years": float, "lost office": bool})


def _run_of(tables, person, day: pd.Timestamp, window: pd.Timedelta, min_rank: int) -> tuple[list, pd.Timestamp, str | None]:
    """A person's run of high posts after ``day`` (:func:`_chain`), its end (NaT: it runs on) and how it ended
    (:func:`_how_it_ended`), computed once per tables: none of it depends on the horizon or on the population
    counted, which the robustness grid varies while the tables stay the same."""
    def compute(t) -> tuple[list, pd.Timestamp, str | None]:
        chain = _chain([r for r in posts_by_man(t).of(person) if r.seniority >= min_rank], day + window, day)
        end = pd.NaT if not chain or any(pd.isna(r.end_day) for r in chain) else max(r.end_day for r in chain)
        return chain, end, _how_it_ended(t, person, chain, end, min_rank) if pd.notna(end) else None

    return tables.derived(("run of high posts", person, day, window, min_rank), compute)


STRADDLES = "unknown at the horizon: the end of his last post is dated"  # the start of ``how`` for such an end


def _run_outcome(crisis: Crisis, chain: list, end: pd.Timestamp, cause: str | None, death) -> dict:
    """from, until, years, lost office and how, for one person's run of high posts (:func:`_run_of`; see :func:`tenure_after`)."""
    start = max(chain[0].start_day, crisis.date)
    last = [r for r in chain if r.end_day == end][-1] if pd.notna(end) else None
    straddles = last is not None and last.end_lo < crisis.horizon <= last.end_hi
    observed = (pd.notna(end) and end < crisis.horizon and not straddles and cause is not None
                and not (pd.notna(death) and end >= death - DAY))
    stop = end if observed else crisis.horizon if straddles else min(x for x in (end, crisis.horizon, death) if pd.notna(x))
    unended = [r for r in chain if pd.isna(r.end_day) and not is_one_of(r.end_cause, {"ongoing"})]  # no end recorded, none said to go on
    if pd.isna(end) and unended:  # held at least from its start: censored there, not kept to the horizon
        begun = [r.start_day for r in unended if pd.notna(r.start_day)]
        latest = max(begun) if begun else pd.NaT
        stop = min(max(latest, start), stop)
        post = sorted(unended, key=lambda r: nat_last(r.start_day))[-1].post
        how = f"censored: the end of his post is not recorded ({post}, from {latest.date()})"
    elif observed:
        how = cause
    elif straddles:
        how = f"{STRADDLES} {last.end_lo.date()} to {last.end_hi.date()}"
    elif stop == crisis.horizon:
        how = "in office at the horizon"
    elif pd.notna(death) and stop == death:
        how = "died in office"
    else:
        how = f"censored: the record ends ({last.end_cause if pd.notna(last.end_cause) else 'unknown'})"
    # the end as its source dates it where the run ends with his last post (the years are counted from its point estimate)
    until = str(last.end) if last is not None and stop == end and pd.notna(last.end) else stop.date().isoformat()
    return {"from": start.date().isoformat(), "until": until,
            "years": round((stop - start).days / 365.25, 3), "lost office": bool(observed), "how": how}


CURVE_COLUMNS = ["years", "in office", "group", "censored"]  # the columns of :func:`survival_curves`


def survival_curves(detail: pd.DataFrame) -> pd.DataFrame:
    """Kaplan–Meier estimates of staying in high office, one curve per group of a tenure table (the detail
    of step 6b: ``years``, ``lost office``, ``group``), by statsmodels; each curve starts at 1 at year 0 and
    runs, flat after its last loss, to the group's longest follow-up.

    Rows with ``censored`` False are year 0 and the event times with statsmodels' estimates; a row with
    ``censored`` True marks each distinct time at which someone's follow-up ends without a loss, at the
    estimate in force then (the last row of a curve whose longest follow-up is censored). Groups in sorted
    order, each by years, an event before a censoring at the same time.

    returns: columns years, in office, group, censored (empty when the table has no groups).
    """
    if "group" not in detail or detail.empty:
        return _typed_curves(pd.DataFrame(columns=CURVE_COLUMNS))
    curves = [_km_curve(g["years"].to_numpy(float), g["lost office"].to_numpy(bool)).assign(group=str(group))
              for group, g in detail.groupby("group", sort=True)]
    return _typed_curves(pd.concat(curves, ignore_index=True)[CURVE_COLUMNS])


def _km_curve(years: np.ndarray, lost: np.ndarray) -> pd.DataFrame:
    """One Kaplan–Meier curve (:func:`survival_curves`) of follow-up ``years`` with ``lost`` True where office
    was lost: statsmodels' event times and estimates after (0, 1), and one row per distinct censoring time.

    returns: columns years, in office, censored, sorted by years (events first at a tie).
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(years, lost.astype(int))
    times, prob = np.asarray(sf.surv_times, float), np.asarray(sf.surv_prob, float)
    censored = np.unique(years[~lost])
    # the estimate after the last event at or before each censoring time (1 before the first event)
    at_censoring = np.concatenate([[1.0], prob])[np.searchsorted(times, censored, side="right")]
    rows = pd.DataFrame({"years": np.concatenate([[0.0], times, censored]),
                         "in office": np.concatenate([[1.0], prob, at_censoring]),
                         "censored": np.concatenate([np.zeros(1 + len(times), bool), np.ones(len(censored), bool)])})
    return rows.sort_values(["years", "censored"], kind="stable", ignore_index=True)


def _typed_curves(curves: pd.DataFrame) -> pd.DataFrame:
    """``curves`` with the dtypes of :func:`survival_curves` (float years and estimates, text groups, bool censored)."""
    return curves.astype({"years": float, "in office": float, "group": str, "censored": bool}).reset_index(drop=True)
