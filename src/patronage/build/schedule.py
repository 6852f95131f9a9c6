"""The order in which a build starts its runs: the longest first.

With two kernels at once, a build in the order of the plan (the notebooks by number, then the
scenarios) started 04-sensitivity fourth, after 01 and 02 had finished, and ended with it running
alone on one core while the other stood idle. Starting the longest runs first (the classic
longest-processing-time rule) lets the short ones fill the other core around them.

How long a run takes is known from what its notebook does, not from a clock: a run's time on one
machine depends on what the build's cache already holds (04 takes seconds when its results are
cached, most of a minute when they are not), so the last build's seconds would misplace it. The
runs of the notebooks in :data:`LONG` re-run every step of the test hundreds of times; they start
first, in that order, and the other runs follow in the plan's order. The order changes only when
runs start, never what they compute or write.
"""

from __future__ import annotations

# notebooks whose runs re-run every step many times, the longest first: 04 over the grid of specifications and
# the date draws, 05 over the panel of crises and its readings
LONG = ("04-sensitivity", "05-crises")


def longest_first(todo: list) -> list:
    """``todo`` ((run, inputs) pairs) in the order to start them: the runs of the notebooks in :data:`LONG` first, in
    its order, then the others in the plan's order (a stable sort)."""
    return sorted(todo, key=lambda item: LONG.index(item[0].notebook.stem) if item[0].notebook.stem in LONG else len(LONG))
