"""merge_duplicates: the same incident told twice is one incident."""

import datetime as dt

from seethe.extract.assemble import merge_duplicates
from seethe.geo import gazetteer_for
from seethe.models import Incident, Location, TimeSpan


def incident(profile, place_name=None, category="control.investigation", start="2021-05-03", end=None,
             mention="May 3", offset=0, outlet=()):
    place = gazetteer_for(profile).lookup(place_name)[0] if place_name else None
    span = TimeSpan(dt.date.fromisoformat(start), dt.date.fromisoformat(end or start),
                    "day" if mention else "unknown", mention)
    return Incident(category=category, summary="s", location=Location.of(place, place_name, "KP"), time=span,
                    evidence_text="e", evidence_start=offset, evidence_end=offset + 1, confidence=0.7,
                    reported_by=tuple(outlet))


def test_same_category_place_and_time_merge_and_keep_every_credit(profile):
    merged = merge_duplicates([incident(profile, "Hyesan", outlet=["RFA"]),
                               incident(profile, "Hyesan", offset=50, outlet=["Daily NK"])])
    assert len(merged) == 1
    assert merged[0].reported_by == ("RFA", "Daily NK") and merged[0].confidence > 0.7


def test_different_places_stay_apart(profile):
    assert len(merge_duplicates([incident(profile, "Hyesan"), incident(profile, "Chongjin", offset=50)])) == 2


def test_different_days_stay_apart_but_an_untold_time_joins(profile):
    assert len(merge_duplicates([incident(profile, "Hyesan"), incident(profile, "Hyesan", start="2021-03-01",
                                                                       mention="March 1", offset=50)])) == 2
    joined = merge_duplicates([incident(profile, "Hyesan"),
                               incident(profile, "Hyesan", start="2021-03-01", end="2021-05-10", mention=None)])
    assert len(joined) == 1 and joined[0].time.precision == "day"  # the told time wins


def test_nested_places_merge_to_the_more_specific(profile):
    merged = merge_duplicates([incident(profile, "Samsu County"), incident(profile, "Posong", offset=50)])
    assert len(merged) == 1 and merged[0].location.name == "Posong"


def test_a_placeless_mention_joins_a_nearby_placed_one(profile):
    near = merge_duplicates([incident(profile, "Hyesan"), incident(profile, None, offset=50)], {0: 0, 50: 1})
    assert len(near) == 1 and near[0].location.name == "Hyesan"


def test_a_far_placeless_mention_joins_only_the_one_place_of_its_kind(profile):
    # A lead that names no place, and the details paragraphs later: one happening.
    lead_and_details = merge_duplicates([incident(profile, None), incident(profile, "Hyesan", offset=50)],
                                        {0: 0, 50: 5})
    assert len(lead_and_details) == 1 and lead_and_details[0].location.name == "Hyesan"
    # A roundup of two towns: a far placeless mention could be either, or another.
    roundup = merge_duplicates([incident(profile, "Hyesan"), incident(profile, "Chongjin", offset=20),
                                incident(profile, None, offset=50)], {0: 0, 20: 1, 50: 5})
    assert len(roundup) == 3


def test_tellings_of_one_happening_merge_under_the_name_the_codebook_gives(profile):
    from seethe.extract.assemble import merge_duplicates as merge

    execution = incident(profile, "Pyongyang", category="control.punishment")
    purge = incident(profile, "Pyongyang", category="elite.purge", offset=50)
    merged = merge([execution, purge], {0: 0, 50: 3}, telling_of=profile.codebook.telling_of)
    assert [i.category for i in merged] == ["elite.purge"]
    assert len(merge([execution, purge], {0: 0, 50: 3})) == 2  # without the codebook's tellings: two
