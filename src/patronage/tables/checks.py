"""Checks of a value a reader gives (a notebook's parameter, an entry of the crises file): each returns the
usable value or raises a ParameterError that names the parameter, the bad value and the valid choices
(for a person, the closest names; for a date, the span of days the tables record)."""

from __future__ import annotations

import datetime as dt
import difflib

import pandas as pd

from patronage.errors import ParameterError
from patronage.tables.dates import to_date, written_bounds
from patronage.tables.names import PersonId, resolve_person


def check_choice(name: str, value: object, choices) -> str:
    """``value`` if it is one of ``choices``, else a ParameterError naming the closest ones."""
    choices = list(choices)
    if isinstance(value, str) and value in choices:
        return value
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise ParameterError(name, value, f"valid choices are {', '.join(map(repr, choices))}{hint}")


def person(name: str, value: object, tables) -> PersonId:
    """The person_id that ``value`` (an id or any recorded name variant) denotes."""
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(name, value, "give a person id or a recorded name, e.g. 'Beria' or 'Берия'")
    return resolve_person(value, tables.persons, parameter=name)


def date(name: str, value: object, tables=None) -> pd.Timestamp:
    """One day, given as an ISO or EDTF date; with ``tables``, one inside the span of days they record.

    A date with spaces around it is refused rather than trimmed: it is a sign of a value typed by
    hand that may not be what was meant. A date that spans several days as written ('1953-06', '1953')
    is refused with its first and last day: read as its first day it would put the day before events
    of the same month, and the verdicts would change with no sign of why. A date marked uncertain
    or approximate ('1953-06-26?') is the day written (:func:`patronage.tables.dates.written_bounds`).
    A date outside every recorded date would run to the end with nothing to count, so it is refused
    with the span the tables cover.
    """
    if isinstance(value, str) and value != value.strip():
        raise ParameterError(name, value, "a date has no spaces around it; give one day, e.g. 1953-06-26")
    try:
        # a date object is one day; anything else is read as written, so that a year passed as a number (papermill's
        # -p as_of 1953) is the year it is, not its first day
        first, last = (to_date(value),) * 2 if isinstance(value, (dt.date, pd.Timestamp)) else written_bounds(str(value))
    except (ValueError, TypeError):
        raise ParameterError(name, value, "give one day as an ISO or EDTF date, such as 1953-06-26") from None
    if first != last:
        raise ParameterError(name, value, f"give one day: as written it runs from {first} to {last} "
                                          f"(e.g. {first} or {last})")
    day = pd.Timestamp(first)
    if tables is not None:
        first, last = recorded_span(tables)
        if not first <= day <= last:
            raise ParameterError(name, value, f"the tables record nothing on that day: their dates run from "
                                              f"{first.date()} to {last.date()}")
    return day


def living(name: str, value: object, day: pd.Timestamp, person_id: PersonId, tables, where: str = "") -> pd.Timestamp:
    """``day``, if the person is not recorded as born after it or dead before it in ``tables`` (a selection reads its
    own rows: under the article's reading Beria was shot on 18 December 1953, under the standard one on the 23rd).

    A crisis of a patron before his birth or after his death has no one to count; run to the end, every
    step would say "no data" and the robustness checks would find the verdicts stable, with no sign of why.
    A notebook checks the day against its own selection and against the widest one (evidence 'seed+external'): a
    death that only a reference work records (Yagoda's) still makes a later day no day of his life.
    where: said after "recorded", naming the rows read (" in the rows of evidence 'seed+external'").
    """
    row = tables.persons.loc[tables.persons["person_id"] == person_id]
    born, died = row["born_lo"].min(), row["died_hi"].max()
    who = row["name"].iloc[0] if len(row) else person_id
    life = (f"{born.date()} to {died.date()}" if pd.notna(born) and pd.notna(died)
            else f"up to {died.date()}; these rows do not record his birth" if pd.notna(died)
            else f"from {born.date()}; these rows do not record his death")
    if pd.notna(born) and day < born:
        raise ParameterError(name, value, f"{who} is recorded{where} born no earlier than {born.date()}; give a day of his life ({life})")
    if pd.notna(died) and day > died:
        raise ParameterError(name, value, f"{who} is recorded{where} dead by {died.date()}; give a day of his life ({life})")
    return day


def recorded_span(tables) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and the last day any event, post or tie of the tables is dated to."""
    def bounds():
        days = [tables.events[["date_lo", "date_hi"]]]
        days += [tables.spells[[f"{c}_lo", f"{c}_hi"]] for c in ("start", "end")]
        days += [tables.ties[[f"{c}_lo", f"{c}_hi"]] for c in ("start", "end")]
        values = pd.concat([d.stack() for d in days])
        return values.min(), values.max()
    return tables.derived("recorded span", lambda t: bounds())


NEAR_AN_END = 1e-12  # how close to an excluded end an open-ended number may come (an alpha of 1e-20 is 0 in effect)


def number(name: str, value: object, low: float, high: float, integer: bool = False, open_ends: bool = False,
           why: str = "") -> float:
    """A number between ``low`` and ``high`` (a whole number if ``integer``; both ends excluded if ``open_ends``: an
    ``alpha`` of 0 or 1 gives no interval at all). why: said after the range, where a bound is another parameter's
    value (" (no more than draws, the draws the steps are re-run on)")."""
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not (low < value < high if open_ends else low <= value <= high):
        what = "a whole number" if integer else "a number"
        raise ParameterError(name, value, f"give {what} between {low} and {high}, both excluded" if open_ends
                             else f"give {what} from {low} to {high}{why}")
    if open_ends and not (low + NEAR_AN_END <= value <= high - NEAR_AN_END):  # 1 - 1e-20 is 1.0 in floating point
        raise ParameterError(name, value, f"give a number between {low} and {high}, at least {NEAR_AN_END:g} from each "
                             "(closer, a confidence level of 1 minus it is an end in floating point, and no interval is found)")
    return value
