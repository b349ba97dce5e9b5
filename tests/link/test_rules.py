"""Each comparison rule on constructed pairs: the level it gives, the reason it prints, and what links."""

from __future__ import annotations

import numpy as np
import pytest

from seethe.link import (
    LEVELS, candidate_pairs, compare, incident_table, link_incidents, links, params_for, score_pairs,
)


@pytest.fixture(scope="module")
def p(profile):
    return params_for(profile)


def levels(p, a, b):
    """The level of every field for the pair (a, b), and its reasons by field."""
    t = incident_table([a, b], p)
    c = compare(t, np.array([0]), np.array([1]), p)
    found = {f: LEVELS[f][int(c.levels[f][0])] for f in LEVELS}
    reasons = {r.field: r for r in next(links(t, c, p, floor=-1e9)).reasons}
    return found, reasons


def events_of(profile, *incidents):
    """Incident ids grouped as linked into events (the profile's model, no fitting)."""
    return sorted(tuple(sorted(e.incident_ids)) for e in link_incidents(incidents, profile, fit=False))


def test_two_tellings_of_one_leaflet_link_with_their_reasons(profile, p, incident):
    a = incident(1, 10)
    b = incident(2, 11, outlet="RFA", published="2016-01-07",
                 evidence="Anti-regime leaflets criticizing Kim Jong Un appeared near Hyesan station, residents said.")
    found, reasons = levels(p, a, b)
    assert found["category"] == "same" and found["place"] == "same_place" and found["time"] == "same_days"
    assert reasons["place"].text == "the same place: Hyesan"
    assert reasons["time"].weight > 0 and reasons["place"].weight > 0
    assert events_of(profile, a, b) == [(1, 2)]


def test_compatible_codes_meet_and_say_why(p, incident):
    a = incident(1, 10, category="dissent.protest", evidence="Merchants protested at the market in Hyesan.")
    b = incident(2, 11, category="dissent.violence", outlet="RFA", evidence="Merchants beat a security officer.")
    found, reasons = levels(p, a, b)
    assert found["category"] == "compatible"
    assert "dissent.protest and dissent.violence can be one happening" in reasons["category"].text
    assert reasons["category"].weight < levels(p, a, a)[1]["category"].weight


def test_codes_that_are_not_compatible_are_never_compared(p, incident):
    a = incident(1, 10)
    b = incident(2, 11, category="control.market", outlet="RFA")
    i, _ = candidate_pairs(incident_table([a, b], p), p)
    assert len(i) == 0


def test_a_place_within_the_coarser_unit(p, incident):
    found, reasons = levels(p, incident(1, 10, place="Posong"), incident(2, 11, place="Samsu County", outlet="RFA"))
    assert found["place"] == "within"
    assert "lie in one county" in reasons["place"].text
    found, _ = levels(p, incident(1, 10, place="Hyesan market"), incident(2, 11, outlet="RFA"))
    assert found["place"] == "within"


def test_points_apart_by_more_than_the_precision_allows_are_far(profile, p, incident):
    a = incident(1, 10, place="Hyesan")
    b = incident(2, 11, place="Kimjongsuk", outlet="RFA")
    found, reasons = levels(p, a, b)
    assert found["place"] == "far"
    assert "km apart in one province" in reasons["place"].text and reasons["place"].weight < 0


def test_a_province_only_telling_is_compatible_but_weaker(p, incident):
    found, reasons = levels(p, incident(1, 10), incident(2, 11, place="Ryanggang", outlet="RFA"))
    assert found["place"] == "same_province"
    assert "the same province (KP-10)" in reasons["place"].text


def test_different_provinces_never_link_even_with_the_same_words(profile, p, incident):
    a = incident(1, 10, place="Hyesan")
    b = incident(2, 11, place="Chongjin", outlet="RFA")
    found, _ = levels(p, a, b)
    assert found["place"] == "conflict"
    assert events_of(profile, a, b) == [(1,), (2,)]


def test_no_place_below_the_country_meets_every_province(p, incident):
    a = incident(1, 10, place=None)
    b = incident(2, 11, place="Chongjin", outlet="RFA")
    i, j = candidate_pairs(incident_table([a, b], p), p)
    assert list(zip(i, j)) == [(0, 1)]
    assert levels(p, a, b)[0]["place"] == "not_named"


@pytest.mark.parametrize("b_time, level", [
    (dict(start="2016-01-01", end="2016-01-31", precision="month"), "overlap"),
    (dict(start="2016-01-05"), "near"),  # four days apart: within day precision's tolerance of 3 each
    (dict(start="2016-03-01"), "apart"),
    (dict(start="2015-11-10", end="2016-01-05", precision="unknown"), "vague"),
])
def test_time_levels_after_each_precision(p, incident, b_time, level):
    found, reasons = levels(p, incident(1, 10), incident(2, 11, outlet="RFA", **b_time))
    assert found["time"] == level
    if level == "apart":
        assert "beyond their precisions' tolerance" in reasons["time"].text


def test_a_month_apart_is_two_happenings(profile, incident):
    a = incident(1, 10)
    b = incident(2, 11, outlet="RFA", start="2016-02-05", published="2016-02-08")
    assert events_of(profile, a, b) == [(1,), (2,)]


def test_numbers_named_in_both(p, incident):
    a = incident(1, 10, evidence="Security agents arrested 13 merchants at Hyesan market.", category="control.market")
    b = incident(2, 11, outlet="RFA", category="control.market",
                 evidence="Thirteen merchants were detained in a market crackdown in Hyesan.")
    c = incident(3, 12, outlet="RFA", category="control.market",
                 evidence="Agents detained 40 vendors in Hyesan.")
    found, reasons = levels(p, a, b)
    assert found["numbers"] == "same" and reasons["numbers"].text == "both name 13"
    assert levels(p, a, c)[0]["numbers"] == "different"


def test_actors_shared_or_different(p, incident):
    a = incident(1, 10, actors=("students",))
    assert levels(p, a, incident(2, 11, actors=("students", "residents")))[0]["actors"] == "shared"
    assert levels(p, a, incident(2, 11, actors=("soldiers",)))[0]["actors"] == "different"
    assert levels(p, a, incident(2, 11, actors=()))[0]["actors"] == "unknown"


def test_evidence_similarity_weighs_rare_words(p, incident):
    same_words = "A portrait of Kim Il Sung was defaced with red paint at Posong station."
    found, reasons = levels(p, incident(1, 10, evidence=same_words), incident(2, 11, evidence=same_words))
    assert found["text"] == "very_similar" and "word overlap 1.00" in reasons["text"].text
    other = "Officials announced a new mobilization campaign for the harvest."
    assert levels(p, incident(1, 10, evidence=same_words), incident(2, 11, evidence=other))[0]["text"] == "dissimilar"


def test_a_duplicate_within_one_report_links(profile, p, incident):
    a = incident(1, 10, evidence="Leaflets were found near Hyesan station on New Year's Day.")
    b = incident(2, 10, evidence="The leaflets near the station criticized Kim Jong Un.")
    found, reasons = levels(p, a, b)
    assert found["source"] == "same_report" and reasons["source"].text == "two incidents of one report"
    assert events_of(profile, a, b) == [(1, 2)]


def test_a_chain_through_a_vague_telling_does_not_join_two_happenings(profile, incident):
    # A leaflet in Hyesan and one in Kimjongsuk the same day; a third report says only "in Ryanggang".
    a = incident(1, 10, place="Hyesan", evidence="Leaflets were found on the station wall in Hyesan.")
    b = incident(2, 11, place="Kimjongsuk", outlet="RFA",
                 evidence="A farmer in Kimjongsuk County picked up leaflets in his field.")
    c = incident(3, 12, place="Ryanggang", outlet="Asia Press",
                 evidence="Leaflets turned up in Ryanggang Province on New Year's Day.")
    groups = events_of(profile, a, b, c)
    assert (1, 2) not in groups and (1, 2, 3) not in groups


def test_every_kept_link_carries_its_weight_and_one_reason_per_field(profile, p, incident):
    t = incident_table([incident(1, 10), incident(2, 11, outlet="RFA")], p)
    found = list(links(t, score_pairs(t, p), p))
    assert len(found) == 1 and found[0].linked
    assert [r.field for r in found[0].reasons] == list(LEVELS)
    assert found[0].weight == pytest.approx(sum(r.weight for r in found[0].reasons) + p.prior_weight(
        np.array([1]))[0])
