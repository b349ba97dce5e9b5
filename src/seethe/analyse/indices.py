"""Dissent, control and burden per province and month, as rates of what is reported at all.

Reporting reaches the border provinces far more than the interior, so raw
counts mostly measure where the sources are.  Each family's count in a
province-month is therefore read against all occurrences reported from that
province-month (every family): the family's *share* of the reporting.

* Rates are shrunk toward the national rate by an empirical-Bayes
  beta-binomial model: a Beta(a, b) prior with the national mean and a
  concentration fitted by maximum (marginal) likelihood over the cells; each
  cell's posterior Beta(a + x, b + n - x) gives the rate and a credible
  interval.  A cell with three reports says little and stays near the
  national rate; one with forty speaks for itself.  Raw rates carry Wilson
  intervals for reference.
* Change points: PELT (pruned exact linear time; Killick, Fearnhead and
  Eckley 2012) on each monthly series with a quasi-binomial segment cost
  (binomial deviance divided by a dispersion estimated from differences of
  adjacent months, so ordinary extra-binomial noise does not read as change)
  and a penalty of ``penalty`` x log(months) per change.
* Lagged relation: cross-correlation of the national monthly control and
  dissent rates (linear trend removed) at lags 0..6 (control leading),
  with moving-block bootstrap intervals and p-values from circular shifts of
  one series against the other (which keeps each series' autocorrelation).
* Across provinces: Spearman correlation of each province's control and
  dissent rates, with a permutation p-value.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
from scipy import optimize, special, stats

from seethe.analyse._records import Occurrence
from seethe.analyse._results import ResultMixin, fmt_p
from seethe.analyse.delays import _month_starts, _next_month
from seethe.errors import AnalysisError

NO_PROVINCE = "no province"
ABROAD = "outside the country"
VAGUE = "date unknown or known only to within more than {} days"

CAVEATS = (
    "Rates are shares of what is reported, not of what happens: a rise in the dissent rate can be a fall in "
    "reports of everything else.",
    "Shares of one total are compositional: the control and dissent rates are pushed apart by construction, "
    "which biases their correlation downward, most at lag 0 and across provinces; the p-values account for it "
    "(the null redraws counts within each total) but the correlations and their intervals do not.",
    "A change in who reports (a new source network, an outlet's focus) changes every rate of a province at once.",
    "Few reports per province-month: intervals are wide and most cells sit near the national rate.",
    "Correlation in time or across provinces is not causation; with a few dozen months, a p-value near 0.05 "
    "from 6 lags is what chance alone often gives.",
)


@dataclass(frozen=True, slots=True)
class Rate:
    value: float  # posterior mean (shrunk)
    lower: float
    upper: float
    raw: float | None  # x / n, None when n = 0
    count: float  # x
    total: float  # n
    raw_lower: float = 0.0  # Wilson interval of the raw rate, at the same level
    raw_upper: float = 1.0


@dataclass(frozen=True, slots=True)
class Cell:
    province: str
    month: dt.date
    rates: dict[str, Rate]


@dataclass(frozen=True, slots=True)
class ChangePoint:
    series: str  # a province code or "national"
    family: str
    month: dt.date  # first month of the new segment
    before: float  # segment rates
    after: float


@dataclass(frozen=True, slots=True)
class LagCorrelation:
    lag: int  # months by which control leads dissent
    r: float
    lower: float
    upper: float
    p_value: float


@dataclass(frozen=True, slots=True)
class IndexResult(ResultMixin):
    families: tuple[str, ...]
    months: tuple[dt.date, ...]
    provinces: tuple[str, ...]
    cells: tuple[Cell, ...]
    by_province: dict[str, dict[str, Rate]]  # whole period
    national: dict[str, tuple[float, ...]]  # monthly national rate per family
    national_rate: dict[str, float]
    prior: dict[str, tuple[float, float]]  # Beta(a, b) per family
    change_points: tuple[ChangePoint, ...]
    lags: tuple[LagCorrelation, ...]
    spatial: tuple[float, float] | None  # Spearman rho (control vs dissent across provinces), p
    level: float
    caveats: tuple[str, ...]
    assumptions: tuple[str, ...]
    used: int
    left_out: dict[str, int] = field(default_factory=dict)

    def describe(self) -> list[str]:
        lines = [f"Rates per province as shares of all reporting from it, {self.months[0]:%Y-%m} to "
                 f"{self.months[-1]:%Y-%m} ({self.level:.0%} intervals, shrunk toward the national rate):"]
        lines.append("  province  " + "  ".join(f"{f:>24}" for f in self.families) + "  reports")
        for p in self.provinces:
            rates = self.by_province[p]
            total = next(iter(rates.values())).total
            lines.append(f"  {p:<8}  " + "  ".join(f"{r.value:6.2f} [{r.lower:4.2f}, {r.upper:4.2f}] raw {r.raw if r.raw is not None else float('nan'):4.2f}"
                                                    for r in rates.values()) + f"  {total:7.1f}")
        lines.append("  national  " + ", ".join(f"{f} {self.national_rate[f]:.2f}" for f in self.families))
        if self.change_points:
            lines.append("Change points (PELT, quasi-binomial cost):")
            for c in self.change_points:
                lines.append(f"  {c.series} {c.family}: from {c.month:%Y-%m}, {c.before:.2f} -> {c.after:.2f}")
        else:
            lines.append("Change points (PELT, quasi-binomial cost): none.")
        if self.lags:
            lines.append("Control leading dissent, national monthly rates (r, block-bootstrap interval, p against shifted series):")
            for g in self.lags:
                lines.append(f"  lag {g.lag}: r = {g.r:+.2f} [{g.lower:+.2f}, {g.upper:+.2f}], p = {fmt_p(g.p_value)}")
        if self.spatial is not None:
            lines.append(f"Across provinces, control share vs dissent share: Spearman rho = {self.spatial[0]:+.2f}, "
                         f"p = {fmt_p(self.spatial[1])} (null keeps the coupling of shares).")
        lines.append("Caveats:")
        lines.extend(f"  - {c}" for c in self.caveats)
        return lines + self._footer()


# --- rates ------------------------------------------------------------------


def fit_beta_prior(x: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Beta(a, b) by maximum marginal (beta-binomial) likelihood over cells with n > 0; the mean is pooled."""
    keep = n > 0
    x, n = x[keep], n[keep]
    if n.sum() <= 0:
        return 1.0, 1.0
    mean = float(np.clip(x.sum() / n.sum(), 1e-3, 1 - 1e-3))

    def neg(log_k: float) -> float:
        k = math.exp(log_k)
        a, b = mean * k, (1 - mean) * k
        return -float(np.sum(special.betaln(x + a, n - x + b) - special.betaln(a, b)))

    res = optimize.minimize_scalar(neg, bounds=(math.log(0.5), math.log(1e4)), method="bounded")
    k = math.exp(res.x)
    return mean * k, (1 - mean) * k


def _rate(x: float, n: float, prior: tuple[float, float], level: float) -> Rate:
    a, b = prior[0] + x, prior[1] + n - x
    lo, hi = special.betaincinv(a, b, [(1 - level) / 2, (1 + level) / 2])  # Beta quantiles
    raw_lo, raw_hi = wilson(x, n, level)
    return Rate(a / (a + b), float(lo), float(hi), (x / n) if n > 0 else None, float(x), float(n), raw_lo, raw_hi)


def wilson(x: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n <= 0:
        return 0.0, 1.0
    z = stats.norm.ppf((1 + level) / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


# --- change points ----------------------------------------------------------


def _binomial_cost(cx: np.ndarray, cn: np.ndarray, s: int, t: int) -> float:
    """-2 log-likelihood of months s..t-1 with one rate (cumulative sums cx, cn)."""
    x, n = cx[t] - cx[s], cn[t] - cn[s]
    if n <= 0 or x <= 0 or x >= n:
        return 0.0
    p = x / n
    return -2.0 * (x * math.log(p) + (n - x) * math.log(1 - p))


def dispersion(x: np.ndarray, n: np.ndarray) -> float:
    """Extra-binomial dispersion from adjacent months (robust to a few changes); at least 1."""
    ratios = []
    for t in range(len(x) - 1):
        if n[t] > 0 and n[t + 1] > 0:
            p = (x[t] + x[t + 1]) / (n[t] + n[t + 1])
            if 0 < p < 1:
                ratios.append((x[t] / n[t] - x[t + 1] / n[t + 1]) ** 2 / (p * (1 - p) * (1 / n[t] + 1 / n[t + 1])))
    return max(float(np.mean(ratios)), 1.0) if len(ratios) >= 3 else 1.0


def pelt(x: Sequence[float], n: Sequence[float], penalty: float, min_segment: int = 3) -> list[int]:
    """Change points (indices where a new segment starts) minimising quasi-binomial cost + penalty per change."""
    x, n = np.asarray(x, float), np.asarray(n, float)
    T = len(x)
    if T < 2 * min_segment:
        return []
    phi = dispersion(x, n)
    cx, cn = np.concatenate([[0.0], np.cumsum(x)]), np.concatenate([[0.0], np.cumsum(n)])
    best = np.full(T + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(T + 1, dtype=int)
    candidates = [0]
    for t in range(min_segment, T + 1):
        options = [(best[s] + _binomial_cost(cx, cn, s, t) / phi + penalty, s) for s in candidates
                   if t - s >= min_segment]
        if not options:
            continue
        best[t], last[t] = min(options)
        # PELT pruning: a start that cannot beat the best now never will (the cost is superadditive).
        candidates = [s for s in candidates
                      if t - s < min_segment or best[s] + _binomial_cost(cx, cn, s, t) / phi <= best[t]]
        candidates.append(t)
    cps, t = [], T
    while t > 0:
        s = int(last[t])
        if s > 0:
            cps.append(s)
        t = s
    return sorted(cps)


# --- lagged relation --------------------------------------------------------


def _detrend(y: np.ndarray) -> np.ndarray:
    t = np.arange(len(y))
    slope, intercept = np.polyfit(t, y, 1)
    return y - (slope * t + intercept)


def _corr_at(x: np.ndarray, y: np.ndarray, lag: int) -> float:
    a, b = (x[:-lag], y[lag:]) if lag else (x, y)
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _smooth(y: np.ndarray, width: int = 5) -> np.ndarray:
    """Centred moving average (shorter at the ends): the slowly varying rate behind noisy shares."""
    half = width // 2
    return np.array([y[max(0, i - half):i + half + 1].mean() for i in range(len(y))])


def _coupled_draws(rng: np.random.Generator, pd: np.ndarray, pc: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dissent and control shares redrawn as one multinomial per unit: keeps the coupling of shares of one total."""
    scale = np.maximum(pd + pc, 1.0)  # keep the two shares a valid split of the total
    pd, pc = pd / scale, pc / scale
    n_int = np.maximum(np.round(n).astype(int), 1)
    pvals = np.column_stack([pd, pc, np.maximum(1 - pd - pc, 0.0)])
    draws = rng.multinomial(n_int, pvals / pvals.sum(axis=1, keepdims=True))
    return draws[:, 0] / n_int, draws[:, 1] / n_int


def _two_sided(r: float, null: np.ndarray) -> float:
    """Monte Carlo p-value for a departure from the null's own centre (not from 0: the coupling of shares
    moves the centre below 0 at lag 0)."""
    if not len(null) or not np.isfinite(r):
        return float("nan")
    centre = float(null.mean())
    return float((1 + np.sum(np.abs(null - centre) >= abs(r - centre) - 1e-12)) / (1 + len(null)))


def lagged_correlations(x: np.ndarray, y: np.ndarray, n: np.ndarray, max_lag: int, level: float, boot: int,
                        seed: int) -> tuple[LagCorrelation, ...]:
    """Cross-correlation of control shares x leading dissent shares y at lags 0..max_lag.

    Intervals: moving-block bootstrap.  p-values: the null keeps each series but
    breaks their relation by circularly shifting y, and redraws each month's
    counts as one multinomial of its total, so the mechanical coupling of two
    shares of one total is in the null as well as in the data.
    """
    T = len(x)
    if T < max_lag + 8:
        return ()
    rng = np.random.default_rng(seed)
    xd, yd = _detrend(x), _detrend(y)
    block = max(2, round(T ** (1 / 3)))
    shifts = list(range(max_lag + 1, T - max_lag))
    redraws = max(1, boot // max(len(shifts), 1))
    null = np.full((len(shifts) * redraws, max_lag + 1), np.nan)
    row = 0
    # Redraw around the smoothed rates: raw shares already carry one round of sampling noise.
    xs, ys = _smooth(x, 9), _smooth(y, 9)
    for s in shifts:
        for _ in range(redraws):
            ny, nx = _coupled_draws(rng, np.roll(ys, s), xs, n)
            nx, ny = _detrend(nx), _detrend(ny)
            null[row] = [_corr_at(nx, ny, lag) for lag in range(max_lag + 1)]
            row += 1
    out = []
    for lag in range(max_lag + 1):
        r = _corr_at(xd, yd, lag)
        reps = []
        for _ in range(boot):
            starts = rng.integers(0, T - block + 1, size=math.ceil(T / block))
            idx = np.concatenate([np.arange(s, s + block) for s in starts])[:T]
            reps.append(_corr_at(xd[idx], yd[idx], lag))  # blocks keep neighbouring months together
        reps = np.array([v for v in reps if np.isfinite(v)])
        lo, hi = (np.quantile(reps, [(1 - level) / 2, (1 + level) / 2]) if len(reps) else (float("nan"),) * 2)
        nl = null[:, lag][np.isfinite(null[:, lag])]
        p = _two_sided(r, nl)
        out.append(LagCorrelation(lag, r, float(lo), float(hi), float(p)))
    return tuple(out)


def spatial_correlation(c: np.ndarray, d: np.ndarray, n: np.ndarray, c_shrunk: np.ndarray, d_shrunk: np.ndarray,
                        seed: int, runs: int = 999) -> tuple[float, float]:
    """Spearman rho of provinces' control and dissent shares; null: the shrunk dissent rates permuted among
    provinces and each province's counts redrawn as one multinomial (the coupling of shares of one total kept)."""
    rho = float(stats.spearmanr(c, d).statistic)
    rng = np.random.default_rng(seed)
    pairs = [_coupled_draws(rng, rng.permutation(d_shrunk), c_shrunk, n) for _ in range(runs)]
    rd = stats.rankdata(np.array([p[0] for p in pairs]), axis=1)
    rc = stats.rankdata(np.array([p[1] for p in pairs]), axis=1)
    rd -= rd.mean(axis=1, keepdims=True)
    rc -= rc.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        null = (rd * rc).sum(axis=1) / np.sqrt((rd * rd).sum(axis=1) * (rc * rc).sum(axis=1))  # Spearman by rows
    return rho, _two_sided(rho, null[np.isfinite(null)])


# --- the analysis -----------------------------------------------------------


def _allocate(o: Occurrence, months: dict[dt.date, int]) -> list[tuple[int, float]]:
    """(month index, share) over the months the span covers, in proportion to its days."""
    out, m = [], o.start.replace(day=1)
    total = o.span_days
    while m <= o.end:
        nxt = _next_month(m)
        days = (min(o.end, nxt - dt.timedelta(days=1)) - max(o.start, m)).days + 1
        if m in months and days > 0:
            out.append((months[m], days / total))
        m = nxt
    return out


def index(occurrences: Iterable[Occurrence], *, families: Sequence[str] = ("dissent", "control", "burden"),
          start: dt.date | None = None, end: dt.date | None = None, level: float = 0.9, penalty: float = 3.0,
          min_segment: int = 3, max_lag: int = 6, boot: int = 499, min_reports: int = 5,
          max_span_days: int = 92, seed: int = 0) -> IndexResult:
    """Per-province, per-month rates of each family against all reporting; change points; lagged relation."""
    left: dict[str, int] = {}
    vague = VAGUE.format(max_span_days)
    kept: list[Occurrence] = []
    for o in occurrences:
        reason = None
        if not o.admin1:
            reason = NO_PROVINCE
        elif not o.in_country:
            reason = ABROAD
        elif o.time_precision == "unknown" or o.span_days > max_span_days:
            reason = vague
        elif (start and o.end < start) or (end and o.start > end):
            reason = "outside the period"
        if reason:
            left[reason] = left.get(reason, 0) + 1
        else:
            kept.append(o)
    if not kept:
        raise AnalysisError("no occurrence has a province and a usable date")
    first = start or min(o.start for o in kept)
    last = end or max(o.end for o in kept)
    months = _month_starts(first, last)
    m_index = {m: i for i, m in enumerate(months)}
    provinces = sorted({o.admin1 for o in kept})
    p_index = {p: i for i, p in enumerate(provinces)}
    P, M = len(provinces), len(months)
    total = np.zeros((P, M))
    counts = {f: np.zeros((P, M)) for f in families}
    for o in kept:
        for mi, share in _allocate(o, m_index):
            total[p_index[o.admin1], mi] += share
            if o.family in counts:
                counts[o.family][p_index[o.admin1], mi] += share
    prior = {f: fit_beta_prior(counts[f].ravel(), total.ravel()) for f in families}
    province_prior = {f: fit_beta_prior(counts[f].sum(axis=1), total.sum(axis=1)) for f in families}
    cells = tuple(Cell(p, months[mi], {f: _rate(counts[f][pi, mi], total[pi, mi], prior[f], level) for f in families})
                  for pi, p in enumerate(provinces) for mi in range(M) if total[pi, mi] > 0)
    by_province = {p: {f: _rate(counts[f][pi].sum(), total[pi].sum(), province_prior[f], level) for f in families}
                   for pi, p in enumerate(provinces)}
    nat_x = {f: counts[f].sum(axis=0) for f in families}
    nat_n = total.sum(axis=0)
    national = {f: tuple(float(v) for v in np.where(nat_n > 0, nat_x[f] / np.maximum(nat_n, 1e-12), np.nan)) for f in families}
    national_rate = {f: float(nat_x[f].sum() / nat_n.sum()) for f in families}

    beta = penalty * math.log(max(M, 2))
    change_points = []
    for series, xs, ns in [("national", nat_x, nat_n)] + [(p, {f: counts[f][pi] for f in families}, total[pi])
                                                          for pi, p in enumerate(provinces)]:
        for f in families:
            cps = pelt(xs[f], ns, beta, min_segment)
            bounds = [0] + cps + [M]
            for k, cp in enumerate(cps):
                s0, s1, s2 = bounds[k], cp, bounds[k + 2]
                before = xs[f][s0:s1].sum() / max(ns[s0:s1].sum(), 1e-12)
                after = xs[f][s1:s2].sum() / max(ns[s1:s2].sum(), 1e-12)
                change_points.append(ChangePoint(series, f, months[cp], float(before), float(after)))

    lags: tuple[LagCorrelation, ...] = ()
    if "control" in families and "dissent" in families:
        ok = nat_n >= min_reports
        if ok.sum() >= max_lag + 8:
            # Months with too few reports are left out of the series; the rest are treated as consecutive.
            xs = nat_x["control"][ok] / nat_n[ok]
            ys = nat_x["dissent"][ok] / nat_n[ok]
            lags = lagged_correlations(xs, ys, nat_n[ok], max_lag, level, boot, seed)
    spatial = None
    if "control" in families and "dissent" in families and P >= 4:
        n_p = total.sum(axis=1)
        shrunk = {f: np.array([by_province[p][f].value for p in provinces]) for f in ("control", "dissent")}
        spatial = spatial_correlation(counts["control"].sum(axis=1) / n_p, counts["dissent"].sum(axis=1) / n_p, n_p,
                                      shrunk["control"], shrunk["dissent"], seed)
    assumptions = (
        "A family's rate in a province-month is its share of all occurrences reported from there then (all families).",
        "Empirical-Bayes beta-binomial shrinkage toward the national rate; the prior's concentration by maximum "
        f"marginal likelihood ({', '.join(f'{f}: a={a:.2f}, b={b:.2f}' for f, (a, b) in prior.items())}).",
        "An occurrence whose span covers several months counts in each, in proportion to its days; "
        f"spans over {max_span_days} days and unknown dates are left out, as are occurrences abroad or with no province.",
        f"Change points: PELT with a quasi-binomial cost, penalty {penalty:g} x log({M} months) = {beta:.1f} per change, "
        f"segments of at least {min_segment} months.",
        f"Lagged relation on national monthly rates (months with at least {min_reports} reports), linear trend removed; "
        f"moving-block bootstrap ({boot} resamples) intervals; p-values from circular shifts with each month's "
        "counts redrawn as one multinomial around 9-month moving averages (so the coupling of shares of one total is "
        "in the null too); two-sided departures from the null's centre.",
        "Across provinces: Spearman correlation of raw control and dissent shares; null by permuting dissent shares "
        "among provinces with multinomial redraws.",
    )
    return IndexResult(tuple(families), tuple(months), tuple(provinces), cells, by_province, national, national_rate,
                       prior, tuple(change_points), lags, spatial, level, CAVEATS, assumptions, len(kept), left)
