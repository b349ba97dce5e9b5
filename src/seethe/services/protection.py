"""Source protection: what a viewer may see of a report and its incidents.

Reports say who told them, and how: "a source in Hyesan told Daily NK",
"the source, a 40-year-old merchant who travels to China, said", "according to
a resident who witnessed the event".  The outlet is public; the details of the
person are not.  A *source description* is the detail attached to a source
noun (source, informant, resident, contact, witness, insider) that a reporting
verb follows ("told", "said", …) or that "according to" introduces: its
place ("in Hyesan", "of the city"), a relative clause ("who witnessed …"), an
apposition (", a 40-year-old merchant …,").  The patterns are the language
lexicon's ``source_description*`` entries; every match's ``detail`` group is
withheld.  The noun itself stays ("a source … told Daily NK"), so a reader
still knows the claim is second-hand.

Viewers also see places no finer than a county: a site, town or landmark is
shown at the county or city that holds it (the province, when the gazetteer
knows no such container), and without the words that named it.

An event is protected from its member incidents: its summary (cut from one
of their evidence texts) loses the same details, its place is coarsened like
theirs, and the texts the linker wrote about it (roles, grade reasons,
contradictions) lose source descriptions and name places no finer than a
county.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from seethe.geo import gazetteer_for
from seethe.models import Location, Place
from seethe.profile import Profile

WITHHELD = "[withheld]"
# Places below county level: shown to viewers at the county or city that holds them.
FINER_THAN_COUNTY = {"site", "feature", "town"}


@dataclass(frozen=True, slots=True)
class Redaction:
    """Spans withheld from a text, and the offset map from the text to its redacted form."""

    text: str
    spans: tuple[tuple[int, int], ...]

    @property
    def redacted(self) -> str:
        out, last = [], 0
        for start, end in self.spans:
            out.append(self.text[last:start])
            out.append(WITHHELD)
            last = end
        out.append(self.text[last:])
        return "".join(out)

    def map(self, offset: int) -> int:
        """Where an offset of the text falls in the redacted text (inside a span: at the span's start)."""
        shift = 0
        k = bisect.bisect_right([s for s, _ in self.spans], offset)
        for start, end in self.spans[:k]:
            if offset < end:
                return start + shift
            shift += len(WITHHELD) - (end - start)
        return offset + shift


class SourceProtector:
    """Finds source descriptions (language patterns) and coarsens places (the profile's gazetteer)."""

    def __init__(self, profile: Profile) -> None:
        patterns = profile.lexicon.patterns
        self.patterns = tuple(re.compile(p) for k, p in sorted(patterns.items()) if k.startswith("source_description"))
        self.profile = profile
        self._containers = _county_index(profile)
        self._provinces: dict[str | None, Place | None] = {}

    def spans(self, text: str) -> tuple[tuple[int, int], ...]:
        """The source descriptions in a text, as sorted, merged (start, end) spans."""
        found = sorted((m.start("detail"), m.end("detail")) for p in self.patterns for m in p.finditer(text or "")
                       if m.group("detail"))
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return tuple(merged)

    def redaction(self, text: str) -> Redaction:
        return Redaction(text or "", self.spans(text or ""))

    def redact(self, text: str | None) -> str | None:
        return None if text is None else self.redaction(text).redacted

    def coarse_location(self, loc: dict[str, Any]) -> dict[str, Any]:
        """A location as a viewer sees it: county level at the finest, without the words that named it."""
        out = {**loc, "mention": None}
        finer = loc.get("precision") == "site" or loc.get("type") in FINER_THAN_COUNTY
        if loc.get("lat") is None or not finer:
            return out
        key = loc.get("subdivision") if loc.get("admin1_iso") == loc.get("country") else loc.get("admin1_iso")
        county = self._containers.get((key, loc.get("admin2")))
        if county is None:
            return {**out, **self._province_location(key, loc.get("country"))}
        return {**out, "name": county.name, "place_id": county.id, "type": county.type, "lat": county.lat,
                "lon": county.lon, "precision": county.precision}

    def _province_location(self, code: str | None, country: str | None) -> dict[str, Any]:
        """The province's centroid; the bare country (no point) when the place has no province."""
        if code not in self._provinces:
            self._provinces[code] = gazetteer_for(self.profile).province(code) if code else None
        province = self._provinces[code]
        if province is None or province.lat is None:
            return {"name": None, "place_id": None, "type": None, "admin2": None, "lat": None, "lon": None,
                    "precision": "country" if country else "unknown"}
        return {"name": province.name, "place_id": province.id, "type": province.type, "admin2": None,
                "lat": province.lat, "lon": province.lon, "precision": "province"}

    def excerpt(self, excerpt: str, source: str) -> str:
        """Redact an excerpt of ``source`` (a summary cut from the evidence, "…" where it was cut).

        The patterns need the whole phrase ("… told"), which a cut may have
        dropped; so every detail withheld from the source is also withheld
        from the excerpt, whole or cut at either end.
        """
        out = self.redact(excerpt)
        for start, end in self.spans(source):
            detail = source[start:end]
            out = out.replace(detail, WITHHELD)
            for k in range(len(detail) - 1, 2, -1):
                out = out.replace(detail[:k] + "…", WITHHELD + "…").replace("…" + detail[-k:], "…" + WITHHELD)
        return out

    def incident(self, record: dict[str, Any]) -> dict[str, Any]:
        """An incident's interchange record as a viewer sees it."""
        out = dict(record)
        out["summary"] = self.excerpt(record["summary"], record["evidence"]["text"])
        out["evidence"] = {"text": self.redact(record["evidence"]["text"]), "start": None, "end": None}
        out["location"] = self.coarse_location(record["location"])
        # The source is a file path or URL the analyst gave; only a published URL is shown.
        out["report"] = record.get("report_url")
        out["rules"] = []
        return out

    def event(self, record: dict[str, Any], members: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """An event's JSON record (``Event.to_dict``) as a viewer sees it, given its member incidents' records
        (as stored, unprotected): the summary was cut from one of their evidence texts, and the event's place
        is one of theirs, whose kind of place and county the event's record does not carry."""
        members = list(members)
        out = dict(record)
        summary = self.redact(record["summary"])
        for m in members:
            summary = self.excerpt(summary, m["evidence"]["text"])
        out["summary"] = summary
        out["location"] = self.coarse_location(self._event_place(record["location"], members))
        out["roles"] = [{**r, "why": self.redact(r["why"])} for r in record["roles"]]
        grade = record["grade"]
        out["grade"] = {**grade, "reasons": [self.redact(x) for x in grade["reasons"]]} if grade else None
        names = self._coarse_names(members)
        out["contradictions"] = [{**c, "text": _renamed(self.redact(c["text"]), names)}
                                 for c in record["contradictions"]]
        return out

    def _event_place(self, loc: dict[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
        """The event's location with the facts coarsening needs (kind of place, county, subdivision)."""
        if loc.get("place_id") is None:
            return loc
        same = next((m["location"] for m in members if m["location"]["place_id"] == loc["place_id"]), None)
        if same is not None:
            return {**same, "mention": None}
        place = gazetteer_for(self.profile).places.get(loc["place_id"])
        if place is None:
            return {**loc, "precision": "site"}  # an unknown kind of place: shown at its province, to be safe
        return Location.of(place, None, self.profile.country).to_dict()

    def _coarse_names(self, members: list[dict[str, Any]]) -> dict[str, str]:
        """The names of the members' places finer than a county, each with what a viewer sees instead."""
        names = {}
        for m in members:
            fine = m["location"]
            coarse = self.coarse_location(fine)
            if fine.get("name") and coarse.get("name") != fine["name"]:
                names[fine["name"]] = coarse.get("name") or coarse.get("admin1_iso") or fine.get("country") or "?"
        return names


def _renamed(text: str, names: dict[str, str]) -> str:
    """A text with every place name in ``names`` replaced (longest first: "Hyesan Market" before "Hyesan")."""
    for fine in sorted(names, key=len, reverse=True):
        text = text.replace(fine, names[fine])
    return text


@lru_cache(maxsize=8)
def _county_index(profile: Profile) -> dict[tuple[str | None, str | None], Place]:
    """Counties and cities by (province, second-level name): the containers a finer place is shown at."""
    index: dict[tuple[str | None, str | None], Place] = {}
    for place in gazetteer_for(profile).places.values():
        if place.type in ("county", "city") and place.lat is not None:
            index.setdefault((place.admin1_iso, place.admin2 or place.name), place)
    return index
