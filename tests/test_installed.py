"""The tables from an installed package: ``pip install .`` (not editable) into a fresh environment, then
``patronage.load()`` from a folder outside the checkout, with no network.

What a wheel is built from (pyproject.toml, README.md, the licences, src/, data/) is copied to a
temporary folder; pip builds the wheel there with this environment's build backend
(``--no-build-isolation --no-index``: nothing is downloaded) and installs it into a fresh venv
(``--no-deps --no-index``). The venv finds the dependencies in this environment's site-packages
(a .pth file naming it; the editable install of the checkout found there is not on its path), as an
environment holding them would. setuptools builds wheels by itself from version 70.1, earlier only
with the ``wheel`` package; where neither is installed, pip could build the wheel only by downloading
a backend, so setuptools installs the same configuration itself instead (``setup.py install
--single-version-externally-managed``, deprecated but offline): the same files in the same places.

From a folder outside the checkout, with no PYTHONPATH:
- ``python -c "import patronage; print(patronage.load().persons.shape)"`` prints the shape of the
  compendium's persons table, read from the copy of the data installed with the code;
- whatever writes outputs (the build, the edition, the default export, a figure, a reader's
  notebook run) stops with a message that names the checkout it needs, and nothing is written
  into the environment;
- ``$PATRONAGE_DATA_DIR`` points it at another copy of the tables.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from patronage import config

ROOT = config.PROJ_ROOT
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-DATA.md", "src", "data")
needs_checkout = pytest.mark.skipif(config.CHECKOUT is None, reason="builds the package from a checkout")


def can_build_wheels() -> bool:
    """True if this environment's setuptools builds wheels offline (70.1 or later, or with the wheel package)."""
    version = tuple(int(p) for p in metadata.version("setuptools").split(".")[:2] if p.isdigit())
    return version >= (70, 1) or importlib.util.find_spec("wheel") is not None


def run(args: list, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    out = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(map(str, args))} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def clean_env(**extra: str) -> dict:
    """This environment without PYTHONPATH (the checkout's src/) or the compendium's own settings."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PATRONAGE_")}
    env.update(PYTHONDONTWRITEBYTECODE="1", PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a fresh venv with patronage installed (not editable) from this checkout."""
    work = tmp_path_factory.mktemp("installed")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(
            ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__", "*.egg-info")}
                                           if (ROOT / name).is_dir() else {}))
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], work, clean_env())
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work, clean_env()).stdout.strip())
    if can_build_wheels():
        wheels = work / "wheels"
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", wheels, "."],
            source, clean_env())
        wheel = next(wheels.glob("patronage-*.whl"))
        run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel], work, clean_env())
    else:
        run([sys.executable, "-c", "import setuptools; setuptools.setup()", "install", "--single-version-externally-managed",
             "--root", "/", "--prefix", venv, "--no-compile"], source, clean_env())
    # then the dependencies: this environment's site-packages folders (and those its .pth files add), not the
    # checkout's src/; written after the install, so that pip does not find patronage already installed there
    deps = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    (site / "_patronage_test_dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    return python


def files_of(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def persons_rows() -> int:
    with (ROOT / "data" / "persons.csv").open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


@needs_checkout
def test_the_installed_package_loads_its_tables_from_another_folder(installed, tmp_path):
    venv = installed.parents[1]
    before = files_of(venv)
    out = run([installed, "-c", "import patronage; print(patronage.load().persons.shape)"], tmp_path, clean_env())
    rows, columns = json.loads(out.stdout.strip().replace("(", "[").replace(")", "]"))
    assert rows == persons_rows() and columns > 10, out.stdout

    where = run([installed, "-c", "import json, patronage; from patronage import config; print(json.dumps("
                 "[patronage.__file__, str(config.DATA_DIR), config.CHECKOUT and str(config.CHECKOUT)]))"], tmp_path, clean_env())
    module, data_dir, checkout = json.loads(where.stdout)
    assert Path(module).is_relative_to(venv) and Path(data_dir).is_relative_to(venv) and checkout is None, where.stdout
    assert Path(data_dir, "datapackage.json").read_bytes() == (ROOT / "data" / "datapackage.json").read_bytes()
    assert Path(data_dir, "crises.yaml").read_bytes() == (ROOT / "data" / "crises.yaml").read_bytes()  # notebook 05's list
    said = run([installed, "-m", "patronage", "validate"], tmp_path, clean_env()).stdout
    assert "valid:" in said and "crises listed in crises.yaml" in said, said
    assert files_of(venv) == before, "loading wrote into the environment"


WRITERS = """
import json, sys
from patronage.build import parameters, runner
from patronage.publish import edition, figures
from patronage.__main__ import main
from patronage.errors import CheckoutError
said = {"build": runner.main([]), "edition": edition.main([]), "export": main(["export"])}
for name, call in (("figure", figures.figures_dir), ("notebook run", lambda: parameters.run_folder("03-fairbanks-test", {}))):
    try:
        call()
        said[name] = "wrote"
    except CheckoutError as exc:
        said[name] = str(exc)
print(json.dumps(said))
"""


@needs_checkout
def test_the_installed_package_writes_no_outputs_without_a_checkout(installed, tmp_path):
    venv = installed.parents[1]
    before = files_of(venv)
    out = subprocess.run([installed, "-c", WRITERS], cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=300)
    said = json.loads(out.stdout.strip().splitlines()[-1])
    assert said.pop("build") == 2 and said.pop("edition") == 2 and said.pop("export") == 2, out
    assert all("compendium checkout" in text for text in said.values()), said
    assert out.stderr.count("compendium checkout") == 3 and "Traceback" not in out.stderr, out.stderr
    assert files_of(venv) == before and not any(tmp_path.iterdir()), "outputs were written outside a checkout"


@needs_checkout
def test_the_installed_package_reads_the_tables_patronage_data_dir_names(installed, tmp_path):
    copy = tmp_path / "my-tables"
    shutil.copytree(ROOT / "data", copy)
    (copy / "codings.csv").write_bytes((copy / "codings.csv").read_bytes().replace(b"Blauvelt", b"Blauvelt ", 1))
    out = subprocess.run([installed, "-m", "patronage", "validate"], cwd=tmp_path, env=clean_env(PATRONAGE_DATA_DIR=str(copy)),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and str(copy) in out.stderr and "codings.csv: the file changed" in out.stderr, out
