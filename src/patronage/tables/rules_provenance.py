"""Provenance per assertion: the sources a note cites exist, no curators' working notes stand in published
rows, and a seed row's quotation names its subject (refinements: :mod:`patronage.tables.rules_refinements`)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from patronage.errors import Problem
from patronage.tables.distinct import Distinct
from patronage.tables.names import spelled_in
from patronage.tables.rules import problems_where

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
        out += problems_where(tables, name, bad, column,
                              lambda r, c=column: f"cites {', '.join(sorted(set(CITED.findall(str(r[c]))) & unknown))}, "
                                             "which is not in sources.csv (nor the id of a conflict or a row)")
    return out


# phrases of curators' working notes that must not stand in published rows
WORKING_NOTES = re.compile(r"see the report|not in the brief|reported to the lead|new conflict id|not verified",
                           re.IGNORECASE)
# a note that tells the row's own history, or what a work nobody read gives: neither is something a work read says
HISTORY = re.compile(r"\(not quoted\)|attribution not re-checked|\b(?:earlier|before) (?:attributed|cited) to\b|\bcited before to\b|"
                     r"\bwas earlier cited\b|\bas cited to\b|\b(?:changed|refined) from\b|\bthe handbook gives\b|"
                     r"\bwhose text was not read\b", re.IGNORECASE)
# an online reader's page index in a locator: a place in a copy, not in the work (never a page number of the work)
READER_INDEX = re.compile(r"reader(?:'s)? page|page index|/p/?\d", re.IGNORECASE)
# an unnamed 'standard' account given as the basis of a fact in a seed row's note: the fact belongs in
# a refinement (or an external row) that names its work
UNNAMED_STANDARD = re.compile(r"\bstandard (?:accounts?|biograph\w*|chronology|reference|date|dates|start|end)\b|"
                              r"\(standard\b|\bstandard:|\bstandard\)|standard accounts", re.IGNORECASE)
SEED_FILTERED = ("attributes", "spells", "events", "event_participants", "ties")
FRAME = ("organisations", "persons")  # never filtered, so every row's note names its works


def working_notes(tables, distinct: Distinct | None = None) -> list[Problem]:
    """No curators' working notes in published rows ('see the report', 'not in the brief', 'not verified',
    'reported to the lead', 'NEW conflict id'), sources.csv's bibliographic caveats aside, and no note that tells
    the row's history ('cited before to', 'changed from') or what a work not read gives ('(not quoted)'); no seed
    row of an assertion table takes a fact from unnamed 'standard accounts': name the work, in a row of
    its own; and no other note (an external row's, or one of organisations and persons, the frame, never
    filtered: its dates and names are used under every evidence level), nor a conflict's resolution,
    does: name the work and where in it."""
    distinct = distinct or Distinct(tables.frames())
    out: list[Problem] = []
    for name, frame in tables.frames().items():
        if name == "sources":
            continue
        for column in ("note", "locator", *FREE_TEXT.get(name, ())):
            if column not in frame.columns:
                continue
            bad = distinct.per_value(name, column, lambda v: v.str.contains(WORKING_NOTES).fillna(False))
            out += problems_where(tables, name, bad, column,
                                  lambda r, c=column: f"holds a working note ({WORKING_NOTES.search(r[c]).group(0)!r}): "
                                                 "say what the sources say, or leave it out")
            bad = distinct.per_value(name, column, lambda v: v.str.contains(HISTORY).fillna(False))
            out += problems_where(tables, name, bad, column,
                                  lambda r, c=column: f"tells the row's history or what a work not read gives "
                                                 f"({HISTORY.search(r[c]).group(0)!r}): say what the works read say")
        for column in [c for c in frame.columns if c.endswith("locator")]:
            bad = distinct.per_value(name, column, lambda v: v.str.contains(READER_INDEX).fillna(False))
            out += problems_where(tables, name, bad, column,
                                  lambda r, c=column: f"names an online copy's page index ({READER_INDEX.search(r[c]).group(0)!r}), "
                                                 "not a place in the work: name the chapter, section or entry (the copy goes in the source's note)")
        out += _unnamed_accounts(tables, name, frame, distinct)
    return out


def _unnamed_accounts(tables, name: str, frame, distinct: Distinct) -> list[Problem]:
    """The notes (and conflicts' resolutions) of one table that take a fact from unnamed 'standard accounts'."""
    out: list[Problem] = []
    seed = (distinct.per_value(name, "evidence", lambda v: (v == "seed").fillna(False))
            if name in SEED_FILTERED else None)
    for column in ("note", *FREE_TEXT.get(name, ())):
        if column not in frame.columns:
            continue
        cites = distinct.per_value(name, column, lambda v: v.str.contains(UNNAMED_STANDARD).fillna(False))
        if seed is not None and column == "note":
            out += problems_where(tables, name, seed & cites, column,
                                  lambda r: f"a seed row's note takes a fact from unnamed accounts "
                                       f"({UNNAMED_STANDARD.search(r['note']).group(0)!r}): name the work in a row of its own "
                                       "(a refinement or an external row), or leave the fact out")
            cites = cites & ~seed
        out += problems_where(tables, name, cites, column,
                              lambda r, c=column: f"the {c} takes a fact from unnamed accounts "
                                   f"({UNNAMED_STANDARD.search(r[c]).group(0)!r}): name the work and where in it")
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
            # an empty subject is the schema's to report (a required cell), not a quote's
            bad = [isinstance(p, str) and not _names_in(str(q) if isinstance(q, str) else "", names.get(p, [p]))
                   and not _names_in(" ".join(REFERENT.findall(n)) if isinstance(n, str) else "", names.get(p, [p]))
                   for p, q, n in zip(seed[column], seed["quote"], seed["note"], strict=True)]
            out += problems_where(tables, name, pd.Series(bad, index=seed.index, dtype=bool).reindex(frame.index, fill_value=False),
                                  "quote", lambda r, c=column: f"the quote does not name {r[c]!r} and the note declares no "
                                                          "'Referent:' naming him; an identification from elsewhere is an "
                                                          "external row with its own source")
    return out


NAME_PARTS = ("given_name", "patronymic", "name_cyrillic")  # what a seed row of persons may take from a names source


def _unsourced_parts(row) -> list[str]:
    """The name parts a prose seed row of persons holds that its quote does not spell."""
    quote = row["quote"] if isinstance(row["quote"], str) else ""
    out = []
    for part in NAME_PARTS:
        value = row[part] if part in row and isinstance(row[part], str) else ""
        if value and (part == "name_cyrillic" or not spelled_in(value, quote)):
            out.append(part)
    return out


def sourced_names(tables, distinct: Distinct | None = None) -> list[Problem]:
    """A person's name parts have their own source. A seed row of persons states what its quote spells: a
    given name or patronymic the quote does not spell, and any Russian form (the seeds are English), come
    from the work named in ``names_source_id`` at ``names_locator`` (a reference work, not a seed text).
    The two columns come together, wherever they are filled.

    Like :func:`seed_subjects`, the first part holds for the prose seeds the descriptor lists
    (``"patronage:proseSeeds"``); a register's line (the synthetic data's seed) is not read for names."""
    frame = tables.persons
    if "names_source_id" not in frame.columns:
        return []
    out: list[Problem] = []
    source, locator = frame["names_source_id"].notna(), frame["names_locator"].notna()
    out += problems_where(tables, "persons", source & ~locator, "names_locator",
                          "names_source_id is given but not where in it the names stand (names_locator)")
    out += problems_where(tables, "persons", locator & ~source, "names_source_id",
                          "names_locator is given but not the work it locates (names_source_id)")
    seeds = set(tables.sources.loc[tables.sources["seed"].fillna(False).astype(bool), "source_id"])
    out += problems_where(tables, "persons", frame["names_source_id"].isin(seeds).to_numpy(), "names_source_id",
                          lambda r: f"names_source_id {r['names_source_id']!r} is a seed text: a name part a seed "
                                    "spells stands in the row's quote")
    prose = set(tables.descriptor.get(PROSE_SEEDS, [])) & set(tables.sources["source_id"].dropna())
    quoted = (frame["source_id"].isin(prose) & frame["evidence"].eq("seed")).fillna(False).to_numpy(dtype=bool) \
        & ~source.to_numpy(dtype=bool)
    if quoted.any():
        bad = np.zeros(len(frame), dtype=bool)
        bad[quoted] = [bool(_unsourced_parts(r)) for _, r in frame[quoted].iterrows()]
        out += problems_where(tables, "persons", bad, "names_source_id",
                              lambda r: f"{', '.join(_unsourced_parts(r))} not spelled in the quote ({r['quote']!r}) "
                                        "and no names_source_id: a name part from outside the seeds names its work")
    return out
