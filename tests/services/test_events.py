"""The events service on SQLite and PostgreSQL: incremental and idempotent linking, decisions that survive
re-extraction, event details, filters and exports."""

from __future__ import annotations

import csv
import io
import itertools
import json

import pytest

from seethe.errors import UsageError
from seethe.store import Store
from tests.conftest import BACKENDS, _drop_postgres, _fresh_postgres_url
from seethe.services import IngestOptions, ingest, reextract, write_event_export
from seethe.services import events as service
from tests.happenings import telling_text, write_tellings


def write_reports(write_file, names):
    return [str(write_file(f"r/{n}", telling_text(n))) for n in names]


def ingest_reports(store, write_file, names):
    summary = ingest(write_reports(write_file, names), store, opts=IngestOptions())
    assert summary.failed == 0, summary.errors


@pytest.fixture(scope="module", params=BACKENDS)
def linked(request, tmp_path_factory):
    """One store per backend with reports a, b and d ingested and linked, for tests that only read it."""
    folder = tmp_path_factory.mktemp("linked")
    if request.param == "sqlite":
        url, name = f"sqlite:///{folder / 'seethe.db'}", None
    else:
        url, name = _fresh_postgres_url()
    paths = write_tellings(folder, ("a.txt", "b.txt", "d.txt"))
    with Store(url) as store:
        assert ingest(paths, store, opts=IngestOptions()).failed == 0
        service.link(store)
        yield store
    if name:
        _drop_postgres(name)


def snapshot(store):
    return sorted(json.dumps(e.to_dict(), sort_keys=True) for e in store.events())


def leaflet_event(store):
    return next(e for e in store.events() if e.category == "dissent.leaflet_graffiti")


def test_linking_twice_changes_nothing(linked):
    store = linked
    assert store.last_link_run()["kind"] == "full" and store.count_events() == 2
    before = snapshot(store)
    again = service.link(store)
    assert again.kind == "unchanged" and again.events_written == 0
    assert snapshot(store) == before


def test_a_new_report_joins_its_event_and_the_event_keeps_its_id(store, write_file):
    ingest_reports(store, write_file, ["a.txt", "b.txt", "d.txt"])
    service.link(store)
    event = leaflet_event(store)
    ingest_reports(store, write_file, ["c.txt"])
    summary = service.link(store)
    assert summary.kind == "incremental" and summary.new_incidents == 1
    now = leaflet_event(store)
    assert now.id == event.id and len(now.report_ids) == 3
    assert now.origins == 3 and now.grade.credibility == 1


def test_a_detached_report_stays_detached_after_relinking_and_reextraction(store, write_file, profile):
    ingest_reports(store, write_file, ["a.txt", "b.txt", "c.txt"])
    service.link(store)
    event = leaflet_event(store)
    rfa = next(r.report_id for r in event.roles if r.outlet == "RFA")
    decision, events = service.decide(store, "detach", [event.id], reports=[rfa], by="analyst", why="another station")
    assert {len(e.report_ids) for e in events} == {2, 1}
    assert store.decisions()[0].by == "analyst" and store.decisions()[0].why == "another station"
    reextract(store)
    summary = service.link(store)
    assert summary.kind == "full" or summary.new_incidents == summary.incidents
    groups = sorted(sorted(e.report_ids) for e in store.events())
    assert [rfa] in groups and len(groups) == 2
    assert leaflet_event(store).id == event.id or any(e.id == event.id for e in store.events())


def test_an_incident_an_analyst_rejects_leaves_its_event_at_the_next_link(store, write_file, profile):
    from seethe.services.review import review_incident

    ingest_reports(store, write_file, ["a.txt", "b.txt", "c.txt"])
    service.link(store)
    event = leaflet_event(store)
    rfa_incident = next(i.id for i in store.incidents() if i.report.outlet == "RFA")
    review_incident(store, profile, rfa_incident, "reject", reason="not a leaflet", user="analyst")
    summary = service.link(store)
    assert summary.kind != "unchanged"
    now = leaflet_event(store)
    assert now.id == event.id and rfa_incident not in now.incident_ids and len(now.report_ids) == 2
    assert all(rfa_incident not in e.incident_ids for e in store.events())


def test_an_incident_an_analyst_corrects_is_linked_again_by_what_it_now_says(store, write_file, profile):
    from seethe.services.review import review_incident

    ingest_reports(store, write_file, ["a.txt", "b.txt", "c.txt"])
    service.link(store)
    event = leaflet_event(store)
    rfa_incident = next(i.id for i in store.incidents() if i.report.outlet == "RFA")
    review_incident(store, profile, rfa_incident, "correct", reason="it was in Chongjin", user="analyst",
                    place="Chongjin")
    summary = service.link(store)
    assert summary.kind == "incremental" and summary.new_incidents == 1
    now = store.event(event.id)
    assert rfa_incident not in now.incident_ids and len(now.report_ids) == 2
    moved = next(e for e in store.events() if rfa_incident in e.incident_ids)
    assert moved.id != event.id and moved.location.name == "Chongjin" and len(moved.report_ids) == 1
    assert service.link(store).kind == "unchanged"


def test_a_merge_is_replayed_after_every_link(store, write_file):
    ingest_reports(store, write_file, ["a.txt", "d.txt"])
    service.link(store)
    ids = sorted(e.id for e in store.events())
    decision, events = service.decide(store, "merge", ids, by="analyst", why="one campaign")
    assert len(events) == 1 and store.count_events() == 1
    service.link(store, full=True)
    assert store.count_events() == 1
    ingest_reports(store, write_file, ["b.txt"])
    service.link(store)
    assert store.count_events() == 1 and len(next(store.events()).report_ids) == 3


def test_decisions_are_checked(linked):
    store = linked
    event = leaflet_event(store)
    with pytest.raises(UsageError, match="no event 999"):
        service.decide(store, "detach", [999], reports=[1], by="a", why="b")
    with pytest.raises(UsageError, match="needs a reason"):
        service.decide(store, "detach", [event.id], reports=[event.report_ids[0]], by="a", why=" ")
    with pytest.raises(UsageError, match="must leave at least one report"):
        service.decide(store, "split", [event.id], reports=list(event.report_ids), by="a", why="b")
    with pytest.raises(UsageError, match="is not in event"):
        service.decide(store, "detach", [event.id], reports=[12345], by="a", why="b")


def test_event_detail_shows_the_chain_and_the_evidence(linked):
    store = linked
    event = service.event_detail(store, leaflet_event(store).id)
    assert len(event.incidents) == 2 and all("Hyesan" in i.evidence_text for i in event.incidents)
    assert event.links and event.links[0].linked and event.links[0].reasons
    tree = service.provenance_tree(event)
    assert [depth for depth, _ in tree] == [0, 0] and all("origin" in line for _, line in tree)
    with pytest.raises(UsageError):
        service.event_detail(store, 999)


def test_event_filters_count_in_sql(linked, profile):
    store = linked
    two = service.event_filter(profile, min_origins=2)
    assert store.count_events(two) == 1 and [e.category for e in store.events(two)] == ["dissent.leaflet_graffiti"]
    assert store.count_events(service.event_filter(profile, grades=["B1"])) == 1
    assert store.count_events(service.event_filter(profile, grades=["3"], province="North Hamgyong")) == 1
    assert store.count_events(service.event_filter(profile, outlet="Radio Free Asia")) == 1
    with pytest.raises(UsageError):
        service.event_filter(profile, grades=["Z9"])


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson"])
def test_events_export_one_row_line_or_feature_per_event(linked, fmt):
    store = linked
    out = io.StringIO()
    assert write_event_export(store.events(), fmt, out) == 2
    text = out.getvalue()
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {r["origins"] for r in rows} == {"1", "2"} and all(r["grade"] for r in rows)
    elif fmt == "jsonl":
        assert [json.loads(x)["grade"]["code"][0] for x in text.splitlines()] == ["B", "B"]
    else:
        features = json.loads(text)["features"]
        assert len(features) == 2 and all(f["geometry"]["type"] == "Point" for f in features)


def test_events_read_in_keyset_pages_and_by_corroboration(linked, profile):
    store = linked
    newest = list(store.events())
    paged = itertools.islice(store.events_paged(page=1), len(newest) + 1)  # pages that do not move on: fail, not hang
    assert [e.id for e in paged] == [e.id for e in newest]
    first = next(store.events(service.event_filter(profile, limit=1)))
    after = service.event_filter(profile, after=(first.time.start, first.id))
    assert [e.id for e in store.events(after)] == [e.id for e in newest[1:]]
    best = [e.origins for e in store.events(order="corroboration")]
    assert best == sorted(best, reverse=True) and best[0] == 2
    member = leaflet_event(store).incident_ids[0]
    assert store.event_of_incident(member) == leaflet_event(store).id and store.event_of_incident(10**9) is None


def test_the_provenance_chain_hangs_each_relay_under_what_it_relays():
    import datetime as dt

    from seethe.models import Event, Location, ReportRole, TimeSpan

    day = dt.date(2016, 1, 5)
    roles = (ReportRole(1, "RFA", day, "origin", "own_telling", "credits no other outlet"),
             ReportRole(2, "Blog", day, "relay", "credit", "credits RFA", relay_of_report=1),
             ReportRole(3, "Wire", day, "relay", "credit", "credits Blog", relay_of_report=2),
             ReportRole(4, "Digest", day, "relay", "credit", "credits Yonhap", relay_of_outlet="Yonhap"))
    event = Event("dissent.leaflet_graffiti", Location(), TimeSpan(day, day, "day"), (1, 2, 3, 4), (1, 2, 3, 4),
                  roles=roles)
    chain = service.provenance_chain(event)
    assert [(n.outlet, n.role is None) for n in chain] == [("RFA", False), ("Yonhap", True)]
    assert [c.outlet for c in chain[0].relays] == ["Blog"] and [c.outlet for c in chain[0].relays[0].relays] == ["Wire"]
    assert [c.outlet for c in chain[1].relays] == ["Digest"]
    assert [depth for depth, _ in service.provenance_tree(event)] == [0, 1, 2, 0, 1]
    assert service.provenance_tree(event)[3][1] == "Yonhap (not collected): origin"
