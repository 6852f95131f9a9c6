"""A seeded synthetic prosopography with the compendium's schema, for scale tests and benchmarks.

``make_package(folder, persons=40_000, spells=200_000, seed=1953)`` writes a data package that
``patronage.load`` accepts: the descriptor of data/datapackage.json (with checksums recorded),
and every table filled:

- ``persons`` with births (all) and deaths (most) as events, some executed after an arrest;
- ``organisations`` in lineages, renamed at the same reorganisations as the real offices
  (1934, 1946, 1954), each renaming naming its predecessor;
- ``spells``: careers of consecutive posts inside each person's life, seniorities 0-7 rising
  along a career, dates as EDTF strings at day, month or year precision, a few approximate
  (``1950~``) or uncertain (``1950-06?``);
- ``ties`` of every kind (patronage, subordination, alliance, exposure, rivalry,
  surveillance), some defections with a motive, coded under the three codings the notebooks
  know (``blauvelt``, ``not_true_clients``, ``rayfield``) so their defaults apply;
- ``events`` and ``event_participants``: births, deaths, arrests, executions, appointments;
- for every crisis, a cast built so the hypotheses have something to test: a patron who falls
  on the crisis day (a ``coup`` event), a rival who organises it, the patron's clients (some
  defect, exposed to the rival before, and take the patron's post; the loyal ones are
  arrested, some after appealing to the rival, some executed) and the rival's own clients;
- ``sources``: one seed source (every seed row quotes it) and one reference work (the
  ``external`` rows, without quotation); ``codings``; ``attributes`` (fates, ethnicity);
  ``conflicts``: a few dated appointments with an article and a standard reading.

The same arguments give the same bytes. Nothing here is historical: names are drawn from lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from patronage import config

SEED_SOURCE, REFERENCE = "synthetic-register", "synthetic-handbook"
QUOTE = "as the synthetic register records it"
CODINGS = ("blauvelt", "not_true_clients", "rayfield")
ALL_CODINGS = "|".join(CODINGS)
END = np.datetime64("1995-12-31")
ERAS = np.array(["1900-01-01", "1934-07-10", "1946-03-15", "1954-03-13"], dtype="datetime64[D]")
CRISIS_DAYS = ("1953-06-26", "1938-11-25", "1957-06-29", "1949-02-15", "1964-10-14", "1944-03-01")
CLIENTS, DEFECTORS, RIVAL_CLIENTS = 12, 3, 6
CAST = 2 + CLIENTS + RIVAL_CLIENTS  # persons in each crisis
GIVEN = ("Ivan", "Pyotr", "Sergei", "Nikolai", "Aleksandr", "Mikhail", "Viktor", "Georgii", "Lavrentii", "Vsevolod",
         "Bogdan", "Semyon", "Vladimir", "Andrei", "Dmitrii", "Fyodor", "Grigorii", "Konstantin", "Leonid", "Boris",
         "Pavel", "Stepan", "Timofei", "Yakov", "Arkadii", "Avksentii", "Solomon", "Vasilii", "Kliment", "Anastas")
ROOTS = ("Petr", "Ivan", "Kuznets", "Smirn", "Sokol", "Popov", "Lebed", "Kozl", "Novik", "Morozov", "Volk", "Soloviev",
         "Vasil", "Zaits", "Pavl", "Semen", "Golub", "Vinogrados", "Bogdan", "Vorob", "Fedor", "Mikhail", "Belyaev",
         "Tarasov", "Belov", "Komarov", "Orlov", "Kiselev", "Makarov", "Andre", "Kovalev", "Ilyin", "Gusev", "Titov")
ENDINGS = ("", "ov", "ev", "in", "skii", "enko", "adze", "ian", "ovich", "ko")
KINDS = ("security", "party", "government", "military", "education", "other")
LEVELS = ("union", "republic", "regional", "city")
ROLES_ENDING = ("promotion", "transfer", "reorganisation", "dismissal", "demotion", "retirement", "resignation",
                "unknown")


@dataclass(frozen=True)
class CrisisSpec:
    """A crisis the generator built: who falls when, his rival, his clients and which of them defect."""

    patron: str
    date: str
    rival: str
    clients: tuple[str, ...]
    defectors: tuple[str, ...]
    rival_clients: tuple[str, ...]


@dataclass(frozen=True)
class Package:
    """What make_package wrote: the folder, the rows per table and the crises built in."""

    folder: Path
    seed: int
    counts: dict[str, int]
    crises: tuple[CrisisSpec, ...] = field(default=())


def make_package(folder: Path | str, persons: int = 40_000, spells: int = 200_000, seed: int = 1953,
                 crises: int | None = None, uncertain: float = 0.005, external: float = 0.05) -> Package:
    """Write a synthetic data package into ``folder`` (created; existing tables are overwritten).

    persons, spells: how many rows of each (exactly); at least 100 persons.
    crises: how many crises with a cast (default: one per 20,000 persons, at least one).
    uncertain: share of month- and year-precision dates given an EDTF qualifier (~ or ?).
    external: share of rows resting on the reference work (evidence 'external') instead of the seed source.

    returns: Package (folder, counts, crises).
    """
    if persons < 100 or spells < persons // 10:
        raise ValueError("give at least 100 persons and a tenth as many spells")
    crises = crises if crises is not None else max(1, persons // 20_000)
    crises = min(crises, len(CRISIS_DAYS), max(1, (persons - 50) // CAST))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    world = _World(rng, uncertain, external)
    n_cast = crises * CAST
    world.random_people(persons - n_cast, spells - crises * _CAST_SPELLS)
    specs = tuple(world.crisis(c, CRISIS_DAYS[c]) for c in range(crises))
    world.conflicts(max(1, persons // 4000))
    counts = world.write(folder, seed)
    assert counts["persons"] == persons and counts["spells"] == spells, counts
    return Package(folder, seed, counts, specs)


_CAST_SPELLS = 1 + 1 + 2 * DEFECTORS + (CLIENTS - DEFECTORS) + RIVAL_CLIENTS


def _iso(days: np.ndarray) -> pd.Series:
    """datetime64[D] days as 'YYYY-MM-DD' strings ('' for NaT)."""
    out = pd.Series(np.datetime_as_string(days, unit="D"), dtype=object)
    return out.where(~np.isnat(days), "")


class _World:
    """Rows of every table, built up table by table, then written once."""

    def __init__(self, rng: np.random.Generator, uncertain: float, external: float):
        self.rng, self.uncertain, self.external = rng, uncertain, external
        self.rows: dict[str, list[pd.DataFrame]] = {}
        self.lineages = 0

    # -- helpers ---------------------------------------------------------------------------------

    def add(self, table: str, frame: pd.DataFrame | dict) -> None:
        frame = pd.DataFrame(frame) if isinstance(frame, dict) else frame
        self.rows.setdefault(table, []).append(frame)

    def sourcing(self, n: int, external: bool = True) -> dict:
        """source_id, locator, quote, evidence for n rows: mostly the seed register, some the handbook."""
        ext = self.rng.random(n) < self.external if external else np.zeros(n, bool)
        return {"source_id": np.where(ext, REFERENCE, SEED_SOURCE),
                "locator": np.where(ext, "entry", "register"),
                "quote": np.where(ext, "", QUOTE),
                "evidence": np.where(ext, "external", "seed")}

    def edtf(self, days: np.ndarray, month: float = 0.12, year: float = 0.05) -> pd.Series:
        """EDTF strings for days: day precision mostly, some month or year, a few qualified."""
        text = _iso(days)
        r = self.rng.random(len(days))
        as_year, as_month = r < year, (r >= year) & (r < year + month)
        text = text.where(~as_month, text.str[:7]).where(~as_year, text.str[:4])
        q = self.rng.random(len(days))
        qualified = (as_year | as_month) & (q < self.uncertain) & (text != "")
        mark = np.where(q < self.uncertain * 0.7, "~", "?")
        return text.where(~qualified, text + pd.Series(mark, index=text.index))

    def day(self, text: str) -> np.datetime64:
        return np.datetime64(text, "D")

    # -- the random world ------------------------------------------------------------------------

    def random_people(self, n: int, n_spells: int) -> None:
        rng = self.rng
        ids = ("p" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7)).to_numpy(dtype=object)
        born = np.datetime64("1870-01-01") + rng.integers(0, 65 * 365, n).astype("timedelta64[D]")
        counts = rng.multinomial(n_spells, (w := rng.lognormal(0, 0.6, n)) / w.sum())
        start = born + ((20 + rng.random(n) * 10) * 365.25).astype("timedelta64[D]")
        dies = rng.random(n) < 0.7
        death = born + ((45 + rng.random(n) * 45) * 365.25).astype("timedelta64[D]")
        need = start + (counts * 75 + 365).astype("timedelta64[D]")  # room for every post
        death = np.maximum(death, need)
        dies &= death <= END
        executed = dies & (rng.random(n) < 0.06)
        stop = np.where(dies, death, END)
        retire = dies & ~executed & (rng.random(n) < 0.6)
        stop = np.where(retire, np.maximum(need, stop - (rng.random(n) * 5 * 365).astype("timedelta64[D]")), stop)
        stop = np.where(executed, death - np.timedelta64(90, "D"), stop)
        stop = np.minimum(stop, np.where(dies, death, END))
        self._persons(ids, n)
        self._births_deaths(ids, born, dies, death, executed)
        self._careers(ids, counts, start, stop, dies, executed, retire)
        self._ties(ids, born, start, stop, counts)

    def _persons(self, ids: pd.Series, n: int) -> None:
        rng = self.rng
        given = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
        surname = pd.Series(np.array(ROOTS)[rng.integers(0, len(ROOTS), n)]) + np.array(ENDINGS)[rng.integers(0, len(ENDINGS), n)]
        father = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
        patronymic = pd.Series(father).str.rstrip("iy") + "ovich"
        self.add("persons", {"person_id": ids, "name": given + " " + surname, "surname": surname, "given_name": given,
                             "patronymic": patronymic.where(rng.random(n) < 0.7, ""), **self.sourcing(n)})
        eth = rng.random(n) < 0.3
        self.add("attributes", {"attribute_id": ids[eth] + "-ethnicity", "person_id": ids[eth], "attribute": "ethnicity",
                                "value": np.array(["Russian", "Georgian", "Ukrainian", "Armenian", "Jewish", "Latvian"])[
                                    rng.integers(0, 6, int(eth.sum()))], **self.sourcing(int(eth.sum()))})

    def _births_deaths(self, ids, born, dies, death, executed) -> None:
        n = len(ids)
        self.add("events", {"event_id": "b-" + ids, "date": self.edtf(born, month=0.1, year=0.5), "kind": "birth",
                            "title": "Birth", **self.sourcing(n)})
        self.add("event_participants", {"event_id": "b-" + ids, "person_id": ids, "role": "subject", **self.sourcing(n)})
        d_ids, d_day, d_exec = ids[dies], death[dies], executed[dies]
        text = self.edtf(d_day, month=0.15, year=0.08)
        kind = np.where(d_exec, "execution", "death")
        self.add("events", {"event_id": "d-" + d_ids, "date": text, "kind": kind, "title": np.where(d_exec, "Shot", "Death"),
                            **self.sourcing(len(d_ids))})
        self.add("event_participants", {"event_id": "d-" + d_ids, "person_id": d_ids,
                                        "role": np.where(d_exec, "executed", "subject"), **self.sourcing(len(d_ids))})
        x_ids, x_day = ids[executed], death[executed] - np.timedelta64(90, "D")
        self.add("events", {"event_id": "x-" + x_ids, "date": _iso(x_day), "kind": "arrest", "title": "Arrest",
                            **self.sourcing(len(x_ids))})
        self.add("event_participants", {"event_id": "x-" + x_ids, "person_id": x_ids, "role": "arrested",
                                        **self.sourcing(len(x_ids))})
        fate = np.where(d_exec, "executed", "died")
        self.add("attributes", {"attribute_id": d_ids + "-fate", "person_id": d_ids, "attribute": "fate", "value": fate,
                                "date": text, **self.sourcing(len(d_ids))})

    def _organisations(self, lineages: int) -> np.ndarray:
        """Organisations: one per lineage and era; returns org ids as an array [lineage, era]."""
        rng = self.rng
        self.lineages = lineages
        lin = np.repeat(np.arange(lineages), len(ERAS))
        era = np.tile(np.arange(len(ERAS)), lineages)
        lineage_id = "l" + pd.Series(lin).astype(str).str.zfill(4)
        org = lineage_id + "-" + pd.Series(era).astype(str)
        valid_from = pd.Series(np.datetime_as_string(ERAS[era], unit="D"))
        valid_from = valid_from.where(era > 0, "1900")
        last = era == len(ERAS) - 1
        valid_to = _iso(np.where(last, np.datetime64("NaT"), ERAS[np.minimum(era + 1, len(ERAS) - 1)] - np.timedelta64(1, "D")))
        predecessors = pd.Series(np.where(era > 0, lineage_id + "-" + pd.Series(era - 1).astype(str), ""))
        kind = np.array(KINDS)[lin % len(KINDS)]
        parent = np.where((lin > 0) & (rng.random(len(lin)) < 0.3), "l0000-" + pd.Series(era).astype(str), "")
        self.add("organisations", {"org_id": org, "name": "Office " + lineage_id.str[1:] + " (" + (era + 1).astype(str) + ")",
                                   "kind": kind, "level": np.array(LEVELS)[lin % len(LEVELS)], "parent_id": parent,
                                   "lineage": lineage_id, "predecessors": predecessors, "valid_from": valid_from,
                                   "valid_to": valid_to, **self.sourcing(len(lin))})
        return org.to_numpy().reshape(lineages, len(ERAS))

    def _careers(self, ids, counts, start, stop, dies, executed, retire) -> None:
        rng = self.rng
        n_spells = int(counts.sum())
        orgs = self._organisations(max(10, len(ids) // 800))
        pid = np.repeat(np.arange(len(ids)), counts)
        first = np.r_[0, np.cumsum(counts)[:-1]]
        weight = rng.exponential(1.0, n_spells) + 0.2
        total = np.cumsum(weight)
        offset = np.r_[0.0, total][first]
        within = total - offset[pid]
        has = counts > 0
        person_total = np.zeros(len(ids))
        person_total[has] = within[(first + counts - 1)[has]]
        share_end = within / person_total[pid]
        share_start = (within - weight) / person_total[pid]
        span = (stop - start).astype(int)[pid]
        a = start[pid] + (share_start * span).astype("timedelta64[D]")
        b = start[pid] + (share_end * span).astype("timedelta64[D]")
        gap = np.minimum(20, ((b - a).astype(int) * 0.1)).astype("timedelta64[D]")
        b = np.maximum(a, b - gap)
        position = np.arange(n_spells) - first[pid]
        last = position == counts[pid] - 1
        peak = rng.choice(8, len(ids), p=[0.08, 0.22, 0.25, 0.18, 0.13, 0.08, 0.05, 0.01])
        seniority = np.rint(peak[pid] * (0.4 + 0.6 * position / np.maximum(counts[pid] - 1, 1))).astype(int)
        home = rng.integers(0, orgs.shape[0], len(ids))
        lineage = np.where(rng.random(n_spells) < 0.7, home[pid], rng.integers(0, orgs.shape[0], n_spells))
        era = np.clip(np.searchsorted(ERAS, a, side="right") - 1, 0, len(ERAS) - 1)
        still = last & ~dies[pid] & (rng.random(n_spells) < 0.5)
        cause = np.array(ROLES_ENDING)[rng.integers(0, len(ROLES_ENDING), n_spells)].astype(object)
        cause[last & dies[pid] & ~retire[pid]] = "death"
        cause[last & executed[pid]] = "arrest"
        cause[last & retire[pid]] = "retirement"
        cause[still] = "ongoing"
        end = self.edtf(b)
        end[still] = ""
        spell_ids = "s" + pd.Series(np.arange(1, n_spells + 1)).astype(str).str.zfill(8)
        start_text = self.edtf(a)
        self.add("spells", {"spell_id": spell_ids, "person_id": ids[pid], "org_id": orgs[lineage, era],
                            "post": np.array(["Instructor", "Head of section", "Deputy head", "Head of department",
                                              "Deputy minister", "First deputy", "Minister", "Secretary"])[seniority],
                            "seniority": seniority.astype(str), "start": start_text, "end": end, "end_cause": cause,
                            **self.sourcing(n_spells)})
        appointed = rng.random(n_spells) < 0.1
        e_ids = "a-" + spell_ids[appointed]
        self.add("events", {"event_id": e_ids, "date": start_text[appointed].to_numpy(), "kind": "appointment",
                            "title": "Appointment", **self.sourcing(len(e_ids))})
        self.add("event_participants", {"event_id": e_ids, "person_id": ids[pid][appointed], "role": "appointed",
                                        **self.sourcing(len(e_ids))})
        self.spell_table = (spell_ids, ids[pid], start_text, a)

    def _ties(self, ids, born, start, stop, counts) -> None:
        rng, n = self.rng, len(ids)
        working = np.flatnonzero(counts > 0)
        order = working[np.argsort(born[working], kind="stable")]
        k = len(order)
        t = n  # one tie per person on average
        ci = rng.integers(0, k, t)
        pi = np.clip(ci + rng.integers(-300, 300, t), 0, k - 1)
        pi = np.where(pi == ci, (ci + 1) % k, pi)
        client, patron = order[ci], order[pi]
        a = np.maximum(start[client], start[patron])
        b = np.minimum(stop[client], stop[patron])
        b = np.where(b < a, a + np.timedelta64(365, "D"), b)
        kind = rng.choice(["patronage", "subordination", "alliance", "exposure", "rivalry", "surveillance"], t,
                          p=[0.6, 0.15, 0.05, 0.1, 0.05, 0.05])
        open_end = (b >= END - np.timedelta64(365, "D")) & (rng.random(t) < 0.5)
        end = self.edtf(b)
        end[open_end] = ""
        defected = (kind == "patronage") & (rng.random(t) < 0.02)
        motive = np.where(defected, rng.choice(["reward", "survival", "grievance", "ideology", "unknown"], t), "")
        r = rng.random(t)
        codings = np.where(r < 0.9, ALL_CODINGS, np.where(r < 0.95, "blauvelt", "not_true_clients|rayfield"))
        basis = rng.choice(["recruited", "promoted", "protected", "proposed", "subordinate", "co-worker", "personal",
                            "political"], t)
        self.add("ties", {"tie_id": "t" + pd.Series(np.arange(1, t + 1)).astype(str).str.zfill(8),
                          "patron_id": ids[patron], "client_id": ids[client], "kind": kind,
                          "start": self.edtf(a), "end": end, "basis": basis, "defected": np.where(defected, "true", "false"),
                          "defection_date": np.where(defected, end.where(end != "", _iso(b)), ""), "motive": motive,
                          "codings": codings, **self.sourcing(t)})

    # -- a crisis with its cast ------------------------------------------------------------------

    def crisis(self, c: int, date: str) -> CrisisSpec:
        D = self.day(date)

        def days(n: int) -> np.datetime64:
            return D + np.timedelta64(int(n), "D")

        def years(y: float) -> np.datetime64:
            return D + np.timedelta64(int(round(y * 365.25)), "D")

        def iso(d) -> str:
            return str(np.datetime64(d, "D"))

        p = f"c{c}"
        patron, rival = f"{p}-patron", f"{p}-rival"
        clients = [f"{p}-client-{i:02d}" for i in range(1, CLIENTS + 1)]
        defectors, loyal = clients[:DEFECTORS], clients[DEFECTORS:]
        rclients = [f"{p}-rclient-{i:02d}" for i in range(1, RIVAL_CLIENTS + 1)]
        cast = [patron, rival, *clients, *rclients]
        self.add("persons", {"person_id": cast, "name": [f"Crisis {c} {x.split('-', 1)[1].replace('-', ' ').title()}" for x in cast],
                             "surname": [x.split("-", 1)[1].replace("-", " ").title() for x in cast],
                             **self.sourcing(len(cast), external=False)})
        born = {patron: years(-55), rival: years(-58), **{x: years(-45 - i % 5) for i, x in enumerate(clients)},
                **{x: years(-40 - i % 4) for i, x in enumerate(rclients)}}
        self.add("events", {"event_id": [f"b-{x}" for x in cast], "date": [iso(born[x])[:4] for x in cast], "kind": "birth",
                            "title": "Birth", **self.sourcing(len(cast), external=False)})
        self.add("event_participants", {"event_id": [f"b-{x}" for x in cast], "person_id": cast, "role": "subject",
                                        **self.sourcing(len(cast), external=False)})
        ministry, renamed, party = f"{p}-ministry", f"{p}-ministry-renamed", f"{p}-party"
        self.add("organisations", {"org_id": [ministry, renamed, party],
                                   "name": [f"Ministry {c}", f"Ministry {c}, renamed", f"Party committee {c}"],
                                   "kind": ["security", "security", "party"], "level": "union", "parent_id": "",
                                   "lineage": [ministry, ministry, party], "predecessors": ["", ministry, ""],
                                   "valid_from": [iso(years(-20))[:4], iso(days(1)), iso(years(-30))[:4]],
                                   "valid_to": [iso(D), "", ""], **self.sourcing(3, external=False)})
        spells = [(patron, ministry, 6, "Minister", years(-8), D, "arrest"),
                  (rival, party, 6, "First Secretary", years(-10), years(10), "retirement")]
        arrests, executions, appeals = {}, {}, []
        for i, x in enumerate(defectors):
            spells.append((x, ministry, 5, "First deputy", years(-6), D, "promotion"))
            spells.append((x, renamed, 6, "Minister", days(2 + i), years(5 - i), "dismissal"))
        for i, x in enumerate(loyal):
            lost = days(5 + 7 * i)
            if i < 2:  # appeal to the rival, then are arrested
                appeals.append((x, days(3 + 7 * i)))
            spells.append((x, ministry, 5 if i < 4 else 4 if i < 6 else 3, "Deputy minister", years(-5), lost, "arrest"))
            arrests[x] = lost
            if i % 3 == 0:
                executions[x] = days(180 + i)
        executions[patron] = days(180)
        for i, x in enumerate(rclients):
            spells.append((x, party, 4 + i % 2, "Secretary", years(-4), years(8 - i), "transfer"))
        s = pd.DataFrame(spells, columns=["person_id", "org_id", "seniority", "post", "a", "b", "end_cause"])
        self.add("spells", {"spell_id": [f"{p}-s{i:02d}" for i in range(len(s))], "person_id": s["person_id"],
                            "org_id": s["org_id"], "post": s["post"], "seniority": s["seniority"].astype(str),
                            "start": [iso(d) for d in s["a"]], "end": [iso(d) for d in s["b"]], "end_cause": s["end_cause"],
                            "appointed_by": [patron if o == ministry and x != patron else "" for x, o in
                                             zip(s["person_id"], s["org_id"], strict=True)],
                            **self.sourcing(len(s), external=False)})
        events = [(f"{p}-coup", iso(D), "coup", f"Fall of the patron of crisis {c}")]
        parts = [(f"{p}-coup", patron, "arrested"), (f"{p}-coup", rival, "organiser")]
        parts += [(f"{p}-coup", x, "defecting") for x in defectors]
        for x, day in arrests.items():
            events.append((f"{p}-arrest-{x.rsplit('-', 1)[1]}", iso(day), "arrest", "Arrest"))
            parts.append((f"{p}-arrest-{x.rsplit('-', 1)[1]}", x, "arrested"))
        for x, day in executions.items():
            events.append((f"{p}-shot-{x.rsplit('-', 1)[1]}", iso(day), "execution", "Shot"))
            parts.append((f"{p}-shot-{x.rsplit('-', 1)[1]}", x, "executed"))
        for x, day in appeals:
            events.append((f"{p}-appeal-{x.rsplit('-', 1)[1]}", iso(day), "meeting", "Appeal to the rival"))
            parts += [(f"{p}-appeal-{x.rsplit('-', 1)[1]}", x, "appealing"), (f"{p}-appeal-{x.rsplit('-', 1)[1]}", rival, "appealed_to")]
        e = pd.DataFrame(events, columns=["event_id", "date", "kind", "title"])
        self.add("events", {**e.to_dict("list"), **self.sourcing(len(e), external=False)})
        q = pd.DataFrame(parts, columns=["event_id", "person_id", "role"])
        self.add("event_participants", {**q.to_dict("list"), **self.sourcing(len(q), external=False)})
        self.add("attributes", {"attribute_id": [f"{x}-fate" for x in executions], "person_id": list(executions),
                                "attribute": "fate", "value": "executed", "date": [iso(d) for d in executions.values()],
                                **self.sourcing(len(executions), external=False)})
        ties = [(f"{p}-rivalry", patron, rival, "rivalry", years(-5), D, "political", False, "", "", ALL_CODINGS)]
        for i, x in enumerate(clients):
            defects = x in defectors
            ties.append((f"{p}-tie-{i + 1:02d}", patron, x, "patronage", years(-7), D, "recruited", defects,
                         iso(D) if defects else "", "reward" if defects and i else "survival" if defects else "",
                         "blauvelt|rayfield" if defects else ALL_CODINGS))
        for i, x in enumerate(defectors):
            ties.append((f"{p}-truer-{i + 1:02d}", rival, x, "patronage", years(-7), D, "proposed", False, "", "",
                         "not_true_clients"))
            ties.append((f"{p}-exposure-{i + 1:02d}", rival, x, "exposure", years(-15), years(-12), "co-worker", False,
                         "", "", ALL_CODINGS))
            ties.append((f"{p}-reward-{i + 1:02d}", rival, x, "patronage", days(1), years(5 - i), "promoted", False,
                         "", "", ALL_CODINGS))
        ties.append((f"{p}-exposure-loyal", rival, loyal[-1], "exposure", years(-14), years(-13), "co-worker", False,
                     "", "", ALL_CODINGS))
        for i, x in enumerate(rclients):
            ties.append((f"{p}-rtie-{i + 1:02d}", rival, x, "patronage", years(-4), years(8 - i), "protected", False,
                         "", "", ALL_CODINGS))
        t = pd.DataFrame(ties, columns=["tie_id", "patron_id", "client_id", "kind", "a", "b", "basis", "defected",
                                        "defection_date", "motive", "codings"])
        self.add("ties", {"tie_id": t["tie_id"], "patron_id": t["patron_id"], "client_id": t["client_id"], "kind": t["kind"],
                          "start": [iso(d) for d in t["a"]], "end": [iso(d) for d in t["b"]], "basis": t["basis"],
                          "defected": np.where(t["defected"], "true", "false"), "defection_date": t["defection_date"],
                          "motive": t["motive"], "codings": t["codings"], **self.sourcing(len(t), external=False)})
        return CrisisSpec(patron, date, rival, tuple(clients), tuple(defectors), tuple(rclients))

    def conflicts(self, k: int) -> None:
        """k documented conflicts: an appointment dated one way by the register, another by the handbook."""
        spell_ids, persons, _, start = self.spell_table
        k = min(k, len(spell_ids))
        pick = np.sort(self.rng.choice(len(spell_ids), k, replace=False))
        cid = "conflict-" + pd.Series(np.arange(1, k + 1)).astype(str).str.zfill(4)
        article, standard = _iso(start[pick]), _iso(start[pick] - np.timedelta64(10, "D"))
        for reading, dates, src in (("article", article, self.sourcing(k, external=False)),
                                    ("standard", standard, {"source_id": REFERENCE, "locator": "entry", "quote": "",
                                                            "evidence": "external"})):
            eid = "k-" + cid.str[9:] + "-" + reading
            self.add("events", {"event_id": eid, "date": dates, "kind": "appointment", "title": "Appointment (disputed date)",
                                **src, "conflict_id": cid, "reading": reading})
            self.add("event_participants", {"event_id": eid, "person_id": persons[pick], "role": "appointed", **src,
                                            "conflict_id": cid, "reading": reading})
        self.add("conflicts", {"conflict_id": cid, "kind": "date", "topic": "Date of an appointment", "reading_a": "article",
                               "a_source_id": SEED_SOURCE, "a_locator": "register", "a_quote": QUOTE, "a_evidence": "seed",
                               "reading_b": "standard", "b_source_id": REFERENCE, "b_locator": "entry", "b_quote": "",
                               "b_evidence": "external", "default_reading": "article",
                               "resolution": "Synthetic: the register's date is kept."})

    # -- writing ---------------------------------------------------------------------------------

    def write(self, folder: Path, seed: int) -> dict[str, int]:
        descriptor = json.loads((config.PACKAGE_DATA_DIR / config.PACKAGE_FILE).read_text(encoding="utf-8"))
        descriptor["name"] = "patronage-synthetic"
        descriptor["title"] = f"Synthetic prosopography (seed {seed}): not historical data"
        self.add("sources", {"source_id": [SEED_SOURCE, REFERENCE], "type": ["archival_document", "reference_work"],
                             "year": ["1990", "2000"], "title": ["A synthetic register", "A synthetic handbook"],
                             "reliability": ["primary", "reference"], "seed": ["true", "false"],
                             "in_article_references": "false"})
        sources = "|".join([SEED_SOURCE, REFERENCE])
        self.add("codings", {"coding_id": list(CODINGS), "label": ["Defectors were genuine clients",
                                                                   "Defectors were the rival's clients",
                                                                   "Defectors had a grievance"],
                             "description": ["Synthetic coding a.", "Synthetic coding b.", "Synthetic coding c."],
                             "source_ids": sources, **self.sourcing(3, external=False)})
        counts = {}
        for res in descriptor["resources"]:
            fields = [f["name"] for f in res["schema"]["fields"]]
            parts = self.rows.get(res["name"], [])
            frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=fields)
            frame = frame.reindex(columns=fields).fillna("")
            frame.to_csv(folder / res["path"], index=False, lineterminator="\n")
            counts[res["name"]] = len(frame)
            res.pop("hash", None)
            res.pop("bytes", None)
        (folder / config.PACKAGE_FILE).write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        from patronage.tables.integrity import rehash

        rehash(folder)
        return counts
