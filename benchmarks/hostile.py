"""Hostile inputs against the command line: ``python benchmarks/hostile.py [--src SRC] [--jobs N]``.

Each case is a corrupted (or harmlessly changed) copy of data/ in a temporary folder, checked by
``python -m patronage validate`` in a fresh interpreter, twice: as it is, and after
``python -m patronage rehash`` (what a curator runs after an edit, so a recorded checksum no longer
gives the fault away). Every run has a time limit and a memory limit (a table that is a symlink to
/dev/zero must not take the machine down with it). Each run is counted as one of:

- clear: exit 1, no traceback, and the message names the file (and the row and column where the
  case has one) where the fault is;
- wrong place: an error without a traceback that does not name where the fault is;
- traceback, hang (past the time limit), silent pass (exit 0 on a fault);
- for a harmless variant (BOM, CRLF, every cell quoted, ...): accepted, or a false alarm.

A rehash that prints a traceback or hangs is counted too (``rehash traceback``, ``rehash hang``).
The unit tests (tests/test_fuzz.py) check the same kinds of fault on the small toy world; this
script runs them on the compendium's own tables and prints the counts the issue asked for. ``--src``
points at another copy of the package (e.g. a checkout of an older commit) to compare.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from resource import RLIMIT_AS, setrlimit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TIME_LIMIT = 30  # seconds per command
MEMORY_LIMIT = 4 << 30  # bytes of address space per command


@dataclass
class Case:
    """One copy of the data: how it is made, and where its fault must be named (None: harmless)."""

    name: str
    make: object  # function(folder: Path) -> None, changing the copy in place
    file: str | None  # the file the message must name; None for a harmless variant
    row: int | None = None
    column: str | None = None
    modes: tuple = ("as is", "after rehash")
    result: dict = field(default_factory=dict)


def tables() -> dict[str, list[str]]:
    """Each resource's file name and its fields, from the real descriptor."""
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    return {r["path"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}


def records(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def quoted_cut(path: Path, last: bool = False) -> tuple[int, int, str] | None:
    """(byte offset inside a quoted cell, its row, its column) of the first quoted cell of at least
    five bytes (with ``last``, in the last column) in the second half of the file, for a cut that
    leaves the quote open; None if there is none."""
    data = path.read_bytes()
    rows = records(path)
    fields = rows[0]
    in_quotes, record, cell, opened = False, 1, 0, 0
    i = 0
    while i < len(data):
        b = data[i:i + 1]
        if in_quotes:
            if b == b'"':
                if data[i + 1:i + 2] == b'"':
                    i += 2
                    continue
                in_quotes = False
                if record > len(rows) // 2 and i - opened > 4 and (not last or cell == len(fields) - 1):
                    return opened + (i - opened) // 2, record, fields[cell]
        elif b == b'"':
            in_quotes, opened = True, i
        elif b == b",":
            cell += 1
        elif b == b"\n":
            record, cell = record + 1, 0
        i += 1
    return None


def build_cases() -> list[Case]:
    files = tables()
    cases: list[Case] = []

    def add(name, make, file=None, row=None, column=None, modes=("as is", "after rehash")):
        cases.append(Case(name, make, file, row, column, modes))

    # --- truncation inside a quoted cell, every table
    for name in files:
        for last in (False, True):
            found = quoted_cut(DATA / name, last)
            if found and (found[2] != files[name][-1] or last):  # the last column's cell: once
                at, row, column = found
                add(f"truncated inside a quoted cell{' of the last column' if last else ''}: {name}",
                    lambda f, name=name, at=at: (f / name).write_bytes((f / name).read_bytes()[:at]), name, row, column)
    # --- truncation at a random byte, every table, where a reader can tell (a record cut short, or a
    # quote left open: a cut between records, or inside an unquoted last cell, leaves a shorter table
    # that is well formed, which only the recorded checksum gives away)
    rng = random.Random(17)
    for name in files:
        data = (DATA / name).read_bytes()
        while True:
            at = rng.randrange(len(data) // 3, len(data) - 1)
            if cut_shows(data[:at], len(files[name])):
                break
        add(f"truncated at a random byte: {name}",
            lambda f, name=name, at=at: (f / name).write_bytes((f / name).read_bytes()[:at]), name)
    # --- what a table path may be
    for name in ("ties.csv", "persons.csv"):
        add(f"table is a directory: {name}", lambda f, name=name: ((f / name).unlink(), (f / name).mkdir()), name)
        add(f"table is a symlink to /dev/zero: {name}", lambda f, name=name: ((f / name).unlink(), (f / name).symlink_to("/dev/zero")), name)
        add(f"table is a named pipe: {name}", lambda f, name=name: ((f / name).unlink(), os.mkfifo(f / name)), name)
        add(f"table is a symlink outside the package: {name}",
            lambda f, name=name: ((f / name).unlink(), (f / name).symlink_to("/etc/passwd")), name)
        add(f"table is missing: {name}", lambda f, name=name: (f / name).unlink(), name)
        add(f"table is empty: {name}", lambda f, name=name: (f / name).write_bytes(b""), name)
    add("table is a dangling symlink: codings.csv", lambda f: ((f / "codings.csv").unlink(), (f / "codings.csv").symlink_to(f / "nowhere.csv")),
        "codings.csv")
    # --- unsafe resource paths
    for path in ("../../../../etc/passwd", "/etc/passwd", "~/codings.csv", "$HOME/codings.csv", "file:///etc/passwd",
                 "https://example.com/codings.csv", "sub/../../codings.csv", "..", "", 42, ["codings.csv", "codings.csv"]):
        add(f"resource path {path!r}", lambda f, path=path: descriptor_edit(f, lambda d: resource(d, "codings").update(path=path)),
            "datapackage.json")
    # --- descriptor faults
    faults = {
        "unknown field type": lambda d: field_of(d, "ties", "kind").update(type="strnig"),
        "type this loader does not read (number, with a minimum)": lambda d: field_of(d, "spells", "seniority").update(type="number"),
        "primary key names an unknown field": lambda d: schema(d, "ties").update(primaryKey=["nowhere"]),
        "foreign key to an unknown resource": lambda d: schema(d, "spells")["foreignKeys"].append(
            {"fields": ["person_id"], "reference": {"resource": "nowhere", "fields": ["person_id"]}}),
        "foreign key from an unknown field": lambda d: schema(d, "spells")["foreignKeys"].append(
            {"fields": ["nowhere"], "reference": {"resource": "persons", "fields": ["person_id"]}}),
        "foreign key to an unknown field": lambda d: schema(d, "spells")["foreignKeys"].append(
            {"fields": ["person_id"], "reference": {"resource": "persons", "fields": ["nowhere"]}}),
        "invalid regex pattern": lambda d: field_of(d, "ties", "tie_id")["constraints"].update(pattern="^[a-z(+$"),
        "pattern is not a string": lambda d: field_of(d, "ties", "tie_id")["constraints"].update(pattern=5),
        "maxLength is not an integer": lambda d: field_of(d, "ties", "quote")["constraints"].update(maxLength="ten"),
        "enum is not a list": lambda d: field_of(d, "ties", "kind")["constraints"].update(enum="patronage"),
        "minimum is not a number": lambda d: field_of(d, "spells", "seniority")["constraints"].update(minimum="low"),
        "two resources with one name": lambda d: resource(d, "codings").update(name="ties"),
        "two fields with one name": lambda d: field_of(d, "ties", "note").update(name="kind"),
        "resource without a schema": lambda d: resource(d, "codings").pop("schema"),
        "fields is not a list": lambda d: schema(d, "codings").update(fields={"a": 1}),
        "a field is not an object": lambda d: schema(d, "codings")["fields"].append(1),
        "a field without a name": lambda d: schema(d, "codings")["fields"][0].pop("name"),
        "no resources": lambda d: d.pop("resources"),
        "resources is not a list": lambda d: d.update(resources="all"),
        "a resource is not an object": lambda d: d["resources"].append(1),
        "malformed hash": lambda d: resource(d, "ties").update(hash="sha256:xyz"),
        "hash of an unknown algorithm": lambda d: resource(d, "ties").update(hash="crc32:abcd"),
        "bytes is not a number": lambda d: resource(d, "ties").update(bytes="many"),
        "bytes is wrong": lambda d: resource(d, "ties").update(bytes=resource(d, "ties")["bytes"] + 1),
        "pattern on an integer field": lambda d: field_of(d, "spells", "seniority")["constraints"].update(pattern="^[0-9]$"),
    }
    repaired = {"malformed hash", "hash of an unknown algorithm", "bytes is not a number", "bytes is wrong"}
    for name, edit in faults.items():  # rehash records good checksums: those faults it repairs are checked as they are
        add(f"datapackage.json: {name}", lambda f, edit=edit: descriptor_edit(f, edit),
            "ties.csv" if name == "bytes is wrong" else "datapackage.json",
            modes=("as is",) if name in repaired else ("as is", "after rehash"))
    add("a field the analysis reads removed from the schema and its table (spells.person_id)", drop_person_id,
        "datapackage.json")
    raw = {
        "not JSON": b"{ not json",
        "empty": b"",
        "a JSON list": b"[]",
        "a JSON string": b'"datapackage.json"',
        "not UTF-8": b'{"resources": "\xff"}',
    }
    for name, data in raw.items():
        add(f"datapackage.json is {name}", lambda f, data=data: (f / "datapackage.json").write_bytes(data), "datapackage.json")
    add("datapackage.json is a directory", lambda f: ((f / "datapackage.json").unlink(), (f / "datapackage.json").mkdir()),
        "datapackage.json")
    add("datapackage.json is a symlink to /dev/zero",
        lambda f: ((f / "datapackage.json").unlink(), (f / "datapackage.json").symlink_to("/dev/zero")), "datapackage.json")
    add("datapackage.json is a named pipe", lambda f: ((f / "datapackage.json").unlink(), os.mkfifo(f / "datapackage.json")),
        "datapackage.json")
    add("datapackage.json is missing", lambda f: (f / "datapackage.json").unlink(), "datapackage.json")
    # --- harmless variants
    harmless = {
        "BOM on a table": lambda f: (f / "ties.csv").write_bytes(b"\xef\xbb\xbf" + (f / "ties.csv").read_bytes()),
        "BOM on the descriptor": lambda f: (f / "datapackage.json").write_bytes(b"\xef\xbb\xbf" + (f / "datapackage.json").read_bytes()),
        "CRLF line ends": lambda f: (f / "spells.csv").write_bytes(crlf((f / "spells.csv").read_bytes())),
        "every cell quoted": lambda f: rewrite(f / "events.csv", quoting=csv.QUOTE_ALL),
        "rows shuffled": lambda f: rewrite(f / "persons.csv", shuffle=True),
        "no final newline": lambda f: (f / "codings.csv").write_bytes((f / "codings.csv").read_bytes().rstrip(b"\n")),
        "descriptor re-indented": lambda f: descriptor_edit(f, lambda d: None, indent=4),
        "a remote profile (never fetched)": lambda f: descriptor_edit(f, lambda d: resource(d, "ties").update(
            profile="https://example.com/profile.json")),
    }
    for name, make in harmless.items():
        add(f"harmless: {name}", make, None, modes=("after rehash",))
    return cases


def drop_person_id(folder: Path) -> None:
    descriptor_edit(folder, lambda d: schema(d, "spells").update(
        fields=[f for f in schema(d, "spells")["fields"] if f["name"] != "person_id"],
        foreignKeys=[k for k in schema(d, "spells")["foreignKeys"] if "person_id" not in k["fields"]]))
    rows = records(folder / "spells.csv")
    k = rows[0].index("person_id")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:k] + r[k + 1:] for r in rows])
    (folder / "spells.csv").write_text(out.getvalue(), encoding="utf-8")


def cut_shows(data: bytes, width: int) -> bool:
    """True if a file cut here ends in a record of the wrong width or inside a quoted cell."""
    try:
        last = list(csv.reader(io.StringIO(data.decode("utf-8", errors="ignore"), newline=""), strict=True))[-1]
    except csv.Error:
        return True
    return len(last) != width


def crlf(data: bytes) -> bytes:
    """Line ends as CRLF, but not inside quoted cells (a spreadsheet saving on Windows)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return out.getvalue().encode("utf-8")


def rewrite(path: Path, quoting=csv.QUOTE_MINIMAL, shuffle=False) -> None:
    rows = records(path)
    head, body = rows[0], rows[1:]
    if shuffle:
        random.Random(3).shuffle(body)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=quoting).writerows([head, *body])
    path.write_text(out.getvalue(), encoding="utf-8")


def descriptor_edit(folder: Path, edit, indent: int = 2) -> None:
    path = folder / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    edit(d)
    path.write_text(json.dumps(d, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")


def resource(d: dict, name: str) -> dict:
    return next(r for r in d["resources"] if r["name"] == name)


def schema(d: dict, name: str) -> dict:
    s = resource(d, name)["schema"]
    s.setdefault("foreignKeys", [])
    return s


def field_of(d: dict, table: str, name: str) -> dict:
    f = next(f for f in resource(d, table)["schema"]["fields"] if f["name"] == name)
    f.setdefault("constraints", {})
    return f


def limits() -> None:
    """In the child: its own process group (so a hang is killed whole) and a memory limit."""
    os.setsid()
    setrlimit(RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


SECONDS: list[float] = []  # how long each command took


def run(args: list[str], src: Path, cwd: Path) -> tuple[str, int | None, str]:
    """('ok'|'hang', exit status, stderr + stdout) of ``python -m patronage ARGS``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATRONAGE_")}
    env.update(PYTHONPATH=str(src), PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen([sys.executable, "-m", "patronage", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=limits)
    start = time.perf_counter()
    try:
        out, err = proc.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return "hang", None, err + out
    finally:
        SECONDS.append(time.perf_counter() - start)
    return "ok", proc.returncode, err + out


def names_place(text: str, case: Case) -> bool:
    """True if one line of the message names the case's file, and its row and column where it has them."""
    for line in text.splitlines():
        if case.file not in line:
            continue
        if case.row is not None and f"row {case.row}" not in line:
            continue
        if case.column is not None and f"column {case.column!r}" not in line:
            continue
        return True
    return False


def classify(case: Case, status: str, code: int | None, text: str) -> str:
    if status == "hang":
        return "hang"
    if "Traceback" in text:
        return "traceback"
    if case.file is None:
        return "accepted" if code == 0 else "false alarm"
    if code == 0:
        return "silent pass"
    return "clear" if names_place(text, case) else "wrong place"


def check(case: Case, src: Path) -> Case:
    with tempfile.TemporaryDirectory(prefix="patronage-hostile-") as tmp:
        for mode in case.modes:
            folder = Path(tmp) / mode.replace(" ", "-") / "data"
            shutil.copytree(DATA, folder)
            case.make(folder)
            if mode == "after rehash":
                status, code, text = run(["rehash", str(folder)], src, Path(tmp))
                if status == "hang" or "Traceback" in text:
                    case.result["rehash"] = ("rehash " + ("hang" if status == "hang" else "traceback"), text[-600:])
            status, code, text = run(["validate", str(folder)], src, Path(tmp))
            case.result[mode] = (classify(case, status, code, text), text[-600:])
    return case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the folder holding the patronage package to test")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", help="run only the cases whose name holds this text")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every case and the end of its message")
    args = parser.parse_args(argv)
    cases = [c for c in build_cases() if not args.only or args.only in c.name]
    with ThreadPoolExecutor(args.jobs) as pool:
        done = list(pool.map(lambda c: check(c, args.src), cases))
    counts: Counter = Counter()
    for case in done:
        for key, (outcome, text) in case.result.items():
            counts[outcome] += 1
            if args.verbose or outcome not in ("clear", "accepted"):
                tail = " | ".join(text.strip().splitlines()[-3:])[:400]
                print(f"{outcome:>16}  {case.name} [{key}]  {tail}")
    faults = sum(1 for c in done if c.file)
    runs = sum(1 for c in done for k in c.result if k != "rehash")
    print(f"\n{len(done)} cases ({faults} faults, {len(done) - faults} harmless variants), {runs} validate runs:")
    for outcome in ("clear", "wrong place", "silent pass", "traceback", "hang", "accepted", "false alarm",
                    "rehash traceback", "rehash hang"):
        print(f"  {outcome:>16}: {counts.get(outcome, 0)}")
    print(f"  slowest command: {max(SECONDS):.1f} s (limit {TIME_LIMIT} s; a hang is killed at the limit)")
    bad = sum(counts.get(k, 0) for k in ("wrong place", "silent pass", "traceback", "hang", "false alarm",
                                         "rehash traceback", "rehash hang"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
