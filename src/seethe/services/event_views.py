"""What the workbench shows of events, shaped once for the REST API and the pages: events as a role sees
them, one event with its tellings and provenance, and the events' map layer.

Like ``views``, every function takes a ``SourceProtector`` for a viewer (or
None for an analyst), so both faces withhold exactly the same things.  A
viewer's event is protected from its member incidents (``SourceProtector.event``),
so a listing reads the members of a batch of events in one query.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import islice
from typing import Any, Iterable, Iterator

from seethe.models import Event, ReportRole
from seethe.profile import Profile
from seethe.services.events import ChainLink, provenance_chain
from seethe.services.protection import SourceProtector
from seethe.services.views import incident_record
from seethe.store import EventFilter, Store

MAP_LIMIT = 500  # the map draws the best corroborated events first; beyond a few hundred markers it is a blur


def event_records(store: Store, events: Iterable[Event], protector: SourceProtector | None,
                  batch: int = 500) -> Iterator[dict[str, Any]]:
    """Events' JSON records (``Event.to_dict``) as the role may see them, streamed."""
    if protector is None:
        for event in events:
            yield event.to_dict()
        return
    events = iter(events)
    while chunk := list(islice(events, batch)):
        members = _member_records(store, chunk)
        for event in chunk:
            yield protector.event(event.to_dict(), [members[i] for i in event.incident_ids if i in members])


def _member_records(store: Store, events: list[Event]) -> dict[int, dict[str, Any]]:
    """The member incidents of some events, as stored (what a viewer's protection is worked out from)."""
    return {inc.id: inc.to_dict() for inc in store.incidents_by_ids([i for e in events for i in e.incident_ids])}


def event_view(store: Store, profile: Profile, event_id: int,
               protector: SourceProtector | None) -> dict[str, Any] | None:
    """One event as the role may see it: its record, its member incidents, each report's telling (role, what it
    relays, its incidents), the provenance chain, the grade with its rule and labels, and (for analysts) the
    link decisions between its incidents.  None when there is no such event."""
    event = store.event(event_id)
    if event is None:
        return None
    stored = [i.to_dict() for i in event.incidents]
    record = protector.event(event.to_dict(), stored) if protector else event.to_dict()
    # An incident an analyst rejected stays in its event until the next link; viewers never see rejected ones.
    shown = [i for i in event.incidents if protector is None or i.review_status != "rejected"]
    return {
        **record,
        "grade": _grade_view(record["grade"], profile),
        "incidents": [incident_record(i, protector) for i in shown],
        "tellings": _tellings(store, event, shown, protector),
        "provenance": [_chain_json(node, protector) for node in provenance_chain(event)],
        # Link reasons name the places compared, finer than a county: for analysts.
        "links": [link.to_dict() for link in event.links] if protector is None else [],
    }


def _grade_view(grade: dict[str, Any] | None, profile: Profile) -> dict[str, Any] | None:
    """The grade with the words of its scale ("usually reliable", "possibly true")."""
    if grade is None:
        return None
    scale = profile.corroboration
    return {**grade, "reliability_label": scale.reliability[grade["reliability"]],
            "credibility_label": scale.credibility[grade["credibility"]]}


def _tellings(store: Store, event: Event, shown: list, protector: SourceProtector | None) -> list[dict[str, Any]]:
    """Each report of the event in order of publication: the report, its role, what it relays, its incidents."""
    reports = {s.id: s.report for s in store.reports_by_ids(list(event.report_ids))}
    incidents: dict[int, list[int]] = {}
    for inc in shown:
        incidents.setdefault(inc.report.id if inc.report else -1, []).append(inc.id)
    out = []
    for role in event.roles:
        report = reports.get(role.report_id)
        title = report.title if report else None
        out.append({
            "report_id": role.report_id, "title": protector.redact(title) if protector else title,
            "outlet": role.outlet, "published": role.published.isoformat() if role.published else None,
            "url": report.url if report else None, "role": role.role, "rule": role.rule,
            "why": protector.redact(role.why) if protector else role.why,
            "relays": _relayed(role, event), "relay_of_report": role.relay_of_report,
            "relay_of_outlet": role.relay_of_outlet, "source_kind": role.source_kind,
            "reliability": role.reliability, "origin": role.origin_key,
            "incident_ids": incidents.get(role.report_id, []),
        })
    return out


def _relayed(role: ReportRole, event: Event) -> str | None:
    """What a relay relays, for people: "report 12 (RFA, 2021-09-14)" or "RFA (not collected)"."""
    if role.role == "origin":
        return None
    if role.relay_of_report is not None:
        source = next((r for r in event.roles if r.report_id == role.relay_of_report), None)
        facts = ", ".join(x for x in (source.outlet if source else None,
                                      source.published.isoformat() if source and source.published else None) if x)
        return f"report {role.relay_of_report}" + (f" ({facts})" if facts else "")
    return f"{role.relay_of_outlet or 'an unknown outlet'} (not collected)"


def _chain_json(node: ChainLink, protector: SourceProtector | None) -> dict[str, Any]:
    r = node.role
    why = (protector.redact(r.why) if protector else r.why) if r else "credited by the reports below; not collected"
    return {"report_id": r.report_id if r else None, "outlet": node.outlet,
            "published": r.published.isoformat() if r and r.published else None,
            "role": r.role if r else "origin", "rule": r.rule if r else None, "why": why,
            "collected": r is not None, "relays": [_chain_json(child, protector) for child in node.relays]}


def event_map(store: Store, filt: EventFilter, protector: SourceProtector | None,
              limit: int = MAP_LIMIT) -> dict[str, Any]:
    """GeoJSON points of the filter's placed events, the most independent origins first (at most ``limit``).

    ``total`` counts every placed event of the filter, so a page can say how many it does not draw.
    """
    placed = replace(filt, located=True, limit=limit, after=None)
    events = list(store.events(placed, order="corroboration"))
    features = [_event_feature(rec) for rec in event_records(store, events, protector)
                if rec["location"]["lat"] is not None]  # a viewer's coarsened place may have no point
    return {"type": "FeatureCollection", "features": features,
            "total": store.count_events(replace(placed, limit=None))}


def _event_feature(rec: dict[str, Any]) -> dict[str, Any]:
    loc, grade = rec["location"], rec["grade"] or {}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
            "properties": {"id": rec["id"], "category": rec["category"], "summary": rec["summary"],
                           "place": loc["name"], "precision": loc["precision"], "admin1_iso": loc["admin1_iso"],
                           "start": rec["time"]["start"], "end": rec["time"]["end"], "origins": rec["origins"],
                           "reports": rec["reports"], "grade": grade.get("code"),
                           "credibility": grade.get("credibility"), "grade_rule": grade.get("rule"),
                           "contradictions": len(rec["contradictions"])}}
