"""The random population of a synthetic register: persons with lives, careers of consecutive posts in
organisations renamed at the real reorganisations, and ties of every kind between them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from patronage.tables.synthetic_world import ALL_CODINGS, END, ERAS, World, iso_days

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
POSTS = ("Instructor", "Head of section", "Deputy head", "Head of department", "Deputy minister", "First deputy", "Minister",
         "Secretary")


def random_people(world: World, n: int, n_spells: int) -> None:
    """``n`` persons with ``n_spells`` posts among them: lives, careers and ties drawn at random."""
    rng = world.rng
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
    _persons(world, ids, n)
    _births_deaths(world, ids, born, dies, death, executed)
    _careers(world, ids, counts, start, stop, dies, executed, retire)
    _ties(world, ids, born, start, stop, counts)


def _persons(world: World, ids: pd.Series, n: int) -> None:
    """The persons' names (drawn from lists), and an ethnicity for some."""
    rng = world.rng
    given = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    surname = pd.Series(np.array(ROOTS)[rng.integers(0, len(ROOTS), n)]) + np.array(ENDINGS)[rng.integers(0, len(ENDINGS), n)]
    father = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    patronymic = pd.Series(father).str.rstrip("iy") + "ovich"
    world.add("persons", {"person_id": ids, "name": given + " " + surname, "surname": surname, "given_name": given,
                         "patronymic": patronymic.where(rng.random(n) < 0.7, ""), **world.sourcing(n)})
    eth = rng.random(n) < 0.3
    world.add("attributes", {"attribute_id": ids[eth] + "-ethnicity", "person_id": ids[eth], "attribute": "ethnicity",
                            "value": np.array(["Russian", "Georgian", "Ukrainian", "Armenian", "Jewish", "Latvian"])[
                                rng.integers(0, 6, int(eth.sum()))], **world.sourcing(int(eth.sum()))})


def _births_deaths(world: World, ids, born, dies, death, executed) -> None:
    """Births of all, deaths of most (some shot after an arrest) as events, and each death's fate."""
    n = len(ids)
    world.add("events", {"event_id": "b-" + ids, "date": world.edtf(born, month=0.1, year=0.5), "kind": "birth",
                        "title": "Birth", **world.sourcing(n)})
    world.add("event_participants", {"event_id": "b-" + ids, "person_id": ids, "role": "subject", **world.sourcing(n)})
    d_ids, d_day, d_exec = ids[dies], death[dies], executed[dies]
    text = world.edtf(d_day, month=0.15, year=0.08)
    kind = np.where(d_exec, "execution", "death")
    world.add("events", {"event_id": "d-" + d_ids, "date": text, "kind": kind, "title": np.where(d_exec, "Shot", "Death"),
                        **world.sourcing(len(d_ids))})
    world.add("event_participants", {"event_id": "d-" + d_ids, "person_id": d_ids,
                                    "role": np.where(d_exec, "executed", "subject"), **world.sourcing(len(d_ids))})
    x_ids, x_day = ids[executed], death[executed] - np.timedelta64(90, "D")
    world.add("events", {"event_id": "x-" + x_ids, "date": iso_days(x_day), "kind": "arrest", "title": "Arrest",
                        **world.sourcing(len(x_ids))})
    world.add("event_participants", {"event_id": "x-" + x_ids, "person_id": x_ids, "role": "arrested",
                                    **world.sourcing(len(x_ids))})
    fate = np.where(d_exec, "executed", "died")
    world.add("attributes", {"attribute_id": d_ids + "-fate", "person_id": d_ids, "attribute": "fate", "value": fate,
                            "date": text, **world.sourcing(len(d_ids))})


def _organisations(world: World, lineages: int) -> np.ndarray:
    """Organisations: one per lineage and era; returns org ids as an array [lineage, era]."""
    rng = world.rng
    world.lineages = lineages
    lin = np.repeat(np.arange(lineages), len(ERAS))
    era = np.tile(np.arange(len(ERAS)), lineages)
    lineage_id = "l" + pd.Series(lin).astype(str).str.zfill(4)
    org = lineage_id + "-" + pd.Series(era).astype(str)
    valid_from = pd.Series(np.datetime_as_string(ERAS[era], unit="D"))
    valid_from = valid_from.where(era > 0, "1900")
    last = era == len(ERAS) - 1
    valid_to = iso_days(np.where(last, np.datetime64("NaT"), ERAS[np.minimum(era + 1, len(ERAS) - 1)] - np.timedelta64(1, "D")))
    predecessors = pd.Series(np.where(era > 0, lineage_id + "-" + pd.Series(era - 1).astype(str), ""))
    kind = np.array(KINDS)[lin % len(KINDS)]
    parent = np.where((lin > 0) & (rng.random(len(lin)) < 0.3), "l0000-" + pd.Series(era).astype(str), "")
    world.add("organisations", {"org_id": org, "name": "Office " + lineage_id.str[1:] + " (" + (era + 1).astype(str) + ")",
                               "kind": kind, "level": np.array(LEVELS)[lin % len(LEVELS)], "parent_id": parent,
                               "lineage": lineage_id, "predecessors": predecessors, "valid_from": valid_from,
                               "valid_to": valid_to, **world.sourcing(len(lin))})
    return org.to_numpy().reshape(lineages, len(ERAS))


def _careers(world: World, ids, counts, start, stop, dies, executed, retire) -> None:
    """Each person's posts, one after another inside his working life, rising in seniority towards his peak;
    a tenth of them with an appointment event."""
    n_spells = int(counts.sum())
    orgs = _organisations(world, max(10, len(ids) // 800))
    pid = np.repeat(np.arange(len(ids)), counts)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    a, b = _spell_days(world.rng, counts, start, stop, pid, first)
    position = np.arange(n_spells) - first[pid]
    last = position == counts[pid] - 1
    seniority, org = _spell_offices(world.rng, counts, pid, position, orgs, a)
    still, cause = _end_causes(world.rng, last, dies[pid], executed[pid], retire[pid])
    end = world.edtf(b)
    end[still] = ""
    spell_ids = "s" + pd.Series(np.arange(1, n_spells + 1)).astype(str).str.zfill(8)
    start_text = world.edtf(a)
    world.add("spells", {"spell_id": spell_ids, "person_id": ids[pid], "org_id": org, "post": np.array(POSTS)[seniority],
                         "seniority": seniority.astype(str), "start": start_text, "end": end, "end_cause": cause,
                         **world.sourcing(n_spells)})
    appointed = world.rng.random(n_spells) < 0.1
    e_ids = "a-" + spell_ids[appointed]
    world.add("events", {"event_id": e_ids, "date": start_text[appointed].to_numpy(), "kind": "appointment",
                         "title": "Appointment", **world.sourcing(len(e_ids))})
    world.add("event_participants", {"event_id": e_ids, "person_id": ids[pid][appointed], "role": "appointed",
                                     **world.sourcing(len(e_ids))})
    world.spell_table = (spell_ids, ids[pid], start_text, a)


def _spell_days(rng: np.random.Generator, counts, start, stop, pid, first) -> tuple[np.ndarray, np.ndarray]:
    """The first and last day of every spell: each person's working life cut at random weights, with a
    short gap between consecutive posts."""
    n_spells = len(pid)
    weight = rng.exponential(1.0, n_spells) + 0.2
    total = np.cumsum(weight)
    offset = np.r_[0.0, total][first]
    within = total - offset[pid]
    has = counts > 0
    person_total = np.zeros(len(counts))
    person_total[has] = within[(first + counts - 1)[has]]
    share_end = within / person_total[pid]
    share_start = (within - weight) / person_total[pid]
    span = (stop - start).astype(int)[pid]
    a = start[pid] + (share_start * span).astype("timedelta64[D]")
    b = start[pid] + (share_end * span).astype("timedelta64[D]")
    gap = np.minimum(20, ((b - a).astype(int) * 0.1)).astype("timedelta64[D]")
    return a, np.maximum(a, b - gap)


def _spell_offices(rng: np.random.Generator, counts, pid, position, orgs: np.ndarray, a) -> tuple[np.ndarray, np.ndarray]:
    """Each spell's seniority (rising along a career towards the person's peak) and organisation (mostly
    of his home lineage, in the era the spell starts in)."""
    n_spells = len(pid)
    peak = rng.choice(8, len(counts), p=[0.08, 0.22, 0.25, 0.18, 0.13, 0.08, 0.05, 0.01])
    seniority = np.rint(peak[pid] * (0.4 + 0.6 * position / np.maximum(counts[pid] - 1, 1))).astype(int)
    home = rng.integers(0, orgs.shape[0], len(counts))
    lineage = np.where(rng.random(n_spells) < 0.7, home[pid], rng.integers(0, orgs.shape[0], n_spells))
    era = np.clip(np.searchsorted(ERAS, a, side="right") - 1, 0, len(ERAS) - 1)
    return seniority, orgs[lineage, era]


def _end_causes(rng: np.random.Generator, last, dies, executed, retire) -> tuple[np.ndarray, np.ndarray]:
    """How each spell ended, and which last posts still run (dies, executed, retire: of the spell's person)."""
    still = last & ~dies & (rng.random(len(last)) < 0.5)
    cause = np.array(ROLES_ENDING)[rng.integers(0, len(ROLES_ENDING), len(last))].astype(object)
    cause[last & dies & ~retire] = "death"
    cause[last & executed] = "arrest"
    cause[last & retire] = "retirement"
    cause[still] = "ongoing"
    return still, cause


def _ties(world: World, ids, born, start, stop, counts) -> None:
    """About one tie per person, of every kind, between persons of near age; a few patronage ties defect."""
    rng, n = world.rng, len(ids)
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
    both = b >= a  # a tie within both careers, and so both lives: two men whose careers never met have none
    client, patron, a, b = client[both], patron[both], a[both], b[both]
    t = len(client)
    kind = rng.choice(["patronage", "subordination", "alliance", "exposure", "rivalry", "surveillance"], t,
                      p=[0.6, 0.15, 0.05, 0.1, 0.05, 0.05])
    open_end = (b >= END - np.timedelta64(365, "D")) & (rng.random(t) < 0.5)
    end = world.edtf(b)
    end[open_end] = ""
    defected = (kind == "patronage") & (rng.random(t) < 0.02)
    motive = np.where(defected, rng.choice(["reward", "survival", "grievance", "ideology", "unknown"], t), "")
    r = rng.random(t)
    codings = np.where(r < 0.9, ALL_CODINGS, np.where(r < 0.95, "blauvelt", "not_true_clients|rayfield"))
    basis = rng.choice(["recruited", "promoted", "protected", "proposed", "subordinate", "co-worker", "personal",
                        "political"], t)
    ties = pd.DataFrame({"patron_id": ids[patron], "client_id": ids[client], "kind": kind,
                         "start": world.edtf(a), "end": end, "basis": basis, "defected": np.where(defected, "true", "false"),
                         "defection_date": np.where(defected, end.where(end != "", iso_days(b)), ""), "motive": motive,
                         "codings": codings, **world.sourcing(t)}).drop_duplicates(ignore_index=True)  # a tie drawn twice is one
    world.add("ties", ties.assign(tie_id="t" + pd.Series(np.arange(1, len(ties) + 1)).astype(str).str.zfill(8)))
