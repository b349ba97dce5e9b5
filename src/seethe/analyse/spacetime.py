"""Coordinated or spontaneous?  Space-time interaction tests and the space-time permutation scan.

Three tests of one null hypothesis, H0: *when* incidents happen is independent
of *where* (each place keeps its own level of reporting, each day its own; the
two do not interact).  Under H0 the dates are exchangeable among the places,
so every test's p-value comes from permuting dates among places (Monte Carlo,
``permutations`` runs, p = (1 + #{permuted >= observed}) / (1 + runs)).

* Knox (1964): the number of pairs close in space (<= ``distance_km``) AND in
  time (<= ``days``).
* Mantel (1967): the sum over pairs of the product of reciprocal-transformed
  space and time distances, 1/(1 + km) x 1/(1 + days) (equivalent under
  permutation to their Pearson correlation).
* Kulldorff's space-time permutation scan (2005): cylinders = circles around
  each distinct location (``radii_km``) x time windows (1..``max_window_days``
  days); the expected count of a cylinder comes from the space and time
  margins (mu = C_circle x C_window / C); the Poisson generalised likelihood
  ratio c ln(c/mu) + (C-c) ln((C-c)/(C-mu)) for c > mu is maximised over
  cylinders; the maximum is compared with the maxima of permuted data.  The
  most likely cluster is named.

Imprecise occurrences are not dropped.  A place given by its city, county or
province is a disc; a date given by its week or month a span of days.  Each
statistic is its *expected value* over uniform draws of the point in the disc
and the day in the span: for Knox, sum over pairs of P(close in space) x
P(close in time); for the scan, fractional counts.  Space probabilities are
estimated once from ``draws`` shared uniform draws per occurrence, time
probabilities exactly.  Because the statistic is then a fixed function of the
data, the permutation test stays exact; redrawing points in every Monte Carlo
run instead would make the observed statistic itself random and break the
exchangeability the p-value rests on.

Reporting artefact: one report listing several incidents is not coordination.
Occurrences that share a report id and lie within ``collapse_km`` (between
the edges of their areas) and ``collapse_days`` of each other are collapsed into one (the most precisely
placed member, over the union of the spans) before testing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
from threadpoolctl import ThreadpoolController

from seethe.analyse._geometry import AreaTable, Located, draw_in_discs, load_area_table, locate, project_km
from seethe.analyse._records import Occurrence
from seethe.analyse._results import ResultMixin, fmt_p
from seethe.errors import AnalysisError

LONG_SPAN = "date known only to within more than {} days"
MERGED = "collapsed into another occurrence of the same report (close in space and time)"


@dataclass(frozen=True, slots=True)
class TestResult:
    name: str
    statistic: float  # observed (expected over imprecision)
    null_mean: float  # mean over the permutations
    p_value: float
    permutations: int  # how many were run (fewer when stopped early)

    def line(self) -> str:
        return (f"{self.name}: observed {self.statistic:.3f}, expected under H0 {self.null_mean:.3f}, "
                f"p = {fmt_p(self.p_value)} ({self.permutations} permutations)")


@dataclass(frozen=True, slots=True)
class ScanCluster:
    """The most likely cluster of the space-time permutation scan."""

    lat: float
    lon: float
    centre_id: str  # the occurrence whose place is the circle's centre
    admin1: str | None
    radius_km: float
    start: dt.date
    end: dt.date
    observed: float
    expected: float
    llr: float
    p_value: float
    members: tuple[str, ...]  # occurrences with at least half their weight inside

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else math.inf


@dataclass(frozen=True, slots=True)
class ClusterResult(ResultMixin):
    knox: TestResult
    mantel: TestResult
    scan: TestResult
    cluster: ScanCluster | None
    alpha: float
    parameters: dict[str, object]
    assumptions: tuple[str, ...]
    used: int
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def detected(self) -> bool:
        """The primary test (the scan, which names where and when) rejects H0 at ``alpha``."""
        return self.scan.p_value <= self.alpha

    def describe(self) -> list[str]:
        verdict = ("a space-time cluster beyond what the margins explain" if self.detected
                   else "no space-time clustering beyond what the margins explain")
        lines = [f"Space-time interaction among {self.used} occurrence(s): {verdict} (scan p = {fmt_p(self.scan.p_value)}, alpha {self.alpha})."]
        c = self.cluster
        if c is not None:
            lines.append(f"Most likely cluster: within {c.radius_km:g} km of {c.centre_id} ({c.lat:.2f}, {c.lon:.2f}, "
                         f"{c.admin1 or 'province unknown'}), {c.start} to {c.end}: observed {c.observed:.1f}, "
                         f"expected {c.expected:.2f} (x{c.ratio:.1f}), p = {fmt_p(c.p_value)}.")
        lines += [self.scan.line(), self.knox.line(), self.mantel.line()]
        return lines + self._footer()


# --- preparing the units ----------------------------------------------------


def _close(a: Located, b: Located, km: float, days: int, xy: dict[str, np.ndarray]) -> bool:
    gap_days = max((b.occ.start - a.occ.end).days, (a.occ.start - b.occ.end).days, 0)
    # Nearest-boundary distance: "somewhere in the province" is close to every town of it.
    gap_km = float(np.hypot(*(xy[a.occ.id] - xy[b.occ.id]))) - a.radius_km - b.radius_km
    return gap_days <= days and gap_km <= km


def collapse_reports(located: Sequence[Located], km: float, days: int) -> tuple[list[Located], int]:
    """Collapse occurrences sharing a report id and close in space and time; returns (units, merged count)."""
    if not located:
        return [], 0
    pts = project_km([p.lat for p in located], [p.lon for p in located])
    xy = {p.occ.id: pts[i] for i, p in enumerate(located)}
    parent = list(range(len(located)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_report: dict[str, list[int]] = {}
    for i, p in enumerate(located):
        for r in p.occ.reports:
            by_report.setdefault(r, []).append(i)
    for members in by_report.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if root(i) != root(j) and _close(located[i], located[j], km, days, xy):
                    parent[root(i)] = root(j)
    groups: dict[int, list[Located]] = {}
    for i, p in enumerate(located):
        groups.setdefault(root(i), []).append(p)
    units = []
    for members in groups.values():
        best = min(members, key=lambda p: (p.radius_km, p.occ.id))
        if len(members) > 1:
            from dataclasses import replace
            occ = replace(best.occ, start=min(p.occ.start for p in members), end=max(p.occ.end for p in members),
                          reports=tuple(sorted({r for p in members for r in p.occ.reports})))
            best = Located(occ, best.lat, best.lon, best.radius_km)
        units.append(best)
    units.sort(key=lambda p: p.occ.id)
    return units, len(located) - len(units)


def _window_sums(m: np.ndarray, length: int) -> np.ndarray:
    """Sums of ``length`` consecutive days along the last axis (one column per window start)."""
    c = np.cumsum(m, axis=-1, dtype=np.float64)
    c = np.concatenate([np.zeros(m.shape[:-1] + (1,)), c], axis=-1)
    return c[..., length:] - c[..., :-length]


@dataclass
class _Data:
    units: list[Located]
    xy: np.ndarray  # (n, 2) centres in km
    draws: np.ndarray  # (n, k, 2)
    days: np.ndarray  # (n, D) day probabilities
    first: dt.date


def _prepare(units: list[Located], draws: int, seed: int) -> _Data:
    rng = np.random.default_rng(seed)
    xy = project_km([u.lat for u in units], [u.lon for u in units])
    radii = np.array([u.radius_km for u in units])
    pts = draw_in_discs(xy, radii, draws, rng)
    first = min(u.occ.start for u in units)
    span = (max(u.occ.end for u in units) - first).days + 1
    from seethe.analyse._geometry import day_matrix
    return _Data(units, xy, pts, day_matrix([u.occ for u in units], first.toordinal(), span), first)


def _space_close(pts: np.ndarray, km: float) -> np.ndarray:
    """P(two occurrences' points lie within ``km``), from paired draws: (n, n), zero diagonal."""
    n = len(pts)
    out = np.zeros((n, n))
    for i in range(n):  # row by row keeps memory at n x k
        d = np.hypot(pts[i, None, :, 0] - pts[:, :, 0], pts[i, None, :, 1] - pts[:, :, 1])
        out[i] = (d <= km).mean(axis=1)
    np.fill_diagonal(out, 0.0)
    return out


def _space_mean_distance(pts: np.ndarray) -> np.ndarray:
    n = len(pts)
    out = np.zeros((n, n))
    for i in range(n):
        out[i] = np.hypot(pts[i, None, :, 0] - pts[:, :, 0], pts[i, None, :, 1] - pts[:, :, 1]).mean(axis=1)
    return out


def _time_close(days: np.ndarray, tau: int) -> np.ndarray:
    """P(two occurrences' days lie within ``tau`` days of each other), exactly: (n, n)."""
    width = days.shape[1]
    padded = np.concatenate([np.zeros((len(days), tau)), days, np.zeros((len(days), tau))], axis=1)
    band = _window_sums(padded, 2 * tau + 1)[:, :width]  # mass within tau of each day
    return days @ band.T


def _time_mean_reciprocal(days: np.ndarray) -> np.ndarray:
    """E[1 / (1 + |day_i - day_j|)] exactly, through a Toeplitz kernel."""
    width = days.shape[1]
    idx = np.arange(width)
    kernel = 1.0 / (1.0 + np.abs(idx[:, None] - idx[None, :]))
    return days @ kernel @ days.T


# --- the scan ---------------------------------------------------------------


@dataclass
class _Scan:
    membership: np.ndarray  # (L, n) fractional membership of each unit in each circle
    centres: np.ndarray  # (L,) index of the unit at the centre
    radii: np.ndarray  # (L,)
    lengths: tuple[int, ...]
    expected: list[np.ndarray]  # per length: (L, starts)
    total: float

    def counts(self, days: np.ndarray) -> list[np.ndarray]:
        per_day = self.membership @ days  # (L, D)
        c = np.zeros((per_day.shape[0], per_day.shape[1] + 1))
        np.cumsum(per_day, axis=1, out=c[:, 1:])
        return [c[:, w:] - c[:, :-w] for w in self.lengths]

    def best(self, days: np.ndarray, min_cases: float = 2.0) -> tuple[float, tuple[int, int, int]]:
        """Highest log-likelihood ratio and its (length index, circle, start)."""
        top, where = 0.0, (-1, -1, -1)
        c_all = self.total
        for w_i, (obs, mu) in enumerate(zip(self.counts(days), self.expected)):
            hot = (obs > mu) & (obs >= min_cases)
            if not hot.any():
                continue
            c, m = obs[hot], mu[hot]
            rest = np.maximum(c_all - c, 1e-12)
            llr = c * np.log(c / m) + rest * np.log(rest / np.maximum(c_all - m, 1e-12))
            k = int(np.argmax(llr))
            if llr[k] > top:
                flat = int(np.flatnonzero(hot)[k])
                top, where = float(llr[k]), (w_i, flat // hot.shape[1], flat % hot.shape[1])
        return top, where


def _build_scan(data: _Data, radii_km: Sequence[float], max_window_days: int, max_share: float) -> _Scan:
    n = len(data.units)
    # Circles around each distinct location (rounded to 1 km), at each radius.
    seen: dict[tuple[int, int], int] = {}
    for i, (x, y) in enumerate(data.xy):
        seen.setdefault((round(x), round(y)), i)
    centre_idx = np.array(sorted(seen.values()))
    rows, cen, rad = [], [], []
    for i in centre_idx:
        d = np.hypot(data.draws[:, :, 0] - data.xy[i, 0], data.draws[:, :, 1] - data.xy[i, 1])  # (n, k)
        for r in radii_km:
            m = (d <= r).mean(axis=1)
            if m.sum() > max_share * n or m.sum() < 1:
                continue  # at most half the cases in a circle (Kulldorff's default); at least one
            rows.append(m)
            cen.append(i)
            rad.append(r)
    if not rows:
        raise AnalysisError("no scan circle holds an occurrence: too few located occurrences")
    # Circles holding the same occurrences in the same proportions are one cylinder set: keep the first.
    unique: dict[bytes, int] = {}
    for k, m in enumerate(rows):
        unique.setdefault(np.round(m, 3).tobytes(), k)
    keep = sorted(unique.values())
    rows, cen, rad = [rows[k] for k in keep], [cen[k] for k in keep], [rad[k] for k in keep]
    membership = np.array(rows)
    lengths = tuple(w for w in (1, 2, 3, 5, 7, 10, 14, 21, 28) if w <= max_window_days) or (1,)
    margin = data.days.sum(axis=0)  # fixed under permutation
    space = membership.sum(axis=1)
    expected = [np.outer(space, _window_sums(margin, w)) / n for w in lengths]
    return _Scan(membership, np.array(cen), np.array(rad, dtype=float), lengths, expected, float(n))


# --- the analysis -----------------------------------------------------------


def _mc_p(exceed: int, runs: int) -> float:
    return (exceed + 1) / (runs + 1)


def cluster(occurrences: Iterable[Occurrence], **kw) -> ClusterResult:
    """Test for space-time interaction and name the most likely cluster (see the module doc and ``_cluster``)."""
    # The matrix products here are small; a multithreaded BLAS spends more on its threads than on them
    # (four times slower on two cores), so the whole analysis runs on one BLAS thread.
    global _THREADS
    if _THREADS is None:  # finding the BLAS libraries costs milliseconds: once per process
        _THREADS = ThreadpoolController()
    with _THREADS.limit(limits=1, user_api="blas"):
        return _cluster(occurrences, **kw)


_THREADS: ThreadpoolController | None = None


def _cluster(occurrences: Iterable[Occurrence], *, distance_km: float = 25.0, days: int = 3,
            radii_km: Sequence[float] = (10.0, 25.0, 50.0, 100.0), max_window_days: int = 7,
            permutations: int = 999, alpha: float = 0.05, stop_early: bool = False,
            collapse: bool = True, collapse_km: float = 100.0, collapse_days: int = 7,
            max_span_days: int = 31, draws: int = 64, seed: int = 0, profile: str = "kp",
            areas: AreaTable | None = None) -> ClusterResult:
    """Test for space-time interaction and name the most likely cluster (see the module doc).

    ``stop_early`` stops a test's permutations once its p-value can no longer
    fall to ``alpha`` (``alpha (permutations + 1)`` exceedances seen, as in
    Besag and Clifford's sequential test): the decision at ``alpha`` is the same
    as with every run, and the p-value, (exceedances + 1) / (runs made + 1), is
    then above ``alpha`` but not the full run's value.  Calibration runs use it.
    """
    if permutations < 19:
        raise AnalysisError("at least 19 permutations are needed for a p-value of 0.05")
    table = areas or load_area_table(profile)
    located, left_out = locate(occurrences, table, home_only=True)
    long_key = LONG_SPAN.format(max_span_days)
    kept = []
    for p in located:
        if p.occ.span_days > max_span_days:
            left_out[long_key] = left_out.get(long_key, 0) + 1
        else:
            kept.append(p)
    units, merged = collapse_reports(kept, collapse_km, collapse_days) if collapse else (kept, 0)
    if merged:
        left_out[MERGED] = merged
    if len(units) < 4:
        raise AnalysisError(f"only {len(units)} usable occurrence(s): too few to test for clustering")
    data = _prepare(units, draws, seed)
    n = len(units)
    space_close = _space_close(data.draws, distance_km)
    time_close = _time_close(data.days, days)
    space_near = 1.0 / (1.0 + _space_mean_distance(data.draws))
    np.fill_diagonal(space_near, 0.0)
    time_near = _time_mean_reciprocal(data.days)
    scan = _build_scan(data, radii_km, max_window_days, 0.5)

    def knox(perm: np.ndarray) -> float:
        return float((space_close * time_close[np.ix_(perm, perm)]).sum() / 2)

    def mantel(perm: np.ndarray) -> float:
        return float((space_near * time_near[np.ix_(perm, perm)]).sum() / 2)

    def scan_max(perm: np.ndarray) -> float:
        return scan.best(data.days[perm])[0]

    identity = np.arange(n)
    observed = {"knox": knox(identity), "mantel": mantel(identity)}
    scan_llr, where = scan.best(data.days)
    observed["scan"] = scan_llr
    tests = {"knox": knox, "mantel": mantel, "scan": scan_max}
    exceed = {k: 0 for k in tests}
    runs = {k: 0 for k in tests}
    sums = {k: 0.0 for k in tests}
    enough = math.ceil(alpha * (permutations + 1))  # exceedances at which p > alpha for sure
    rng = np.random.default_rng(seed + 1)
    for _ in range(permutations):
        perm = rng.permutation(n)
        active = [k for k in tests if not (stop_early and exceed[k] >= enough)]
        if not active:
            break
        for k in active:
            value = tests[k](perm)
            runs[k] += 1
            sums[k] += value
            exceed[k] += value >= observed[k] - 1e-9 * max(1.0, abs(observed[k]))
    results = {k: TestResult({"knox": f"Knox (<= {distance_km:g} km and <= {days} days)",
                              "mantel": "Mantel (1/(1+km) x 1/(1+days))",
                              "scan": "Space-time permutation scan (max log-likelihood ratio)"}[k],
                             observed[k], sums[k] / max(runs[k], 1), _mc_p(exceed[k], runs[k]), runs[k])
               for k in tests}
    best = None
    if where[0] >= 0:
        w_i, l, s = where
        length = scan.lengths[w_i]
        obs = float(scan.counts(data.days)[w_i][l, s])
        centre = data.units[int(scan.centres[l])]
        members = tuple(data.units[i].occ.id for i in range(n)
                        if scan.membership[l, i] * data.days[i, s:s + length].sum() >= 0.5)
        best = ScanCluster(centre.lat, centre.lon, centre.occ.id, centre.occ.admin1, float(scan.radii[l]),
                           data.first + dt.timedelta(days=int(s)), data.first + dt.timedelta(days=int(s + length - 1)),
                           obs, float(scan.expected[w_i][l, s]), scan_llr, results["scan"].p_value, members)
    assumptions = (
        "H0: dates are independent of places; each place keeps its own level of reporting and each day its own "
        "(both margins are conditioned on, so border provinces reporting more, or a busy month, do not make a cluster).",
        "p-values by Monte Carlo permutation of dates among places "
        f"({permutations} runs{', stopped once a test could no longer reach alpha' if stop_early else ''}).",
        "An imprecise place is a disc of its area (city 5 km radius; county and province from areas.json) and an "
        "imprecise date a span of days; each statistic is its expected value over uniform draws within them "
        f"({draws} shared draws for space, exact for time).",
        f"Occurrences with dates vaguer than {max_span_days} days, with no place below the country, or abroad are left out.",
        (f"Occurrences sharing a report id within {collapse_km:g} km and {collapse_days} days were collapsed into one: "
         "a report listing several incidents is one observation, not coordination. A real wave told by one report "
         "alone therefore counts once.") if collapse else
        "Occurrences of one report were NOT collapsed: a roundup report can look like a cluster.",
        f"Scan: circles of {', '.join(f'{r:g}' for r in radii_km)} km around each location holding at most half the "
        f"occurrences, windows of {', '.join(map(str, scan.lengths))} day(s); at least 2 cases in a cluster.",
        "Distances on an equirectangular projection at the data's mean latitude (under 3% error over the country).",
        "A detected cluster means dates and places interact; it does not say why (coordination, contagion, "
        "a crackdown that found many cases at once, or a reporting burst from one source network).",
    )
    params = {"distance_km": distance_km, "days": days, "radii_km": list(radii_km), "max_window_days": max_window_days,
              "permutations": permutations, "collapse": collapse, "collapse_km": collapse_km,
              "collapse_days": collapse_days, "max_span_days": max_span_days, "draws": draws, "seed": seed}
    return ClusterResult(results["knox"], results["mantel"], results["scan"], best, alpha, params, assumptions, n,
                         left_out)
