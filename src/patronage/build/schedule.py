"""The order in which a build starts its runs: the longest first.

With two kernels at once, a build in the order of the plan (the notebooks by number, then the
scenarios) started 04-sensitivity fourth, after 01 and 02 had finished, and ended with it running
alone on one core while the other stood idle. Starting the longest runs first (the classic
longest-processing-time rule) lets the short ones fill the other core around them.

How long a run takes is what this machine last measured: each successful run's seconds are kept
in the build's cache folder (``run-seconds.json``, deleted with the cache). A run never measured
(a fresh clone, an emptied cache, a new scenario) is placed by what its notebook does: those in
:data:`LONG` re-run every step of the test hundreds of times, and start before any other not yet
measured. The order changes only when runs start, never what they compute or write.
"""

from __future__ import annotations

import json
from pathlib import Path

from patronage.atomic import write_text

SECONDS_FILE = "run-seconds.json"
# notebooks whose default runs re-run every step many times: 04 over the grid of specifications and the
# date draws, 05 over the panel of crises and its readings
LONG = ("04-sensitivity", "05-crises")


def measured(folder: Path | None) -> dict[str, float]:
    """The seconds each run took when last built here ({} when none are kept or the file is unreadable)."""
    try:
        seconds = json.loads((folder / SECONDS_FILE).read_text(encoding="utf-8")) if folder else {}
    except (OSError, ValueError):
        return {}
    return {k: float(v) for k, v in seconds.items() if isinstance(v, int | float)} if isinstance(seconds, dict) else {}


def longest_first(todo: list, folder: Path | None) -> list:
    """``todo`` ((run, inputs) pairs) ordered to start: the measured runs from the longest, then the runs never
    measured, those of the notebooks in :data:`LONG` first; otherwise in the plan's order (a stable sort)."""
    seconds = measured(folder)

    def key(item) -> tuple:
        run = item[0]
        if run.name in seconds:
            return 0, -seconds[run.name]
        return 1, 0 if run.notebook.stem in LONG else 1

    return sorted(todo, key=key)


def remember(folder: Path | None, seconds: dict[str, float]) -> None:
    """Keep the seconds of this build's successful runs beside those of earlier builds (written whole or not at all)."""
    if not folder or not seconds:
        return
    write_text(folder / SECONDS_FILE, json.dumps(measured(folder) | {k: round(v, 2) for k, v in seconds.items()},
                                                 sort_keys=True, indent=1) + "\n")
