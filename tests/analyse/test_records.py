"""The occurrence record, the interchange-format adapter and the area table."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from seethe.analyse import Occurrence, occurrence_from_incident
from seethe.analyse._geometry import load_area_table, locate, parse_area_table
from seethe.analyse.simulate import simulate_background, simulate_roundup, simulate_wave
from seethe.errors import AnalysisError, SeetheError
from seethe.geo import gazetteer_for


def test_bad_records_are_analysis_errors():
    assert issubclass(AnalysisError, SeetheError)
    with pytest.raises(AnalysisError):
        Occurrence("x", "dissent.protest", 40.0, 127.0, "town", "KP-01", dt.date(2020, 1, 1), dt.date(2020, 1, 1),
                   "day", None, None)
    with pytest.raises(AnalysisError):
        Occurrence("x", "dissent.protest", 40.0, 127.0, "city", "KP-01", dt.date(2020, 1, 2), dt.date(2020, 1, 1),
                   "day", None, None)
    with pytest.raises(AnalysisError):
        Occurrence("x", "dissent.protest", 40.0, None, "city", "KP-01", dt.date(2020, 1, 1), dt.date(2020, 1, 1),
                   "day", None, None)


def test_from_interchange_format(seed_occurrences):
    hyesan = next(o for o in seed_occurrences if o.id.startswith("Hyesan"))
    assert hyesan.admin1 == "KP-10" and hyesan.place_precision == "city" and hyesan.family == "dissent"
    assert hyesan.published == dt.date(2016, 5, 2) and hyesan.outlet == "Daily NK"
    kuwait = next(o for o in seed_occurrences if o.id.startswith("Kuwait"))
    assert kuwait.admin1 == "KW" and not kuwait.in_country
    with pytest.raises(AnalysisError):
        occurrence_from_incident({"category": "dissent.protest", "time": {"start": "soon"}}, id="bad")


def test_area_table_matches_the_gazetteer_and_checks_its_schema(profile):
    table = load_area_table()
    assert len(table.provinces) == 12
    for code, prov in table.provinces.items():
        place = gazetteer_for(profile).places[code.lower()]
        assert (place.lat, place.lon) == (prov.lat, prov.lon), code
    assert 60 < table.provinces["KP-08"].radius_km < 90  # South Hamgyong, the largest
    assert 10 < table.county_radius_km < 20
    with pytest.raises(AnalysisError):
        parse_area_table({"schema": "seethe.areas/0"})
    with pytest.raises(AnalysisError):
        parse_area_table({**json.loads((table_path()).read_text()), "typical_county_km2": -1})


def table_path():
    from seethe.profile import load_profile
    return load_profile("kp").path("areas")


def test_locate_places_provinces_at_their_centroid(seed_occurrences):
    located, left = locate(seed_occurrences, load_area_table())
    ryanggang = [p for p in located if p.occ.place_precision == "province"]
    assert ryanggang and all((p.lat, p.lon) == (41.25, 128.3) for p in ryanggang)
    assert left == {"place unknown or known only to the country": 2}  # "nationwide" and "Kuwait"


def test_simulator_shapes(towns):
    bg = simulate_background(towns, n=400, seed=1)
    border = sum(1 for o in bg if o.admin1 in ("KP-03", "KP-04", "KP-09", "KP-10", "KP-13"))
    assert border / len(bg) > 0.6  # four times the weight per town on the Chinese border
    assert {o.place_precision for o in bg} == {"city", "county", "province"}
    assert {o.time_precision for o in bg} == {"day", "week", "month"}
    assert all(o.published >= o.end for o in bg)
    assert len({o.reports for o in bg}) < len(bg)  # some roundups
    wave = simulate_wave(towns, k=5, day=dt.date(2020, 5, 1), seed=2)
    assert len({(o.lat, o.lon) for o in wave}) == 5 and len({o.reports for o in wave}) == 5
    assert max(o.start for o in wave) - min(o.start for o in wave) <= dt.timedelta(days=1)
    roundup = simulate_roundup(towns, k=6, day=dt.date(2020, 5, 1), seed=2)
    assert len({o.reports for o in roundup}) == 1 and len(roundup) == 6
