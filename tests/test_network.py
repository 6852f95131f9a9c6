"""The network notebook's steps on the toy world (tests/toyworld.py): days around turning points, clients per day,
and the sentences that close the notebook, each built from the tables."""

from __future__ import annotations

import pandas as pd

from patronage.analysis import network


def test_days_around_turning_points_each_once():
    points = pd.DataFrame({"date_lo": pd.to_datetime(["1950-06-15", "1950-06-16"]),
                           "date_hi": pd.to_datetime(["1950-06-15", "1950-06-16"])})
    assert [d.date().isoformat() for d in network.days_around(points)] == ["1950-06-14", "1950-06-15", "1950-06-16",
                                                                          "1950-06-17"]
    assert network.days_around(points.iloc[0:0]) == []
    # a fall dated to a month is bracketed by the day before the month and the day after it
    month = pd.DataFrame({"date_lo": pd.to_datetime(["1957-10-01"]), "date_hi": pd.to_datetime(["1957-10-31"])})
    assert [d.date().isoformat() for d in network.days_around(month)] == ["1957-09-30", "1957-11-01"]


def test_an_approximate_date_is_a_turning_point_of_its_own_year(toy, make_package):
    """'1951~' is widened by edtf back into 1950; its point estimate, and so its year, is 1951."""
    import copy

    import patronage

    from toyworld import ROWS, event

    rows = copy.deepcopy(ROWS)
    rows["events"].append(event("later-arrest", "1951~", "arrest"))
    view = patronage.load(make_package(rows)).select(coding="x")
    assert "later-arrest" not in set(network.turning_points(view, 1950)["event_id"])
    assert "later-arrest" in set(network.turning_points(view, 1951)["event_id"])


def test_clients_on_days_counts_a_patron_with_none_as_zero(toy):
    view = toy.select(coding="x")
    counts = network.clients_on_days(view, ["1950-06-14", "1950-08-02"]).set_index(["patron", "day"])["clients"]
    assert counts[("Person P", "1950-06-14")] == 3 and counts[("Person P", "1950-08-02")] == 0
    assert counts[("Person R", "1950-06-14")] == 1 and counts[("Person R", "1950-08-02")] == 2  # D, then A too
    assert network.clients_on_days(view, []).empty


def test_the_closing_sentences_come_from_the_tables(toy):
    view = toy.select(coding="x")
    days = ["1950-06-14", "1950-06-16"]
    changed = network.changes(view, days, changed_only=True)
    text = network.describe(view, "1950-06-14", "p", changed)
    assert text[1] == "Person P had 3 clients that day, more than any other patron."
    # the rows of a selection are named as such: under seed evidence a reference work's ties are left out (Yezhov's all)
    assert text[0] == ("On 1950-06-14 the rows selected (evidence 'seed') record 6 persons joined by 5 ties of all kinds; "
                       "2 patrons had 4 clients between them.")
    # a patron with as many clients as another, and no one with more, is not said to have more than any other
    level = network.describe(view, "1950-06-14", "r", changed)
    assert level[1] == "Person R had 1 client that day; 1 patron had more."
    even = network.describe(view, "1950-06-16", "p", changed)
    assert even[1] == "Person P had 2 clients that day, as many as 1 other patron and no one more."
    rows = changed.assign(lost="–", **{"last on record": "–"})
    assert "lost" not in network.describe(view, "1950-06-14", "p", rows)[2]  # nothing lost: said by leaving it out
    assert "lost Person P → Person A" in text[2] and "gained Person R → Person A" in text[2]
    quiet = network.describe(view, "1955-01-01", "p", changed.iloc[0:0])
    assert quiet[1] == "Person P had 0 clients that day; 1 patron had more." and quiet[2].startswith("No patronage tie")
    empty = network.describe(view, "1900-01-01", "p", changed.iloc[0:0])
    assert empty[:2] == ["On 1900-01-01 the rows selected (evidence 'seed') record no tie between any two persons.", "Person P had 0 clients that day."]


def test_a_client_of_two_patrons_is_counted_once(tables):
    """Regression: '4 patrons had 17 clients between them' on 28 June 1957, where Ignatiev, a client of both Malenkov
    and Khrushchev, was counted twice (16 distinct clients)."""
    view = tables.select(evidence="seed+external")
    first = network.describe(view, "1957-06-28", "malenkov", pd.DataFrame())[0]
    distinct = network.ties_as_of(view, "1957-06-28", network.CLIENT_KINDS)["client_id"].nunique()
    assert f"had {distinct} clients between them (1 client of two patrons or more, counted once)" in first
    assert int(network.clients_by_patron(view, "1957-06-28")["clients"].sum()) == distinct + 1


def test_an_appointment_is_a_turning_point(tables):
    """Beria's appointment as People's Commissar (25 November 1938) brought his men into the NKVD: the network of
    1938 is compared around it, and the days around it are among those counted."""
    points = network.turning_points(tables.select(evidence="seed+external", reading="standard"), 1938)
    assert "beria-commissar-nkvd-1938-11-25" in set(points["event_id"])
    assert pd.Timestamp("1938-11-24") in network.days_around(points)


def test_the_turning_points_of_a_year_are_compared_within_it(tables):
    """A purge dated '1936/1938' is a turning point of 1937 (its point estimate): its days were those of its bounds, so
    '1937-12-20 to 1939-01-01' reported Yezhov's fall of November 1938 among the changes of 1937."""
    days = network.days_around(network.turning_points(tables.select(evidence="seed+external"), 1937))
    assert days[0] >= pd.Timestamp("1936-12-31") and days[-1] <= pd.Timestamp("1938-01-01"), days


def test_one_patron_is_not_compared_with_others(toy):
    view = toy.select(coding="x")
    one = network.describe(view, "1947-01-01", "p", network.changes(view, [], changed_only=True))
    assert "1 patron had 3 clients." in one[0] and one[1] == "Person P had 3 clients that day; no other patron had any.", one


def test_a_tie_ends_with_the_clients_defection_once_it_is_certainly_past(tables):
    """Regression: Gromyko's tie records his defection from Molotov on 25 June 1957 and no end, so notebook 02 drew him
    as Molotov's client in 1960 while 05 counted him a defector. A tie now ends with its client's defection once the
    last day its date allows is past, and the interval it falls in shows it lost; a defection dated up to the day
    asked ('1953-03/1953-06-26', Kruglov's) does not yet end the tie the day before the fall."""
    view = tables.select(evidence="seed+external", reading="curated")
    pair = ("molotov", "gromyko")
    on = {d: set(map(tuple, network.ties_as_of(view, d, network.CLIENT_KINDS)[["patron_id", "client_id"]].to_numpy()))
          for d in ("1957-06-20", "1960-01-01")}
    assert pair in on["1957-06-20"] and pair not in on["1960-01-01"]
    changed = network.changes(view, ["1957-06-20", "1957-07-10"], changed_only=True).iloc[0]
    assert "Vyacheslav Molotov → Andrei Gromyko" in changed["lost"].split("; ") and changed["last on record"] == "–"
    kruglov = view.ties.set_index("tie_id").loc["beria-kruglov-patronage-blauvelt"]
    assert bool(kruglov["defected"]) and kruglov["defection_date_hi"] == pd.Timestamp("1953-06-26")
    assert "beria-kruglov-patronage-blauvelt" in set(network.ties_as_of(view, "1953-06-25")["tie_id"])


def test_a_tie_ends_with_a_turn_recorded_as_an_act_against_the_patron(tables):
    """Ignatiev's tie with Malenkov records no defection, but the events record him 'defecting' at the June 1957 affair
    that purged Malenkov (05 counts him a turncoat): the tie ends once that event is certainly past, and the interval
    shows it lost. A client the same affair purged with him (Saburov, dismissed) stays his client: only a turn ends a
    tie."""
    view = tables.select(evidence="seed+external", reading="curated")
    clients = {d: set(network.ties_as_of(view, d, network.CLIENT_KINDS).query("patron_id == 'malenkov'")["client_id"])
               for d in ("1957-05-30", "1960-01-01")}
    assert {"ignatiev", "saburov"} <= clients["1957-05-30"]
    assert "ignatiev" not in clients["1960-01-01"] and "saburov" in clients["1960-01-01"]
    lost = network.changes(view, ["1957-05-30", "1957-07-10"]).iloc[0]["lost"]
    assert "Georgy Malenkov → Semyon Ignatiev" in lost and "Maksim Saburov" not in lost
