"""Incidents and reports built in the test: one happening told several ways."""

from __future__ import annotations

import datetime as dt

import pytest

from seethe.models import Incident, Location, Report, ReportRef, TimeSpan

# Points of the kp gazetteer: a city and a market in it, a town and its county, another county of the
# province, the province, a city of another province, and no place below the country.
PLACES = {
    "Hyesan": dict(name="Hyesan", place_id="gn-2043834", place_type="city", admin2="Hyesan", admin1_iso="KP-10",
                   lat=41.4017, lon=128.1778, precision="city"),
    "Hyesan market": dict(name="Hyesan market", place_id="hyesan-market", place_type="site", admin2="Hyesan",
                          admin1_iso="KP-10", lat=41.39, lon=128.19, precision="site"),
    "Posong": dict(name="Posong", place_id="kp-posong", place_type="town", admin2="Samsu County",
                   admin1_iso="KP-10", lat=41.35, lon=128.12, precision="county"),
    "Samsu County": dict(name="Samsu County", place_id="kp-samsu-county", place_type="county", admin2="Samsu County",
                         admin1_iso="KP-10", lat=41.33, lon=128.07, precision="county"),
    "Kimjongsuk": dict(name="Kimjongsuk County", place_id="gn-2043475", place_type="county",
                       admin2="Kimjongsuk County", admin1_iso="KP-10", lat=41.4, lon=127.75, precision="county"),
    "Ryanggang": dict(name="Ryanggang", place_id="kp-10", place_type="province", admin2=None, admin1_iso="KP-10",
                      lat=None, lon=None, precision="province"),
    "Chongjin": dict(name="Chongjin", place_id="gn-2044754", place_type="city", admin2="Chongjin",
                     admin1_iso="KP-09", lat=41.7956, lon=129.7758, precision="city"),
    None: dict(name=None, place_id=None, place_type=None, admin2=None, admin1_iso=None, lat=None, lon=None,
               precision="country"),
}


@pytest.fixture
def incident():
    """``incident(id, report, ...)``: one incident of a report; by default a leaflet at Hyesan on 2016-01-01."""

    def make(id: int, report: int, *, outlet: str | None = "Daily NK", published: str = "2016-01-05",
             category: str = "dissent.leaflet_graffiti", place: str | None = "Hyesan",
             start: str = "2016-01-01", end: str | None = None, precision: str = "day",
             evidence: str = "Leaflets criticizing Kim Jong Un were found near Hyesan station, a source said.",
             credits: tuple[str, ...] | None = None, actors: tuple[str, ...] = ("unknown individual",)) -> Incident:
        loc = Location(country="KP", **PLACES[place])
        day = dt.date.fromisoformat(published)
        return Incident(
            category=category, summary=evidence[:80], location=loc,
            time=TimeSpan(dt.date.fromisoformat(start), dt.date.fromisoformat(end or start), precision),
            evidence_text=evidence, evidence_start=0, evidence_end=len(evidence), confidence=0.8,
            reported_by=credits if credits is not None else ((outlet,) if outlet else ()), actors=actors,
            report=ReportRef(source=f"report-{report}", id=report, outlet=outlet, published=day), id=id)

    return make


@pytest.fixture
def report():
    """``report(text, ...)``: a report to read provenance from (its text, links and outlet)."""

    def make(text: str, *, outlet: str | None = "Daily NK", published: str = "2016-01-05", url: str | None = None,
             media_type: str = "text/plain") -> Report:
        return Report(text=text, source=url or "test", published=dt.date.fromisoformat(published), outlet=outlet,
                      url=url, media_type=media_type)

    return make
