"""Reviews: a person confirms, corrects (category, place, time) or rejects an extracted incident.

Corrections are given as people give them (a category code, a place name or
gazetteer id, dates) and stored as the incident columns they change; the
store keys every review by what extraction found, so a later run that finds
the same incident again keeps it (``Store.replace_incidents``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from seethe.errors import UsageError
from seethe.geo import gazetteer_for
from seethe.models import Location
from seethe.profile import Profile
from seethe.services.queries import printable
from seethe.store import MAX_SPAN, Store

ACTIONS = ("confirm", "correct", "reject")
MAX_REASON = 2000
PRECISIONS = ("day", "week", "month", "season", "year", "unknown")


def review_incident(store: Store, profile: Profile, incident_id: int, action: str, *, reason: str, user: str,
                    category: str | None = None, place: str | None = None, time_start: dt.date | None = None,
                    time_end: dt.date | None = None, time_precision: str | None = None) -> int:
    """Record and apply a review; returns its id.  ``UsageError`` for anything that cannot be applied."""
    if action not in ACTIONS:
        raise UsageError(f"unknown review action {action!r} (one of {', '.join(ACTIONS)})", source="action",
                         code="usage.review_action")
    for field, value in (("reason", reason), ("category", category), ("place", place), ("time_precision", time_precision)):
        printable(value, field)
    reason = (reason or "").strip()
    if not reason:
        raise UsageError("say why (a reason is kept with every review)", source="reason", code="usage.reason")
    if len(reason) > MAX_REASON:
        raise UsageError(f"the reason is longer than {MAX_REASON} characters", source="reason", code="usage.reason")
    changes: dict[str, Any] = {}
    if action == "correct":
        changes = corrections(profile, category=category, place=place, time_start=time_start, time_end=time_end,
                              time_precision=time_precision)
        if not changes:
            raise UsageError("a correction changes the category, the place or the time", source="changes",
                             code="usage.review_empty")
    return store.add_review(incident_id, action, changes, reason, user)


def corrections(profile: Profile, *, category: str | None, place: str | None, time_start: dt.date | None,
                time_end: dt.date | None, time_precision: str | None) -> dict[str, Any]:
    """The incident columns a correction sets."""
    changes: dict[str, Any] = {}
    if category:
        if category not in profile.codebook.categories:
            raise UsageError(f"no category called {category!r}", source="category", code="usage.category")
        changes.update(category=category, family=category.split(".", 1)[0])
    if place:
        changes.update(_place_columns(profile, place))
    if time_start or time_end:
        start, end = time_start or time_end, time_end or time_start
        if end < start:
            raise UsageError("the period ends before it starts", source="time_end", code="usage.period")
        if end - start > MAX_SPAN:
            raise UsageError(f"a period spans at most {MAX_SPAN.days} days", source="time_end", code="usage.period")
        if time_precision is not None and time_precision not in PRECISIONS:
            raise UsageError(f"no time precision called {time_precision!r}", source="time_precision",
                             code="usage.precision")
        changes.update(time_start=start, time_end=end, time_precision=time_precision or _precision(start, end))
    return changes


def _precision(start: dt.date, end: dt.date) -> str:
    days = (end - start).days + 1
    for limit, name in ((1, "day"), (7, "week"), (31, "month"), (92, "season"), (366, "year")):
        if days <= limit:
            return name
    return "unknown"


def _place_columns(profile: Profile, given: str) -> dict[str, Any]:
    gaz = gazetteer_for(profile)
    found = gaz.places.get(given.strip()) or next(iter(gaz.lookup(given)), None)
    if found is None:
        raise UsageError(f"no place called {given!r} in the gazetteer", source="place", code="usage.place")
    loc = Location.of(found, None, profile.country)
    return {"place_id": loc.place_id, "place_name": loc.name, "place_type": loc.place_type, "admin2": loc.admin2,
            "admin1_iso": loc.admin1_iso, "subdivision": loc.subdivision, "country": loc.country, "lat": loc.lat,
            "lon": loc.lon, "location_precision": loc.precision}
