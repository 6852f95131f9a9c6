"""Bad notebook parameters stop the notebook with a message naming the parameter, value and choices."""

from __future__ import annotations

import os

import pandas as pd
import papermill
import pytest
from jupyter_client import BlockingKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from patronage import config
from patronage.build import parameters as check
from patronage.cache import CACHE_ENV
from patronage.errors import ParameterError


def test_person_resolves_and_suggests(tables):
    assert check.person("patron", "Берия", tables) == "beria"
    with pytest.raises(ParameterError, match=r"parameter 'patron' = 'Berya' is not valid; no person has this name; closest known: 'beria'"):
        check.person("patron", "Berya", tables)
    with pytest.raises(ParameterError, match="give a person id"):
        check.person("patron", 7, tables)


@pytest.mark.parametrize("bad", ["1953-13-01", "June 1953", "26/06/1953", None])
def test_date(bad):
    with pytest.raises(ParameterError, match=r"parameter 'crisis_date' = .* give one day as an ISO or EDTF date"):
        check.date("crisis_date", bad)


@pytest.mark.parametrize(("value", "integer"), [(-1, True), (2.5, True), ("10", False), (True, False), (99, False)])
def test_number(value, integer):
    with pytest.raises(ParameterError, match=r"parameter 'horizon_years' = .* from 1 to 60"):
        check.number("horizon_years", value, 1, 60, integer=integer)


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, -0.1])
def test_an_alpha_of_0_or_1_is_refused(value):
    """Regression: notebook 03 took alpha = 0 and stopped on 'math domain error' with a traceback (no interval)."""
    with pytest.raises(ParameterError, match=r"parameter 'alpha' = .* between 0 and 1, both excluded"):
        check.number("alpha", value, 0, 1, open_ends=True)
    assert check.number("alpha", 0.05, 0, 1, open_ends=True) == 0.05


NOTEBOOK_CASES = [  # one bad value per notebook, run for real: the notebook must stop at its check cell
    ("01-prosopography.ipynb", {"person": "Kruglof"}, "parameter 'person' = 'Kruglof' is not valid"),
    ("02-network.ipynb", {"as_of": "26/06/1953"}, "parameter 'as_of' = '26/06/1953' is not valid"),
    ("03-fairbanks-test.ipynb", {"coding": "blauvelt2008"}, "parameter 'coding' = 'blauvelt2008' is not valid; valid choices are 'blauvelt', 'not_true_clients', 'rayfield'"),
    # a day after a death that only a reference work records is refused under evidence 'seed' too (it ran, all 'no data')
    ("03-fairbanks-test.ipynb", {"patron": "Yagoda", "crisis_date": "1940-01-01"},
     "Genrikh Yagoda is recorded in the rows of evidence 'seed+external' dead by 1938-03-15; give a day of his life"),
    ("04-sensitivity.ipynb", {"seed": -3}, "parameter 'seed' = -3 is not valid"),
    ("04-sensitivity.ipynb", {"draws": 50, "verdict_draws": 60},  # the bound is another parameter: the message names it
     "parameter 'verdict_draws' = 60 is not valid; give a whole number from 0 to 50 (no more than draws: the steps are re-run"),
    ("04-sensitivity.ipynb", {"thresholds": "window_days: 90, 0"},
     "parameter 'thresholds (window_days)' = 0 is not valid; give a whole number from 1 to 3650"),
    ("05-crises.ipynb", {"evidence": "all"}, "parameter 'evidence' = 'all' is not valid; valid choices are 'seed', 'seed+external'"),
    ("05-crises.ipynb", {"draws": 0}, "parameter 'draws' = 0 is not valid"),
]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One Jupyter kernel for the module's notebooks, started as papermill starts one (in notebooks/),
    with a fresh table cache (patronage.cache) as the build gives its kernels and a scratch figures folder.

    Each notebook runs in it from a clean namespace (``%reset -f``: every name the previous one
    defined is gone); what stays is the modules already imported, so the notebooks after the first
    skip the kernel start and the imports (about two seconds each). The first notebook validates the
    real tables and stores them; the others read them from the cache. A failed load is never stored.
    """
    folder = tmp_path_factory.mktemp("kernel")
    km = AsyncKernelManager(kernel_name="python3")
    run_sync(km.start_kernel)(cwd=str(config.NOTEBOOKS_DIR),
                              env={**os.environ, "PATRONAGE_FIGURES_DIR": str(folder / "figures"),
                                   CACHE_ENV: str(folder / "cache")})
    yield km
    run_sync(km.shutdown_kernel)(now=True)


def reset(km) -> None:
    """Empty the kernel's namespace, as a fresh kernel starts."""
    kc = BlockingKernelClient()
    kc.load_connection_info(km.get_connection_info())
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive("%reset -f", timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()


@pytest.mark.parametrize(("notebook", "params", "message"), NOTEBOOK_CASES, ids=[c[0][:2] for c in NOTEBOOK_CASES])
def test_notebook_stops_at_its_check_cell(tmp_path, kernel, notebook, params, message):
    """The real notebook, run by papermill in a Jupyter kernel with one bad value, stops with the
    ParameterError of its check cell; papermill has written the executed notebook."""
    reset(kernel)
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(config.NOTEBOOKS_DIR / notebook), str(tmp_path / notebook), parameters=params,
                                   progress_bar=False, kernel_name="python3", km=kernel,
                                   request_save_on_cell_execute=False)
    assert err.value.ename == "ParameterError"
    assert message in err.value.evalue
    assert (tmp_path / notebook).exists()


def test_a_date_with_spaces_or_outside_the_tables_is_refused(tables):
    with pytest.raises(ParameterError, match="no spaces around it"):
        check.date("crisis_date", " 1955-02-08")
    with pytest.raises(ParameterError, match=r"parameter 'crisis_date' = '2999-01-01' .* their dates run from 1878-12-18 to "):
        check.date("crisis_date", "2999-01-01", tables)
    assert check.date("crisis_date", "1955-02-08", tables) == check.date("crisis_date", "1955-02-08")


def test_unknown_parameters_are_read_from_the_cells_papermill_ran():
    history = ["", "import patronage", 'patron: str = "Beria"  # who\ncrisis_date: str = "1953-06-26"',
               '# Parameters\ncrisis_dte = "1955-02-08"\n', "check.start('03')"]
    declared, given = check.injected(history)
    assert set(declared) == {"patron", "crisis_date"} and given == {"crisis_dte": "1955-02-08"}
    with pytest.raises(ParameterError, match="no parameter 'crisis_dte'; did you mean 'crisis_date'"):
        check.unknown_parameters(declared, given)
    assert check.injected(history[:3]) == ({}, {})  # nothing injected: a run in JupyterLab
    check.unknown_parameters(declared, {"patron": "Malenkov"})


def test_a_run_folder_keeps_the_letters_of_any_script():
    """A person asked for in Cyrillic names the run's folder in Cyrillic; a slash or a space never reaches it, and
    two runs that differ only by what the name leaves out still get two folders."""
    folder = check.run_folder("01-prosopography", {"person": "Серов", "reading": "curated"})
    assert folder.parent == config.BUILD_DIR / "runs" / "01-prosopography"
    assert folder.name.startswith("person=Серов_reading=curated-")
    odd = check.run_folder("03-fairbanks-test", {"patron": "../Beria Lavrenty"})
    assert odd.parent == folder.parent.parent / "03-fairbanks-test" and "/" not in odd.name and " " not in odd.name
    assert odd != check.run_folder("03-fairbanks-test", {"patron": "../Beria-Lavrenty"})


def test_a_year_passed_as_a_number_is_refused_as_a_year_written_is():
    """Regression: `-p as_of 1953` (papermill passes it as the number 1953) ran notebook 02 as of 1 January 1953, where
    '1953-06' was refused as a month: a year is as much a span as a month."""
    from patronage.tables import checks

    for value in (1953, "1953"):
        with pytest.raises(ParameterError, match="give one day: as written it runs from 1953-01-01 to 1953-12-31"):
            checks.date("as_of", value)
    assert checks.date("as_of", "1953-06-26") == pd.Timestamp("1953-06-26")


def test_notebook_03_passes_every_parameter_a_step_takes():
    """Regression: notebook 03 called H6a without window_days, so with window_days = 90 its H6a read a year while
    run_all, the panel and H3 to H5 read 90 days. Every step called in 03 must be given each parameter it takes."""
    import inspect
    import json
    import re

    from patronage.analysis import hypotheses

    cells = json.loads((config.NOTEBOOKS_DIR / "03-fairbanks-test.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    calls = re.findall(r"hypotheses\.(\w+)\((view, crisis[^)]*)\)", code)
    assert len(calls) >= 11, calls
    for name, args in calls:
        takes = [p for p in list(inspect.signature(getattr(hypotheses, name)).parameters)[2:] if p != "which"]
        given = set(re.findall(r"(\w+)=", args))
        missing = set(takes) - given - ({"which"} if "which=" in args else set())
        assert not missing, f"03 calls {name} without {sorted(missing)}"
