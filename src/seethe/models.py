"""The typed records that flow between stages: ``Report`` → ``Incident`` → ``Event``.

All are frozen dataclasses; stages build new records instead of mutating old
ones.  ``Incident.to_dict`` renders the public interchange format described in
``shared/spec/incident-format.md``; keep those field names stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Report:
    """One report as read from a source, before extraction.

    ``text`` is the decoded content as the source has it (HTML, Markdown or
    plain text, NFC-normalized); extraction derives the plain text that
    evidence offsets point into.  ``raw`` keeps the original bytes so nothing
    is lost.
    """

    text: str
    source: str
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    media_type: str = "text/plain"
    encoding: str = "utf-8"
    raw: bytes = b""
    notes: tuple[str, ...] = ()  # what a reader should know: "not UTF-8; decoded as cp1252 (detected)"


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    id: str
    name: str
    type: str  # province, city, county, district, town, site, feature, country, region
    country: str  # ISO 3166-1 alpha-2
    admin1_iso: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    hangul: str | None = None
    names: tuple[str, ...] = ()

    @property
    def precision(self) -> str:
        """The interchange format's location precision for this kind of place."""
        return PLACE_PRECISION.get(self.type, "site")


PLACE_PRECISION = {
    "country": "country",
    "region": "country",
    "province": "province",
    "city": "city",
    "district": "city",
    "county": "county",
    "town": "county",
    "site": "site",
    "feature": "site",
}


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in the text and what it resolved to."""

    start: int
    end: int
    text: str
    place: Place
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """When something happened, as an inclusive span of dates with a precision."""

    start: dt.date
    end: dt.date
    precision: str  # day, week, month, season, year, unknown
    mention: str | None = None
    offset: int | None = None  # where the mention starts in the report text


@dataclass(frozen=True, slots=True)
class CueMatch:
    """One codebook cue found in a sentence."""

    category: str
    rule_id: str
    start: int
    end: int
    weight: float


@dataclass(frozen=True, slots=True)
class Incident:
    """One kind of act, at one place, in one span of time, as a report describes it."""

    category: str
    summary: str
    place: Place | None
    place_mention: str | None
    time: TimeSpan
    evidence_text: str
    evidence_start: int
    evidence_end: int
    confidence: float
    reported_by: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    report_source: str | None = None
    country_default: str | None = None  # the profile's country; the location when no place is named

    def location_dict(self) -> dict[str, Any]:
        p = self.place
        if p is None:
            return {
                "mention": self.place_mention,
                "name": None,
                "admin2": None,
                "admin1_iso": None,
                "country": self.country_default,
                "lat": None,
                "lon": None,
                "precision": "country" if self.country_default else "unknown",
            }
        home = self.country_default or "KP"
        # Incidents abroad carry the country's ISO 3166-1 code as admin1 (codebook);
        # the foreign subdivision, where known, goes in "subdivision".
        admin1 = p.admin1_iso if p.country == home else p.country
        return {
            "mention": self.place_mention,
            "name": p.name,
            "place_id": p.id,
            "admin2": p.admin2,
            "admin1_iso": admin1,
            "subdivision": p.admin1_iso if p.country != home else None,
            "country": p.country,
            "lat": p.lat,
            "lon": p.lon,
            "precision": p.precision,
        }

    def to_dict(self) -> dict[str, Any]:
        """The public interchange format (one JSON object per incident)."""
        out: dict[str, Any] = {
            "category": self.category,
            "summary": self.summary,
            "location": self.location_dict(),
            "time": {
                "mention": self.time.mention,
                "start": self.time.start.isoformat(),
                "end": self.time.end.isoformat(),
                "precision": self.time.precision,
            },
            "actors": list(self.actors),
            "reported_by": list(self.reported_by),
            "evidence": {"text": self.evidence_text, "start": self.evidence_start, "end": self.evidence_end},
            "confidence": round(self.confidence, 3),
            "rules": list(self.rule_ids),
        }
        if self.report_source is not None:
            out["report"] = self.report_source
        return out


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world happening that one or more incidents (from one or more reports) describe."""

    id: str
    category: str
    incidents: tuple[Incident, ...] = field(default_factory=tuple)
