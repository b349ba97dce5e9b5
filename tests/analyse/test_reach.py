"""Reach: constructed cases with known verdicts, the seed report's leaflets, the approximation."""

from __future__ import annotations

import json
import math

import pytest

from seethe.analyse import Speed, reach
from seethe.analyse._geometry import haversine_km
from seethe.analyse.routes import EXACT_LIMIT
from seethe.errors import AnalysisError


def test_two_simultaneous_incidents_need_the_distance_in_one_day(occ):
    a, b = occ("Sinuiju", "2016-03-01"), occ("Rason", "2016-03-01")
    r = reach([a, b], mode="rail")
    route = 1.3 * float(haversine_km(a.lat, a.lon, b.lat, b.lon)) - 1.3 * 10  # minus both 5 km city radii
    assert r.exact and r.possible
    # Moving 24 h a day, the slowest pace covers the route in exactly the 24 h of the shared day.
    assert r.min_speed_kmh == pytest.approx(route / 24, rel=1e-3)
    assert r.binding == ((r.order[0], r.order[1]),)


def test_far_apart_on_one_day_is_impossible_even_by_rail(occ):
    r = reach([occ("Sinuiju", "2016-03-01"), occ("Rason", "2016-03-01"), occ("Kaesong", "2016-03-01")])
    assert r.mode == "rail" and r.possible is False
    assert set(r.by_mode.values()) == {False}
    assert r.min_speed_kmh > 40


def test_chain_possible_only_at_rail_speed(occ):
    r = reach([occ("Sinuiju", "2016-03-01"), occ("Rason", "2016-03-01")])
    assert r.by_mode == {"foot": False, "bicycle": False, "road": False, "rail": True}


def test_imprecise_dates_make_an_impossible_pair_possible(occ):
    precise = [occ("Sinuiju", "2016-03-01"), occ("Rason", "2016-03-02")]
    assert reach(precise, mode="foot").possible is False
    vague = [occ("Sinuiju", "2016-03-01"), occ("Rason", "2016-03-01", "2016-03-31", time_precision="month")]
    r = reach(vague, mode="foot")
    assert r.possible is True and r.order[0].startswith("Sinuiju")


def test_imprecise_places_make_an_impossible_pair_possible(occ):
    # Hyesan and Chongjin, 140 km apart, within two hours: impossible on foot from town to town ...
    assert reach([occ("Hyesan", "2016-03-01"), occ("Chongjin", "2016-03-01")], mode="foot").possible is False
    # ... but "somewhere in Ryanggang" and "somewhere in North Hamgyong" share a border: distance 0.
    r = reach([occ("Hyesan", "2016-03-01", precision="province"), occ("Chongjin", "2016-03-01", precision="province")],
              mode="foot")
    assert r.possible is True and r.min_speed_kmh <= 0.011


def test_speeds_are_overridable_and_checked(occ):
    pair = [occ("Sinuiju", "2016-03-01"), occ("Rason", "2016-03-01")]
    assert reach(pair, speeds={"rail": (20, 24)}, mode="rail").possible is False
    assert reach(pair, speeds={"plane": Speed(500)}, mode="plane").possible is True
    with pytest.raises(AnalysisError):
        reach(pair, mode="teleport")
    with pytest.raises(AnalysisError):
        reach(pair, detour=0.5)


def test_places_without_location_are_left_out_and_counted(occ):
    a = occ("Sinuiju", "2016-03-01")
    nowhere = occ("Pyongyang", "2016-03-01", precision="country")
    r = reach([a, nowhere])
    assert r.used == 1 and r.left_out == {"place unknown or known only to the country": 1}
    with pytest.raises(AnalysisError):
        reach([nowhere])


def test_result_is_json_and_describes_itself(occ):
    r = reach([occ("Sinuiju", "2016-03-01"), occ("Rason", "2016-03-05")], mode="foot")
    json.dumps(r.to_dict())
    text = "\n".join(r.describe())
    assert "Assumptions:" in text and "detour" in text


def test_seed_report_march_leaflets(seed_occurrences):
    """Pyongsong, Hamhung, Chongjin, Pyongyang in late March 2016: one walker could just manage it."""
    march = [o for o in seed_occurrences if o.category == "dissent.leaflet_graffiti" and o.start.month == 3]
    assert len(march) == 4
    foot = reach(march, mode="foot")
    assert foot.possible is True
    assert 4.0 < foot.min_speed_kmh < 5.0  # about 46 km a day for 11 days
    assert [i.split(" ")[0] for i in foot.order] == ["Pyongyang", "Pyongsong", "Hamhung", "Chongjin"]
    # Had all four happened on one night, no one could have done them on foot or by bicycle.
    from dataclasses import replace
    one_night = [replace(o, end=o.start, time_precision="day") for o in march]
    r = reach(one_night, mode="foot")
    assert r.by_mode["foot"] is False and r.by_mode["bicycle"] is False


def test_above_the_exact_limit_it_says_so(occ):
    towns = ["Sinuiju", "Pyongyang", "Kaesong", "Hamhung", "Hyesan", "Chongjin", "Rason"]
    many = [occ(towns[i % 7], f"2016-{1 + i // 28:02d}-{1 + i % 28:02d}") for i in range(EXACT_LIMIT + 3)]
    r = reach(many, mode="rail")
    assert not r.exact and "APPROXIMATE" in r.method
    lo, hi = r.min_speed_bounds
    assert lo <= hi and math.isfinite(hi)
    assert "APPROXIMATE" in "\n".join(r.describe())


def test_exact_and_approximate_agree_on_an_easy_chain(occ):
    towns = ["Sinuiju", "Pyongyang", "Kaesong", "Hamhung", "Hyesan", "Chongjin", "Rason"]
    chain = [occ(towns[i % 7], f"2016-03-{1 + 3 * i:02d}") for i in range(7)]
    exact = reach(chain, mode="road")
    # The windows are disjoint and in order, so the heuristic's window-start order is optimal.
    approx = reach(chain, mode="road", exact_limit=3)
    assert exact.exact and not approx.exact
    assert approx.min_speed_bounds[1] == pytest.approx(exact.min_speed_kmh, rel=1e-3)
