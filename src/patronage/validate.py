"""Rules that span tables, beyond what a Frictionless schema can say.

Each rule is a function from the tables to a list of Problems; ``cross_table_problems`` runs
them all. All are vectorised with pandas.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from patronage.errors import Problem

MAX_QUOTE_WORDS = 25
WORD = r"[^\W_]+(?:'[^\W_]+)?"  # a hyphenated compound counts as two words: "Worker-Peasant"

# Columns that hold several ids separated by '|': a Frictionless foreign key cannot say this.
LIST_REFERENCES = {
    ("organisations", "predecessors"): ("organisations", "org_id"),
    ("ties", "codings"): ("codings", "coding_id"),
    ("codings", "source_ids"): ("sources", "source_id"),
}


def lookup(keys: pd.Series, values: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """``values`` (a Series, or a DataFrame: several columns in one pass) looked up by ``keys``
    (first value of a duplicated key; NaT/NA when absent).

    Series.map cannot take an empty datetime Series, and bad data may hold duplicate keys.
    """
    unique = values[~values.index.duplicated()]
    found = unique.reindex(keys.to_numpy())
    if isinstance(found, pd.DataFrame):
        return found.set_axis(keys.index)
    return pd.Series(found.to_numpy(), index=keys.index)


def _file(tables, name: str) -> str:
    return next(r["path"] for r in tables.descriptor["resources"] if r["name"] == name)


def _problems(tables, name: str, mask: pd.Series, column: str | None, message) -> list[Problem]:
    """A Problem for every row of table ``name`` where ``mask`` holds; message may be a function of the row."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return []
    frame, file = getattr(tables, name), _file(tables, name)
    rows = frame[mask]
    return [Problem(file, int(i), column, message(r) if callable(message) else message) for i, r in rows.iterrows()]


def foreign_keys(tables) -> list[Problem]:
    """Every id a row refers to exists in the table it points to (declared and list references)."""
    out: list[Problem] = []
    ids: dict[tuple[str, str], pd.Index] = {}  # the ids of a target column, collected once for all tables that point to it

    def known(table: str, column: str) -> pd.Index:
        if (table, column) not in ids:
            ids[table, column] = pd.Index(getattr(tables, table)[column].dropna().unique(), dtype=object)
        return ids[table, column]

    for res in tables.descriptor["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            (col,), target = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]], fk["reference"]
            tcol = target["fields"][0] if isinstance(target["fields"], list) else target["fields"]
            values = getattr(tables, res["name"])[col].dropna()  # isin is slow on empty cells (pd.NA hashes in Python)
            bad = ~values.isin(known(target["resource"] or res["name"], tcol))
            if bad.any():
                out += _problems(tables, res["name"], bad.reindex(getattr(tables, res["name"]).index, fill_value=False),
                                 col, lambda r, c=col, t=target["resource"]: f"{r[c]!r} is not an id in {t}")
    for (name, col), (tname, tcol) in LIST_REFERENCES.items():
        frame = getattr(tables, name)
        codes, lists = pd.factorize(frame[col])  # each distinct list of ids split once
        items = pd.Series(np.asarray(lists, dtype=object)).str.split("|").explode().str.strip()
        bad = items[~items.isin(known(tname, tcol))]
        if bad.empty:
            continue
        bad_items = bad.groupby(level=0).agg(list).to_dict()  # distinct list -> its unknown ids
        where = pd.Series(codes, index=frame.index)
        where = where[where.isin(bad.index)]
        out += [Problem(_file(tables, name), int(i), col, f"{v!r} is not an id in {tname}")
                for i, c in where.items() for v in bad_items[c]]
    return out


def _word_counts(quotes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Words in each quote (0 for an empty cell), counted once per distinct quote, and which cells are empty."""
    codes, uniques = pd.factorize(quotes.to_numpy(dtype=object, na_value=None))
    counts = pd.Series(uniques, dtype=object).str.count(WORD).to_numpy(dtype="int64")
    return pd.Series(np.append(counts, 0)[codes], index=quotes.index), pd.Series(codes == -1, index=quotes.index)


def sourcing(tables) -> list[Problem]:
    """Seed rows quote a seed text; quotes are at most 25 words; external rows hold no quote."""
    out: list[Problem] = []
    seeds = set(tables.sources.loc[tables.sources["seed"].fillna(False).astype(bool), "source_id"])
    for name, frame in tables.frames().items():
        for prefix in ("", "a_", "b_"):
            q, ev, src = prefix + "quote", prefix + "evidence", prefix + "source_id"
            if q not in frame.columns:
                continue
            words, empty = _word_counts(frame[q])
            seed = frame[ev] == "seed"
            out += _problems(tables, name, seed & empty, q, "evidence is 'seed' but the quote is empty")
            out += _problems(tables, name, words > MAX_QUOTE_WORDS, q,
                             lambda r, q=q: f"quote has {len(re.findall(WORD, r[q]))} words; at most {MAX_QUOTE_WORDS}")
            out += _problems(tables, name, seed & ~frame[src].isin(seeds), src,
                             lambda r, s=src: f"evidence is 'seed' but {r[s]!r} is not a seed text")
            out += _problems(tables, name, (frame[ev] == "external") & ~empty, q,
                             "evidence is 'external' but a quote is given: no text of reference works is held")
    return out


def conflict_tags(tables) -> list[Problem]:
    """Rows tagged with a conflict name one of that conflict's readings, and vice versa."""
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
        cid, reading = frame["conflict_id"], frame["reading"]
        tagged, read = cid.notna(), reading.notna()
        out += _problems(tables, name, tagged & ~read, "reading", "row names a conflict but not which reading it belongs to")
        out += _problems(tables, name, ~tagged & read, "conflict_id", "row names a reading but no conflict")
        both = frame[tagged & read]  # the (few) tagged rows: each pair looked up among the conflicts' readings
        pairs = both["conflict_id"].astype("object") + " | " + both["reading"].astype("object")
        wrong = both["conflict_id"].isin(c["conflict_id"]) & ~pairs.isin(allowed)
        if wrong.any():
            out += _problems(tables, name, wrong.reindex(frame.index, fill_value=False), "reading",
                             lambda r: f"{r['reading']!r} is not a reading of conflict {r['conflict_id']!r}")
    return out


def chronology(tables) -> list[Problem]:
    """Nothing ends before it starts, and nobody holds a post or gets an award after death."""
    out: list[Problem] = []
    for name, start, end in (("spells", "start", "end"), ("ties", "start", "end"),
                             ("organisations", "valid_from", "valid_to")):
        f = getattr(tables, name)
        out += _problems(tables, name, f[f"{end}_hi"] < f[f"{start}_lo"], end,
                         lambda r, s=start, e=end: f"ends ({r[e]}) before it starts ({r[s]})")
    died = tables.persons.set_index("person_id")["died_hi"]
    s = tables.spells
    dead = lookup(s["person_id"], died)
    out += _problems(tables, "spells", s["start_lo"] > dead, "start",
                     lambda r: f"starts ({r['start']}) after {r['person_id']} died")
    out += _problems(tables, "spells", s["end_lo"] > dead, "end",
                     lambda r: f"ends ({r['end']}) after {r['person_id']} died")
    p = tables.event_participants
    events = tables.events.set_index("event_id")
    found = lookup(p["event_id"], events[["kind", "date_lo"]])
    kind, day = found["kind"], found["date_lo"]
    living = kind.isin({"appointment", "award", "arrest", "meeting", "testimony", "transfer"})
    out += _problems(tables, "event_participants", living & (day > lookup(p["person_id"], died)), "event_id",
                     lambda r: f"{r['person_id']} takes part in {r['event_id']} after his death")
    return out


def composite_keys(tables) -> list[Problem]:
    """No two rows share a composite primary key (single keys are checked by the schema)."""
    out: list[Problem] = []
    for res in tables.descriptor["resources"]:
        pk = res["schema"].get("primaryKey", [])
        if isinstance(pk, list) and len(pk) > 1:
            frame = getattr(tables, res["name"])
            out += _problems(tables, res["name"], frame.duplicated(pk, keep="first"), None,
                             lambda r, pk=pk: f"duplicate key {tuple(r[k] for k in pk)}")
    return out


RULES = (foreign_keys, composite_keys, sourcing, conflict_tags, chronology)


def cross_table_problems(tables) -> list[Problem]:
    """Every cross-table rule run over the tables."""
    return [p for rule in RULES for p in rule(tables)]
