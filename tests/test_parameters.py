"""Bad notebook parameters stop the notebook with a message naming the parameter, value and choices."""

from __future__ import annotations

import papermill
import pytest

from patronage import config
from patronage import parameters as check
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
    with pytest.raises(ParameterError, match=r"parameter 'crisis_date' = .* give an ISO or EDTF date"):
        check.date("crisis_date", bad)


@pytest.mark.parametrize(("value", "integer"), [(-1, True), (2.5, True), ("10", False), (True, False), (99, False)])
def test_number(value, integer):
    with pytest.raises(ParameterError, match=r"parameter 'horizon_years' = .* from 1 to 60"):
        check.number("horizon_years", value, 1, 60, integer=integer)


NOTEBOOK_CASES = [  # one bad value per notebook, run for real: the notebook must stop at its check cell
    ("01-prosopography.ipynb", {"person": "Kruglof"}, "parameter 'person' = 'Kruglof' is not valid"),
    ("02-network.ipynb", {"as_of": "26/06/1953"}, "parameter 'as_of' = '26/06/1953' is not valid"),
    ("03-fairbanks-test.ipynb", {"coding": "blauvelt2008"}, "parameter 'coding' = 'blauvelt2008' is not valid; valid choices are 'blauvelt', 'not_true_clients', 'rayfield'"),
    ("04-sensitivity.ipynb", {"seed": -3}, "parameter 'seed' = -3 is not valid"),
    ("05-crises.ipynb", {"evidence": "all"}, "parameter 'evidence' = 'all' is not valid; valid choices are 'seed', 'seed+external'"),
]


@pytest.fixture(scope="module")
def tables_cache(tmp_path_factory):
    """A fresh table cache (patronage.cache) for the kernels of this module, as the build gives its kernels.

    The first notebook's kernel validates the real tables and stores them; the others read the same
    validated tables instead of validating the same bytes again. A failed load is never stored.
    """
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize(("notebook", "params", "message"), NOTEBOOK_CASES, ids=[c[0][:2] for c in NOTEBOOK_CASES])
def test_notebook_stops_at_its_check_cell(tmp_path, monkeypatch, tables_cache, notebook, params, message):
    """The real notebook, run by papermill in a Jupyter kernel with one bad value, stops with the
    ParameterError of its check cell; papermill has written the executed notebook.

    The kernel is shut down at once (as the build does it): the error is in by then, and a graceful
    shutdown only waits and interrupts the kernel.
    """
    monkeypatch.setenv("PATRONAGE_FIGURES_DIR", str(tmp_path))
    monkeypatch.setenv(CACHE_ENV, str(tables_cache))
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(config.NOTEBOOKS_DIR / notebook), str(tmp_path / notebook), parameters=params,
                                   cwd=str(config.NOTEBOOKS_DIR), progress_bar=False, kernel_name="python3",
                                   shutdown_kernel="immediate")
    assert err.value.ename == "ParameterError"
    assert message in err.value.evalue
    assert (tmp_path / notebook).exists()
