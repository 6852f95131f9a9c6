"""The world a synthetic register is built in: its sources, codings and eras, the rows of every table added up
table by table, and the package written once (:mod:`patronage.tables.synthetic` builds it)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from patronage import config
from patronage.tables.integrity import rehash

SEED_SOURCE, REFERENCE = "synthetic-register", "synthetic-handbook"
QUOTE = "as the synthetic register records it"
CODINGS = ("blauvelt", "not_true_clients", "rayfield")
ALL_CODINGS = "|".join(CODINGS)
END = np.datetime64("1995-12-31")
ERAS = np.array(["1900-01-01", "1934-07-10", "1946-03-15", "1954-03-13"], dtype="datetime64[D]")


def iso_days(days: np.ndarray) -> pd.Series:
    """datetime64[D] days as 'YYYY-MM-DD' strings ('' for NaT)."""
    out = pd.Series(np.datetime_as_string(days, unit="D"), dtype=object)
    return out.where(~np.isnat(days), "")


class World:
    """Rows of every table, built up table by table, then written once."""

    def __init__(self, rng: np.random.Generator, uncertain: float, external: float):
        self.rng, self.uncertain, self.external = rng, uncertain, external
        self.rows: dict[str, list[pd.DataFrame]] = {}
        self.lineages = 0
        self.spell_table: tuple = ()  # the random people's spells (ids, persons, start as text, start day), for conflicts

    def add(self, table: str, frame: pd.DataFrame | dict) -> None:
        """Rows for ``table``, after those added before."""
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
        text = iso_days(days)
        r = self.rng.random(len(days))
        as_year, as_month = r < year, (r >= year) & (r < year + month)
        text = text.where(~as_month, text.str[:7]).where(~as_year, text.str[:4])
        q = self.rng.random(len(days))
        qualified = (as_year | as_month) & (q < self.uncertain) & (text != "")
        mark = np.where(q < self.uncertain * 0.7, "~", "?")
        return text.where(~qualified, text + pd.Series(mark, index=text.index))

    def day(self, text: str) -> np.datetime64:
        """An ISO day as numpy's day."""
        return np.datetime64(text, "D")

    def write(self, folder: Path, seed: int) -> dict[str, int]:
        """Every table as CSV into ``folder``, with the descriptor of data/datapackage.json and fresh checksums.

        returns: the rows written per table.
        """
        descriptor = json.loads((config.PACKAGE_DATA_DIR / config.PACKAGE_FILE).read_text(encoding="utf-8"))
        descriptor["name"] = "patronage-synthetic"
        descriptor["title"] = f"Synthetic prosopography (seed {seed}): not historical data"
        self.add_sources_and_codings()
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
        rehash(folder)
        return counts

    def add_sources_and_codings(self) -> None:
        """The two sources (the register, the handbook) and the three codings the notebooks know."""
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
