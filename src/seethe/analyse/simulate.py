"""Synthetic occurrences with a known truth, to measure the analyses' calibration.

The background imitates what reporting from North Korea looks like: far more
incidents in the provinces on the Chinese border (where sources and phones
are), a seasonal swing that is the same everywhere, places given at mixed
precision (city, county, province), dates given at mixed precision (day,
week, month), publication after a random delay that differs by outlet, and
roundup reports that list several incidents from one province with one
shared date span.  Independent background incidents have no space-time
interaction by construction: a calibrated test rejects on them at its alpha.

On top come the two things analysts must tell apart:

* ``wave``: k incidents in the k nearest towns within 1-2 days, each told by
  its own source (coordination, or at least contagion);
* ``roundup``: one report listing k incidents (a reporting artefact).

The functions take ``Town`` records (build them from the gazetteer's places
with ``towns_from_places``); nothing here reads files except the area table
for the border flags.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import numpy as np

from seethe.analyse._geometry import AreaTable, haversine_km, load_area_table
from seethe.analyse._records import Occurrence
from seethe.errors import AnalysisError

# What the background is made of.  Shares, not measurements: chosen to look like
# the development set (src/seethe/samples), where about half the places are
# towns and a quarter of the dates are months.
FAMILY_MIX = {"dissent": 0.32, "control": 0.34, "burden": 0.14, "disorder": 0.12, "elite": 0.04, "military": 0.04}
CATEGORY_OF = {"dissent": "dissent.leaflet_graffiti", "control": "control.investigation", "burden": "burden.mobilization",
               "disorder": "disorder.crime", "elite": "elite.purge", "military": "military.discipline"}
PLACE_MIX = {"city": 0.6, "county": 0.2, "province": 0.2}
TIME_MIX = {"day": 0.55, "week": 0.2, "month": 0.25}


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    lat: float
    lon: float
    admin1: str


@dataclass(frozen=True, slots=True)
class DelayModel:
    """Publication delay in days: lognormal by outlet (median days, log-sd), discretised by flooring."""

    outlets: tuple[tuple[str, float, float, float], ...] = (
        # outlet, share of incidents, median delay (days), sigma of log delay
        ("Daily NK", 0.45, 9.0, 1.0),
        ("RFA", 0.30, 18.0, 1.0),
        ("Asia Press", 0.15, 30.0, 0.9),
        ("NK News", 0.10, 12.0, 1.1),
    )

    def draw(self, rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
        shares = np.array([o[1] for o in self.outlets])
        which = rng.choice(len(self.outlets), size=n, p=shares / shares.sum())
        med = np.array([self.outlets[w][2] for w in which])
        sig = np.array([self.outlets[w][3] for w in which])
        days = np.floor(np.exp(np.log(med) + sig * rng.standard_normal(n))).astype(int)
        return [self.outlets[w][0] for w in which], days


def towns_from_places(places: Iterable, country: str) -> list[Town]:
    """Towns, cities and counties of the country that have coordinates (``seethe.models.Place`` records)."""
    out, seen = [], set()
    for p in places:
        if p.country != country or p.lat is None or p.type not in ("city", "county", "town") or not p.admin1_iso:
            continue
        key = (round(p.lat, 2), round(p.lon, 2))
        if key in seen:  # a county and its seat often share coordinates
            continue
        seen.add(key)
        out.append(Town(p.name, float(p.lat), float(p.lon), p.admin1_iso))
    if not out:
        raise AnalysisError("no towns with coordinates to simulate in")
    return sorted(out, key=lambda t: (t.admin1, t.name))


def town_weights(towns: Sequence[Town], border_weight: float, areas: AreaTable) -> np.ndarray:
    """Where background incidents happen: a town on the Chinese border is ``border_weight`` times as likely."""
    w = np.array([border_weight if "CN" in areas.provinces.get(t.admin1, _NOWHERE).border else 1.0 for t in towns])
    return w / w.sum()


class _Nowhere:
    border: tuple[str, ...] = ()


_NOWHERE = _Nowhere()


def _span(true_day: dt.date, precision: str, rng: np.random.Generator) -> tuple[dt.date, dt.date]:
    """The span a report would give for an incident on ``true_day`` at this precision."""
    if precision == "week":
        offset = int(rng.integers(0, 7))
        start = true_day - dt.timedelta(days=offset)
        return start, start + dt.timedelta(days=6)
    if precision == "month":
        start = true_day.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return start, nxt - dt.timedelta(days=1)
    return true_day, true_day


def _occurrence(id: str, town: Town, true_day: dt.date, *, place_precision: str, time_precision: str, category: str,
                outlet: str, delay_days: int, report: str, rng: np.random.Generator) -> Occurrence:
    start, end = _span(true_day, time_precision, rng)
    published = true_day + dt.timedelta(days=int(delay_days))
    end = min(end, published)  # "this month" in a report of the 10th spans the 1st to the 10th
    lat, lon = (None, None) if place_precision == "province" else (town.lat, town.lon)
    return Occurrence(id, category, lat, lon, place_precision, town.admin1, start, end, time_precision, published,
                      outlet, (report,))


def _pick(rng: np.random.Generator, mix: dict[str, float], n: int) -> list[str]:
    keys = list(mix)
    p = np.array([mix[k] for k in keys])
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def simulate_background(towns: Sequence[Town], *, n: int = 120, start: dt.date = dt.date(2020, 1, 1), days: int = 365,
                        seed: int | np.random.Generator = 0, border_weight: float = 4.0, roundup_share: float = 0.15,
                        seasonal: float = 0.3, place_mix: dict[str, float] | None = None,
                        time_mix: dict[str, float] | None = None, delays: DelayModel | None = None,
                        areas: AreaTable | None = None, id_prefix: str = "bg") -> list[Occurrence]:
    """``n`` independent background incidents over ``days`` days, with roundup reports.

    Time and place are independent (the null of no space-time interaction), each
    inhomogeneous: border towns weigh ``border_weight`` times more, and the rate
    swings by +-``seasonal`` over the year.  A share ``roundup_share`` of reports
    list 2-4 incidents from one province with one shared date span.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    areas = areas or load_area_table()
    delays = delays or DelayModel()
    w = town_weights(towns, border_weight, areas)
    by_province: dict[str, list[int]] = {}
    for i, t in enumerate(towns):
        by_province.setdefault(t.admin1, []).append(i)
    day_w = 1 + seasonal * np.cos(2 * math.pi * (np.arange(days) + start.timetuple().tm_yday) / 365.25)
    day_w /= day_w.sum()
    out: list[Occurrence] = []
    report = 0
    while len(out) < n:
        report += 1
        size = int(rng.integers(2, 5)) if rng.random() < roundup_share else 1
        size = min(size, n - len(out))
        first = int(rng.choice(len(towns), p=w))
        members = [first]
        if size > 1:  # a roundup: more towns of the same province, same span, same report
            pool = by_province[towns[first].admin1]
            members += [int(rng.choice(pool)) for _ in range(size - 1)]
        true_day = start + dt.timedelta(days=int(rng.choice(days, p=day_w)))
        tp = _pick(rng, time_mix or TIME_MIX, 1)[0]
        span_seed = int(rng.integers(1 << 30))
        (outlet,), (delay,) = delays.draw(rng, 1)
        for town_index, pp, fam in zip(members, _pick(rng, place_mix or PLACE_MIX, size), _pick(rng, FAMILY_MIX, size)):
            occ = _occurrence(f"{id_prefix}{len(out):04d}", towns[town_index], true_day, place_precision=pp,
                              time_precision=tp, category=CATEGORY_OF[fam], outlet=outlet, delay_days=delay,
                              report=f"{id_prefix}-r{report:04d}", rng=np.random.default_rng(span_seed))
            out.append(occ)
    return out


def nearest_towns(towns: Sequence[Town], anchor: Town, k: int) -> list[Town]:
    lat = np.array([t.lat for t in towns])
    lon = np.array([t.lon for t in towns])
    d = haversine_km(anchor.lat, anchor.lon, lat, lon)
    return [towns[i] for i in np.argsort(d, kind="stable")[:k]]


def simulate_wave(towns: Sequence[Town], *, k: int, day: dt.date, seed: int | np.random.Generator = 0,
                  spread_days: int = 2, anchor: Town | None = None, border_weight: float = 4.0,
                  category: str = "dissent.leaflet_graffiti", delays: DelayModel | None = None,
                  areas: AreaTable | None = None, id_prefix: str = "wave") -> list[Occurrence]:
    """A coordinated wave: ``k`` incidents in the ``k`` towns nearest an anchor within ``spread_days`` days.

    Each incident is told by its own source (its own report), dated to the day and
    placed in its town: what a wave looks like once several sources describe it.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if anchor is None:
        anchor = towns[int(rng.choice(len(towns), p=town_weights(towns, border_weight, areas or load_area_table())))]
    delays = delays or DelayModel()
    outlets, delay_days = delays.draw(rng, k)
    out = []
    for i, town in enumerate(nearest_towns(towns, anchor, k)):
        true_day = day + dt.timedelta(days=int(rng.integers(0, spread_days)))
        out.append(_occurrence(f"{id_prefix}{i:02d}", town, true_day, place_precision="city", time_precision="day",
                               category=category, outlet=outlets[i], delay_days=int(delay_days[i]),
                               report=f"{id_prefix}-r{i:02d}", rng=rng))
    return out


def simulate_roundup(towns: Sequence[Town], *, k: int = 6, day: dt.date, seed: int | np.random.Generator = 0,
                     anchor: Town | None = None, id_prefix: str = "roundup", **kw) -> list[Occurrence]:
    """One report listing ``k`` incidents in the ``k`` towns nearest an anchor on the same day."""
    wave = simulate_wave(towns, k=k, day=day, seed=seed, spread_days=1, anchor=anchor, id_prefix=id_prefix, **kw)
    first = wave[0]
    return [replace(o, reports=(f"{id_prefix}-r",), outlet=first.outlet, published=first.published) for o in wave]


def simulate_stream(towns: Sequence[Town], *, start: dt.date = dt.date(2018, 1, 1), months: int = 48,
                    per_month: float = 25.0, trend: float = 0.0, seed: int | np.random.Generator = 0,
                    delays: DelayModel | None = None, areas: AreaTable | None = None,
                    border_weight: float = 4.0) -> list[Occurrence]:
    """A long stream of incidents for nowcast backtests: Poisson monthly counts with a trend and
    seasonal swing, mixed precision, each with its publication date (cut at any ``as_of`` later)."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    areas = areas or load_area_table()
    delays = delays or DelayModel()
    w = town_weights(towns, border_weight, areas)
    out: list[Occurrence] = []
    month_start = start.replace(day=1)
    for m in range(months):
        nxt = (month_start + dt.timedelta(days=32)).replace(day=1)
        length = (nxt - month_start).days
        rate = per_month * (1 + trend * m / max(months - 1, 1)) * (1 + 0.25 * math.sin(2 * math.pi * m / 12))
        count = int(rng.poisson(max(rate, 0.0)))
        outlets, delay_days = delays.draw(rng, count)
        for i in range(count):
            town = towns[int(rng.choice(len(towns), p=w))]
            true_day = month_start + dt.timedelta(days=int(rng.integers(0, length)))
            tp = _pick(rng, TIME_MIX, 1)[0]
            pp = _pick(rng, PLACE_MIX, 1)[0]
            fam = _pick(rng, FAMILY_MIX, 1)[0]
            out.append(_occurrence(f"s{len(out):05d}", town, true_day, place_precision=pp, time_precision=tp,
                                   category=CATEGORY_OF[fam], outlet=outlets[i], delay_days=int(delay_days[i]),
                                   report=f"s-r{len(out):05d}", rng=rng))
        month_start = nxt
    return out
