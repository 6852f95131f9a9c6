"""One run executed safely: papermill runs the notebook with its figures going to a staging folder; only a
run that succeeds has its static figures drawn and its figures and notebook moved into place, with papermill's
timestamps and run metadata removed so that a rebuild with nothing changed writes the same bytes. A failed
run leaves the previous outputs in place and its notebook in build/failed/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from patronage import cache, config
from patronage.atomic import write_text
from patronage.build.plan import Run
from patronage.build.runs import QUIET_KERNEL, environment

FIGURES_ENV = "PATRONAGE_FIGURES_DIR"


def normalise(nb, record: dict):
    """Strip run metadata (timestamps, papermill's record) and store the build record."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CoalesceStreamsPreprocessor

    clear = ClearMetadataPreprocessor(preserve_nb_metadata_mask={"kernelspec", "language_info"},
                                      preserve_cell_metadata_mask={"tags"})
    nb, _ = clear.preprocess(nb, {})
    # a cell's printed text may arrive in one stream output or several, as the kernel happens to
    # flush (a busy machine splits more): merged, the same text gives the same bytes
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    for cell in nb.cells:  # the preprocessor clears code cells only; papermill also marks markdown cells
        tags = cell.metadata.get("tags", [])
        cell.metadata = {"tags": tags} if tags else {}
    nb.metadata["patronage"] = record
    return nb


def run_papermill(run: Run):
    """Execute the notebook with papermill, its figures into a fresh staging folder; returns the notebook.

    A failed run raises; papermill has then written its error notebook to build/failed/.
    """
    import papermill

    from patronage.publish import figures

    staging, failed = _staging(run), _failed(run)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    failed.parent.mkdir(parents=True, exist_ok=True)
    with environment({FIGURES_ENV: str(staging), figures.DEFER_ENV: "1",
                      cache.CACHE_ENV: os.environ.get(cache.CACHE_ENV) or str(config.CACHE_DIR)}):
        # shutdown_kernel="immediate": the outputs are all in once the last cell is done; a graceful
        # shutdown only waits (about 0.15 s a notebook) and interrupts the kernel first, which it may log as an error.
        # request_save_on_cell_execute=False: papermill otherwise copies and writes the whole notebook to disk at
        # the start and the end of every cell (about 60 writes, 1.5 s of this process's time, for 04-sensitivity);
        # it still writes the notebook, the error at its top, when a cell fails
        return papermill.execute_notebook(str(run.notebook), str(failed), parameters=run.parameters,
                                          cwd=str(run.notebook.parent), progress_bar=False, kernel_name="python3",
                                          shutdown_kernel="immediate", request_save_on_cell_execute=False,
                                          extra_arguments=QUIET_KERNEL)


def finish(run: Run, inputs: str, nb) -> list[str]:
    """Draw the static figures of an executed notebook, then move its figures and notebook into place."""
    import nbformat

    staging, failed = _staging(run), _failed(run)
    add_static_figures(nb, staging)
    run.figures.mkdir(parents=True, exist_ok=True)
    written = []
    for f in sorted(staging.iterdir()):
        target = run.figures / f.name
        f.replace(target)
        written.append(target.relative_to(config.PROJ_ROOT).as_posix())
    record = {"inputs": inputs, "parameters": run.parameters, "outputs": written}
    write_text(run.output, nbformat.writes(normalise(nb, record)) + "\n")
    failed.unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    return written


def prune_failed() -> None:
    """Remove the folders of build/failed/ that hold no failed run (once every run is done: a run in
    progress writes its notebook there only if it fails)."""
    top = config.BUILD_DIR / "failed"
    if not top.is_dir():
        return
    for folder in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True) + [top]:
        if not any(folder.iterdir()):
            folder.rmdir()


def _staging(run: Run) -> Path:
    return config.BUILD_DIR / "staging" / run.name


def _failed(run: Run) -> Path:
    return config.BUILD_DIR / "failed" / f"{run.name}.ipynb"


def add_static_figures(nb, folder: Path) -> int:
    """Draw the SVG of every figure the notebook displayed without one, save it, and embed it.

    The SVG goes into ``folder`` as NAME.svg and into the output bundle beside the
    interactive figure, so viewers that strip JavaScript (GitHub) still show it.

    returns: the number of figures drawn.
    """
    from patronage.publish import figures

    drawn = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get(figures.FIGURE_KEY)
            data = out.get("data", {})
            if name and "image/svg+xml" not in data and "application/vnd.plotly.v1+json" in data:
                spec = {k: v for k, v in data["application/vnd.plotly.v1+json"].items() if k in ("data", "layout")}
                data["image/svg+xml"] = figures.write_svg(spec, name, folder)
                drawn += 1
    return drawn
