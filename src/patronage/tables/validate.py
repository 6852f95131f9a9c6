"""Rules that span tables, beyond what a Frictionless schema can say.

Each rule is a function from the tables to a list of Problems; ``cross_table_problems`` runs
them all. All are vectorised with pandas. A rule that tests each cell against something (an id
list, an allowed word, a death date) does so once per distinct value of the column and spreads the
answer over the rows (:class:`Distinct`): the columns hold few distinct values (a source, a kind,
an evidence) or repeat them (a person's id on each of his spells), and the factorisation that
finds them, one pass over the column, is shared by every rule that reads it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from patronage.errors import Problem

MAX_QUOTE_WORDS = 25
WORD = r"[^\W_]+(?:'[^\W_]+)?"  # a hyphenated compound counts as two words: "Worker-Peasant"
LIVING = {"appointment", "award", "arrest", "meeting", "testimony", "transfer"}  # events a dead man cannot attend

# Columns that hold several ids separated by '|': a Frictionless foreign key cannot say this.
LIST_REFERENCES = {
    ("organisations", "predecessors"): ("organisations", "org_id"),
    ("ties", "codings"): ("codings", "coding_id"),
    ("codings", "source_ids"): ("sources", "source_id"),
}


class Distinct:
    """The distinct values of the tables' columns, each column factorised once for all the rules.

    ``codes(table, column)`` is (codes, values): each row's position among the column's distinct
    non-empty values, -1 for an empty cell. ``per_value`` evaluates an elementwise expression once
    per distinct value (and once for the empty cell) and returns it for every row: the same answer,
    cell by cell, as the expression over the whole column.
    """

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames  # may still be filled, as the tables are read
        self._found: dict[tuple, np.ndarray | tuple[np.ndarray, np.ndarray]] = {}
        self._seen: dict[str, pd.DataFrame] = {}
        self._parent: Distinct | None = None  # see narrowed
        self._kept: dict[str, np.ndarray | None] = {}
        self._inherited: set[tuple[str, str]] = set()

    def narrowed(self, frames: dict[str, pd.DataFrame], kept: dict[str, np.ndarray | None]) -> Distinct:
        """A Distinct of ``frames`` that factorises no column this one has already.

        For each table named in ``kept``, ``frames`` holds the rows of this one's table that the
        boolean mask ``kept[table]`` keeps (None: every row), in order, with the same values in
        the columns this one's frame has. A column of such a table then takes this one's codes at
        the kept rows and this one's distinct values, some of which may no longer occur in it; no
        row holds their codes, so nothing is spread to a row from them. At a register's size,
        factorising the id columns again was most of the cost of a selection.
        """
        child = Distinct(frames)
        child._parent, child._kept = self, kept
        return child

    def keeping(self, columns: set[tuple[str, str]]) -> Distinct:
        """A Distinct of the same frames with what this one found for ``columns`` ((table, column)
        pairs) and the lookups between them, and nothing else: a few arrays to keep with the
        tables, not one per column of the package (anything else is found again if asked for)."""
        other = Distinct(self.frames)
        other._seen = dict(self._seen)
        other._found = {key: found for key, found in self._found.items()
                        if {(key[i], key[i + 1]) for i in range(1, len(key), 2)} <= columns}
        return other

    def _from_parent(self, table: str, column: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(codes, distinct values) of the column taken from the Distinct this one narrows, if it can be."""
        parent = self._parent
        if parent is None or table not in self._kept or table not in parent.frames \
                or column not in parent.frames[table].columns:
            return None
        mask = self._kept[table]
        codes, uniques = parent.codes(table, column)
        if mask is not None:
            if len(mask) != len(codes):
                return None
            codes = codes[mask]
        if len(codes) != len(self.frames[table]):
            return None
        self._inherited.add((table, column))
        return codes, uniques

    def _current(self, table: str) -> None:
        """Forget what was found in a table whose frame has since been replaced (a resource named twice)."""
        frame = self.frames[table]
        if self._seen.setdefault(table, frame) is not frame:
            self._found = {k: v for k, v in self._found.items() if table not in k}
            self._inherited = {k for k in self._inherited if k[0] != table}
            self._seen[table] = frame

    def codes(self, table: str, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values) of one column; an empty cell has code -1."""
        self._current(table)
        key = ("codes", table, column)
        if key not in self._found and (inherited := self._from_parent(table, column)) is not None:
            self._found[key] = inherited
        if key not in self._found:
            values = np.asarray(self.frames[table][column].array, dtype=object)
            sample = values[::max(1, len(values) // 64)]
            if 2 * np.count_nonzero(pd.isna(sample)) > len(sample):  # mostly empty, by a sample of 64 cells:
                empty = pd.isna(values)  # factorising only the filled cells is then much faster
                codes = np.full(len(values), -1, dtype=np.intp)
                codes[~empty], uniques = pd.factorize(values[~empty])
            else:
                codes, uniques = pd.factorize(values)  # an empty cell gets code -1
            self._found[key] = codes, uniques
        return self._found[key]

    def values(self, table: str, column: str) -> pd.Series:
        """The column's distinct values as a Series of its dtype, then one empty cell (which code -1 picks)."""
        uniques = self.codes(table, column)[1]
        return pd.Series(pd.array(np.append(uniques, [None]), dtype=self.frames[table][column].dtype))

    def spread(self, table: str, column: str, answer) -> np.ndarray:
        """``answer`` (one item per distinct value, then one for the empty cell) for every row of the column."""
        return np.asarray(answer)[self.codes(table, column)[0]]

    def per_value(self, table: str, column: str, expression) -> np.ndarray:
        """``expression(values)`` (elementwise, over a Series like the column) for every row of the column."""
        return self.spread(table, column, expression(self.values(table, column)).to_numpy())

    def match(self, table: str, column: str, target: str, target_column: str) -> np.ndarray:
        """For each distinct value of ``table.column``, then the empty cell: the position of the same value
        among the distinct values of ``target.target_column``, -1 where it has none. The empty cell
        matches the target's empty cell, at position len(target's values), as pandas' joins and index
        lookups match them.
        """
        values, ids = self.codes(table, column)[1], self.codes(target, target_column)[1]
        if {(table, column), (target, target_column)} <= self._inherited:  # the same distinct values: the same answer
            return self._parent.match(table, column, target, target_column)
        key, index = ("match", table, column, target, target_column), ("index", target, target_column)
        if key not in self._found:
            if index not in self._found:  # one index (and hash table) of the target's values for every column matched to it
                self._found[index] = pd.Index(ids, dtype=object)
            self._found[key] = np.append(self._found[index].get_indexer(pd.Index(values, dtype=object)), len(ids))
        return self._found[key]

    def first_rows(self, table: str, column: str) -> np.ndarray:
        """For each distinct value of the column, then the empty cell: the position of the first row holding it (-1: none)."""
        codes, uniques = self.codes(table, column)
        first = pd.Series(codes).drop_duplicates(keep="first")
        rows = np.full(len(uniques) + 1, -1, dtype=np.intp)
        rows[first.to_numpy()] = first.index.to_numpy()  # code -1, the empty cell, lands in the last slot
        return rows

    def first_values(self, table: str, column: str, values: np.ndarray, missing) -> np.ndarray:
        """``values`` (one per row of the table) looked up by ``column``: for each distinct value of the
        column, then for the empty cell, ``values`` at the first row holding it, ``missing`` where no
        row does; and last ``missing`` again, which position -1 (from ``match``) picks."""
        rows = np.append(self.first_rows(table, column), -1)
        found = values[np.maximum(rows, 0)] if len(values) else np.full(len(rows), missing)
        return np.where(rows >= 0, found, missing)


def _file(tables, name: str) -> str:
    return next(r["path"] for r in tables.descriptor["resources"] if r["name"] == name)


def _problems(tables, name: str, mask, column: str | None, message) -> list[Problem]:
    """A Problem for every row of table ``name`` where ``mask`` (a boolean Series or array) holds;
    message may be a function of the row."""
    frame = getattr(tables, name)
    if isinstance(mask, pd.Series):
        mask = mask.fillna(False).astype(bool).to_numpy()
    if not mask.any():
        return []
    file, rows = _file(tables, name), frame[mask]
    return [Problem(file, int(i), column, message(r) if callable(message) else message) for i, r in rows.iterrows()]


def foreign_keys(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Every id a row refers to exists in the table it points to (declared and list references)."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    for res in tables.descriptor["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            (col,), target = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]], fk["reference"]
            tcol = target["fields"][0] if isinstance(target["fields"], list) else target["fields"]
            codes, values = distinct.codes(res["name"], col)
            unknown = distinct.match(res["name"], col, target["resource"] or res["name"], tcol) < 0
            rows = np.flatnonzero(unknown[codes])  # an empty cell (code -1) refers to nothing: its slot is never -1
            if len(rows):
                file, index = _file(tables, res["name"]), getattr(tables, res["name"]).index
                out += [Problem(file, int(index[i]), col, f"{values[codes[i]]!r} is not an id in {target['resource'] or res['name']}")
                        for i in rows]
    for (name, col), (tname, tcol) in LIST_REFERENCES.items():
        frame = getattr(tables, name)
        codes, lists = distinct.codes(name, col)  # each distinct list of ids split once
        items = pd.Series(np.asarray(lists, dtype=object)).str.split("|").explode().str.strip()
        bad = items[~items.isin(pd.Index(distinct.codes(tname, tcol)[1], dtype=object))]
        if bad.empty:
            continue
        bad_items = bad.groupby(level=0).agg(list).to_dict()  # distinct list -> its unknown ids
        where = pd.Series(codes, index=frame.index)
        where = where[where.isin(bad.index)]
        out += [Problem(_file(tables, name), int(i), col, f"{v!r} is not an id in {tname}")
                for i, c in where.items() for v in bad_items[c]]
    return out


def _word_counts(distinct: Distinct, table: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Words in each quote (0 for an empty cell), counted once per distinct quote, and which cells are empty."""
    codes, uniques = distinct.codes(table, column)
    counts = pd.Series(uniques, dtype=object).str.count(WORD).to_numpy(dtype="int64")
    return np.append(counts, 0)[codes], codes == -1


def sourcing(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Seed rows quote a seed text; quotes are at most 25 words. An external row quotes its reference work where
    its text was read (the same limit), and holds no quote where it was not."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    seeds = set(tables.sources.loc[tables.sources["seed"].fillna(False).astype(bool), "source_id"])
    for name, frame in tables.frames().items():
        for prefix in ("", "a_", "b_"):
            q, ev, src = prefix + "quote", prefix + "evidence", prefix + "source_id"
            if q not in frame.columns:
                continue
            words, empty = _word_counts(distinct, name, q)
            seed = distinct.per_value(name, ev, lambda v: (v == "seed").fillna(False))
            out += _problems(tables, name, seed & empty, q, "evidence is 'seed' but the quote is empty")
            out += _problems(tables, name, words > MAX_QUOTE_WORDS, q,
                             lambda r, q=q: f"quote has {len(re.findall(WORD, r[q]))} words; at most {MAX_QUOTE_WORDS}")
            out += _problems(tables, name, seed & ~distinct.per_value(name, src, lambda v: v.isin(seeds)), src,
                             lambda r, s=src: f"evidence is 'seed' but {r[s]!r} is not a seed text")
    return out


def conflict_tags(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Rows tagged with a conflict name one of that conflict's readings, and vice versa."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    c = tables.conflicts.drop_duplicates("conflict_id", keep="last")  # a repeated id: its last row counts, as in a dict
    allowed = {f"{cid} | {r}" for cid, a, b in zip(c["conflict_id"], c["reading_a"], c["reading_b"], strict=True)
               for r in (a, b)}
    default, a, b = tables.conflicts["default_reading"], tables.conflicts["reading_a"], tables.conflicts["reading_b"]
    same_a = (default == a).fillna(False) | (default.isna() & a.isna())  # an empty cell matches an empty cell
    same_b = (default == b).fillna(False) | (default.isna() & b.isna())
    out += _problems(tables, "conflicts", ~(same_a | same_b), "default_reading", "default reading is neither reading_a nor reading_b")
    for name, frame in tables.frames().items():
        if "reading" not in frame.columns:  # the conflicts table itself
            continue
        tagged, read = distinct.codes(name, "conflict_id")[0] >= 0, distinct.codes(name, "reading")[0] >= 0
        out += _problems(tables, name, tagged & ~read, "reading", "row names a conflict but not which reading it belongs to")
        out += _problems(tables, name, ~tagged & read, "conflict_id", "row names a reading but no conflict")
        if not (tagged & read).any():
            continue
        both = frame[tagged & read]  # the (few) tagged rows: each pair looked up among the conflicts' readings
        pairs = both["conflict_id"].astype("object") + " | " + both["reading"].astype("object")
        wrong = both["conflict_id"].isin(c["conflict_id"]) & ~pairs.isin(allowed)
        if wrong.any():
            out += _problems(tables, name, wrong.reindex(frame.index, fill_value=False), "reading",
                             lambda r: f"{r['reading']!r} is not a reading of conflict {r['conflict_id']!r}")
    return out


def chronology(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Nothing ends before it starts, and nobody holds a post or gets an award after death."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    for name, start, end in (("spells", "start", "end"), ("ties", "start", "end"),
                             ("organisations", "valid_from", "valid_to")):
        f = getattr(tables, name)
        out += _problems(tables, name, f[f"{end}_hi"] < f[f"{start}_lo"], end,
                         lambda r, s=start, e=end: f"ends ({r[e]}) before it starts ({r[s]})")
    # each person's death, found once per distinct id: died_hi of the first row holding the id (an
    # empty id matching an empty id, as a lookup in an index does), NaT where there is none
    nat = np.datetime64("NaT")
    died = distinct.first_values("persons", "person_id", tables.persons["died_hi"].to_numpy(), nat)

    def death(table: str) -> np.ndarray:
        """The death of the person each row of ``table`` names."""
        return distinct.spread(table, "person_id", died[distinct.match(table, "person_id", "persons", "person_id")])

    s, dead = tables.spells, death("spells")
    out += _problems(tables, "spells", s["start_lo"].to_numpy() > dead, "start",
                     lambda r: f"starts ({r['start']}) after {r['person_id']} died")
    out += _problems(tables, "spells", s["end_lo"].to_numpy() > dead, "end",
                     lambda r: f"ends ({r['end']}) after {r['person_id']} died")
    at = distinct.match("event_participants", "event_id", "events", "event_id")

    def event(values: np.ndarray, missing) -> np.ndarray:
        """``values`` (one per event) of the event each participant row names, the first of a repeated id."""
        return distinct.spread("event_participants", "event_id", distinct.first_values("events", "event_id", values, missing)[at])

    living = event(distinct.per_value("events", "kind", lambda kinds: kinds.isin(LIVING)), False)
    day = event(tables.events["date_lo"].to_numpy(), nat)
    out += _problems(tables, "event_participants", living & (day > death("event_participants")), "event_id",
                     lambda r: f"{r['person_id']} takes part in {r['event_id']} after his death")
    return out


def composite_keys(tables, distinct: Distinct | None = None) -> list[Problem]:
    """No two rows share a composite primary key (single keys are checked by the schema)."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    for res in tables.descriptor["resources"]:
        pk = res["schema"].get("primaryKey", [])
        if isinstance(pk, list) and len(pk) > 1:
            # rows compared by the codes of their key cells: equal cells have equal codes (empty ones -1)
            codes = pd.DataFrame({k: distinct.codes(res["name"], k)[0] for k in pk})
            out += _problems(tables, res["name"], codes.duplicated(keep="first").to_numpy(), None,
                             lambda r, pk=pk: f"duplicate key {tuple(r[k] for k in pk)}")
    return out




# ---------------------------------------------------------------------------------------------
# Provenance per assertion: refinements, named sources, no working notes, the seed row's subject

REFINABLE = {"attributes": "attribute_id", "spells": "spell_id", "events": "event_id", "ties": "tie_id"}
# what a refinement keeps of the row it refines (besides conflict_id and reading): its subject
SAME_SUBJECT = {"attributes": ("person_id", "attribute"), "spells": ("person_id",), "events": ("kind",),
                "ties": ("patron_id", "client_id", "kind", "codings")}
EDTF_FIELDS = {"attributes": ("date",), "spells": ("start", "end"), "events": ("date",),
               "ties": ("start", "end", "defection_date")}


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Cell by cell: equal values, or both empty."""
    a, b = a.astype("object"), b.astype("object")
    return ((a == b).fillna(False) | (a.isna() & b.isna())).to_numpy(dtype=bool)


def refinements(tables, distinct: Distinct | None = None) -> list[Problem]:
    """A refinement (a row naming in ``refines`` the seed row it restates at a reference work's precision,
    see :mod:`patronage.tables.readings`) is external, refines a seed row of its own table that no other row
    refines, keeps that row's subject, conflict and reading, and narrows its dates: each bound lies
    within the seed row's bounds where the seed row has a date (a date outside them contradicts the
    seed and belongs in a conflict). An event's refinement repeats the event's participations."""
    out: list[Problem] = []
    for name, key in REFINABLE.items():
        frame = getattr(tables, name)
        if "refines" not in frame.columns or not frame["refines"].notna().any():
            continue
        mine = frame[frame["refines"].notna()]
        first = frame.drop_duplicates(key, keep="first").set_index(key)
        found = mine["refines"].isin(first.index)  # an unknown id is named by foreign_keys
        out += _problems(tables, name, mine["evidence"].ne("external").reindex(frame.index, fill_value=False), "evidence",
                         lambda r: f"refines {r['refines']!r} but its evidence is {r['evidence']!r}: a refinement is external")
        mine = mine[found]
        base = first.loc[mine["refines"].to_numpy()].set_axis(mine.index)

        def name_rows(mask, column, message, name=name, mine=mine, frame=frame):
            return _problems(tables, name, pd.Series(mask, index=mine.index).reindex(frame.index, fill_value=False),
                             column, message)

        out += name_rows(base["evidence"].ne("seed").to_numpy(dtype=bool, na_value=True), "refines",
                         lambda r: f"refines {r['refines']!r}, which is not a seed row: only what a seed says is refined")
        out += name_rows(mine["refines"].isin(frame.loc[frame["refines"].notna(), key]).to_numpy(), "refines",
                         lambda r: f"refines {r['refines']!r}, which is itself a refinement: refine the seed row")
        out += name_rows(mine["refines"].duplicated(keep=False).to_numpy(), "refines",
                         lambda r: f"{r['refines']!r} has more than one refinement: restate every refined field in one row")
        out += name_rows((mine["refines"] == mine[key]).to_numpy(), "refines", "a row cannot refine itself")
        for column in (*SAME_SUBJECT[name], "conflict_id", "reading"):
            out += name_rows(~_same(mine[column], base[column]), column,
                             lambda r, c=column: f"refines {r['refines']!r} but its {c} ({r[c]!r}) differs from that row's: "
                                                 "a refinement restates the same assertion")
        for column in EDTF_FIELDS[name]:
            lo, hi = mine[f"{column}_lo"].to_numpy(), mine[f"{column}_hi"].to_numpy()
            blo, bhi = base[f"{column}_lo"].to_numpy(), base[f"{column}_hi"].to_numpy()
            dated = ~pd.isna(blo)
            text = base[column].astype("object").fillna("")
            open_start = text.str.startswith("/").to_numpy(dtype=bool)  # '/1948': by 1948, start unknown
            open_end = text.str.endswith("/").to_numpy(dtype=bool)  # '1953-03-06/': from then, end unknown
            outside = dated & (pd.isna(lo) | ((lo < blo) & ~open_start) | ((hi > bhi) & ~open_end))
            out += name_rows(outside, column,
                             lambda r, c=column: f"{c} ({r[c]!r}) is not within the dates of the row it refines "
                                                 f"({r['refines']!r}): a date that contradicts the seed is a conflict")
        if name == "events":
            parts = tables.event_participants[["event_id", "person_id", "role"]].astype("object")
            pairs = pd.DataFrame({"refining": mine[key].to_numpy(dtype=object), "event_id": mine["refines"].to_numpy(dtype=object)})
            needed = pairs.merge(parts, on="event_id")
            have = set(map(tuple, parts.to_numpy()))
            missing = {a for a, p, r in zip(needed["refining"], needed["person_id"], needed["role"], strict=True)
                       if (a, p, r) not in have}
            out += name_rows(mine[key].isin(missing).to_numpy(), "refines",
                             lambda r: f"refines {r['refines']!r} but does not repeat all of its participations "
                                       "(a participation follows its event)")
    return out


# a source id cited in free text: a slug ending in a year or 'inpress' (petrov-2010, khlevnyuk-inpress)
CITED = re.compile(r"(?<![\w'/-])([a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:1[89]\d\d|20\d\d|inpress))(?![\w-])")
FREE_TEXT = {"conflicts": ("resolution",)}  # every table's 'note' is free text too


def cited_sources(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Every source id cited in a note (a slug ending in a year, e.g. 'petrov-2010') is a source of
    sources.csv, or the id of a conflict or of a row (notes also name those: 'conflict march-arrangement-1953',
    'event meshik-arrested-1953-06'). Ids that end otherwise ('britannica') are not recognisable in free text.
    Each distinct note is read once; the id columns are searched only for the slugs that are neither a
    source nor a conflict (none, in a register whose notes cite nothing)."""
    distinct = distinct or Distinct(tables.frames())
    found: dict[tuple[str, str], tuple[np.ndarray, list[set[str]]]] = {}
    for name, frame in tables.frames().items():
        for column in ("note", *FREE_TEXT.get(name, ())):
            if column in frame.columns:
                codes, texts = distinct.codes(name, column)
                found[(name, column)] = (codes, [set(CITED.findall(str(t))) for t in texts])
    unknown = set().union(*(s for _, sets in found.values() for s in sets))
    unknown -= set(tables.sources["source_id"].dropna()) | set(tables.conflicts["conflict_id"].dropna())
    for frame in tables.frames().values():
        if unknown and frame.columns[0] in ("person_id", "org_id", "attribute_id", "spell_id", "event_id", "tie_id", "coding_id"):
            ids = frame[frame.columns[0]]
            unknown -= set(ids[ids.isin(list(unknown))])
    out: list[Problem] = []
    for (name, column), (codes, sets) in found.items():
        if not unknown:
            break
        bad = np.array([bool(s & unknown) for s in sets] + [False])[codes]
        out += _problems(tables, name, bad, column,
                         lambda r, c=column: f"cites {', '.join(sorted(set(CITED.findall(str(r[c]))) & unknown))}, "
                                             "which is not in sources.csv (nor the id of a conflict or a row)")
    return out


# phrases of curators' working notes that must not stand in published rows
WORKING_NOTES = re.compile(r"see the report|not in the brief|reported to the lead|new conflict id|not verified",
                           re.IGNORECASE)
# an unnamed 'standard' account given as the basis of a fact in a seed row's note: the fact belongs in
# a refinement (or an external row) that names its work
UNNAMED_STANDARD = re.compile(r"\bstandard (?:accounts?|biograph\w*|chronology|reference|date|dates|start|end)\b|"
                              r"\(standard\b|\bstandard:|\bstandard\)|standard accounts", re.IGNORECASE)
SEED_FILTERED = ("attributes", "spells", "events", "event_participants", "ties")


def working_notes(tables, distinct: Distinct | None = None) -> list[Problem]:
    """No curators' working notes in published rows ('see the report', 'not in the brief', 'not verified',
    'reported to the lead', 'NEW conflict id'), sources.csv's bibliographic caveats aside; and no seed
    row of an assertion table takes a fact from unnamed 'standard accounts': name the work, in a row of
    its own."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    for name, frame in tables.frames().items():
        if name == "sources":
            continue
        for column in ("note", "locator", *FREE_TEXT.get(name, ())):
            if column not in frame.columns:
                continue
            bad = distinct.per_value(name, column, lambda v: v.str.contains(WORKING_NOTES).fillna(False))
            out += _problems(tables, name, bad, column,
                             lambda r, c=column: f"holds a working note ({WORKING_NOTES.search(r[c]).group(0)!r}): "
                                                 "say what the sources say, or leave it out")
        if name in SEED_FILTERED:
            seed = distinct.per_value(name, "evidence", lambda v: (v == "seed").fillna(False))
            cites = distinct.per_value(name, "note", lambda v: v.str.contains(UNNAMED_STANDARD).fillna(False))
            out += _problems(tables, name, seed & cites, "note",
                             lambda r: f"a seed row's note takes a fact from unnamed accounts "
                                       f"({UNNAMED_STANDARD.search(r['note']).group(0)!r}): name the work in a row of its own "
                                       "(a refinement or an external row), or leave the fact out")
    return out


PROSE_SEEDS = "patronage:proseSeeds"  # descriptor property: the seed texts whose quotes must name their subject
SUBJECTS = {"attributes": ("person_id",), "spells": ("person_id",), "event_participants": ("person_id",),
            "ties": ("patron_id", "client_id")}
REFERENT = re.compile(r"Referent: ([^\n]*?)(?:(?<![A-Z])\.(?:\s|$)|$)")  # to the sentence's end, past initials ('Z. Kobulov')


def person_names(persons: pd.DataFrame) -> dict[str, list[str]]:
    """Each person's names as the sources spell them: surname, full name and every variant (for an
    initialled or inverted form, its surname too)."""
    out = {}
    for pid, surname, name, variants in zip(persons["person_id"], persons["surname"], persons["name"],
                                            persons["variants"].fillna(""), strict=True):
        names = {str(surname), str(name)}
        for v in str(variants).split("|"):
            v = v.strip()
            if v:
                names.add(v)
                names.add(v.split(",")[0].split()[-1])  # 'Kobulov, B.Z.' -> Kobulov; 'V.N. Merkulov' -> Merkulov
        out[pid] = sorted(n for n in names if len(n) > 2)
    return out


def _names_in(text: str, names: list[str]) -> bool:
    return any(re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text, re.IGNORECASE) for n in names)


def seed_subjects(tables, distinct: Distinct | None = None) -> list[Problem]:
    """A seed row's subject (the person of a post, an attribute or a participation; both parties of a
    tie) is named in its quote, or its note says whom the quote's words refer to ('Referent: "he" is
    Kruglov, named in the sentence before'). An identification from elsewhere (the article's 'his
    other main lieutenants') is not a seed assertion: it is an external row naming its own source.

    The rule holds for the seed texts the package lists as prose in its descriptor
    (``"patronage:proseSeeds"``: the article and the blog post): a quotation from prose can name
    its subject; a register's line (the synthetic data's seed) need not.

    What this cannot check: that a referent is right, only that it is declared and names the subject."""
    distinct = distinct or Distinct(tables.frames())
    prose = set(tables.descriptor.get(PROSE_SEEDS, [])) & set(tables.sources["source_id"].dropna())
    if not prose:
        return []
    names = person_names(tables.persons)
    out: list[Problem] = []
    for name, columns in SUBJECTS.items():
        frame = getattr(tables, name)
        quoted = distinct.per_value(name, "source_id", lambda v: v.isin(prose).fillna(False)) & \
            distinct.per_value(name, "evidence", lambda v: (v == "seed").fillna(False))
        if not quoted.any():
            continue
        seed = frame.iloc[np.flatnonzero(quoted)]
        for column in columns:
            bad = [not _names_in(str(q) if isinstance(q, str) else "", names.get(p, [p]))
                   and not _names_in(" ".join(REFERENT.findall(n)) if isinstance(n, str) else "", names.get(p, [p]))
                   for p, q, n in zip(seed[column], seed["quote"], seed["note"], strict=True)]
            out += _problems(tables, name, pd.Series(bad, index=seed.index, dtype=bool).reindex(frame.index, fill_value=False),
                             "quote", lambda r, c=column: f"the quote does not name {r[c]!r} and the note declares no "
                                                          "'Referent:' naming him; an identification from elsewhere is an "
                                                          "external row with its own source")
    return out


RULES = (foreign_keys, composite_keys, sourcing, conflict_tags, chronology, refinements, cited_sources, working_notes,
         seed_subjects)


def cross_table_problems(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Every cross-table rule run over the tables, sharing one factorisation of each column."""
    distinct = distinct or Distinct(tables.frames())
    return [p for rule in RULES for p in rule(tables, distinct)]
