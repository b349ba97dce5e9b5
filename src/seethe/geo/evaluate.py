"""Geoparsing accuracy: place mentions in context against their expected entries.

A test set is JSON Lines, one mention per line::

    {"text": "A source in Hoeryŏng told Daily NK ...", "mention": "Hoeryŏng", "expected": "gn-2044094"}

``expected`` is a gazetteer id, or null when the words name no place ("Kim Il
Sung's birthday").  A prediction is *exact* when it is the expected entry or
the same-named unit of the same province within 15 km (a county and the town
that is its seat); it is right *at province level* when the ISO codes agree.
The error in km is the distance between the predicted and expected points.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from seethe.geo.gazetteer import cached_key
from seethe.geo.resolve import Resolver, find_places
from seethe.models import Place, Report
from seethe.text import normalize

_DATASETS = Path(__file__).resolve().parents[3] / "datasets" / "geoparse"
DEFAULT_SETS = [str(p) for p in sorted(_DATASETS.glob("*.jsonl"))] if _DATASETS.is_dir() else []


def _km(a: Place, b: Place) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _admin(p: Place) -> str:
    return p.admin1_iso or p.country


@dataclass
class GeoparseResult:
    mentions: int = 0
    found: int = 0
    province_right: int = 0
    exact_right: int = 0
    errors_km: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        n = self.mentions or 1
        return {
            "mentions": self.mentions,
            "found": self.found,
            "province_accuracy": round(self.province_right / n, 4),
            "exact_accuracy": round(self.exact_right / n, 4),
            "median_error_km": round(statistics.median(self.errors_km), 2) if self.errors_km else 0.0,
        }


def evaluate_geoparse(files: list[str], resolver: Resolver, abbreviations: tuple[str, ...] = ()) -> GeoparseResult:
    """Resolve every mention in context and count what came out right."""
    result = GeoparseResult()
    for path in files:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            case = json.loads(line)
            text, mention, expected_id = case["text"], case["mention"], case.get("expected")
            at = text.find(mention)
            doc = normalize(Report(text=text, source=f"{path}:{n}"), abbreviations)
            predicted = None
            for m in find_places(doc, resolver):
                if m.start <= at < m.end and m.score >= 0.5:
                    predicted = m.place
                    break
            result.mentions += 1
            where = f"{Path(path).name}:{n} {mention!r}"
            if expected_id is None:
                ok = predicted is None
                result.province_right += ok
                result.exact_right += ok
                if not ok:
                    result.errors.append(f"{where}: no place expected, got {predicted.id} {predicted.name}")
                continue
            expected = resolver.gazetteer.places.get(expected_id)
            if expected is None:
                result.errors.append(f"{where}: expected id {expected_id} is not in the gazetteer")
                continue
            if predicted is None:
                result.errors.append(f"{where}: not found (expected {expected.name}, {_admin(expected)})")
                continue
            result.found += 1
            distance = _km(predicted, expected)
            if distance is not None:
                result.errors_km.append(distance)
            province_ok = _admin(predicted) == _admin(expected)
            exact_ok = predicted.id == expected.id or (
                province_ok and cached_key(predicted.name) == cached_key(expected.name) and distance is not None and distance <= 15
            )
            result.province_right += province_ok
            result.exact_right += exact_ok
            if not exact_ok:
                result.errors.append(f"{where}: got {predicted.name} [{predicted.id}, {_admin(predicted)}], "
                                     f"expected {expected.name} [{expected.id}, {_admin(expected)}]")
    return result
