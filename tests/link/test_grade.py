"""Corroboration: contradictions shown, and the Admiralty grade with the rule that gave it."""

from __future__ import annotations

from seethe.link import link_incidents


def event_of(profile, *incidents):
    events = link_incidents(incidents, profile, fit=False)
    assert len(events) == 1, [e.incident_ids for e in events]
    return events[0]


def test_two_independent_origins_that_agree_are_confirmed(profile, incident):
    e = event_of(profile, incident(1, 10, outlet="Daily NK"),
                 incident(2, 11, outlet="RFA", published="2016-01-07",
                          evidence="Leaflets criticizing Kim Jong Un were found near Hyesan station, a resident said."))
    assert e.origins == 2 and not e.contradictions
    assert e.grade.code == "B1"
    assert e.grade.rule.startswith("confirmed: two or more independent origins")
    assert "2 independent origins" in e.grade.reasons


def test_one_origin_and_its_relays_are_possibly_true(profile, incident):
    e = event_of(profile, incident(1, 10, outlet="Daily NK"),
                 incident(2, 11, outlet="One Free Korea", published="2016-01-06", credits=("Daily NK",)))
    assert e.origins == 1
    assert e.grade.credibility == 3 and e.grade.rule.startswith("possibly true")


def test_origins_that_disagree_on_the_outcome_are_doubtful_and_the_contradiction_is_shown(profile, incident):
    purge = dict(category="elite.purge", place=None, start="2013-08-17", end="2013-08-20", precision="week")
    e = event_of(profile,
                 incident(1, 10, outlet="Chosun Ilbo", published="2013-08-29", **purge,
                          evidence="Hyon Song Wol and eleven musicians of the Unhasu orchestra were executed by "
                                   "firing squad, a source said."),
                 incident(2, 11, outlet="Yonhap", published="2013-08-30", **purge,
                          evidence="Hyon Song Wol of the Unhasu orchestra was seen alive, an official said."))
    assert [c.field for c in e.contradictions] == ["outcome"]
    assert "executed (report 10, Chosun Ilbo) vs alive (report 11, Yonhap)" in e.contradictions[0].text
    assert e.grade.credibility == 4 and e.grade.rule.startswith("doubtful")


def test_different_counts_from_two_origins_make_it_probably_true(profile, incident):
    market = dict(category="control.market", place="Hyesan market")
    e = event_of(profile,
                 incident(1, 10, outlet="Daily NK", evidence="Agents detained 13 merchants at Hyesan market, a source "
                                                             "said.", **market),
                 incident(2, 11, outlet="RFA", published="2016-01-06",
                          evidence="Agents detained 20 merchants at Hyesan market, a resident said.", **market))
    assert [c.field for c in e.contradictions] == ["numbers"]
    assert e.grade.credibility == 2


def test_relays_of_an_unnamed_source_cannot_be_judged(profile, incident):
    e = event_of(profile, incident(1, 10, outlet="Blog 1", credits=(),
                                   evidence="According to reports, leaflets were found near Hyesan station."),
                 incident(2, 11, outlet="Blog 2", credits=(), published="2016-01-06",
                          evidence="Reportedly leaflets criticizing Kim Jong Un were found near Hyesan station."))
    assert e.grade.code == "F6" and e.grade.rule.startswith("cannot be judged")
