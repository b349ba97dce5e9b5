"""The REST API as scripts use it: filters equal to the CLI's, cursor pages, counts, map, exports,
reviews with tokens and sessions, clear 4xx errors, source protection for viewers, public mode."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from seethe.cli import cli
from seethe.services import CSV_COLUMNS
from tests.api.conftest import sign_in
from tests.workbench import PASSWORDS, SOURCE_DETAILS


def test_pages_of_a_cursor_walk_the_whole_list_once(as_role):
    api = as_role("analyst")
    everything = api.get("/api/incidents", params={"limit": 500}).json()
    assert everything["next_cursor"] is None
    walked, cursor = [], None
    while True:
        page = api.get("/api/incidents", params={"limit": 7, **({"cursor": cursor} if cursor else {})}).json()
        walked += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert walked == [i["id"] for i in everything["items"]]
    assert len(walked) == len(set(walked)) > 50


@pytest.mark.parametrize("params", [
    {"province": "North Hamgyong"}, {"category": "dissent"}, {"since": "2019-01-01", "until": "2020-12-31"},
    {"outlet": "Radio Free Asia"}, {"search": "leaflets"}, {"place": "Hyesan"}, {"min_confidence": "0.7"},
])
def test_filters_mean_what_the_command_line_means(as_role, workbench, params):
    url, _ = workbench
    api_ids = [i["id"] for i in as_role("analyst").get("/api/incidents", params={**params, "limit": 500}).json()["items"]]
    args = [f"--{'search' if k == 'search' else k.replace('_', '-')}={v}" for k, v in params.items()]
    run = CliRunner().invoke(cli, ["incidents", "--db", url, "--format", "jsonl", *args])
    assert run.exit_code == 0, run.output
    cli_ids = [json.loads(line)["id"] for line in run.output.splitlines()]
    assert api_ids == cli_ids and api_ids


@pytest.mark.parametrize("params, status, field", [
    ({"since": "2020-13-01"}, 400, "since"),
    ({"since": "yesterday"}, 400, "since"),
    ({"since": "2021-01-01", "until": "2020-01-01"}, 400, "since"),
    ({"province": "Atlantis"}, 400, "province"),
    ({"category": "dissent.nothing"}, 400, "category"),
    ({"cursor": "not-a-cursor"}, 400, "cursor"),
    ({"precision": "street"}, 400, "precision"),
    ({"within": "no-such-place"}, 400, "within"),
    ({"limit": "0"}, 422, "limit"),
    ({"limit": "lots"}, 422, "limit"),
    ({"min_confidence": "nan"}, 422, "min_confidence"),
    ({"min_confidence": "2"}, 422, "min_confidence"),
    ({"outlet": "RFA\x00"}, 400, "outlet"),
    ({"place": "Hye\x00san"}, 400, "place"),
])
def test_bad_input_is_a_4xx_with_a_machine_readable_body(as_role, params, status, field):
    answer = as_role("analyst").get("/api/incidents", params=params)
    assert answer.status_code == status
    error = answer.json()["error"]
    assert error["field"] == field and error["code"].startswith("usage") and error["message"]


def test_counts_timeline_and_map_agree_with_the_list(as_role):
    api = as_role("analyst")
    total = len(api.get("/api/incidents", params={"limit": 500}).json()["items"])
    counts = api.get("/api/counts", params={"by": "family"}).json()
    assert counts["total"] == total == sum(counts["counts"].values())
    by_month = api.get("/api/counts", params={"by": "month"}).json()["counts"]
    assert list(by_month) == sorted(by_month)
    timeline = api.get("/api/timeline", params={"unit": "month"}).json()
    assert sum(r["n"] for r in timeline["rows"]) + timeline["left_out"] == total
    weeks = api.get("/api/timeline", params={"unit": "week"}).json()
    assert all(__import__("datetime").date.fromisoformat(r["period"]).weekday() == 0 for r in weeks["rows"])
    layer = api.get("/api/map").json()
    on_map = sum(f["properties"]["n"] for f in layer["features"]) + sum(layer["provinces"].values())
    assert on_map + layer["elsewhere"] == total
    point = layer["features"][0]["properties"]
    listed = api.get("/api/incidents", params={**point["query"], "limit": 500}).json()["items"]
    assert len(listed) == point["n"]


def test_exports_of_the_current_filter(as_role):
    api = as_role("analyst")
    ids = [i["id"] for i in api.get("/api/incidents", params={"category": "dissent", "limit": 500}).json()["items"]]
    rows = list(csv.DictReader(io.StringIO(api.get("/api/export", params={"format": "csv", "category": "dissent"}).text)))
    assert [int(r["id"]) for r in rows] == ids and list(rows[0]) == CSV_COLUMNS
    geo = api.get("/api/export", params={"format": "geojson", "category": "dissent"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert [f["properties"]["id"] for f in geo.json()["features"]] == ids
    lines = api.get("/api/export", params={"format": "jsonl", "category": "dissent"}).text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids


def test_viewers_see_no_source_details_and_no_site_coordinates(as_role, workbench):
    _, known = workbench
    viewer, analyst = as_role("viewer"), as_role("analyst")
    report = viewer.get(f"/api/reports/{known['hostile_report']}").json()
    assert not any(d in report["text"] for d in SOURCE_DETAILS) and "[withheld]" in report["text"]
    for span in report["evidence"]:  # the evidence offsets point into the text the viewer got
        assert report["text"][span["start"]:span["end"]].startswith(("Anti-regime", "Police"))
    full = analyst.get(f"/api/reports/{known['hostile_report']}").json()
    assert "a source in Ryanggang Province" in full["text"]
    export = viewer.get("/api/export", params={"format": "jsonl"}).text
    assert not any(d in export for d in SOURCE_DETAILS)
    listed = viewer.get("/api/incidents", params={"limit": 500}).text
    assert not any(d in listed for d in ("source in Ryanggang Pr", "partner in Ryanggang", "partners in Ryanggang"))
    sites = [i for i in analyst.get("/api/incidents", params={"precision": "site", "limit": 500}).json()["items"]]
    assert sites
    seen = {i["id"]: i for i in viewer.get("/api/incidents", params={"limit": 500}).json()["items"]}
    for inc in sites:
        coarse = seen[inc["id"]]["location"]
        assert coarse["precision"] in ("county", "city", "province", "country") and coarse["mention"] is None
        assert (coarse["lat"], coarse["lon"]) != (inc["location"]["lat"], inc["location"]["lon"]) or \
            coarse["place_id"] != inc["location"]["place_id"]
    assert viewer.get("/api/incidents", params={"review": "rejected"}).status_code == 400


def test_a_review_by_token_is_kept_with_who_when_why_and_audited(as_role):
    analyst = as_role("analyst")
    target = analyst.get("/api/incidents", params={"province": "KP-09", "limit": 1}).json()["items"][0]
    done = analyst.post(f"/api/incidents/{target['id']}/review",
                        json={"action": "correct", "category": "control.surveillance", "place": "Hoeryong",
                              "reason": "the report says Hoeryong, not Chongjin"})
    assert done.status_code == 201, done.text
    after = done.json()["incident"]
    assert after["category"] == "control.surveillance" and after["location"]["name"] == "Hoeryong"
    assert after["review"] == "corrected"
    history = analyst.get(f"/api/incidents/{target['id']}/reviews").json()
    assert history[-1]["user"] == "ana" and history[-1]["reason"].startswith("the report says")
    audit = analyst.get("/api/audit").json()["items"][0]
    assert (audit["action"], audit["target"], audit["user"]) == ("review.correct", f"incident {target['id']}", "ana")
    bad = analyst.post(f"/api/incidents/{target['id']}/review", json={"action": "correct", "reason": "nothing"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "usage.review_empty"
    assert analyst.post(f"/api/incidents/{target['id']}/review", json={"action": "reject"}).status_code == 422


def test_a_session_must_send_its_csrf_token_to_change_anything(app):
    client = TestClient(app, follow_redirects=False)
    assert sign_in(client, "ana", PASSWORDS["ana"]).status_code == 303
    target = client.get("/api/incidents", params={"limit": 1}).json()["items"][0]["id"]
    body = {"action": "confirm", "reason": "seen in two outlets"}
    refused = client.post(f"/api/incidents/{target}/review", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "auth.csrf"
    page = client.get(f"/incidents/{target}")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert client.post(f"/api/incidents/{target}/review", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    form = {"action": "confirm", "reason": "again"}
    assert client.post(f"/incidents/{target}/review", data=form).status_code == 403
    assert client.post(f"/incidents/{target}/review", data={**form, "csrf": csrf}).status_code == 303


def test_sign_in_needs_the_login_form_token_and_the_right_password(app):
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"name": "ana", "password": PASSWORDS["ana"], "csrf": "x"}).status_code == 403
    wrong = sign_in(client, "ana", "not the password")
    assert wrong.status_code == 303 and "error=" in wrong.headers["location"]
    assert client.get("/api/me").json()["role"] == "anonymous"
    assert sign_in(client, "ana", PASSWORDS["ana"]).headers["location"] == "/"
    assert client.get("/api/me").json() == {"name": "ana", "role": "analyst", "public": False, "sees_sources": True}
    evil = client.get("/login", params={"next": "//evil.example/"})
    assert 'name="next" value="/"' in evil.text


def test_public_mode_is_read_only_and_shows_what_a_viewer_sees(public_app, workbench, tokens):
    _, known = workbench
    anyone = TestClient(public_app, follow_redirects=False)
    assert anyone.get("/api/me").json()["role"] == "viewer"
    text = anyone.get(f"/api/reports/{known['hostile_report']}").json()["text"]
    assert "[withheld]" in text and "Ryanggang Province told" not in text
    admin = TestClient(public_app, headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert admin.get("/api/me").json()["role"] == "viewer"  # a token grants nothing more here
    target = anyone.get("/api/incidents", params={"limit": 1}).json()["items"][0]["id"]
    refused = admin.post(f"/api/incidents/{target}/review", json={"action": "confirm", "reason": "x"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "auth.read_only"
    assert admin.get("/api/users").status_code == 403


def test_users_and_tokens_through_the_api(as_role):
    admin = as_role("admin")
    made = admin.post("/api/users", json={"name": "temp", "password": "temporary-pass", "role": "viewer"})
    assert made.status_code == 201
    assert admin.post("/api/users", json={"name": "temp", "password": "temporary-pass", "role": "viewer"}).status_code == 409
    assert admin.post("/api/users", json={"name": "x y", "password": "temporary-pass", "role": "viewer"}).status_code == 400
    assert "temp" in [u["name"] for u in admin.get("/api/users").json()]
    assert admin.delete("/api/users/temp").status_code == 200
    assert admin.delete("/api/users/temp").status_code == 404
    viewer = as_role("viewer")
    token = viewer.post("/api/tokens", json={"label": "notebook"}).json()
    scripted = TestClient(viewer.app, headers={"Authorization": f"Bearer {token['token']}"})
    assert scripted.get("/api/me").json()["name"] == "vic"
    assert viewer.delete(f"/api/tokens/{token['id']}").status_code == 200
    assert scripted.get("/api/me").status_code == 401
    assert "password" not in json.dumps(admin.get("/api/users").json())


def test_aggregates_are_recent_answers_that_a_review_refreshes(as_role):
    analyst = as_role("analyst")
    before = analyst.get("/api/counts", params={"province": "KP-10"}).json()["total"]
    target = analyst.get("/api/incidents", params={"province": "KP-10", "limit": 1}).json()["items"][0]["id"]
    assert analyst.post(f"/api/incidents/{target}/review", json={"action": "reject", "reason": "a duplicate"}
                        ).status_code == 201
    assert analyst.get("/api/counts", params={"province": "KP-10"}).json()["total"] == before - 1
    assert analyst.get("/api/incidents/" + str(target)).json()["review"] == "rejected"


def test_recent_answers_expire():
    from seethe.api._cache import RecentAnswers

    calls = []
    recent = RecentAnswers(ttl=0.05)
    for _ in range(3):
        recent.get("k", lambda: calls.append(1) or len(calls))
    assert calls == [1]
    __import__("time").sleep(0.06)
    assert recent.get("k", lambda: calls.append(1) or len(calls)) == 2
