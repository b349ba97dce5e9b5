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
