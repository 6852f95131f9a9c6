"""One day recorded twice: a post ended by an arrest, and the arrest.

The tables record an arrest twice where they know both: as the end of the posts it ended
(``spells.end_cause`` "arrest") and as an event in which the man is "arrested". Where the sources
date it to a month or a season, the two cells carry the same uncertain text ("1953-09/1953-10": Merkulov's
post at State Control and his arrest), and drawn one by one they fall on different days: the post
ends weeks before or after the arrest that ended it, which no source says. So the two are drawn as one
day (:func:`link`), inside the days both allow (:func:`patronage.tables.bounds.arrests` pairs them and
:func:`patronage.tables.bounds.narrow` bounds them, as every selection reads them), as a move's two ends are
(:func:`patronage.tables.bounds.moves`).

An arrest that ended more than one recorded post (or one event recording several men's arrests) is drawn
with the first of those posts in table order; the others are drawn on their own, inside the same days.
An arrest whose dates share no day with the post's end (another arrest of the same man) is not linked.
"""

from __future__ import annotations

import numpy as np


def link(days: dict, linked: dict[int, int]) -> None:
    """Give each linked event the drawn day of the post its arrest ended (``days``: the draws by (table, field),
    changed in place)."""
    if linked:
        events, spells = np.fromiter(linked, int), np.fromiter(linked.values(), int)
        days["events", "date"][:, events] = days["spells", "end"][:, spells]
