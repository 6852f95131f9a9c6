"""A small hand-built world whose right answers are known, for the hypothesis tests.

Patron P falls on 1950-06-15. His clients: A (rank 5, exposed to rival R before, defects for
reward, then takes P's own post, rank 6), B (rank 4, stays loyal, appeals to R on 1950-07-01
and is arrested on 1950-08-01) and C (rank 4, loyal, arrested 1950-06-16 and executed
1950-12-01; his post goes to R's client D). R organises the fall. D, R's client, holds rank 4
from 1949 to 1960.

``write_package`` writes any such rows as a data package with the compendium's schema.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from patronage import config
from patronage.robustness.date_draws import ID_COLUMNS

FALL = "1950-06-15"  # the day patron P falls

S = {"source_id": "src", "locator": "section 1", "quote": "as stated", "evidence": "seed"}

SOURCES = [{"source_id": "src", "type": "monograph", "title": "A toy source", "reliability": "scholarly",
            "seed": True, "in_article_references": False, "year": "2000"}]
PERSONS = [{"person_id": p, "name": f"Person {p.upper()}", "surname": p.upper(), **S} for p in ["p", "a", "b", "c", "r", "d"]]
ORGS = [{"org_id": "min", "name": "Ministry", "kind": "government", "level": "union", "lineage": "ministry",
         "valid_from": "1940", **S},
        {"org_id": "min2", "name": "Ministry, renamed", "kind": "government", "level": "union", "lineage": "ministry",
         "valid_from": "1950-06-15", "predecessors": "min", **S}]


def spell(sid, person, org, seniority, start, end="", cause="", post=None):
    return {"spell_id": sid, "person_id": person, "org_id": org, "post": post or f"post {seniority}",
            "seniority": str(seniority), "start": start, "end": end, "end_cause": cause, **S}


SPELLS = [
    spell("p-min", "p", "min", 6, "1945", "1950-06-15", "arrest", post="Minister"),
    spell("a-min", "a", "min", 5, "1946", "1950-06-14", "promotion", post="First deputy"),
    spell("a-min2", "a", "min2", 6, "1950-06-16", "1952-01-01", "dismissal", post="Minister"),
    spell("a-later", "a", "min2", 2, "1952-01-02", "1955", "retirement"),
    spell("b-min", "b", "min", 4, "1946", "1950-08-01", "arrest", post="Deputy B"),
    spell("c-min", "c", "min", 4, "1946", "1950-06-16", "arrest", post="Deputy C"),
    spell("d-min", "d", "min", 4, "1949", "1950-06-14", "reorganisation", post="Deputy D"),
    spell("d-min2", "d", "min2", 4, "1950-06-15", "1960", "retirement", post="Deputy D"),
    spell("c-successor", "d", "min2", 3, "1950-07-01", "1951", "transfer", post="Deputy C (acting)"),
]


def event(eid, date, kind, title=None):
    return {"event_id": eid, "date": date, "kind": kind, "title": title or eid, **S}


EVENTS = [event("fall", "1950-06-15", "coup"), event("appeal", "1950-07-01", "meeting"),
          event("b-arrest", "1950-08-01", "arrest"), event("c-arrest", "1950-06-16", "arrest"),
          event("c-shot", "1950-12-01", "execution")]


def part(eid, person, role):
    return {"event_id": eid, "person_id": person, "role": role, **S}


PARTS = [part("fall", "p", "arrested"), part("fall", "r", "organiser"), part("fall", "a", "defecting"),
         part("appeal", "b", "appealing"), part("appeal", "r", "appealed_to"), part("b-arrest", "b", "arrested"),
         part("c-arrest", "c", "arrested"), part("c-shot", "c", "executed")]


def tie(tid, patron, client, kind, start, end="", defected=False, date="", motive="", codings="x|y"):
    return {"tie_id": tid, "patron_id": patron, "client_id": client, "kind": kind, "start": start, "end": end,
            "defected": defected, "defection_date": date, "motive": motive, "codings": codings, **S}


TIES = [
    tie("p-a", "p", "a", "patronage", "1946", "1950-06-15", True, "1950-06", "reward", codings="x"),
    tie("p-a-sub", "p", "a", "subordination", "1946", "1950-06-15", codings="y"),
    tie("r-a-y", "r", "a", "patronage", "1946", codings="y"),
    tie("p-b", "p", "b", "patronage", "1946", "1950-08-01"),
    tie("p-c", "p", "c", "patronage", "1946", "1950-06-16"),
    tie("r-a-exp", "r", "a", "exposure", "1940", "1941"),
    tie("r-d", "r", "d", "patronage", "1949"),
    tie("r-a-new", "r", "a", "patronage", "1950-06-15", "1952-01-01", codings="x"),
    tie("p-r", "p", "r", "rivalry", "1948", "1950-06-15"),
]

CODINGS = [{"coding_id": "x", "label": "genuine clients", "description": "A was P's client"},
           {"coding_id": "y", "label": "not true clients", "description": "A was R's client all along"}]
for c in CODINGS:
    c.update(S)

ROWS = {"sources": SOURCES, "persons": PERSONS, "organisations": ORGS, "spells": SPELLS, "events": EVENTS,
        "event_participants": PARTS, "ties": TIES, "codings": CODINGS}


def write_package(folder: Path, rows: dict[str, list[dict]]) -> Path:
    """A data package in ``folder`` with the compendium's schema and the given rows.

    rows: table name -> list of {field: value}; fields not given are left empty, tables not
    given are written with their header only. Returns the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = json.loads((config.DATA_DIR / config.PACKAGE_FILE).read_text(encoding="utf-8"))
    for res in descriptor["resources"]:  # new tables, so no recorded checksums
        res.pop("hash", None)
        res.pop("bytes", None)
    (folder / config.PACKAGE_FILE).write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    for res in descriptor["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        with (folder / res["path"]).open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            for row in rows.get(res["name"], []):
                unknown = set(row) - set(fields)
                assert not unknown, f"{res['name']}: unknown fields {unknown}"
                w.writerow({k: ("true" if v is True else "false" if v is False else v) for k, v in row.items()})
    return folder


def loaded_fixtures(name: str, rows, once: str):
    """Two pytest fixtures for a module: the data package of ``rows()`` loaded once (register it under the
    name ``once``), and a deep copy of it for each test, so no test sees what another changed.

        tables_once, tables = loaded_fixtures("readings", with_conflict, "tables_once")
    """
    import copy

    import pytest

    import patronage

    @pytest.fixture(scope="module")
    def loaded(tmp_path_factory):
        return patronage.load(write_package(tmp_path_factory.mktemp(name) / "pkg", rows()))

    @pytest.fixture
    def each(request):
        return copy.deepcopy(request.getfixturevalue(once))

    return loaded, each


def cell(view, draws, table: str, field: str, row_id: str):
    """The draws of one date (patronage.robustness.date_draws.DateDraws), by its row's id."""
    frame = getattr(view, table)
    return draws.of(table, field, frame.index[frame[ID_COLUMNS[table]] == row_id][0])
