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
    """A place named in the text, what it resolved to, and its role in the sentence.

    ``score`` below 0.5 means the words are not the scene of what the sentence
    tells; ``role`` says what they are instead: ``scene``, ``destination``
    ("trains to Pyongyang"), ``origin`` ("sent from Pyongyang", "smuggled from
    China"), ``government`` ("Pyongyang has warned") or ``not_a_place``
    ("anti-Pyongyang").
    """

    start: int
    end: int
    text: str
    place: Place
    score: float = 1.0
    role: str = "scene"


# The longest span an incident's time may cover.  A told span longer than this ("since 2011")
# is a trend, not one happening's time; extraction keeps its last part, and the store can then
# find incidents of a period through start-date indexes (an overlap needs start >= since - MAX_SPAN).
MAX_SPAN = dt.timedelta(days=731)


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
class Location:
    """Where an incident happened, in the interchange format's terms.

    Built from a gazetteer ``Place`` at extraction (``Location.of``) and read
    back as is from the store, so extracted and stored incidents have one
    shape.  Incidents abroad carry the country's ISO 3166-1 code as
    ``admin1_iso`` (the codebook's rule) and the foreign subdivision, where
    known, as ``subdivision``.
    """

    mention: str | None = None
    name: str | None = None
    place_id: str | None = None
    place_type: str | None = None
    admin2: str | None = None
    admin1_iso: str | None = None
    subdivision: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "unknown"

    @classmethod
    def of(cls, place: Place | None, mention: str | None, home: str | None) -> "Location":
        """The location of an incident at ``place`` (None: no place named) for a profile whose country is ``home``."""
        if place is None:
            return cls(mention=mention, country=home, precision="country" if home else "unknown")
        abroad = home is not None and place.country != home
        return cls(
            mention=mention, name=place.name, place_id=place.id, place_type=place.type, admin2=place.admin2,
            admin1_iso=place.country if abroad else place.admin1_iso,
            subdivision=place.admin1_iso if abroad else None,
            country=place.country, lat=place.lat, lon=place.lon, precision=place.precision,
        )

    @property
    def abroad(self) -> bool:
        return self.admin1_iso is not None and self.admin1_iso == self.country

    def as_place(self) -> Place | None:
        """The gazetteer entry this location names (rebuilt from its fields), or None."""
        if self.place_id is None or self.name is None or self.country is None:
            return None
        return Place(id=self.place_id, name=self.name, type=self.place_type or "site", country=self.country,
                     admin1_iso=self.subdivision if self.abroad else self.admin1_iso, admin2=self.admin2,
                     lat=self.lat, lon=self.lon)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mention": self.mention, "name": self.name, "place_id": self.place_id, "type": self.place_type,
            "admin2": self.admin2, "admin1_iso": self.admin1_iso, "subdivision": self.subdivision,
            "country": self.country, "lat": self.lat, "lon": self.lon, "precision": self.precision,
        }


@dataclass(frozen=True, slots=True)
class ReportRef:
    """The report an incident was read from: enough to cite it without loading it."""

    source: str
    id: int | None = None  # set once the report is stored
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None

    @classmethod
    def of(cls, report: Report) -> "ReportRef":
        return cls(source=report.source, url=report.url, outlet=report.outlet, published=report.published)


@dataclass(frozen=True, slots=True)
class Incident:
    """One kind of act, at one place, in one span of time, as a report describes it.

    The same record comes out of extraction and out of the store; a stored
    incident also carries its ``id``, its ``run_id`` and its report's id.
    ``to_dict`` is the one renderer of the interchange format, used by every
    face (CLI, exports, API).
    """

    category: str
    summary: str
    location: Location
    time: TimeSpan
    evidence_text: str
    evidence_start: int
    evidence_end: int
    confidence: float
    reported_by: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    report: ReportRef | None = None
    id: int | None = None
    run_id: int | None = None
    review_status: str | None = None  # a person's verdict on a stored incident: confirmed, corrected, rejected

    @property
    def family(self) -> str:
        return self.category.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        """The public interchange format (one JSON object per incident)."""
        r = self.report
        return {
            "id": self.id,
            "category": self.category,
            "summary": self.summary,
            "location": self.location.to_dict(),
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
            "report": r.source if r else None,
            "report_id": r.id if r else None,
            "report_url": r.url if r else None,
            "report_outlet": r.outlet if r else None,
            "published": r.published.isoformat() if r and r.published else None,
            "run_id": self.run_id,
            "review": self.review_status,
        }


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence for or against two incidents being one happening.

    ``weight`` is the comparison level's log2 Bayes factor (its m/u ratio in
    the Fellegi–Sunter model): positive speaks for a link, negative against.
    """

    field: str  # category, place, time, text, numbers, actors, source
    level: str  # the comparison level, e.g. "within", "same_days"
    weight: float
    text: str  # for people: "Posong station lies in Samsu County"

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "level": self.level, "weight": round(self.weight, 2), "text": self.text}


@dataclass(frozen=True, slots=True)
class Link:
    """A scored pair of incidents: the machine's link decision with its reasons."""

    a: int  # incident ids, a < b
    b: int
    weight: float  # total match weight (log2 odds)
    probability: float
    linked: bool
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "weight": round(self.weight, 2), "probability": round(self.probability, 3),
                "linked": self.linked, "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True, slots=True)
class ReportRole:
    """A report's part in an event: an independent origin, or a relay of another report or outlet."""

    report_id: int
    outlet: str | None
    published: dt.date | None
    role: str  # origin or relay
    rule: str  # the provenance rule that decided (credit, repost, link, shared_passage, hearsay, ..., own_telling)
    why: str
    relay_of_report: int | None = None
    relay_of_outlet: str | None = None  # an outlet whose report is not in the event ("RFA")
    source_kind: str = "unstated"  # own_informant, official_media, defector, satellite, government, court, reporter
    reliability: str = "F"
    root: str | None = None  # the origin at the end of a chain of relays ("report:12", "outlet:RFA")

    @property
    def origin_key(self) -> str:
        """What this report's information comes from: itself, the origin its chain of relays ends at, or an outlet."""
        if self.role == "origin":
            return f"report:{self.report_id}"
        if self.root:
            return self.root
        if self.relay_of_report is not None:
            return f"report:{self.relay_of_report}"
        return f"outlet:{self.relay_of_outlet or 'unknown'}"

    def to_dict(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "outlet": self.outlet,
                "published": self.published.isoformat() if self.published else None, "role": self.role,
                "rule": self.rule, "why": self.why, "relay_of_report": self.relay_of_report,
                "relay_of_outlet": self.relay_of_outlet, "source_kind": self.source_kind,
                "reliability": self.reliability, "origin": self.origin_key}


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Independent tellings of one event that disagree on place, time, numbers or outcome."""

    field: str  # place, time, numbers, outcome
    text: str
    reports: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "text": self.text, "reports": list(self.reports)}


@dataclass(frozen=True, slots=True)
class Grade:
    """An event's corroboration on the Admiralty scale and the rule that gave it."""

    reliability: str  # A-F
    credibility: int  # 1-6
    rule: str
    reasons: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return f"{self.reliability}{self.credibility}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reliability": self.reliability, "credibility": self.credibility,
                "rule": self.rule, "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world happening that one or more incidents (from one or more reports) describe.

    The linker makes it from incidents; the store keeps it and gives it back
    with its ``id``.  ``incidents`` is filled when an event is read for
    display; ``incident_ids`` always is.
    """

    category: str
    location: Location
    time: TimeSpan
    incident_ids: tuple[int, ...]
    report_ids: tuple[int, ...]
    summary: str = ""
    categories: tuple[str, ...] = ()
    roles: tuple[ReportRole, ...] = ()
    grade: Grade | None = None
    contradictions: tuple[Contradiction, ...] = ()
    links: tuple[Link, ...] = ()
    id: int | None = None
    incidents: tuple[Incident, ...] = field(default_factory=tuple)
    # Parallel to ``incident_ids``: each incident's report and code (what a decision is replayed by).
    member_reports: tuple[int, ...] = ()
    member_categories: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return self.category.split(".", 1)[0]

    @property
    def origins(self) -> int:
        """How many independent origins the event's reports rest on."""
        return len({r.origin_key for r in self.roles}) if self.roles else 0

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON: the interchange record of events (exports, API, ``seethe events --format jsonl``)."""
        return {
            "id": self.id, "category": self.category, "categories": list(self.categories or (self.category,)),
            "summary": self.summary, "location": self.location.to_dict(),
            "time": {"mention": self.time.mention, "start": self.time.start.isoformat(),
                     "end": self.time.end.isoformat(), "precision": self.time.precision},
            "reports": len(self.report_ids), "incidents": len(self.incident_ids), "origins": self.origins,
            "grade": self.grade.to_dict() if self.grade else None,
            "contradictions": [c.to_dict() for c in self.contradictions],
            "roles": [r.to_dict() for r in self.roles],
            "report_ids": list(self.report_ids), "incident_ids": list(self.incident_ids),
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """An analyst's decision about events, kept as data and replayed after every relink.

    Events are named by what survives re-extraction: the reports they hold
    and their category.  ``kind`` is ``merge`` (``targets`` are two or more
    events), ``split`` (``targets`` is one event; ``reports`` go apart into
    their own event) or ``detach`` (one report leaves the event).
    """

    kind: str
    targets: tuple["EventAnchor", ...]
    by: str
    why: str
    reports: tuple[int, ...] = ()
    at: dt.datetime | None = None
    id: int | None = None
    active: bool = True  # False once withdrawn: kept, no longer replayed

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "targets": [t.to_dict() for t in self.targets],
                "reports": list(self.reports), "by": self.by, "why": self.why,
                "at": self.at.isoformat() if self.at else None, "active": self.active}

    def names_report(self, report_ids) -> bool:
        """Whether the decision is about any of these reports (the events it named held them, or it moved them)."""
        wanted = set(report_ids)
        return bool(wanted & set(self.reports)) or any(wanted & set(t.report_ids) for t in self.targets)


@dataclass(frozen=True, slots=True)
class EventAnchor:
    """An event as a decision names it: its reports and category when the decision was made."""

    category: str
    report_ids: tuple[int, ...]
    event_id: int | None = None  # the id it had then (a hint; reports and category decide)

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "report_ids": list(self.report_ids), "event_id": self.event_id}
