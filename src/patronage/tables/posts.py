"""Which spells a post named in words denotes: whole words of the post title and of its organisation's names across
its lineage (:func:`post_hits`), the longer words left out (:func:`longer_words`), and the days a spell can be
running, bounded by its organisation's period (:func:`may_overlap`). Used by the look-ups (:mod:`patronage.tables.lookup`)."""

from __future__ import annotations

import difflib
import re

import pandas as pd

from patronage.errors import ParameterError
from patronage.tables.names import fold, latin


def words_of(text: str) -> set[str]:
    """The words of a text, folded (:func:`patronage.tables.names.fold`), without punctuation ('(united' is 'united')."""
    return set(re.findall(r"\w+", fold(text))) - {"of", "the", "for", "and", "in"}


def may_overlap(tables, lo: pd.Timestamp, hi: pd.Timestamp):
    """bool array over the spells: those whose dates, as bounded by EDTF and by the period of their organisation,
    can overlap ``lo`` to ``hi``. No post is held before its organisation existed or after it ended (as the date
    draws narrow a spell): an open start ('/1948', edtf's ten years back) would otherwise list Abakumov as
    Minister of State Security in 1939."""
    s, period = tables.spells, tables.organisations.set_index("org_id")
    began = _later(s["start_lo"], s["org_id"].map(period["valid_from_lo"]))
    ended = _earlier(s["end_hi"], s["org_id"].map(period["valid_to_hi"]))
    return ((began <= hi) & ~(ended < lo).fillna(False)).to_numpy(dtype=bool)


def _later(a: pd.Series, b: pd.Series) -> pd.Series:
    """Day by day, the later of two days, either missing (NaT) giving way to the other (whole columns at once: an
    element-wise ``Series.combine`` boxes every day, seconds over a large prosopography)."""
    return a.where(b.isna() | (a >= b), b)


def _earlier(a: pd.Series, b: pd.Series) -> pd.Series:
    """Day by day, the earlier of two days, either missing (NaT) giving way to the other."""
    return a.where(b.isna() | (a <= b), b)


def _org_words(orgs: pd.DataFrame) -> pd.Series:
    """org_id -> the names, abbreviations and Russian names of the organisation and of every one of its lineage; a
    remark in brackets in a name ('(united with the MGB, 1953-1954)') is the organisation's own, not its lineage's:
    'MGB' found the Ministry of Internal Affairs of 1946-1953 through the name of its successor of 1953."""
    label = orgs["name"].fillna("") + " " + orgs["abbreviation"].fillna("") + " " + orgs["name_russian"].fillna("")
    own = label.str.replace(r"\s\([^()]*\)", "", regex=True)  # 'VKP(b)' is a word, not a remark
    by_lineage = own.groupby(orgs["lineage"].fillna(orgs["org_id"])).agg(" ".join)
    return (orgs["lineage"].fillna(orgs["org_id"]).map(by_lineage) + " " + label).set_axis(orgs["org_id"])


def spell_words(tables) -> pd.Series:
    """The words of each spell's post title and of its organisation's names across its lineage, computed once per
    tables (the look-up and the words it leaves out both read them)."""
    def compute(t) -> pd.Series:
        s = t.spells
        return (s["post"].fillna("") + " " + s["org_id"].map(_org_words(t.organisations)).fillna("")).map(words_of)

    return tables.undated("post words", compute)


def matched_by(tables, post: str, rows) -> pd.Series:
    """For the spells ``rows`` (a bool array) that :func:`post_hits` found: 'its post or organisation' where the post
    title and its own organisation's names have every word of ``post``; else 'only another organisation of its lineage'
    ('Division of Cadres' finds the People's Commissar of the NKVD, whose lineage holds the division): said in the
    answer, so that a match made through the lineage alone is not read as the post."""
    wanted, s = words_of(latin(post)), tables.spells[rows]
    orgs = tables.organisations.set_index("org_id")
    label = (orgs["name"].fillna("") + " " + orgs["abbreviation"].fillna("") + " " + orgs["name_russian"].fillna(""))
    own = (s["post"].fillna("") + " " + s["org_id"].map(label).fillna("")).map(words_of)
    return own.map(lambda have: "its post or organisation" if wanted <= have else THROUGH_LINEAGE)


THROUGH_LINEAGE = "only another organisation of its lineage (a renaming of the office, or a body within it)"


def post_hits(tables, post: str, listed: str = "organisations.csv"):
    """bool array over the spells: those whose post title or organisation (of any name in its lineage) has every
    word of ``post``; raises ParameterError if ``post`` has no word or no spell matches."""
    wanted = words_of(latin(post))  # typed in Cyrillic: the tables name organisations in Latin letters (МВД: MVD)
    if not wanted:
        raise ParameterError("post", post, "give words of a post title or an organisation, e.g. 'first deputy minister internal affairs'")
    words = spell_words(tables)
    # whole words: 'minister' does not find 'ministry', nor 'georgia' 'Georgian SSR' (longer_words names those)
    hit = words.map(lambda have: wanted <= have).to_numpy(dtype=bool)
    if not hit.any():
        missing = sorted(wanted - set().union(*words))
        if not missing:
            raise ParameterError("post", post, f"no post matches {post!r}: each of its words is in some post title or "
                                               "organisation, but no post has them all; give fewer words")
        raise ParameterError("post", post, f"no post matches {post!r}: no post title or organisation has the word "
                                           f"{', '.join(map(repr, missing))}; the closest organisations: "
                                           f"{_closest_orgs(missing, tables.organisations)}; every organisation is listed in {listed}")
    return hit


def longer_words(tables, post: str, rows) -> list[str]:
    """Of the spells ``rows`` (a bool array) that whole-word matching leaves out, those that would match if a word
    of ``post`` could begin a longer one ('georgia', 'Georgian SSR'): their longer words, said beside the answer
    so that it is never silently partial."""
    wanted = words_of(latin(post))
    s, words = tables.spells[rows], spell_words(tables)[rows]
    found = set()
    for have, title in zip(words, s["post"].fillna("").map(words_of), strict=True):
        # the longer words of the post's own title: an organisation's Russian name ('ministerstvo') is no post
        longer = {x: {w for w in title if w != x and w.startswith(x)} for x in wanted if len(x) >= 3}
        if all(x in have or longer.get(x) for x in wanted):
            found |= set().union(*(v for x, v in longer.items() if x not in have))
    return sorted(found)


def _closest_orgs(missing: list[str], orgs: pd.DataFrame, n: int = 3) -> str:
    """The ``n`` organisations with an abbreviation or a word of their name closest to one of the words
    ``missing`` (difflib's ratio; ties by org_id), as 'abbreviation (name)'."""
    def closeness(row) -> float:
        abbreviation = row.abbreviation if isinstance(row.abbreviation, str) else ""
        tokens = {fold(abbreviation), *fold(row.name).split()} - {""}
        return max(difflib.SequenceMatcher(None, w, t).ratio() for w in missing for t in tokens)

    rows = sorted(orgs.itertuples(index=False), key=lambda r: (-closeness(r), r.org_id))[:n]
    return "; ".join(f"{r.abbreviation} ({r.name})" if isinstance(r.abbreviation, str) else r.name for r in rows)
