"""Events through the REST API and the pages: filters equal to ``seethe events``, cursor pages, one event with its
tellings, provenance, grade and contradictions, the map layer and exports, clear 4xx errors, and what viewers
(and public mode) may see of an event."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from seethe.cli import cli
from seethe.services import EVENT_CSV_COLUMNS
from tests.workbench import EVENT_SOURCE_DETAILS

HYESAN_CITY = (41.4017, 128.1778)  # where a viewer sees the leaflets found at Hyesan market


def _ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.text
    return [e["id"] for e in answer.json()["items"]]


def test_pages_of_a_cursor_walk_every_event_once(as_role):
    api = as_role("analyst")
    everything = api.get("/api/events", params={"limit": 500}).json()
    assert everything["next_cursor"] is None
    walked, cursor = [], None
    for _ in range(len(everything["items"])):  # a cursor that does not move on must fail, not loop
        page = api.get("/api/events", params={"limit": 9, **({"cursor": cursor} if cursor else {})}).json()
        walked += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert walked == [e["id"] for e in everything["items"]]
    assert len(walked) == len(set(walked)) > 50
    starts = [e["time"]["start"] for e in everything["items"]]
    assert starts == sorted(starts, reverse=True)


@pytest.mark.parametrize("params, args", [
    ({"category": "dissent"}, ["--category=dissent"]),
    ({"province": "Ryanggang"}, ["--province=Ryanggang"]),
    ({"place": "Hyesan"}, ["--place=Hyesan"]),
    ({"since": "2019-01-01", "until": "2020-12-31"}, ["--since=2019-01-01", "--until=2020-12-31"]),
    ({"outlet": "Radio Free Asia"}, ["--outlet=Radio Free Asia"]),
    ({"min_origins": "2"}, ["--min-origins=2"]),
    ({"min_reports": "2"}, ["--min-reports=2"]),
    ({"grade": "B1,B2"}, ["--grade=B1,B2"]),
    ({"grade": "3"}, ["--grade=3"]),
    ({"contradicted": "true"}, ["--contradicted"]),
    ({"contradicted": "false", "province": "KP-09"}, ["--uncontradicted", "--province=KP-09"]),
])
def test_event_filters_mean_what_seethe_events_means(as_role, workbench, params, args):
    url, _ = workbench
    api_ids = _ids(as_role("analyst").get("/api/events", params={**params, "limit": 500}))
    run = CliRunner().invoke(cli, ["events", "--db", url, "--format", "jsonl", *args])
    assert run.exit_code == 0, run.output
    assert api_ids == [json.loads(line)["id"] for line in run.output.splitlines()] and api_ids


def test_the_filters_find_the_linked_happenings(as_role, workbench):
    _, known = workbench
    api = as_role("analyst")
    # Since 2019: the samples' own Hyesan graffiti (2017) is told by two origins too.
    assert _ids(api.get("/api/events", params={"min_origins": 2, "since": "2019-01-01"})) == [
        known["detention_event"], known["leaflet_event"]]
    assert _ids(api.get("/api/events", params={"contradicted": "true", "since": "2019-01-01"})) == [
        known["detention_event"]]
    assert known["leaflet_event"] in _ids(api.get("/api/events", params={"grade": "B1", "place": "Hyesan"}))


@pytest.mark.parametrize("params, status, field", [
    ({"grade": "Z9"}, 400, "grade"),
    ({"grade": "B1,7"}, 400, "grade"),
    ({"category": "dissent.nothing"}, 400, "category"),
    ({"province": "Atlantis"}, 400, "province"),
    ({"place": "Nowhere-on-earth"}, 400, "place"),
    ({"since": "2020-13-01"}, 400, "since"),
    ({"since": "2021-01-01", "until": "2020-01-01"}, 400, "since"),
    ({"cursor": "not-a-cursor"}, 400, "cursor"),
    ({"outlet": "RFA\x00"}, 400, "outlet"),
    ({"grade": "B\x001"}, 400, "grade"),
    ({"min_origins": "-1"}, 422, "min_origins"),
    ({"min_reports": "many"}, 422, "min_reports"),
    ({"contradicted": "perhaps"}, 422, "contradicted"),
    ({"limit": "0"}, 422, "limit"),
])
def test_bad_event_filters_are_a_4xx_with_a_machine_readable_body(as_role, params, status, field):
    for path in ("/api/events", "/api/events/map", "/api/events/export"):
        if field == "cursor" and path != "/api/events" or field == "limit" and path == "/api/events/export":
            continue
        answer = as_role("analyst").get(path, params=params)
        assert answer.status_code == status, (path, answer.text)
        error = answer.json()["error"]
        assert error["field"] == field and error["code"].startswith("usage") and error["message"]


def test_an_unknown_event_is_a_404_and_a_bad_id_a_422(as_role):
    api = as_role("analyst")
    missing = api.get("/api/events/999999")
    assert missing.status_code == 404 and missing.json()["error"] == {
        "code": "not_found", "message": "no event 999999", "field": "event"}
    assert api.get("/api/events/0").status_code == 422
    assert api.get("/api/events/lots").status_code == 422
    page = api.get("/events/999999")
    assert page.status_code == 404 and "no event 999999" in page.text


def test_an_event_shows_its_tellings_roles_chain_and_grade_with_its_rule(as_role, workbench):
    _, known = workbench
    event = as_role("analyst").get(f"/api/events/{known['leaflet_event']}").json()
    roles = [(t["outlet"], t["role"]) for t in event["tellings"]]
    assert roles == [("RFA", "origin"), ("One Free Korea", "relay"), ("Daily NK", "origin")]
    rfa, blog, dailynk = event["tellings"]
    assert blog["relay_of_report"] == rfa["report_id"] and blog["rule"] == "credit"
    assert blog["relays"].startswith(f"report {rfa['report_id']} (RFA, 2019-09-14")
    assert event["origins"] == 2 and event["reports"] == 3
    assert [len(t["incident_ids"]) for t in event["tellings"]] == [1, 1, 1]
    assert {i["id"] for i in event["incidents"]} == set(event["incident_ids"])
    assert "resident of Hyesan told RFA" in event["incidents"][0]["evidence"]["text"]
    chain = event["provenance"]
    assert [(n["outlet"], [c["outlet"] for c in n["relays"]]) for n in chain] == [
        ("RFA", ["One Free Korea"]), ("Daily NK", [])]
    grade = event["grade"]
    assert grade["code"] == "B1" and grade["rule"].startswith("confirmed: two or more independent origins")
    assert grade["reliability_label"] == "usually reliable"
    assert grade["credibility_label"] == "confirmed by other sources"
    assert event["contradictions"] == [] and event["links"] and event["links"][0]["reasons"]
    assert event["location"]["name"] == "Hyesan Market" and event["location"]["precision"] == "site"


def test_a_contradicted_event_says_what_its_tellings_disagree_on(as_role, workbench):
    _, known = workbench
    event = as_role("analyst").get(f"/api/events/{known['detention_event']}").json()
    [contradiction] = event["contradictions"]
    assert contradiction["field"] == "numbers" and contradiction["text"].startswith("13 (report")
    assert "vs 20 (report" in contradiction["text"] and set(contradiction["reports"]) == set(event["report_ids"])
    assert event["grade"]["credibility"] == 2 and event["grade"]["rule"].startswith("probably true")


def test_an_incident_names_its_event_and_its_page_links_to_it(as_role, workbench):
    _, known = workbench
    api = as_role("analyst")
    member = api.get(f"/api/events/{known['leaflet_event']}").json()["incident_ids"][0]
    assert api.get(f"/api/incidents/{member}").json()["event_id"] == known["leaflet_event"]
    page = api.get(f"/incidents/{member}")
    assert f'href="/events/{known["leaflet_event"]}" data-testid="event-link"' in page.text


def test_the_event_page_puts_the_reports_side_by_side_with_their_roles(as_role, workbench):
    _, known = workbench
    api = as_role("analyst")
    event = api.get(f"/api/events/{known['leaflet_event']}").json()
    html = api.get(f"/events/{known['leaflet_event']}").text
    assert html.count('data-testid="telling"') == 3 and html.count('class="evidence-mark"') == 3
    rfa = event["tellings"][0]["report_id"]
    assert f"relay of report {rfa} (RFA, 2019-09-14)" in html
    for inc in event["incident_ids"]:
        assert f'href="/incidents/{inc}"' in html
    for report in event["report_ids"]:
        assert f'href="/reports/{report}"' in html
    assert "confirmed: two or more independent origins" in html
    contradicted = api.get(f"/events/{known['detention_event']}").text
    assert 'data-testid="contradictions"' in contradicted and "13 (report" in contradicted


def test_the_map_layer_draws_the_best_corroborated_events_first(as_role, workbench):
    _, known = workbench
    layer = as_role("analyst").get("/api/events/map").json()
    origins = [f["properties"]["origins"] for f in layer["features"]]
    assert origins == sorted(origins, reverse=True) and origins[:2] == [2, 2]
    assert {f["properties"]["id"] for f in layer["features"][:2]} == {known["leaflet_event"], known["detention_event"]}
    assert layer["total"] == len(layer["features"])
    assert all(f["geometry"]["coordinates"][1] is not None for f in layer["features"])
    few = as_role("analyst").get("/api/events/map", params={"limit": 3, "province": "KP-10"}).json()
    assert len(few["features"]) == 3 and few["total"] > 3
    assert few["features"][0]["properties"]["id"] == known["leaflet_event"]


def test_events_export_the_listed_events(as_role):
    api = as_role("analyst")
    ids = _ids(api.get("/api/events", params={"category": "dissent", "limit": 500}))
    answer = api.get("/api/events/export", params={"format": "csv", "category": "dissent"})
    assert answer.headers["content-disposition"].startswith('attachment; filename="seethe-events-')
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [int(r["id"]) for r in rows] == ids and list(rows[0]) == EVENT_CSV_COLUMNS
    geo = api.get("/api/events/export", params={"format": "geojson", "category": "dissent"})
    assert [f["properties"]["id"] for f in geo.json()["features"]] == ids
    lines = api.get("/api/events/export", params={"format": "jsonl", "category": "dissent"}).text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ids


def _everything_about(client, known: dict[str, int]) -> str:
    """Every answer that shows the two linked happenings, as one text."""
    parts = [client.get("/api/events", params={"min_reports": 2}).text, client.get("/api/events/map").text]
    for event_id in (known["leaflet_event"], known["detention_event"]):
        parts += [client.get(f"/api/events/{event_id}").text, client.get(f"/events/{event_id}").text]
    parts += [client.get("/api/events/export", params={"format": f, "min_reports": 2}).text
              for f in ("csv", "jsonl", "geojson")]
    return "\n".join(parts)


def test_viewers_see_events_without_source_details_and_no_finer_than_a_county(as_role, workbench):
    _, known = workbench
    event_id = known["leaflet_event"]
    full = _everything_about(as_role("analyst"), known)
    assert all(d in full for d in EVENT_SOURCE_DETAILS)  # there is something to withhold
    shown = _everything_about(as_role("viewer"), known)
    assert not any(d in shown for d in EVENT_SOURCE_DETAILS) and "[withheld]" in shown
    event = as_role("viewer").get(f"/api/events/{event_id}").json()
    loc = event["location"]
    assert (loc["name"], loc["precision"], (loc["lat"], loc["lon"])) == ("Hyesan", "city", HYESAN_CITY)
    assert all(i["location"]["precision"] != "site" and i["location"]["mention"] is None for i in event["incidents"])
    assert all(i["evidence"]["start"] is None and i["rules"] == [] for i in event["incidents"])
    assert event["links"] == []  # their reasons name the market
    marker = next(f for f in as_role("viewer").get("/api/events/map").json()["features"]
                  if f["properties"]["id"] == event_id)
    assert tuple(reversed(marker["geometry"]["coordinates"])) == HYESAN_CITY
    assert "Hyesan Market" not in shown.replace("Hyesan market", "")  # the evidence's own words stay


def test_public_mode_shows_events_as_a_viewer_sees_them(public_app, workbench):
    _, known = workbench
    anyone = TestClient(public_app, follow_redirects=False)
    shown = _everything_about(anyone, known)
    assert not any(d in shown for d in EVENT_SOURCE_DETAILS) and "[withheld]" in shown
    assert anyone.get(f"/api/events/{known['leaflet_event']}").json()["location"]["precision"] == "city"


def test_the_openapi_document_describes_the_event_routes(as_role):
    paths = as_role("anonymous").get("/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/events/{event_id}", "/api/events/map", "/api/events/export"):
        assert "get" in paths[path], path
    names = {p["name"] for p in paths["/api/events"]["get"]["parameters"]}
    assert {"category", "province", "place", "since", "until", "outlet", "min_origins", "min_reports", "grade",
            "contradicted", "limit", "cursor"} <= names
