"""The errors the package raises: each says what is wrong and where, never just a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in a table: the file, the row (the header is row 1), the column, what is wrong."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class DataError(ValueError):
    """The tables break their schema or a cross-table rule; ``problems`` lists every defect."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_key)
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem{'' if len(self.problems) == 1 else 's'} in the data:\n{shown}{tail}")


def _problem_key(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.message)


def shown(value: object, most: int = 200) -> str:
    """``repr(value)``, cut to its first ``most`` characters with how long it was: a message repeats what it was given,
    and a value pasted by mistake (a whole file) would otherwise bury the message."""
    text = repr(value)
    return text if len(text) <= most else f"{text[:most]}... ({len(text):,} characters in all)"


class ParameterError(ValueError):
    """A notebook or function parameter has a value outside its valid choices."""

    def __init__(self, name: str, value: object, choices: str):
        self.name, self.value, self.choices = name, value, choices
        super().__init__(f"parameter {name!r} = {shown(value)} is not valid; {choices}")


class SettingError(ValueError):
    """An environment variable the package reads ($PATRONAGE_...) holds a value it cannot use."""

    def __init__(self, name: str, value: str, choices: str):
        self.name, self.value, self.choices = name, value, choices
        super().__init__(f"environment variable {name}={shown(value)} is not valid; {choices}")


class CheckoutError(RuntimeError):
    """Outputs asked of a copy of the package installed without its compendium checkout (see config.require_checkout)."""
