"""The rules of sourcing: a seed row quotes a seed text in at most 25 words, a row tagged with a
documented conflict names one of its readings, and a work is one row of sources.csv."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.distinct import Distinct
from patronage.tables.rules import problems_where

MAX_QUOTE_WORDS = 25
WORD = r"[^\W_]+(?:'[^\W_]+)?"  # a hyphenated compound counts as two words: "Worker-Peasant"


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
            out += problems_where(tables, name, seed & empty, q, "evidence is 'seed' but the quote is empty")
            out += problems_where(tables, name, words > MAX_QUOTE_WORDS, q,
                                  lambda r, q=q: f"quote has {len(re.findall(WORD, r[q]))} words; at most {MAX_QUOTE_WORDS}")
            # an empty source is the schema's to name (a required cell), not a work that is no seed text
            out += problems_where(tables, name, seed & ~distinct.per_value(name, src, lambda v: v.isin(seeds) | v.isna()), src,
                                  lambda r, s=src: f"evidence is 'seed' but {r[s]!r} is not a seed text")
    return out


def conflict_tags(tables, distinct: Distinct | None = None) -> list[Problem]:
    """Rows tagged with a conflict name one of that conflict's readings, and vice versa; a conflict that rows carry has
    two different readings, so that a reading can switch between its sides."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    c = tables.conflicts.drop_duplicates("conflict_id", keep="last")  # a repeated id: its last row counts, as in a dict
    allowed = {f"{cid} | {r}" for cid, a, b in zip(c["conflict_id"], c["reading_a"], c["reading_b"], strict=True)
               for r in (a, b)}
    default, a, b = tables.conflicts["default_reading"], tables.conflicts["reading_a"], tables.conflicts["reading_b"]
    same_a = (default == a).fillna(False) | (default.isna() & a.isna())  # an empty cell matches an empty cell
    same_b = (default == b).fillna(False) | (default.isna() & b.isna())
    out += problems_where(tables, "conflicts", ~(same_a | same_b), "default_reading", "default reading is neither reading_a nor reading_b")
    # rows that carry a conflict must be told apart by their reading, or no reading could switch between the sides
    carried = set().union(*(set(f["conflict_id"].dropna()) for f in tables.frames().values() if "reading" in f.columns))
    alike = (a == b).fillna(False) & tables.conflicts["conflict_id"].isin(carried)
    out += problems_where(tables, "conflicts", alike, "reading_b",
                          lambda r: f"both sides are {r['reading_a']!r}, and rows carry this conflict: no reading could switch "
                                    "between them (name the second reference work's side 'variant')")
    for name, frame in tables.frames().items():
        if "reading" not in frame.columns:  # the conflicts table itself
            continue
        tagged, read = distinct.codes(name, "conflict_id")[0] >= 0, distinct.codes(name, "reading")[0] >= 0
        out += problems_where(tables, name, tagged & ~read, "reading", "row names a conflict but not which reading it belongs to")
        out += problems_where(tables, name, ~tagged & read, "conflict_id", "row names a reading but no conflict")
        if not (tagged & read).any():
            continue
        both = frame[tagged & read]  # the (few) tagged rows: each pair looked up among the conflicts' readings
        pairs = both["conflict_id"].astype("object") + " | " + both["reading"].astype("object")
        wrong = both["conflict_id"].isin(c["conflict_id"]) & ~pairs.isin(allowed)
        if wrong.any():
            out += problems_where(tables, name, wrong.reindex(frame.index, fill_value=False), "reading",
                                  lambda r: f"{r['reading']!r} is not a reading of conflict {r['conflict_id']!r}")
    return out


def one_id_per_work(tables, distinct: Distinct | None = None) -> list[Problem]:
    """A work has one row in sources.csv: two ids with the same title (letters and digits, any case) and the
    same authors split its rows, so a count of the rows a work supplies would be wrong."""
    s = tables.sources
    key = _letters(s["title"]) + "|" + _letters(s["authors"])
    first = dict(zip(s["source_id"], key.map(pd.Series(s["source_id"].to_numpy(), index=key.to_numpy()).groupby(level=0).first()), strict=True))
    again = key.duplicated(keep="first").to_numpy() & (key.str.len() > 1).to_numpy()
    return problems_where(tables, "sources", again, "title",
                          lambda r: f"the same work as source {first[r['source_id']]!r} (same title and authors): use that id")


def _letters(column: pd.Series) -> pd.Series:
    """A column's letters and digits only, in lower case: 'The Great Soviet Encyclopedia, 3rd ed.' -> 'thegreatsovietencyclopedia3rded'."""
    return column.fillna("").astype(str).str.lower().str.replace(r"[\W_]+", "", regex=True)
