"""The posts of one person in order of their start's point estimate, and the organisations the closing sentence counts."""

from __future__ import annotations

import patronage
from patronage.analysis import prosopography

from toyworld import ROWS, S, spell


def with_rows(rows: dict, table: str, extra: list[dict]) -> dict:
    """``rows`` with ``extra`` rows added to ``table``."""
    return {**rows, table: [*rows[table], *extra]}


def test_posts_are_listed_by_their_start_not_its_text(make_package):
    extra = [spell("d-1948", "d", "min", 3, "/1948", "1948-06"), spell("d-1939", "d", "min", 2, "1939-01", "1940")]
    tables = patronage.load(make_package(with_rows(ROWS, "spells", extra)))
    posts = prosopography.posts_of(tables, "d")
    # as text "/1948" sorts first; its point estimate (no earlier than 1948-01-01) puts it after 1939
    assert sorted(tables.spells.loc[tables.spells["person_id"] == "d", "start"])[0] == "/1948"
    assert list(posts["spell_id"]) == ["d-1939", "d-1948", "d-min", "d-min2", "c-successor"]
    assert list(posts.columns) == prosopography.POST_COLUMNS


def test_posts_with_the_same_start_follow_their_ids(make_package):
    extra = [spell("d-z", "d", "min", 2, "1939-01", "1940"), spell("d-a", "d", "min", 2, "1939-01", "1940")]
    tables = patronage.load(make_package(with_rows(ROWS, "spells", extra)))
    assert list(prosopography.posts_of(tables, "d")["spell_id"])[:2] == ["d-a", "d-z"]
    assert prosopography.posts_of(tables, "nobody").empty


def test_the_closing_sentence_counts_organisations_with_posts(make_package):
    idle = {"org_id": "idle", "name": "An office no one held", "kind": "government", "level": "union",
            "lineage": "idle", "valid_from": "1940", **S}
    tables = patronage.load(make_package(with_rows(ROWS, "organisations", [idle])))
    assert len(tables.organisations) == 3
    text = prosopography.describe(tables, tables.select(coding="x"))
    assert text[0] == ("The tables name 6 persons, 5 of them with a recorded career: 9 rows on posts (a refinement, and each side of "
                       "a conflict, a row of its own) in 2 organisations.")
