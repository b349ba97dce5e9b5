"""The gazetteer: every place a report can name, indexed by spelling-independent key."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from seethe.errors import GazetteerError
from seethe.geo._hierarchy import BARE_NAME_PREFERENCE
from seethe.geo.variants import name_key
from seethe.models import Place
from seethe.profile import Profile

_PLACE_TYPES = {"country", "region", "province", "city", "county", "district", "town", "site", "feature"}
_ISO_ADMIN1 = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")

cached_key = lru_cache(maxsize=300_000)(name_key)
_JOINERS = re.compile(r"[\s\-‐-―]+")


def plain_name(name: str) -> str:
    """A name compared as written but for case, hyphens and spaces ("Kim Jong-suk" = "kim jong suk")."""
    return _JOINERS.sub(" ", name.casefold()).strip()


@dataclass(slots=True)
class Gazetteer:
    """Places and the index from name keys to them.  Build with ``load_gazetteer``."""

    places: dict[str, Place]
    index: dict[str, list[Place]]
    phrase_index: dict[str, list[Place]]  # lower-case phrases ("across the country")
    first_keys: dict[str, int]  # key of a name's first word -> most words in a name starting so
    max_tokens: int
    population: dict[str, int] = field(default_factory=dict)
    version: str = "unknown"
    not_places: frozenset[str] = frozenset()
    phrase_first_words: frozenset[str] = frozenset()  # first words of lower-case phrase names
    start_pattern: re.Pattern[str] | None = None  # where a name can begin in text
    home: str = ""  # the profile's country (ISO 3166-1)
    city_provinces: frozenset[str] = frozenset()  # provinces that are cities in their own right
    capitals: frozenset[str] = frozenset()  # keys of capitals, which stand for their governments
    _keys_cache: list[str] | None = None

    def lookup(self, name: str) -> list[Place]:
        """Entries whose names share ``name``'s key, best first by type and population."""
        key = cached_key(name)
        found = self.index.get(key, []) + self.phrase_index.get(key, [])
        return self.rank(found)

    def search(self, name: str, limit: int = 5, threshold: float = 80.0) -> list[tuple[Place, float]]:
        """The best entries for a name, with scores 0-100, best first.

        An exact key match (any spelling the gazetteer knows or the variant
        rules conflate) scores 100; otherwise names are compared by fuzzy
        similarity of their keys, and nothing under ``threshold`` is returned:
        an honest "no match" rather than a wild guess.
        """
        exact = self.lookup(name)
        if exact:
            return [(p, 100.0) for p in exact[:limit]]
        key = cached_key(name)
        if not key:
            return []
        keys = self._fuzzy_keys()
        out: list[tuple[Place, float]] = []
        seen: set[str] = set()
        for match_key, score, _ in process.extract(key, keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=threshold):
            for p in self.rank(self.index.get(match_key, []) + self.phrase_index.get(match_key, [])):
                if p.id not in seen:
                    seen.add(p.id)
                    out.append((p, round(float(score), 1)))
        return out[:limit]

    def _fuzzy_keys(self) -> list[str]:
        keys = getattr(self, "_keys_cache", None)
        if keys is None:
            keys = sorted(set(self.index) | set(self.phrase_index))
            object.__setattr__(self, "_keys_cache", keys)
        return keys

    def by_type(self, place_type: str | None = None, admin1: str | None = None) -> list[Place]:
        """Places of a type and/or in a province (ISO code), sorted by province and name."""
        return sorted(
            (p for p in self.places.values()
             if (place_type is None or p.type == place_type) and (admin1 is None or p.admin1_iso == admin1)),
            key=lambda p: (p.admin1_iso or p.country, p.name),
        )

    def rank(self, places: list[Place]) -> list[Place]:
        """When context does not decide, what a bare name usually means: a city over
        the county or province of the same name, then the more populous."""
        return sorted(places, key=lambda p: (BARE_NAME_PREFERENCE.get(p.type, 9), -self.population.get(p.id, 0), p.id))

    def province(self, iso: str) -> Place | None:
        """The province (or, abroad, the country) with this ISO code."""
        for p in self.places.values():
            if p.admin1_iso == iso and (p.type == "province" or iso in self.city_provinces and p.type == "city"):
                return p
        for p in self.places.values():
            if p.type == "country" and p.country == iso:
                return p
        return None

    def province_label(self, iso: str | None) -> str:
        """A province as people read it: "North Hamgyong (KP-09)"; the code alone when unknown."""
        if not iso:
            return "—"
        p = self.province(iso)
        return f"{p.name} ({iso})" if p else iso

    def province_code(self, name_or_code: str) -> str | None:
        """The ISO code a province (or country) name or code means: "Ryanggang" → "KP-10"."""
        given = name_or_code.strip()
        if self.province(given.upper()) is not None:
            return given.upper()
        for p, _ in self.search(given, limit=10):
            if p.type == "province" or (p.type == "city" and p.admin1_iso in self.city_provinces):
                return p.admin1_iso
            if p.type == "country" and p.id == p.country.lower():
                return p.country
        return None

    def __len__(self) -> int:
        return len(self.places)


def _check(record: dict, where: str) -> None:
    for name in ("id", "name", "type", "country", "names"):
        if name not in record:
            raise GazetteerError(f"entry lacks {name!r}", source=where)
    if record["type"] not in _PLACE_TYPES:
        raise GazetteerError(f"unknown place type {record['type']!r}", source=where)
    if not _ISO_COUNTRY.match(str(record["country"])):
        raise GazetteerError(f"country {record['country']!r} is not an ISO 3166-1 alpha-2 code", source=where)
    admin1 = record.get("admin1")
    if admin1 is not None and not _ISO_ADMIN1.match(str(admin1)):
        raise GazetteerError(f"admin1 {admin1!r} is not an ISO 3166-2 code", source=where)
    for c in ("lat", "lon"):
        v = record.get(c)
        if v is not None and not isinstance(v, (int, float)):
            raise GazetteerError(f"{c} must be a number or null", source=where)
    if not isinstance(record["names"], list):
        raise GazetteerError("names must be a list", source=where)


def load_gazetteer(path: Path, not_places: frozenset[str] = frozenset(), version: str = "unknown", *,
                   home: str = "", city_provinces: frozenset[str] = frozenset(),
                   capitals: frozenset[str] = frozenset()) -> Gazetteer:
    """Read a gazetteer JSONL file, check every entry, and index its names (``not_places`` are plain names).

    Raises ``GazetteerError`` naming the file and line of the first bad entry.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GazetteerError(f"cannot read gazetteer: {exc.strerror}", source=str(path)) from exc
    places: dict[str, Place] = {}
    index: dict[str, list[Place]] = {}
    phrase_index: dict[str, list[Place]] = {}
    population: dict[str, int] = {}
    first_keys: dict[str, int] = {}
    max_tokens = 1
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GazetteerError(f"not JSON ({exc.msg})", source=where) from exc
        _check(record, where)
        if record["id"] in places:
            raise GazetteerError(f"duplicate id {record['id']!r}", source=where)
        names = tuple(dict.fromkeys([record["name"], *record["names"]]))
        place = Place(
            id=record["id"], name=record["name"], type=record["type"], country=record["country"],
            admin1_iso=record.get("admin1"), admin2=record.get("admin2"),
            lat=record.get("lat"), lon=record.get("lon"), hangul=record.get("hangul"), names=names,
        )
        places[place.id] = place
        if record.get("population"):
            population[place.id] = int(record["population"])
        for name in names:
            if plain_name(name) in not_places:
                continue
            key = cached_key(name)
            if len(key) < 3 and not re.search(r"[\uac00-\ud7a3]", key):
                continue
            target = phrase_index if name[:1].islower() else index
            bucket = target.setdefault(key, [])
            if place not in bucket:
                bucket.append(place)
            tokens = name.replace("-", " ").split()
            max_tokens = max(max_tokens, len(tokens))
            fk = cached_key(tokens[0]) if tokens else key
            first_keys[fk] = max(first_keys.get(fk, 1), len(tokens))
    phrase_first = frozenset(
        fold_word for p in places.values() for n in p.names if n[:1].islower()
        for fold_word in [n.replace("-", " ").split()[0].lower()]
    )
    words = "|".join(re.escape(w) for w in sorted(phrase_first, key=len, reverse=True))
    start_pattern = re.compile(
        r"(?<![\w'])(?:[A-Z\u00c0-\u00de\u0100-\u017f\u1e00-\u1eff]|[\uac00-\ud7a3]"
        + (rf"|(?i:(?:{words})\b)" if words else "") + ")"
    )
    return Gazetteer(places, index, phrase_index, first_keys, min(max_tokens, 6), population, version,
                     not_places, phrase_first, start_pattern, home, frozenset(city_provinces),
                     frozenset(cached_key(c) for c in capitals))


_BY_PROFILE: dict[tuple[str, str], Gazetteer] = {}


def gazetteer_for(profile: Profile) -> Gazetteer:
    """The profile's gazetteer, read, checked and indexed once per process."""
    key = (str(profile.folder), profile.version)
    gaz = _BY_PROFILE.get(key)
    if gaz is None:
        m = profile.manifest
        gaz = _BY_PROFILE[key] = load_gazetteer(
            profile.gazetteer_path, profile.not_places, version=profile.version, home=profile.country,
            city_provinces=frozenset(m.city_provinces), capitals=frozenset(m.capitals))
    return gaz
