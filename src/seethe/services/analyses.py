"""The analyses over a stored corpus: occurrences selected as people select incidents, then the analysis.

Every analysis runs over ``Occurrence`` records, built here from the store in
one of two units:

* **per incident** (``occurrences``): one occurrence per stored incident, so a
  happening that five reports tell counts five times;
* **per event** (``occurrences_from_events``): one occurrence per linked event
  (``seethe.services.events.link``), so it counts once.  Its category, place
  and span are the event's; ``published`` is the earliest publication among
  its reports (when the happening first became known: what a delay
  measures); ``outlet`` is the outlet of its earliest independent origin;
  ``reports`` are all its reports.

``select`` takes the filters people type (those of ``seethe incidents``) and a
unit: ``incidents``, ``events`` or ``auto`` (events when every incident the
filters select is linked, else incidents).  It says which unit it used and
why in one sentence, which ``counted`` states first among an analysis's
assumptions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from seethe.analyse import Occurrence, stating_first
from seethe.errors import AnalysisError, UsageError
from seethe.models import Event, Incident, Location, TimeSpan
from seethe.profile import Profile
from seethe.services.queries import incident_filter
from seethe.store import EventFilter, IncidentFilter, Store

UNITS = ("auto", "incidents", "events")

# A report's publication date and outlet, as the store holds them.
Publication = tuple[dt.date | None, str | None]


def _place_and_span(loc: Location, time: TimeSpan) -> dict[str, Any]:
    """Where and when, as an occurrence holds them: incidents and events alike."""
    return {"lat": loc.lat if loc.lon is not None else None, "lon": loc.lon if loc.lat is not None else None,
            "place_precision": loc.precision, "admin1": loc.admin1_iso or (loc.country if loc.abroad else None),
            "start": time.start, "end": time.end, "time_precision": time.precision}


def occurrence_of(incident: Incident) -> Occurrence:
    """An incident as the analyses see it: a place at its precision, a span, when and by whom it was published."""
    report = incident.report
    return Occurrence(
        id=str(incident.id) if incident.id is not None else f"{report.source if report else '?'}:{incident.evidence_start}",
        category=incident.category,
        **_place_and_span(incident.location, incident.time),
        published=report.published if report else None,
        outlet=(incident.reported_by[0] if incident.reported_by else (report.outlet if report else None)),
        reports=(str(report.id if report.id is not None else report.source),) if report else (),
    )


def occurrences(store: Store, filt: IncidentFilter) -> list[Occurrence]:
    """The occurrences of the incidents a filter selects."""
    return [occurrence_of(i) for i in store.incidents(filt)]


def occurrences_of(incidents: Iterable[Incident]) -> list[Occurrence]:
    return [occurrence_of(i) for i in incidents]


# -- per event ----------------------------------------------------------------------------------

def occurrence_of_event(event: Event, published_by_report: Mapping[int, Publication]) -> Occurrence:
    """An event as the analyses see it: one happening, however many reports tell it.

    ``published_by_report`` gives each report's publication date and outlet
    (``Store.report_publications``); a report missing from it falls back on
    the copy the event's roles kept when it was linked.
    """
    known = _publications(event, published_by_report)
    days = [day for day, _ in known.values() if day is not None]
    return Occurrence(
        id=str(event.id),
        category=event.category,
        **_place_and_span(event.location, event.time),
        published=min(days) if days else None,
        outlet=first_origin_outlet(event, known),
        reports=tuple(str(r) for r in event.report_ids),
    )


def _publications(event: Event, published_by_report: Mapping[int, Publication]) -> dict[int, Publication]:
    kept = {r.report_id: (r.published, r.outlet) for r in event.roles}
    out = {}
    for rid in event.report_ids:
        day, outlet = published_by_report.get(rid, (None, None))
        old_day, old_outlet = kept.get(rid, (None, None))
        out[rid] = (day or old_day, outlet or old_outlet)
    return out


def first_origin_outlet(event: Event, known: Mapping[int, Publication]) -> str | None:
    """The outlet through which the happening first became known: that of its earliest independent origin.

    An origin is a report telling it on its own, or an outlet that relays
    credit but whose own report is not collected ("RFA reported"): then the
    outlet is RFA, not the blog that relayed it, as an incident's outlet is
    the outlet it credits.  An origin's date is the earliest report resting on
    it; on a tie the linker's reading order decides.
    """
    first: dict[str, dt.date] = {}
    for role in event.roles:  # in the linker's reading order: a tie keeps the first origin read
        day = known.get(role.report_id, (None, None))[0] or dt.date.max
        key = role.origin_key
        if key not in first or day < first[key]:
            first[key] = day
    if not first:
        earliest = min(known, key=lambda rid: known[rid][0] or dt.date.max, default=None)
        return known[earliest][1] if earliest is not None else None
    key = min(first, key=first.__getitem__)
    if key.startswith("report:"):
        return known.get(int(key.removeprefix("report:")), (None, None))[1]
    outlet = key.removeprefix("outlet:")
    return None if outlet == "unknown" else outlet


def occurrences_from_events(store: Store, filt: EventFilter) -> list[Occurrence]:
    """The occurrences of the events a filter selects (their reports' dates and outlets read in one query)."""
    return _events_and_occurrences(store, filt)[1]


def _events_and_occurrences(store: Store, filt: EventFilter) -> tuple[list[Event], list[Occurrence]]:
    events = list(store.events(filt))
    published = store.report_publications(filt)
    return events, [occurrence_of_event(e, published) for e in events]


def event_filter_of(filt: IncidentFilter, ids: Iterable[int] = ()) -> EventFilter:
    """The events an incident filter means.

    What an event has of its own (its category or family, province, place
    and span) is asked of the event, as ``seethe events`` does; what only
    incidents carry (words in the evidence, confidence, the outlets they
    credit, a place name the gazetteer does not know) selects the events
    holding an incident that matches.
    """
    members = IncidentFilter(place=filt.place, outlets=filt.outlets, text=filt.text,
                             min_confidence=filt.min_confidence)
    return EventFilter(category=filt.category, province=filt.province, place_ids=filt.place_ids, since=filt.since,
                       until=filt.until, ids=tuple(ids), limit=filt.limit,
                       members=None if members == IncidentFilter() else members)


# -- choosing the unit --------------------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    """What an analysis runs over: the occurrences, what one of them is, and why."""

    occurrences: list[Occurrence]
    unit: str  # incidents or events
    why: str  # one sentence, stated first among the analysis's assumptions
    events: list[Event] = field(default_factory=list)  # the events counted (unit events)
    event_filter: EventFilter | None = None  # the events the same filters select (None: ids named incidents)


def select(store: Store, profile: Profile, filters: Mapping[str, Any] | None = None, *, ids: Iterable[int] = (),
           unit: str = "auto") -> Selection:
    """The occurrences of what the filters (those of ``incident_filter``) or the listed ids select, in ``unit``.

    Listed ids are event ids when the unit is ``events`` and incident ids
    otherwise (``auto`` with ids counts incidents: ids must not change
    meaning once the corpus is linked).  ``AnalysisError`` when events are
    asked for and the store has none.
    """
    if unit not in UNITS:
        raise UsageError(f"no unit called {unit!r} (one of {', '.join(UNITS)})", source="unit", code="usage.unit")
    filt = incident_filter(profile, **(filters or {}))
    ids = tuple(ids)
    if unit == "incidents":
        return _per_incident(store, filt, ids, "as asked")
    if unit == "auto" and ids:
        return _per_incident(store, filt, ids, "the listed ids are incident ids")
    last = store.last_link_run()
    has_events = last is not None and store.count_events() > 0
    if unit == "events" and not has_events:
        raise AnalysisError("no events to count: the store's incidents are not linked into events yet",
                            source=store.display, code="analysis.no_events")
    if not has_events:
        return _per_incident(store, filt, ids, "the incidents are not linked into events yet")
    new, stale = (0, 0) if ids else store.count_unlinked(filt)
    if unit == "auto" and (new or stale):
        return _per_incident(store, filt, ids, _out_of_date(new, stale))
    corrected = len(store.corrected_since(last["started_at"])) if unit == "auto" and not ids else 0
    if corrected:  # a correction moves an incident between events only at the next link
        return _per_incident(store, filt, ids, f"{corrected} incident{'' if corrected == 1 else 's'} corrected by an "
                             "analyst since the last link")
    return _per_event(store, filt, ids, asked=unit == "events", unlinked=new + stale)


def _out_of_date(new: int, stale: int) -> str:
    if new:
        return f"{new} of the selected incidents {'is' if new == 1 else 'are'} in no event yet"
    return f"{stale} linked incident{'' if stale == 1 else 's'} changed (re-extracted or rejected) since the last link"


def _per_incident(store: Store, filt: IncidentFilter, ids: tuple[int, ...], reason: str) -> Selection:
    occs = occurrences(store, dataclasses.replace(filt, ids=ids) if ids else filt)
    why = (f"Counted per incident ({reason}): {len(occs)} incidents; a happening told by several reports counts "
           "once for each report that tells it.")
    return Selection(occs, "incidents", why, event_filter=None if ids else event_filter_of(filt))


def _per_event(store: Store, filt: IncidentFilter, ids: tuple[int, ...], *, asked: bool, unlinked: int) -> Selection:
    chosen = event_filter_of(filt, ids)
    events, occs = _events_and_occurrences(store, chosen)
    told = sum(len(e.incident_ids) for e in events)
    why = (f"Counted per event{' (as asked)' if asked else ' (every selected incident is linked)'}: "
           f"{len(events)} events from {told} incidents; one happening told by several reports counts once")
    if unlinked:
        why += (f"; {unlinked} selected incident{' is' if unlinked == 1 else 's are'} not in an up-to-date event "
                "and not counted (link again to count them)")
    return Selection(occs, "events", why + ".", events, chosen)


def counted(result: Any, selection: Selection) -> Any:
    """An analysis's result stating first, among its assumptions, what it counted and why."""
    return stating_first(result, selection.why)


def graded_events(store: Store, selection: Selection) -> list[Event]:
    """The events a selection's filters select, with their grades (none when the store is not linked)."""
    if selection.unit == "events":
        return selection.events
    if selection.event_filter is None or store.count_events() == 0:
        return []
    return list(store.events(selection.event_filter))
