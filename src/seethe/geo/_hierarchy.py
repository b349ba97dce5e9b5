"""The one place hierarchy: how specific a kind of place is, and what lies inside what.

Two orders answer two questions and are kept apart on purpose:

* ``specificity`` — how narrowly a place locates an act (a station is more
  specific than its town, the town than its county);
* ``bare_name_preference`` — which of several same-named entries a bare name
  usually means in reports (the city of Hamhung over the county or province
  sharing its name).

``contains`` is the only containment rule: everything that asks "is B in A?"
(chains such as "Posong in Samsu county", a province standing for the town of
the story, merging two mentions of one incident) asks it here.
"""

from __future__ import annotations

from seethe.geo.variants import base_name, name_key
from seethe.models import Place

SPECIFICITY = {"site": 0, "town": 1, "district": 2, "city": 3, "county": 4, "feature": 5,
               "province": 6, "region": 7, "country": 8}
BARE_NAME_PREFERENCE = {"city": 0, "county": 1, "town": 2, "district": 3, "site": 4, "province": 5,
                        "feature": 6, "region": 7, "country": 8}
_UNITS = ("city", "county", "district")
_AREAS = ("country", "region")


def specificity(place: Place) -> int:
    """Smaller is more specific."""
    return SPECIFICITY.get(place.type, 9)


def bare_name_preference(place: Place) -> int:
    """Smaller is what a bare name more often means."""
    return BARE_NAME_PREFERENCE.get(place.type, 9)


def _unit_key(name: str | None) -> str:
    return name_key(base_name(name)) if name else ""


def contains(outer: Place, inner: Place) -> bool:
    """Whether ``inner`` lies within ``outer`` by the administrative hierarchy."""
    if outer.id == inner.id:
        return False
    if outer.type in _AREAS and outer.admin1_iso is None:
        return inner.country == outer.country and inner.type not in _AREAS
    if outer.type == "province":
        return inner.country == outer.country and inner.admin1_iso == outer.admin1_iso and inner.type != "province"
    if outer.type in _UNITS:
        if inner.admin1_iso != outer.admin1_iso or not inner.admin2 or specificity(inner) >= specificity(outer):
            return False
        # A place records the unit it is in by name ("Samsu County", "Hyesan"); a
        # unit may itself sit in a city ("Pohang District" of Chongjin).
        return _unit_key(inner.admin2) in {_unit_key(outer.name), _unit_key(outer.admin2)} - {""}
    return False
