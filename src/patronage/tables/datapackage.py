"""The data package's descriptor (datapackage.json), read safely and checked before it is used.

A data package is a folder: ``datapackage.json`` and the CSV files its resources name (read safely
by :mod:`patronage.tables.files`). The descriptor is checked against the Frictionless specification
by the Frictionless library (field types, constraint types, primary keys, unique names, safe paths),
and then for what Frictionless checks only when it reads the data, or not at all, but this loader
relies on: every foreign key names a resource of the package and fields it has, every pattern
compiles as a Python regular expression (pandera matches with Python's ``re``), every field type is
one this loader reads, every recorded checksum is well formed. :func:`descriptor_problems` names the
resource and the field of each fault; a damaged or hostile descriptor ends in such a message, never
in a traceback.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from pathlib import Path

from patronage import config
from patronage.errors import DataError, Problem
from patronage.tables.files import MAX_DESCRIPTOR_BYTES, FileProblem, path_problem, read_file

# The field types read_rows and type_columns know: every cell is text, integer or boolean (dates are
# EDTF strings, bounded by patronage.tables.dates). Another valid Frictionless type would reach pandera's
# checks as text, where a numeric constraint fails with a TypeError.
READ_TYPES = ("string", "integer", "boolean")
# The constraints checked on each type (by pandera, built from the schema)
CONSTRAINTS = {"string": ("required", "unique", "enum", "pattern", "minLength", "maxLength"),
               "integer": ("required", "unique", "enum", "minimum", "maximum"),
               "boolean": ("required", "unique", "enum")}
HASH_ALGORITHMS = ("md5", "sha1", "sha256", "sha512")  # Frictionless' own; md5 when none is named


def read_descriptor(data_dir: Path, checksums: bool = True) -> dict:
    """The data package descriptor (datapackage.json) of ``data_dir``, checked (see
    :func:`descriptor_problems`); raises DataError naming every fault.

    checksums: False leaves the recorded ``hash`` and ``bytes`` unchecked (``rehash`` replaces them).
    """
    descriptor = parse_descriptor(data_dir)
    problems = descriptor_problems(descriptor, checksums)
    if problems:
        raise DataError(problems)
    return descriptor


def parse_descriptor(data_dir: Path) -> dict:
    """The descriptor of ``data_dir`` read safely and parsed, with the structure every reader of it
    walks (resources with names, safe paths and schemas of named fields), not yet checked against
    the specification; raises DataError naming the fault. A leading byte-order mark (as some
    editors save) is dropped, as it is from the tables."""
    path = Path(data_dir) / config.PACKAGE_FILE
    if not Path(data_dir).is_dir():
        why = "is not a folder" if Path(data_dir).exists() else "does not exist"
        raise DataError([Problem(str(path), None, None, f"no data package descriptor here: {data_dir} {why}")])
    try:
        raw = read_file(path, data_dir, MAX_DESCRIPTOR_BYTES)
    except FileProblem as exc:
        missing = str(exc) == "file is missing"
        raise DataError([Problem(str(path) if missing else path.name, None, None,
                                 "no data package descriptor here: the file is missing" if missing else str(exc))]) from None
    try:
        descriptor = json.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError([Problem(path.name, None, None, f"byte {raw[exc.start]:#04x} at offset {exc.start} is not UTF-8; "
                                 "save the file as UTF-8")]) from None
    except json.JSONDecodeError as exc:
        raise DataError([Problem(path.name, None, None, f"not valid JSON: {exc}")]) from None
    shape = _shape_problems(descriptor)
    if shape:
        raise DataError([Problem(config.PACKAGE_FILE, None, None, text) for text in shape])
    return descriptor


def descriptor_problems(descriptor: object, checksums: bool = True) -> list[Problem]:
    """Every fault of a parsed descriptor, each naming the resource and field it is in
    (checksums: False leaves the recorded hash and bytes of each resource out)."""
    shape = _shape_problems(descriptor)
    if shape:  # what the checks below read is not there: say that first
        return [Problem(config.PACKAGE_FILE, None, None, text) for text in shape]
    if not checksums:
        descriptor = {**descriptor, "resources": [{k: v for k, v in r.items() if k not in ("hash", "bytes")}
                                                  for r in descriptor["resources"]]}
    found = _frictionless_problems(json.dumps(descriptor, sort_keys=True))
    places = {_place(text) for text in found}
    if any(not p.startswith("resource ") for p in places):
        return [Problem(config.PACKAGE_FILE, None, None, text) for text in found]  # the package itself: the rest may mislead
    # what the loader checks besides, where Frictionless has not already named the same place
    found += [text for text in _loader_problems(descriptor) if _place(text) not in places]
    return [Problem(config.PACKAGE_FILE, None, None, text) for text in found]


def _place(text: str) -> str:
    """The place a problem's text names ("resource 'ties', field 'kind'"), before its first ': '."""
    return text.split(": ", 1)[0]


def _shape_problems(descriptor: object) -> list[str]:
    """The structure the other checks walk: resources, each with a name, a path and a schema of named
    fields. Checked by hand because Frictionless raises a TypeError on some of these (a field that is
    not an object) instead of reporting it."""
    if not isinstance(descriptor, dict):
        return [f"not a data package descriptor: a JSON object is expected, not {type(descriptor).__name__}"]
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return ["not a data package descriptor: 'resources' must be a list of the tables"]
    out = []
    for i, res in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(res, dict):
            out.append(f"{where} must be an object describing one table")
            continue
        if not isinstance(res.get("name"), str):
            out.append(f"{where} has no name")
        else:
            where = f"resource {res['name']!r}"
        problem = path_problem(res.get("path"))
        if problem:
            out.append(f"{where}: path {res.get('path')!r} {problem}")
        schema = res.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            out.append(f"{where} has no schema with a list of fields")
            continue
        for j, fdesc in enumerate(schema["fields"]):
            if not isinstance(fdesc, dict) or not isinstance(fdesc.get("name"), str):
                out.append(f"{where}: fields[{j}] must be an object with a name")
    return out


def _without_profiles(descriptor: dict) -> dict:
    """The descriptor without its profiles: a profile may be a URL, which Frictionless would fetch;
    the package is checked as the tabular data package it is meant to be."""
    out = copy.deepcopy(descriptor)
    for meta in [out, *out["resources"]]:
        meta.pop("profile", None)
        meta.pop("$schema", None)
    return out


@functools.lru_cache(maxsize=16)
def _frictionless_problems(descriptor_json: str) -> list[str]:
    """What the Frictionless library finds wrong with the descriptor, each placed in its resource and
    field (once per distinct descriptor in a process: the check costs a few hundredths of a second)."""
    from frictionless import Field, Package, Resource, Schema

    descriptor = _without_profiles(json.loads(descriptor_json))
    if _valid(Package, descriptor) is None:
        return []
    out = []
    for res in descriptor["resources"]:
        where = f"resource {res['name']!r}"
        fields = res["schema"]["fields"]
        for fdesc in fields:
            out += [f"{where}, field {fdesc['name']!r}: {note}" for note in _valid(Field, fdesc) or []]
        # the schema with each faulty field as just its name: the keys are checked, the field's fault not named twice
        schema_notes = _valid(Schema, {**res["schema"], "fields": [f if _valid(Field, f) is None else {"name": f["name"]}
                                                                  for f in fields]})
        out += [f"{where}, schema: {note}" for note in schema_notes or []]
        rest = {k: v for k, v in res.items() if k != "schema"}
        out += [f"{where}: {note}" for note in _valid(Resource, rest) or []]
    out += [note for note in _valid(Package, {**descriptor, "resources": []}) or []
            if "resources" not in note]  # the package's own properties ('resources' is empty here)
    return out or [note for note in _valid(Package, descriptor) or []]


def _valid(kind, descriptor: dict) -> list[str] | None:
    """None if Frictionless finds the descriptor of ``kind`` (Package, Resource, Schema, Field) valid,
    else its notes on what is wrong."""
    try:
        report = kind.validate_descriptor(descriptor)
    except Exception as exc:  # the library fails on input it did not foresee: say so, with its words
        return [f"cannot be read as a Frictionless {kind.__name__.lower()} ({exc.__class__.__name__}: {exc})"]
    if report.valid:
        return None
    return [_note(e) for e in report.errors]


def _note(error) -> str:
    """A Frictionless error's own words, without the prefix naming its kind (the caller names the place)."""
    note = getattr(error, "note", "") or error.message
    return note[0].lower() + note[1:] if note else error.message


def _loader_problems(descriptor: dict) -> list[str]:
    """What Frictionless leaves to the reading of the data (or does not check) and the loader relies
    on: keys that name real resources and fields, patterns Python can compile, the field types the
    loader reads, and well-formed checksums."""
    resources = descriptor["resources"]
    fields = {r["name"]: {f["name"] for f in r["schema"]["fields"]} for r in resources}
    out = []
    for res in resources:
        where = f"resource {res['name']!r}"
        for fdesc in res["schema"]["fields"]:
            out += [f"{where}, field {fdesc['name']!r}: {note}" for note in _field_problems(fdesc)]
        out += _key_problems(res, where, fields)
        out += _checksum_problems(res, where)
    return out


def _field_problems(fdesc: dict) -> list[str]:
    """A field's type and constraints as the loader checks them: pandera is given each constraint as
    it stands, and fails with a TypeError or re.error (not a report) on one of the wrong kind."""
    kind = fdesc.get("type", "string")
    if not isinstance(kind, str):
        return []  # Frictionless names it
    if kind not in READ_TYPES:
        return [f"type {kind!r} is not one this loader reads ({', '.join(READ_TYPES)}; dates are EDTF strings)"]
    constraints = fdesc.get("constraints", {})
    if not isinstance(constraints, dict):
        return []
    out = [f"the constraint {key!r} is not checked on a {kind} field by this loader (it checks {', '.join(allowed)})"
           for key in constraints if key not in (allowed := CONSTRAINTS[kind])]
    for key in ("minimum", "maximum"):
        value = constraints.get(key)
        if key in constraints and (not isinstance(value, int | float) or isinstance(value, bool)):
            out.append(f"{key} {value!r} is not a number")
    pattern = constraints.get("pattern")
    if isinstance(pattern, str):
        try:
            re.compile(pattern)
        except re.error as exc:
            out.append(f"pattern {pattern!r} is not a valid regular expression ({exc})")
    return out


def _key_problems(res: dict, where: str, fields: dict[str, set[str]]) -> list[str]:
    """Foreign keys whose resource or fields do not exist (Frictionless finds these only when it reads the rows)."""
    out = []
    keys = res["schema"].get("foreignKeys", [])
    for key in keys if isinstance(keys, list) else []:
        if not isinstance(key, dict) or not isinstance(key.get("reference"), dict):
            continue  # Frictionless has said what is wrong with its shape
        target = key["reference"].get("resource") or res["name"]  # "" refers to the resource itself
        theirs = key["reference"].get("fields")
        theirs = [theirs] if isinstance(theirs, str) else theirs if isinstance(theirs, list) else []
        if target not in fields:
            out.append(f"{where}: a foreign key refers to the resource {target!r}, which the package does not have")
            continue
        unknown = [n for n in theirs or [] if n not in fields[target]]  # its own fields: Frictionless checks them
        if unknown:
            out.append(f"{where}: a foreign key refers to {', '.join(map(repr, unknown))}, not a field of {target!r}")
    return out


def _checksum_problems(res: dict, where: str) -> list[str]:
    """A recorded hash must be ALGORITHM:HEX (md5 if no algorithm is named, as Frictionless reads it)
    with as many hexadecimal digits as that algorithm gives; bytes a whole number."""
    out = []
    if "hash" in res:
        if parse_hash(res["hash"]) is None:
            out.append(f"{where}: hash {res['hash']!r} is not a checksum (expected 'sha256:' and 64 hexadecimal digits); "
                       "`python -m patronage rehash` records it")
    if "bytes" in res and (not isinstance(res["bytes"], int) or isinstance(res["bytes"], bool) or res["bytes"] < 0):
        out.append(f"{where}: bytes {res['bytes']!r} is not a size in bytes; `python -m patronage rehash` records it")
    return out


def parse_hash(text: object) -> tuple[str, str] | None:
    """(algorithm, hex digest) of a recorded hash, or None if it is not one."""
    if not isinstance(text, str):
        return None
    algorithm, _, digest = text.rpartition(":")
    algorithm = algorithm or "md5"
    if algorithm not in HASH_ALGORITHMS or not re.fullmatch(r"[0-9a-f]+", digest) or \
            len(digest) != 2 * hashlib.new(algorithm).digest_size:
        return None
    return algorithm, digest
