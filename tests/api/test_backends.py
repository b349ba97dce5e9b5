"""Input PostgreSQL would refuse (NUL characters) is a 4xx on every backend, never a database error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from seethe.api import Settings
from seethe.services import accounts
from seethe.store import Store
from seethe.web import create_app


@pytest.fixture
def client(db_url):
    with Store(db_url) as store:
        accounts.add_user(store, "ana", "a long password", "analyst", actor="test")
        token = accounts.new_api_token(store, store.user("ana"), "t", actor="test")[1]
    return TestClient(create_app(Settings(db=db_url)), headers={"Authorization": f"Bearer {token}"})


def test_a_nul_anywhere_is_a_400_or_dropped(client):
    for field in ("category", "province", "place", "outlet", "search", "place_id", "within"):
        answer = client.get("/api/incidents", params={field: "a\x00b"})
        assert answer.status_code == 400 and answer.json()["error"]["field"] == field
        assert client.get("/api/map", params={field: "a\x00b"}).status_code == 400
    assert client.post("/api/tokens", json={"label": "note\x00book"}).status_code == 201
    assert client.get("/api/tokens").json()[-1]["label"] == "notebook"
    assert client.get("/api/search", params={"q": "\x00"}).status_code == 400
    assert client.get("/api/incidents", params={"search": "leaflet"}).status_code == 200


def test_events_list_page_filter_and_show_alike_on_every_backend(db_url, tmp_path):
    """Events through the API on SQLite and PostgreSQL: cursor pages, filters, one event, a 404, a viewer's view."""
    from seethe.services import IngestOptions, ingest
    from seethe.services import events as event_service
    from tests.workbench import EVENT_SOURCE_DETAILS, LEAFLETS, event_of, write_event_reports

    with Store(db_url) as store:
        assert ingest(write_event_reports(tmp_path), store, opts=IngestOptions()).failed == 0
        event_service.link(store)
        leaflets = event_of(store, LEAFLETS)
        tokens = {}
        for name, role in (("ana", "analyst"), ("vic", "viewer")):
            accounts.add_user(store, name, "a long password", role, actor="test")
            tokens[role] = accounts.new_api_token(store, store.user(name), "t", actor="test")[1]
    app = create_app(Settings(db=db_url))
    analyst, viewer = (TestClient(app, headers={"Authorization": f"Bearer {tokens[r]}"}) for r in ("analyst", "viewer"))
    everything = analyst.get("/api/events").json()["items"]
    first = analyst.get("/api/events", params={"limit": 1}).json()
    second = analyst.get("/api/events", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in everything]
    assert len(everything) == 2 and second["next_cursor"] is None
    found = analyst.get("/api/events", params={"min_origins": 2, "province": "Ryanggang", "outlet": "RFA",
                                              "contradicted": "false", "grade": "B"}).json()["items"]
    assert [e["id"] for e in found] == [leaflets]
    assert analyst.get("/api/events", params={"outlet": "R\x00FA"}).status_code == 400
    event = analyst.get(f"/api/events/{leaflets}").json()
    assert [t["role"] for t in event["tellings"]] == ["origin", "relay", "origin"] and event["grade"]["code"] == "B1"
    assert analyst.get("/api/events/999999").status_code == 404
    seen = viewer.get(f"/api/events/{leaflets}")
    assert seen.json()["location"]["precision"] == "city" and not any(d in seen.text for d in EVENT_SOURCE_DETAILS)
