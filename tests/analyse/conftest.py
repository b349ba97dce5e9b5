"""Helpers for the analyses' tests: occurrences built in the test, the seed report's incidents."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from seethe.analyse import Occurrence, occurrence_from_incident

_ROOT = Path(__file__).resolve().parents[2]
# shared/ lies beside the clone in CI, and beside the worktrees' folder on a developer's machine.
SEED_GOLD = next((p for p in (_ROOT.parent / "shared" / "seed" / "onefreekorea-2016-05-02.gold.json",
                              _ROOT.parent.parent / "shared" / "seed" / "onefreekorea-2016-05-02.gold.json") if p.exists()),
                 _ROOT.parent / "shared" / "seed" / "onefreekorea-2016-05-02.gold.json")

TOWNS = {  # lat, lon, province
    "Sinuiju": (40.10, 124.40, "KP-03"), "Rason": (42.26, 130.30, "KP-13"), "Kaesong": (37.97, 126.55, "KP-06"),
    "Pyongyang": (39.03, 125.75, "KP-01"), "Hyesan": (41.40, 128.18, "KP-10"), "Chongjin": (41.79, 129.78, "KP-09"),
    "Hamhung": (39.92, 127.54, "KP-08"),
}


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


@pytest.fixture
def occ():
    """``occ("Sinuiju", "2016-03-01")``: an occurrence in a known town."""
    counter = iter(range(10_000))

    def make(town: str, start: str, end: str | None = None, *, precision: str = "city", time_precision: str = "day",
             category: str = "dissent.leaflet_graffiti", published: str | None = None, outlet: str | None = "Daily NK",
             reports: tuple[str, ...] = (), id: str | None = None) -> Occurrence:
        lat, lon, admin1 = TOWNS[town]
        if precision == "province":  # as the store gives them: the province's centroid comes from areas.json
            lat = lon = None
        return Occurrence(id or f"{town}-{next(counter)}", category, lat, lon, precision, admin1, day(start),
                          day(end or start), time_precision, day(published) if published else None, outlet, reports)

    return make


@pytest.fixture(scope="session")
def seed_occurrences() -> list[Occurrence]:
    if not SEED_GOLD.exists():
        pytest.skip("shared/seed is not beside the repository")
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    return [occurrence_from_incident(inc, id=f"{inc['place']} ({inc['category']})", published=gold["report"]["published"], home="KP",
                                     reports=(gold["report"]["file"],))
            for inc in gold["incidents"] if not inc.get("optional")]


@pytest.fixture(scope="session")
def towns():
    """The gazetteer's towns, cities and counties with coordinates, for the simulator."""
    from seethe.analyse import towns_from_places
    from seethe.geo import gazetteer_for
    from seethe.profile import load_profile

    profile = load_profile("kp")
    return towns_from_places(gazetteer_for(profile).places.values(), profile.country)
