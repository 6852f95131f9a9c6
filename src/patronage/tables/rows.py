"""The rows of a CSV file of the package, read strictly: each cell as text, each defect named by its row and cell.

A clean file is parsed by pandas' C parser; anything off (bytes that are not UTF-8, a header that
does not name the schema's fields in order, a ragged row, a file cut short inside a quoted cell)
sends it to the csv module in strict mode, which finds and names the problem."""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.columns import TEXT
from patronage.tables.files import FileProblem, read_file


def read_rows(path: Path, fields: list[str], name: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The cells of one CSV file as strings (empty cells as NA), and the problems found reading it.

    The file must be a regular file of its folder (see :func:`patronage.tables.datapackage.read_file`);
    name: how problems name it (default: the file's name).
    """
    name = name or path.name
    try:
        raw = read_file(path, path.parent)
    except FileProblem as exc:
        return empty_rows(fields), [Problem(name, None, None, str(exc))]
    frame, problems, _ = parse_rows(raw, fields, name)
    return frame, problems


def empty_rows(fields: list[str]) -> pd.DataFrame:
    """No rows: a frame of the fields, every column text."""
    return pd.DataFrame(columns=fields, dtype=TEXT)


def parse_rows(raw: bytes, fields: list[str], name: str) -> tuple[pd.DataFrame, list[Problem], bool]:
    """The rows of the CSV bytes ``raw``, the problems found, and whether every record could be read.

    Checks the bytes are UTF-8, the header names the schema's fields in order, and every row has
    as many cells as the header. The csv module reads in strict mode: a quote left open at the end
    of the file (a file cut short inside a quoted cell), or text after a closing quote, is an error
    naming the record, not a cell silently ended there. A row of the wrong length is left out of the
    frame, so the table is then not whole either (the rules across tables would find its ids missing).
    """
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a leading byte-order mark is harmless: drop it
    if raw.translate(None, _NOT_CONTROL):  # a control character is left (bytes.translate: a fraction of a regex search)
        frame, problems, whole = _parse(raw, fields, name)
        return frame, problems + _control_characters(raw, fields, name), whole
    return _parse(raw, fields, name)


# control characters, which no cell of the tables holds (a NUL byte in a name prints as '^@' and travels into the exports);
# a tab and the line breaks are CSV's own
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_CONTROL = bytes(b for b in range(256) if not CONTROL.match(bytes([b])))


def _control_characters(raw: bytes, fields: list[str], name: str, most: int = 10) -> list[Problem]:
    """A problem for each of the first ``most`` control characters in the file, named by record and cell (:func:`_cell_at`)."""
    return [Problem(name, *_cell_at(raw, m.start(), fields), f"control character {raw[m.start()]:#04x} in the cell: delete it")
            for m in itertools.islice(CONTROL.finditer(raw), most)]


def _cell_at(raw: bytes, position: int, fields: list[str]) -> tuple[int, str | None]:
    """The record (the header is 1) and the column of the byte at ``position``: the bytes before it read as CSV, so
    that quoted commas and quoted line breaks count right."""
    before = raw[:position].decode("utf-8", errors="replace") + "?"
    records = list(csv.reader(io.StringIO(before, newline="")))
    col = len(records[-1]) - 1
    return len(records), fields[col] if 0 <= col < len(fields) else None


def _parse(raw: bytes, fields: list[str], name: str) -> tuple[pd.DataFrame, list[Problem], bool]:
    """:func:`parse_rows` without the search for control characters."""
    fast = _read_clean(raw, fields)
    if fast is not None:
        return fast, [], True
    text, header, problem = _text_and_header(raw, fields, name)
    if problem is None and header != fields:
        problem = _header_problem(header, fields, name)
    if problem is not None:
        return empty_rows(fields), [problem], False
    return _records(text, fields, name)


def _text_and_header(raw: bytes, fields: list[str], name: str) -> tuple[str, list[str] | None, Problem | None]:
    """The file's text and its header record, or the problem that stops the reading there (bytes that are
    not UTF-8, an empty file, a malformed first record)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "", None, _not_utf8(raw, exc, fields, name)
    end = text.find("\n")
    line = text if end < 0 else text[:end]
    if line and not any(c in line for c in '"\r\0'):
        return text, line.split(","), None  # a first line without quotes is the header record, as the csv module reads it
    try:
        return text, next(csv.reader(io.StringIO(text, newline=""), strict=True)), None
    except StopIteration:
        return text, None, Problem(name, 1, None, "file is empty")
    except csv.Error as exc:
        return text, None, _malformed(name, text, fields, 1, 0, exc)


def _not_utf8(raw: bytes, exc: UnicodeDecodeError, fields: list[str], name: str) -> Problem:
    """The byte that is not UTF-8, named by its record and cell (:func:`_cell_at`)."""
    return Problem(name, *_cell_at(raw, exc.start, fields), f"byte {raw[exc.start]:#04x} is not UTF-8; save the file as UTF-8")


def _header_problem(header: list[str], fields: list[str], name: str) -> Problem:
    """How a header differs from the schema's fields: missing, unexpected, or out of order."""
    missing = [f for f in fields if f not in header]
    extra = [h for h in header if h not in fields]
    detail = "; ".join(filter(None, [
        f"missing {missing}" if missing else "", f"unexpected {extra}" if extra else "",
        "columns out of order" if not (missing or extra) else ""]))
    return Problem(name, 1, None, f"header does not match the schema ({detail}); expected {fields}")


def _records(text: str, fields: list[str], name: str) -> tuple[pd.DataFrame, list[Problem], bool]:
    """The records after the header, read by the csv module in strict mode: (rows, problems, whole).

    A row of the wrong length is named and left out; a malformed record ends the reading, named.
    """
    problems: list[Problem] = []
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)  # the header
    number, lines_read, whole, short = 1, reader.line_num, True, None
    try:
        for number, row in enumerate(reader, start=2):  # a row is a record: the header is row 1
            lines_read = reader.line_num
            if len(row) != len(fields):
                problems.append(Problem(name, number, None, "the line is empty: delete it" if not row else
                                        f"row has {len(row)} cells, the header has {len(fields)}"))
                whole, short = False, (number if len(row) < len(fields) else None)
                continue
            rows.append(row)
            numbers.append(number)
    except csv.Error as exc:
        problems.append(_malformed(name, text, fields, number + 1, lines_read, exc))
        whole = False
    else:
        if short is not None and short == number and not text.endswith(("\n", "\r")):  # the last row, short, unended
            problems[-1] = replace(problems[-1], message=problems[-1].message + "; it is the last row and the file ends "
                                   "without a line break: the file is cut short (truncated)?")
    frame = pd.DataFrame(rows, columns=fields, dtype=TEXT)
    frame = frame.replace("", pd.NA)
    frame.index = pd.Index(numbers, dtype="int64", name="row")
    return frame, problems, whole


def _malformed(name: str, text: str, fields: list[str], row: int, lines_before: int, exc: csv.Error) -> Problem:
    """The strict csv module's error on record ``row`` (which starts after ``lines_before`` physical
    lines) as a Problem. The csv module names neither the record nor the cell: the record is counted
    by the caller, and for a quote left open at the end of the file the cell is found by reading the
    record's text again without strict mode (which ends the open cell at the end of the file)."""
    if "unexpected end of data" not in str(exc):
        hint = " (a quoted cell ends at a comma or the end of its line)" if "expected after" in str(exc) else ""
        return Problem(name, row, None, f"malformed CSV: {exc}{hint}")
    rest = "".join(io.StringIO(text, newline="").readlines()[lines_before:])
    cells = next(csv.reader(io.StringIO(rest, newline="")), [])
    column = fields[len(cells) - 1] if 0 < len(cells) <= len(fields) else None
    return Problem(name, row, column, "the file ends inside this quoted cell: the file is cut short (truncated), "
                                      "or the cell's closing quote is missing")


def _read_clean(raw: bytes, fields: list[str]) -> pd.DataFrame | None:
    """The rows of a clean CSV file (valid UTF-8, its first line the header) read by pandas' C parser,
    or None when anything is off: read_rows' csv module path then finds and names the problem.

    The C parser is several times faster than the csv module but forgiving: it pads short rows
    and blank lines with empty cells, and takes an extra leading cell as an index. So a file is
    clean only if its first line, without quotes, names the fields; the parse succeeds without an
    index (the parser decodes every cell as strict UTF-8, so it fails on a byte that is not); there
    is no carriage return or NUL byte (the csv module may split or reject those differently); every
    quote opens a field, closes one or is doubled inside one (RFC 4180; a stray quote inside an
    unquoted cell is read differently by the two parsers); and the commas outside quotes number
    exactly fields - 1 per record: no record is longer (the parser raises), so none is shorter.
    Records are numbered as the csv module numbers them, the header being row 1.
    """
    if b"\r" in raw or b"\0" in raw or not _clean_header(raw, fields):
        return None
    try:
        frame = pd.read_csv(io.BytesIO(raw), engine="c", encoding="utf-8", header=0, names=fields, dtype=TEXT,
                            keep_default_na=False, na_values=[""], skip_blank_lines=False, quotechar='"', doublequote=True)
    except (ValueError, pd.errors.ParserError, csv.Error):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(frame.index, pd.RangeIndex) or list(frame.columns) != fields:
        return None
    outside = _outside_quotes(raw)
    if outside is None or _count_commas(outside) != (len(frame) + 1) * (len(fields) - 1):
        return None
    frame.index = pd.Index(np.arange(2, len(frame) + 2), dtype="int64", name="row")
    return frame


def _clean_header(raw: bytes, fields: list[str]) -> bool:
    """True if the first line is UTF-8, holds no quote, and names the fields in order."""
    end = raw.find(b"\n")
    try:
        header = (raw if end < 0 else raw[:end]).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return '"' not in header and header.split(",") == fields


def _outside_quotes(raw: bytes) -> bytes | None:
    """The bytes outside quoted cells, or None if a quote neither opens a cell, closes one nor is doubled
    inside one (RFC 4180), or is never closed."""
    if b'"' not in raw:
        return raw
    parts = raw.split(b'"')  # outside quotes, inside, outside, ...: by the quotes' parity
    if len(parts) % 2 == 0:
        return None  # a quote never closed
    if not (all(p[:1] in (b",", b"\n", b"") for p in parts[2::2]) and  # a closing quote ends its cell (or is doubled)
            all(p[-1:] in (b",", b"\n", b"") for p in parts[0:-1:2])):  # an opening quote starts one
        return None
    return b"".join(parts[::2])


def _count_commas(data: bytes, step: int = 1 << 20) -> int:
    """How many commas ``data`` holds: numpy compares a megabyte at a time (4x bytes.count). One
    comparison of a whole file of hundreds of megabytes would first allocate (and the system zero)
    a mask as large as the file, which costs more than the counting."""
    view = np.frombuffer(data, dtype=np.uint8)
    return sum(int(np.count_nonzero(view[i:i + step] == ord(","))) for i in range(0, len(view), step))
