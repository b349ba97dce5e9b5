"""Where and when an occurrence can have happened: a disc in space, a span of days.

A report names a place at some precision.  A site is a point; a city, a
county or a province is a disc of the same area around the place's centre
(``profiles/kp/areas.json``).  A place known only to the country, or not at
all, has no disc: spatial analyses leave it out and say so.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from seethe.analyse._records import Occurrence
from seethe.errors import AnalysisError
from seethe.profile import load_profile

EARTH_RADIUS_KM = 6371.0
AREAS_SCHEMA = "seethe.areas/1"

# Reasons an occurrence is left out of an analysis (the keys of ``left_out``).
NO_PLACE = "place unknown or known only to the country"
ABROAD = "outside the country"
NO_CENTRE = "province-level place with no coordinates and no known province"


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    km2: float
    lat: float
    lon: float
    border: tuple[str, ...]

    @property
    def radius_km(self) -> float:
        return math.sqrt(self.km2 / math.pi)


@dataclass(frozen=True, slots=True)
class AreaTable:
    """The sizes of imprecise places, read from a profile's ``areas.json``."""

    version: str
    precision_radius_km: dict[str, float]
    county_radius_km: float
    provinces: dict[str, Province]

    def radius_for(self, occ: Occurrence) -> float:
        """Radius (km) of the disc an occurrence's place stands for."""
        p = occ.place_precision
        if p == "county":
            return self.county_radius_km
        if p == "province":
            prov = self.provinces.get(occ.admin1 or "")
            # An unknown province gets the mean province's size: better than a point.
            return prov.radius_km if prov else math.sqrt(np.mean([q.km2 for q in self.provinces.values()]) / math.pi)
        return self.precision_radius_km.get(p, 0.0)


def _require(cond: bool, message: str, source: str) -> None:
    if not cond:
        raise AnalysisError(message, source=source)


def parse_area_table(data: Any, source: str = "areas.json") -> AreaTable:
    """Check an ``areas.json`` document against its schema and build the table."""
    _require(isinstance(data, dict), "areas file must be a JSON object", source)
    _require(data.get("schema") == AREAS_SCHEMA, f"schema must be {AREAS_SCHEMA!r}", source)
    radii = data.get("precision_radius_km")
    _require(isinstance(radii, dict) and {"site", "city"} <= set(radii), "precision_radius_km needs site and city", source)
    county = data.get("typical_county_km2")
    _require(isinstance(county, (int, float)) and county > 0, "typical_county_km2 must be a positive number", source)
    provs = data.get("provinces")
    _require(isinstance(provs, dict) and provs, "provinces must be a non-empty object", source)
    out = {}
    for code, p in provs.items():
        _require(isinstance(p, dict) and {"name", "km2", "lat", "lon"} <= set(p), f"province {code} needs name, km2, lat, lon", source)
        _require(float(p["km2"]) > 0, f"province {code} has no positive area", source)
        out[code] = Province(code, str(p["name"]), float(p["km2"]), float(p["lat"]), float(p["lon"]), tuple(p.get("border", ())))
    return AreaTable(str(data.get("version", "unknown")), {k: float(v) for k, v in radii.items()},
                     math.sqrt(float(county) / math.pi), out)


@lru_cache(maxsize=8)
def load_area_table(profile: str = "kp") -> AreaTable:
    """The area table a profile's manifest names (``files.areas``), or an ``areas.json`` at a path."""
    path = Path(profile)
    if not path.is_file():
        path = load_profile(profile).path("areas")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AnalysisError(f"cannot read area table: {exc.strerror}", source=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise AnalysisError(f"area table is not JSON: {exc.msg}", source=str(path)) from exc
    return parse_area_table(data, str(path))


@dataclass(frozen=True, slots=True)
class Located:
    """An occurrence placed as a disc: centre (lat, lon) and radius in km."""

    occ: Occurrence
    lat: float
    lon: float
    radius_km: float


def locate(occurrences: Iterable[Occurrence], table: AreaTable, *, home_only: bool = True
           ) -> tuple[list[Located], dict[str, int]]:
    """Discs for the occurrences that have a place; counts of those left out, by reason."""
    kept: list[Located] = []
    left: dict[str, int] = {}
    for occ in occurrences:
        reason = None
        lat, lon = occ.lat, occ.lon
        if occ.place_precision in ("country", "unknown"):
            reason = NO_PLACE
        elif home_only and not occ.in_country:
            reason = ABROAD
        elif lat is None:
            prov = table.provinces.get(occ.admin1 or "") if occ.place_precision == "province" else None
            if prov is None:
                reason = NO_CENTRE if occ.place_precision == "province" else NO_PLACE
            else:
                lat, lon = prov.lat, prov.lon
        if reason:
            left[reason] = left.get(reason, 0) + 1
            continue
        kept.append(Located(occ, float(lat), float(lon), table.radius_for(occ)))
    return kept, left


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; works on floats and numpy arrays alike."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.asarray(lon2) - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def project_km(lat: Sequence[float], lon: Sequence[float], lat0: float | None = None) -> np.ndarray:
    """Equirectangular projection to a km plane around the data's mean latitude.

    Over North Korea (37.7-43 N) distances of a few hundred km err by under 3%,
    far less than the uncertainty of a place given by its county.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if lat0 is None:
        lat0 = float(lat.mean()) if lat.size else 0.0
    k = math.pi / 180 * EARTH_RADIUS_KM
    return np.column_stack([lon * k * math.cos(math.radians(lat0)), lat * k])


def draw_in_discs(centres: np.ndarray, radii: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` points drawn uniformly in each disc: array (n, k, 2) in km."""
    n = len(centres)
    r = np.sqrt(rng.random((n, k))) * radii[:, None]  # sqrt: uniform over the area, not the radius
    theta = rng.random((n, k)) * 2 * math.pi
    return centres[:, None, :] + np.stack([r * np.cos(theta), r * np.sin(theta)], axis=-1)


def day_matrix(occs: Sequence[Occurrence], first: int, days: int) -> np.ndarray:
    """Row i spreads occurrence i uniformly over the days of its span: (n, days), rows sum to 1.

    ``first`` is the ordinal of day 0.  Days outside [first, first + days) are cut off
    and the row renormalised (callers choose ``first``/``days`` to cover every span).
    """
    m = np.zeros((len(occs), days))
    for i, o in enumerate(occs):
        a = max(o.start.toordinal() - first, 0)
        b = min(o.end.toordinal() - first + 1, days)
        if b > a:
            m[i, a:b] = 1.0 / (b - a)
    return m
