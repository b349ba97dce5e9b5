"""Origins and relays: each provenance rule on constructed reports, with the rule and the chain it prints."""

from __future__ import annotations

import pytest

from seethe.link import link_incidents, params_for, report_info

LEAFLETS = "Leaflets criticizing Kim Jong Un were found near Hyesan station on New Year's Day, a source said."


@pytest.fixture(scope="module")
def p(profile):
    return params_for(profile)


def roles_of(profile, incidents, infos=None):
    """Report id → its role in the one event the incidents make."""
    events = link_incidents(incidents, profile, reports=infos or {}, fit=False)
    assert len(events) == 1, [e.incident_ids for e in events]
    return {r.report_id: r for r in events[0].roles}, events[0]


def test_a_report_crediting_an_outlet_relays_that_outlets_report(profile, incident):
    roles, event = roles_of(profile, [
        incident(1, 10, outlet="Daily NK", published="2016-01-05"),
        incident(2, 11, outlet="One Free Korea", published="2016-01-07", credits=("Daily NK",),
                 evidence="Daily NK reports that leaflets criticizing Kim Jong Un were found near Hyesan station."),
    ])
    assert roles[10].role == "origin"
    assert (roles[11].role, roles[11].rule, roles[11].relay_of_report) == ("relay", "credit", 10)
    assert "credits Daily NK, whose report of 2016-01-05 is in the event" in roles[11].why
    assert event.origins == 1


def test_crediting_an_outlet_not_collected_relays_that_outlet(profile, incident):
    roles, event = roles_of(profile, [
        incident(1, 10, outlet="One Free Korea", credits=("RFA",), evidence="RFA reported that " + LEAFLETS),
    ])
    assert (roles[10].role, roles[10].relay_of_outlet) == ("relay", "RFA")
    assert event.origins == 1 and event.roles[0].origin_key == "outlet:RFA"


WIRE = ("SEOUL (Reuters) - Leaflets criticizing Kim Jong Un were found near Hyesan station on New Year's Day, "
        "a source in Ryanggang Province told Reuters.")


@pytest.mark.parametrize("text, wire", [
    (WIRE, "Reuters"),
    ("By AFP\n\nLeaflets were found near Hyesan station.", "AFP"),
    ("Leaflets were found near Hyesan station, residents said. -- AFP", "AFP"),
    ("Leaflets were found.\n\nCopyright 2016, RFA. Used with the permission of Radio Free Asia.", "RFA"),
    ("News | South China Morning Post | 6:02 AM\n\nLeaflets were found.", "South China Morning Post"),
])
def test_a_page_names_the_outlet_whose_own_report_it_carries(p, report, text, wire):
    assert report_info(10, report(text, outlet="Thanh Nien"), text, p).byline == wire


@pytest.mark.parametrize("text, outlet", [
    ("Leaflets were found near Hyesan station, a source told Reuters.", "Thanh Nien"),  # a credit, not a byline
    ("Teen sentenced after watching Squid Game — Radio Free Asia\n\nThe student was caught.", "Gigazine"),  # a headline
    ("SEOUL (Reuters) - Leaflets were found near Hyesan station.", "Reuters"),  # the page's own outlet
])
def test_credits_headlines_and_the_pages_own_byline_are_not_another_outlets_byline(p, report, text, outlet):
    assert report_info(10, report(text, outlet=outlet), text, p).byline is None


def test_the_first_page_carrying_a_wire_report_stands_for_it_and_later_copies_relay_it(profile, p, incident, report):
    first = report(WIRE, outlet="Thanh Nien", published="2016-01-05")
    copy = report("UPDATED " + WIRE, outlet="Lincoln Daily News", published="2016-01-06")
    infos = {10: report_info(10, first, first.text, p), 11: report_info(11, copy, copy.text, p)}
    roles, event = roles_of(profile, [
        incident(1, 10, outlet="Thanh Nien", credits=("Reuters",), evidence=WIRE),
        incident(2, 11, outlet="Lincoln Daily News", published="2016-01-06", credits=("Reuters",), evidence=WIRE),
    ], infos)
    assert (roles[10].role, roles[10].rule, roles[10].relay_of_outlet) == ("origin", "byline", "Reuters")
    assert roles[10].reliability == "B"  # graded as Reuters, not as the unknown carrier
    assert (roles[11].role, roles[11].relay_of_report) == ("relay", 10)
    assert event.origins == 1


def test_a_governments_statement_is_a_source_not_a_publication(profile, incident):
    roles, _ = roles_of(profile, [
        incident(1, 10, outlet="Yonhap", credits=("NIS",), category="elite.purge", place=None,
                 evidence="The defence minister was executed, the spy agency told lawmakers."),
    ])
    assert roles[10].role == "origin" and roles[10].source_kind == "government"


def test_an_outlet_known_to_republish_another_relays_it(profile, incident):
    roles, _ = roles_of(profile, [
        incident(1, 10, outlet="Unification Media Group", credits=()),
        incident(2, 11, outlet="Daily NK", published="2016-01-06", credits=(),
                 evidence="Leaflets were found near the station in Hyesan on New Year's Day."),
    ])
    assert (roles[11].role, roles[11].rule, roles[11].relay_of_report) == ("relay", "repost", 10)


def test_a_link_to_the_earlier_report_makes_a_relay(profile, p, incident, report):
    first = report(LEAFLETS, outlet="RFA", url="https://www.rfa.org/english/news/korea/leaflets-01052016.html")
    later = report('<p>Leaflets in Hyesan, <a href="https://rfa.org/english/news/korea/leaflets-01052016.html">'
                   'as reported</a>.</p>', outlet="Blog 7", published="2016-01-09", media_type="text/html")
    infos = {10: report_info(10, first, first.text, p),
             11: report_info(11, later, "Leaflets in Hyesan, as reported.", p)}
    roles, _ = roles_of(profile, [incident(1, 10, outlet="RFA", credits=()),
                                  incident(2, 11, outlet="Blog 7", credits=(), published="2016-01-09")], infos)
    assert (roles[11].rule, roles[11].relay_of_report) == ("link", 10)


def test_a_shared_passage_makes_a_relay_even_from_the_same_outlet(profile, p, incident, report):
    text = ("A source in Ryanggang Province told Daily NK on Monday that leaflets criticizing Kim Jong Un had been "
            "found pasted on the wall of the Hyesan railway station on the morning of New Year's Day this year.")
    a, b = report(text), report("Update: " + text, published="2016-01-08")
    infos = {10: report_info(10, a, a.text, p), 11: report_info(11, b, b.text, p)}
    roles, _ = roles_of(profile, [incident(1, 10), incident(2, 11, published="2016-01-08")], infos)
    assert (roles[11].role, roles[11].rule, roles[11].relay_of_report) == ("relay", "shared_passage", 10)


def test_the_same_outlets_later_report_with_a_new_source_is_a_new_origin(profile, p, incident, report):
    a = report("Leaflets were found near Hyesan station, a source in Ryanggang said.")
    b = report("Another source in the province said leaflets also appeared on New Year's night.",
               published="2016-01-25")
    infos = {10: report_info(10, a, a.text, p), 11: report_info(11, b, b.text, p)}
    roles, event = roles_of(profile, [
        incident(1, 10),
        incident(2, 11, published="2016-01-25",
                 evidence="Another source in the province said leaflets also appeared near Hyesan station."),
    ], infos)
    assert (roles[11].role, roles[11].rule) == ("origin", "new_source")
    assert event.origins == 2


def test_unnamed_media_make_a_relay(profile, incident):
    roles, _ = roles_of(profile, [
        incident(1, 10),
        incident(2, 11, outlet="RFA", published="2016-01-07", credits=(),
                 evidence="According to reports, leaflets were found near Hyesan station."),
    ])
    assert (roles[11].role, roles[11].rule) == ("relay", "hearsay")


def test_a_later_report_about_a_newer_happening_retells_this_one_as_background(profile, incident):
    first = incident(1, 10)
    retold = incident(2, 11, outlet="RFA", published="2016-03-10", credits=(),
                      evidence="Leaflets were found near Hyesan station in January.")
    newer = incident(3, 11, outlet="RFA", published="2016-03-10", credits=(), start="2016-03-05",
                     category="control.investigation", evidence="Agents took handwriting samples from residents.")
    roles, _ = roles_of(profile, [first, retold])
    assert (roles[11].role, roles[11].rule) == ("origin", "own_telling")  # alone, the later report is its own
    events = link_incidents([first, retold, newer], profile, fit=False)
    leaflet = next(e for e in events if 1 in e.incident_ids)
    role = next(r for r in leaflet.roles if r.report_id == 11)
    assert (role.role, role.rule, role.relay_of_report) == ("relay", "background", 10)


def test_a_relay_of_a_relay_rests_on_the_first_origin(profile, incident):
    roles, event = roles_of(profile, [
        incident(1, 10, outlet="Daily NK"),
        incident(2, 11, outlet="One Free Korea", published="2016-01-06", credits=("Daily NK",)),
        incident(3, 12, outlet="North Korean Economy Watch", published="2016-01-07", credits=("One Free Korea",)),
    ])
    assert roles[12].relay_of_report == 11 and roles[12].origin_key == "report:10"
    assert event.origins == 1


def test_a_relay_carries_the_reliability_of_what_it_relays(profile, incident):
    roles, _ = roles_of(profile, [
        incident(1, 10, outlet="Blog 3", credits=("RFA",), evidence="RFA reported that " + LEAFLETS),
    ])
    assert roles[10].reliability == "B"  # RFA's prior, not the blog's unknown one
