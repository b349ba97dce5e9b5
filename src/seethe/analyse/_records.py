"""The record every analysis reads: one ``Occurrence`` per incident or event.

An occurrence is what an analyst reasons over: a codebook category, a place
with its precision, an inclusive span of dates with its precision, and when
and where it was first published.  The store adapter builds these from stored
incidents or linked events; ``occurrence_from_incident`` builds one from the
public interchange format (``shared/spec/incident-format.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from seethe.errors import AnalysisError

PLACE_PRECISIONS = ("site", "city", "county", "province", "country", "unknown")
TIME_PRECISIONS = ("day", "week", "month", "season", "year", "unknown")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One incident, or one event (many reports of one happening)."""

    id: str
    category: str  # codebook code "dissent.leaflet_graffiti"; family = part before the dot
    lat: float | None
    lon: float | None
    place_precision: str  # site, city, county, province, country, unknown
    admin1: str | None  # ISO 3166-2 (KP-10) or country code abroad
    start: dt.date  # inclusive span when it happened
    end: dt.date
    time_precision: str  # day, week, month, season, year, unknown
    published: dt.date | None  # first publication (for delays)
    outlet: str | None
    reports: tuple[str, ...] = ()  # report ids it was read from

    def __post_init__(self) -> None:
        if self.place_precision not in PLACE_PRECISIONS:
            raise AnalysisError(f"unknown place precision {self.place_precision!r}", source=self.id)
        if self.time_precision not in TIME_PRECISIONS:
            raise AnalysisError(f"unknown time precision {self.time_precision!r}", source=self.id)
        if self.end < self.start:
            raise AnalysisError(f"span ends ({self.end}) before it starts ({self.start})", source=self.id)
        if (self.lat is None) != (self.lon is None):
            raise AnalysisError("lat and lon must both be given or both be missing", source=self.id)
        if self.lat is not None and not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise AnalysisError(f"coordinates out of range ({self.lat}, {self.lon})", source=self.id)

    @property
    def family(self) -> str:
        return self.category.split(".", 1)[0]

    @property
    def span_days(self) -> int:
        """How many calendar days the span covers (1 for a day-precision date)."""
        return (self.end - self.start).days + 1

    @property
    def in_country(self) -> bool:
        """True when the occurrence is inside the profile's country (admin1 is a subdivision code)."""
        return bool(self.admin1) and "-" in self.admin1


def _date(value: Any, what: str, source: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise AnalysisError(f"{what} {value!r} is not an ISO date", source=source) from exc


def occurrence_from_incident(record: Mapping[str, Any], *, id: str, published: Any = None,
                             outlet: str | None = None, reports: Iterable[str] = (),
                             home: str | None = None) -> Occurrence:
    """An occurrence from one incident in the interchange format (a JSON object).

    ``published`` and ``outlet`` default to the record's own ``published`` and
    first ``reported_by``; ``reports`` to its ``report`` field.  ``home`` is the
    profile's country: a place abroad without a subdivision takes its country code.
    """
    loc = record.get("location") or {}
    when = record.get("time") or {}
    start = _date(when.get("start"), "time.start", id)
    if start is None:
        raise AnalysisError("incident has no time.start", source=id)
    end = _date(when.get("end"), "time.end", id) or start
    lat, lon = loc.get("lat"), loc.get("lon")
    admin1 = loc.get("admin1_iso") or None
    if admin1 is None and loc.get("country") and loc.get("country") != home:
        admin1 = loc["country"]
    by = record.get("reported_by") or []
    report_ids = tuple(reports) or ((str(record["report"]),) if record.get("report") else ())
    return Occurrence(
        id=id,
        category=str(record.get("category", "")),
        lat=float(lat) if lat is not None and lon is not None else None,
        lon=float(lon) if lat is not None and lon is not None else None,
        place_precision=str(loc.get("precision") or "unknown"),
        admin1=admin1,
        start=start,
        end=end,
        time_precision=str(when.get("precision") or "unknown"),
        published=_date(published if published is not None else record.get("published"), "published", id),
        outlet=outlet if outlet is not None else (by[0] if by else None),
        reports=report_ids,
    )
