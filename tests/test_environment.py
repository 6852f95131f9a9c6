"""One source of dependencies: environment.yml cannot drift from pyproject.toml, the lock covers both."""

from __future__ import annotations

import tomllib
from importlib import metadata

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from patronage import config

ROOT = config.PROJ_ROOT


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def test_environment_yml_only_points_at_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    pip = [d for d in deps if isinstance(d, dict)]
    conda = [d for d in deps if not isinstance(d, dict)]
    assert pip == [{"pip": ["-e .[lab]"]}], "environment.yml must list no package of its own under pip"
    assert sorted(conda) == ["pip", "python=3.11"], "environment.yml must list no package of its own"
    assert "lab" in pyproject()["project"]["optional-dependencies"]


def test_python_version_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    version = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    spec = Requirement("python" + pyproject()["project"]["requires-python"]).specifier
    assert version.split("=")[1] + ".0" in spec


def test_lock_pins_every_declared_dependency_within_its_range():
    project = pyproject()["project"]
    declared = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    pins = lock()
    for req in declared:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared in pyproject.toml but not pinned in requirements.lock"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} is outside {req.specifier}"


def test_installed_versions_are_the_locked_ones():
    pins = lock()
    for name in ("pandas", "numpy", "scipy", "statsmodels", "networkx", "plotly", "kaleido", "edtf", "papermill"):
        assert metadata.version(name) == pins[canonicalize_name(name)], f"{name} installed differs from the lock"
