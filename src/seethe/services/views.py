"""What the workbench shows, shaped once for the REST API and the pages: incidents as a role sees
them, the map's places and provinces, the timeline, a report with its evidence.

Every function takes a ``SourceProtector`` for a viewer (or None for an
analyst), so both faces withhold exactly the same things.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from seethe.models import Incident
from seethe.profile import Profile
from seethe.services.protection import WITHHELD, SourceProtector
from seethe.store import IncidentFilter, Store

POINT_PRECISIONS = ("site", "city", "county")


def incident_record(inc: Incident, protector: SourceProtector | None) -> dict[str, Any]:
    """An incident in the interchange format, as the reader's role may see it."""
    record = inc.to_dict()
    return protector.incident(record) if protector else record


def is_current(store: Store, incident_id: int) -> bool:
    """Whether an incident is of its report's current extraction run (an earlier run's stays readable)."""
    return next(store.incidents(IncidentFilter(ids=(incident_id,), review="any")), None) is not None


def records(incidents: Iterable[Incident], protector: SourceProtector | None) -> Iterator[dict[str, Any]]:
    for inc in incidents:
        yield incident_record(inc, protector)


def map_layer(store: Store, filt: IncidentFilter, protector: SourceProtector | None) -> dict[str, Any]:
    """Incidents at their precision, counted in SQL: points for site/city/county, counts per province.

    A GeoJSON FeatureCollection of points (one per place and precision, with
    ``n`` and the query that lists them), plus ``provinces`` (province-level
    incidents per ISO code) and ``elsewhere`` (country-level or unplaced).
    A viewer's points are county-level: finer places merge into their county.
    """
    points: dict[tuple, dict[str, Any]] = {}
    provinces: dict[str, int] = defaultdict(int)
    elsewhere = 0
    for row in store.count_places(filt):
        loc = {"place_id": row["place_id"], "name": row["place_name"], "type": row["place_type"],
               "admin1_iso": row["admin1_iso"], "admin2": row["admin2"], "subdivision": row["subdivision"],
               "country": row["country"], "lat": row["lat"], "lon": row["lon"], "precision": row["location_precision"]}
        if protector:
            loc = protector.coarse_location(loc)
        n = int(row["n"])
        if loc["precision"] == "province" and loc["admin1_iso"]:
            provinces[loc["admin1_iso"]] += n
            continue
        if loc["precision"] not in POINT_PRECISIONS or loc["lat"] is None:
            elsewhere += n
            continue
        key = (loc["place_id"], loc["lat"], loc["lon"]) if protector else (loc["place_id"], loc["precision"])
        point = points.get(key)
        if point is None:
            query = {"within": loc["place_id"]} if protector else {"place_id": loc["place_id"],
                                                                   "precision": loc["precision"]}
            point = points[key] = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
                                   "properties": {"name": loc["name"], "place_id": loc["place_id"],
                                                  "precision": loc["precision"], "admin1_iso": loc["admin1_iso"],
                                                  "n": 0, "query": query}}
        point["properties"]["n"] += n
    features = sorted(points.values(), key=lambda f: -f["properties"]["n"])
    return {"type": "FeatureCollection", "features": features, "provinces": dict(provinces), "elsewhere": elsewhere}


def timeline(store: Store, filt: IncidentFilter, unit: str) -> dict[str, Any]:
    """Incidents per period and family; ``left_out`` counts those dated too coarsely for the unit."""
    rows, left_out = store.count_timeline(unit, filt)
    return {"unit": unit, "rows": [{"period": p, "family": f, "n": n} for p, f, n in rows],
            "families": sorted({f for _, f, _ in rows}), "left_out": left_out}


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of report text with the same marks: the incidents whose evidence covers it, or withheld."""

    text: str
    incidents: tuple[int, ...] = ()
    withheld: bool = False


def segments(text: str, evidence: list[tuple[int, int, int]], withheld: list[tuple[int, int]]) -> list[Segment]:
    """Cut a text at every evidence and withheld boundary; ``evidence`` holds (incident id, start, end)."""
    cuts = {0, len(text)}
    for _, s, e in evidence:
        cuts.update((max(0, min(s, len(text))), max(0, min(e, len(text)))))
    for s, e in withheld:
        cuts.update((s, e))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        if a == b:
            continue
        ids = tuple(i for i, s, e in evidence if s <= a and b <= e)
        hidden = any(s <= a and b <= e for s, e in withheld)
        out.append(Segment(text[a:b], ids, hidden))
    return out


def report_view(store: Store, profile: Profile, report_id: int, protector: SourceProtector | None,
                review: str | None = None) -> dict[str, Any] | None:
    """A stored report's plain text with its current incidents and their evidence spans, as the role sees it.

    A viewer gets the text with source descriptions replaced by a marker, and
    the evidence offsets moved to match; ``withheld`` gives the markers' spans.
    """
    stored = store.report(report_id)
    if stored is None:
        return None
    incidents = list(store.incidents(IncidentFilter(report_id=report_id, review=review)))
    text, withheld = stored.plain_text, []
    spans = [(i.id, i.evidence_start, i.evidence_end) for i in incidents]
    if protector:
        red = protector.redaction(text)
        text = red.redacted
        spans = [(k, red.map(s), red.map(e)) for k, s, e in spans]
        withheld = [(red.map(s), red.map(s) + len(WITHHELD)) for s, _ in red.spans]
    r = stored.report
    return {
        "id": stored.id, "title": protector.redact(r.title) if protector else r.title, "outlet": r.outlet,
        "published": r.published.isoformat() if r.published else None, "url": r.url,
        "source": r.url if protector else r.source, "text": text,
        "incidents": [incident_record(i, protector) for i in incidents],
        "evidence": [{"incident": k, "start": s, "end": e} for k, s, e in spans],
        "withheld": [{"start": s, "end": e} for s, e in withheld],
    }
