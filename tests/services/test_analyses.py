"""The analyses' unit on SQLite and PostgreSQL: one happening told by several reports counts once per event.

The corpus is ``tests.happenings``: six happenings told by fourteen reports
(one incident each), linked into six events.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event as sql_event

from seethe.analyse import cluster, delay, index
from seethe.errors import AnalysisError, UsageError
from seethe.services import IngestOptions, ingest
from seethe.services import events as event_service
from seethe.services.analyses import (
    counted, event_filter_of, first_origin_outlet, graded_events, occurrences_from_events, select,
)
from seethe.services.queries import incident_filter
from seethe.store import Store
from tests.conftest import BACKENDS, _drop_postgres, _fresh_postgres_url
from tests.happenings import SIX, TELLINGS, write_tellings


@pytest.fixture(scope="module", params=BACKENDS)
def six(request, tmp_path_factory):
    """One store per backend with the six happenings' fourteen reports ingested and linked (read only)."""
    folder = tmp_path_factory.mktemp("six")
    if request.param == "sqlite":
        url, name = f"sqlite:///{folder / 'seethe.db'}", None
    else:
        url, name = _fresh_postgres_url()
    with Store(url) as store:
        assert ingest(write_tellings(folder / "r", SIX), store, opts=IngestOptions()).failed == 0
        event_service.link(store)
        yield store
    if name:
        _drop_postgres(name)


def ingest_tellings(store, folder, names):
    assert ingest(write_tellings(folder, names), store, opts=IngestOptions()).failed == 0


def by_place(selection):
    """Each occurrence's place name, through the event it stands for."""
    return {e.location.name: o for e, o in zip(selection.events, selection.occurrences)}


def test_the_corpus_links_into_six_events(six):
    assert six.count_incidents() == 14 and six.count_events() == 6


def test_each_happening_counts_once_per_event_and_once_per_telling_per_incident(six, profile):
    per_incident = select(six, profile, unit="incidents")
    per_event = select(six, profile, unit="events")
    assert (per_incident.unit, len(per_incident.occurrences)) == ("incidents", 14)
    assert (per_event.unit, len(per_event.occurrences)) == ("events", 6)
    assert index(per_incident.occurrences).used == 14 and index(per_event.occurrences).used == 6
    assert cluster(per_incident.occurrences, permutations=19).used == 14
    assert cluster(per_event.occurrences, permutations=19).used == 6
    assert delay(per_incident.occurrences, min_count=2).used == 14
    assert delay(per_event.occurrences, min_count=2).used == 6


def test_the_hyesan_leaflet_weighs_three_per_incident_and_one_per_event(six, profile):
    def dissent_in_ryanggang(selection):
        return sum(1 for o in selection.occurrences if o.admin1 == "KP-10" and o.family == "dissent")

    assert dissent_in_ryanggang(select(six, profile, unit="incidents")) == 3
    assert dissent_in_ryanggang(select(six, profile, unit="events")) == 1


def test_an_event_was_published_when_its_earliest_report_was(six, profile):
    per_event = select(six, profile, unit="events")
    for e, occ in zip(per_event.events, per_event.occurrences):
        days = [r.published for r in e.roles]
        assert occ.published == min(days) and occ.reports == tuple(str(r) for r in e.report_ids)
    places = by_place(per_event)
    # Hamhung: RFA's report (6 April) was stored after Daily NK's (12 April) but came first.
    assert places["Hamhung"].published == dt.date(2016, 4, 6) and places["Hamhung"].outlet == "RFA"
    assert places["Sinuiju"].published == dt.date.fromisoformat(TELLINGS["l.txt"][0])


def test_the_outlet_is_the_earliest_origins_even_when_only_credited(six, profile):
    places = by_place(select(six, profile, unit="events"))
    # The blog relays Yonhap, whose report is not collected: Yonhap is the origin through which it became known.
    assert places["Sinuiju"].outlet == "Yonhap"
    assert places["Hoeryong"].outlet == "Daily NK" and places["Kanggye"].outlet == "Daily NK"


def test_the_outlet_of_an_event_without_roles_is_its_earliest_reports(six):
    import dataclasses

    e = dataclasses.replace(next(six.events()), roles=())
    known = {rid: (dt.date(2016, 1, 9 - k), f"outlet {rid}") for k, rid in enumerate(e.report_ids)}
    earliest = min(known, key=lambda rid: known[rid][0])
    assert first_origin_outlet(e, known) == f"outlet {earliest}"


def test_report_dates_are_read_in_one_query_whatever_the_number_of_events(six, profile):
    statements = []

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    one = next(six.events()).id
    sql_event.listen(six.engine, "before_cursor_execute", seen)
    try:
        assert len(occurrences_from_events(six, event_filter_of(incident_filter(profile), ids=[one]))) == 1
        for_one = len(statements)
        statements.clear()
        assert len(occurrences_from_events(six, event_filter_of(incident_filter(profile)))) == 6
        for_six = len(statements)
    finally:
        sql_event.remove(six.engine, "before_cursor_execute", seen)
    assert for_six == for_one == 2  # the events, then their reports' dates and outlets


def test_report_publications_are_those_of_the_selected_events(six, profile):
    filt = event_filter_of(incident_filter(profile, limit=2))
    events = list(six.events(filt))
    published = six.report_publications(filt)
    assert len(events) == 2 and set(published) == {r for e in events for r in e.report_ids}
    assert {rid: day for rid, (day, _) in published.items()} == {r.report_id: r.published for e in events
                                                                 for r in e.roles}


@pytest.mark.parametrize("filters, events, incidents", [
    ({"category": "control"}, 2, 5),
    ({"category": "dissent.leaflet_graffiti"}, 2, 5),
    ({"province": "North Hamgyong"}, 2, 4),
    ({"place": "Hyesan"}, 1, 3),
    ({"since": dt.date(2016, 3, 1), "until": dt.date(2016, 4, 30)}, 2, 4),
    ({"outlet": "Yonhap"}, 1, 1),  # credited by the blog only: an incident's outlet selects its event
    ({"outlet": "One Free Korea"}, 1, 1),  # the blog's own outlet
    ({"text": "dramas"}, 1, 3),
    ({"limit": 2}, 2, 2),
])
def test_the_incidents_filters_select_events(six, profile, filters, events, incidents):
    assert len(select(six, profile, filters, unit="events").occurrences) == events
    assert len(select(six, profile, filters, unit="incidents").occurrences) == incidents


def test_a_confidence_floor_selects_the_events_holding_a_sure_incident(six, profile):
    # Counted from the store rather than fixed: confidences move whenever the model is refitted.
    floor = sorted(i.confidence for i in six.incidents())[len(list(six.incidents())) // 2]
    sure = {i.id for i in six.incidents() if i.confidence >= floor}
    holding = {e.id for e in six.events() if sure & set(e.incident_ids)}
    assert 0 < len(holding) < six.count_events()
    assert {o.id for o in select(six, profile, {"min_confidence": floor}, unit="events").occurrences} == \
        {str(e) for e in holding}
    assert len(select(six, profile, {"min_confidence": floor}, unit="incidents").occurrences) == len(sure)


def test_listed_ids_are_event_ids_under_events_and_incident_ids_otherwise(six, profile):
    hamhung = next(e for e in six.events() if e.location.name == "Hamhung")
    per_event = select(six, profile, ids=[hamhung.id], unit="events")
    assert [o.id for o in per_event.occurrences] == [str(hamhung.id)] and len(per_event.occurrences[0].reports) == 2
    listed = select(six, profile, ids=list(hamhung.incident_ids))
    assert listed.unit == "incidents" and "listed ids are incident ids" in listed.why
    assert sorted(o.id for o in listed.occurrences) == sorted(str(i) for i in hamhung.incident_ids)


def test_auto_counts_incidents_before_a_link_and_events_once_every_selected_incident_is_linked(store, tmp_path,
                                                                                                 profile):
    ingest_tellings(store, tmp_path / "r", SIX)
    before = select(store, profile)
    assert before.unit == "incidents" and len(before.occurrences) == 14
    assert before.why.startswith("Counted per incident (the incidents are not linked into events yet)")
    event_service.link(store)
    after = select(store, profile)
    assert after.unit == "events" and len(after.occurrences) == 6
    assert after.why.startswith("Counted per event (every selected incident is linked): 6 events from 14 incidents")
    ingest_tellings(store, tmp_path / "later", ["o.txt"])  # a Hyesan report, not linked yet
    grown = select(store, profile)
    assert grown.unit == "incidents" and "1 of the selected incidents is in no event yet" in grown.why
    assert select(store, profile, {"province": "North Hamgyong"}).unit == "events"  # the new one is not selected
    forced = select(store, profile, unit="events")
    assert forced.unit == "events" and "1 selected incident is not in an up-to-date event" in forced.why
    event_service.link(store)
    relinked = select(store, profile)
    assert relinked.unit == "events" and "6 events from 15 incidents" in relinked.why


def test_auto_counts_incidents_while_a_correction_waits_for_the_next_link(store, tmp_path, profile):
    from seethe.services.review import review_incident

    ingest_tellings(store, tmp_path / "r", SIX)
    event_service.link(store)
    first = next(store.incidents()).id
    review_incident(store, profile, first, "correct", reason="it was in Chongjin", user="analyst", place="Chongjin")
    waiting = select(store, profile)
    assert waiting.unit == "incidents" and "1 incident corrected by an analyst since the last link" in waiting.why
    event_service.link(store)
    assert select(store, profile).unit == "events"


def test_events_asked_of_a_store_never_linked_is_an_analysis_error(store, tmp_path, profile):
    ingest_tellings(store, tmp_path / "r", ["a.txt", "b.txt"])
    with pytest.raises(AnalysisError, match="not linked into events") as raised:
        select(store, profile, unit="events")
    assert raised.value.code == "analysis.no_events" and "--" not in raised.value.one_line()
    with pytest.raises(UsageError):
        select(store, profile, unit="happenings")


def test_every_analysis_states_first_what_it_counted(six, profile):
    per_event = select(six, profile)
    result = counted(index(per_event.occurrences), per_event)
    assert result.assumptions[0] == per_event.why and result.assumptions[1:] == index(per_event.occurrences).assumptions
    assert f"  - {per_event.why}" in result.describe() and "counts once" in per_event.why


def test_graded_events_are_listed_for_either_unit(six, profile):
    assert len(graded_events(six, select(six, profile, unit="events"))) == 6
    listed = graded_events(six, select(six, profile, {"province": "Ryanggang"}, unit="incidents"))
    assert [e.location.admin1_iso for e in listed] == ["KP-10"] and listed[0].grade is not None
