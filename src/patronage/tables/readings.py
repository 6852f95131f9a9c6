"""Which rows an analysis uses: evidence level, reading of each documented conflict, coding of ties.

- ``evidence``: ``"seed"`` keeps only rows stated in the seed texts; ``"seed+external"`` adds the
  rows resting on other named works.
- ``reading``: for every documented conflict, which side to use. ``"curated"`` takes each
  conflict's ``default_reading`` (the curators' judgement); ``"article"``, ``"blog"``,
  ``"standard"`` or ``"variant"`` (a second reference work's account, where two reference works
  disagree, or the article's other account, where it disagrees with itself) take that side wherever a
  conflict has it (and the default elsewhere); a dict
  ``{conflict_id: reading}`` sets single conflicts (the rest follow ``"article"``).

  A reading chooses between two accounts of one fact; it never deletes a fact both accounts
  agree exists. Under seed evidence, a side that rests on external evidence would be dropped
  with the other: where a reading policy (or the fallback to the default) lands on such a side
  and the other side is stated in the seeds, the seed side is used, and the selection records
  the switch in ``selection["seed_fallbacks"]``. Asking for an external side of one conflict by
  name (a dict) under seed evidence is refused with a ParameterError.
- ``coding``: which historiographical reading of the ties (codings.coding_id).

Refinements (provenance per assertion). What a seed text says is a seed row at the seed's own
precision ("in 1946": ``1946``). A reference work's added precision (the exact day, the full
title, the seniority, the end cause) is not what the seed said: it is a row of its own, with its
own source, locator and evidence 'external', that names the seed row it restates in ``refines``
(the factoid model; DPRR keeps each PostAssertion's own source and date uncertainty). Under
``evidence="seed"`` the refinement is left out with every external row, so a filter on the seeds
returns what they say at their precision; under ``"seed+external"`` the refinement is used
*instead of* the row it refines, never beside it, so no post, fate or tie is counted twice. A
refinement shares the conflict tag of the row it refines, so the reading keeps or drops both
together. Refinable tables: attributes, spells, events, ties (those with one id column); an
event's refinement repeats the event's participations on its own id, since a participation
follows its event. The validator (:func:`patronage.tables.rules_refinements.refinements`) holds the
rules: a refinement is external and refines a row of the same table, at most one per row, keeps the
row's subject, and narrows its dates rather than contradicting them (a contradiction is a
conflict, with both readings). Two works may each restate a row and disagree (the seed's '1977',
one work's 6 June, another's 6 July): each is a refinement carrying its reading of one conflict the
refined row is not in, and the reading keeps one of them, which replaces the row. The refined row may
itself be external: one work attests a man in office, another bounds the post more closely, and the
closer row is used instead, never beside it.

Why a row and not per-field provenance: a second set of source/locator/evidence columns for each
refinable field (start, end, post, seniority, end_cause, appointed_by...) would double the width
of every table and still need a seed-precision value beside the refined one. A whole row keeps
the shape every assertion already has (who, what, when, source, locator, quote, evidence), so the
evidence filter and every analysis read it unchanged.

Persons, sources, organisations, codings and conflicts are never filtered: they are the frame
of reference, not assertions the analysis counts. A person's name parts are the exception, since
they are assertions with a source of their own: under ``evidence="seed"`` every person keeps its row,
its ``name`` (the display label) and its surname and variants, but ``given_name``, ``patronymic`` and
``name_cyrillic`` are left empty where they come from outside the seeds (the row names a
``names_source_id``, or the whole row is external); see :func:`seed_names`. A name typed in Russian
then resolves only under ``"seed+external"`` (or through a recorded variant).
An organisation's period (``valid_from``, ``valid_to``) is another: the seed texts date no organisation, so
under ``evidence="seed"`` every period is left open (:func:`open_periods`) and no seed post is read inside dates
only a reference work gives (the day the KGB was formed would otherwise end Serov's first deputyship in March 1954,
where the article says only '1954').
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from patronage.errors import ParameterError
from patronage.tables.bounds import as_read
from patronage.tables.checks import check_choice
from patronage.tables.names import spelled_in

EVIDENCE_LEVELS = ("seed", "seed+external")
READING_POLICIES = ("article", "blog", "standard", "variant", "curated")
FILTERED = ("attributes", "spells", "events", "event_participants", "ties")
REFINABLE = {"attributes": "attribute_id", "spells": "spell_id", "events": "event_id", "ties": "tie_id"}  # table: its id
REFINEMENTS = "refinements"  # the key of refinement_pairs among a Tables' derived frames


def chosen_readings(conflicts: pd.DataFrame, reading: str | dict, evidence: str = "seed+external") -> dict[str, str]:
    """The reading used for each conflict under a policy name or a {conflict_id: reading} dict.

    Under ``evidence="seed"`` a policy never lands on a side resting on external evidence when the
    other side is stated in the seeds (see :func:`seed_fallbacks`); a dict that names such a side
    raises ParameterError.
    """
    if isinstance(reading, dict):
        unknown = set(reading) - set(conflicts["conflict_id"])
        if unknown:
            check_choice("reading", sorted(unknown)[0], conflicts["conflict_id"])
        base = chosen_readings(conflicts, "article", evidence)
        for cid, side in reading.items():
            row = conflicts.loc[conflicts["conflict_id"] == cid].iloc[0]
            check_choice(f"reading[{cid!r}]", side, (row["reading_a"], row["reading_b"]))
            if evidence == "seed" and side_evidence(row, side) != "seed":
                raise ParameterError(f"reading[{cid!r}]", side, f"that side of conflict {cid!r} rests on external evidence, "
                                     "which evidence='seed' leaves out, so the fact would vanish with both its readings; "
                                     "choose evidence='seed+external', or the side stated in the seeds "
                                     f"({', '.join(repr(s) for s in seed_sides(row)) or 'none'})")
            base[cid] = side
        return base
    check_choice("reading", reading, READING_POLICIES)
    out = {}
    for row in conflicts.itertuples(index=False):
        sides = (row.reading_a, row.reading_b)
        out[row.conflict_id] = reading if reading in sides else row.default_reading
    if evidence == "seed":
        out |= seed_fallbacks(conflicts, out)
    return out


def side_evidence(row, side: str) -> str | None:
    """The evidence level ('seed' or 'external') of one side of a conflict row (a Series or a namedtuple)."""
    get = row.get if isinstance(row, pd.Series) else lambda k: getattr(row, k)
    return get("a_evidence") if side == get("reading_a") else get("b_evidence") if side == get("reading_b") else None


def seed_sides(row) -> list[str]:
    """The sides of a conflict that are stated in the seed texts."""
    get = row.get if isinstance(row, pd.Series) else lambda k: getattr(row, k)
    return [get(f"reading_{x}") for x in "ab" if get(f"{x}_evidence") == "seed"]


def seed_fallbacks(conflicts: pd.DataFrame, chosen: dict[str, str]) -> dict[str, str]:
    """The conflicts whose chosen side rests on external evidence while the other side is stated in the
    seeds, mapped to that seed side: under seed evidence both sides would otherwise be dropped.

    returns: {conflict_id: seed side}, only for the conflicts that switch.
    """
    out = {}
    for row in conflicts.itertuples(index=False):
        side = chosen.get(row.conflict_id)
        seeds = seed_sides(row)
        if side is not None and side_evidence(row, side) != "seed" and len(seeds) == 1:
            out[row.conflict_id] = seeds[0]
    return out


def keep_rows(frame: pd.DataFrame, evidence: str, chosen: dict[str, str]) -> np.ndarray:
    """Boolean mask of the rows of one assertion table kept under an evidence level and chosen readings."""
    if evidence == "seed":
        keep = frame["evidence"].eq("seed").to_numpy(dtype=bool, na_value=False)
    else:
        keep = np.ones(len(frame), dtype=bool)
    tagged = frame["conflict_id"].notna().to_numpy(dtype=bool)
    if tagged.any():  # only the few rows tagged with a conflict are looked at
        rows = frame.loc[tagged, ["conflict_id", "reading"]]
        keep[tagged] &= rows["reading"].eq(rows["conflict_id"].map(chosen)).to_numpy(dtype=bool, na_value=False)
    return keep


def refinement_pairs(tables) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each refinable table: (positions of the rows that refine another row, positions of the rows
    they refine), found once per Tables (a register's id column is hashed once, not per selection).
    A ``refines`` id that names no row of its table (the validator names it) pairs with nothing."""
    out = {}
    for name, key in REFINABLE.items():
        frame = getattr(tables, name)
        if "refines" not in frame.columns:
            continue
        refining = np.flatnonzero(frame["refines"].notna().to_numpy(dtype=bool))
        if not len(refining):
            out[name] = (refining, refining)
            continue
        ids, wanted = np.asarray(frame[key].array, dtype=object), np.asarray(frame["refines"].array, dtype=object)[refining]
        index = pd.Index(ids)
        if index.is_unique:
            where = index.get_indexer(wanted)
        else:  # an id repeated (the schema names it): the first row holding it, as the validator reads it
            first = pd.Series(np.arange(len(frame))).groupby(ids).first()
            where = first.reindex(wanted).fillna(-1).to_numpy(dtype=np.intp)
        found = where >= 0
        out[name] = (refining[found], where[found])
    return out


def give_way(keep: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``keep`` with every row whose refinement is kept turned off: a refinement replaces the row it refines."""
    refining, refined = pairs
    if len(refining):
        keep = keep.copy()
        keep[refined[keep[refining]]] = False
    return keep


def rows(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` where ``mask`` holds; the frame itself when all do (tables are never
    changed in place, and a register of hundreds of thousands of rows is not copied for nothing)."""
    return frame if bool(mask.all()) else frame[mask]


NAME_PARTS = ("given_name", "patronymic", "name_cyrillic")


def seed_names(persons: pd.DataFrame) -> pd.DataFrame:
    """``persons`` with the name parts the seeds do not state left empty: on an external row its given
    name, patronymic and Russian form; on a seed row that names a ``names_source_id``, its Russian form
    and whichever of given name and patronymic its quote does not spell (see
    :func:`patronage.tables.names.spelled_in`)."""
    if "names_source_id" not in persons.columns:
        return persons
    external = persons["evidence"].ne("seed").fillna(True).to_numpy(dtype=bool)
    sourced = persons["names_source_id"].notna().to_numpy(dtype=bool) & ~external
    if not (external | sourced).any():
        return persons
    out = persons.copy()
    quotes = persons["quote"].fillna("").astype(str).to_numpy(dtype=object)
    rows = np.flatnonzero(sourced)  # only these are read for spelling: an external row's parts all go
    for column in NAME_PARTS:
        if column not in out.columns:
            continue
        values = persons[column].to_numpy(dtype=object)
        unspelled = np.zeros(len(persons), dtype=bool)
        unspelled[rows] = [column == "name_cyrillic" or not isinstance(values[i], str) or not spelled_in(values[i], quotes[i])
                           for i in rows]
        out[column] = out[column].mask(external | unspelled)
    return out


PERIOD = ("valid_from", "valid_to")


def open_periods(organisations: pd.DataFrame) -> pd.DataFrame:
    """``organisations`` with every period left open (no ``valid_from``, no ``valid_to``): the seed texts date no
    organisation (each row's note names the works that do), so under ``evidence="seed"`` no post is read inside a
    period only a reference work gives, as no name part is shown that only one spells (:func:`seed_names`)."""
    present = [c for c in PERIOD if c in organisations.columns]
    if not present:
        return organisations
    return organisations.assign(**{f"{c}{end}": organisations[f"{c}{end}"].where(np.zeros(len(organisations), dtype=bool)) for c in present
                                   for end in ("", "_lo", "_hi") if f"{c}{end}" in organisations.columns})


def rows_kept(tables, distinct, evidence: str, chosen: dict, coding: str) -> dict[str, np.ndarray]:
    """For each table of FILTERED, the boolean mask of the rows a selection keeps: by evidence and reading
    (:func:`keep_rows`), the ties by coding, a refinement in place of the row it refines, a participation with its
    event. ``distinct``: the tables' columns factorised (:meth:`patronage.tables.load.Tables.distinct`)."""
    kept = {name: keep_rows(getattr(tables, name), evidence, chosen) for name in FILTERED}
    # a tie holds under the coding if the coding is in its list: each distinct list read once
    lists = distinct.codes("ties", "codings")[1]
    holds = [coding in text.replace(" ", "").split("|") for text in lists] + [coding == ""]  # then the empty cell
    kept["ties"] &= distinct.spread("ties", "codings", holds)
    if evidence != "seed":  # under seed evidence every refinement (external) is already left out
        pairs = tables.derived(REFINEMENTS, refinement_pairs)
        for name in pairs:
            kept[name] = give_way(kept[name], pairs[name])
    # a participation is kept if its event is (pandas' isin, on the codes: an empty id matches an empty id)
    codes, ids = distinct.codes("events", "event_id")
    event_kept = np.zeros(len(ids) + 2, dtype=bool)  # each id, then the empty id, then an id no event has
    event_kept[np.where(codes < 0, len(ids), codes)[kept["events"]]] = True
    found = distinct.match("event_participants", "event_id", "events", "event_id")
    kept["event_participants"] &= distinct.spread("event_participants", "event_id",
                                                  event_kept[np.where(found < 0, len(ids) + 1, found)])
    return kept


def select(tables, evidence: str = "seed", reading: str | dict = "article", coding: str = "blauvelt"):
    """The tables restricted to the rows one analysis uses, the dates of their spells and events read inside the
    bounds those rows allow (:func:`patronage.tables.bounds.as_read`): a post within its office's period, a move
    and an arrest each on one day.

    returns: Tables whose ``selection`` records the choices, made from every row loaded (from ``tables.root`` where
    ``tables`` is itself a selection: a second selection never narrows the rows the first left out, under a label
    that says otherwise); raises ParameterError on a bad choice.
    """
    tables = tables.root if tables.root is not None else tables
    check_choice("evidence", evidence, EVIDENCE_LEVELS)
    check_choice("coding", coding, tables.codings["coding_id"])
    chosen = chosen_readings(tables.conflicts, reading, evidence)
    as_asked = chosen_readings(tables.conflicts, reading) if not isinstance(reading, dict) else chosen
    switched = {cid: (as_asked[cid], side) for cid, side in chosen.items() if as_asked[cid] != side}
    distinct = tables.distinct()  # the columns' codes, shared by every selection of these tables
    kept = rows_kept(tables, distinct, evidence, chosen, coding)
    frames = {name: rows(getattr(tables, name), mask) for name, mask in kept.items()}
    # the dates as the rows chosen bound them (a post inside its office's period, a move or an arrest on one day):
    # new frames with other _lo/_hi columns, every column a rule factorises as it was
    organisations = open_periods(tables.organisations) if evidence == "seed" else tables.organisations
    frames |= as_read(SimpleNamespace(organisations=organisations, **frames))
    same = {name: None if mask.all() else mask for name, mask in kept.items()}
    persons = seed_names(tables.persons) if evidence == "seed" else tables.persons
    if persons is tables.persons:
        same["persons"] = None  # unchanged: its columns keep their codes
    else:
        frames["persons"] = persons  # name parts emptied: its columns are factorised again when asked
    if organisations is not tables.organisations:
        frames["organisations"] = organisations  # factorised again when asked, as a changed persons frame is
    narrowed = distinct.narrowed({**tables.frames(), **frames}, same)
    new = tables.replace(distinct=narrowed, **frames)
    from dataclasses import replace

    return replace(new, selection={"evidence": evidence, "reading": reading, "coding": coding, "chosen": chosen,
                                   "seed_fallbacks": switched}, root=tables)
