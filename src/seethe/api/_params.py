"""Query parameters: the CLI's filters (same names, same meanings) plus cursor, place ids and review state;
and the event filters of ``seethe events``.

Values are checked here with messages a person can act on; what reaches the
services is typed.  Dates are strict ``YYYY-MM-DD`` (as on the command line).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from dataclasses import dataclass

from fastapi import Depends, Query

from seethe.errors import UsageError
from seethe.services import incident_filter
from seethe.services.events import event_filter
from seethe.store import EventFilter, IncidentFilter

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_PAGE = 500
DEFAULT_PAGE = 50


def iso_date(value: str | None, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{value[:40]!r} is not a date written YYYY-MM-DD", source=field, code="usage.date") from None
    if not 1900 <= day.year <= 2100:
        raise UsageError(f"{value!r} is outside 1900-2100", source=field, code="usage.date")
    return day


def encode_cursor(day: dt.date, incident_id: int) -> str:
    return base64.urlsafe_b64encode(f"{day.isoformat()}|{incident_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[dt.date, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        day, _, ident = raw.partition("|")
        parsed = (iso_date(day, "cursor"), int(ident))
        if parsed[0] is None or not 0 < parsed[1] < 2**63:
            raise ValueError
        return parsed  # type: ignore[return-value]
    except (ValueError, UnicodeDecodeError, binascii.Error, UsageError):
        raise UsageError("the cursor is not one this server gave", source="cursor", code="usage.cursor") from None


@dataclass(frozen=True, slots=True)
class Scope:
    """What, where and when: the filters incidents and events share (the CLI's ``where_and_when_options``)."""

    category: str | None = None
    province: str | None = None
    place: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None

    def checked(self) -> dict:
        """The keyword arguments of the services' filters: empty strings dropped, dates checked."""
        return {"category": self.category or None, "province": self.province or None, "place": self.place or None,
                "since": iso_date(self.since, "since"), "until": iso_date(self.until, "until"),
                "outlet": self.outlet or None}


def scope_params(noun: str, outlet_help: str):
    """The query parameters of a ``Scope``, described for what they select (``noun``)."""

    def params(
        category: str | None = Query(None, max_length=100,
                                     description="A code (control.market) or a family (control)."),
        province: str | None = Query(None, max_length=100, description="A province or country: name or ISO code."),
        place: str | None = Query(None, max_length=200, description=f"A place name: {noun} there and inside it."),
        since: str | None = Query(None, max_length=10,
                                  description=f"{noun.capitalize()} ending on or after (YYYY-MM-DD)."),
        until: str | None = Query(None, max_length=10,
                                  description=f"{noun.capitalize()} starting on or before (YYYY-MM-DD)."),
        outlet: str | None = Query(None, max_length=200, description=outlet_help),
    ) -> Scope:
        return Scope(category, province, place, since, until, outlet)

    return params


@dataclass(frozen=True, slots=True)
class FilterParams:
    """The filters of a request, as typed by a person (checked when turned into a store filter)."""

    scope: Scope = Scope()
    search: str | None = None
    min_confidence: float = 0.0
    place_id: str | None = None
    within: str | None = None
    precision: str | None = None
    review: str | None = None

    def store_filter(self, profile, *, limit: int | None = None, after=None, viewer: bool = False,
                     search: str | None = None) -> IncidentFilter:
        if viewer and self.review not in (None, "", "confirmed", "corrected", "unreviewed"):
            raise UsageError("rejected incidents are for analysts", source="review", code="usage.review_forbidden")
        if not math.isfinite(self.min_confidence):
            raise UsageError("min_confidence must be a number from 0 to 1", source="min_confidence",
                             code="usage.confidence")
        text = search if search is not None else self.search
        return incident_filter(
            profile, **self.scope.checked(), text=text or None, min_confidence=self.min_confidence, limit=limit,
            place_id=self.place_id or None, within=self.within or None,
            precision=tuple(p for p in (self.precision or "").split(",") if p), review=self.review or None,
            after=after,
        )


def filter_params(
    scope: Scope = Depends(scope_params("incidents", "Outlet credited or publishing.")),
    search: str | None = Query(None, max_length=1000, description="Words in the evidence or summary."),
    min_confidence: float = Query(0.0, ge=0.0, le=1.0, description="Drop incidents below this confidence."),
    place_id: str | None = Query(None, max_length=100, description="One gazetteer place, exactly."),
    within: str | None = Query(None, max_length=100, description="A gazetteer place id and the places inside it."),
    precision: str | None = Query(None, max_length=100, description="Location precisions, comma-separated."),
    review: str | None = Query(None, max_length=20, description="any, unreviewed, confirmed, corrected, rejected "
                                                                  "(default: all but rejected)."),
) -> FilterParams:
    return FilterParams(scope, search, min_confidence, place_id, within, precision, review)


@dataclass(frozen=True, slots=True)
class EventParams:
    """The event filters of a request: ``seethe events``'s options under their API names."""

    scope: Scope = Scope()
    min_origins: int = 0
    min_reports: int = 0
    grade: str | None = None
    contradicted: bool | None = None

    def store_filter(self, profile, *, limit: int | None = None, after=None) -> EventFilter:
        return event_filter(
            profile, **self.scope.checked(), min_origins=self.min_origins, min_reports=self.min_reports,
            grades=(self.grade,) if self.grade else (), contradicted=self.contradicted, limit=limit, after=after)


def event_params(
    scope: Scope = Depends(scope_params("events", "Events one of whose reports this outlet published.")),
    min_origins: int = Query(0, ge=0, le=10**6,
                             description="Events resting on at least this many independent origins."),
    min_reports: int = Query(0, ge=0, le=10**6, description="Events told by at least this many reports."),
    grade: str | None = Query(None, max_length=100, description="Grades (B2), reliabilities (B) or credibilities (2), "
                                                                "comma-separated: any of them."),
    contradicted: bool | None = Query(None, description="true: only events whose tellings contradict each other; "
                                                        "false: only those whose do not."),
) -> EventParams:
    return EventParams(scope, min_origins, min_reports, grade, contradicted)
