"""The crises of a synthetic register, each with a cast built so the hypotheses have something to test: a
patron who falls on the crisis day (a ``coup`` event), a rival who organises it, the patron's clients
(some defect, exposed to the rival before, and take the patron's post; the loyal ones are arrested,
some after appealing to the rival, some executed) and the rival's own clients; and a few documented
conflicts, an appointment dated one way by the register and another by the handbook."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from patronage.tables.synthetic_world import ALL_CODINGS, QUOTE, REFERENCE, SEED_SOURCE, World, iso_days

CRISIS_DAYS = ("1953-06-26", "1938-11-25", "1957-06-29", "1949-02-15", "1964-10-14", "1944-03-01")
CLIENTS, DEFECTORS, RIVAL_CLIENTS = 12, 3, 6
CAST = 2 + CLIENTS + RIVAL_CLIENTS  # persons in each crisis
CAST_SPELLS = 1 + 1 + 2 * DEFECTORS + (CLIENTS - DEFECTORS) + RIVAL_CLIENTS  # posts of each crisis' cast
TIE_COLUMNS = ["tie_id", "patron_id", "client_id", "kind", "a", "b", "basis", "defected", "defection_date", "motive",
               "codings"]


@dataclass(frozen=True)
class CrisisSpec:
    """A crisis the generator built: who falls when, his rival, his clients and which of them defect."""

    patron: str
    date: str
    rival: str
    clients: tuple[str, ...]
    defectors: tuple[str, ...]
    rival_clients: tuple[str, ...]

    @property
    def loyal(self) -> tuple[str, ...]:
        """The clients who do not defect, in order."""
        return self.clients[len(self.defectors):]

    @property
    def cast(self) -> list[str]:
        """Everyone in the crisis: the patron, the rival, the patron's clients, the rival's clients."""
        return [self.patron, self.rival, *self.clients, *self.rival_clients]


@dataclass(frozen=True)
class Clock:
    """Days counted from a crisis day."""

    day: np.datetime64

    def days(self, n: int) -> np.datetime64:
        """``n`` days after the crisis (before it if negative)."""
        return self.day + np.timedelta64(int(n), "D")

    def years(self, y: float) -> np.datetime64:
        """``y`` years of 365.25 days after the crisis, to the day."""
        return self.day + np.timedelta64(int(round(y * 365.25)), "D")


def iso(d) -> str:
    """A day as 'YYYY-MM-DD'."""
    return str(np.datetime64(d, "D"))


def crisis(world: World, c: int, date: str) -> CrisisSpec:
    """Crisis number ``c``, on ``date``, with its cast, their posts, the events of the fall and the ties."""
    p = f"c{c}"
    clients = tuple(f"{p}-client-{i:02d}" for i in range(1, CLIENTS + 1))
    spec = CrisisSpec(f"{p}-patron", date, f"{p}-rival", clients, clients[:DEFECTORS],
                      tuple(f"{p}-rclient-{i:02d}" for i in range(1, RIVAL_CLIENTS + 1)))
    at = Clock(world.day(date))
    _cast(world, c, spec, at)
    offices = _offices(world, c, p, at)
    spells, arrests, executions, appeals = _cast_posts(spec, at, *offices)
    _add_spells(world, spec, p, spells, offices[0])
    _cast_events(world, c, spec, p, at, arrests, executions, appeals)
    _cast_ties(world, spec, p, at)
    return spec


def _cast(world: World, c: int, spec: CrisisSpec, at: Clock) -> None:
    """The cast as persons, each with a birth event (the year only)."""
    cast = spec.cast
    world.add("persons", {"person_id": cast, "name": [f"Crisis {c} {x.split('-', 1)[1].replace('-', ' ').title()}" for x in cast],
                          "surname": [x.split("-", 1)[1].replace("-", " ").title() for x in cast],
                          **world.sourcing(len(cast), external=False)})
    born = {spec.patron: at.years(-55), spec.rival: at.years(-58),
            **{x: at.years(-45 - i % 5) for i, x in enumerate(spec.clients)},
            **{x: at.years(-40 - i % 4) for i, x in enumerate(spec.rival_clients)}}
    world.add("events", {"event_id": [f"b-{x}" for x in cast], "date": [iso(born[x])[:4] for x in cast], "kind": "birth",
                         "title": "Birth", **world.sourcing(len(cast), external=False)})
    world.add("event_participants", {"event_id": [f"b-{x}" for x in cast], "person_id": cast, "role": "subject",
                                     **world.sourcing(len(cast), external=False)})


def _offices(world: World, c: int, p: str, at: Clock) -> tuple[str, str, str]:
    """The patron's ministry (renamed the day after the fall) and the rival's party committee; returns their ids."""
    ministry, renamed, party = f"{p}-ministry", f"{p}-ministry-renamed", f"{p}-party"
    world.add("organisations", {"org_id": [ministry, renamed, party],
                                "name": [f"Ministry {c}", f"Ministry {c}, renamed", f"Party committee {c}"],
                                "kind": ["security", "security", "party"], "level": "union", "parent_id": "",
                                "lineage": [ministry, ministry, party], "predecessors": ["", ministry, ""],
                                "valid_from": [iso(at.years(-20))[:4], iso(at.days(1)), iso(at.years(-30))[:4]],
                                "valid_to": [iso(at.day), "", ""], **world.sourcing(3, external=False)})
    return ministry, renamed, party


def _cast_posts(spec: CrisisSpec, at: Clock, ministry: str, renamed: str, party: str) -> tuple[list, dict, dict, list]:
    """The cast's posts (person, organisation, seniority, post, start, end, end cause), and what befell the
    loyal clients and the patron: (posts, arrests, executions, appeals to the rival)."""
    spells = [(spec.patron, ministry, 6, "Minister", at.years(-8), at.day, "arrest"),
              (spec.rival, party, 6, "First Secretary", at.years(-10), at.years(10), "retirement")]
    arrests, executions, appeals = {}, {}, []
    for i, x in enumerate(spec.defectors):
        spells.append((x, ministry, 5, "First deputy", at.years(-6), at.day, "promotion"))
        spells.append((x, renamed, 6, "Minister", at.days(2 + i), at.years(5 - i), "dismissal"))
    for i, x in enumerate(spec.loyal):
        lost = at.days(5 + 7 * i)
        if i < 2:  # appeal to the rival, then are arrested
            appeals.append((x, at.days(3 + 7 * i)))
        spells.append((x, ministry, 5 if i < 4 else 4 if i < 6 else 3, "Deputy minister", at.years(-5), lost, "arrest"))
        arrests[x] = lost
        if i % 3 == 0:
            executions[x] = at.days(180 + i)
    executions[spec.patron] = at.days(180)
    for i, x in enumerate(spec.rival_clients):
        spells.append((x, party, 4 + i % 2, "Secretary", at.years(-4), at.years(8 - i), "transfer"))
    return spells, arrests, executions, appeals


def _add_spells(world: World, spec: CrisisSpec, p: str, spells: list, ministry: str) -> None:
    """The cast's posts as spells; the patron appointed everyone in his ministry."""
    s = pd.DataFrame(spells, columns=["person_id", "org_id", "seniority", "post", "a", "b", "end_cause"])
    world.add("spells", {"spell_id": [f"{p}-s{i:02d}" for i in range(len(s))], "person_id": s["person_id"],
                         "org_id": s["org_id"], "post": s["post"], "seniority": s["seniority"].astype(str),
                         "start": [iso(d) for d in s["a"]], "end": [iso(d) for d in s["b"]], "end_cause": s["end_cause"],
                         "appointed_by": [spec.patron if o == ministry and x != spec.patron else "" for x, o in
                                          zip(s["person_id"], s["org_id"], strict=True)],
                         **world.sourcing(len(s), external=False)})


def _cast_events(world: World, c: int, spec: CrisisSpec, p: str, at: Clock, arrests: dict, executions: dict,
                 appeals: list) -> None:
    """The coup (the patron arrested, the rival organising, the defectors acting against him), the arrests,
    the executions (each with its fate) and the appeals to the rival."""
    events = [(f"{p}-coup", iso(at.day), "coup", f"Fall of the patron of crisis {c}")]
    parts = [(f"{p}-coup", spec.patron, "arrested"), (f"{p}-coup", spec.rival, "organiser")]
    parts += [(f"{p}-coup", x, "defecting") for x in spec.defectors]
    for what, kind, title, role, when in (("arrest", "arrest", "Arrest", "arrested", arrests.items()),
                                          ("shot", "execution", "Shot", "executed", executions.items())):
        for x, day in when:
            events.append((f"{p}-{what}-{x.rsplit('-', 1)[1]}", iso(day), kind, title))
            parts.append((f"{p}-{what}-{x.rsplit('-', 1)[1]}", x, role))
    for x, day in appeals:
        events.append((f"{p}-appeal-{x.rsplit('-', 1)[1]}", iso(day), "meeting", "Appeal to the rival"))
        parts += [(f"{p}-appeal-{x.rsplit('-', 1)[1]}", x, "appealing"),
                  (f"{p}-appeal-{x.rsplit('-', 1)[1]}", spec.rival, "appealed_to")]
    e = pd.DataFrame(events, columns=["event_id", "date", "kind", "title"])
    world.add("events", {**e.to_dict("list"), **world.sourcing(len(e), external=False)})
    q = pd.DataFrame(parts, columns=["event_id", "person_id", "role"])
    world.add("event_participants", {**q.to_dict("list"), **world.sourcing(len(q), external=False)})
    world.add("attributes", {"attribute_id": [f"{x}-fate" for x in executions], "person_id": list(executions),
                             "attribute": "fate", "value": "executed", "date": [iso(d) for d in executions.values()],
                             **world.sourcing(len(executions), external=False)})


def _cast_ties(world: World, spec: CrisisSpec, p: str, at: Clock) -> None:
    """The rivalry, the patron's clients (the defectors' ties coded as defections), the rival's ties to the
    defectors (a truer patronage under one coding, an old exposure, the reward) and to his own clients."""
    patron, rival, defectors = spec.patron, spec.rival, spec.defectors
    ties = [(f"{p}-rivalry", patron, rival, "rivalry", at.years(-5), at.day, "political", False, "", "", ALL_CODINGS)]
    for i, x in enumerate(spec.clients):
        defects = x in defectors
        ties.append((f"{p}-tie-{i + 1:02d}", patron, x, "patronage", at.years(-7), at.day, "recruited", defects,
                     iso(at.day) if defects else "", "reward" if defects and i else "survival" if defects else "",
                     "blauvelt|rayfield" if defects else ALL_CODINGS))
    for i, x in enumerate(defectors):
        ties += [(f"{p}-truer-{i + 1:02d}", rival, x, "patronage", at.years(-7), at.day, "proposed", False, "", "",
                  "not_true_clients"),
                 (f"{p}-exposure-{i + 1:02d}", rival, x, "exposure", at.years(-15), at.years(-12), "co-worker", False,
                  "", "", ALL_CODINGS),
                 (f"{p}-reward-{i + 1:02d}", rival, x, "patronage", at.days(1), at.years(5 - i), "promoted", False,
                  "", "", ALL_CODINGS)]
    ties.append((f"{p}-exposure-loyal", rival, spec.loyal[-1], "exposure", at.years(-14), at.years(-13), "co-worker",
                 False, "", "", ALL_CODINGS))
    ties += [(f"{p}-rtie-{i + 1:02d}", rival, x, "patronage", at.years(-4), at.years(8 - i), "protected", False, "", "",
              ALL_CODINGS) for i, x in enumerate(spec.rival_clients)]
    t = pd.DataFrame(ties, columns=TIE_COLUMNS)
    world.add("ties", {"tie_id": t["tie_id"], "patron_id": t["patron_id"], "client_id": t["client_id"], "kind": t["kind"],
                       "start": [iso(d) for d in t["a"]], "end": [iso(d) for d in t["b"]], "basis": t["basis"],
                       "defected": np.where(t["defected"], "true", "false"), "defection_date": t["defection_date"],
                       "motive": t["motive"], "codings": t["codings"], **world.sourcing(len(t), external=False)})


def conflicts(world: World, k: int) -> None:
    """k documented conflicts: an appointment dated one way by the register, another by the handbook."""
    spell_ids, persons, _, start = world.spell_table
    k = min(k, len(spell_ids))
    pick = np.sort(world.rng.choice(len(spell_ids), k, replace=False))
    cid = "conflict-" + pd.Series(np.arange(1, k + 1)).astype(str).str.zfill(4)
    article, standard = iso_days(start[pick]), iso_days(start[pick] - np.timedelta64(10, "D"))
    for reading, dates, src in (("article", article, world.sourcing(k, external=False)),
                                ("standard", standard, {"source_id": REFERENCE, "locator": "entry", "quote": "",
                                                        "evidence": "external"})):
        eid = "k-" + cid.str[9:] + "-" + reading
        world.add("events", {"event_id": eid, "date": dates, "kind": "appointment", "title": "Appointment (disputed date)",
                            **src, "conflict_id": cid, "reading": reading})
        world.add("event_participants", {"event_id": eid, "person_id": persons[pick], "role": "appointed", **src,
                                        "conflict_id": cid, "reading": reading})
    world.add("conflicts", {"conflict_id": cid, "kind": "date", "topic": "Date of an appointment", "reading_a": "article",
                           "a_source_id": SEED_SOURCE, "a_locator": "register", "a_quote": QUOTE, "a_evidence": "seed",
                           "reading_b": "standard", "b_source_id": REFERENCE, "b_locator": "entry", "b_quote": "",
                           "b_evidence": "external", "default_reading": "article",
                           "resolution": "Synthetic: the register's date is kept."})
