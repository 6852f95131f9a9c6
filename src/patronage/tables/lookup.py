"""Look-ups for the questions historians bring: everything about a person, who held a post on a day,
and where the sources disagree.

Each returns a DataFrame read from every row of the tables (all evidence levels, both readings of
every conflict, every coding): a look-up shows what the tables hold, the selection of an analysis
is the notebooks' business. ``python -m patronage about|who-held|conflicts`` prints them as CSV
(``--format table`` for a terminal).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from patronage.errors import ParameterError
from patronage.tables import posts
from patronage.tables.assertions import SOURCING, assertions
from patronage.tables.checks import recorded_span
from patronage.tables.dates import midpoint, written_bounds
from patronage.tables.names import PersonId, fold, name_index, resolve_person
from patronage.tables.readings import EVIDENCE_LEVELS, READING_POLICIES, chosen_readings

ABOUT_COLUMNS = ["table", "row_id", "kind", "what", "when", "until", "counterpart", "detail", *SOURCING]


def about(tables, name: str, by_name: bool = True) -> pd.DataFrame:
    """Every assertion about a person: his own rows, the ties and appointments that name him, the events he
    took part in (through their participants), and both sides of every conflict that touches any of these or
    whose topic, quotes or resolution name him (the conflicts :func:`conflicts` finds for him, bar those found only
    by a name he shares with another).

    name: any recorded name variant, Latin or Cyrillic (a miss raises ParameterError: see :func:`find_person`).
    by_name: also the conflicts that name him (False: only those of his rows and events).
    returns: table, row_id, kind, what, when, until, counterpart (the other person of a tie or an
    appointment), detail (a post's rank, end cause and appointer; a tie's basis, defection, motive and codings),
    source_id, locator, quote, evidence, conflict_id, reading.
    """
    pid = find_person(tables, name)
    names = tables.persons.set_index("person_id")["name"]
    flat = assertions(tables)
    mine = flat[(flat["person_id"] == pid) | (flat["other_person_id"] == pid)]
    counterpart = mine["other_person_id"].where(mine["person_id"] == pid, mine["person_id"])
    mine = mine.assign(counterpart=counterpart.map(names))
    took_part = tables.event_participants.loc[tables.event_participants["person_id"] == pid, "event_id"]
    events = flat[(flat["table"] == "events") & flat["row_id"].isin(took_part)]
    named = (tables.conflicts.loc[naming(tables.conflicts, name_forms(tables.persons, pid)[0]).to_numpy(), "conflict_id"]
             if by_name else [])
    touched = set(mine["conflict_id"].dropna()) | set(events["conflict_id"].dropna()) | set(named)  # as `conflicts` finds them
    sides = flat[(flat["table"] == "conflicts") & flat["conflict_id"].isin(touched)]
    rows = pd.concat([mine, events, sides], ignore_index=True)
    return rows.reindex(columns=ABOUT_COLUMNS).reset_index(drop=True)


def find_person(tables, name: str) -> PersonId:
    """The person_id ``name`` denotes (see :func:`patronage.tables.names.resolve_person`); a miss raises
    ParameterError saying what ``name`` is instead (a source or an organisation id) or where every recorded
    person is listed."""
    if not isinstance(name, str):
        raise ParameterError("person", name, "give a name or an id as text, e.g. 'Serov' or 'Серов'")
    try:
        return resolve_person(name, tables.persons, parameter="person", listed_in=typed_path(tables.data_dir / "persons.csv"))
    except ParameterError:
        query = str(name).strip()
        sources, orgs = tables.sources.set_index("source_id"), tables.organisations.set_index("org_id")
        if query in sources.index:
            work = sources.loc[query]
            year = f" ({work['year']})" if pd.notna(work["year"]) else ""
            raise ParameterError("person", name, f"{query!r} is a source id, not a person: {work['authors']}{year}, "
                                                 f"{work['title']!r}; every source is listed in "
                                                 f"{typed_path(tables.data_dir / 'sources.csv')}") from None
        if query in orgs.index:
            raise ParameterError("person", name, f"{query!r} is an organisation id, not a person "
                                                 f"({orgs.loc[query, 'name']}): `who-held` finds who held its posts "
                                                 "on a day") from None
        raise


def typed_path(path: Path) -> str:
    """A path as a reader types it: relative to the working directory when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _not_ruled_out_by_refinement(spells: pd.DataFrame, overlaps) -> np.ndarray:
    """False for a row whose every refinement (a reference work's row restating it more precisely: ``refines``) is
    ruled out for the day asked: Ignatiev's post 'by 1952' is not listed for 1950, its refinement dating it from 9 August
    1951; True for every other row."""
    if "refines" not in spells:
        return np.ones(len(spells), dtype=bool)
    fits = pd.Series(pd.array(overlaps, dtype=bool), index=spells.index).groupby(spells["refines"]).any()
    return ~spells["spell_id"].map(fits).eq(False).fillna(False).to_numpy(dtype=bool)


def _asked_span(tables, when: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of ``when`` as written ('1953-06-26?' is that day; an end EDTF leaves open, '..', is the
    first or last day the tables record: '../1938-11-25' is any day up to it), within the days the tables record;
    raises ParameterError otherwise (an open post would answer for any day, 9999 included)."""
    first, last = recorded_span(tables)
    # a day as an object is the day it is (a Timestamp's time of day aside)
    text = pd.Timestamp(when).date().isoformat() if isinstance(when, (dt.date, pd.Timestamp)) else str(when).strip()
    text = f"{first.date()}/{text[3:]}" if text.startswith("../") else text
    text = f"{text[:-3]}/{last.date()}" if text.endswith("/..") else text
    try:
        lo, hi = (pd.Timestamp(d) for d in written_bounds(text))
    except (ValueError, TypeError) as exc:
        reversed_ = "ends before it starts" in str(exc)
        raise ParameterError("date", when, "the interval ends before it starts: give its earlier day first, e.g. "
                             "1953-06-01/1953-06-26" if reversed_ else "give an ISO or EDTF date or interval, e.g. "
                             "1953-06-25 or 1953-06/1953-07") from None
    if hi < first or lo > last:
        raise ParameterError("date", when, f"the tables record nothing then: their dates run from {first.date()} to {last.date()}")
    return lo, hi


def who_held(tables, post: str, when: str) -> pd.DataFrame:
    """Who held a post on a day or in an EDTF interval.

    A spell matches if every word of ``post`` (case, accents and transliteration signs ignored) is
    in its post title, or in the name, abbreviation or Russian name of its organisation or of any
    organisation of the same lineage (so "NKVD" finds the MVD of 1954, one office across its
    renamings), whole ('Georgian' left out for 'Georgia' is in ``attrs["longer words"]``). It is counted if
    its dates, bounded by EDTF and by its organisation's period (:func:`patronage.tables.posts.may_overlap`), can overlap ``when``
    ('1953-06-26?' is that day). Words that match no spell raise ParameterError naming the closest organisations.

    returns: person_id, name, post, organisation, start, end (as recorded), earliest start, start read no earlier than,
    latest end, spell_id and its sourcing, refines (the row an external row restates at a reference work's
    precision: both are shown), seniority, matched by (:func:`patronage.tables.posts.matched_by`: a match through
    another office of the lineage alone is said); most senior first. An earliest start or latest end that only edtf's
    padding of an open side supplies ('/1938-11', '1953-03-14/') is "not given"; such a start ('by November 1938')
    is read by the analysis as no earlier than the first day of its recorded end (``start_floor``: a reading, not a
    bound any source gives), empty for other starts; a
    spell with no recorded end has "open" as its latest end.
    """
    if not isinstance(post, str):
        raise ParameterError("post", post, "give the words of a post as text, e.g. 'first deputy minister of internal affairs'")
    lo, hi = _asked_span(tables, when)
    hit, overlaps = posts.post_hits(tables, post, typed_path(tables.data_dir / "organisations.csv")), posts.may_overlap(tables, lo, hi)
    overlaps = overlaps & _not_ruled_out_by_refinement(tables.spells, overlaps)
    orgs, found = tables.organisations, tables.spells[hit & overlaps]
    longer = posts.longer_words(tables, post, ~hit & overlaps)
    out = pd.DataFrame({"person_id": found["person_id"], "name": found["person_id"].map(tables.persons.set_index("person_id")["name"]),
                        "post": found["post"], "organisation": found["org_id"].map(orgs.set_index("org_id")["name"]),
                        "start": found["start"], "end": found["end"],
                        "earliest start": _day(found["start_lo"], found["start"].map(_open_start), "not given"),
                        "start read no earlier than": _day(found["start_floor"], found["start_floor"].isna(), ""),
                        "latest end": _day(found["end_hi"], found["end"].map(_open_end), "not given").where(
                            found["end"].notna(), "open"),
                        "spell_id": found["spell_id"], **{c: found[c] for c in SOURCING},
                        "refines": found["refines"] if "refines" in found else pd.NA, "seniority": found["seniority"],
                        "matched by": posts.matched_by(tables, post, hit & overlaps),
                        "_start": midpoint(found["start_lo"], found["start_hi"])})
    out = out.sort_values(["seniority", "_start", "person_id"], ascending=[False, True, True]).drop(columns=["_start"]).reset_index(drop=True)
    out.attrs["longer words"] = longer  # for the command line, which says them beside the answer
    return out


def _open_start(text) -> bool:
    """Whether an EDTF text leaves its start unknown or open ('/1938-11', '../1938-11')."""
    return isinstance(text, str) and text.strip().startswith(("/", "../"))


def _open_end(text) -> bool:
    """Whether an EDTF text leaves its end unknown or open ('1953-03-14/', '1953-03-14/..')."""
    return isinstance(text, str) and text.strip().endswith(("/", "/.."))


def _day(bound: pd.Series, padded, instead: str) -> pd.Series:
    """The ISO day of each bound, or ``instead`` where ``padded`` (a bool Series) is true or the bound is missing."""
    days = bound.dt.strftime("%Y-%m-%d")
    return days.where(~pd.Series(padded, index=bound.index).astype(bool) & bound.notna(), instead)


CONFLICT_TEXT = ["topic", "a_quote", "b_quote", "resolution"]  # the columns in which a conflict names a person


def conflicts(tables, name: str | None = None) -> pd.DataFrame:
    """The documented disagreements between sources: both readings with their sources, and which side each
    value of the ``reading`` parameter picks, under each evidence level (under seed evidence a side resting
    on a reference work gives way to the side the seeds state: see patronage.tables.readings).

    name: a person; then only the conflicts that touch him: those of his rows (see :func:`about`) and those
    whose topic, quotes or resolution name him (his id or any recorded name form, as whole words: see
    :func:`naming`). A column ``matched by`` then says which: "rows", "name", "shared name" (only by a form
    another person shares, such as the Kobulov brothers' surname), or "rows and " one of the two.
    """
    c = tables.conflicts
    matched = None
    if name is not None:
        pid = find_person(tables, name)
        own, shared = name_forms(tables.persons, pid)
        by_rows = c["conflict_id"].isin(set(about(tables, pid, by_name=False)["conflict_id"].dropna()))
        by_name, by_shared = naming(c, own), naming(c, shared, outside=name_forms(tables.persons)[0])
        ways = zip(by_rows, by_name, by_shared & ~by_name, strict=True)
        matched = pd.Series([" and ".join(w for w, yes in zip(("rows", "name", "shared name"), flags, strict=True) if yes)
                             for flags in ways], index=c.index, dtype=object)
        c = c[matched != ""]
    out = c[["conflict_id", "kind", "topic", "reading_a", "a_source_id", "a_locator", "a_quote", "a_evidence",
             "reading_b", "b_source_id", "b_locator", "b_quote", "b_evidence", "default_reading"]].copy()
    if matched is not None:
        out.insert(1, "matched by", matched[c.index])
    # under seed evidence a conflict both of whose sides rest on reference works reads neither: their rows are left out
    external = (out["a_evidence"] == "external") & (out["b_evidence"] == "external")
    for policy in READING_POLICIES:
        for evidence in EVIDENCE_LEVELS:
            picked = out["conflict_id"].map(chosen_readings(tables.conflicts, policy, evidence))
            if evidence == "seed":
                picked = picked.where(~external.to_numpy(), "neither (both sides are reference works)")
            out[f"reading={policy}, evidence={evidence}"] = picked
    return out.sort_values("conflict_id").reset_index(drop=True)


MIN_FORM = 3  # a shorter form (an initial, 'b') names nobody in a text


def name_forms(persons: pd.DataFrame, pid: PersonId | None = None) -> tuple[list[str], list[str]]:
    """The folded forms of at least MIN_FORM characters that can name ``pid`` (every person if None; see
    :func:`patronage.tables.names.name_index`): (those that name one person alone, those two persons share,
    such as the surname of two brothers)."""
    forms = [(f, ids) for f, ids in sorted(name_index(persons).items()) if len(f) >= MIN_FORM and (pid is None or pid in ids)]
    return [f for f, ids in forms if len(ids) == 1], [f for f, ids in forms if len(ids) > 1]


def naming(conflicts: pd.DataFrame, forms: list[str], outside: list[str] = ()) -> pd.Series:
    """bool Series aligned with ``conflicts``: whether the folded text of CONFLICT_TEXT holds one of ``forms`` as
    whole words ('Malin' names Malin, not 'Malinovsky'), a possessive ending set aside, outside the words of any
    form in ``outside`` ('Kobulov' in 'Amayak Kobulov' does not name his brother)."""
    if not forms:
        return pd.Series(False, index=conflicts.index)
    text = conflicts[CONFLICT_TEXT].fillna("").astype(str).agg(" ".join, axis=1)
    text = text.str.replace(r"['’]s\b", "", regex=True).map(fold)  # a possessive: "Merkulov's" names Merkulov
    if outside:
        others = _whole_words(outside)
        text = text.map(lambda t: others.sub(" | ", t))
    pattern = _whole_words(forms)
    return text.map(lambda t: pattern.search(t) is not None).astype(bool)


def _whole_words(forms: list[str]) -> re.Pattern:
    """A pattern of any of ``forms`` as whole words, the longest first."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")(?!\w)")


def empty_answer(tables, command: str, *query: str) -> str:
    """The sentence that stands for a look-up with no rows: ``command`` is about, who-held or conflicts, ``query``
    its arguments."""
    if command == "who-held":
        post, when = query
        held = tables.spells[posts.post_hits(tables, post, typed_path(tables.data_dir / "organisations.csv"))]
        first = held.loc[held["start_floor"].fillna(held["start_lo"]).idxmin(), "start"]
        last = ("at least one has no recorded end" if held["end"].isna().any()
                else f"the latest ends {held.loc[held['end_hi'].idxmax(), 'end']}")
        return (f"nobody is recorded in a post matching {post!r} on {when}: of the matching spells ({len(held)}), "
                f"the earliest starts {first} and {last} (dates as recorded)")
    if command == "conflicts" and query and query[0] is not None:
        pid = find_person(tables, query[0])
        label = tables.persons.set_index("person_id").loc[pid, "name"]
        return (f"no recorded conflict touches {pid!r} ({label}): none of his rows carries a conflict_id and no "
                f"conflict's topic, quotes or resolution names him")
    if command == "conflicts":
        return "the tables record no conflict"
    return f"the tables hold no row for {query[0]!r}" if query else "the tables hold no row"


def as_text(frame: pd.DataFrame, fmt: str) -> str:
    """A look-up as CSV (the default) or as a table to read in a terminal ("no rows" for an empty one)."""
    if fmt == "table":
        if frame.empty:
            return "no rows"
        frame = frame.astype(object).where(frame.notna(), "–")  # a missing value as a reader writes it, not pandas' <NA>
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 60):
            return frame.to_string(index=False)
    return frame.to_csv(index=False, lineterminator="\n")

