"""The patronage network as of a date: its ties, its graph, its layout, and how it changed."""

from __future__ import annotations

import gc
from contextlib import contextmanager

import networkx as nx
import pandas as pd

from patronage.analysis.careers import active, alive_on, point_of, rank_as_of
from patronage.analysis.crisis import AGAINST_ROLES, TARGET_ROLES
from patronage.analysis.verdicts import number
from patronage.tables.dates import to_date

CLIENT_KINDS = ("patronage",)
DRAWN_KINDS = ("patronage", "subordination", "alliance", "exposure", "rivalry", "surveillance")
# the events that can change a network: deaths and executions, coups, plenums, congresses and reorganisations,
# appointments (a patron taking up an office brings his clients in: Beria's to the NKVD in November 1938), and the
# falls that date the crises (arrests, dismissals, expulsions, purges, affairs)
TURNING_KINDS = ("death", "coup", "plenum", "reorganisation", "execution", "trial", "congress", "appointment",
                 "arrest", "dismissal", "expulsion", "purge", "affair")


def ties_as_of(tables, on, kinds=DRAWN_KINDS) -> pd.DataFrame:
    """The ties of the given kinds running on day ``on`` between two persons alive that day
    (:func:`patronage.analysis.careers.alive_on`): a tie with no recorded end ends with the first of the two to die,
    and a tie whose client defected ends with his defection, once it is certainly past (the last day its date
    allows), whether the tie records it or the client is recorded acting against the patron at an event that acts
    against him (:func:`_turned_by_act`): Gromyko, who turned on Molotov in June 1957, and Ignatiev, who turned on
    Malenkov then, were no longer drawn as their clients in 1960."""
    before = to_date(on) - pd.Timedelta(days=1)
    t = tables.ties[tables.ties["kind"].isin(kinds)]
    t = t[active(t, on) & ~_defected_by(t, before) & ~_turned_by_act(tables, t, before)]
    living = alive_on(tables, on, sorted(set(t["patron_id"]) | set(t["client_id"])))
    return t[t["patron_id"].map(living).to_numpy(dtype=bool) & t["client_id"].map(living).to_numpy(dtype=bool)]


def graph_as_of(tables, on, kinds=DRAWN_KINDS) -> nx.DiGraph:
    """Directed graph patron -> client of the ties running on day ``on``.

    Nodes carry name and seniority on that day; edges carry kind, basis and tie_id.
    """
    with collector_paused():
        t = ties_as_of(tables, on, kinds)
        g = nx.DiGraph()
        names = tables.persons.set_index("person_id")["name"]
        people = sorted(set(t["patron_id"].tolist()) | set(t["client_id"].tolist()))
        ranks = rank_as_of(tables, on, people)
        t = t.sort_values("tie_id")
        columns = [t[c].tolist() for c in ("patron_id", "client_id", "kind", "basis", "tie_id")]
        g.add_nodes_from((pid, {"name": name, "seniority": rank}) for pid, name, rank in
                         zip(people, names.reindex(people).tolist(), ranks.reindex(people).tolist(), strict=True))
        g.add_edges_from((a, b, {"kind": k, "basis": basis, "tie_id": i})
                         for a, b, k, basis, i in zip(*columns, strict=True))
    return g


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused for the block, then restored as it was.

    networkx keeps every node and edge in dicts of dicts. The collector runs each time 700 more
    containers are alive than before, and every so often walks all of them again; building a
    graph of a register's 200,000 edges set it walking the half-built graph over and over, a
    quarter to a third of the build's time, although nothing being built can be garbage. No library offers
    this pause as a context manager (gc.freeze is for forked servers), hence these lines.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def layout(g: nx.Graph, seed: int = 1953) -> dict:
    """Deterministic positions: spring layout over the sorted nodes with a fixed seed."""
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes))
    h.add_edges_from(sorted((min(a, b), max(a, b)) for a, b in g.edges))
    pos = nx.spring_layout(h, seed=seed, k=1.2 / max(len(h), 1) ** 0.5)
    return {n: (round(float(x), 6), round(float(y), 6)) for n, (x, y) in pos.items()}


def clients_by_patron(tables, on) -> pd.DataFrame:
    """For each patron, the number and names of his clients on day ``on``."""
    t = ties_as_of(tables, on, CLIENT_KINDS).drop_duplicates(["patron_id", "client_id"])  # a client once, however many ties
    names = tables.persons.set_index("person_id")["name"]
    grouped = t.groupby("patron_id")["client_id"]
    out = pd.DataFrame({"clients": grouped.size(),
                        "names": grouped.apply(lambda c: ", ".join(sorted(names[i] for i in c)))})
    out.index = out.index.map(names)
    out.index.name = "patron"
    return out.sort_values(["clients", "names"], ascending=[False, True])


def turning_points(tables, year: int) -> pd.DataFrame:
    """The events of ``year`` that can change a network (TURNING_KINDS): those whose point estimate falls in it (an
    approximate '1952~', which edtf widens back into 1951, is of 1952), with the first and last day each may be within
    the year: a purge dated '1936/1938' is a turning point of 1937 from its first day to its last, so that the network
    is compared around it within 1937, not across Yezhov's fall of November 1938.

    returns: event_id, date (as recorded), date_lo, date_hi (its bounds cut to the year), kind, title; by date_lo.
    """
    e = tables.events
    mask = e["kind"].isin(TURNING_KINDS) & (point_of(tables, "events", "date").dt.year == year)
    first, last = pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year, month=12, day=31)
    points = e.loc[mask, ["event_id", "date", "date_lo", "date_hi", "kind", "title"]]
    return points.assign(date_lo=points["date_lo"].clip(lower=first), date_hi=points["date_hi"].clip(upper=last)).sort_values(
        ["date_lo", "event_id"])


def changes(tables, dates: list, kinds=CLIENT_KINDS, changed_only: bool = False) -> pd.DataFrame:
    """How the network changed between consecutive dates: ties lost and gained.

    A pair (patron -> client) running on the later day and not on the earlier is *gained* only if one of its ties
    has its recorded start inside the interval (both bounds); else it is *first on record* there: a start the
    sources give only as "by" a day, or to a year reaching back before the interval, is not a tie begun in it.
    Likewise a pair running on the earlier day and not on the later is *lost* if a tie's recorded end lies inside
    the interval, or no end is recorded, or one of the two men died within it (a death ends a tie), or the client's
    defection is certainly made within it; else *last on record*.
    changed_only: only the intervals in which anything changed.

    returns: one row per interval with counts and the ties (patron -> client) of each kind of change.
    """
    names = tables.persons.set_index("person_id")["name"]
    days = [to_date(d) for d in dates]
    rows = []
    for a, b in zip(days, days[1:], strict=False):
        before = set(map(tuple, ties_as_of(tables, a, kinds)[["patron_id", "client_id"]].to_numpy()))
        after = set(map(tuple, ties_as_of(tables, b, kinds)[["patron_id", "client_id"]].to_numpy()))
        gained, lost = after - before, before - after
        began, ended = _dated_within(tables, kinds, "start", a, b), _dated_within(tables, kinds, "end", a, b)
        ended |= {pair for pair in lost if _died_within(tables, pair, a, b)} | _turned_within(tables, kinds, a, b)
        fmt = lambda ts: "; ".join(f"{names[p]} → {names[c]}" for p, c in sorted(ts)) or "–"  # noqa: E731
        rows.append({"from": a.date().isoformat(), "to": b.date().isoformat(), "ties before": len(before),
                     "ties after": len(after), "lost": fmt(lost & ended), "gained": fmt(gained & began),
                     "last on record": fmt(lost - ended), "first on record": fmt(gained - began)})
    out = pd.DataFrame(rows, columns=["from", "to", "ties before", "ties after", *CHANGES])
    return out[(out[list(CHANGES)] != "–").any(axis=1)] if changed_only else out


# what changed in an interval (:func:`changes`), and how :func:`describe` says it
CHANGES = {"lost": "lost", "gained": "gained",
           "last on record": "last on record (an end not dated to the interval)",
           "first on record": "first on record (a start not dated to the interval)"}


def _defected_by(ties: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """For each tie, whether it records a defection certainly made by ``day`` (the last day its date allows)."""
    return (ties["defected"].fillna(False).astype(bool) & (ties["defection_date_hi"] <= day)).fillna(False).astype(bool)


def _died_within(tables, pair: tuple, a: pd.Timestamp, b: pd.Timestamp) -> bool:
    """True if either man of ``pair`` is recorded dying after day a and by day b (both bounds of his death)."""
    lives = tables.persons.set_index("person_id")[["died_lo", "died_hi"]].reindex(list(pair))
    return bool(((lives["died_lo"] > a) & (lives["died_hi"] <= b)).fillna(False).any())


def _dated_within(tables, kinds, column: str, a: pd.Timestamp, b: pd.Timestamp) -> set:
    """The pairs (patron, client) with a tie of ``kinds`` whose recorded ``column`` lies between a and b, both bounds
    (a start after a and by b; an end from a and before b, or no end recorded)."""
    t = tables.ties[tables.ties["kind"].isin(kinds)]
    lo, hi = t[f"{column}_lo"], t[f"{column}_hi"]
    inside = ((lo > a) & (hi <= b)) if column == "start" else (((lo >= a) & (hi < b)) | lo.isna())
    inside = inside.fillna(False).to_numpy(dtype=bool)
    return set(zip(t["patron_id"].to_numpy()[inside], t["client_id"].to_numpy()[inside], strict=True))


def _turned_by_act(tables, ties: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """For each patronage tie, whether its client is recorded acting against its patron (AGAINST_ROLES) at an event that
    acts against the patron (TARGET_ROLES) and is certainly past by ``day``: a turn the tie does not record, as the
    crisis counts its turncoats (:func:`patronage.analysis.crisis.turncoats_of`, for a client tied to him)."""
    turned = tables.derived("turns by act", _turns_by_act)  # (patron, client) -> the last day its first turn may be
    when = pd.Series(list(zip(ties["patron_id"], ties["client_id"], strict=True)), index=ties.index).map(turned)
    return (ties["kind"].eq("patronage") & (when <= day)).fillna(False).astype(bool)


def _turns_by_act(tables) -> dict:
    """(patron, client) -> the latest day of the earliest event at which the client acts against the patron
    (AGAINST_ROLES) while it acts against the patron (TARGET_ROLES): once per tables, not per day a network is drawn."""
    parts, events = tables.event_participants, tables.events
    acts = parts.loc[parts["role"].isin(AGAINST_ROLES), ["event_id", "person_id"]]
    aimed = parts.loc[parts["role"].isin(TARGET_ROLES), ["event_id", "person_id"]]
    pairs = aimed.merge(acts, on="event_id", suffixes=("_patron", "_client"))
    pairs = pairs.assign(last=pairs["event_id"].map(events.drop_duplicates("event_id").set_index("event_id")["date_hi"]))
    return pairs.dropna(subset=["last"]).groupby(["person_id_patron", "person_id_client"])["last"].min().to_dict()


def _turned_within(tables, kinds, a: pd.Timestamp, b: pd.Timestamp) -> set:
    """The pairs (patron, client) with a tie of ``kinds`` whose client's turn (:func:`_defected_by`,
    :func:`_turned_by_act`) is certainly made by day b and not by day a: a tie lost in the interval, whatever its
    recorded end."""
    t = tables.ties[tables.ties["kind"].isin(kinds)]
    by = {d: _defected_by(t, d) | _turned_by_act(tables, t, d) for d in (a - pd.Timedelta(days=1), b - pd.Timedelta(days=1))}
    turned = (by[b - pd.Timedelta(days=1)] & ~by[a - pd.Timedelta(days=1)]).to_numpy(dtype=bool)
    return set(zip(t["patron_id"].to_numpy()[turned], t["client_id"].to_numpy()[turned], strict=True))


def days_around(points: pd.DataFrame) -> list[pd.Timestamp]:
    """The day before the first day each turning point (:func:`turning_points`) may be, and the day after its last:
    a fall dated 'October 1957' is bracketed by 30 September and 1 November. Sorted, each once."""
    one = pd.Timedelta(days=1)
    return sorted({d - one for d in points["date_lo"]} | {d + one for d in points["date_hi"]})


def clients_on_days(tables, days: list) -> pd.DataFrame:
    """How many clients each patron had on each of ``days`` (0 on a day he had none, if he had some on another).

    returns: long frame: patron (name), day (ISO), clients.
    """
    counts = [clients_by_patron(tables, d)["clients"].rename(to_date(d).date().isoformat()) for d in days]
    if not counts:
        return pd.DataFrame(columns=["patron", "day", "clients"])
    wide = pd.concat(counts, axis=1).fillna(0).astype(int).sort_index()
    return wide.reset_index().melt(id_vars="patron", var_name="day", value_name="clients")


def describe(tables, on, patron, changed: pd.DataFrame) -> list[str]:
    """What the network shows, in sentences built from the tables: its size on the day, the patron's clients
    and his place among the patrons, and the intervals between turning points in which ties changed."""
    names = tables.persons.set_index("person_id")["name"]
    day = to_date(on).date()
    rows, g, by_patron = ties_as_of(tables, on), graph_as_of(tables, on), clients_by_patron(tables, on)
    mine = int(by_patron["clients"].get(names.get(patron, patron), 0))
    more, same = int((by_patron["clients"] > mine).sum()), int((by_patron["clients"] == mine).sum()) - (mine > 0)
    # a man with two patrons is one client: the sum of the patrons' counts would count him twice
    clients = ties_as_of(tables, on, CLIENT_KINDS)["client_id"].nunique()
    twice = int(by_patron["clients"].sum()) - clients
    pairs = f" ({number(g.number_of_edges(), 'pair')} of persons)" if g.number_of_edges() != len(rows) else ""
    kind = ("; none of them is patronage" if not clients else
            f"; {number(len(by_patron), 'patron')} had {number(clients, 'client')}{' between them' if len(by_patron) > 1 else ''}"
            + (f" ({number(twice, 'client')} of two patrons or more, counted once)" if twice else ""))
    place = (f"; {number(more, 'patron')} had more." if more else "." if not mine
             else f", as many as {number(same, 'other patron')} and no one more." if same
             else ", more than any other patron." if len(by_patron) > 1 else "; no other patron had any.")
    if not alive_on(tables, on, [patron]).iloc[0]:
        died = tables.persons.set_index("person_id")["died_lo"].get(patron)
        place = place[:-1] + f" (the tables record him dead by {died.date()})."
    evidence = getattr(tables, "selection", {}).get("evidence")
    where = f"the rows selected (evidence {evidence!r}) record" if evidence else "the tables record"
    out = [f"On {day} {where} {number(g.number_of_nodes(), 'person')} joined by {number(len(rows), 'tie')} "
           f"of all kinds{pairs}{kind}." if len(rows) else f"On {day} {where} no tie between any two persons.",
           f"{names.get(patron, patron)} had {number(mine, 'client')} that day{place}"]
    if len(changed):
        out.append(f"Ties changed in {len(changed)} of the intervals between the turning points of {day.year}: "
                   + "; ".join(f"{r['from']} to {r['to']}: " + ", ".join(f"{said} {r[what]}" for what, said in CHANGES.items()
                                                                          if r.get(what, "–") != "–")
                               for r in changed.to_dict("records")) + ".")
    else:
        none = f"No patronage tie in the rows selected (evidence {evidence!r})" if evidence else "No patronage tie the tables record"
        out.append(f"{none} changed across the turning points of {day.year}.")
    return out


