"""Disputed facts that a reading switches, pinned on the real tables: both sides of each conflict that moves a
verdict of a crisis other than Beria's (Beria's own are in test_the_case.py)."""

from __future__ import annotations

from patronage.analysis import hypotheses as H
from patronage.analysis.crisis import make_crisis


def zhukov_1957(tables, **reading):
    view = tables.select(evidence="seed+external", coding="blauvelt", **reading)
    crisis = make_crisis(view, "zhukov", "1957-10-26", horizon_years=10)
    return crisis, {r.hypothesis: r for r in H.run_all(view, crisis)}


def test_mamsurovs_report_to_the_central_committee_is_two_readings(tables):
    """Khrushchev told the October 1957 plenum that Mamsurov had reported Zhukov's school of saboteurs to the Central
    Committee; another work doubts it (conflict mamsurov-report-1957). On the plenum's side Mamsurov turned on
    Zhukov, and since his career does not say whether he was Zhukov's client, step 1 cannot decide; on the doubt's
    side Konev is the one turncoat, a genuine client, and step 1 holds. His tie, the appointment, is on both sides."""
    crisis, results = zhukov_1957(tables, reading="standard")
    doubted, doubted_results = zhukov_1957(tables, reading={"mamsurov-report-1957": "variant"})
    assert crisis.turncoats == ("konev", "mamsurov") and doubted.turncoats == ("konev",)
    assert "mamsurov" in set(crisis.roster["client_id"]) and "mamsurov" in set(doubted.roster["client_id"])
    assert crisis.roster.set_index("client_id").at["mamsurov", "defected"]
    assert not doubted.roster.set_index("client_id").at["mamsurov", "defected"]
    assert results["H1 genuine clients"].verdict == "inconclusive"
    assert doubted_results["H1 genuine clients"].verdict == "holds"
