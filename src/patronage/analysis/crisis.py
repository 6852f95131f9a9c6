"""A crisis: a patron's fall on a date, his clients at that moment, his rivals, the turncoats.

Everything here is computed from the tables under one selection (evidence, reading, coding):
nothing about any particular patron is written into the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from patronage.analysis.careers import floored_of, point_of, rank_as_of, running_on
from patronage.tables.dates import to_date

PersonId = str
DAY = pd.Timedelta(days=1)
AGAINST_ROLES = ("defecting",)
RIVAL_ROLES = ("organiser",)
LOSS_ROLES = ("arrested", "executed", "dismissed", "purged", "stripped", "expelled")
TARGET_ROLES = (*LOSS_ROLES, "accused", "tried")  # the roles of a person an event acts against
FALL_ROLES = ("arrested", "dismissed", "purged")  # the roles of a patron's fall (patronage.robustness.falls, step H6a)
WINDOW_DAYS = 30  # a defection, or an act against the patron, belongs to his crisis if it falls this close to it


@dataclass(frozen=True)
class Crisis:
    """A patron's fall: who he was, when, his rivals and his clients the day before.

    roster: one row per client (patronage tie from the patron running the day before), with
    rank_before (his highest seniority that day; NA where no post of his is recorded that day:
    an unknown rank is missing, not zero), defected (the tie records a defection dated within the
    window around the crisis, or the client acted against him at the crisis),
    defection_date, motive, exposed (a prior tie to a rival) and rival_client (a rival's
    patronage running the day before).
    """

    patron: PersonId
    date: pd.Timestamp
    horizon: pd.Timestamp
    rivals: tuple[PersonId, ...]
    turncoats: tuple[PersonId, ...]
    roster: pd.DataFrame
    window_days: int

    # intermediate frames the steps of the test share (see ``remember``)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def remember(self, tables, key: tuple, compute):
        """``compute()`` once per key for the same tables: the steps of the test read the same ranks,
        rewards and populations, and each would otherwise compute them again."""
        hit = self._memo.get(key)
        if hit is None or hit[0] is not tables:
            hit = (tables, compute())
            self._memo[key] = hit
        return hit[1]

    @cached_property
    def defectors(self) -> list[PersonId]:
        """The patron's clients who defected at the crisis."""
        return sorted(self.roster.loc[self.roster["defected"], "client_id"])


def crisis_events(tables, patron: PersonId, day: pd.Timestamp, window_days: int | None) -> pd.DataFrame:
    """Participations in the events that involve the patron within ``window_days`` before ``day`` (and on it; None:
    at any time before it), and in his fall itself: an event acting against him (TARGET_ROLES) whose recorded span
    holds the day, though its middle lie after it (Zhukov's dismissal, dated 26 to 29 October 1957, at which Konev
    turned on him). Computed once per tables and arguments: the crisis, step 1 and step 4 ask for the same; the frame
    returned is shared, and read only."""
    return tables.derived(("crisis events", patron, day, window_days), lambda t: _crisis_events(t, patron, day, window_days))


def _crisis_events(tables, patron: PersonId, day: pd.Timestamp, window_days: int | None) -> pd.DataFrame:
    """The computation of :func:`crisis_events`."""
    e, parts = tables.events, tables.event_participants
    mid = point_of(tables, "events", "date")
    since = (mid >= day - window_days * DAY) if window_days is not None else True
    near = set(e.loc[since & (mid <= day), "event_id"])
    spanning = set(e.loc[((e["date_lo"] <= day) & (e["date_hi"] >= day)).fillna(False).to_numpy(dtype=bool), "event_id"])
    aimed = set(parts.loc[(parts["person_id"] == patron) & parts["role"].isin(TARGET_ROLES), "event_id"])
    parts = parts[parts["event_id"].isin(near | (spanning & aimed))]
    involving = parts.loc[parts["person_id"] == patron, "event_id"]
    return parts[parts["event_id"].isin(involving)]


def rivals_of(tables, patron: PersonId, day: pd.Timestamp, parts: pd.DataFrame) -> set[PersonId]:
    """Rivals: a rivalry tie with the patron begun by that day and not known to be over before it (its recorded end,
    at the latest, is not before the day: Khrushchev's rivalry with Malenkov, ended "in June 1957", was not over
    before the fall of the 29th, though the middle of that month is), or organisers of the crisis events that act
    against him (TARGET_ROLES). An organiser of an event the patron only took part in is no rival: Stalin, organising
    the reorganisation of the security apparatus in 1945 with Beria in it, did not turn against his own client."""
    ties = tables.ties
    over = (ties["end_hi"] < day).to_numpy(dtype=bool)  # NaT (no end recorded) compares False: not over
    t = ties[(ties["kind"] == "rivalry").to_numpy(dtype=bool) & (point_of(tables, "ties", "start") <= day).to_numpy(dtype=bool) & ~over]
    rivals = set(t.loc[t["patron_id"] == patron, "client_id"]) | set(t.loc[t["client_id"] == patron, "patron_id"])
    against = set(parts.loc[(parts["person_id"] == patron) & parts["role"].isin(TARGET_ROLES), "event_id"])
    rivals |= set(parts.loc[parts["role"].isin(RIVAL_ROLES) & parts["event_id"].isin(against), "person_id"])
    return rivals - {patron}


def make_crisis(tables, patron: PersonId, date, horizon_years: float = 10, min_rank: int = 0,
                window_days: int = WINDOW_DAYS) -> Crisis:
    """The crisis of ``patron`` falling on ``date``, under the tables' current selection.

    min_rank: keep only clients whose seniority the day before was at least this (0: all, the
    clients of unknown rank included).
    """
    day = to_date(date)
    parts = crisis_events(tables, patron, day, window_days)
    turncoats = turncoats_of(tables, patron, day, parts)
    rivals = rivals_of(tables, patron, day, parts) - turncoats
    roster = roster_of(tables, patron, day, rivals, turncoats, window_days)
    if min_rank > 0:
        roster = roster[roster["rank_before"].ge(min_rank).fillna(False).to_numpy(dtype=bool)]
    roster = roster.sort_values(["rank_before", "client_id"], ascending=[False, True], kind="stable",
                                na_position="last").reset_index(drop=True)
    return Crisis(patron=patron, date=day, horizon=day + pd.DateOffset(years=horizon_years),
                  rivals=tuple(sorted(rivals)), turncoats=tuple(sorted(turncoats)), roster=roster,
                  window_days=window_days)


def turncoats_of(tables, patron: PersonId, day: pd.Timestamp, parts: pd.DataFrame) -> set[PersonId]:
    """Who acted against the patron at his fall: the participants of the crisis events (``parts``) in a role
    against (AGAINST_ROLES), event by event.

    An event that acts against no one but the patron (TARGET_ROLES), or names no one it acts against, is his
    fall: everyone acting against in it counts. An event that acts against others and not against him (his
    rivals' fall, or theirs at his hands) counts no one. An event that acts against him and others at once (a
    group purged together) does not say whom each turncoat turned on: a turncoat counts against the patron
    only if a tie of any kind in the tables joins the two, begun by the day.
    """
    acts = parts[parts["role"].isin(AGAINST_ROLES) & (parts["person_id"] != patron)]
    if acts.empty:
        return set()
    targets = parts[parts["role"].isin(TARGET_ROLES)]
    out: set[PersonId] = set()
    for event, who in acts.groupby("event_id", sort=False)["person_id"]:
        aimed = set(targets.loc[targets["event_id"] == event, "person_id"]) - set(who)
        if aimed <= {patron}:
            out |= set(who)
        elif patron in aimed:
            out |= set(who) & _tied_to(tables, patron, day)
    return out


def _tied_to(tables, patron: PersonId, day: pd.Timestamp) -> set[PersonId]:
    """Everyone a tie of any kind in the tables joins to the patron, begun by ``day`` (an unknown start included)."""
    ties = tables.ties[~(point_of(tables, "ties", "start") > day).to_numpy(dtype=bool)]
    return set(ties.loc[ties["patron_id"] == patron, "client_id"]) | set(ties.loc[ties["client_id"] == patron, "patron_id"])


def roster_of(tables, patron: PersonId, day: pd.Timestamp, rivals: set, turncoats: set, window_days: int) -> pd.DataFrame:
    """The patron's clients the day before ``day`` (one row per patronage tie from him running then), with the
    columns of :attr:`Crisis.roster`, in the order of their ties."""
    before = day - DAY
    ties = tables.ties
    running = running_on(tables, "ties", before)
    # a tie whose end no source gives runs on, but not past the client's death: a man certainly dead by the day before
    # (his latest recorded death before it) is no client then (Zakovsky, shot in August 1938, at Yezhov's fall)
    dead = (ties["client_id"].map(tables.persons.drop_duplicates("person_id").set_index("person_id")["died_hi"]) < before)
    # a recorded defection belongs to this crisis if its date can fall within the window around it (an unknown
    # start read as the point estimates read it: no earlier than its floor, so that a draw of the dates reads it so too)
    window = window_days * DAY
    near = ~((floored_of(tables, "ties", "defection_date", "hi") < day - window)
             | (floored_of(tables, "ties", "defection_date", "lo") > day + window)).fillna(False)
    # a tie the defection itself ended (its end recorded as the defection's date) within the window before the day is on
    # the roster too, as a defector's: Shepilov's tie to Khrushchev ends with his turn, 18 to 21 June 1957, which a
    # crisis of 21 June counts. A tie that ended otherwise (Kruglov's, with Beria's arrest) leaves with the others.
    ended_by_it = (ties["defected"].fillna(False).astype(bool) & (ties["end"] == ties["defection_date"]) & near & ~running
                   & (floored_of(tables, "ties", "end", "hi") >= day - window) & (point_of(tables, "ties", "start") <= before)).fillna(False)
    mine = ties[(ties["patron_id"] == patron) & (ties["kind"] == "patronage") & (running | ended_by_it) & ~dead.fillna(False)]
    near = near[mine.index]
    # one row per client: the tie recording his defection at this crisis before one that records none (a second work's
    # tie of the same pair does not erase it), else the first by id; the rows then in the order of their ties
    mine = mine.assign(_recorded=mine["defected"].fillna(False).astype(bool) & near).sort_values(
        ["_recorded", "tie_id"], ascending=[False, True], kind="stable").drop_duplicates("client_id").sort_values("tie_id")
    recorded = mine["_recorded"]
    ranks = rank_as_of(tables, before, mine["client_id"], missing=pd.NA)
    rival_clients = ties.loc[(ties["kind"] == "patronage") & running & ties["patron_id"].isin(rivals), "client_id"]
    return pd.DataFrame({
        "client_id": mine["client_id"].to_numpy(),
        "tie_id": mine["tie_id"].to_numpy(),
        "rank_before": ranks.reindex(mine["client_id"]).array,
        "defected": recorded.to_numpy() | mine["client_id"].isin(turncoats).to_numpy(),
        "defection_date": mine["defection_date"].to_numpy(),
        "motive": mine["motive"].to_numpy(),
        "exposed": mine["client_id"].isin(exposed_to_rivals(tables, day, rivals)).to_numpy(),
        "rival_client": mine["client_id"].isin(rival_clients).to_numpy(),
    })


def exposed_to_rivals(tables, day: pd.Timestamp, rivals: set) -> list[PersonId]:
    """Everyone an exposure, patronage or alliance tie begun before ``day`` joined to a rival, in either direction."""
    ties = tables.ties  # masks first, then only the column wanted: the table is wide, and this runs for every crisis
    exposed_to = (point_of(tables, "ties", "start") < day) & ties["kind"].isin(["exposure", "patronage", "alliance"])
    return (ties.loc[exposed_to & ties["patron_id"].isin(rivals), "client_id"].tolist()
            + ties.loc[exposed_to & ties["client_id"].isin(rivals), "patron_id"].tolist())
