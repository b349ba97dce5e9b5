"""One app over the workbench database; clients signed in as each role (API tokens) or not at all."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from seethe.api import Settings
from seethe.services import accounts
from seethe.store import Store
from seethe.web import create_app
from tests.workbench import ROLES


@pytest.fixture(scope="session")
def app(workbench):
    url, _ = workbench
    return create_app(Settings(db=url))


@pytest.fixture(scope="session")
def public_app(workbench):
    url, _ = workbench
    return create_app(Settings(db=url, public=True))


@pytest.fixture(scope="session")
def tokens(workbench):
    url, _ = workbench
    with Store(url) as store:
        return {role: accounts.new_api_token(store, store.user(name), "tests", actor="test")[1]
                for name, role in ROLES.items()}


@pytest.fixture(scope="session")
def as_role(app, tokens):
    """``as_role("analyst")``: a client whose requests carry that role's API token ("anonymous": none)."""
    clients = {}

    def client(role: str) -> TestClient:
        if role not in clients:
            headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
            clients[role] = TestClient(app, headers=headers, follow_redirects=False)
        return clients[role]

    return client


def sign_in(client: TestClient, name: str, password: str):
    """Sign in through the form as a browser does (the login CSRF cookie first)."""
    page = client.get("/login")
    token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    return client.post("/login", data={"name": name, "password": password, "csrf": token, "next": "/"})
