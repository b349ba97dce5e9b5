"""The analyses over a stored corpus: occurrences selected as people select incidents, then the analysis.

Every analysis runs over ``Occurrence`` records.  Here they come from the
store: the incidents of a filter (or listed ids).  When the event layer has
linked the corpus, the analyses count each happening once (``from_events``).
"""

from __future__ import annotations

from typing import Iterable

from seethe.analyse import Occurrence
from seethe.models import Incident
from seethe.store import IncidentFilter, Store


def occurrence_of(incident: Incident) -> Occurrence:
    """An incident as the analyses see it: a place at its precision, a span, when and by whom it was published."""
    loc = incident.location
    report = incident.report
    return Occurrence(
        id=str(incident.id) if incident.id is not None else f"{report.source if report else '?'}:{incident.evidence_start}",
        category=incident.category,
        lat=loc.lat if loc.lon is not None else None,
        lon=loc.lon if loc.lat is not None else None,
        place_precision=loc.precision,
        admin1=loc.admin1_iso or (loc.country if loc.abroad else None),
        start=incident.time.start,
        end=incident.time.end,
        time_precision=incident.time.precision,
        published=report.published if report else None,
        outlet=(incident.reported_by[0] if incident.reported_by else (report.outlet if report else None)),
        reports=(str(report.id if report.id is not None else report.source),) if report else (),
    )


def occurrences(store: Store, filt: IncidentFilter) -> list[Occurrence]:
    """The occurrences of the incidents a filter selects."""
    return [occurrence_of(i) for i in store.incidents(filt)]


def occurrences_of(incidents: Iterable[Incident]) -> list[Occurrence]:
    return [occurrence_of(i) for i in incidents]
