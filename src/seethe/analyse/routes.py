"""Could ONE person have done all of these?  A route with time windows.

Each occurrence is a time window (its span: a day-precision incident is that
whole day, 00:00-24:00) and a disc (its place at its precision).  One person
could have done them all if there is an order and a moment in each window
such that every leg between consecutive incidents is travellable at a speed.

Travel between two discs uses the nearest-boundary distance (centre distance
minus both radii, floored at 0) times a detour factor.  A speed is a pace
while moving and a cap on moving hours in any 24 hours; a journey of ``m``
hours of moving at ``h`` hours a day takes ``m`` hours if ``m <= h``, and
otherwise full days of rest in between.  Travel time grows with distance and
never depends on when one sets out, so the earliest arrival is always the best
state to be in (the FIFO property), which makes the dynamic programme exact:

    E[S, j] = max(open_j, min_i E[S - j, i] + travel(i, j))   if <= close_j

over subsets ``S`` of the incidents ending at ``j`` (Held-Karp with time
windows).  Up to ``EXACT_LIMIT`` incidents it is solved exactly; the slowest
sufficient speed is found by bisection on that exact check (feasibility only
grows with speed).  Above the limit a stated heuristic gives a witness order
(an upper bound on the speed needed) and the pairwise check a lower bound.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

from seethe.analyse._geometry import AreaTable, Located, haversine_km, load_area_table, locate
from seethe.analyse._records import Occurrence
from seethe.analyse._results import ResultMixin
from seethe.errors import AnalysisError
from seethe.profile import load_profile

EXACT_LIMIT = 15
TRAVEL_SCHEMA = "seethe.travel/1"
_SLOWEST, _FASTEST = 0.01, 1e6  # km/h: the bisection's bracket


@dataclass(frozen=True, slots=True)
class Speed:
    """How fast one person moves: pace while moving and most moving hours in any 24 hours."""

    kmh: float
    hours_per_day: float = 24.0

    def __post_init__(self) -> None:
        if not (self.kmh > 0 and 0 < self.hours_per_day <= 24):
            raise AnalysisError(f"a speed needs kmh > 0 and 0 < hours_per_day <= 24, not {self}")

    def with_kmh(self, kmh: float) -> "Speed":
        return Speed(kmh, self.hours_per_day)


def elapsed_hours(km: np.ndarray | float, speed: Speed) -> np.ndarray:
    """Clock hours to cover ``km``: the first ``h`` moving hours at full pace, the rest at h/24 of the time.

    The rest is spread evenly (continuous and increasing in distance); at whole
    days of moving it equals moving ``h`` hours and resting ``24 - h`` each day.
    """
    moving = np.asarray(km, dtype=float) / speed.kmh
    h = speed.hours_per_day
    if h >= 24:
        return moving
    return moving + np.maximum(moving - h, 0.0) * (24 - h) / h


@lru_cache(maxsize=8)
def load_travel(profile: str = "kp") -> tuple[dict[str, Speed], float]:
    """Default speeds by mode and the detour factor from a profile's ``travel.json``."""
    path = Path(profile) if Path(profile).is_file() else load_profile(profile).path("travel")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AnalysisError(f"cannot read travel speeds: {exc}", source=str(path)) from exc
    if not isinstance(data, dict) or data.get("schema") != TRAVEL_SCHEMA or not isinstance(data.get("modes"), dict):
        raise AnalysisError(f"travel file must follow {TRAVEL_SCHEMA!r} with a 'modes' object", source=str(path))
    modes = {}
    for name, m in data["modes"].items():
        if not isinstance(m, dict) or "kmh" not in m:
            raise AnalysisError(f"mode {name!r} needs kmh", source=str(path))
        modes[name] = Speed(float(m["kmh"]), float(m.get("hours_per_day", 24)))
    return modes, float(data.get("detour", 1.3))


@dataclass(frozen=True, slots=True)
class Leg:
    """One move in the route, timed at the slowest sufficient speed."""

    from_id: str
    to_id: str
    km: float  # route length: nearest-boundary distance times the detour factor
    travel_hours: float
    depart: dt.datetime
    arrive: dt.datetime
    slack_hours: float  # how long before the destination's window closed
    binding: bool  # on the chain that makes this speed the slowest possible


@dataclass(frozen=True, slots=True)
class ReachResult(ResultMixin):
    possible: bool | None  # at the chosen mode's speed; None when the approximation cannot tell
    mode: str
    speed: Speed
    min_speed_kmh: float  # slowest pace (at the mode's hours per day) that makes it possible
    min_speed_bounds: tuple[float, float]  # equal when exact
    exact: bool
    method: str
    order: tuple[str, ...]
    legs: tuple[Leg, ...]
    binding: tuple[tuple[str, str], ...]
    by_mode: dict[str, bool | None]
    speeds: dict[str, Speed]
    places: dict[str, tuple[float, float, float]]  # id -> (lat, lon, radius_km), for the route chart
    assumptions: tuple[str, ...]
    used: int
    left_out: dict[str, int] = field(default_factory=dict)

    def describe(self) -> list[str]:
        verdict = {True: "POSSIBLE", False: "IMPOSSIBLE", None: "UNDETERMINED"}[self.possible]
        s = self.speed
        lines = [f"One person doing all {self.used} occurrence(s) by {self.mode} "
                 f"({s.kmh:g} km/h, {s.hours_per_day:g} h/day): {verdict}."]
        lo, hi = self.min_speed_bounds
        per_day = f" ({self.min_speed_kmh * min(s.hours_per_day, 24):.0f} km/day)"
        if self.exact:
            lines.append(f"Slowest pace that makes it possible: {self.min_speed_kmh:.2f} km/h at {s.hours_per_day:g} h/day{per_day}.")
        else:
            lines.append(f"Slowest pace that makes it possible lies between {lo:.2f} and {hi:.2f} km/h "
                         f"(APPROXIMATE: {self.used} incidents are too many for the exact programme).")
        lines.append("By mode: " + ", ".join(f"{m} {'yes' if v else ('no' if v is False else '?')}"
                                              for m, v in self.by_mode.items()))
        if self.order:
            lines.append("Order: " + " -> ".join(self.order))
        for leg in self.legs:
            mark = "  BINDING" if leg.binding else ""
            lines.append(f"  {leg.from_id} -> {leg.to_id}: {leg.km:.0f} km, {leg.travel_hours:.1f} h, "
                         f"depart {leg.depart:%Y-%m-%d %H:%M}, arrive {leg.arrive:%Y-%m-%d %H:%M}, "
                         f"slack {leg.slack_hours:.1f} h{mark}")
        lines.append(f"Method: {self.method}.")
        return lines + self._footer()


# --- the problem in numbers -------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Problem:
    ids: tuple[str, ...]
    open_h: np.ndarray  # window opens, hours after t0
    close_h: np.ndarray  # window closes
    route_km: np.ndarray  # (n, n) route length between discs
    dwell_h: float
    t0: dt.datetime

    def travel(self, speed: Speed) -> np.ndarray:
        t = elapsed_hours(self.route_km, speed) + self.dwell_h
        np.fill_diagonal(t, 0.0)
        return t


def _problem(located: Sequence[Located], detour: float, dwell_h: float) -> _Problem:
    lat = np.array([p.lat for p in located])
    lon = np.array([p.lon for p in located])
    rad = np.array([p.radius_km for p in located])
    centre = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    gap = np.maximum(centre - rad[:, None] - rad[None, :], 0.0)
    first = min(p.occ.start for p in located)
    t0 = dt.datetime.combine(first, dt.time())
    open_h = np.array([(p.occ.start - first).days * 24.0 for p in located])
    close_h = np.array([((p.occ.end - first).days + 1) * 24.0 for p in located])
    return _Problem(tuple(p.occ.id for p in located), open_h, close_h, gap * detour, dwell_h, t0)


# --- exact: Held-Karp with time windows -------------------------------------


def _masks_by_size(n: int) -> list[np.ndarray]:
    masks = np.arange(1 << n, dtype=np.int64)
    sizes = np.zeros(1 << n, dtype=np.int64)
    for j in range(n):
        sizes += (masks >> j) & 1
    return [masks[sizes == k] for k in range(n + 1)]


def _held_karp(prob: _Problem, travel: np.ndarray, with_order: bool = False):
    """Earliest arrival over all orders; returns (feasible, order or None)."""
    n = len(prob.ids)
    full = (1 << n) - 1
    arrive = np.full((1 << n, n), np.inf)
    parent = np.full((1 << n, n), -1, dtype=np.int8) if with_order else None
    for j in range(n):
        arrive[1 << j, j] = prob.open_h[j]
    layers = _masks_by_size(n)
    for k in range(1, n):
        masks = layers[k]
        rows = arrive[masks]  # (m, n): earliest arrival at i having done mask
        if not np.isfinite(rows).any():
            return False, None
        cand = rows[:, :, None] + travel[None, :, :]  # (m, i, j)
        best_i = cand.argmin(axis=1)
        best = np.take_along_axis(cand, best_i[:, None, :], axis=1)[:, 0, :]
        best = np.maximum(best, prob.open_h[None, :])
        best[best > prob.close_h[None, :]] = np.inf
        for j in range(n):
            free = ((masks >> j) & 1) == 0
            targets = masks[free] | (1 << j)
            arrive[targets, j] = best[free, j]
            if with_order:
                parent[targets, j] = best_i[free, j]
    last = arrive[full]
    if not np.isfinite(last).any():
        return False, None
    if not with_order:
        return True, None
    j = int(np.argmin(last))
    mask, order = full, []
    while j >= 0:
        order.append(j)
        prev = int(parent[mask, j])
        mask &= ~(1 << j)
        j = prev if mask else -1
    return True, order[::-1]


# --- a fixed order, and the approximation above the exact limit -------------


def _schedule(prob: _Problem, travel: np.ndarray, order: Sequence[int]) -> np.ndarray | None:
    """Earliest arrivals along a fixed order, or None when a window is missed."""
    times = np.empty(len(order))
    t = -np.inf
    prev = None
    for k, j in enumerate(order):
        t = prob.open_h[j] if prev is None else max(prob.open_h[j], t + travel[prev, j])
        if t > prob.close_h[j] + 1e-9:
            return None
        times[k] = t
        prev = j
    return times


def _pairs_feasible(prob: _Problem, travel: np.ndarray) -> bool:
    """Every pair can be done in some order: necessary for the whole set (a lower bound)."""
    ij = prob.open_h[:, None] + travel <= prob.close_h[None, :]
    return bool(np.all(ij | ij.T))


def _heuristic_orders(prob: _Problem) -> list[list[int]]:
    n = len(prob.ids)
    mid = (prob.open_h + prob.close_h) / 2
    return [sorted(range(n), key=lambda i: (prob.open_h[i], prob.close_h[i])),
            sorted(range(n), key=lambda i: (prob.close_h[i], prob.open_h[i])),
            sorted(range(n), key=lambda i: (mid[i], prob.open_h[i]))]


def _min_speed(feasible, base: Speed, iterations: int = 48) -> float:
    """Bisection in log speed on a monotone feasibility predicate; inf when even the fastest fails."""
    if feasible(base.with_kmh(_SLOWEST)):
        return _SLOWEST
    if not feasible(base.with_kmh(_FASTEST)):
        return math.inf
    lo, hi = math.log(_SLOWEST), math.log(_FASTEST)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        if feasible(base.with_kmh(math.exp(mid))):
            hi = mid
        else:
            lo = mid
        if hi - lo < 1e-5:
            break
    return math.exp(hi)


def _legs(prob: _Problem, travel: np.ndarray, order: Sequence[int], times: np.ndarray) -> tuple[Leg, ...]:
    slack = np.array([prob.close_h[j] - times[k] for k, j in enumerate(order)])
    tol = 1e-3 * float(np.max(travel)) + 0.05 if travel.size else 0.05
    late = [times[k] > prob.open_h[j] + tol for k, j in enumerate(order)]  # arrived after the window opened
    binding = [False] * len(order)
    for k in range(1, len(order)):
        if slack[k] <= tol:
            # Walk back along legs taken without waiting: together they set the pace.
            m = k
            while m >= 1:
                binding[m] = True
                if not late[m - 1]:
                    break
                m -= 1
    legs = []
    for k in range(1, len(order)):
        i, j = order[k - 1], order[k]
        depart = times[k - 1] + prob.dwell_h
        legs.append(Leg(prob.ids[i], prob.ids[j], float(prob.route_km[i, j]), float(travel[i, j] - prob.dwell_h),
                        prob.t0 + dt.timedelta(hours=float(depart)), prob.t0 + dt.timedelta(hours=float(times[k])),
                        float(slack[k]), binding[k]))
    return tuple(legs)


def _check_speeds(speeds: Mapping[str, Speed | tuple | Mapping]) -> dict[str, Speed]:
    out = {}
    for name, s in speeds.items():
        if isinstance(s, Speed):
            out[name] = s
        elif isinstance(s, Mapping):
            out[name] = Speed(float(s["kmh"]), float(s.get("hours_per_day", 24)))
        else:
            kmh, *rest = s
            out[name] = Speed(float(kmh), float(rest[0]) if rest else 24.0)
    return out


def reach(occurrences: Iterable[Occurrence], speeds: Mapping[str, Speed | tuple | Mapping] | None = None,
          mode: str = "rail", detour: float | None = None, *, dwell_hours: float = 0.0,
          profile: str = "kp", areas: AreaTable | None = None, exact_limit: int = EXACT_LIMIT) -> ReachResult:
    """Could one person have done all of these occurrences?  See the module doc for the method.

    ``speeds`` overrides or adds modes (``{"foot": Speed(4, 8)}`` or ``{"foot": (4, 8)}``);
    ``mode`` picks the headline verdict (default: the fastest default mode, so that
    "impossible" is a safe claim); ``detour`` multiplies straight-line distances.
    """
    default_speeds, default_detour = load_travel(profile)
    all_speeds = {**default_speeds, **_check_speeds(speeds or {})}
    if mode not in all_speeds:
        raise AnalysisError(f"unknown mode {mode!r} (known: {', '.join(all_speeds)})")
    detour = default_detour if detour is None else float(detour)
    if detour < 1:
        raise AnalysisError(f"a detour factor below 1 ({detour}) would beat the straight line")
    table = areas or load_area_table(profile)
    located, left_out = locate(occurrences, table, home_only=False)
    if not located:
        raise AnalysisError("no occurrence has a place to route through")
    prob = _problem(located, detour, dwell_hours)
    base = all_speeds[mode]
    n = len(located)
    if exact_limit > EXACT_LIMIT:
        raise AnalysisError(f"the exact programme is limited to {EXACT_LIMIT} incidents (2^n states)")
    exact = n <= exact_limit

    if exact:
        def feasible(s: Speed) -> bool:
            return _held_karp(prob, prob.travel(s))[0]
        v = _min_speed(feasible, base)
        bounds = (v, v)
        if math.isfinite(v):
            _, order = _held_karp(prob, prob.travel(base.with_kmh(v)), with_order=True)
        else:
            order = []
        by_mode = {m: feasible(s) for m, s in all_speeds.items()}
        method = "exact dynamic programme over subsets (Held-Karp with time windows), bisection on speed"
    else:
        candidates = _heuristic_orders(prob)
        def order_speed(o):
            return _min_speed(lambda s: _schedule(prob, prob.travel(s), o) is not None, base)
        speeds_needed = [order_speed(o) for o in candidates]
        best = int(np.argmin(speeds_needed))
        order, upper = candidates[best], speeds_needed[best]
        lower = _min_speed(lambda s: _pairs_feasible(prob, prob.travel(s)), base)
        v, bounds = upper, (lower, upper)
        by_mode = {}
        for m, s in all_speeds.items():
            lb = _min_speed(lambda x: _pairs_feasible(prob, prob.travel(x)), s)
            ub = min(_min_speed(lambda x, o=o: _schedule(prob, prob.travel(x), o) is not None, s) for o in candidates)
            by_mode[m] = True if s.kmh >= ub else (False if s.kmh < lb else None)
        method = (f"APPROXIMATE ({n} incidents > exact limit {exact_limit}): witness orders by window start, "
                  f"window end and window midpoint (upper bound on the speed needed); every pair feasible in "
                  f"some order (lower bound)")
    possible = by_mode[mode]
    legs: tuple[Leg, ...] = ()
    if order and math.isfinite(v):
        travel = prob.travel(base.with_kmh(v))
        times = _schedule(prob, travel, order)
        if times is not None:
            legs = _legs(prob, travel, order, times)
    binding = tuple((leg.from_id, leg.to_id) for leg in legs if leg.binding)
    assumptions = (
        "Each occurrence happened at some moment inside its span; a day-precision date is that whole day (00:00-24:00).",
        "An imprecise place is a disc of its area (city 5 km radius; county and province sizes from areas.json); "
        "travel between two discs uses the nearest-boundary distance (centre distance minus both radii, floored at 0). "
        "The traveller may use different points of one area to arrive and to leave, which favours 'possible': "
        "an 'impossible' verdict is safe, a 'possible' verdict is an upper bound.",
        f"Route length is the great-circle distance times a detour factor of {detour:g}.",
        "Speeds by mode: " + "; ".join(f"{m} {s.kmh:g} km/h for at most {s.hours_per_day:g} h a day"
                                       for m, s in all_speeds.items()) + " (planning figures, overridable).",
        "A speed is a pace while moving and a daily cap on moving hours: a leg's first h hours of moving "
        "take h hours, beyond that the rest is spread evenly (h/24 of the time moving). Each leg starts "
        "with a fresh day's hours, which again favours 'possible'.",
        f"Doing an incident takes {dwell_hours:g} h; the person may wait anywhere for a window to open.",
        "Occurrences with no place or only the country as place cannot be routed and are left out.",
    )
    places = {p.occ.id: (p.lat, p.lon, p.radius_km) for p in located}
    return ReachResult(possible, mode, base, v, bounds, exact, method, tuple(prob.ids[i] for i in order), legs,
                       binding, by_mode, all_speeds, places, assumptions, n, left_out)
