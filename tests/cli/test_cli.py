"""The command line as a user runs it: its output and exit status (through CliRunner, see conftest)."""

import json
import re
import subprocess
import sys

import pytest

from seethe.store import Store

from tests.conftest import SAMPLES, SHARED


def test_extract_prints_one_json_line_per_incident(seethe, write_file):
    path = write_file("r.txt", "Police arrested three vendors at Hyesan market on Monday, a source told Daily NK.\n")
    run = seethe("extract", str(path), "--published", "2020-06-10", "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert records and all(r["report"] == str(path) for r in records)
    assert {"category", "summary", "location", "time", "reported_by", "evidence", "confidence"} <= set(records[0])
    assert records[0]["reported_by"] == ["Daily NK"]


def test_extract_reads_standard_input(seethe):
    run = seethe("extract", "-", "--published", "2020-06-10", stdin="Soldiers deserted their unit in Kaesong last week.\n")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[0])["category"] == "military.discipline"


def test_a_folder_with_one_bad_file_still_yields_the_good_ones(seethe, write_file, tmp_path):
    write_file("r/good.txt", "Graffiti criticizing Kim was found in Chongjin on May 3, RFA reported.\n")
    write_file("r/empty.txt", b"")
    write_file("r/binary.txt", b"\x00\x01\x02" * 100)
    run = seethe("extract", str(tmp_path / "r"), "--published", "2020-06-10")
    assert run.returncode == 0
    assert len(run.stdout.splitlines()) >= 1
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 2
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.txt: binary file" in e for e in errors)
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("args, message", [
    (["extract", "/nonexistent/report.txt", "--published", "2020-01-01"], "no such file"),
    (["extract", "{sample}"], "no publication date"),
])
def test_nothing_readable_is_a_non_zero_exit_with_one_line(seethe, write_file, args, message):
    sample = write_file("undated.txt", "Leaflets were found in Hyesan.\n")
    run = seethe(*[a.replace("{sample}", str(sample)) for a in args])
    assert run.returncode != 0
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_a_50_megabyte_file_is_refused_cleanly(seethe, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.write(b"Leaflets were found. " * (50 * 1024 * 1024 // 21 + 1))
    run = seethe("extract", str(big), "--published", "2020-01-01")
    assert run.returncode == 1
    assert "too large" in run.stderr and "Traceback" not in run.stderr


def test_bad_date_option_is_a_usage_error(seethe):
    run = seethe("extract", "x.txt", "--published", "yesterday-ish")
    assert run.returncode == 2
    assert "not a date" in run.stderr


def test_table_format_is_for_people(seethe, write_file):
    path = write_file("r.txt", "Police arrested three vendors at Hyesan market on Monday.\n")
    run = seethe("extract", str(path), "--published", "2020-06-10", "--format", "table")
    assert run.returncode == 0
    assert "control.investigation" in run.stdout or "control.inv" in run.stdout


def test_eval_scores_a_dataset(seethe):
    run = seethe("eval", str(SAMPLES), "--json", "--errors", "--calibration")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["reports"] >= 100 and summary["strict"]["f1"] >= 0.6
    assert sum(summary["errors"].values()) == summary["strict"]["fp"] + summary["strict"]["fn"]
    bins = summary["calibration"]["bins"]  # every printed incident falls in a bin; right = tp or optional
    assert sum(b["predictions"] for b in bins) >= summary["strict"]["tp"] + summary["strict"]["fp"]
    assert sum(b["predictions"] - b["right"] for b in bins) == summary["strict"]["fp"]


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "tools" / "score_incidents.py").exists(), reason="shared/tools not beside the checkout")
def test_shared_scorer_accepts_our_output():
    """The shared scorer runs our command in its own process: the process boundary is the point."""
    cmd = f"{sys.executable} -m seethe extract {{file}} --published {{published}} --outlet {{outlet}} --format jsonl"
    run = subprocess.run([sys.executable, str(SHARED / "tools" / "score_incidents.py"), str(SHARED / "seed"),
                          "--cmd", cmd, "--json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["failed_runs"] == 0
    assert summary["strict"]["f1"] >= 0.85


def test_demo_ingests_and_summarises_the_bundled_samples(seethe, tmp_path):
    db = tmp_path / "demo.db"
    run = seethe("demo", "--db", str(db))
    assert run.returncode == 0, run.stderr
    assert "reports new" in run.stdout and "incidents found" in run.stdout and "By province" in run.stdout
    assert db.exists()
    linked = re.search(r"Linked into (\d+) events, (\d+) told by several reports", run.stdout)
    assert linked and int(linked.group(1)) > 0 and int(linked.group(2)) > 0
    with Store(str(db)) as store:  # the workbench opens on events too
        assert store.count_events() == int(linked.group(1))
    again = seethe("demo", "--db", str(db))  # a second run stores nothing new and still says what is there
    assert re.search(r"Linked into (\d+) events, (\d+) told", again.stdout).groups() == linked.groups()


def test_places_lookup(seethe):
    run = seethe("places", "lookup", "Hamkyung-bukto", "--format", "json")
    assert run.returncode == 0
    assert json.loads(run.stdout)[0]["admin1_iso"] == "KP-09"
