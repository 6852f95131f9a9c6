"""The network notebook's steps on the toy world (tests/toyworld.py): days around turning points, clients per day,
and the sentences that close the notebook, each built from the tables."""

from __future__ import annotations

import pandas as pd

from patronage.analysis import network


def test_days_around_turning_points_each_once():
    points = pd.DataFrame({"date_lo": pd.to_datetime(["1950-06-15", "1950-06-16"])})
    assert [d.date().isoformat() for d in network.days_around(points)] == ["1950-06-14", "1950-06-15", "1950-06-16",
                                                                          "1950-06-17"]
    assert network.days_around(points.iloc[0:0]) == []


def test_clients_on_days_counts_a_patron_with_none_as_zero(toy):
    view = toy.select(coding="x")
    counts = network.clients_on_days(view, ["1950-06-14", "1950-08-02"]).set_index(["patron", "day"])["clients"]
    assert counts[("Person P", "1950-06-14")] == 3 and counts[("Person P", "1950-08-02")] == 0
    assert counts[("Person R", "1950-06-14")] == 1 and counts[("Person R", "1950-08-02")] == 2  # D, then A too
    assert network.clients_on_days(view, []).empty


def test_the_closing_sentences_come_from_the_tables(toy):
    view = toy.select(coding="x")
    days = ["1950-06-14", "1950-06-16"]
    changed = network.changes(view, days).query("lost != '–' or gained != '–'")
    text = network.describe(view, "1950-06-14", "p", changed)
    assert text[1] == "Person P had 3 clients that day, more than any other patron."
    assert text[0].startswith("On 1950-06-14 the tables record ") and " patronage ties of 2 patrons." in text[0]
    assert "lost Person P → Person A" in text[2] and "gained Person R → Person A" in text[2]
    quiet = network.describe(view, "1955-01-01", "p", changed.iloc[0:0])
    assert quiet[1] == "Person P had 0 clients that day; 1 patron had more." and quiet[2].startswith("No patronage tie")
    empty = network.describe(view, "1900-01-01", "p", changed.iloc[0:0])
    assert empty[:2] == ["On 1900-01-01 the tables record no tie between any two persons.", "Person P had 0 clients that day."]
