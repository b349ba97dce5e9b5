"""Exports: incidents and events as CSV, JSON Lines or GeoJSON, written as they stream from the store.

Every writer takes the same ``Incident`` records (extracted or stored) and the
one renderer, ``Incident.to_dict``; the CSV is its flat form with the columns
in a fixed, documented order.
"""

from __future__ import annotations

import csv
import io
import json
from typing import IO, Any, Callable, Iterable, Iterator

from seethe.models import Incident

FORMATS = ("csv", "jsonl", "geojson")

# The CSV columns, in this order (documented in README).
CSV_COLUMNS = [
    "id", "category", "summary", "place_name", "place_mention", "place_id", "admin2", "admin1_iso", "country", "lat",
    "lon", "location_precision", "time_mention", "time_start", "time_end", "time_precision", "actors", "reported_by",
    "confidence", "evidence_text", "evidence_start", "evidence_end", "report", "report_url", "report_outlet",
    "published", "run_id",
]


def flat_row(record: dict[str, Any]) -> dict[str, Any]:
    """An incident's interchange record as one CSV row (lists joined with ``;``)."""
    loc, t = record["location"], record["time"]
    return {
        "id": record["id"], "category": record["category"], "summary": record["summary"],
        "place_name": loc["name"], "place_mention": loc["mention"], "place_id": loc["place_id"],
        "admin2": loc["admin2"], "admin1_iso": loc["admin1_iso"], "country": loc["country"], "lat": loc["lat"],
        "lon": loc["lon"], "location_precision": loc["precision"], "time_mention": t["mention"],
        "time_start": t["start"], "time_end": t["end"], "time_precision": t["precision"],
        "actors": ";".join(record["actors"]), "reported_by": ";".join(record["reported_by"]),
        "confidence": record["confidence"], "evidence_text": record["evidence"]["text"],
        "evidence_start": record["evidence"]["start"], "evidence_end": record["evidence"]["end"],
        "report": record["report"], "report_url": record["report_url"], "report_outlet": record["report_outlet"],
        "published": record["published"], "run_id": record["run_id"],
    }


def geojson_feature(record: dict[str, Any]) -> dict[str, Any]:
    """One GeoJSON Feature for an incident or an event; a null geometry when it has no coordinates."""
    loc = record["location"]
    geometry = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]} if loc["lat"] is not None else None
    return {"type": "Feature", "geometry": geometry, "properties": record}


def export_chunks(records: Iterable[dict[str, Any]], fmt: str, columns: list[str] | None = None,
                  flat: Callable[[dict[str, Any]], dict[str, Any]] = flat_row) -> Iterator[str]:
    """An export as text chunks, one per record (``Incident.to_dict``, ``Event.to_dict`` or a role's view of one).

    ``columns`` and ``flat`` give the CSV form; incidents' by default.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    columns = CSV_COLUMNS if columns is None else columns
    if fmt == "jsonl":
        for record in records:
            yield json.dumps(record, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        line = _CsvLine(columns)
        yield line.row(dict(zip(columns, columns)))
        for record in records:
            yield line.row(flat(record))
    else:
        # A FeatureCollection written feature by feature, so memory stays flat.
        yield '{"type": "FeatureCollection", "features": ['
        first = True
        for record in records:
            yield ("" if first else ",") + "\n" + json.dumps(geojson_feature(record), ensure_ascii=False)
            first = False
        yield "\n]}\n"


class _CsvLine:
    """One CSV row at a time, as text (the csv module writes to a stream)."""

    def __init__(self, columns: list[str]) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.DictWriter(self.buffer, fieldnames=columns)

    def row(self, row: dict[str, Any]) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(row)
        return self.buffer.getvalue()


def write_export(incidents: Iterable[Incident], fmt: str, stream: IO[str]) -> int:
    """Write incidents in ``fmt`` to ``stream`` as they come; returns how many were written."""
    return _write(incidents, fmt, stream, CSV_COLUMNS, flat_row)


def _write(records: Iterable[Any], fmt: str, stream: IO[str], columns: list[str],
           flat: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    """Records (anything with ``to_dict``) written chunk by chunk; returns how many."""
    counted = _Counted(rec.to_dict() for rec in records)
    for chunk in export_chunks(counted, fmt, columns, flat):
        stream.write(chunk)
    return counted.n


class _Counted:
    def __init__(self, items: Iterable[Any]) -> None:
        self.items, self.n = items, 0

    def __iter__(self):
        for item in self.items:
            self.n += 1
            yield item


# -- events -------------------------------------------------------------------

# The events CSV columns, in this order (documented in docs/events.md).
EVENT_CSV_COLUMNS = [
    "id", "category", "categories", "summary", "place_name", "place_id", "admin1_iso", "country", "lat", "lon",
    "location_precision", "time_start", "time_end", "time_precision", "reports", "incidents", "origins", "grade",
    "reliability", "credibility", "grade_rule", "contradictions", "origin_reports", "relay_reports", "outlets",
    "report_ids", "incident_ids",
]


def event_flat_row(record: dict[str, Any]) -> dict[str, Any]:
    """An event's JSON record (``Event.to_dict``) as one CSV row (lists joined with ``;``)."""
    loc, t, g = record["location"], record["time"], record["grade"] or {}
    roles = record["roles"]
    return {
        "id": record["id"], "category": record["category"], "categories": ";".join(record["categories"]),
        "summary": record["summary"], "place_name": loc["name"], "place_id": loc["place_id"],
        "admin1_iso": loc["admin1_iso"], "country": loc["country"], "lat": loc["lat"], "lon": loc["lon"],
        "location_precision": loc["precision"], "time_start": t["start"], "time_end": t["end"],
        "time_precision": t["precision"], "reports": record["reports"], "incidents": record["incidents"],
        "origins": record["origins"], "grade": g.get("code"), "reliability": g.get("reliability"),
        "credibility": g.get("credibility"), "grade_rule": g.get("rule"),
        "contradictions": " | ".join(f"{c['field']}: {c['text']}" for c in record["contradictions"]),
        "origin_reports": ";".join(str(r["report_id"]) for r in roles if r["role"] == "origin"),
        "relay_reports": ";".join(str(r["report_id"]) for r in roles if r["role"] == "relay"),
        "outlets": ";".join(dict.fromkeys(r["outlet"] for r in roles if r["outlet"])),
        "report_ids": ";".join(map(str, record["report_ids"])),
        "incident_ids": ";".join(map(str, record["incident_ids"])),
    }


def write_event_export(events: Iterable[Any], fmt: str, stream: IO[str]) -> int:
    """Write events (``seethe.models.Event``) in ``fmt`` as they come: one row, line or feature per event."""
    return _write(events, fmt, stream, EVENT_CSV_COLUMNS, event_flat_row)
