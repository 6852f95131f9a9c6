"""What a build runs: every notebook with its default parameters, written in place, and every named scenario in
each notebook it names, written to build/scenarios/NAME/; and which of these runs are out of date."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from patronage import config
from patronage.build.inputs import cells_hash


@dataclass
class Run:
    """One execution: a notebook, its parameters, where it is written and where its figures go."""

    name: str
    notebook: Path
    output: Path
    figures: Path
    parameters: dict = field(default_factory=dict)


def run_hash(run: Run, shared: str) -> str:
    """The hash of everything a run's outputs depend on."""
    key = json.dumps([cells_hash(run.notebook), run.parameters, shared], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


def recorded(output: Path) -> dict:
    """The build record stored in an executed notebook's metadata ({} if none)."""
    try:
        return json.loads(output.read_text(encoding="utf-8"))["metadata"].get("patronage", {})
    except (OSError, ValueError, KeyError):
        return {}


def is_current(run: Run, inputs: str) -> bool:
    """True if the run's recorded inputs hash matches and all its recorded outputs exist."""
    record = recorded(run.output)
    return record.get("inputs") == inputs and all((config.PROJ_ROOT / f).exists() for f in record.get("outputs", []))


def default_runs() -> list[Run]:
    """Every notebook in notebooks/ with its default parameters, written in place."""
    return [Run(nb.stem, nb, nb, config.FIGURES_DIR) for nb in sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))]


def scenario_runs(problems: list[str] | None = None) -> list[Run]:
    """Every named scenario in notebooks/scenarios/*.yaml, written to build/scenarios/NAME/.

    A scenario file is a flat mapping of parameters, the file ``papermill -f`` reads
    (:func:`patronage.build.runs.read_scenario`); it runs in the notebooks its comment line
    ``# notebooks: ...`` names, or else in every notebook that declares all its parameters.
    problems: where a file that is no such mapping is reported (else it raises RunError).
    """
    from patronage.build.runs import RunError, declared_parameters, read_scenario, scenario_notebooks

    notebooks = {nb.stem: nb for nb in sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))}
    runs = []
    for path in sorted(config.SCENARIOS_DIR.glob("*.yaml")):
        try:
            params = read_scenario(path)
        except RunError as exc:  # one bad file: named, and the other scenarios still run
            if problems is None:
                raise
            problems.append(str(exc))
            continue
        named = scenario_notebooks(path)
        chosen = named if named is not None else [n for n, nb in notebooks.items()
                                                  if set(params) <= set(declared_parameters(nb))]
        for stem in chosen:
            nb = notebooks.get(stem, config.NOTEBOOKS_DIR / f"{stem}.ipynb")
            out_dir = config.BUILD_DIR / "scenarios" / path.stem
            runs.append(Run(f"{path.stem}/{nb.stem}", nb, out_dir / nb.name, out_dir / "figures", params))
    return runs
