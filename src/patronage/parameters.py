"""Checks for notebook parameters: each returns the usable value or raises a ParameterError that
names the parameter, the bad value and the valid choices (for a person, the closest names)."""

from __future__ import annotations

import pandas as pd

from patronage.dates import to_date
from patronage.errors import ParameterError
from patronage.names import PersonId, resolve_person


def person(name: str, value: object, tables) -> PersonId:
    """The person_id that ``value`` (an id or any recorded name variant) denotes."""
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(name, value, "give a person id or a recorded name, e.g. 'Beria' or 'Берия'")
    return resolve_person(value, tables.persons, parameter=name)


def date(name: str, value: object) -> pd.Timestamp:
    """The first day of an ISO or EDTF date."""
    try:
        return to_date(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise ParameterError(name, value, "give an ISO or EDTF date such as 1953-06-26 or 1953-06") from None


def number(name: str, value: object, low: float, high: float, integer: bool = False) -> float:
    """A number between ``low`` and ``high`` (a whole number if ``integer``)."""
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
        what = "a whole number" if integer else "a number"
        raise ParameterError(name, value, f"give {what} from {low} to {high}")
    return value
