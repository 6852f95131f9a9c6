"""The posts of one person in order of their start's point estimate, and the organisations the closing sentence counts."""

from __future__ import annotations

import pandas as pd

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
    extra = [spell("d-z", "d", "min", 2, "1939-01", "1940"), spell("d-a", "d", "min", 2, "1939-01", "1940", post="another post")]
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


def test_the_closing_counts_conflicts_by_kind_refinements_by_what_they_restate_and_works_by_whether_cited(tables):
    """Regression: 01 said '67 disagreements between sources' (9 are corrections of a work's bibliographic details, 2
    the article against itself), '53 restate a seed row' (9 restate a reference work's row) and '29 of the 201 works
    cited are in the article's reference list' (24 works are cited by no row)."""
    import pandas as pd

    text = prosopography.describe(tables, tables.select())
    kinds = tables.conflicts["kind"].value_counts()
    assert (f"({len(tables.conflicts) - kinds['reference'] - kinds['internal']} between sources, {kinds['reference']} on a "
            f"work's bibliographic details, {kinds['internal']} where the article disagrees with itself)") in text[2]
    assert prosopography._conflicts_sentence(pd.DataFrame({"kind": ["date", "fact"]})) == \
        "2 conflicts are recorded with both readings (2 between sources)"
    refining = [(t, f) for t, f in ((t, getattr(tables, t)) for t in ("spells", "events", "ties", "attributes", "organisations"))
                if "refines" in f]
    of_seed = sum(int(f.loc[f["refines"].notna(), "refines"].isin(f.loc[f["evidence"] == "seed", f.columns[0]]).sum())
                  for _, f in refining)
    assert f"({of_seed} a seed row, " in text[1]
    cited = {v for t in ("persons", "attributes", "organisations", "spells", "events", "event_participants", "ties",
                         "codings") for v in getattr(tables, t)["source_id"].dropna()}
    cited |= set(tables.persons["names_source_id"].dropna()) | set(tables.conflicts["a_source_id"].dropna()) | set(
        tables.conflicts["b_source_id"].dropna())
    cited |= {w for ids in tables.codings["source_ids"].dropna() for w in ids.split("|")}  # the works a coding lists
    assert f"The sources list {len(tables.sources)} works, {len(cited)} of them cited by a row" in text[2]


def test_a_post_held_by_a_date_is_drawn_from_that_date(make_package):
    """An open start ('/1950': held by 1950) was drawn faint from ten years before it, edtf's padding, as if a source
    gave that range."""
    tables = patronage.load(make_package(with_rows(ROWS, "spells", [spell("d-by", "d", "min", 2, "/1948", "1949")])))
    segs = prosopography.timeline_segments(tables)
    mine = segs[segs["label"].str.contains(r"\(/1948")]
    assert mine["start"].min() >= pd.Timestamp("1948-01-01"), mine
