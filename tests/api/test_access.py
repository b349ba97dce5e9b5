"""Every route × every role, from one table: a route added without a row here fails, and so does a
rule that lets the wrong role in or keeps the right one out."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from seethe.api import route_rule
from seethe.web import PUBLIC_MOUNTS

ROLES = ("anonymous", "viewer", "analyst", "admin")
LEVEL = {"anyone": 0, "viewer": 1, "analyst": 2, "admin": 3}
# (method, path): the least role that may call it.
EXPECTED = {
    ("GET", "/api/me"): "anyone",
    ("GET", "/api/meta"): "viewer",
    ("GET", "/api/incidents"): "viewer",
    ("GET", "/api/search"): "viewer",
    ("GET", "/api/incidents/{incident_id}"): "viewer",
    ("GET", "/api/incidents/{incident_id}/reviews"): "analyst",
    ("POST", "/api/incidents/{incident_id}/review"): "analyst",
    ("GET", "/api/reports/{report_id}"): "viewer",
    ("GET", "/api/counts"): "viewer",
    ("GET", "/api/timeline"): "viewer",
    ("GET", "/api/map"): "viewer",
    ("GET", "/api/export"): "viewer",
    ("GET", "/api/events"): "viewer",
    ("GET", "/api/events/map"): "viewer",
    ("GET", "/api/events/export"): "viewer",
    ("GET", "/api/events/{event_id}"): "viewer",
    ("POST", "/api/events/{event_id}/decisions"): "analyst",
    ("GET", "/api/decisions"): "analyst",
    ("DELETE", "/api/decisions/{decision_id}"): "analyst",
    ("GET", "/api/audit"): "analyst",
    ("GET", "/api/users"): "admin",
    ("POST", "/api/users"): "admin",
    ("DELETE", "/api/users/{name}"): "admin",
    ("GET", "/api/tokens"): "viewer",
    ("POST", "/api/tokens"): "viewer",
    ("DELETE", "/api/tokens/{token_id}"): "viewer",
    ("GET", "/"): "viewer",
    ("GET", "/incidents/{incident_id}"): "viewer",
    ("POST", "/incidents/{incident_id}/review"): "analyst",
    ("GET", "/reports/{report_id}"): "viewer",
    ("GET", "/events/{event_id}"): "viewer",
    ("POST", "/events/{event_id}/decide"): "analyst",
    ("GET", "/audit"): "analyst",
    ("GET", "/login"): "anyone",
    ("POST", "/login"): "anyone",
    ("POST", "/logout"): "viewer",
    ("GET", "/admin/users"): "admin",
    ("POST", "/admin/users"): "admin",
    ("POST", "/admin/users/{name}/remove"): "admin",
}
# FastAPI's own routes: the OpenAPI document is public (it describes, it does not show data).
FRAMEWORK = {("GET", "/openapi.json")}
ACCESS_DENIALS = {"auth.required", "auth.forbidden", "auth.read_only"}


def _routes(app) -> dict[tuple[str, str], APIRoute]:
    out = {}
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in route.methods:
                out[(method, route.path)] = route
    return out


def _concrete(path: str) -> str:
    return (path.replace("{incident_id}", "1").replace("{report_id}", "1").replace("{name}", "nobody")
            .replace("{token_id}", "999999").replace("{event_id}", "1").replace("{decision_id}", "999999"))


def _call(client: TestClient, method: str, path: str):
    return client.request(method, _concrete(path), json={} if method in ("POST", "DELETE") else None)


def test_every_route_has_a_row_in_the_table_and_a_rule_in_the_app(app):
    routes = _routes(app)
    other = {(m, r.path) for r in app.routes if not isinstance(r, APIRoute) for m in getattr(r, "methods", None) or ()}
    assert set(routes) == set(EXPECTED), "give every new route a row in EXPECTED (and a rule: allow(...))"
    assert other <= FRAMEWORK | {("HEAD", "/openapi.json")}
    mounts = {r.path for r in app.routes if not isinstance(r, APIRoute) and not hasattr(r, "methods")}
    assert mounts == set(PUBLIC_MOUNTS)
    for key, route in routes.items():
        assert route_rule(route).role == EXPECTED[key], key


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path", sorted(EXPECTED))
def test_each_role_gets_in_exactly_where_the_table_says(as_role, method, path, role):
    answer = _call(as_role(role), method, path)
    assert answer.status_code < 500, answer.text
    allowed = LEVEL[EXPECTED[(method, path)]] <= (LEVEL[role] if role != "anonymous" else 0)
    denied = answer.headers.get("x-seethe-denied") in ACCESS_DENIALS
    assert denied != allowed, (answer.status_code, answer.headers.get("x-seethe-denied"))
    if denied:
        if role == "anonymous":
            assert answer.status_code in (401, 303)
            assert path.startswith("/api/") or answer.headers["location"].startswith("/login?next=")
        else:
            assert answer.status_code == 403


@pytest.mark.parametrize("method, path", sorted(EXPECTED))
def test_public_mode_lets_anyone_read_what_a_viewer_reads_and_nobody_write(public_app, tokens, method, path):
    client = TestClient(public_app, headers={"Authorization": f"Bearer {tokens['admin']}"}, follow_redirects=False)
    answer = _call(client, method, path)
    assert answer.status_code < 500
    allowed = method == "GET" and LEVEL[EXPECTED[(method, path)]] <= LEVEL["viewer"]
    assert (answer.headers.get("x-seethe-denied") in ACCESS_DENIALS) != allowed


def test_static_files_and_leaflet_are_served_to_anyone(as_role):
    anyone = as_role("anonymous")
    for path in ("/static/workbench.js", "/static/map/admin1.geojson", "/vendor/leaflet/leaflet.js",
                 "/vendor/leaflet/leaflet.css"):
        assert anyone.get(path).status_code == 200, path
    assert anyone.get("/static/../../api/_auth.py").status_code == 404
    policy = anyone.get("/login").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_an_app_with_a_route_without_a_rule_does_not_start(workbench):
    from seethe.api import Settings, create_api, finish

    url, _ = workbench
    app = create_api(Settings(db=url))

    @app.get("/api/forgotten")
    def forgotten():
        return {}

    try:
        finish(app)
    except RuntimeError as exc:
        assert "/api/forgotten" in str(exc)
    else:
        raise AssertionError("a route without an access rule was accepted")
