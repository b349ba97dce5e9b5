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
