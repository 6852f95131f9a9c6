"""The closing sentences of notebooks 04 and 05 follow the computed tables: each branch fed its case."""

from __future__ import annotations

import pandas as pd

from patronage.analysis import article
from patronage.robustness import findings


def test_inferred_findings_name_what_each_rule_changes():
    rerun = pd.DataFrame({"ties": ["asserted", "asserted", "overlap", "overlap", "any rule", "any rule"],
                          "hypothesis": ["H1", "H2"] * 3,
                          "verdict": ["holds", "fails", "holds", "inconclusive", "holds", "fails"], "clients": 3})
    (sentence,) = findings.inferred_findings(rerun)
    assert "the overlap rule changes H2 (fails → inconclusive)" in sentence
    assert "the union of the rules (any rule) changes no verdict a rule decided." in sentence
    idle = rerun.assign(verdict=["no case", "fails", "no data", "inconclusive", "untestable", "fails"])
    (moved,) = findings.inferred_findings(idle)
    # a change between labels that decide nothing is named apart, not hidden and not counted as a change
    assert "the overlap rule changes H2 (fails → inconclusive), and relabels H1 (no case → no data)" in moved
    assert "changes no verdict a rule decided (it only relabels H1 (no case → untestable))" in moved
    (draws_idle,) = findings.draw_findings(pd.DataFrame({"draw": [0, 1], "hypothesis": ["H1", "H1"], "verdict": ["untestable", "no case"]}),
                                           pd.Series({"H1": "untestable"}))
    assert "no step decides anything in any draw, nor under the base specification" in draws_idle
    # the labels named are those that came out (Malenkov 1955: H2 'untestable' was left out of 'every verdict ...')
    assert "(every verdict no case or untestable)" in draws_idle, draws_idle
    assert "cannot show the verdicts to be robust or fragile" in draws_idle


def test_a_rule_or_a_base_with_no_client_is_said_to_decide_nothing():
    rerun = pd.DataFrame({"ties": ["asserted", "asserted", "following", "following"], "hypothesis": ["H1", "H2"] * 2,
                          "verdict": ["holds", "inconclusive", "no data", "no data"], "clients": [2, 2, 0, 0]})
    (sentence,) = findings.inferred_findings(rerun)
    assert "the following rule gives the patron no client the day before, so its re-run decides nothing" in sentence
    assert "changes H1" not in sentence
    # Regression: 04 said such a rule 'only relabels' the steps between labels that decide nothing, hiding the
    # decided verdicts it wipes out (H3, H4, H5 fails -> no data): every step it moves is named
    assert sentence.endswith("decides nothing: H1 (holds → no data) and H2 (inconclusive → no data).")
    empty = pd.DataFrame({"ties": ["asserted", "overlap"], "hypothesis": ["H2", "H2"], "verdict": ["no data", "no data"],
                          "clients": [0, 0]})
    (said,) = findings.inferred_findings(empty)
    assert said.startswith("On the asserted ties the patron has no client the day before, so no step decides anything there")


def test_a_step_that_decides_nothing_keeps_every_share_of_its_labels():
    rows = [{"spec": i, "distinct": i, "selection": i, "coding": c, "reading": "article", "evidence": "seed", "horizon": 10,
             "population": "first deputies", "hypothesis": h, "verdict": v}
            for i, c in enumerate(["a", "b", "c"]) for h, v in (("H4b", ["coding", "coding", "no case"][i]), ("H2", "holds"))]
    first = findings.specification_findings(pd.DataFrame(rows))[0]
    assert "1 decides nothing in any (no rule reached a verdict that could have come out otherwise): " \
           "H4b (coding 0.67, no case 0.33)" in first  # its last share was cut off
    assert "1 of 2 steps keeps one verdict in every one: H2 (holds)" in first


def test_draw_findings_count_the_draws_that_keep_the_base_verdict():
    draws = pd.DataFrame({"draw": [0, 0, 1, 1], "hypothesis": ["H1", "H2"] * 2,
                          "verdict": ["holds", "fails", "holds", "holds"]})
    (sentence,) = findings.draw_findings(draws, pd.Series({"H1": "holds", "H2": "fails"}))
    assert sentence.startswith("Under 2 draws of the uncertain dates (each share known to within about ±0.69, 95%), 1 of 2 "
                               "steps gives the base verdict in every draw")
    assert "H2 (fails in 0.50 of the draws; holds in 0.50)" in sentence
    (never,) = findings.draw_findings(draws.assign(verdict=["holds", "mixed", "holds", "holds"]),
                                      pd.Series({"H1": "holds", "H2": "inconclusive"}))
    assert "H2 (inconclusive at the point estimates, in no draw; holds in 0.50; mixed in 0.50)" in never
    (idle,) = findings.draw_findings(draws.assign(verdict=["no data", "holds"] * 2), pd.Series({"H1": "no data", "H2": "holds"}))
    assert idle.startswith("Under 2 draws of the uncertain dates (each share known to within about ±0.69, 95%), 1 of 2 steps "
                           "gives the base verdict in every draw; "
                           "1 decides nothing in any draw (H1); no step that decides gives another verdict")
    (nothing,) = findings.draw_findings(draws.assign(verdict="no case"), pd.Series({"H1": "no case", "H2": "no case"}))
    assert nothing.startswith("Under 2 draws of the uncertain dates, no step decides anything in any draw")
    (same,) = findings.draw_findings(draws.assign(verdict="holds"), pd.Series({"H1": "holds", "H2": "holds"}))
    assert "no step that decides gives another verdict in any draw" in same
    assert findings.draw_findings(draws.iloc[0:0], pd.Series(dtype=object)) == ["No date draws were run (verdict_draws = 0)."]
    many = pd.DataFrame({"draw": range(1500), "hypothesis": "H1", "verdict": "holds"})
    assert findings.draw_findings(many, pd.Series({"H1": "holds"}))[0].startswith("Under 1,500 draws")
    assert findings.draw_findings(draws[draws["draw"] == 0], pd.Series({"H1": "holds", "H2": "fails"}))[0].startswith(
        "Under 1 draw of the uncertain dates (each share known to within about ±0.98, 95%), 2 of 2 steps give")  # a
    # sentence from one draw said '2 of 2 steps give the base verdict in every draw' with no word of its margin


def _with(series: pd.Series, **values) -> pd.Series:
    return pd.Series({**series.to_dict(), **values})


def _test(binomial: float, fisher: float) -> pd.Series:
    return pd.Series({"case": "X", "case defected": 2, "case top clients": 3, "case first deputies": 2,
                      "case first deputies defected": 2, "others defected": 1, "others top clients": 10,
                      "binomial p0": 2 / 3, "binomial p (one-sided, less)": binomial, "fisher p (one-sided, less)": fisher})


def test_panel_findings_read_each_test_at_its_level(crisis_x):
    view, crisis = crisis_x
    pooled = pd.Series({"crises": 2, "defected": 1, "top clients": 4, "share": 0.25, "confidence": 0.95,
                        "ci low": 0.01, "ci high": 0.81})
    table = pd.DataFrame({"verdict": ["no data", "holds", "fails", "no data"]})
    names = view.persons.set_index("person_id")["name"]
    rosters = {"first": crisis, "second": crisis}
    low = findings.panel_findings(view, rosters, pooled, _test(0.001, 0.01), table, names, min_rank=4)
    assert "would be improbably low (binomial p = 0.0010 < 0.05)" in low[1] and "tells the two rates apart (p = 0.010 < 0.05)" in low[1]
    high = findings.panel_findings(view, rosters, pooled, _test(0.2, 0.3), table, names, min_rank=4)
    assert "would be no lower than chance allows at the 0.05 level (binomial p = 0.2000 >= 0.05)" in high[1]
    assert "each of the others' chances as independent (which the men who recur, below, make doubtful)" in high[1] and "cannot tell the two rates apart" in high[1]
    assert "men are top clients at more than one crisis" in low[2] and "(2: first, second)" in low[2]
    assert low[3].startswith("'No data' fills 50%")
    alone = findings.panel_findings(view, {"first": crisis}, pooled, _test(float("nan"), float("nan")), table, names, 4)
    assert alone[1] == "X: no test of the other crises against the case: the other crises have no top client recorded."
    assert alone[2].startswith("No man is a top client at more than one crisis") and len(alone) == 4
    assert alone[0].endswith("The one crisis has a top client recorded; by their number of top clients: 3 at first.")
    assert low[0].endswith("by their number of top clients: 3 each at first and second.")
    assert findings._by_size({"A": 5, "B": 7, "C": 0, "D": 5, "E": 1}) == "7 at B; 5 each at A and D; 1 at E"
    # where some crises have none, the count that follows is of the others, not of the empty ones
    pooled_ab = pd.Series({"crises": 2, "top clients": 2, "defected": 1, "share": 0.5, "confidence": 0.95, "ci low": 0.01, "ci high": 0.99})
    assert findings._pooled_sentence(pooled_ab, {"A": 2, "B": 0}, 4).endswith(
        "1 of the 2 crises has no top client recorded; the others by their number of top clients: 2 at A.")
    assert "each of the 2 crises has a top client recorded" in low[0].lower()
    none = findings.panel_findings(view, rosters, _with(pooled, **{"top clients": 0, "defected": 0}),
                                   _test(float("nan"), float("nan")), table, names, min_rank=7)
    assert none[0] == "No top client (rank >= 7 the day before) is recorded at any of the 2 crises: no pooled share."
    # no pooled share, no 'rate': the closing stops at the shares of the cells
    assert none[-1].endswith("no later turn) 0%.") and low[-1].endswith("a rate for these crises as the sources record them, not for the system.")
    # a list of one crisis: no 'other crises' to pool or to test against, and 'the one crisis'
    single = _with(_test(float("nan"), float("nan")), **{"other crises": 0, "others defected": 0, "others top clients": 0})
    one = findings.panel_findings(view, {"first": crisis}, _with(pooled, **{"crises": 1, "top clients": 0, "defected": 0}),
                                  single, table, names, min_rank=7)
    assert one[0] == "No top client (rank >= 7 the day before) is recorded at the one crisis: no pooled share."
    assert one[1] == "X: no test of the other crises against the case: the list holds no other crisis."
    assert findings.pooled_lines(_with(pooled, crises=1), single)[1].endswith("; no other crisis in the list")


def test_pooled_lines_say_why_when_there_is_nothing_to_test():
    pooled = pd.Series({"crises": 2, "defected": 1, "top clients": 4, "share": 0.25, "confidence": 0.95,
                        "ci low": 0.01, "ci high": 0.81})
    both = findings.pooled_lines(pooled, _with(_test(0.001, 0.01), **{"fisher odds ratio": 0.1}))
    assert both[0] == "pooled over 2 crises: 1 of 4 top clients defected = 0.250, exact 95% interval [0.010, 0.810]"
    assert both[2].endswith("p = 0.010") and both[3].endswith("p = 0.0010") and len(both) == 4
    alone = findings.pooled_lines(pooled, _test(float("nan"), float("nan")))
    assert alone[2:] == ["no test against the case: the other crises have no top client recorded"]
    no_top = findings.pooled_lines(pooled, _with(_test(float("nan"), float("nan")), **{"case top clients": 0, "case defected": 0}))
    assert no_top[1].startswith("X: no top client recorded (of its first deputies, 2 of 2 defected); the other crises pooled")
    assert no_top[2:] == ["no test against the case: the case has no top client recorded"]
    none_turned = findings.pooled_lines(pooled, _with(_test(float("nan"), float("nan")), **{"case defected": 0}))
    assert none_turned[1].startswith("X: 0 of its 3 top clients defected (of its first deputies, 2 of 2 defected)")
    assert none_turned[2:] == ["no test against the case: none of the case's top clients defected, and no rate elsewhere "
                               "can be lower than none"]
    empty = findings.pooled_lines(_with(pooled, **{"top clients": 0, "defected": 0}), _test(float("nan"), float("nan")))
    assert empty[0] == "pooled over 2 crises: no top client is recorded, so there is no share to estimate"


def test_a_tiny_p_value_is_never_shown_as_zero():
    assert findings.p_text(0.00097) == "0.0010" and findings.p_text(0.0001) == "0.0001"
    assert findings.p_text(4.15e-06) == "4.2e-06" and findings.p_text(0.5) == "0.5000"


def test_03_findings_say_each_open_step_once():
    """A step whose rule could not have decided (no data: nothing to count) is named among those, not again among the
    steps the records left open; a step that could have been decided and was not is named there."""
    table = pd.DataFrame({"hypothesis": ["H1", "H2", "H7"], "verdict": ["holds", "inconclusive", "no data"],
                          "could_differ": ["yes", "yes", "no: no client of recorded rank below 4"],
                          "reason": ["", "2 of 3 defected", "the tables record no client below rank 4"]})
    comparison = pd.DataFrame({"hypothesis": table["hypothesis"], "agree": ["yes", "no", "–"], "computed": table["verdict"],
                               "article": ["holds", "fails", "holds"], "why they differ": ["", "2 of 3 defected", ""]})
    decided, fixed, left_open, agreed, differ = article.findings(table, comparison)
    assert decided == "Of 3 steps, 1 was decided by its rule: H1 holds."
    assert fixed.startswith("1 could not have come out otherwise with these tables and decides nothing") and "H7 (no data: no client of recorded rank below 4)" in fixed
    assert left_open == "Left open by the records: H2 (inconclusive: 2 of 3 defected)."
    assert agreed.startswith("The computation agrees with the article on 1 of the 2 steps") and differ.startswith("H2: computed")
    undecided = table.assign(verdict=["inconclusive", "inconclusive", "no data"])
    assert article.findings(undecided, comparison)[0] == "Of 3 steps, none was decided by its rule."


def test_a_share_of_the_draws_and_a_p_value_say_what_they_are():
    assert findings.share_of_draws(0.001) == "under 1%" and findings.share_of_draws(0.998) == "over 99%"
    assert findings.share_of_draws(0.0) == "0%" and findings.share_of_draws(1.0) == "100%" and findings.share_of_draws(0.4) == "40%"
    assert findings.p_text(0.0) == "0"
    lines = findings.pooled_lines(pd.Series({"crises": 2, "defected": 1, "top clients": 4, "share": 0.25, "confidence": 0.95,
                                             "ci low": 0.01, "ci high": 0.81}),
                                  _with(_test(0.001, 0.01), **{"fisher odds ratio": float("inf")}))
    assert "odds ratio infinite" in lines[2]


def test_leaving_one_crisis_out_names_every_crisis_that_gives_the_extreme():
    variants = pd.DataFrame({"variant": ["all crises", "without A", "without B", "without C"], "crises": [3, 2, 2, 2],
                             "top clients": [9, 7, 7, 6], "defected": [2, 1, 1, 2], "share": [2 / 9, 1 / 7, 1 / 7, 1 / 3],
                             "ci low": [0.0] * 4, "ci high": [1.0] * 4})
    sentence = findings.variant_findings(variants)
    assert "runs from 0.143 (without A and without B) to 0.333 (without C)" in sentence


def test_the_pooled_line_says_how_many_crises_have_a_top_client_and_counts_in_words():
    pooled = pd.Series({"crises": 9, "crises with top clients": 3, "defected": 2, "top clients": 8, "share": 0.25,
                        "confidence": 0.95, "ci low": 0.03, "ci high": 0.65})
    lines = findings.pooled_lines(pooled, _with(_test(0.06, 0.3), **{"fisher odds ratio": 0.5}))
    assert lines[0].startswith("pooled over 9 crises (3 with a top client recorded): 2 of 8 top clients defected")
    one = findings.pooled_lines(_with(pooled, crises=1, **{"crises with top clients": 1}), _test(float("nan"), float("nan")))
    assert one[0].startswith("pooled over 1 crisis: 2 of 8")
    assert findings.recurring_clients({"A": pd.DataFrame({"person_id": []})}, pd.Series(dtype=object)).startswith(
        "No man is a top client at any crisis")


def test_where_no_man_recurs_the_tests_caveat_points_to_no_men_who_recur(crisis_x, monkeypatch):
    """Regression: for a reader's own list of crises, the test's caveat spoke of 'the men who recur, below', and the next
    sentence said no man is a top client at more than one crisis."""
    view, _ = crisis_x
    tops = {"first": pd.DataFrame({"person_id": ["a"]}), "second": pd.DataFrame({"person_id": ["b"]})}
    monkeypatch.setattr(findings, "top_clients", lambda tables, roster, min_rank: tops[roster])
    pooled = pd.Series({"crises": 2, "defected": 1, "top clients": 2, "share": 0.5, "confidence": 0.95,
                        "ci low": 0.01, "ci high": 0.99})
    names = view.persons.set_index("person_id")["name"]
    said = findings.panel_findings(view, {"first": "first", "second": "second"}, pooled, _test(0.2, 0.3),
                                   pd.DataFrame({"verdict": ["holds"]}), names, min_rank=4)
    assert "chances as independent, their count would be" in said[1] and "recur" not in said[1]
    assert said[2].startswith("No man is a top client at more than one crisis")
    tops["second"] = pd.DataFrame({"person_id": ["a"]})
    again = findings.panel_findings(view, {"first": "first", "second": "second"}, pooled, _test(0.2, 0.3),
                                    pd.DataFrame({"verdict": ["holds"]}), names, min_rank=4)
    assert "(which the men who recur, below, make doubtful)" in again[1]


def test_shares_as_printed_sum_to_one():
    """Regression: the README's robustness table and 04's sentences rounded each share alone, so 6 of 11 rows summed
    to 0.99 (H2: 225, 12, 6 and 27 of 270) and a split of 181 and 19 draws read '0.91; 0.10'. Rounded by largest
    remainders they sum to one; shares already at two decimals stay as they are."""
    from patronage.robustness.wording import rounded_shares

    h2 = rounded_shares(pd.Series([225, 12, 6, 27]) / 270)
    assert h2.tolist() == [0.83, 0.05, 0.02, 0.10] and round(h2.sum(), 9) == 1
    assert (pd.Series([225, 12, 6, 27]) / 270).round(2).sum() < 0.995  # what plain rounding gave
    assert rounded_shares(pd.Series([181, 19]) / 200).tolist() == [0.91, 0.09]
    assert rounded_shares(pd.Series([0.25, 0.5, 0.25])).tolist() == [0.25, 0.5, 0.25]
    # equal shares stay equal: no one of three thirds (H3 over the grid: 90, 90 and 90 of 270) is set above the others,
    # nor is a smaller remainder given the unit instead
    assert rounded_shares(pd.Series([90, 90, 90]) / 270).tolist() == [0.33, 0.33, 0.33]
    assert rounded_shares(pd.Series([90, 60, 60, 60]) / 270).tolist() == [0.34, 0.22, 0.22, 0.22]
    assert rounded_shares(pd.Series([1, 1, 1, 1, 1, 1, 1]) / 7).tolist() == [0.14] * 7
    said = findings.draw_findings(pd.DataFrame({"draw": range(200), "hypothesis": "H3", "verdict": ["fails"] * 181 + ["mixed"] * 19}),
                                  pd.Series({"H3": "fails"}))[0]
    assert "fails in 0.91 of the draws; mixed in 0.09" in said
