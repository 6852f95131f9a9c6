"""Resolve any recorded name of a person to its person_id.

Matching ignores case, accents, apostrophes and the soft/hard signs of transliteration
(Ignat'iev = Ignatiev), and accepts the id, the canonical name, the surname, the Cyrillic name
and every variant recorded in persons.variants. An unknown name raises a ParameterError listing
the closest known names (difflib); a name shared by two persons (the Kobulov brothers) raises
one listing both.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import pandas as pd

from patronage.errors import ParameterError

PersonId = str


def fold(name: str) -> str:
    """A name reduced for matching: lower case, no accents, apostrophes, dots or extra spaces."""
    text = unicodedata.normalize("NFKD", str(name)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'ʹʺ`ьъ.\"]", "", text)
    text = re.sub(r"[-‐–—_]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def name_index(persons: pd.DataFrame) -> dict[str, set[PersonId]]:
    """Every folded name form -> the person_ids it can denote."""
    index: dict[str, set[PersonId]] = {}
    for row in persons.itertuples(index=False):
        forms = {row.person_id, row.name, row.surname, row.name_cyrillic}
        if isinstance(row.given_name, str):
            forms.add(f"{row.given_name} {row.surname}")
            if isinstance(row.patronymic, str):
                forms.add(f"{row.given_name} {row.patronymic} {row.surname}")
        if isinstance(row.name_cyrillic, str):  # given name, patronymic, surname: Лаврентий Павлович Берия
            parts = row.name_cyrillic.split()
            forms.update({parts[-1], " ".join(parts[-1:] + parts[:-1]), " ".join([parts[0], parts[-1]])})
        if isinstance(row.variants, str):
            forms.update(v.strip() for v in row.variants.split("|"))
        for form in forms:
            if isinstance(form, str) and form.strip():
                index.setdefault(fold(form), set()).add(row.person_id)
    return index


def latin(text: str) -> str:
    """``text`` with its Cyrillic letters transliterated (text-unidecode: 'Сталин' -> 'Stalin', 'МВД' -> 'MVD'), for
    a name or an office typed in Cyrillic that the tables record only in Latin letters; other text unchanged."""
    if not re.search(r"[\u0400-\u04FF]", text):
        return text
    from text_unidecode import unidecode

    return unidecode(text)


def resolve_person(name: str, persons: pd.DataFrame, parameter: str = "patron", listed_in: str = "persons.csv") -> PersonId:
    """The person_id that ``name`` denotes.

    name: an id, name, surname or recorded variant, Latin or Cyrillic, any case; an id names its person before any
        name that reads the same ('beria' is Lavrenty Beria's id, though a son of his added to the tables would share
        the surname), so that the id an ambiguous name is answered with always works
    listed_in: where a reader finds every recorded person, named when ``name`` denotes none

    returns: person_id; raises ParameterError naming the closest known names, or asking for a name if ``name``
    is empty.
    """
    labels = persons.set_index("person_id")["name"]
    if not fold(name):
        first = sorted(labels.index)[:1]
        example = f", e.g. {first[0]!r} or {labels[first[0]]!r}" if first else ""
        raise ParameterError(parameter, name, f"give a person's name: an id, a name, a surname or a recorded variant, "
                                              f"Latin or Cyrillic{example}")
    by_id = [i for i in labels.index if fold(i) == fold(name)]
    if len(by_id) == 1:
        return by_id[0]
    index = name_index(persons)
    ids = index.get(fold(name), set()) or index.get(fold(latin(name)), set())  # Сталин: no Cyrillic form recorded
    if len(ids) == 1:
        return next(iter(ids))
    if len(ids) > 1:
        options = ", ".join(f"{i!r} ({labels[i]})" for i in sorted(ids))
        raise ParameterError(parameter, name, f"it names more than one person: use one of {options}")
    given = sorted(persons.loc[persons["given_name"].map(lambda g: isinstance(g, str) and fold(g) == fold(name)),
                               "person_id"]) if "given_name" in persons else []
    if given:  # a given name alone ('Ivan', 'Georgy') names no one in particular
        options = ", ".join(f"{i!r} ({labels[i]})" for i in given)
        raise ParameterError(parameter, name, f"it is a given name, of {len(given)} recorded "
                                              f"person{'s' if len(given) > 1 else ''}: use one of {options}")
    close = {*difflib.get_close_matches(fold(name), list(index), n=5, cutoff=0.6),
             *difflib.get_close_matches(fold(latin(name)), list(index), n=5, cutoff=0.6)}
    near = sorted({pid for form in close for pid in index[form]})
    hint = "closest known: " + ", ".join(f"{i!r} ({labels[i]})" for i in near) if near else "none is close"
    raise ParameterError(parameter, name, f"no person has this name; {hint}; the {len(labels)} recorded persons and "
                                          f"their name variants are listed in {listed_in}")


def spelled_in(part: str, quote: str) -> bool:
    """Whether ``quote`` spells the name part ``part``: a word of the quote, longer than an initial, with
    the same first three letters (a transliteration of the quote's own spelling: 'Semyon' for 'Semen',
    'Georgy' for 'Georgii'). An initial ('P.Ia.') spells nothing."""
    stem = part.casefold()[:3]
    return any(word.casefold().startswith(stem) and len(word) > 1 for word in re.findall(r"[^\W\d_]+", quote))
