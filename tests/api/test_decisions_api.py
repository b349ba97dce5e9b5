"""Analysts' decisions about events through the REST API and the event page: merge, split and detach leave
the events ``seethe events`` then lists, are kept with who, when and why, audited, replayed after a relink and
withdrawn; only analysts (and admins) decide, sessions with their CSRF token; bad input is a clear 4xx.

Each test decides on its own copy of a small database (the two told-many-ways happenings), so the shared
workbench's events stay as the other tests expect them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from seethe.api import Settings
from seethe.cli import cli
from seethe.services import accounts
from seethe.services import events as event_service
from seethe.store import Store
from seethe.web import create_app
from tests.api.conftest import sign_in
from tests.workbench import DETENTIONS, LEAFLETS, PASSWORDS, ROLES, build_event_bench


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A database with the leaflets (3 reports) and the detentions (2) linked into two events, and a user and an
    API token per role; each test copies it."""
    folder = tmp_path_factory.mktemp("decisions")
    url, known = build_event_bench(folder)
    with Store(url) as store:
        tokens = {role: accounts.new_api_token(store, store.user(name), "tests", actor="test")[1]
                  for name, role in ROLES.items()}
        reports = {Path(r.report.source).name: r.id for r in store.stored_reports()}
    return folder / "events.db", tokens, reports, known


class Bench:
    """One test's copy of the database, its app, and clients by role."""

    def __init__(self, template, folder: Path, public: bool = False) -> None:
        path, self.tokens, self.reports, self.known = template
        self.url = f"sqlite:///{shutil.copy(path, folder / 'decisions.db')}"
        self.app = create_app(Settings(db=self.url, public=public))

    def client(self, role: str | None = None) -> TestClient:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return TestClient(self.app, headers=headers, follow_redirects=False)

    def events(self) -> dict[int, list[int]]:
        """Each event's reports, as ``seethe events`` lists them."""
        run = CliRunner().invoke(cli, ["events", "--db", self.url, "--format", "jsonl"])
        assert run.exit_code == 0, run.output
        return {e["id"]: sorted(e["report_ids"]) for e in map(json.loads, run.output.splitlines())}


@pytest.fixture
def bench(template, tmp_path):
    return Bench(template, tmp_path)


def _decide(client: TestClient, event_id: int, **body):
    return client.post(f"/api/events/{event_id}/decisions", json=body)


def _reports(bench: Bench, names) -> list[int]:
    return sorted(bench.reports[n] for n in names)


def test_a_merge_makes_one_event_of_two_and_is_audited(bench):
    analyst = bench.client("analyst")
    leaflets, detentions = bench.known["leaflets"], bench.known["detentions"]
    done = _decide(analyst, leaflets, kind="merge", why="one campaign", **{"with": [detentions]})
    assert done.status_code == 201, done.text
    everything = _reports(bench, {**LEAFLETS, **DETENTIONS})
    assert [sorted(e["report_ids"]) for e in done.json()["events"]] == [everything]
    assert bench.events() == {leaflets: everything}
    entry = analyst.get("/api/audit").json()["items"][0]
    assert (entry["action"], entry["user"], entry["reason"]) == ("decision.merge", "ana", "one campaign")
    assert entry["detail"]["events"] == [leaflets, detentions] and entry["detail"]["decision"] == done.json()["decision"]


def test_a_split_makes_a_second_event_holding_the_listed_reports(bench):
    leaflets = bench.known["leaflets"]
    dailynk = bench.reports["dailynk-hyesan-leaflets.txt"]
    done = _decide(bench.client("admin"), leaflets, kind="split", why="another market day", reports=[dailynk])
    assert done.status_code == 201, done.text
    answered = {e["id"]: sorted(e["report_ids"]) for e in done.json()["events"]}
    rest = _reports(bench, set(LEAFLETS) - {"dailynk-hyesan-leaflets.txt"})
    assert sorted(answered.values()) == sorted([rest, [dailynk]]) and answered[leaflets] == rest
    assert {k: v for k, v in bench.events().items() if k != bench.known["detentions"]} == answered


def test_a_detach_takes_the_report_out_of_the_event(bench):
    detentions = bench.known["detentions"]
    rfa = bench.reports["rfa-hoeryong-market.txt"]
    done = _decide(bench.client("analyst"), detentions, kind="detach", why="another market", reports=[rfa])
    assert done.status_code == 201, done.text
    events = bench.events()
    assert events[detentions] == [bench.reports["dailynk-hoeryong-market.txt"]]
    assert [rfa] in events.values() and len(events) == 3


def test_decisions_survive_a_relink_until_withdrawn(bench):
    analyst = bench.client("analyst")
    leaflets, detentions = bench.known["leaflets"], bench.known["detentions"]
    blog = bench.reports["blog-hyesan-leaflets.txt"]
    merged = _decide(analyst, leaflets, kind="merge", why="one campaign", **{"with": [detentions]}).json()
    assert _decide(analyst, leaflets, kind="detach", why="a blog, not a witness", reports=[blog]).status_code == 201
    decided = sorted(bench.events().values())
    assert len(decided) == 2 and [blog] in decided
    with Store(bench.url) as store:
        event_service.link(store, full=True)
    assert sorted(bench.events().values()) == decided

    # Withdrawn, the merge is no longer replayed: the next link separates the happenings again (the detach stays).
    gone = analyst.delete(f"/api/decisions/{merged['decision']}", params={"why": "two happenings after all"})
    assert gone.status_code == 200 and gone.json() == {"withdrawn": merged["decision"]}
    with Store(bench.url) as store:
        event_service.link(store, full=True)
    others = _reports(bench, set(LEAFLETS) - {"blog-hyesan-leaflets.txt"})
    assert sorted(bench.events().values()) == sorted([_reports(bench, DETENTIONS), [blog], others])
    entry = analyst.get("/api/audit").json()["items"][0]
    assert (entry["action"], entry["target"], entry["user"]) == ("decision.withdraw", f"decision {merged['decision']}",
                                                                 "ana")
    assert analyst.delete(f"/api/decisions/{merged['decision']}").status_code == 404  # already withdrawn


def test_decisions_are_listed_with_who_when_why_and_what_they_name(bench):
    analyst = bench.client("analyst")
    detentions = bench.known["detentions"]
    rfa = bench.reports["rfa-hoeryong-market.txt"]
    _decide(analyst, detentions, kind="detach", why="another market", reports=[rfa])
    [listed] = analyst.get("/api/decisions").json()
    assert (listed["kind"], listed["by"], listed["why"], listed["reports"], listed["active"]) == (
        "detach", "ana", "another market", [rfa], True)
    assert listed["at"] and listed["targets"][0]["event_id"] == detentions
    assert sorted(listed["targets"][0]["report_ids"]) == _reports(bench, DETENTIONS)


@pytest.mark.parametrize("role, status, code", [("viewer", 403, "auth.forbidden"), (None, 401, "auth.required")])
def test_viewers_and_strangers_cannot_decide(bench, role, status, code):
    client = bench.client(role)
    answers = [_decide(client, bench.known["leaflets"], kind="merge", why="x", **{"with": [bench.known["detentions"]]}),
               client.get("/api/decisions"), client.delete("/api/decisions/1"),
               client.post(f"/events/{bench.known['leaflets']}/decide",
                           data={"kind": "merge", "why": "x", "with": str(bench.known["detentions"])})]
    for answer in answers[:3]:
        assert (answer.status_code, answer.headers.get("x-seethe-denied")) == (status, code)
    assert answers[3].status_code == (303 if role is None else 403)  # a page route sends strangers to sign in
    assert len(bench.events()) == 2


def test_public_mode_takes_no_decision_even_with_an_analysts_token(template, tmp_path):
    bench = Bench(template, tmp_path, public=True)
    refused = _decide(bench.client("analyst"), bench.known["leaflets"], kind="merge", why="x",
                      **{"with": [bench.known["detentions"]]})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "auth.read_only"
    assert len(bench.events()) == 2


def test_a_session_decides_only_with_its_csrf_token(bench):
    client = bench.client()
    assert sign_in(client, "ana", PASSWORDS["ana"]).status_code == 303
    leaflets, detentions = bench.known["leaflets"], bench.known["detentions"]
    body = {"kind": "merge", "why": "one campaign", "with": [detentions]}
    refused = client.post(f"/api/events/{leaflets}/decisions", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "auth.csrf"
    form = {"kind": "merge", "why": "one campaign", "with": str(detentions)}
    assert client.post(f"/events/{leaflets}/decide", data=form).status_code == 403
    assert len(bench.events()) == 2
    csrf = client.get(f"/events/{leaflets}").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    done = client.post(f"/events/{leaflets}/decide", data={**form, "csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == f"/events/{leaflets}"
    assert list(bench.events()) == [leaflets]
    page = client.get(f"/events/{leaflets}").text
    assert "<b>merge</b> by ana" in page and "one campaign" in page


def test_the_event_page_splits_off_the_ticked_reports_and_names_the_new_event(bench):
    client = bench.client()
    sign_in(client, "ana", PASSWORDS["ana"])
    leaflets = bench.known["leaflets"]
    page = client.get(f"/events/{leaflets}").text
    assert page.count('data-testid="split-pick"') == 3 and 'data-testid="detach-form"' in page
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    picked = _reports(bench, {"blog-hyesan-leaflets.txt", "dailynk-hyesan-leaflets.txt"})
    done = client.post(f"/events/{leaflets}/decide", data={"kind": "split", "why": "two days", "reports": picked,
                                                           "csrf": csrf})
    new = next(k for k, v in bench.events().items() if v == picked)
    assert done.headers["location"] == f"/events/{leaflets}?made={new}"
    assert f'href="/events/{new}">event {new}</a>' in client.get(done.headers["location"]).text
    # A mistake comes back to the page as a sentence, not an error page.
    wrong = client.post(f"/events/{leaflets}/decide", data={"kind": "merge", "why": "x", "with": "next one",
                                                            "csrf": csrf})
    assert wrong.status_code == 303 and "error=" in wrong.headers["location"]
    assert "is not a list of event numbers" in client.get(wrong.headers["location"]).text


def test_viewers_see_neither_the_forms_nor_the_decisions(bench):
    _decide(bench.client("analyst"), bench.known["leaflets"], kind="split", why="a secret reason",
            reports=[bench.reports["dailynk-hyesan-leaflets.txt"]])
    page = bench.client("viewer").get(f"/events/{bench.known['leaflets']}").text
    assert "a secret reason" not in page and "merge-form" not in page and "split-pick" not in page


@pytest.mark.parametrize("event, body, status, field", [
    (999_999, {"kind": "merge", "why": "x", "with": [1]}, 404, "event"),
    ("leaflets", {"kind": "merge", "why": "x", "with": [999_999]}, 400, "event"),
    ("leaflets", {"kind": "merge", "why": "x"}, 400, "decision"),
    ("leaflets", {"kind": "merge", "why": "x", "with": ["leaflets"]}, 400, "decision"),
    ("leaflets", {"kind": "merge", "why": "x", "with": ["detentions"], "reports": [1]}, 400, "reports"),
    ("leaflets", {"kind": "split", "why": "x", "reports": ["rfa-hoeryong-market.txt"]}, 400, "report"),
    ("leaflets", {"kind": "split", "why": "x", "reports": list(LEAFLETS)}, 400, "report"),
    ("leaflets", {"kind": "split", "why": "x"}, 400, "report"),
    ("leaflets", {"kind": "split", "why": "x", "with": ["detentions"]}, 400, "with"),
    ("leaflets", {"kind": "detach", "why": "x", "reports": ["rfa-hyesan-leaflets.txt",
                                                             "blog-hyesan-leaflets.txt"]}, 400, "report"),
    ("leaflets", {"kind": "detach", "why": "", "reports": ["rfa-hyesan-leaflets.txt"]}, 422, "why"),
    ("leaflets", {"kind": "detach", "why": "  ", "reports": ["rfa-hyesan-leaflets.txt"]}, 422, "why"),
    ("leaflets", {"kind": "detach", "reports": ["rfa-hyesan-leaflets.txt"]}, 422, "why"),
    ("leaflets", {"kind": "fold", "why": "x"}, 422, "kind"),
    ("leaflets", {"kind": "merge", "why": "x", "with": [0]}, 422, "with.0"),
    ("leaflets", {"kind": "merge", "why": "x", "with_": ["detentions"]}, 422, "with_"),
])
def test_bad_decisions_are_a_4xx_with_a_machine_readable_body(bench, event, body, status, field):
    def resolve(value):
        return bench.known.get(value, bench.reports.get(value, value)) if isinstance(value, str) else value

    body = {k: ([resolve(v) for v in vs] if isinstance(vs, list) else vs) for k, vs in body.items()}
    answer = _decide(bench.client("analyst"), resolve(event), **body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["field"] == field and answer.json()["error"]["code"]
    assert len(bench.events()) == 2 and bench.client("analyst").get("/api/decisions").json() == []
