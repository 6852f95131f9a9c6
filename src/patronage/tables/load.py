"""Read the data package into typed, validated pandas DataFrames: :func:`load` and the :class:`Tables` it returns.

The schema lives in one place, ``data/datapackage.json`` (Frictionless Table Schema), checked
before it is used (:mod:`patronage.tables.datapackage`), and each table is read as a regular file
inside the package's folder (:mod:`patronage.tables.files`). Each table is then, in turn:

- parsed into rows of text, strictly (:mod:`patronage.tables.rows`): pandas' C parser when the file
  is clean, else the csv module in strict mode, so that ragged rows, bad bytes and a file cut
  short inside a quoted cell are found and named;
- typed (:mod:`patronage.tables.columns`): integers and booleans, and every EDTF field ``f`` gains
  two columns, ``f_lo`` and ``f_hi``, the earliest and latest day it can denote;
- checked against its schema by pandera (:mod:`patronage.tables.schema`);

then the cross-table rules of :mod:`patronage.tables.validate` run, unless a table could not be
read whole.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from patronage import config
from patronage.errors import DataError, ParameterError, Problem
from patronage.tables.cached import cached_tables
from patronage.tables.columns import LIVES, TEXT, add_bounds, type_columns
from patronage.tables.datapackage import read_descriptor
from patronage.tables.distinct import Distinct
from patronage.tables.files import FileProblem, read_file
from patronage.tables.integrity import checksum_problem, digest
from patronage.tables.readings import select
from patronage.tables.rows import empty_rows, parse_rows
from patronage.tables.schema import check_schema
from patronage.tables.validate import cross_table_problems


@dataclass(frozen=True)
class Tables:
    """The curated tables, typed and validated; one DataFrame attribute per table.

    ``persons`` also carries the derived columns born_lo/born_hi, died_lo/died_hi (from birth,
    death and execution events of the current selection) and fate (from attributes).
    """

    sources: pd.DataFrame
    persons: pd.DataFrame
    attributes: pd.DataFrame
    organisations: pd.DataFrame
    spells: pd.DataFrame
    events: pd.DataFrame
    event_participants: pd.DataFrame
    ties: pd.DataFrame
    codings: pd.DataFrame
    conflicts: pd.DataFrame
    descriptor: dict = field(repr=False)
    data_dir: Path = field(default=config.DATA_DIR)
    selection: dict = field(default_factory=dict)
    # the loaded tables a selection was made from (None for the loaded tables themselves): a selection is always made
    # from them, so that selecting from a selection never narrows rows it has already left out
    root: Tables | None = field(default=None, repr=False, compare=False)
    # frames derived from these tables, computed once on first use (see ``derived``); a copy made
    # with ``replace`` starts with none, so nothing derived outlives the rows it came from
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # what depends on no date of these rows (see ``undated``): shared with the copies that only change dates
    _undated: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    TABLES = ("sources", "persons", "attributes", "organisations", "spells", "events",
              "event_participants", "ties", "codings", "conflicts")

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        return {n: getattr(self, n) for n in self.TABLES}

    def replace(self, distinct: Distinct | None = None, **frames: pd.DataFrame) -> Tables:
        """A copy with some tables replaced, the derived person columns recomputed.

        distinct: the new tables' columns factorised, if the caller has them (see ``Distinct.narrowed``).
        """
        new = replace(self, **frames)
        return replace(new, persons=derive_person_columns(new, distinct))

    def distinct(self) -> Distinct:
        """The columns of these tables factorised (see :class:`patronage.tables.validate.Distinct`), once:
        what the loader kept (the columns a selection reads), or made on first use. The person
        columns derived from other tables are left out, so that a selection narrowing this never
        takes them for its own."""
        return self.derived(DISTINCT, lambda t: Distinct({
            **t.frames(), "persons": t.persons.drop(columns=[c for c in DERIVED if c in t.persons.columns])}))

    def __getstate__(self) -> dict:
        """What pickling keeps: everything but the factorised columns, which the first selection
        in the reading process makes again (they are arrays of its memory, not facts of the tables)."""
        state = dict(self.__dict__)
        state["_derived"] = {k: v for k, v in self._derived.items() if k != DISTINCT}
        return state

    def derived(self, key: str, compute):
        """``compute(self)``, computed once for these tables and kept under ``key``."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]

    def undated(self, key: str, compute):
        """``compute(self)`` for what reads no date of these tables (names, the structure of the organisations, the
        moves between posts as their dates are written): computed once for these tables and for every copy of them
        that differs only in its dates (:meth:`redated`), which the sensitivity analysis makes hundreds of times."""
        if key not in self._undated:
            self._undated[key] = compute(self)
        return self._undated[key]

    def redated(self, **frames: pd.DataFrame) -> Tables:
        """A copy with some tables replaced by the same rows with other dates (the ``_lo``/``_hi`` columns of their
        EDTF fields; every other column as here, the EDTF text included): it computes its derived frames afresh
        and shares what reads no date (:meth:`undated`)."""
        new = replace(self, **frames)
        object.__setattr__(new, "_undated", self._undated)
        return new

    def select(self, evidence: str = "seed", reading: str | dict = "article", coding: str = "blauvelt") -> Tables:
        """The rows one analysis uses, chosen from every row loaded (called on a selection, from the tables it was
        selected from: ``t.select(evidence="seed").select(evidence="seed+external")`` has the reference works' rows);
        see :func:`patronage.tables.readings.select`."""
        return select(self, evidence=evidence, reading=reading, coding=coding)


def derive_person_columns(tables: Tables, distinct: Distinct | None = None) -> pd.DataFrame:
    """persons with born_lo/hi, died_lo/hi and fate, derived from events and attributes.

    Participants are joined to their events as pandas' merge on event_id joins them (every pair of
    rows with equal ids, an empty id matching an empty id), but on integer codes of the ids from
    ``distinct`` (shared with the cross-table rules), which costs a fraction of joining on the strings.
    """
    distinct = distinct or Distinct(tables.frames())
    persons = tables.persons.drop(columns=[c for c in DERIVED if c in tables.persons.columns])
    codes, ids = distinct.codes("events", "event_id")
    key = np.where(codes < 0, len(ids), codes)  # each event's id as a code; an empty id takes the slot after the ids
    at = distinct.spread("event_participants", "event_id",  # each participant's event id as a code of the events' ids
                         distinct.match("event_participants", "event_id", "events", "event_id"))
    who, people = distinct.codes("event_participants", "person_id")  # -1: no person, left out as groupby leaves out NA
    where = distinct.match("persons", "person_id", "event_participants", "person_id")
    where = distinct.spread("persons", "person_id", np.append(where[:-1], -1))  # -1: nothing known of that person
    lo, hi = tables.events["date_lo"].to_numpy(), tables.events["date_hi"].to_numpy()
    for what, kinds, roles in LIVES:
        chosen = distinct.per_value("events", "kind", lambda v, k=kinds: v.isin(k))
        events = pd.DataFrame({"key": key[chosen], "date_lo": lo[chosen], "date_hi": hi[chosen]})
        rows = distinct.per_value("event_participants", "role", lambda v, r=roles: v.isin(r)) & (who >= 0)
        part = pd.DataFrame({"key": at[rows], "person": who[rows]}).merge(events, on="key", how="inner")
        bounds = part.groupby("person", sort=False).agg(lo=("date_lo", "min"), hi=("date_hi", "max"))
        for end in ("lo", "hi"):
            found = np.full(len(people) + 1, np.datetime64("NaT"), dtype="datetime64[s]")  # the last: nothing known
            found[bounds.index.to_numpy()] = bounds[end].to_numpy()
            persons[f"{what}_{end}"] = found[where]
    fates = tables.attributes[tables.attributes["attribute"] == "fate"]
    persons["fate"] = persons["person_id"].map(fates.drop_duplicates("person_id", keep="last")
                                                .set_index("person_id")["value"]).astype(TEXT)
    return persons


DERIVED = ("born_lo", "born_hi", "died_lo", "died_hi", "fate")
DISTINCT = "distinct"  # the key of Tables.distinct() among the derived
# the columns whose codes a selection reads (readings.select, then derive_person_columns)
SELECTION_COLUMNS = {("ties", "codings"), ("events", "event_id"), ("events", "kind"), ("event_participants", "event_id"),
                     ("event_participants", "person_id"), ("event_participants", "role"), ("persons", "person_id")}


def read_tables(data_dir: Path | str | None = None) -> tuple[Tables, list[Problem], bool]:
    """Every table of the package read, typed and schema-checked, with the problems found.

    returns: (tables, problems, complete), complete False if some file could not be read at all.
    """
    tables, problems, complete, _ = _read_tables(data_dir)
    return tables, problems, complete


def _read_tables(data_dir: Path | str | None) -> tuple[Tables, list[Problem], bool, Distinct]:
    """read_tables, and the columns' distinct values that the derived columns were computed from
    (the cross-table rules use them again)."""
    data_dir = Path(data_dir or config.DATA_DIR)
    descriptor = read_descriptor(data_dir)  # checked: raises DataError naming each fault
    names = [r["name"] for r in descriptor["resources"]]
    missing = [n for n in Tables.TABLES if n not in names]
    if missing:
        raise DataError([Problem(config.PACKAGE_FILE, None, None, f"no resource named {m!r}") for m in missing])
    unread = unread_fields(descriptor)
    if unread:
        raise DataError(unread)
    frames, problems, complete, distinct = _read_frames(descriptor, data_dir)
    tables = Tables(**{n: frames[n] for n in Tables.TABLES}, descriptor=descriptor, data_dir=data_dir)
    return replace(tables, persons=derive_person_columns(tables, distinct)), problems, complete, distinct


@cache
def compendium_fields() -> dict[str, dict[str, str]]:
    """{table: {field: type}} of the compendium's own schema (config.PACKAGE_DATA_DIR): the fields
    the analysis was written to read. {} if that descriptor cannot be read (its own load says why)."""
    try:
        descriptor = json.loads(read_file(config.PACKAGE_DATA_DIR / config.PACKAGE_FILE, config.PACKAGE_DATA_DIR))
        return {r["name"]: {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]} for r in descriptor["resources"]}
    except (FileProblem, ValueError, KeyError, TypeError):
        return {}


def unread_fields(descriptor: dict) -> list[Problem]:
    """A Problem for each field of the compendium's schema that a table of ``descriptor`` lacks or
    types otherwise: the rules and the analysis read those columns by name (a table may add fields)."""
    out = []
    for res in descriptor["resources"]:
        have = {f["name"]: f.get("type", "string") for f in res["schema"]["fields"]}
        for name, kind in compendium_fields().get(res["name"], {}).items() if res["name"] in Tables.TABLES else ():
            if name not in have:
                out.append(Problem(config.PACKAGE_FILE, None, None, f"resource {res['name']!r} has no field {name!r}, "
                                   "which the compendium's schema has and the analysis reads"))
            elif have[name] != kind:
                out.append(Problem(config.PACKAGE_FILE, None, None, f"resource {res['name']!r}, field {name!r}: type "
                                   f"{have[name]!r}, where the compendium's schema (which the analysis reads) has {kind!r}"))
    return out


def _read_frames(descriptor: dict, data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem], bool, Distinct]:
    """Each resource read, typed, schema-checked and bounded: (frames by name, problems, complete,
    the distinct values of the columns factorised so far).

    complete is False when a table could not be read whole (missing, not a file, not UTF-8, a bad
    header, a file cut short): rules across tables mean nothing then. Each table's bytes are read
    once; their checksum is computed in a thread (hashlib releases the GIL) while they are parsed.
    """
    frames, problems, complete = {}, [], True
    distinct = Distinct(frames)  # filled as the frames are read
    with ThreadPoolExecutor(1) as pool:
        digests = []
        for res in descriptor["resources"]:
            schema, name = res["schema"], res["path"]
            fields = [f["name"] for f in schema["fields"]]
            try:
                raw = read_file(data_dir / name, data_dir)
            except FileProblem as exc:
                frame, found, whole = empty_rows(fields), [Problem(name, None, None, str(exc))], False
            else:
                digests.append((res, len(raw), pool.submit(digest, raw, res.get("hash"))))
                frame, found, whole = parse_rows(raw, fields, name)
            problems += found
            complete = complete and whole
            frame, found = type_columns(frame, schema, name)
            problems += found
            frames[res["name"]] = frame
            unread = {(p.row, p.column) for p in found}  # a cell named unreadable is not also 'required cell is empty'
            problems += [p for p in check_schema(frame, schema, name, distinct, res["name"]) if (p.row, p.column) not in unread]
            frame, found = add_bounds(frame, schema, name)
            problems += found
            frames[res["name"]] = frame
        problems += [p for res, size, found in digests if (p := checksum_problem(res, found.result(), size))]
    return frames, problems, complete, distinct


def load(data_dir: Path | str | None = None) -> Tables:
    """The validated tables of ``data_dir`` (default: the compendium's data/).

    When the build has set ``$PATRONAGE_CACHE_DIR``, a package already validated with the same
    bytes and the same loader comes from that cache (see :mod:`patronage.tables.cached`).

    returns: Tables; raises DataError listing every problem (file, row, column) if any, ParameterError for a
    ``data_dir`` that is no path.
    """
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise ParameterError("data_dir", data_dir, "give the folder of a data package as a path, e.g. 'data' "
                                                   "(None: the compendium's own)")
    return cached_tables(Path(data_dir or config.DATA_DIR), validated)


def validated(data_dir: Path) -> Tables:
    """The tables of ``data_dir`` read, typed and checked against every rule; raises DataError."""
    tables, problems, complete, distinct = _read_tables(data_dir)
    if complete:  # rules across tables mean nothing while a table is unreadable
        problems += cross_table_problems(tables, distinct)
    if problems:
        raise DataError(problems)
    # what a selection reads again is kept with the tables (its persons are the table as read,
    # without the derived columns; see Tables.distinct)
    tables._derived[DISTINCT] = distinct.keeping(SELECTION_COLUMNS)
    return tables
