"""What happened to people after a crisis: the highest rank they held, their first loss of office or freedom,
and their fate between two days (lost, kept, or not recorded). The posts they took over are
:mod:`patronage.analysis.offices`, their time in high office :mod:`patronage.analysis.tenure`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.analysis.careers import point, point_of, rank_as_of
from patronage.analysis.crisis import DAY, LOSS_ROLES, Crisis

# the ends of a post that are a loss of it, not a move: spells.end_cause
LOSS_CAUSES = ("dismissal", "demotion", "arrest", "execution", "retirement", "resignation")
LOSS_CAUSES_TEXT = ", ".join(LOSS_CAUSES[:-1]) + f" or {LOSS_CAUSES[-1]}"  # as the rules of the steps print them
# the events that take a person's office from him: event_participants.role (medals and party cards are not offices)
OFFICE_LOSS_ROLES = ("arrested", "executed", "dismissed", "purged")


def max_rank_between(tables, persons, start, end, missing=0) -> pd.Series:
    """Highest seniority each person held at any time between two days.

    missing: the value for a person with no post recorded in the span (0 by default; ``pd.NA``
    where that means unknown).
    """
    mine = tables.spells["person_id"].isin(list(persons))
    s = tables.spells[mine]
    began, ended = point_of(tables, "spells", "start")[mine], point_of(tables, "spells", "end")[mine]
    overlap = s[(began <= end) & ~(ended < start).fillna(False)]
    held = overlap.groupby("person_id")["seniority"].max().reindex(list(persons))
    return held.astype("Int64") if missing is pd.NA else held.fillna(missing).astype(int)


def first_loss(tables, persons, start, end, roles=LOSS_ROLES, order: str = "first", reach: bool = False) -> pd.DataFrame:
    """Each person's first event between two days in which he took part in one of ``roles`` (by default
    arrested, executed, dismissed, purged, stripped, expelled): event_id, role, day (NaT if none).
    order="last": his last such event instead. reach: an event counts if its recorded bounds reach into the span
    (a purge dated 'June 1957' reaches the 28th), not only if its point estimate lies in it."""
    persons = list(persons)
    parts = tables.derived("participations with day", _participations)
    lo, hi = (parts["date_lo"], parts["date_hi"]) if reach else (parts["day"], parts["day"])
    hit = parts[parts["person_id"].isin(persons) & parts["role"].isin(roles) & (hi >= start) & (lo <= end)]
    first = hit.sort_values(["day", "event_id"]).drop_duplicates("person_id", keep=order).set_index("person_id")
    return first[["event_id", "role", "day"]].reindex(persons)


def _participations(tables) -> pd.DataFrame:
    """Every participation joined to its event, with the event's point estimate ``day``: computed once per
    tables, as first_loss is asked about a few persons at a time (rows in the participants' order)."""
    p = tables.event_participants[["event_id", "person_id", "role"]]
    parts = p.merge(tables.events[["event_id", "kind", "date_lo", "date_hi"]], on="event_id")
    return parts.assign(day=point(parts, "date"))


def fate_between(tables, persons, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """What became of each person between two days.

    - ``lost``: his first arrest, execution, dismissal or purge in the span, or a post of his
      ending in it for a cause in LOSS_CAUSES, whichever came first of those whose dates lie wholly inside the span
      (Broverman, arrested between July and December 1951, '1951-07/1951', and dismissed between 12 July and December
      1951, lost his post within a year of 12 July 1951, whenever the arrest fell); ``unknown`` if every such loss is dated so
      loosely that it may fall outside the span (Lin'ko's arrest, 'about 1952', within a year of July 1951);
    - ``kept``: no loss, and a post of his recorded running on the last day (or on the day
      before his death, if he died in the span), its end stated after it (or 'ongoing'): a post whose end no
      source states was held from its start, and says nothing of the last day;
    - ``unknown``: neither: the tables do not say.

    returns: person_id (index), fate, on (the day of the loss, or the last day: a point estimate), dated (the loss's
    date as recorded, its EDTF text; for a post kept, the last day), how.

    Each man's row depends on his own rows only, so it is kept for these tables and this span and read again by the
    next step that asks (steps 6a and 7 ask about the same loyal clients over the same year).
    """
    persons = list(persons)
    known = tables.derived(("fates between", start, end), lambda _: {})
    missing = [p for p in dict.fromkeys(persons) if p not in known]
    if missing:
        known.update(_fates(tables, missing, start, end))
    return pd.DataFrame([known[p] for p in persons], columns=["person_id", "fate", "on", "dated", "how"]).set_index("person_id")


def _fates(tables, persons: list, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, dict]:
    """The rows of :func:`fate_between` for ``persons``, computed, by person_id, from each man's own records
    (:func:`losses_by_man`, :func:`posts_by_man`): a run of the steps asks this of a dozen men over four spans, and a
    pandas filter of the whole tables for each cost more than the rules themselves."""
    events, posts, died = losses_by_man(tables), posts_by_man(tables), earliest_deaths(tables)
    events.read(persons)
    posts.read(persons)
    rows = []
    for person in persons:
        his_events, his = events.of(person), posts.of(person)
        found = _losses_in(his_events, his, start, end)
        if found:  # the first loss wholly inside the span decides; else the first, whose dates reach outside it
            inside = [f for f in found if not (f[3] < start or f[4] > end)]  # NaT compares False
            rows.append(_lost(person, *min(inside or found, key=lambda x: x[0]), start, end))
            continue
        dead = died.get(person)
        last = end if pd.isna(dead) or dead > end else dead - DAY
        rows.append(_may_have_lost(person, his_events, his, start, end) or _kept_or_unknown(person, his, last))
    return {row["person_id"]: row for row in rows}


class ByMan:
    """Each man's rows of a frame as plain records (named tuples), made on the first request for him and kept: the steps
    read a dozen men's rows in every draw of the dates, and a register of 200,000 posts holds far more men than any
    step asks about, so the rows are grouped once (pandas, in C) and only the men asked about are read in Python."""

    def __init__(self, frame: pd.DataFrame, order=None):
        self._frame, self._order, self._made = frame, order, {}
        self._at = frame.groupby("person_id", sort=False).indices  # his rows' positions (for iloc), in the frame's order

    def of(self, person) -> list:
        """His records, in the frame's order (or ``order``, a sort key; stable); [] if he has none."""
        if person not in self._made:
            self.read([person])
        return self._made[person]

    def read(self, persons) -> None:
        """Make the records of those of ``persons`` not read yet, with one slice of the frame for all of them."""
        todo = [p for p in dict.fromkeys(persons) if p not in self._made]
        at = [self._at.get(p, ()) for p in todo]
        positions = np.concatenate([np.asarray(a, dtype=int) for a in at]) if todo else np.empty(0, dtype=int)
        rows = self._frame.iloc[positions].itertuples(index=False)  # an iterator: each man takes his own rows in turn
        for person, his in zip(todo, at, strict=True):
            mine = [next(rows) for _ in his]
            self._made[person] = sorted(mine, key=self._order) if self._order else mine


def losses_by_man(tables) -> ByMan:
    """Each man's part in the events that take his office (:data:`OFFICE_LOSS_ROLES`) as records (day, the event's point
    estimate; event_id; role; dated, as recorded; lo, hi, its bounds), by day (a missing one last), then event_id, as
    :func:`first_loss` orders them; once per tables."""
    def build(t) -> ByMan:
        parts = t.derived("participations with day", _participations)
        parts = parts[parts["role"].isin(OFFICE_LOSS_ROLES).to_numpy(dtype=bool)]
        parts = parts.assign(dated=parts["event_id"].map(t.events.set_index("event_id")["date"]))
        frame = parts[["person_id", "day", "event_id", "role", "dated", "date_lo", "date_hi"]].rename(
            columns={"date_lo": "lo", "date_hi": "hi"})
        return ByMan(frame, order=lambda e: (*nat_last(e.day), e.event_id))
    return tables.derived("losses by man", build)


def posts_by_man(tables) -> ByMan:
    """Each man's posts as records (:data:`POST_FIELDS`, with their point estimates ``start_day`` and ``end_day``), in the
    table's order, once per tables: the fates and the runs of high office read them."""
    return tables.derived("posts by man", lambda t: ByMan(t.spells.assign(
        start_day=point_of(t, "spells", "start"), end_day=point_of(t, "spells", "end"))[POST_FIELDS]))


def earliest_deaths(tables) -> dict:
    """Each man's earliest recorded day of death (NaT: none recorded), by person_id, once per tables."""
    return tables.derived("earliest deaths", lambda t: dict(zip(t.persons["person_id"], t.persons["died_lo"], strict=True)))


def _losses_in(events: list, posts: list, start: pd.Timestamp, end: pd.Timestamp) -> list:
    """A man's losses whose point estimate lies in the span, events first (in the order of :func:`first_loss`), then
    his posts ended for a cause in LOSS_CAUSES (by end, then id): [(day, how, dated, lo, hi), ...].
    events, posts: his records (:func:`losses_by_man`, :func:`posts_by_man`)."""
    out = [(e.day, e.role, e.dated, e.lo, e.hi) for e in events if start <= e.day <= end]  # NaT compares False
    lost = sorted((p for p in posts if is_one_of(p.end_cause, LOSS_CAUSES) and start <= p.end_day <= end), key=lambda p: (p.end_day, p.spell_id))
    return out + [(p.end_day, f"{p.post}: {p.end_cause}", p.end, p.end_lo, p.end_hi) for p in lost]


def first_office_loss(tables, person, start: pd.Timestamp, end: pd.Timestamp):
    """His first arrest, execution, dismissal or purge whose point estimate lies between two days, as :func:`first_loss`
    finds it with :data:`OFFICE_LOSS_ROLES` (by day, then event_id), a record of :func:`losses_by_man`; None if none.
    A run of high office asks this at its end in every draw of the dates."""
    return next((e for e in losses_by_man(tables).of(person) if start <= e.day <= end), None)  # NaT compares False


def _may_have_lost(person, events: list, ended: list, start: pd.Timestamp, end: pd.Timestamp) -> dict | None:
    """A row of :func:`fate_between` (unknown) for a man with a loss whose point estimate lies outside the span but whose
    dates reach into it (an arrest 'in 1951', read as 2 July, against a span ending on 15 June): not kept; None if none.
    events, ended: his losses by event and his posts (:func:`losses_by_man`, :func:`posts_by_man`); the first event whose bounds reach into
    the span decides, as :func:`first_loss` with ``reach`` finds it."""
    event = next((e for e in events if e.hi >= start and e.lo <= end), None)  # NaT compares False
    if event is not None and pd.notna(event.day):
        how = f"{event.role}, dated {event.dated}"
    else:
        mine = [r for r in ended if is_one_of(r.end_cause, LOSS_CAUSES) and r.end_hi >= start and r.end_lo <= end]  # NaT: False
        if not mine:
            return None
        how = f"{mine[0].post}: {mine[0].end_cause}, dated {mine[0].end}"
    return {"person_id": person, "fate": "unknown", "on": pd.NaT, "dated": pd.NA,
            "how": f"{how}: it may fall within {start.date()} to {end.date()}"}


def _lost(person, day: pd.Timestamp, how: str, dated, lo: pd.Timestamp, hi: pd.Timestamp, start: pd.Timestamp,
          end: pd.Timestamp) -> dict:
    """A row of :func:`fate_between` for a loss in the span: lost, or unknown where its dates reach outside the span
    (Lin'ko's arrest 'about 1952' may fall after the year; Chernov's 'by 27 May 1952' before it)."""
    after, before = hi > end, lo < start  # NaT compares False
    if after or before:
        where = (f"outside {start.date()} to {end.date()}" if after and before
                 else f"after {end.date()}" if after else f"before {start.date()}")
        return {"person_id": person, "fate": "unknown", "on": pd.NaT, "dated": dated, "how": f"{how}, dated {dated}: it may fall {where}"}
    return {"person_id": person, "fate": "lost", "on": day, "dated": dated, "how": how}


def _kept_or_unknown(person, mine: list, last: pd.Timestamp) -> dict:
    """A row of :func:`fate_between` for a man no loss of whom lies in the span: kept, if a post of his runs on the last
    day with its end stated after it (or 'ongoing'); else unknown, and why. A post whose end no source states was held
    from its start: whether on the last day, it does not say. mine: his posts (:func:`posts_by_man`), with their point
    estimates ``start_day`` and ``end_day``, read as :func:`patronage.analysis.careers.active` reads them."""
    running = [r for r in mine if r.start_day <= last and not r.end_day < last]  # NaT compares False: an unknown end runs on
    held = [r for r in running if pd.notna(r.end) or is_one_of(r.end_cause, {"ongoing"})]
    if held:
        top = min(held, key=lambda r: (pd.isna(r.seniority), -r.seniority if pd.notna(r.seniority) else 0))  # the first
        return {"person_id": person, "fate": "kept", "on": last, "dated": last.date().isoformat(), "how": f"held {top.post}"}
    how = (f"no loss recorded; the end of his post is not recorded ({running[0].post}, from {running[0].start})"
           if running else _unrecorded(mine, last))
    return {"person_id": person, "fate": "unknown", "on": pd.NaT, "dated": pd.NA, "how": how}


def _unrecorded(mine: list, last: pd.Timestamp) -> str:
    """Why a man's fate is not recorded: no post of his reaches the last day (the last he had begun by then, as
    recorded), none is recorded by then (his posts begin later: Fedyuninsky's of 1965, against a span ending in 1958),
    or none is recorded at all. mine: his posts (:func:`posts_by_man`)."""
    if not mine:
        return "no post or loss recorded"
    begun = sorted((r for r in mine if r.start_day <= last), key=lambda r: (nat_last(r.end_day), r.spell_id))
    if not begun:
        first = min(mine, key=lambda r: nat_last(r.start_lo))
        return f"no loss recorded; no post of his is recorded by {last.date()} (his first begins {first.start})"
    if all(pd.notna(r.end_day) for r in begun):
        return f"no loss recorded; his last recorded post by then ends {begun[-1].end}, read as before {last.date()}"
    return "no post or loss recorded"


# the columns of a man's posts as plain records (posts_by_man), which the fates and the runs of high office read
POST_FIELDS = ["person_id", "spell_id", "post", "seniority", "start", "start_lo", "end", "end_cause", "end_lo", "end_hi",
               "start_day", "end_day"]


def is_one_of(value, choices) -> bool:
    """``value`` is one of ``choices``: False for a missing value (pandas' NA has no truth value)."""
    return isinstance(value, str) and value in choices


def nat_last(day) -> tuple:
    """A sort key that puts a missing day last, as pandas sorts: (missing, day)."""
    return (True, pd.Timestamp.min) if pd.isna(day) else (False, day)


def ranks_around(tables, crisis: Crisis, persons, window: pd.Timedelta) -> pd.DataFrame:
    """Rank the day before the crisis and the highest rank within ``window`` after it (NA: no post recorded)."""
    persons = list(persons)
    return pd.DataFrame({"rank before": rank_as_of(tables, crisis.date - DAY, persons, missing=pd.NA),
                         "rank after": max_rank_between(tables, persons, crisis.date, crisis.date + window, missing=pd.NA)})
