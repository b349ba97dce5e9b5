"""Assembly rules, on short reports written for these tests."""

import pytest


def test_a_sentence_naming_four_cities_yields_four_incidents(extract_all):
    text = "In late March, authorities found anti-regime leaflets in Pyongsong, Hamhung, Chongjin, and even Pyongyang."
    incidents = extract_all(text, published="2016-05-02")
    leaflets = [i for i in incidents if i.category == "dissent.leaflet_graffiti"]
    assert sorted(i.location.admin1_iso for i in leaflets) == ["KP-01", "KP-02", "KP-08", "KP-09"]
    assert {i.time.start.isoformat() for i in leaflets} == {"2016-03-21"}


def test_place_and_time_carry_over_within_a_paragraph(extract_all):
    text = ("Security agents raided homes in Hoeryong on May 3. "
            "They arrested four women accused of smuggling phones.")
    incidents = {i.category: i for i in extract_all(text, published="2019-05-20")}
    arrest = incidents["control.investigation"]
    assert arrest.location.name == "Hoeryong"
    assert arrest.time.start.isoformat() == "2019-05-03"


def test_the_same_incident_mentioned_twice_is_one_incident(extract_all):
    text = ("Graffiti criticizing Kim Jong Un was found in Hyesan on June 2.\n"
            "\"The graffiti was written in red paint,\" a source told Daily NK.")
    leaflets = [i for i in extract_all(text, published="2018-06-10") if i.category == "dissent.leaflet_graffiti"]
    assert len(leaflets) == 1
    assert leaflets[0].reported_by == ("Daily NK",)
    assert leaflets[0].time.precision == "day"


def test_a_fragment_lends_its_time_to_the_sentence_before(extract_all):
    text = "In Chongjin, someone stole the flag from the city hall flagpole. On the night of Kim Il Sung's birthday."
    flag = [i for i in extract_all(text, published="2016-05-02") if i.category == "dissent.symbol_desecration"][0]
    assert (flag.time.start.isoformat(), flag.time.end.isoformat()) == ("2016-04-15", "2016-04-16")


def test_incidents_abroad_carry_the_country_code(extract_all):
    text = "About a hundred North Korean workers in Kuwait staged a mutiny over unpaid wages, RFA reported."
    mutiny = [i for i in extract_all(text, published="2016-04-20") if i.category == "dissent.labor_resistance"][0]
    loc = mutiny.location.to_dict()
    assert (loc["country"], loc["admin1_iso"]) == ("KW", "KW")


def test_a_foreign_country_stands_for_the_one_town_the_report_names_in_it(extract_all):
    text = ("North Korean workers in China occupied a seafood plant last month to protest over unpaid wages, a "
            "source told RFA.\n\nThe plant is in Helong, in northeast China's Jilin province, near the border.")
    protest = [i for i in extract_all(text, published="2024-02-20") if i.category.startswith("dissent.")][0]
    assert protest.location.name == "Helong" and protest.location.precision == "city"


def test_a_story_whose_body_names_no_place_happened_where_its_headline_says(extract_all):
    text = ("Strike at a mine in North Hamgyong Province\n\n"
            "The angry laborers refused to work for two days after a supervisor slapped one of them, a source said.")
    strike = [i for i in extract_all(text, published="2009-09-28") if i.category == "dissent.labor_resistance"][0]
    assert strike.location.admin1_iso == "KP-09"


def test_no_place_named_means_the_country_at_country_precision(extract_all):
    incidents = extract_all("Across the country, people defaced propaganda posters last October.", published="2016-05-02")
    loc = incidents[0].location.to_dict()
    assert (loc["country"], loc["admin1_iso"], loc["precision"]) == ("KP", None, "country")


def test_headline_does_not_double_the_incidents(extract_all):
    text = ("Leaflets found in Hyesan\n"
            "Leaflets criticizing Kim Jong Un were found near Hyesan station on Monday, a source told Daily NK.")
    assert len([i for i in extract_all(text, published="2021-03-10") if i.category == "dissent.leaflet_graffiti"]) == 1


def test_a_report_with_nothing_to_report_yields_nothing(extract_all):
    text = ("North Korea fired two ballistic missiles into the East Sea on Tuesday, the Joint Chiefs of Staff said.\n"
            "Analysts said the launch was meant to pressure Washington ahead of talks.")
    assert extract_all(text, published="2022-01-20") == []


def test_evidence_offsets_point_at_the_sentence(make_report, candidates_extractor):
    text = "Intro line without cues.\nPolice detained two smugglers in Hyesan on Friday."
    report = make_report(text, published="2020-02-10")
    incident = candidates_extractor.extract(report)[0]
    assert text[incident.evidence_start:incident.evidence_end] == incident.evidence_text
    assert "detained" in incident.evidence_text


def test_an_outlet_reporting_first_hand_is_credited_where_the_text_credits_no_one(candidates_extractor):
    extractor = candidates_extractor
    import datetime as dt

    from seethe.models import Report

    text = "Police arrested three smugglers in Musan on Sunday."
    first_hand = Report(text=text, source="t", published=dt.date(2021, 6, 1), outlet="Radio Free Asia")
    relay = Report(text=text, source="t", published=dt.date(2021, 6, 1), outlet="One Free Korea")
    assert extractor.extract(first_hand)[0].reported_by == ("RFA",)
    assert extractor.extract(relay)[0].reported_by == ()


def test_a_diplomats_defection_is_an_elites_dissent(extract_all):
    text = "In 2019, the North's acting ambassador to Rome deserted the regime and fled with his family, a source said."
    incidents = extract_all(text, published="2021-01-25")
    assert {(i.category, i.location.country) for i in incidents} == {("elite.dissent", "IT")}
    residents = extract_all("In 2019, three residents of Musan deserted their homes and fled to China, a source said.",
                            published="2021-01-25")
    assert "dissent.defection" in {i.category for i in residents}


def test_the_regime_in_the_capital_lends_no_place_to_the_next_sentence(extract_all):
    text = ("They could face torture back home at the hands of the hardline regime in Pyongyang.\n"
            "Nearly 40 North Koreans were detained as they crossed the border in February, a group said.")
    assert all(i.location.name != "Pyongyang" for i in extract_all(text, published="2012-03-19"))


def test_a_headline_ending_on_a_quote_is_not_a_happening(extract_all):
    text = ("North Korean workers riot in Africa: \u201cIncidents abroad are on the rise\u201d\n\n"
            "Dozens of North Korean workers at a construction site in the Republic of the Congo rioted in February, "
            "a newspaper reported.")
    riots = [i for i in extract_all(text, published="2024-03-26") if i.category.startswith("dissent.")]
    assert [i.location.country for i in riots] == ["CG"]


# A river or border and a town in one report: one escape when the times meet (a day both state, or months that
# overlap), two when they do not.  Expected: the places of the escapes, or how many there are.
@pytest.mark.parametrize("text, published, expected", [
    ("Seven residents escaped across the Tumen River to China on April 15, a source said.\n\n"
     "The escape from Musan County took place on April 15 during the holiday, the source added.", "2017-04-21",
     ["Musan"]),
    ("Six soldiers guarding the Yalu River border fled to China in early March, sources told RFA.\n\n"
     "The soldiers, from a unit in Hyesan, fled in March after their rations were cut, a source said.", "2021-03-24",
     ["Hyesan"]),
    ("Three residents escaped across the Tumen River in January, a source said.\n\n"
     "In May, two families escaped from Musan, the source added.", "2017-06-21", 2),
])
def test_a_river_and_a_town_are_one_escape_when_their_times_meet(extract_all, text, published, expected):
    escapes = [i for i in extract_all(text, published=published)
               if i.category in ("dissent.defection", "military.discipline")]
    if isinstance(expected, int):
        assert len(escapes) == expected
    else:
        assert [i.location.name for i in escapes] == expected


def test_a_soldiers_defection_is_one_incident(extract_all):
    text = "A North Korean soldier defected to the South across the demilitarized zone on Thursday, the JCS said."
    told = [i for i in extract_all(text, published="2016-09-29") if i.category in ("dissent.defection", "military.discipline")]
    assert len(told) == 1


def test_what_a_report_does_not_place_it_tells_of_the_one_province_it_names(extract_all):
    text = ("Smugglers in Musan and Hoeryong have stopped work, sources told Daily NK.\n\n"
            "The markets are quiet and prices have risen.\n\n"
            "Agents are searching homes every night, a resident said.")
    searches = [i for i in extract_all(text, published="2016-10-12") if i.category == "control.surveillance"]
    assert searches and all(i.location.admin1_iso == "KP-09" for i in searches)


def test_a_purge_is_not_placed_abroad(extract_all):
    text = ("North Korea executed its special envoy to the United States after the Hanoi summit in Vietnam, "
            "a South Korean newspaper reported.")
    purges = [i for i in extract_all(text, published="2019-05-30") if i.category == "elite.purge"]
    assert purges and all(i.location.country == "KP" for i in purges)


def test_an_embedded_post_with_a_link_is_page_furniture(extract_all):
    text = ("Merchants clashed with police in Pyongsong market on December 14, a source told Daily NK.\n\n"
            "NIS reports Pyongyang concerned over Seoul's anti-government protest https://t.co/abc123")
    protests = [i for i in extract_all(text, published="2017-01-05") if i.category == "dissent.protest"]
    assert [i.location.admin1_iso for i in protests] == ["KP-02"]


def test_a_report_with_one_weak_candidate_yields_nothing(make_report):
    from seethe.extract import Extractor
    text = ("North Korea fired a ballistic missile toward the East Sea on Tuesday morning, the Joint Chiefs of Staff "
            "said. Analysts said the launch was a show of force. Prices in Pyongyang markets were stable, a "
            "resident said, though travel restrictions were eased last year.")
    ex = Extractor("kp")
    assert ex.extract(make_report(text, published="2024-04-02")) == []
    lone = Extractor("kp", min_confidence=0.0).extract(make_report(text, published="2024-04-02"))
    assert lone, "the candidate is still there for a reviewer who asks for everything"


# The act and who does it decide the category: one sentence each, what it must and must not be read as.
@pytest.mark.parametrize("text, published, present, absent", [
    ("A smuggler was shot dead by the border patrol in Taehongdan on September 14, a source said.", "2020-09-24",
     "control.punishment", "control.surveillance"),  # a patrol named as the actor
    ("Police stepped up patrols in Hyesan on May 3, a source said.", "2020-05-10", "control.surveillance", None),
    ("Authorities in Yanggang Province executed five residents in September for aiding the escape of others.",
     "2015-12-29", "control.punishment", "elite.purge"),  # aiding is no aide
    ("In January, Kim Jong Un conducted an inspection of the construction site of Ryomyong Street in Pyongyang.",
     "2017-02-27", None, "control.surveillance"),  # the leader's inspections
    ("State security officials carried out the executions of five residents in Hyesan in September, a source said.",
     "2015-12-29", "control.punishment", "elite.purge"),  # officials as the agents
    ("Two senior officials were executed in Pyongyang in August, a source said.", "2016-08-30", "elite.purge", None),
    ("The market in Chongjin was closed in March, according to an aid group with a network of informants "
     "inside the country.", "2010-01-07", None, "control.surveillance"),
    ("On the 25th of last month a soldier shot two of his commanders in Musan, a source said.", "2013-04-03",
     "military.discipline", "elite.purge"),  # by_actor_side
    ("Russia blocked the renewal of a panel of UN experts monitoring sanctions on North Korea.", "2024-03-29",
     None, "control.surveillance"),
    ("According to Daily NK's regular market price monitoring, rice rose in Pyongyang markets on Feb. 16.",
     "2024-03-29", None, "control.surveillance"),
    ("North Korean soldiers shot dead a defector on the Yalu River near Hyesan on October 22, a witness said.",
     "2011-11-07", "control.punishment", "military.discipline"),
    ("On the 14th, NK Times investigated grain prices in Pyongyang, Sariwon and Chongjin markets.", "2023-11-15",
     None, "control.investigation"),  # an outlet's price survey
    ("The military said it is maintaining a fully prepared posture while strengthening surveillance "
     "and vigilance near Taechon.", "2022-09-25", None, "control.surveillance"),  # the JCS's readiness line
    # What a flood does is no one's act; what people do after it still is.
    ("Floods that swept Hoeryong in late August killed hundreds of people, including soldiers guarding the "
     "border, a resident said.", "2016-09-27", None, "disorder.crime"),
    ("Floods that swept Hoeryong in late August killed hundreds of people, including soldiers guarding the "
     "border, a resident said.", "2016-09-27", None, "control.punishment"),
    ("Police in Hoeryong arrested residents who looted relief goods after the floods in late August, a source "
     "said.", "2016-09-27", "control.investigation", None),
    # A count over a period is a statistic, not a defection.
    ("A total of 1,508 North Koreans defected to the South during 2012, compared with 2,706 in 2011, the "
     "ministry said.", "2013-01-02", None, "dissent.defection"),
    ("The number of North Koreans defecting to the South fell by 20.8 percent in the first half.", "2017-07-12",
     None, "dissent.defection"),
    ("Thirteen restaurant workers defected from Ningbo in early April, the ministry said.", "2016-04-08",
     "dissent.defection", None),
    # Only the one the sentence makes do the act moves its category: not a name ("the Workers' Party"),
    # not who tells it ("residents said"), not someone merely named nearby.
    ("On July 2, at a meeting of the Central Committee of the Workers' Party, several senior health officials "
     "were fired in Pyongyang.", "2020-07-18", "elite.purge", "dissent.violence"),
    ("Residents said three officials were executed in Sinuiju on March 3.", "2020-04-08", "elite.purge",
     "dissent.violence"),
    ("Residents in Sinuiju killed a security official on March 3, a source said.", "2020-04-08",
     "dissent.violence", None),
    # What a control act is against is not told as having happened.
    ("Kim Jong Un sent storm troopers to the border in Ryanggang in August to step up the fight to bring "
     "defections under control.", "2011-08-10", None, "dissent.defection"),
])
def test_the_act_and_its_actor_decide_the_category(extract_all, text, published, present, absent):
    categories = {i.category for i in extract_all(text, published=published)}
    if present:
        assert present in categories
    if absent:
        assert absent not in categories


def test_elsewhere_leaves_the_place_told_so_far(extract_all):
    found = extract_all("Agents cracked down on vendors in the Chongjin market on August 24, a source said. "
                        "Elsewhere, mine workers went on strike for unpaid wages in early September.",
                        published="2008-09-19")
    strike = [i for i in found if i.category == "dissent.labor_resistance"]
    assert strike and strike[0].location.name is None


def test_where_the_source_is_yields_to_the_place_the_sentence_tells(extract_all):
    found = extract_all("In mid-November, four students at a senior middle school in Kanggye, all of them in their "
                        "final year, were caught at a friend's house late at night watching South Korean dramas, a "
                        "source in Chagang Province told Daily NK.", published="2019-11-20")
    watching = [i for i in found if i.category == "dissent.information"]
    assert [i.location.name for i in watching] == ["Kanggye"]
