"""What a notebook checks of its parameters, as ``check`` (``from patronage.build import parameters as check``).

At its start (:func:`start`): no parameter given that the notebook does not declare, a bad value shown
as its message alone, and where a run outside the build writes its figures and tables. Then each value:
:func:`person`, :func:`date` and :func:`number`, the checks of :mod:`patronage.tables.checks`, which
the crises file is checked with too; each returns the usable value or raises a ParameterError that
names the parameter, the bad value and the valid choices (for a person, the closest names)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from patronage import config
from patronage.errors import ParameterError
from patronage.tables.checks import date, living, number, person

__all__ = ["date", "living", "number", "person", "start", "injected", "unknown_parameters", "run_folder"]

INJECTED_HEADER = "# Parameters"  # the first line of the cell papermill injects after the cell tagged 'parameters'
RUN_ENV = "PATRONAGE_FIGURES_DIR"
QUIET_ENV = "PATRONAGE_QUIET_KERNEL"  # set where the caller reports a notebook's errors itself  # set by the build (a staging folder), by the tests and by `python -m patronage run`


def assigned_names(source: str) -> dict[str, object]:
    """The names a cell assigns at its top level, with the value where it is a literal (else None)."""
    import ast

    found = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return found
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Name):
                try:
                    found[t.id] = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:
                    found[t.id] = None
    return found


def injected(history: list[str]) -> tuple[dict, dict]:
    """(declared, given): the parameters the notebook declares and those papermill injected, read from
    IPython's input history (the injected cell, headed INJECTED_HEADER, follows the parameters cell).

    returns: two empty dicts when nothing was injected (a run in JupyterLab, nbval).
    """
    for i in range(len(history) - 1, 0, -1):
        if history[i].lstrip().startswith(INJECTED_HEADER):
            return assigned_names(history[i - 1]), assigned_names(history[i])
    return {}, {}


def unknown_parameters(declared: dict, given: dict) -> None:
    """Raise ParameterError for the first parameter given that the notebook does not declare, naming the closest."""
    import difflib

    for name in sorted(set(given) - set(declared)):
        close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ParameterError(name, given[name], f"this notebook has no parameter {name!r}; {hint}its parameters are "
                                                f"{', '.join(declared)}")


def run_folder(notebook: str, given: dict) -> Path:
    """Where a run outside the build writes its figures and tables: build/runs/NOTEBOOK/PARAMETERS of the
    checkout (an installed copy without one raises CheckoutError: it writes nothing into site-packages)."""
    import hashlib
    import re

    config.require_checkout("a notebook run outside the build")
    runs = config.BUILD_DIR / "runs" / notebook
    if not given:
        return runs / "default"
    text = "_".join(f"{k}={v}" for k, v in sorted(given.items()))
    slug = re.sub(r"[^\w.=+-]+", "-", text)[:80]  # letters of any script kept: a name asked in Cyrillic stays readable
    return runs / f"{slug}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def start(notebook: str) -> Path:
    """The checks a notebook makes before it reads its parameters; returns the folder its figures and tables go to.

    - A parameter papermill was given that the notebook does not declare stops the run, naming the
      closest declared one (papermill itself only warns).
    - A ParameterError is shown as its message alone, and also written at once to the terminal
      that started the kernel (papermill's own output), so the reader sees it first.
    - A run outside the build (papermill by hand, JupyterLab) writes its figures and tables under
      build/runs/NOTEBOOK/..., never into the committed figures/; the build, the tests and
      ``python -m patronage run`` say where with $PATRONAGE_FIGURES_DIR.
    """
    shell = _shell()
    if shell is not None:
        shell.set_custom_exc((ParameterError,), _show_parameter_error)
    declared, given = injected(list(shell.user_ns.get("In", []))) if shell is not None else ({}, {})
    unknown_parameters(declared, given)
    if RUN_ENV not in os.environ:
        os.environ[RUN_ENV] = str(run_folder(notebook, given))
        print(f"this run writes its figures and tables to {os.path.relpath(os.environ[RUN_ENV], config.PROJ_ROOT)}/")
    return Path(os.environ[RUN_ENV])


def _shell():
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _show_parameter_error(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for a ParameterError: shown without its traceback (the frames add nothing to a bad
    value), as an error all the same, so papermill and the build name it; and written at once to the
    terminal that started the kernel, ahead of papermill's own report."""
    if not os.environ.get(QUIET_ENV):  # `python -m patronage run` prints it itself
        print(f"\n{etype.__name__}: {value}", file=sys.__stderr__, flush=True)
    shell.showtraceback((etype, value, None))
    return []
