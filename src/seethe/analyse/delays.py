"""How late reports come, and what the last months will look like once they have all come in.

Delay = first publication date - the day the incident happened.  The day is
known only to lie in the occurrence's span, so each delay is
interval-censored: it lies in [published - end, published - start].  Counting
only what has been published by ``as_of`` also truncates it on the right: an
incident of last week is in the data only if its delay was short.  The
likelihood of one occurrence, with its day uniform over its span, is

    P(published on its date | published by as_of)
        = sum_{d in [pub - end, pub - start]} f(d)  /  sum_{e in span} F(as_of - e)

for a discrete delay distribution f (CDF F).  Two families are fitted by
maximum likelihood, both discrete: a lognormal discretised by flooring
(D = floor(X), X ~ LogNormal(mu, sigma)) and a negative binomial (mean, size);
the one with the lower AIC is used.  Intervals for the median and 90th
percentile come from the asymptotic normal distribution of the estimates
(inverse numerical Hessian), by simulation.

Nowcast (the reporting-triangle approach of epidemic nowcasting): for a
recent month m with n_m occurrences published so far, the chance that an
incident of that month has been published by ``as_of`` is F_m, the mean of
F(as_of - e) over its days.  With a Poisson number of incidents of rate
lambda_m and a gamma prior on lambda_m centred on the level of the last 12
complete months, the unreported count is negative binomial:
U ~ NB(a + n_m, (b + F_m) / (b + 1)), and the month's total is n_m + U.
Uncertainty in the delay distribution is carried by drawing its parameters.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
from scipy import optimize, special, stats

from seethe.analyse._records import Occurrence
from seethe.analyse._results import ResultMixin
from seethe.errors import AnalysisError

NO_PUBLISHED = "no publication date"
NOT_YET = "published after as_of"
BEFORE_START = "published before the span starts"
UNKNOWN_DATE = "date unknown (the span is the extractor's default, not information)"
TOO_VAGUE = "date known only to within more than {} days"
FAMILIES = ("lognormal", "negbin")


# --- the two discrete delay families ----------------------------------------


def delay_cdf(family: str, params: Sequence[float], d: np.ndarray) -> np.ndarray:
    """P(delay <= d) for integer days d (0 for d < 0)."""
    d = np.asarray(d, dtype=float)
    # scipy.special rather than scipy.stats: the same functions without per-call argument checking,
    # which the likelihood calls hundreds of times.
    if family == "lognormal":
        mu, sigma = params
        out = special.ndtr((np.log(np.maximum(d + 1, 1e-300)) - mu) / sigma)
    elif family == "negbin":
        mean, size = params
        out = special.betainc(size, np.floor(np.maximum(d, 0)) + 1, size / (size + mean))  # NB CDF
    else:
        raise AnalysisError(f"unknown delay family {family!r}")
    return np.where(d < 0, 0.0, out)


def _natural(family: str, theta: np.ndarray) -> tuple[float, float]:
    """Unconstrained -> natural parameters: (mu, log sigma) or (log mean, log size)."""
    if family == "lognormal":
        return float(theta[0]), float(math.exp(theta[1]))
    return float(math.exp(theta[0])), float(math.exp(theta[1]))


@dataclass(frozen=True, slots=True)
class DelayFit:
    family: str
    params: tuple[float, float]  # lognormal: (mu, sigma) of log delay; negbin: (mean, size)
    n: int
    loglik: float
    aic: float
    median_days: float
    median_ci: tuple[float, float]
    p90_days: float
    p90_ci: tuple[float, float]
    draws: tuple[tuple[float, float], ...] = ()  # parameter draws for carrying uncertainty

    def cdf(self, d) -> np.ndarray:
        return delay_cdf(self.family, self.params, np.asarray(d))

    def pmf(self, d) -> np.ndarray:
        d = np.asarray(d)
        return self.cdf(d) - self.cdf(d - 1)

    def line(self, label: str = "") -> str:
        p = ", ".join(f"{x:.3g}" for x in self.params)
        return (f"{label}{self.family}({p}), n={self.n}: median {self.median_days:.0f} days "
                f"[{self.median_ci[0]:.0f}, {self.median_ci[1]:.0f}], 90% published within {self.p90_days:.0f} days "
                f"[{self.p90_ci[0]:.0f}, {self.p90_ci[1]:.0f}]")


@dataclass(frozen=True, slots=True)
class _Intervals:
    lo: np.ndarray  # smallest possible delay
    hi: np.ndarray  # largest possible delay
    trunc_lo: np.ndarray  # as_of - last possible day
    trunc_hi: np.ndarray  # as_of - first possible day


def _loglik(family: str, theta: np.ndarray, iv: _Intervals, truncation: bool) -> float:
    params = _natural(family, theta)
    top = int(max(iv.hi.max(), iv.trunc_hi.max())) + 1
    grid = np.arange(-1, top + 1)
    cdf = delay_cdf(family, params, grid)  # cdf[k] = F(k - 1)
    num = cdf[iv.hi + 1] - cdf[iv.lo]  # F(hi) - F(lo - 1)
    ll = np.log(np.maximum(num, 1e-300))
    if truncation:
        cum = np.concatenate([[0.0], np.cumsum(cdf[1:])])  # cum[k] = sum_{j=0}^{k-1} F(j)
        den = (cum[iv.trunc_hi + 1] - cum[iv.trunc_lo]) / (iv.trunc_hi - iv.trunc_lo + 1)
        ll -= np.log(np.maximum(den, 1e-300))
    return float(ll.sum())


def _hessian(fun, x: np.ndarray, step: float = 1e-3) -> np.ndarray:
    k = len(x)
    h = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * step, np.eye(k)[j] * step
            h[i, j] = (fun(x + ei + ej) - fun(x + ei - ej) - fun(x - ei + ej) + fun(x - ei - ej)) / (4 * step * step)
    return h


def _quantile(family: str, params: tuple[float, float], q: float) -> float:
    """The smallest whole number of days d with P(delay <= d) >= q."""
    if family == "lognormal":
        mu, sigma = params
        return max(math.ceil(math.exp(mu + sigma * special.ndtri(q)) - 1), 0)
    mean, size = params
    return float(stats.nbinom.ppf(q, size, size / (size + mean)))


def fit_delay(iv: _Intervals, family: str, truncation: bool = True, seed: int = 0, n_draws: int = 200) -> DelayFit:
    """Maximum-likelihood fit of one family to interval-censored, right-truncated delays."""
    n = len(iv.lo)
    mid = np.maximum((iv.lo + iv.hi) / 2, 0.5)
    if family == "lognormal":
        start = np.array([np.log(mid).mean(), math.log(max(np.log(mid).std(), 0.3))])
    else:
        start = np.array([math.log(mid.mean()), 0.0])
    neg = lambda th: -_loglik(family, th, iv, truncation)  # noqa: E731
    res = optimize.minimize(neg, start, method="Nelder-Mead", options={"xatol": 1e-5, "fatol": 1e-6, "maxiter": 2000})
    theta = res.x
    params = _natural(family, theta)
    rng = np.random.default_rng(seed)
    try:
        cov = np.linalg.inv(_hessian(neg, theta))
        if not np.all(np.linalg.eigvalsh(cov) > 0):
            raise np.linalg.LinAlgError
        thetas = rng.multivariate_normal(theta, cov, size=n_draws)
    except np.linalg.LinAlgError:
        thetas = np.repeat(theta[None, :], n_draws, axis=0)
    draws = tuple(_natural(family, t) for t in thetas)
    med = [_quantile(family, p, 0.5) for p in draws]
    p90 = [_quantile(family, p, 0.9) for p in draws]
    loglik = -float(res.fun)
    return DelayFit(family, params, n, loglik, 2 * 2 - 2 * loglik, _quantile(family, params, 0.5),
                    (float(np.quantile(med, 0.05)), float(np.quantile(med, 0.95))), _quantile(family, params, 0.9),
                    (float(np.quantile(p90, 0.05)), float(np.quantile(p90, 0.95))), draws)


# --- nowcast ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NowcastMonth:
    month: dt.date  # first day
    reported: float  # published by as_of (fractional: a span over two months counts in both)
    reported_share: float  # F_m: expected share already published
    nowcast: float  # predicted total once everything is published
    lower: float
    upper: float


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return out


def _next_month(m: dt.date) -> dt.date:
    return (m + dt.timedelta(days=32)).replace(day=1)


def monthly_counts(occs: Sequence[Occurrence], months: Sequence[dt.date], until: dt.date) -> np.ndarray:
    """Occurrences per month, each spread over its span's days (days after ``until`` are cut off)."""
    out = np.zeros(len(months))
    index = {m: i for i, m in enumerate(months)}
    for o in occs:
        end = min(o.end, until)
        if end < o.start:
            continue
        total = (end - o.start).days + 1
        m = o.start.replace(day=1)
        while m <= end:
            nxt = _next_month(m)
            overlap = (min(end, nxt - dt.timedelta(days=1)) - max(o.start, m)).days + 1
            if m in index and overlap > 0:
                out[index[m]] += overlap / total
            m = nxt
    return out


def _reported_share(family: str, params: tuple[float, float], month: dt.date, as_of: dt.date) -> float:
    last = min(_next_month(month) - dt.timedelta(days=1), as_of)
    lags = np.arange((as_of - last).days, (as_of - month).days + 1)
    return float(delay_cdf(family, params, lags).mean())


def nowcast_months(fit: DelayFit, occs: Sequence[Occurrence], as_of: dt.date, *, horizon: int = 6,
                   level: float = 0.9, history: int = 12, seed: int = 0, complete: float = 0.99) -> tuple[NowcastMonth, ...]:
    """Nowcast the last ``horizon`` months (the month of ``as_of`` included, up to ``as_of``)."""
    first = min(o.start for o in occs)
    months = _month_starts(first, as_of)
    counts = monthly_counts(occs, months, as_of)
    shares = np.array([_reported_share(fit.family, fit.params, m, as_of) for m in months])
    done = [i for i in range(len(months)) if shares[i] >= complete]
    recent = counts[done[-history:]] / shares[done[-history:]] if done else counts[:0]
    if len(recent) >= 3:
        # Months with nothing reported still say the rate is low, not zero: half an incident over the window.
        mean = max(float(recent.mean()), 0.5 / len(recent))
        var = float(recent.var(ddof=1))
    else:  # too little history: a vague prior around what has been seen
        mean, var = max(float(counts.mean()), 1.0), max(float(counts.mean()), 1.0) ** 2
    var_rate = max(var - mean, 0.04 * mean * mean, 1e-6)  # between-month variation of the rate, CV at least 20%
    a, b = mean * mean / var_rate, mean / var_rate  # gamma prior on the monthly rate
    rng = np.random.default_rng(seed)
    draws = fit.draws or (fit.params,)
    out = []
    for i in range(max(len(months) - horizon, 0), len(months)):
        n = counts[i]
        sims = []
        for params in draws:
            f = _reported_share(fit.family, params, months[i], as_of)
            r, p = a + n, (b + f) / (b + 1.0)
            sims.append(rng.negative_binomial(r, min(max(p, 1e-9), 1.0), size=20))
        unreported = np.concatenate(sims)
        f_hat = shares[i]
        mean_total = n + (a + n) * (1 - f_hat) / (b + f_hat)
        lo, hi = np.quantile(unreported, [(1 - level) / 2, (1 + level) / 2])
        out.append(NowcastMonth(months[i], float(n), float(f_hat), float(mean_total), float(n + lo), float(n + hi)))
    return tuple(out)


# --- the analysis -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DelayResult(ResultMixin):
    as_of: dt.date
    overall: DelayFit
    alternative: DelayFit | None
    by_outlet: dict[str, DelayFit]
    by_period: dict[str, DelayFit]
    too_few: dict[str, int]  # outlets or periods with too few occurrences to fit, and their counts
    nowcast: tuple[NowcastMonth, ...]
    histogram: tuple[float, ...]  # occurrences' delays spread over their intervals, days 0..len-1
    level: float
    assumptions: tuple[str, ...]
    used: int
    left_out: dict[str, int] = field(default_factory=dict)

    def describe(self) -> list[str]:
        lines = [f"Reporting delay as of {self.as_of} ({self.used} occurrence(s)):",
                 "  " + self.overall.line("overall: ")]
        if self.alternative is not None:
            lines.append(f"  (chosen by AIC {self.overall.aic:.1f} over {self.alternative.family} {self.alternative.aic:.1f})")
        for name, fit in self.by_outlet.items():
            lines.append("  " + fit.line(f"{name}: "))
        for name, fit in self.by_period.items():
            lines.append("  " + fit.line(f"{name}: "))
        for name, n in self.too_few.items():
            lines.append(f"  {name}: {n} occurrence(s), too few to fit")
        if self.nowcast:
            lines.append(f"Nowcast (monthly counts once everything is published; {self.level:.0%} prediction intervals):")
            for m in self.nowcast:
                lines.append(f"  {m.month:%Y-%m}: reported so far {m.reported:.1f} (expected share {m.reported_share:.0%}) "
                             f"-> {m.nowcast:.1f} [{m.lower:.0f}, {m.upper:.0f}]")
        return lines + self._footer()


def _intervals(occs: Sequence[Occurrence], as_of: dt.date) -> _Intervals:
    pub = np.array([o.published.toordinal() for o in occs])
    start = np.array([o.start.toordinal() for o in occs])
    end = np.minimum(np.array([o.end.toordinal() for o in occs]), pub)  # it happened before it was published
    ref = as_of.toordinal()
    return _Intervals(pub - end, pub - start, ref - end, ref - start)


def _period(o: Occurrence, period: str) -> str:
    if period == "quarter":
        return f"{o.start.year}-Q{(o.start.month - 1) // 3 + 1}"
    if period == "half":
        return f"{o.start.year}-H{1 if o.start.month <= 6 else 2}"
    return str(o.start.year)


def delay(occurrences: Iterable[Occurrence], as_of: dt.date | None = None, *, family: str | None = None,
          period: str = "year", min_count: int = 8, horizon: int = 6, level: float = 0.9,
          max_span_days: int = 92, fit_window_days: int | None = 730, truncation: bool = True,
          breakdowns: bool = True, seed: int = 0) -> DelayResult:
    """Fit the reporting delay (overall, by outlet, by period) and nowcast the last months.

    ``as_of`` (default: the latest publication date) is the day the data were
    taken; ``family`` forces ``lognormal`` or ``negbin`` (default: lower AIC);
    ``fit_window_days`` fits the delay on occurrences of the last two years only,
    so that a change in reporting shows; ``period`` is ``year``, ``half`` or
    ``quarter`` of the event.
    """
    occs = list(occurrences)
    if as_of is None:
        dates = [o.published for o in occs if o.published]
        if not dates:
            raise AnalysisError("no occurrence has a publication date")
        as_of = max(dates)
    left: dict[str, int] = {}
    vague = TOO_VAGUE.format(max_span_days)
    usable = []
    for o in occs:
        reason = None
        if o.published is None:
            reason = NO_PUBLISHED
        elif o.published > as_of:
            reason = NOT_YET
        elif o.start > o.published:
            reason = BEFORE_START
        elif o.time_precision == "unknown":
            reason = UNKNOWN_DATE
        elif o.span_days > max_span_days:
            reason = vague
        if reason:
            left[reason] = left.get(reason, 0) + 1
        else:
            usable.append(o)
    if len(usable) < min_count:
        raise AnalysisError(f"only {len(usable)} occurrence(s) with usable dates: too few to fit a delay")
    fit_set = usable
    if fit_window_days is not None:
        cut = as_of - dt.timedelta(days=fit_window_days)
        fit_set = [o for o in usable if o.start >= cut] or usable
    iv = _intervals(fit_set, as_of)
    families = (family,) if family else FAMILIES
    fits = sorted((fit_delay(iv, f, truncation, seed) for f in families), key=lambda f: f.aic)
    best, alternative = fits[0], (fits[1] if len(fits) > 1 else None)

    def subset_fits(key) -> tuple[dict[str, DelayFit], dict[str, int]]:
        groups: dict[str, list[Occurrence]] = {}
        for o in fit_set:
            groups.setdefault(key(o), []).append(o)
        fitted, few = {}, {}
        for name in sorted(groups):
            members = groups[name]
            if len(members) >= min_count:
                fitted[name] = fit_delay(_intervals(members, as_of), best.family, truncation, seed, n_draws=100)
            else:
                few[name] = len(members)
        return fitted, few

    if breakdowns:
        by_outlet, few_outlets = subset_fits(lambda o: o.outlet or "outlet unknown")
        by_period, few_periods = subset_fits(lambda o: _period(o, period))
    else:
        by_outlet, few_outlets, by_period, few_periods = {}, {}, {}, {}
    hist = np.zeros(181)
    for lo, hi in zip(iv.lo, iv.hi):
        lo_c, hi_c = min(lo, 180), min(hi, 180)
        hist[lo_c:hi_c + 1] += 1.0 / (hi - lo + 1)  # days past 180 fall off the chart
    nowcast = nowcast_months(best, usable, as_of, horizon=horizon, level=level, seed=seed)
    assumptions = (
        "Delay = first publication - the day it happened; that day is anywhere in the occurrence's span "
        "(interval-censored, uniform within the span), never a midpoint.",
        ("Right truncation is corrected: only incidents published by as_of are seen, so each likelihood term is "
         "conditioned on publication by as_of.") if truncation else "Right truncation is NOT corrected.",
        f"Delay families: discretised lognormal and negative binomial by maximum likelihood; {best.family} chosen"
        + (f" by AIC ({best.aic:.1f} vs {alternative.aic:.1f})." if alternative else "."),
        "Intervals for the median and 90th percentile from the asymptotic normal distribution of the estimates.",
        (f"The delay is fitted on occurrences of the last {fit_window_days} days (reporting changes over time)."
         if fit_window_days else "The delay is fitted on all occurrences."),
        f"Occurrences with unknown dates or spans longer than {max_span_days} days are left out; "
        "a span over two months counts in both, in proportion.",
        "Nowcast: Poisson counts per month with a gamma prior on the monthly rate centred on the last 12 complete "
        "months (between-month CV at least 20%); unreported incidents negative binomial given the share F_m "
        "already published; delay-parameter uncertainty carried by simulation.",
        "The delay is assumed the same for all incidents of a month and not to depend on what happened; "
        "an incident never reported at all is invisible to every method here.",
    )
    return DelayResult(as_of, best, alternative, by_outlet, by_period, {**few_outlets, **few_periods}, nowcast,
                       tuple(float(x) for x in hist), level, assumptions, len(usable), left)


# --- backtests --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BacktestRow:
    as_of: dt.date
    month: dt.date
    truth: float  # what was eventually reported for that month
    naive: float  # what had been reported by as_of
    nowcast: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True)
class Backtest:
    rows: tuple[BacktestRow, ...]

    @property
    def mae_nowcast(self) -> float:
        return float(np.mean([abs(r.nowcast - r.truth) for r in self.rows]))

    @property
    def mae_naive(self) -> float:
        return float(np.mean([abs(r.naive - r.truth) for r in self.rows]))

    @property
    def coverage(self) -> float:
        """Share of months whose eventual count fell inside the prediction interval."""
        return float(np.mean([r.lower - 0.5 <= r.truth <= r.upper + 0.5 for r in self.rows]))


def backtest(occurrences: Iterable[Occurrence], cuts: Sequence[dt.date], *, months: int = 3,
             **delay_kw) -> Backtest:
    """Cut the data at each date in ``cuts`` (as if taken then), nowcast the last ``months`` months,
    and compare with what was eventually reported (every occurrence given)."""
    occs = [o for o in occurrences if o.published and o.time_precision != "unknown"
            and o.span_days <= delay_kw.get("max_span_days", 92)]
    rows = []
    for cut in cuts:
        seen = [o for o in occs if o.published <= cut]
        result = delay(seen, cut, horizon=months, breakdowns=False, **delay_kw)
        month_list = [m.month for m in result.nowcast]
        truth = monthly_counts(occs, month_list, cut)
        for m, t in zip(result.nowcast, truth):
            rows.append(BacktestRow(cut, m.month, float(t), m.reported, m.nowcast, m.lower, m.upper))
    return Backtest(tuple(rows))
