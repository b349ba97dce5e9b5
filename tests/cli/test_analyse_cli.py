"""The analyses from the command line, over a store filled with the development reports."""

import json

import pytest

from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    from seethe.services import ingest
    from seethe.store import Store

    path = tmp_path_factory.mktemp("analyse") / "a.db"
    with Store(path) as store:
        ingest([str(p) for p in sorted(SAMPLES.glob("dev*.txt"))], store)
    return str(path)


def test_reach_answers_with_its_assumptions(seethe, corpus_db, tmp_path):
    run = seethe("analyse", "reach", "--db", corpus_db, "--category", "dissent.leaflet_graffiti", "--limit", "6",
                 "--format", "json", "--chart", str(tmp_path / "route"))
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["used"] >= 2 and result["assumptions"] and result["possible"] in (True, False)
    assert (tmp_path / "route.png").exists() and (tmp_path / "route.svg").exists()


def test_reach_in_words_names_the_verdict(seethe, corpus_db):
    run = seethe("analyse", "reach", "--db", corpus_db, "--category", "dissent", "--limit", "5", "--mode", "foot")
    assert run.returncode == 0, run.stderr
    assert "POSSIBLE" in run.stdout or "IMPOSSIBLE" in run.stdout or "UNDETERMINED" in run.stdout


def test_cluster_delay_and_index_run_over_the_corpus(seethe, corpus_db):
    for args in (["cluster", "--permutations", "99"], ["delay"], ["index"]):
        run = seethe("analyse", *args, "--db", corpus_db, "--format", "json")
        assert run.returncode == 0, (args, run.stderr)
        result = json.loads(run.stdout)
        assert "assumptions" in result and "used" in result and "left_out" in result


def test_a_bad_speed_is_a_usage_error(seethe, corpus_db):
    run = seethe("analyse", "reach", "--db", corpus_db, "--speed", "foot=fast")
    assert run.returncode == 2 and "MODE=KMH" in run.stderr


def test_brief_writes_html_and_pdf(seethe, corpus_db, tmp_path):
    out = tmp_path / "brief.html"
    run = seethe("brief", "--db", corpus_db, "--since", "2019-01-01", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert out.exists() and out.with_suffix(".pdf").exists()
    assert "<script" not in out.read_text(encoding="utf-8").lower()


# -- what is counted: incidents or events ------------------------------------------------------

@pytest.fixture(scope="module")
def linked_db(tmp_path_factory):
    """Six happenings told by fourteen reports, ingested and linked (``tests.happenings``)."""
    from seethe.services import ingest
    from seethe.services.events import link
    from seethe.store import Store
    from tests.happenings import SIX, write_tellings

    folder = tmp_path_factory.mktemp("six")
    path = folder / "six.db"
    with Store(path) as store:
        ingest(write_tellings(folder / "r", SIX), store)
        link(store)
    return str(path)


def analysed(seethe, *args):
    run = seethe("analyse", *args, "--format", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_index_counts_per_event_after_a_link_and_per_incident_when_asked(seethe, linked_db):
    auto = analysed(seethe, "index", "--db", linked_db)
    assert auto["unit"] == "events" and auto["used"] == 6
    assert auto["assumptions"][0].startswith("Counted per event (every selected incident is linked): 6 events "
                                             "from 14 incidents; one happening told by several reports counts once")
    asked = analysed(seethe, "index", "--db", linked_db, "--unit", "incidents")
    assert asked["unit"] == "incidents" and asked["used"] == 14
    assert asked["assumptions"][0].startswith("Counted per incident (as asked)")


def test_cluster_and_reach_count_each_happening_once_per_event(seethe, linked_db):
    for unit, used in (("events", 6), ("incidents", 14)):
        result = analysed(seethe, "cluster", "--db", linked_db, "--unit", unit, "--permutations", "19")
        assert (result["unit"], result["used"]) == (unit, used)
    for unit, used in (("events", 2), ("incidents", 5)):
        result = analysed(seethe, "reach", "--db", linked_db, "--unit", unit, "--category",
                          "dissent.leaflet_graffiti")
        assert (result["unit"], result["used"]) == (unit, used)


def test_the_unit_is_said_in_words_too(seethe, linked_db):
    run = seethe("analyse", "index", "--db", linked_db)
    assert run.returncode == 0, run.stderr
    assert "  - Counted per event (every selected incident is linked): 6 events from 14 incidents" in run.stdout


def test_listed_ids_are_event_ids_under_unit_events(seethe, linked_db):
    from seethe.store import Store

    with Store(linked_db) as store:
        hyesan = next(e for e in store.events() if e.location.admin1_iso == "KP-10")
    ids = ",".join(str(i) for i in hyesan.incident_ids)
    per_incident = analysed(seethe, "index", "--db", linked_db, "--ids", ids)
    assert per_incident["unit"] == "incidents" and per_incident["used"] == 3
    per_event = analysed(seethe, "index", "--db", linked_db, "--unit", "events", "--ids", str(hyesan.id))
    assert per_event["unit"] == "events" and per_event["used"] == 1


def test_events_asked_of_an_unlinked_store_is_one_line_naming_seethe_link(seethe, corpus_db):
    for args in (["analyse", "index"], ["analyse", "delay"], ["brief", "--out", "never.html"]):
        run = seethe(*args, "--db", corpus_db, "--unit", "events")
        assert run.returncode == 2 and run.stdout == ""
        line = run.stderr.strip()
        assert len(line.splitlines()) == 1 and "not linked into events" in line and "run seethe link first" in line


def test_auto_counts_incidents_in_a_store_never_linked(seethe, corpus_db):
    result = analysed(seethe, "index", "--db", corpus_db)
    assert result["unit"] == "incidents"
    assert result["assumptions"][0].startswith("Counted per incident (the incidents are not linked into events yet)")


def test_brief_lists_the_periods_events_with_their_grades(seethe, linked_db, tmp_path):
    out = tmp_path / "brief.html"
    run = seethe("brief", "--db", linked_db, "--since", "2016-03-01", "--until", "2016-06-30", "--out", str(out),
                 "--unit", "events")
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    assert "Events and their grades" in page
    listed = page.split("Events and their grades", 1)[1].split("</table>", 1)[0]
    assert listed.count("<tr>") == 1 + 4  # the head, then the four events of March to June (not January's)
    assert "Sinuiju" in listed and "Hyesan" not in listed and "<td>B1</td>" in listed
    assert page.count("Counted per event (as asked): 6 events from 14 incidents") >= 2  # the brief and its analyses


def test_brief_per_incident_still_lists_the_events(seethe, linked_db, tmp_path):
    out = tmp_path / "brief.html"
    run = seethe("brief", "--db", linked_db, "--out", str(out), "--unit", "incidents")
    assert run.returncode == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    assert "Counted per incident (as asked): 14 incidents" in page
    assert page.split("Events and their grades", 1)[1].split("</table>", 1)[0].count("<tr>") == 1 + 6
