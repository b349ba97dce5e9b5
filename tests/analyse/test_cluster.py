"""Clustering: calibrated under independence, sees a wave, is not fooled by a roundup report."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from seethe.analyse import cluster, simulate_background, simulate_roundup, simulate_wave
from seethe.analyse._geometry import Located
from seethe.analyse.spacetime import MERGED, collapse_reports
from seethe.errors import AnalysisError

WAVE_DAY = dt.date(2020, 6, 10)


@pytest.fixture(scope="module")
def background(towns):
    return simulate_background(towns, n=100, seed=7)


def test_a_wave_is_detected_and_named(towns, background):
    wave = simulate_wave(towns, k=5, day=WAVE_DAY, seed=3)
    r = cluster(background + wave, permutations=199)
    assert r.detected and r.scan.p_value <= 0.01
    c = r.cluster
    assert c.start <= WAVE_DAY + dt.timedelta(days=1) and c.end >= WAVE_DAY
    assert len(set(c.members) & {o.id for o in wave}) >= 4
    assert c.observed > 3 * c.expected
    json.dumps(r.to_dict())


def test_one_report_listing_six_incidents_is_not_a_cluster(towns, background):
    roundup = simulate_roundup(towns, k=6, day=WAVE_DAY, seed=3)
    assert len({o.reports for o in roundup}) == 1
    guarded = cluster(background + roundup, permutations=199)
    assert not guarded.detected
    assert guarded.left_out[MERGED] >= 5
    # Without the guard the same data "shows" a cluster: the guard is what stops it.
    naive = cluster(background + roundup, permutations=199, collapse=False)
    assert naive.detected


def test_false_alarms_near_alpha_over_fixed_seed_sets(towns):
    """200 independent sets (small, for speed); the bench measures 1,000 larger ones."""
    hits = []
    for s in range(200):
        data = simulate_background(towns, n=40, days=120, seed=10_000 + s)
        r = cluster(data, permutations=99, stop_early=True, seed=s, radii_km=(10.0, 25.0, 50.0), draws=16)
        hits.append(r.detected)
    rate = float(np.mean(hits))
    assert 0.01 <= rate <= 0.10, rate  # binomial sd at 0.05 over 200 sets is 0.015


def test_imprecise_occurrences_are_used_not_dropped(towns, background):
    r = cluster(background, permutations=19)
    provincial = sum(1 for o in background if o.place_precision == "province")
    assert provincial > 0
    assert "place unknown or known only to the country" not in r.left_out
    assert r.used + sum(r.left_out.values()) == len(background)


def test_collapse_merges_only_one_reports_close_neighbours(occ):
    a = occ("Hyesan", "2020-01-01", reports=("r1",))
    b = occ("Hyesan", "2020-01-02", reports=("r1",))
    c = occ("Chongjin", "2020-01-01", reports=("r1",))  # same report, 140 km away
    d = occ("Hyesan", "2020-01-01", reports=("r2",))  # another source
    located = [Located(o, o.lat, o.lon, 5.0) for o in (a, b, c, d)]
    units, merged = collapse_reports(located, km=100, days=7)
    assert merged == 1 and len(units) == 3
    joined = next(u for u in units if "r1" in u.occ.reports and u.occ.admin1 == "KP-10")
    assert joined.occ.start == dt.date(2020, 1, 1) and joined.occ.end == dt.date(2020, 1, 2)


def test_too_few_and_bad_parameters(occ):
    with pytest.raises(AnalysisError):
        cluster([occ("Hyesan", "2020-01-01")])
    with pytest.raises(AnalysisError):
        cluster([occ("Hyesan", f"2020-01-0{i}") for i in range(1, 9)], permutations=5)
