"""The prosopography notebook's summaries, built from the tables they describe."""

from __future__ import annotations

from patronage.analysis import prosopography


def test_refinements_are_counted_beside_the_evidence(tables):
    table = prosopography.evidence_summary_with_refinements(tables)
    assert (table["of which refinements"] <= table["external"]).all()
    assert table.loc["spells", "of which refinements"] == int(tables.spells["refines"].notna().sum()) > 0
    quoted = (tables.spells["evidence"] == "external") & tables.spells["quote"].notna()
    assert table.loc["spells", "external, quoted"] == int(quoted.sum()) < table.loc["spells", "external"]


def test_the_closing_sentences_come_from_the_tables(toy):
    view = toy.select(coding="x")
    text = prosopography.describe(toy, view)
    assert text[0] == ("The tables name 6 persons, 5 of them with a recorded career: 9 rows on posts (a refinement, and each side of "
                       "a conflict, a row of its own) in 2 organisations.")  # R has none
    assert text[1].startswith("41 rows state what the seed texts say") and "0 rest on other named works: 0 of these quote" in text[1]
    assert f"reads {len(view.spells)} posts, {len(view.events)} events and {len(view.ties)} ties" in text[3]


def test_a_work_a_coding_lists_is_cited(tables):
    """Regression: the works a coding lists in source_ids (Medvedev 2006 for 'not_true_clients', in the article's
    reference list) were not counted as cited, nor shown in the table of sources: only columns ending in source_id
    were read."""
    from patronage.analysis.prosopography import _cited, sources_summary

    listed = {w for ids in tables.codings["source_ids"].dropna() for w in ids.split("|")}
    assert "medvedev-2006" in listed and listed <= _cited(tables)
    table = sources_summary(tables)
    assert table.loc["medvedev-2006", "codings"] == 1 and table.loc["blauvelt-2008", "codings"] == 3  # each row once
