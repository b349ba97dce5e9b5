"""Index: shrunk rates against all reporting, PELT change points, lagged relation with honest nulls."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import numpy as np
import pytest

from seethe.analyse import index
from seethe.analyse.indices import dispersion, pelt, wilson
from seethe.analyse.simulate import simulate_stream


def test_pelt_finds_a_step_and_nothing_in_noise():
    rng = np.random.default_rng(0)
    n = np.full(36, 30.0)
    step = np.concatenate([rng.binomial(30, 0.2, 18), rng.binomial(30, 0.5, 18)]).astype(float)
    assert pelt(step, n, penalty=3 * np.log(36)) == [18]
    flat = rng.binomial(30, 0.3, 36).astype(float)
    assert pelt(flat, n, penalty=3 * np.log(36)) == []


def test_dispersion_is_about_one_for_binomial_and_larger_for_overdispersed():
    rng = np.random.default_rng(1)
    n = np.full(60, 40.0)
    assert dispersion(rng.binomial(40, 0.3, 60).astype(float), n) == pytest.approx(1.0, abs=0.4)
    wobbly = rng.binomial(40, rng.beta(3, 7, 60)).astype(float)
    assert dispersion(wobbly, n) > 2


def test_wilson_interval():
    lo, hi = wilson(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-3) and hi == pytest.approx(0.7634, abs=1e-3)


def test_rates_are_shrunk_and_left_out_counted(towns):
    stream = simulate_stream(towns, months=24, per_month=30, seed=4)
    abroad = replace(stream[0], id="abroad", admin1="CN", lat=41.0, lon=125.0)
    nowhere = replace(stream[1], id="nowhere", admin1=None)
    r = index(stream + [abroad, nowhere], boot=99)
    assert r.left_out["outside the country"] == 1 and r.left_out["no province"] == 1
    assert r.used == len(stream) - sum(1 for o in stream if o.span_days > 92)
    nat = r.national_rate["dissent"]
    for p, rates in r.by_province.items():
        d = rates["dissent"]
        assert d.lower <= d.value <= d.upper
        assert d.raw is None or d.raw_lower <= d.raw <= d.raw_upper
        if d.raw is not None:  # the shrunk rate lies between the raw rate and the national rate
            assert min(d.raw, nat) - 1e-9 <= d.value <= max(d.raw, nat) + 1e-9
    assert len(r.lags) == 7
    json.dumps(r.to_dict())
    text = "\n".join(r.describe())
    assert "Caveats:" in text and "compositional" in text


def test_null_stream_shows_no_spurious_relation(towns):
    """Families are independent of time in the simulator: the lag-0 share coupling must not read as significant."""
    stream = simulate_stream(towns, months=48, per_month=30, seed=3)
    r = index(stream, boot=99)
    assert r.lags[0].r < -0.3  # the compositional coupling is there ...
    assert r.lags[0].p_value > 0.05  # ... and the null accounts for it
    assert r.spatial is not None and r.spatial[1] > 0.05


def test_a_planted_change_is_flagged(towns):
    stream = simulate_stream(towns, months=36, per_month=40, seed=8)
    # From 2019-07 on, turn most control incidents in North Hamgyong into dissent.
    cut = dt.date(2019, 7, 1)
    changed = [replace(o, category="dissent.protest") if (o.admin1 == "KP-09" and o.start >= cut
                                                          and o.family == "control") else o for o in stream]
    r = index(changed, boot=99)
    hits = [c for c in r.change_points if c.series == "KP-09" and c.family == "dissent"]
    assert hits and abs((hits[0].month - cut).days) <= 62 and hits[0].after > hits[0].before
