"""The plan of the package, kept: the stages of the data flow import only from the stages before
them, no function is longer than 40 lines and no module longer than 320 (README, "How the code is
laid out"). Each check is also fed a violation, so it is seen to fail."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "patronage"
STAGES = ["tables", "analysis", "robustness", "publish", "build"]  # the data flow, in order
FRONT = {"__init__.py", "__main__.py"}  # the package's front door may reach any stage
MAX_FUNCTION, MAX_MODULE = 40, 320


def stage_of(module: str) -> str | None:
    """The stage a dotted module name belongs to (``patronage.analysis.crisis`` → ``analysis``), or None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "patronage" and parts[1] in STAGES else None


def imported(tree: ast.Module) -> list[str]:
    """Every patronage module a module's code imports, at any depth (imports inside functions included)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("patronage"):
            names += [f"patronage.{a.name}" for a in node.names] if node.module == "patronage" else [node.module]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.startswith("patronage")]
    return names


def backward_imports(stage: str | None, tree: ast.Module) -> list[str]:
    """The imports of a module of ``stage`` (None: a shared base module) that run against the flow."""
    here = STAGES.index(stage) if stage else -1
    return [n for n in imported(tree) if (s := stage_of(n)) and STAGES.index(s) > here]


def long_functions(tree: ast.Module) -> list[str]:
    """Functions (methods and generators included) longer than MAX_FUNCTION lines, with their length."""
    return [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_stages_exist():
    assert all((PACKAGE / s / "__init__.py").is_file() for s in STAGES)
    assert len(MODULES) > 60


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_keeps_the_plan(path):
    rel = path.relative_to(PACKAGE)
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    stage = rel.parts[0] if len(rel.parts) > 1 else None
    if str(rel) not in FRONT:
        assert backward_imports(stage, tree) == [], f"{rel} imports against the flow"
    assert long_functions(tree) == [], f"{rel} has functions over {MAX_FUNCTION} lines"
    assert len(text.splitlines()) <= MAX_MODULE, f"{rel} is over {MAX_MODULE} lines"


def test_the_checks_catch_a_violation():
    backward = ast.parse("from patronage.publish import figures\nimport patronage.tables.load\n")
    assert backward_imports("analysis", backward) == ["patronage.publish"]
    assert backward_imports(None, ast.parse("from patronage import analysis\n")) == ["patronage.analysis"]
    assert backward_imports("build", backward) == []
    def function(lines: int) -> ast.Module:
        return ast.parse("def f():\n" + "".join(f"    x{i} = {i}\n" for i in range(lines - 1)))

    assert long_functions(function(MAX_FUNCTION + 1)) == [f"f ({MAX_FUNCTION + 1} lines)"]
    assert long_functions(function(MAX_FUNCTION)) == []


def test_the_readme_names_every_module_in_its_plan():
    """Regression: 'How the code is laid out' left out nine modules (tables.assertions, which builds the export it
    credited to publish, tables.checks, tables.load, ...). Every module of the package is named there by its name (a
    family by its prefix and '*': `edition*`, `synthetic*`, the `rules_*` families)."""
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    plan = readme[readme.index("## How the code is laid out"):readme.index("## Environment and reproducibility")]
    named = set(re.findall(r"`([a-z_]+)\*?`", plan))
    families = tuple(re.findall(r"`([a-z_]+)\*`", plan))
    unnamed = sorted(str(m.relative_to(PACKAGE)) for m in PACKAGE.rglob("*.py")
                     if not m.name.startswith("__") and m.stem not in named and not m.stem.startswith(families))
    assert unnamed == [], unnamed
