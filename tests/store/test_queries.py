"""Queries that scale: counting in SQL, streamed listings, full-text search, indexed filters."""

import datetime as dt
import types

import pytest

from seethe.models import Incident, Location, Report, TimeSpan
from seethe.store import IncidentFilter, Store


def _incident(category, admin1, day, text, outlets=()):
    return Incident(category=category, summary=f"{category}: {text}",
                    location=Location(name="X", place_id=f"p-{admin1}", admin1_iso=admin1, country="KP",
                                      precision="city"),
                    time=TimeSpan(day, day, "day", "on a day"), evidence_text=text, evidence_start=0,
                    evidence_end=len(text), confidence=0.8, reported_by=tuple(outlets))


@pytest.fixture
def filled(store):
    run = store.start_run({"profile": "kp@test"})
    batch = []
    for k in range(30):
        day = dt.date(2021, 1 + k % 6, 1 + k)
        incidents = [
            _incident("dissent.leaflet_graffiti", "KP-10", day, f"Leaflets criticizing the leader, number {k}", ["RFA"]),
            _incident("control.market", "KP-09" if k % 2 else "KP-10", day, "Vendors were chased from the market",
                      ["Daily NK"]),
        ]
        batch.append((Report(text=f"report {k}", source=f"r{k}.txt", published=day, outlet="Daily NK"),
                      f"report {k}", incidents))
    store.add_reports(batch, run)
    return store


def test_listings_stream(filled):
    rows = filled.incidents()
    assert isinstance(rows, types.GeneratorType)
    first = next(rows)
    assert first.time.start == max(i.time.start for i in filled.incidents())  # newest first
    rows.close()


def test_counts_by_key_agree_with_the_rows(filled):
    rows = list(filled.incidents())
    assert filled.count_by("family") == {"control": 30, "dissent": 30}
    assert filled.count_by("province") == {"KP-10": 45, "KP-09": 15}
    assert sum(filled.count_by("month").values()) == len(rows)
    assert filled.count_by("outlet") == {"Daily NK": 30, "RFA": 30}
    assert filled.count_incidents(IncidentFilter(province="KP-09")) == 15


def test_text_search_matches_word_beginnings_without_wildcards(filled):
    assert filled.count_incidents(IncidentFilter(text="leaflet")) == 30
    assert filled.count_incidents(IncidentFilter(text="LEAFLETS criticiz")) == 30
    assert filled.count_incidents(IncidentFilter(text="eaflets")) == 0  # not inside a word
    assert filled.count_incidents(IncidentFilter(text="%")) == 0  # no wildcards
    assert filled.count_incidents(IncidentFilter(text="vendors market")) == 30


def test_outlets_filter_through_the_outlets_table(filled):
    assert filled.count_incidents(IncidentFilter(outlets=("RFA",))) == 30
    # The report's own outlet counts too: every report here is Daily NK's.
    assert filled.count_incidents(IncidentFilter(outlets=("Daily NK",))) == 60


def test_keyset_pages_cover_every_row_once(filled):
    seen, after = [], None
    while True:
        page = list(filled.incidents(IncidentFilter(limit=7, after=after)))
        if not page:
            break
        seen += [i.id for i in page]
        after = (page[-1].time.start, page[-1].id)
    assert sorted(seen) == sorted(i.id for i in filled.incidents())


@pytest.mark.parametrize("filt, index", [
    (IncidentFilter(category="control"), "ix_incidents_current_family_time"),
    (IncidentFilter(category="control.market"), "ix_incidents_current_category_time"),
    (IncidentFilter(province="KP-10"), "ix_incidents_current_admin1"),
    (IncidentFilter(), "ix_incidents_current_time"),
])
def test_filters_use_their_index_on_sqlite(tmp_path, filt, index):
    with Store(tmp_path / "plan.db") as store:
        assert index in store.explain(filt)


def test_a_rejected_incident_leaves_every_count(filled):
    from seethe.store import IncidentFilter

    before = filled.count_by("family")
    victim = next(i for i in filled.incidents(IncidentFilter(category="control.market")))
    filled.add_review(victim.id, "reject", {}, "not an incident", "tester")
    after = filled.count_by("family")
    assert after["control"] == before["control"] - 1 and after["dissent"] == before["dissent"]
    assert filled.count_incidents() == sum(before.values()) - 1
    assert filled.stats()["incidents"] == sum(before.values()) - 1
    assert sum(filled.count_by("month").values()) == sum(filled.count_by("month", IncidentFilter(review="any")).values()) - 1
    assert filled.count_incidents(IncidentFilter(review="rejected")) == 1
