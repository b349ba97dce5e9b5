"""What a viewer may see: source descriptions found by the language's patterns and withheld,
offsets kept consistent, places coarsened to the county that holds them."""

from __future__ import annotations

import pytest

from seethe.services.protection import WITHHELD, Redaction, SourceProtector


@pytest.fixture(scope="module")
def protector(profile):
    return SourceProtector(profile)


@pytest.mark.parametrize("sentence, withheld", [
    ("Prices rose, a source in Ryanggang Province told Daily NK on Monday.", "in Ryanggang Province"),
    ("\"They were beaten,\" a resident of Chongjin told RFA.", "of Chongjin"),
    ("Another source in the city said that patrols increased.", "in the city"),
    ("Sources inside the country told RFA's Korean Service that it happened.", "inside the country"),
    ("A Daily NK source in the province reported the arrests.", "in the province"),
    ("The source, a 40-year-old merchant who travels to China, said prices rose.",
     "a 40-year-old merchant who travels to China"),
    ("The source, who lives in Hyesan, told Daily NK that police came.", "who lives in Hyesan"),
    ("Two men were shot, according to a resident who witnessed the event.", "who witnessed the event"),
    ("a source who asked not to be named for security reasons told RFA", "who asked not to be named for security reasons"),
    ("The posters were torn down, an ASIAPRESS reporting partner in Ryanggang Province reported.",
     "in Ryanggang Province"),
    ("They were sentenced, according to ASIAPRESS reporting partners in Ryanggang Province.", "in Ryanggang Province"),
])
def test_source_descriptions_are_withheld(protector, sentence, withheld):
    redacted = protector.redact(sentence)
    assert withheld not in redacted and WITHHELD in redacted
    assert redacted.replace(WITHHELD, withheld) == sentence


@pytest.mark.parametrize("sentence", [
    "Residents of Wonsan, Kangwon Province, have been required to attend lectures every evening.",
    "A group of North Korean defectors in South Korea said Friday it had launched balloons.",
    "Residents who were away on the night of the incident were taken in for questioning.",
    "\"Everybody is being watched,\" the source said.",
    "Sources told NK News that one official was sent to a camp.",
    "Young people sent to build apartments in Samjiyon in Ryanggang Province are working 14-hour days.",
])
def test_sentences_that_describe_no_source_are_left_alone(protector, sentence):
    assert protector.redact(sentence) == sentence


@pytest.mark.parametrize("summary", [
    "Leaflets: Anti-regime leaflets were found near Hyesan station, a source in Ryanggang Pr…",
    "Leaflets: …ggang Province told Daily NK.",
    "Leaflets: …leaflets were found near Hyesan station, a source in Ryanggang Province told Daily NK.",
])
def test_a_summary_cut_from_the_evidence_loses_the_same_details(protector, summary):
    evidence = "Anti-regime leaflets were found near Hyesan station, a source in Ryanggang Province told Daily NK."
    shown = protector.incident({"summary": summary, "evidence": {"text": evidence, "start": 0, "end": 99},
                                "location": {"lat": None, "precision": "unknown"}, "report_url": None})
    assert "ggang" not in shown["summary"] and WITHHELD in shown["summary"]
    assert "ggang" not in shown["evidence"]["text"] and shown["evidence"]["start"] is None


def test_offsets_move_with_the_withheld_text():
    text = "aaa SECRET bbb HIDDEN ccc"
    red = Redaction(text, ((4, 10), (15, 21)))
    assert red.redacted == f"aaa {WITHHELD} bbb {WITHHELD} ccc"
    for word in ("aaa", "bbb", "ccc"):
        start = text.index(word)
        assert red.redacted[red.map(start):red.map(start) + 3] == word
    assert red.map(6) == 4  # inside a withheld span: its start


def test_places_finer_than_a_county_are_shown_at_their_county(protector):
    market = {"mention": "the market in Hyesan", "name": "Hyesan Market", "place_id": "kp-hyesan-market",
              "type": "site", "admin2": "Hyesan", "admin1_iso": "KP-10", "subdivision": None, "country": "KP",
              "lat": 41.398, "lon": 128.178, "precision": "site"}
    coarse = protector.coarse_location(market)
    assert (coarse["name"], coarse["precision"], coarse["mention"]) == ("Hyesan", "city", None)
    assert (coarse["lat"], coarse["lon"]) == (41.4017, 128.1778)
    town = {**market, "name": "Posong", "place_id": "kp-posong", "type": "town", "admin2": "Samsu County",
            "precision": "county", "lat": 41.35, "lon": 128.12}
    assert protector.coarse_location(town)["place_id"] == "kp-samsu-county"
    city = {**market, "name": "Hyesan", "place_id": "gn-2043834", "type": "city", "precision": "city"}
    assert protector.coarse_location(city) == {**city, "mention": None}
    unplaced_site = {**market, "admin2": "Nowhere County"}
    assert protector.coarse_location(unplaced_site)["precision"] == "province"


def test_an_events_texts_lose_source_details_and_name_places_no_finer_than_a_county(protector, profile):
    from seethe.geo import gazetteer_for
    from seethe.models import Location

    gaz = gazetteer_for(profile)
    market = Location.of(gaz.places["kp-hyesan-market"], "Hyesan market", "KP").to_dict()
    evidence = "Leaflets were found at Hyesan market, a resident of Hyesan told RFA."
    members = [{"evidence": {"text": evidence}, "location": market}]
    record = {
        "summary": "Leaflets or graffiti: Leaflets were found at Hyesan market, a resident of Hy…",
        "location": {k: market[k] for k in ("name", "place_id", "admin1_iso", "country", "lat", "lon", "precision")},
        "roles": [{"why": "credits no other outlet"}],
        "grade": {"reasons": ["origin: report 1 (RFA; the outlet's own informant inside the country)"]},
        "contradictions": [{"field": "place", "text": "Hyesan Market (report 1, RFA) vs Posong (report 2, Daily NK)",
                            "reports": [1, 2]}],
    }
    shown = protector.event(record, members)
    assert "of Hy" not in shown["summary"] and WITHHELD in shown["summary"]
    assert shown["location"]["name"] == "Hyesan" and shown["location"]["precision"] == "city"
    assert shown["contradictions"][0]["text"].startswith("Hyesan (report 1, RFA) vs")
    # An event whose place no member holds (a review moved it) is still coarsened, from the gazetteer.
    alone = protector.event(record, [])
    assert alone["location"]["precision"] != "site" and alone["location"]["lat"] != market["lat"]
