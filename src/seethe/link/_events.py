"""Events from groups of incidents: what happened, where, when, who told it first, and how well it is corroborated."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Iterable

import numpy as np

from seethe.link._compare import compare
from seethe.link._grade import contradictions, grade, report_pairs
from seethe.link._params import LOCATION_PRECISIONS, TIME_PRECISIONS, LinkParams
from seethe.link._provenance import ReportInfo, Telling, assign_roles
from seethe.link._table import IncidentTable
from seethe.models import Event, Location, TimeSpan


def groups_of(labels: np.ndarray) -> dict[int, list[int]]:
    """Rows of each group label."""
    out: dict[int, list[int]] = defaultdict(list)
    for row, g in enumerate(labels.tolist()):
        out[g].append(row)
    return out


def build_event(t: IncidentTable, rows: list[int], infos: dict[int, ReportInfo], p: LinkParams,
                event_id: int | None = None, report_rows: dict[int, list[int]] | None = None) -> Event:
    """The event a group of incidents describes: its facts, provenance, contradictions and grade.

    ``report_rows`` (``rows_by_report(t)``) lets provenance see the rest of each report: a report that also
    tells a later happening may mention this one only as background.
    """
    return build_events(t, [rows], infos, p, [event_id], report_rows)[0]


def build_events(t: IncidentTable, groups: list[list[int]], infos: dict[int, ReportInfo], p: LinkParams,
                 event_ids: list[int | None] | None = None,
                 report_rows: dict[int, list[int]] | None = None) -> list[Event]:
    """Events for many groups at once: every group's reports are compared with each other in one batch."""
    event_ids = event_ids or [None] * len(groups)
    plans = []
    for rows in groups:
        by_report: dict[int, list[int]] = defaultdict(list)
        for r in rows:
            by_report[int(t.report[r])].append(r)
        tellings = [_telling(t, rep, rep_rows, infos, p, (report_rows or {}).get(rep, ()))
                    for rep, rep_rows in by_report.items()]
        roles = assign_roles(tellings, p)
        plans.append((rows, by_report, roles, report_pairs(t, by_report, roles)))
    i = np.array([x[2] for plan in plans for x in plan[3]], dtype=np.int64)
    j = np.array([x[3] for plan in plans for x in plan[3]], dtype=np.int64)
    c = compare(t, i, j, p)
    events, first = [], 0
    for (rows, by_report, roles, pairs), event_id in zip(plans, event_ids):
        found, between, anywhere = contradictions(t, by_report, roles, p, (c, first))
        first += len(pairs)
        events.append(_event(t, rows, by_report, roles, found, grade(roles, between, anywhere, p), p, event_id))
    return events


def _event(t, rows, by_report, roles, found, event_grade, p, event_id) -> Event:
    order = {r.report_id: k for k, r in enumerate(roles)}
    main = _main_incident(t, rows, by_report, roles, p)
    category = _category(t, rows, order, p)
    cats = tuple(sorted({p.categories[int(t.category[r])] for r in rows}))
    members = sorted(rows, key=lambda r: (order[int(t.report[r])], r))
    return Event(
        category=category, location=_location(t, main), time=_time(t, rows, main),
        incident_ids=tuple(int(t.id[r]) for r in members),
        member_reports=tuple(int(t.report[r]) for r in members),
        member_categories=tuple(p.categories[int(t.category[r])] for r in members),
        report_ids=tuple(r.report_id for r in roles), summary=t.labels["summary"][main] or "",
        categories=cats, roles=tuple(roles), grade=event_grade, contradictions=tuple(found), id=event_id,
    )


def rows_by_report(t: IncidentTable) -> dict[int, list[int]]:
    """Every report's rows."""
    out: dict[int, list[int]] = defaultdict(list)
    for row, rep in enumerate(t.report.tolist()):
        out[rep].append(row)
    return out


def _telling(t: IncidentTable, rep: int, rows: list[int], infos: dict[int, ReportInfo], p: LinkParams,
             all_rows: Iterable[int] = ()) -> Telling:
    info = infos.get(rep)
    if info is None:
        first = rows[0]
        day = int(t.published[first])
        info = ReportInfo(rep, t.name("outlet", t.outlet[first]), dt.date.fromordinal(day) if day else None)
    credits = tuple(sorted({c for r in rows for c in t.credits[r]}))
    kinds = [int(t.source_kind[r]) for r in rows if t.source_kind[r] >= 0]
    kind = p.source_kinds[min(kinds)] if kinds else None
    mine = set(rows)
    last = max(int(t.end[r]) for r in rows)
    newer = any(int(t.start[r]) > last for r in all_rows if r not in mine)
    spans = tuple((int(t.evidence_at[r, 0]), int(t.evidence_at[r, 1])) for r in rows)
    return Telling(info, credits, kind, bool(any(t.new_source[r] for r in rows)),
                   bool(any(t.hearsay[r] for r in rows)), newer, spans, p.data.provenance.paragraph_window)


def _main_incident(t, rows, by_report, roles, p) -> int:
    """The incident that speaks for the event: the most specific one of its first origin (else its first report)."""
    first = next((r.report_id for r in roles if r.role == "origin"), roles[0].report_id)
    candidates = by_report.get(first, rows)
    return min(candidates, key=lambda r: (int(t.loc_precision[r]), int(t.time_precision[r]), r))


def _category(t, rows, order, p) -> str:
    """The code most of the tellings use; on a tie, the earliest report's."""
    counts = Counter(int(t.category[r]) for r in rows)
    best = max(counts.values())
    tied = [r for r in rows if counts[int(t.category[r])] == best]
    first = min(tied, key=lambda r: (order[int(t.report[r])], r))
    return p.categories[int(t.category[first])]


def _location(t: IncidentTable, r: int) -> Location:
    lat, lon = float(t.lat[r]), float(t.lon[r])
    return Location(
        name=t.labels["name"][r], place_id=t.name("place", t.place[r]), admin1_iso=t.name("admin1", t.admin1[r]),
        country=t.name("country", t.country[r]), lat=None if np.isnan(lat) else lat,
        lon=None if np.isnan(lon) else lon, precision=LOCATION_PRECISIONS[int(t.loc_precision[r])],
    )


def _time(t: IncidentTable, rows: list[int], main: int) -> TimeSpan:
    """Where the tellings' spans agree (their intersection), else the main incident's span."""
    start, end = max(int(t.start[r]) for r in rows), min(int(t.end[r]) for r in rows)
    precision = TIME_PRECISIONS[min(int(t.time_precision[r]) for r in rows)]
    if start > end:
        start, end, precision = int(t.start[main]), int(t.end[main]), TIME_PRECISIONS[int(t.time_precision[main])]
    return TimeSpan(dt.date.fromordinal(start), dt.date.fromordinal(end), precision, t.labels["time"][main])
