"""The crises the tables record: every fall of a patron, found in the data, never typed in.

Under the tables' current selection:

- a *patron* is anyone who is the patron in at least one patronage tie;
- a *loss* is an event in which a person takes part as ``arrested``, ``dismissed`` or ``purged``
  (so a coup in which he is arrested is one);
- a loss is a *fall* if it cost him his highest office and nothing made up for it: he held an
  office the day before; he was arrested (an arrest ends every office), or an office he held at
  his highest rank that day ended within ``within_days`` after the event; and no new office of at
  least that rank began for him in the same span. A loss that takes only a lesser post, or is
  followed at once by an equal or higher one, is a reshuffle, not a fall: Khrushchev giving up
  the Moscow party committee in March 1953 and becoming the leading Secretary of the Central
  Committee the same month;
- losses of the same person within ``within_days`` after a fall belong to that fall.

A *crisis* is the fall of a patron. Its date is the point estimate (midpoint) of the event's
EDTF date, as a day; the date as the event records it is kept beside it (``dated``), so that a fall
known only to a month is not shown as if its day were known. A patron can fall more than once (Malenkov in 1955 and in 1957); a crisis
whose roster is empty stays in the panel, with its verdicts "no data".
"""

from __future__ import annotations

import pandas as pd

from patronage.analysis.careers import point, posts_as_of, rank_as_of
from patronage.analysis.crisis import DAY, FALL_ROLES, Crisis, PersonId, make_crisis
from patronage.analysis.outcomes import LOSS_CAUSES
from patronage.analysis.verdicts import names_of, number
from patronage.robustness.crisis_list import CRISES_FILE, listed_near

CRISIS_COLUMNS = ["patron_id", "date", "dated", "event_id", "title"]


def patrons(tables) -> set[PersonId]:
    """Everyone who is the patron in at least one patronage tie of the selection."""
    t = tables.ties
    return set(t.loc[t["kind"] == "patronage", "patron_id"])


def losses(tables) -> pd.DataFrame:
    """Every participation as arrested, dismissed or purged: person, event, role, day (the point estimate),
    dated (the event's date as recorded) and title.

    One row per person and event (the first role in FALL_ROLES order if he had several), by day.
    """
    e = tables.events.assign(day=point(tables.events, "date").dt.floor("D"), dated=tables.events["date"])
    p = tables.event_participants[tables.event_participants["role"].isin(FALL_ROLES)]
    p = p.assign(order=p["role"].map(FALL_ROLES.index)).sort_values(["event_id", "person_id", "order"])
    p = p.drop_duplicates(["event_id", "person_id"]).merge(e[["event_id", "day", "dated", "title"]], on="event_id")
    return p[["person_id", "event_id", "role", "day", "dated", "title"]].sort_values(
        ["day", "person_id", "event_id"], kind="stable").reset_index(drop=True)


def is_fall(tables, person: PersonId, day: pd.Timestamp, role: str, within_days: int = 30) -> bool:
    """True if a loss on ``day`` cost ``person`` his highest office and no new office made up for it.

    See the module docstring for the rule.
    """
    held = _held(tables, person, day)
    if held.empty:
        return False
    rank, until = held["seniority"].max(), day + pd.Timedelta(days=within_days)
    ended = point(held, "end")[held["seniority"] == rank]
    return bool((role == "arrested" or (ended <= until).any()) and _made_up(tables, person, held, day, until).empty)


def _held(tables, person: PersonId, day: pd.Timestamp) -> pd.DataFrame:
    """The posts ``person`` held the day before ``day``."""
    held = posts_as_of(tables, day - DAY)
    return held[held["person_id"] == person]


def _made_up(tables, person: PersonId, held: pd.DataFrame, day: pd.Timestamp, until: pd.Timestamp) -> pd.DataFrame:
    """The new posts of ``person``, of at least the highest rank of ``held``, begun from the day before ``day`` to
    ``until``: what makes a loss a reshuffle."""
    s = tables.spells
    began = point(s, "start")
    return s[(s["person_id"] == person) & ~s["spell_id"].isin(held["spell_id"]) & (s["seniority"] >= held["seniority"].max())
             & (began >= day - DAY) & (began <= until)]


def falls(tables, within_days: int = 30) -> pd.DataFrame:
    """Every fall the tables record, of patrons and of everyone else.

    returns: person_id, date (the point estimate, a day), dated (as recorded), event_id, title, role, and patron
    (True if the person is a patron).
    """
    rows, last = [], {}
    for loss in losses(tables).itertuples(index=False):
        seen = last.get(loss.person_id)
        if seen is not None and loss.day - seen <= pd.Timedelta(days=within_days):
            continue
        if is_fall(tables, loss.person_id, loss.day, loss.role, within_days):
            last[loss.person_id] = loss.day
            rows.append({"person_id": loss.person_id, "date": loss.day, "dated": loss.dated, "event_id": loss.event_id,
                         "title": loss.title, "role": loss.role})
    out = pd.DataFrame(rows, columns=["person_id", "date", "dated", "event_id", "title", "role"])
    return out.assign(patron=out["person_id"].isin(patrons(tables)).astype(bool))


def crises(tables, within_days: int = 30) -> pd.DataFrame:
    """The crises the tables record: the falls of patrons, by date.

    returns: patron_id, date (a day: the point estimate), dated (the event's date as recorded), event_id, title.
    """
    f = falls(tables, within_days)
    f = f[f["patron"]].rename(columns={"person_id": "patron_id"})
    return f[CRISIS_COLUMNS].sort_values(["date", "patron_id"], kind="stable").reset_index(drop=True)


def label(tables, patron: PersonId, date) -> str:
    """A crisis' short name: the patron's surname and the day, e.g. 'Beria 1953-06-26'."""
    surname = tables.persons.set_index("person_id")["surname"].get(patron, patron)
    return f"{surname} {pd.Timestamp(date).date().isoformat()}"


def make_crises(tables, found: pd.DataFrame, horizon_years: float = 10) -> dict[str, Crisis]:
    """One Crisis per row of ``found`` (from :func:`crises`), keyed by its label, in date order."""
    return {label(tables, c.patron_id, c.date): make_crisis(tables, c.patron_id, c.date, horizon_years=horizon_years)
            for c in found.itertuples(index=False)}


def recorded_near(tables, person: PersonId, day, days: int = 90, full=None) -> str:
    """A sentence naming the person's losses (:func:`losses`: arrested, dismissed, purged) that the tables date
    within ``days`` of ``day``, each with its date as recorded, so that a reader who gives a crisis day sees the day
    the sources give beside it (Yezhov's removal is recorded on 25 November 1938, not the 23rd).

    full: the tables before the selection (``patronage.load()``); given, the losses the selection leaves out (a
    reference work's, under evidence 'seed') are named after it, so that 'no loss' is never said of the whole record
    when only the selection lacks one.
    """
    day = pd.Timestamp(day)
    near = _losses_near(tables, person, day, days)
    evidence = tables.selection.get("evidence")
    where = f"The rows selected (evidence {evidence!r}) record" if evidence else "The tables record"
    said = (f"{where} within {days} days of {day.date()}: {_listing_losses(near)}." if len(near)
            else f"{where} no arrest, dismissal or purge of his within {days} days of {day.date()}.")
    said += _posts_lost_text(tables, person, day, days) + _inside_a_loss(tables, near, day)
    if full is None:
        return said
    left_out = _losses_near(full, person, day, days)
    left_out = left_out[~left_out["event_id"].isin(near["event_id"])]
    return said + (f" Left out by the selection: {_listing_losses(left_out)}." if len(left_out) else "")


def _inside_a_loss(tables, near: pd.DataFrame, day: pd.Timestamp) -> str:
    """Said where ``day`` lies inside the recorded span of days (under four weeks) of one of the losses ``near`` it, after the span's first day: the
    steps read the day before it (the roster, the posts held) when he may already have fallen. Zhukov's dismissal is
    dated 26 to 29 October 1957; on the 29th, Konev no longer served under him the day before."""
    spans = tables.events.set_index("event_id")[["date_lo", "date_hi"]]
    # a span of days, not a month or a year ('1953'): a day given inside a year is no choice of a later day
    inside = near[near["event_id"].map(lambda e: spans.at[e, "date_lo"] < day <= spans.at[e, "date_hi"]
                                       and spans.at[e, "date_hi"] - spans.at[e, "date_lo"] < pd.Timedelta(days=28))]
    return "".join(f" The day given lies inside the recorded span of {r.title} ({r.dated}), after its first day: the steps "
                   f"read the day before it, {(day - pd.Timedelta(days=1)).date()}, when he may already have fallen; the eve "
                   f"of the span is {(spans.at[r.event_id, 'date_lo'] - pd.Timedelta(days=1)).date()}."
                   for r in inside.drop_duplicates("event_id").itertuples(index=False))


def _losses_near(tables, person: PersonId, day: pd.Timestamp, days: int) -> pd.DataFrame:
    mine = losses(tables)
    return mine[(mine["person_id"] == person) & ((mine["day"] - day).abs() <= pd.Timedelta(days=days))]


def _posts_lost_near(tables, person: PersonId, day: pd.Timestamp, days: int) -> pd.DataFrame:
    """The person's posts whose end, for a loss (LOSS_CAUSES: dismissal, arrest, ...), the tables date within ``days``
    of ``day``, where no post of his of that rank or higher ran on the day after (a loss of his highest office that
    nothing made up for): a loss the posts record, which the rule of :func:`falls`, reading events, does not see.
    Malenkov giving up the Secretariat on 14 March 1953 while he stayed head of the government is none."""
    s = tables.spells
    ended = point(s, "end")
    lost = s[(s["person_id"] == person) & s["end_cause"].isin(LOSS_CAUSES).fillna(False).to_numpy(dtype=bool)
             & ((ended - day).abs() <= pd.Timedelta(days=days)).fillna(False).to_numpy(dtype=bool)]
    kept = [rank_as_of(tables, ended[i] + DAY, [person]).iloc[0] for i in lost.index]
    return lost[[k < rank for k, rank in zip(kept, lost["seniority"], strict=True)]]


def _posts_lost_text(tables, person: PersonId, day: pd.Timestamp, days: int) -> str:
    """A sentence naming the posts of :func:`_posts_lost_near`, each with its end as recorded and its cause ('' if none,
    or if an event of a loss of his lies in the span: the posts then record the loss the event does)."""
    if len(_losses_near(tables, person, day, days)):
        return ""
    lost = _posts_lost_near(tables, person, day, days)
    return (f" The posts record, though no event does: {'; '.join(f'{r.post} (ended {r.end}, {r.end_cause}; spell {r.spell_id})' for r in lost.itertuples())}."
            if len(lost) else "")


def _listing_losses(rows: pd.DataFrame) -> str:
    return "; ".join(f"{r.title} ({r.role}, dated {r.dated}; event {r.event_id})" for r in rows.itertuples(index=False))


def no_fall(tables, person: PersonId, day, within_days: int = 30) -> str:
    """A closing sentence for a run whose day the rule of :func:`falls` does not find as the person's fall ('' where it
    does), with why not (:func:`why_not_found`): the steps then test a day the records do not show as his fall (a
    crisis of another kind, an attack on his network, is for the reader to judge). Where the panel's own list of crises
    names the day all the same (:func:`patronage.robustness.crisis_list.listed_near`), the sentence says so: the list,
    not the rule, makes the panel."""
    why = why_not_found(tables, person, day, within_days)
    if not why:
        return ""
    listed = listed_near(tables, person, day, within_days)
    if len(listed):
        entry, day = listed.iloc[0], pd.Timestamp(day)
        named = f"{entry['crisis']!r} (model '{entry['model']}', {entry['date'].date()})"
        tail = (f"; the panel's own list (data/{CRISES_FILE}) counts it all the same, as {named}: a historian's reading, "
                "which the steps above follow." if entry["date"] == day else
                f"; the panel's own list (data/{CRISES_FILE}) dates a crisis of his {number(abs((entry['date'] - day).days), 'day')} "
                f"away, {named}: the steps above read {day.date()}, not the list's day.")
    else:
        tail = "." if why.startswith("his fall is found") else ": the steps above read as his fall a day the rule does not read as one."
    return (f"The rule that cross-checks the crisis panel's list finds no crisis (a fall of a patron) of {names_of(tables, [person])} "
            f"within {within_days} days of {pd.Timestamp(day).date()} ({why}){tail}"
            + _posts_lost_text(tables, person, pd.Timestamp(day), within_days))


def why_not_found(tables, person: PersonId, day, within_days: int = 30) -> str:
    """Why the rule of :func:`crises` finds no crisis of ``person`` within ``within_days`` of ``day`` ('' if it finds one):
    no loss of his dated so near; no office of his recorded the day before the loss; his highest office kept (a loss
    that is not an arrest, and no office of his highest rank ending within the span); or a new office of that rank
    begun within it (a reshuffle); or his fall found, but no client of his recorded (the crises are patrons' falls)."""
    day, span = pd.Timestamp(day), pd.Timedelta(days=within_days)
    mine = losses(tables)
    mine = mine[(mine["person_id"] == person) & ((mine["day"] - day).abs() <= span)]
    if mine.empty:
        return f"no arrest, dismissal or purge of his is dated within {within_days} days in the events selected, which the rule reads"
    loss = mine.iloc[0]
    if is_fall(tables, person, loss["day"], loss["role"], within_days):
        return "" if person in patrons(tables) else (
            f"his fall is found ({loss['title']}, dated {loss['dated']}), but the rows selected record no client of his: "
            "the panel's crises are the falls of patrons")
    held = _held(tables, person, loss["day"])
    if held.empty:
        return (f"no office of his is recorded on {(loss['day'] - DAY).date()}, the day before {loss['title']} "
                f"(dated {loss['dated']}, read as {loss['day'].date()})")
    rank = held["seniority"].max()
    new = _made_up(tables, person, held, loss["day"], loss["day"] + span)
    if len(new):
        return (f"a reshuffle by the rule: at {loss['title']} (dated {loss['dated']}) he took up {new['post'].iloc[0]} "
                f"(rank {new['seniority'].iloc[0]}), no lower than the rank {rank} he held the day before")
    return f"he kept his highest office (rank {rank}) through {loss['title']} (dated {loss['dated']})"
