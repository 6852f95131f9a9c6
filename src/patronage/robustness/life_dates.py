"""The persons' life dates under one draw of the dates, without joining the tables again for every draw.

A person's birth and death bounds (``persons.born_lo`` ... ``died_hi``) are derived from the events
he is the subject of (:func:`patronage.tables.load.derive_person_columns`: the earliest and latest day
of his birth events, of his death and execution events). Under a draw every event's date is one day,
and only those days change from one draw to the next; joining the participants to the events again
for every draw took about a tenth of a draw's time. So the join is made once (:meth:`LifeDates.of`)
and each draw takes the smallest and largest of its days per person with numpy (:meth:`LifeDates.persons`).
pandas' groupby does the same per draw at many times the cost; no kept library offers a reusable
group plan over changing values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from patronage.tables.columns import LIVES

FIRST, LAST = np.iinfo(np.int64).max, np.iinfo(np.int64).min


@dataclass(frozen=True)
class LifeDates:
    """For each life (born, died): the position of each person in ``persons`` and of each of his events in ``events``."""

    plan: dict

    @classmethod
    def of(cls, tables) -> LifeDates:
        """The pairs (person, event) whose event days bound each person's birth and death, in these tables."""
        events = pd.DataFrame({"event_id": tables.events["event_id"].to_numpy(), "event": np.arange(len(tables.events)),
                               "kind": tables.events["kind"].to_numpy()})
        who = pd.Series(np.arange(len(tables.persons)), index=tables.persons["person_id"].to_numpy())
        who = who[~who.index.duplicated()]
        part = tables.event_participants
        plan = {}
        for life, kinds, roles in LIVES:
            rows = part[part["role"].isin(roles).fillna(False) & part["person_id"].isin(who.index)]
            pairs = pd.DataFrame({"event_id": rows["event_id"].to_numpy(), "person": who[rows["person_id"]].to_numpy()})
            pairs = pairs.merge(events[events["kind"].isin(kinds).fillna(False)], on="event_id")
            plan[life] = (pairs["person"].to_numpy(int), pairs["event"].to_numpy(int))
        return cls(plan)

    def persons(self, persons: pd.DataFrame, days: np.ndarray) -> pd.DataFrame:
        """``persons`` with its life dates bounded by the events' ``days`` (one day per event, NaT where empty)."""
        out = persons.copy()
        day = days.astype("datetime64[s]")
        for life, (person, event) in self.plan.items():
            drawn = day[event]
            known = ~np.isnat(drawn)
            value, at = drawn[known].astype("int64"), person[known]
            for end, start, reduce in (("lo", FIRST, np.minimum), ("hi", LAST, np.maximum)):
                bound = np.full(len(persons), start, dtype="int64")
                reduce.at(bound, at, value)
                out[f"{life}_{end}"] = np.where(bound == start, np.datetime64("NaT", "s"), bound.astype("datetime64[s]"))
        return out
