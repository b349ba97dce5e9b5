import pytest

from seethe.geo import find_places, gazetteer_for, resolver_for
from seethe.text import normalize


@pytest.fixture
def places(profile, make_report):
    def run(text):
        return [(m.text, m.place, m.score) for m in find_places(normalize(make_report(text), profile.lexicon.abbreviations), resolver_for(profile))]

    return run


def test_a_chain_resolves_to_its_most_specific_place(places):
    found = places("It was found at a train station in the town of Posong in Samsu county, Yanggang province.")
    assert len(found) == 1
    text, place, _ = found[0]
    assert place.name == "Posong" and place.admin1_iso == "KP-10"
    assert text.startswith("Posong") and text.endswith("Yanggang province")


@pytest.mark.parametrize("spelling, iso", [
    ("Hamkyung", None), ("North Hamkyung Province", "KP-09"), ("Hamgyŏng-bukto", "KP-09"),
    ("Ryanggang", "KP-10"), ("Yanggang Province", "KP-10"), ("Shinuiju", "KP-03"), ("Sinuiju", "KP-03"),
    ("Hoeryong", "KP-09"), ("Hoeryŏng", "KP-09"), ("Chagang", "KP-04"), ("Jagang Province", "KP-04"),
    ("Hamheung", "KP-08"), ("Pyeongyang", "KP-01"), ("Rajin-Sonbong", "KP-13"), ("Namp'o", "KP-14"),
])
def test_spellings_resolve_to_the_same_entry(profile, spelling, iso):
    found = gazetteer_for(profile).lookup(spelling)
    if iso is None:  # a bare "Hamkyung" could be either province: no guess
        assert found == []
    else:
        assert found and found[0].admin1_iso == iso


def test_province_named_nearby_picks_between_same_named_places(places):
    # There is more than one Sinpo; South Hamgyong's is the port.
    found = places("Sinpo, South Hamgyong Province, saw arrests.")
    assert found[0][1].admin1_iso == "KP-08"


def test_the_capital_as_the_regime_is_not_a_place(places):
    found = places("Pyongyang has warned Seoul against the drills.")
    scores = [score for text, _, score in found if text == "Pyongyang"]
    assert scores and all(score < 0.5 for score in scores)
    assert [s for t, _, s in places("Police in Pyongyang arrested him.") if t == "Pyongyang"] == [1.0]


@pytest.mark.parametrize("sentence", [
    "Unrest followed a currency revaluation by Pyongyang last November.",
    "China pressed a complaint on counterparts in Pyongyang after the killings.",
    "The UN tightened sanctions on Pyongyang after the test.",
    "Talks between Seoul and Pyongyang broke down in May.",
    "A man looks at photos posted outside Pyongyang's embassy in Beijing.",
])
def test_the_capital_named_as_the_government_is_not_a_scene(places, sentence):
    scores = [score for text, _, score in places(sentence) if text == "Pyongyang"]
    assert scores and all(score < 0.5 for score in scores)


def test_anti_prefix_names_no_place(places):
    found = places("They sent anti-Pyongyang leaflets.")
    assert found and all(score < 0.5 for _, _, score in found)


def test_institution_named_after_a_person_is_not_the_city(places):
    found = places("Leaflets were found at Kim Chaek University of Technology in Pyongyang.")
    assert [p.admin1_iso for _, p, _ in found] == ["KP-01"]


def test_hangul_place_names_resolve(places):
    found = places("량강도 혜산시에서 단속이 있었다.")
    assert {p.admin1_iso for _, p, _ in found} == {"KP-10"}


def test_foreign_origin_is_not_a_location(places):
    found = places("Phones smuggled from China were seized.")
    scores = [score for text, _, score in found if text == "China"]
    assert scores and all(score < 0.5 for score in scores)


def test_hangul_chain_resolves_to_the_neighbourhood(places):
    found = places("회령시 남문동에서 단속이 있었다.")
    assert [p.id for _, p, _ in found] == ["kp-nammun-dong"]


def test_a_container_named_first_is_still_a_container(places):
    found = places("Floods hit South Korea's Gangwon Province this week.")
    assert [(p.country, p.admin1_iso) for _, p, _ in found] == [("KR", "KR-42")]


def test_possessive_market_names_resolve_to_the_market(places):
    found = places("Vendors at Kyongsong's market were fined.")
    assert found[0][1].type == "site" and found[0][1].admin1_iso == "KP-09"


def test_a_camp_one_is_sent_to_is_where_the_sentence_is_served(places):
    found = places("He was sent to the Jongori prison camp.")
    assert found and found[0][2] >= 0.5


def test_numbered_camps_stay_apart(profile):
    assert gazetteer_for(profile).lookup("Camp 16")[0].id == "kp-camp-16"
    assert gazetteer_for(profile).lookup("Camp 14")[0].id == "kp-camp-14"


@pytest.mark.parametrize("sentence, name", [
    ("Japan's Sankei Shimbun reported on the 25th that workers abroad are striking.", "Japan"),
    ("South Korea's spy agency said the workers had rioted.", "South Korea"),
    ("China's foreign ministry declined to comment on the arrests.", "China"),
])
def test_a_country_owning_an_outlet_or_agency_is_not_the_scene(places, sentence, name):
    scores = [score for text, _, score in places(sentence) if text == name]
    assert scores and all(score < 0.5 for score in scores)
    # The same country as the scene of an act stays one.
    assert [s for t, _, s in places(f"Workers in {name} went on strike.") if t == name] == [1.0]


def test_every_country_has_an_entry_for_incidents_abroad(places):
    found = places("Dozens of North Korean workers at a construction site in the Republic of the Congo rioted.")
    assert [(p.country, p.type) for _, p, s in found if s >= 0.5] == [("CG", "country")]


def test_an_abbreviated_word_of_a_name_is_part_of_it(places):
    found = places("Workers escaped from a worksite near St. Petersburg and asked for asylum.")
    assert [(t, p.country) for t, p, s in found if s >= 0.5] == [("St. Petersburg", "RU")]


def test_the_capitals_measures_are_the_regimes_but_its_airport_is_a_place(places):
    measures = places("Shoot on sight orders are the latest of Pyongyang's draconian measures.")
    assert [s for t, _, s in measures if t.startswith("Pyongyang")] and all(
        s < 0.5 for t, _, s in measures if t.startswith("Pyongyang"))
    airport = places("They were executed in March at Pyongyang's Mirim Airport.")
    assert any(s >= 0.5 for _, _, s in airport)


def test_a_dateline_is_where_the_report_was_filed_not_the_scene(places):
    found = places("Yanji, China - A North Korean inside source relayed on the 16th that robbers were shot.")
    assert found and all(s < 0.5 for _, _, s in found)
    assert [s for t, _, s in places("Hyesan, Ryanggang Province, saw arrests.")] == [1.0]


def test_a_county_is_found_by_its_older_and_newer_names(profile):
    from seethe.geo import gazetteer_for
    gaz = gazetteer_for(profile)
    assert gaz.lookup("Saebyol County")[0].id == gaz.lookup("Kyongwon County")[0].id == "gn-2041593"


@pytest.mark.parametrize("sentence, names", [
    ("The executed include the ambassadors to Cuba and Malaysia.", ("Cuba", "Malaysia")),
    ("The workers were later sent to Russia, China or Kuwait.", ("Russia", "China", "Kuwait")),
])
def test_the_word_before_a_list_places_every_item(places, sentence, names):
    # "ambassadors to Cuba and Malaysia": Malaysia is a post like Cuba, not where the sentence's act happened.
    found = {text: score for text, _, score in places(sentence)}
    assert set(names) <= set(found)
    assert all(found[n] < 0.5 for n in names)


def test_a_place_given_as_a_yardstick_is_not_the_scene(places):
    found = places("Five students (equivalent to high school seniors in South Korea) were caught in Pyongsong.")
    scores = {text: score for text, _, score in found}
    assert scores["South Korea"] < 0.5 and scores["Pyongsong"] >= 0.5


def test_a_country_passed_through_is_not_the_scene(places):
    found = places("Most escapees travel to the South through China or other third countries.")
    assert [score for text, _, score in found if text == "China"] == [0.3]


@pytest.mark.parametrize("sentence", [
    "Peter Jung, head of a Seoul-based rights group, told RFA the number was rising.",
    "Missionary Kim Jung-wook was sentenced to life.",
])
def test_a_surname_that_spells_like_a_district_is_a_person(places, sentence):
    # "Jung" spells like Chung District (Pyongyang); standing alone it is a surname.
    assert all(place.id != "gn-1877859" for _, place, _ in places(sentence))
