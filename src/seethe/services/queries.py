"""Queries as people ask them, turned into exact store filters with the profile's knowledge.

A person types "Ryanggang", "North Hamgyong", "KP-10" or "cn" for a province,
"Radio Free Asia" or "rfa" for an outlet, "Hyesan" for a place; the store
compares ISO codes, canonical outlet names and gazetteer ids.  The command
line and the web app both build their filters here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Iterable

from seethe.errors import UsageError
from seethe.geo import contains, gazetteer_for
from seethe.profile import Profile
from seethe.store import IncidentFilter

MAX_TEXT = 1000


def printable(value: str | None, field: str) -> str | None:
    """A value as typed, refused when it holds NUL or other control characters (PostgreSQL refuses NUL)."""
    if value is not None and any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise UsageError(f"{field} holds a control character", source=field, code="usage.control_character")
    return value


def province_code(profile: Profile, given: str) -> str:
    """The ISO code a province or country means, by name or code; ``UsageError`` when none."""
    code = gazetteer_for(profile).province_code(given)
    if code is None:
        raise UsageError(f"no province or country called {given!r}", source="province", code="usage.province")
    return code


def province_label(profile: Profile, code: str | None) -> str:
    """A province as people read it: "North Hamgyong (KP-09)"."""
    return gazetteer_for(profile).province_label(code)


def place_ids(profile: Profile, name: str) -> tuple[str, ...]:
    """The gazetteer entries a place name means, and every place inside them ("Hyesan" and its market)."""
    gaz = gazetteer_for(profile)
    found = gaz.lookup(name)
    if not found:
        return ()
    ids = {p.id for p in found}
    for outer in found:
        ids.update(p.id for p in gaz.places.values() if contains(outer, p))
    return tuple(sorted(ids))


def places_within(profile: Profile, place_id: str) -> tuple[str, ...]:
    """A gazetteer place by id and every place inside it; ``UsageError`` for an unknown id."""
    gaz = gazetteer_for(profile)
    outer = gaz.places.get(place_id)
    if outer is None:
        raise UsageError(f"no place with id {place_id!r}", source="within", code="usage.place")
    return tuple(sorted({outer.id} | {p.id for p in gaz.places.values() if contains(outer, p)}))


PRECISIONS = ("site", "city", "county", "province", "country", "unknown")
REVIEW_STATES = ("any", "unreviewed", "confirmed", "corrected", "rejected")


def outlet_names(profile: Profile, given: str) -> tuple[str, ...]:
    """The canonical name an outlet alias means ("Radio Free Asia" → "RFA"); as typed when unknown."""
    o = profile.outlet_named(given)
    return (o.name,) if o is not None else (given.strip(),)


def check_scope(profile: Profile, *, category: str | None, since: dt.date | None, until: dt.date | None,
                words: Iterable[tuple[str, str | None]]) -> None:
    """What incident and event filters share: printable words, a category the codebook has, a period that is one."""
    for field, value in words:
        printable(value, field)
    if category and category not in profile.codebook.categories and category not in profile.codebook.families():
        raise UsageError(f"no category or family called {category!r}", source="category", code="usage.category")
    if since and until and since > until:
        raise UsageError("the period ends before it starts", source="since", code="usage.period")


def incident_filter(profile: Profile, *, category: str | None = None, province: str | None = None,
                    place: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
                    outlet: str | None = None, text: str | None = None, min_confidence: float = 0.0,
                    limit: int | None = None, report_id: int | None = None, place_id: str | None = None,
                    within: str | None = None, precision: tuple[str, ...] = (), review: str | None = None,
                    after: tuple[dt.date, int] | None = None) -> IncidentFilter:
    """An exact store filter from what a person asked for; ``UsageError`` for a value that cannot mean anything.

    ``place_id`` is one gazetteer place exactly; ``within`` a place and every
    place inside it; ``place`` a name (as ``within`` for every place it may mean).
    """
    check_scope(profile, category=category, since=since, until=until,
                words=(("category", category), ("province", province), ("place", place), ("outlet", outlet),
                       ("search", text), ("place_id", place_id), ("within", within), ("review", review)))
    if not (isinstance(min_confidence, (int, float)) and math.isfinite(min_confidence) and 0 <= min_confidence <= 1):
        raise UsageError("min confidence must be a number from 0 to 1", source="min_confidence", code="usage.confidence")
    if limit is not None and not (1 <= limit <= 10**9):
        raise UsageError("limit must be a whole number from 1 to 1,000,000,000", source="limit", code="usage.limit")
    if text is not None and len(text) > MAX_TEXT:
        raise UsageError(f"search text is longer than {MAX_TEXT} characters", source="search", code="usage.search")
    bad = [p for p in precision if p not in PRECISIONS]
    if bad:
        raise UsageError(f"no location precision called {bad[0]!r} (one of {', '.join(PRECISIONS)})",
                         source="precision", code="usage.precision")
    if review is not None and review not in REVIEW_STATES:
        raise UsageError(f"no review state called {review!r} (one of {', '.join(REVIEW_STATES)})", source="review",
                         code="usage.review")
    ids = place_ids(profile, place) if place else ()
    for narrower in ((place_id,) if place_id else None, places_within(profile, within) if within else None):
        if narrower is not None:
            ids = tuple(sorted(set(ids) & set(narrower))) if (ids or place) else narrower
            if not ids:
                ids = ("",)  # the places asked for share nothing: no incident can match
    return IncidentFilter(
        category=category, province=province_code(profile, province) if province else None,
        place_ids=ids, place=place if place and not ids else None, since=since, until=until,
        outlets=outlet_names(profile, outlet) if outlet else (), text=text, min_confidence=float(min_confidence),
        limit=limit, report_id=report_id, precisions=tuple(precision), review=review, after=after,
    )
