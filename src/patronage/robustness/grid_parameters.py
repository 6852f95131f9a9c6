"""The parameters of the specification grid as a notebook gives them: comma-separated horizons and populations,
read into the lists :func:`patronage.robustness.specifications.specification_grid` takes, or refused naming the
parameter, the value and the valid choices."""

from __future__ import annotations

from patronage.analysis.populations import POPULATIONS
from patronage.errors import ParameterError
from patronage.tables.checks import check_choice


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


def parse_populations(value: object) -> list[str]:
    """A comma-separated list of populations ("first deputies, all clients") as a list in the order of POPULATIONS.

    raises ParameterError naming ``populations`` for an empty list or an unknown name.
    """
    parts = [p.strip() for p in value.split(",")] if isinstance(value, str) else []
    if not any(parts):
        raise ParameterError("populations", value, f"give one or more of {', '.join(map(repr, POPULATIONS))}, separated by commas")
    for part in parts:
        check_choice("populations", part, POPULATIONS)
    return [p for p in POPULATIONS if p in parts]
