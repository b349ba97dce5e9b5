"""Delays: interval-censored, truncated maximum likelihood; the nowcast against the naive count."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import numpy as np
import pytest

from seethe.analyse import Occurrence, delay
from seethe.analyse.delays import _next_month, backtest, delay_cdf, monthly_counts
from seethe.analyse.simulate import DelayModel, simulate_stream
from seethe.errors import AnalysisError

ONE_OUTLET = DelayModel((("Daily NK", 1.0, 14.0, 0.9),))  # median 14 days: mu = log 14 = 2.64


def month_ends(first: dt.date, count: int) -> list[dt.date]:
    out, m = [], first
    for _ in range(count):
        m = _next_month(m)
        out.append(m - dt.timedelta(days=1))
    return out


def test_fit_recovers_the_simulated_delay_despite_month_dates_and_truncation(towns):
    stream = simulate_stream(towns, months=30, per_month=30, seed=5, delays=ONE_OUTLET)
    as_of = dt.date(2019, 12, 31)
    seen = [o for o in stream if o.published <= as_of]
    r = delay(seen, as_of, family="lognormal", breakdowns=False)
    mu, sigma = r.overall.params
    assert mu == pytest.approx(np.log(14.0), abs=0.12)
    assert sigma == pytest.approx(0.9, abs=0.1)
    assert r.overall.median_ci[0] <= 14 <= r.overall.median_ci[1] + 1
    # Ignoring truncation on data cut recently biases the delay short.
    recent = delay(seen, as_of, family="lognormal", breakdowns=False, fit_window_days=120, truncation=False)
    fixed = delay(seen, as_of, family="lognormal", breakdowns=False, fit_window_days=120)
    assert recent.overall.params[0] < fixed.overall.params[0] - 0.1
    assert abs(fixed.overall.params[0] - np.log(14.0)) < abs(recent.overall.params[0] - np.log(14.0))


def test_nowcast_beats_the_naive_count_on_a_fixed_seed(towns):
    stream = simulate_stream(towns, months=30, per_month=25, seed=11)
    b = backtest(stream, month_ends(dt.date(2019, 6, 1), 5))
    assert b.mae_nowcast <= 0.5 * b.mae_naive, (b.mae_nowcast, b.mae_naive)
    assert b.coverage >= 0.6


def test_left_out_reasons_and_breakdowns(towns):
    stream = simulate_stream(towns, months=14, per_month=20, seed=2)
    as_of = dt.date(2019, 1, 31)
    extra = [replace(stream[0], id="x1", published=None), replace(stream[1], id="x2", time_precision="unknown"),
             replace(stream[2], id="x3", published=dt.date(2030, 1, 1))]
    r = delay(stream + extra, as_of)
    assert r.left_out["no publication date"] == 1
    assert r.left_out["date unknown (the span is the extractor's default, not information)"] == 1
    assert r.left_out["published after as_of"] >= 1
    assert set(r.by_outlet) | set(k for k in r.too_few) >= {"Daily NK", "RFA"}
    assert r.nowcast and r.nowcast[-1].month == dt.date(2019, 1, 1)
    json.dumps(r.to_dict())
    assert any("interval-censored" in a for a in r.assumptions)


def test_negative_binomial_cdf_and_monthly_allocation():
    d = np.arange(5)
    assert np.all(np.diff(delay_cdf("negbin", (10.0, 1.0), d)) > 0)
    assert delay_cdf("lognormal", (1.0, 0.5), np.array([-1]))[0] == 0.0
    o = Occurrence("a", "dissent.protest", None, None, "unknown", None, dt.date(2020, 1, 22), dt.date(2020, 2, 10),
                   "week", dt.date(2020, 3, 1), None)
    counts = monthly_counts([o], [dt.date(2020, 1, 1), dt.date(2020, 2, 1)], dt.date(2020, 3, 1))
    assert counts == pytest.approx([10 / 20, 10 / 20])


def test_too_few_is_an_analysis_error(occ):
    with pytest.raises(AnalysisError):
        delay([occ("Hyesan", "2020-01-01", published="2020-01-05")])


def test_a_year_with_nothing_reported_still_gets_a_nowcast(towns):
    # Incidents from an old period only (as the demo corpus is, seen years later): the last complete months are
    # all zero, and the prior must stay a distribution, not collapse to nothing.
    stream = simulate_stream(towns, months=12, per_month=20, seed=3)
    as_of = max(o.published for o in stream) + dt.timedelta(days=900)
    r = delay(stream, as_of, breakdowns=False)
    assert len(r.nowcast) == 6
    assert all(m.reported == 0 and m.lower == 0 and m.upper >= 0 and m.nowcast < 1 for m in r.nowcast)
