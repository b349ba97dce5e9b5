import pytest

from seethe.extract.cues import find_cues, inflections
from seethe.text import normalize


def categories(extractor, make_report, text):
    doc = normalize(make_report(text), extractor.profile.lexicon.abbreviations)
    return {m.category for ms in find_cues(doc, extractor.cues).values() for m in ms}


def test_inflections_cover_regular_and_irregular_forms():
    irregular = {"steal": ["stole", "stolen", "steals", "stealing"]}
    assert {"deface", "defaced", "defacing", "defaces"} <= inflections("deface", irregular)
    assert {"rob", "robbed", "robbing"} <= inflections("rob", irregular)
    assert {"stole", "stolen"} <= inflections("steal", irregular)


@pytest.mark.parametrize("text, category", [
    ("Someone stole the national flag from the school in Hyesan.", "dissent.symbol_desecration"),
    ("Residents found portraits of Kim Il Sung defaced with ink.", "dissent.symbol_desecration"),
    ("Graffiti reading 'down with Kim' appeared on a bridge.", "dissent.leaflet_graffiti"),
    ("Workers at the mine refused to work for a week.", "dissent.labor_resistance"),
    ("Vendors clashed with market inspectors on Monday.", "dissent.protest"),
    ("A mother and son crossed the Tumen River into China.", "dissent.defection"),
    ("Police caught teenagers watching South Korean dramas.", "dissent.information"),
    ("A farmer set fire to the office of the party committee.", "dissent.violence"),
    ("A gang robbed a warehouse.", "disorder.crime"),
    ("Parents paid bribes to keep their sons out of the army.", "disorder.corruption"),
    ("Inspection teams searched homes for foreign goods.", "control.surveillance"),
    ("Authorities banned travel to the border region.", "control.movement"),
    ("The security department arrested three brokers.", "control.investigation"),
    ("Two men were publicly executed at the stadium.", "control.punishment"),
    ("Everyone must attend study sessions on the leader's works.", "control.indoctrination"),
    ("Police cracked down on street vendors near the station.", "control.market"),
    ("Students were mobilized for the 80-day battle.", "burden.mobilization"),
    ("Each household must hand over 5 kilograms of scrap iron.", "burden.extraction"),
    ("The regime executed a vice premier for disloyalty.", "elite.purge"),
    ("Trade officials are increasingly disgruntled with the new rules.", "elite.dissent"),
    ("Hungry soldiers robbed villagers of their corn.", "military.discipline"),
])
def test_each_codebook_category_has_cues(extractor, make_report, text, category):
    assert category in categories(extractor, make_report, text)


@pytest.mark.parametrize("text, category", [
    ("No leaflets were found in the city this year.", "dissent.leaflet_graffiti"),
    ("If protests break out, the police will respond.", "dissent.protest"),
    ("The border was fortified to prevent defections.", "dissent.defection"),
    ("Officials fear that soldiers could desert.", "military.discipline"),
    # A modal's sanction reaches past the guard window.
    ("Four youths could face a year in brutal forced labour camps after their arrest.", "control.punishment"),
    ("They could be sentenced to a year in one of the regime's cruel labour camps.", "control.punishment"),
    # What a control act is against is not told as having happened.
    ("Storm troopers were sent to step up the fight to bring defections under control.", "dissent.defection"),
])
def test_negation_and_hypothetical_guards(extractor, make_report, text, category):
    assert category not in categories(extractor, make_report, text)


@pytest.mark.parametrize("text, category, not_category", [
    # Showing films is a propaganda drive, not the screening of suspects.
    ("The party committee organized screenings of war films and made viewers submit written impressions.",
     "control.indoctrination", "control.investigation"),
    # A resident giving money to a family is no levy by the state.
    ("Han handed over money to the family of a defector in early July.", None, "burden.extraction"),
    ("The foremen were beaten badly by a dozen laborers at the quarry.", "dissent.violence", None),
    ("Three smugglers were shot dead by border guards on the river.", "control.punishment", None),
    ("The market in Sunam district was closed by the authorities for a week.", "control.market", None),
    # Soldiers among the mobilized do not make labour a military deployment; forces mobilized to hunt do.
    ("From September, soldiers and people from various workplaces have been mobilized for restoration work.",
     "burden.mobilization", None),
    ("Security agents were mobilized to track down the writer of the leaflets.", "control.investigation",
     "burden.mobilization"),
    # An official who tells it does not make a sentence a purge.
    ("North Korea sentenced an American student to 15 years of hard labor, China's official Xinhua News Agency "
     "reported.", "control.punishment", "elite.purge"),
    ("Three smugglers were sentenced to ten years in a labor camp, officials in the country told RFA.",
     "control.punishment", "elite.purge"),
    ("The court sentenced two senior officials to death in Pyongyang last month.", "elite.purge", None),
    # Escaping a flood is no defection; investigating a flood is no investigation of people; confiscating
    # drugs is a seizure, not a levy.
    ("Residents who escaped with their lives from rising flood waters were punished in Chagang.", None,
     "dissent.defection"),
    ("An official who took part in the flood investigation said hundreds died in Sinuiju.", None,
     "control.investigation"),
    ("The bureau confiscated 2 kg of methamphetamine he had hidden in a kimchi jar in Sinuiju.",
     "control.investigation", "burden.extraction"),
    ("The farm confiscated the harvest of every household in Paegam in October.", "burden.extraction", None),
])
def test_acts_told_in_the_ways_real_reports_tell_them(extractor, make_report, text, category, not_category):
    found = categories(extractor, make_report, text)
    assert category is None or category in found
    assert not_category is None or not_category not in found


def test_leaflets_sent_by_balloon_are_not_domestic_dissent(extractor, make_report):
    text = "Activists launched balloons carrying leaflets from Gimpo.\nThe leaflets criticized the leadership."
    assert "dissent.leaflet_graffiti" not in categories(extractor, make_report, text)


def test_soldiers_robbing_is_military_not_plain_crime(extractor, make_report):
    cats = categories(extractor, make_report, "Soldiers from a nearby unit robbed a farm at night.")
    assert "military.discipline" in cats
    assert "disorder.crime" not in cats


def test_anaphora_points_back_not_to_a_new_incident(extractor, make_report):
    assert "burden.mobilization" not in categories(extractor, make_report, "These mobilizations exhaust the people.")


@pytest.mark.parametrize("sentence, category", [
    ("Authorities closed down marketplaces in Hyesan on May 15, a source said.", "control.market"),
    ("The party relieved them of their posts in Hamhung last week, a source said.", "elite.purge"),
    ("A resident cornered a police officer in Paegam county and beat him, a source said.", "dissent.violence"),
    ("Residents were criticized at inminban meetings in Hoeryong on February 10, a source said.", "control.indoctrination"),
    ("Police made unannounced visits to homes in Hoeryong last month, a source said.", "control.surveillance"),
    ("The acting ambassador went into hiding with his wife in Rome in November, the paper said.", "elite.dissent"),
    ("State security officers have stepped up their crackdowns on users of Chinese mobile phones in Hoeryong "
     "this month, a source said.", "control.surveillance"),
    ("A smuggler in Chongjin was condemned to death by firing squad last month, a source said.", "control.punishment"),
    ("In early March, the authorities began to dismantle stalls in the Chongjin market, a source said.", "control.market"),
    ("Two people in Hyesan were taken away for questioning last week, a partner said.", "control.investigation"),
    ("Two men ambushed an agent outside an apartment block in Sunchon on October 15, a source said.", "dissent.violence"),
    # "these" before the people of a cue points back at them, not at an incident already told.
    ("On August 24, a fight broke out between these security officers and peddlers in Chongjin.", "dissent.protest"),
    ("Police and merchants in Hamhung got into a major skirmish last month, a source said.", "dissent.protest"),
    ("Last month a man in Kyongsong stabbed his friend in the stomach with a knife.", "disorder.crime"),
    ("A search team combed the entire border area near Hyesan looking for them.", "control.investigation"),
    ("The students were handed over to the local Ministry of State Security unit in early December.",
     "control.investigation"),
    ("About 100 security department officials were also kicked out in May, the source added.", "elite.purge"),
    ("The authorities handed down six months in a labour-training camp to anyone who did not cry.",
     "control.punishment"),
    ("Students in Hyesan are being forced to collect sand on the edge of a stream.", "burden.mobilization"),
    ("A high school in Haeju ordered students who missed farm work to pay USD 130 instead.", "burden.extraction"),
    ("The residents complained to the authorities about the demolition in April.", "dissent.protest"),
    # "a concert by South Korean singer X" is no arrest by South Korean police.
    ("Security agencies detained more than 50 people in Chongjin for watching footage of a concert by South "
     "Korean singer Cho Yong-pil.", "control.investigation"),
    ("Two brothers in Sinuiju were caught watching South Korean TV shows in March.", "dissent.information"),
])
def test_how_real_reports_tell_these_acts(candidates_extractor, make_report, sentence, category):
    found = candidates_extractor.extract(make_report(sentence, published="2020-06-01"))
    assert category in {i.category for i in found}
