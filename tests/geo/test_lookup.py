import json

import pytest

from seethe.geo import gazetteer_for, resolver_for
from seethe.geo.evaluate import DEFAULT_SETS, evaluate_geoparse
from tests.conftest import run_seethe


@pytest.mark.parametrize("query, expected", [
    ("Hoeryoung", "Hoeryong"), ("Hyesna", "Hyesan"), ("Chongjjin", "Chongjin"), ("Sinuiju", "Sinuiju"),
])
def test_fuzzy_lookup_finds_misspellings(profile, query, expected):
    found = gazetteer_for(profile).search(query)
    assert found[0][0].name == expected
    assert 80 <= found[0][1] <= 100


def test_no_match_is_honest(profile):
    assert gazetteer_for(profile).search("Atlantis") == []


@pytest.mark.parametrize("iso", ["KP-01", "KP-02", "KP-03", "KP-04", "KP-05", "KP-06", "KP-07", "KP-08", "KP-09", "KP-10"])
def test_every_spelling_of_a_province_capital_finds_it(profile, iso):
    """Lookup by every name the gazetteer lists (generated and hand-listed) returns that place first."""
    gaz = gazetteer_for(profile)
    capitals = [p for p in gaz.places.values() if p.admin1_iso == iso and p.type == "city" and p.lat is not None]
    capital = max(capitals, key=lambda p: gaz.population.get(p.id, 0))
    for name in capital.names:
        assert capital in gaz.lookup(name)[:3], name


def test_gazetteer_meets_its_counts(profile):
    gaz = gazetteer_for(profile)
    kp = [p for p in gaz.places.values() if p.country == "KP"]
    admin = [p for p in kp if p.type in ("province", "city", "county", "district")]
    further = [p for p in gaz.places.values() if p not in admin]
    assert len(admin) >= 200
    assert len(further) >= 400
    assert sum(len(p.names) for p in gaz.places.values()) >= 4000


def test_geoparsing_accuracy_meets_targets(profile):
    result = evaluate_geoparse(DEFAULT_SETS, resolver_for(profile), profile.lexicon.abbreviations).summary()
    assert result["mentions"] >= 300
    assert result["province_accuracy"] >= 0.98
    assert result["exact_accuracy"] >= 0.93


def test_places_commands():
    run = run_seethe("places", "lookup", "Atlantis")
    assert run.returncode == 1 and "no match" in run.stdout
    run = run_seethe("places", "list", "--province", "Ryanggang", "--type", "county", "--format", "json")
    counties = json.loads(run.stdout)
    assert counties and all(c["admin1_iso"] == "KP-10" for c in counties)
    run = run_seethe("places", "stats")
    assert "administrative units of KP" in run.stdout
