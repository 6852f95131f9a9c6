"""One notebook run with a reader's own parameters, outside the build.

``python -m patronage run NOTEBOOK OUTPUT [-p NAME VALUE]... [-f SCENARIO.yaml]`` is papermill's
run with what a reader needs first:

- the parameters are checked against the ones the notebook declares before any kernel starts:
  a misspelled name stops the run at once, naming the closest declared one;
- a scenario file is a flat mapping of parameters, as ``papermill -f`` reads it (the files in
  notebooks/scenarios/ are such files);
- the output may not be a committed file (a notebook in notebooks/, anything in figures/ or
  exports/): those are written by the build only. The run's figures and tables go to a folder
  beside the output notebook, named after it, and the command says where;
- a failed run prints the error first, in a few lines, and where the executed notebook is.

Plain ``papermill`` works too: the notebooks make the same checks in their first cells
(:func:`patronage.build.parameters.start`) and write under build/runs/ instead of figures/.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

from patronage import config
from patronage.build.parameters import QUIET_ENV, RUN_ENV, unknown_parameters
from patronage.errors import ParameterError

COMMITTED = (config.NOTEBOOKS_DIR, config.FIGURES_DIR, config.EXPORTS_DIR)
# the kernel's notice that it runs over local TCP without encryption tells a reader nothing
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]


class RunError(ValueError):
    """A run that cannot start: a bad scenario file, an output that is a committed file."""


def read_scenario(path: Path | str) -> dict:
    """The parameters of a scenario file: a flat YAML mapping of parameter names to values.

    Dates that YAML reads as dates (1953-06-26) are given back as ISO strings, as papermill passes them.
    raises RunError naming the file if it is not such a mapping.
    """
    import yaml

    from patronage.yaml_files import read_yaml_file

    path = Path(path)
    try:
        spec = read_yaml_file(path)
    except (OSError, yaml.YAMLError) as exc:
        raise RunError(f"{path}: cannot read the scenario ({exc.__class__.__name__}: {exc})") from None
    spec = spec or {}
    nested = [k for k, v in spec.items() if isinstance(v, (dict, list))] if isinstance(spec, dict) else []
    if not isinstance(spec, dict) or nested:
        raise RunError(f"{path}: a scenario is a flat mapping of parameter names to values"
                       + (f"; {', '.join(map(repr, nested))} hold(s) a mapping or a list" if nested else ""))
    return {str(k): v.isoformat() if hasattr(v, "isoformat") else v for k, v in spec.items()}


def scenario_notebooks(path: Path | str) -> list[str] | None:
    """The notebooks a scenario file names in its comment line ``# notebooks: 03-fairbanks-test, 02-network``
    (None if it names none: then it runs in every notebook that declares all its parameters)."""
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():  # read_scenario refuses one not UTF-8
        m = re.match(r"#\s*notebooks\s*:\s*(.*)$", line.strip())
        if m:
            return [n.strip().removesuffix(".ipynb") for n in m.group(1).split(",") if n.strip()]
    return None


def _text(name: str, value: str) -> str:
    """A -p value as given, or a ParameterError if the shell handed bytes that are not UTF-8 (Python keeps them as
    lone surrogates, which no notebook can store)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParameterError(name, value, "the value holds bytes that are not UTF-8 text: give it as UTF-8") from None
    return value


def typed(value: str):
    """A -p value typed as papermill's command line types it: True, False, None, a whole number, a number,
    else the text (papermill's own function for this is private to its command line; this is its rule)."""
    if value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[value]
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def declared_parameters(notebook: Path) -> dict:
    """The parameters a notebook declares in its cell tagged 'parameters' (papermill's own reading); raises RunError
    if the file is no Jupyter notebook (nbformat's error, a JSON or schema error, in one line instead of its traceback)."""
    import papermill

    try:
        return papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # noqa: BLE001  nbformat's NotJSONError, jsonschema's ValidationError, a KeyError: the file is no notebook
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RunError(f"{notebook}: not a Jupyter notebook papermill can run ({first[:200]})") from None


def check_output(output: Path) -> None:
    """Refuse an output that is, or lies inside, a folder of committed files, or any file a run may not write
    (:func:`patronage.targets.refused`: the checkout outside build/, the data package read, a device, a file that is
    no notebook: `run ... data/persons.csv` replaced the persons table with a notebook)."""
    from patronage.targets import refused

    where = output.resolve()
    for folder in COMMITTED:
        if where == folder.resolve() or folder.resolve() in where.parents:
            raise RunError(f"{output}: {folder.name}/ holds the committed results, which only the build writes; "
                           "write your run elsewhere, e.g. build/my-run.ipynb")
    why = refused(output, config.DATA_DIR, "notebook", lambda head: head.lstrip().startswith(b"{"))
    if why:
        raise RunError(f"{output}: {why}")


@contextlib.contextmanager
def environment(variables: dict[str, str]):
    """Environment variables set for the duration (a kernel started inside inherits them), then restored."""
    saved = {k: os.environ.get(k) for k in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def files_resolved(parameters: dict) -> dict:
    """``parameters`` with each file a parameter names (``crises_file``: a name ending in ``_file``) given relative
    to the reader's shell made absolute: the kernel runs in the notebook's folder, where 'data/crises.yaml' is no file."""
    return {k: str(Path(v).resolve()) if k.endswith("_file") and isinstance(v, str) and v and not Path(v).is_absolute()
            else v for k, v in parameters.items()}


def run(notebook: Path, output: Path, parameters: dict) -> Path:
    """Execute ``notebook`` into ``output`` with ``parameters``; returns the folder of its figures and tables.

    raises RunError or ParameterError before any kernel starts; papermill's PapermillExecutionError if a cell fails.
    """
    import papermill

    if not notebook.is_file():
        raise RunError(f"{notebook}: no such notebook")
    if notebook.suffix not in (".ipynb", ".json"):
        raise RunError(f"{notebook}: not a notebook (a Jupyter notebook is a .ipynb file, e.g. notebooks/03-fairbanks-test.ipynb)")
    check_output(output)
    unknown_parameters({k: v["default"] for k, v in declared_parameters(notebook).items()}, parameters)
    folder = output.parent / output.stem
    output.parent.mkdir(parents=True, exist_ok=True)
    parameters = files_resolved(parameters)
    # a data folder given relative to the reader's shell, resolved here: the kernel runs in the notebook's folder
    data = {config.DATA_ENV: str(Path(os.environ[config.DATA_ENV]).resolve())} if os.environ.get(config.DATA_ENV) else {}
    with environment({RUN_ENV: str(folder.resolve()), QUIET_ENV: "1", **data}):
        papermill.execute_notebook(str(notebook), str(output), parameters=parameters, cwd=str(notebook.parent),
                                   progress_bar=False, request_save_on_cell_execute=False,
                                   shutdown_kernel="immediate", extra_arguments=QUIET_KERNEL)
    return folder


def main(notebook: str, output: str, pairs: list[tuple[str, str]], scenario: str | None) -> int:
    """The command: 0 on success, 1 if the notebook failed, 2 if the run could not start."""
    import papermill

    try:
        parameters = read_scenario(scenario) if scenario else {}
        parameters |= {name: typed(_text(name, value)) for name, value in pairs}
        folder = run(Path(notebook), Path(output), parameters)
    except (RunError, ParameterError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except papermill.PapermillExecutionError as exc:
        print(f"{exc.ename}: {exc.evalue}", file=sys.stderr)
        print(f"the run stopped in cell [{exc.exec_count}]; the executed notebook, with the error, is {output}",
              file=sys.stderr)
        return 1
    print(f"wrote {output}; its figures and tables are in {folder}/")
    return 0
