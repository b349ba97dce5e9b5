"""``seethe link``, ``events``, ``event``, ``decide``, ``export-events`` and ``link-eval`` in process."""

from __future__ import annotations

import json

import pytest

from seethe.cli import main
from seethe.store import Store

REPORTS = {
    "a.txt": "Published: 2016-01-05\nOutlet: Daily NK\n\nLeaflets criticizing Kim Jong Un were found near Hyesan "
             "station on New Year's Day, a source in Ryanggang Province told Daily NK.\n",
    "b.txt": "Published: 2016-01-07\nOutlet: One Free Korea\n\nDaily NK reports that leaflets criticizing Kim Jong Un "
             "were found near Hyesan station on New Year's Day.\n",
    "c.txt": "Published: 2016-03-20\nOutlet: Daily NK\n\nMerchants protested against market fees at Chongjin's Sunam "
             "market on March 15, a source in North Hamgyong Province told Daily NK.\n",
}


@pytest.fixture
def db(tmp_path, write_file, capsys):
    for name, text in REPORTS.items():
        write_file(f"r/{name}", text)
    url = str(tmp_path / "seethe.db")
    assert main(["ingest", str(tmp_path / "r"), "--db", url]) == 0
    assert main(["link", "--db", url]) == 0
    capsys.readouterr()
    return url


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_link_says_what_it_did_and_again_that_nothing_is_new(db, capsys):
    code, out, _ = run(capsys, "link", "--db", db)
    assert code == 0 and out.startswith("3 incidents, nothing new to link; 2 events unchanged")


def test_events_as_json_lines_with_filters(db, capsys):
    code, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl", "--min-reports", "2")
    events = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(events) == 1
    assert events[0]["reports"] == 2 and events[0]["origins"] == 1 and events[0]["grade"]["code"] == "B3"
    code, out, _ = run(capsys, "events", "--db", db, "--grade", "B3", "--province", "North Hamgyong")
    assert code == 0 and "Sunam" in out and "1 events" in out


def test_one_event_shows_grade_rule_chain_and_evidence(db, capsys):
    code, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl", "--min-reports", "2")
    event_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "event", str(event_id), "--db", db)
    assert code == 0
    assert "Grade B3" in out and "rule: possibly true" in out
    assert "relay [credit] credits Daily NK" in out
    assert "Leaflets criticizing Kim Jong Un were found near Hyesan station" in out


def test_an_unknown_event_is_one_line_and_exit_2(db, capsys):
    code, out, err = run(capsys, "event", "999", "--db", db)
    assert code == 2 and err.strip().startswith("seethe: event: no event 999") and len(err.strip().splitlines()) == 1


def test_decide_detach_then_list_and_the_decision_is_replayed(db, capsys):
    _, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl", "--min-reports", "2")
    event = json.loads(out)
    relay = next(r["report_id"] for r in event["roles"] if r["role"] == "relay")
    code, out, _ = run(capsys, "decide", "detach", str(event["id"]), str(relay), "--db", db, "--by", "kim",
                       "--why", "a different station")
    assert code == 0 and out.startswith("decision 1 (detach) recorded")
    code, out, _ = run(capsys, "decide", "list", "--db", db)
    assert "kim: detach" in out and "a different station" in out
    run(capsys, "link", "--db", db, "--full")
    _, out, _ = run(capsys, "events", "--db", db, "--format", "jsonl")
    assert len(out.splitlines()) == 3
    code, out, _ = run(capsys, "decide", "withdraw", "1", "--db", db, "--by", "lee", "--why", "the same station")
    assert code == 0 and "withdrawn" in out
    _, out, _ = run(capsys, "decide", "list", "--db", db)
    assert out.strip().endswith("(withdrawn)")
    with Store(db) as store:
        audit = [(e.user_name, e.action, e.reason) for e in store.audit_log()]
    assert audit == [("lee", "decision.withdraw", "the same station"), ("kim", "decision.detach", "a different station")]
    assert run(capsys, "decide", "withdraw", "1", "--db", db)[0] != 0  # no longer active


def test_a_decision_needs_who_and_why(db, capsys):
    code, _, err = run(capsys, "decide", "merge", "1", "2", "--db", db, "--by", "kim")
    assert code != 0 and "--why" in err


def test_export_events_as_geojson(db, capsys, tmp_path):
    target = tmp_path / "events.geojson"
    code, _, err = run(capsys, "export-events", "--db", db, "--format", "geojson", "--out", str(target))
    assert code == 0 and "2 events written" in err
    assert len(json.loads(target.read_text())["features"]) == 2
