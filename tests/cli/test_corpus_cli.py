"""The corpus commands as people use them: ingest, incidents, export, stats, reextract, extract --format json."""

import csv
import io
import json

import pytest

REPORTS = {
    "a.txt": "Published: 2021-06-10\nOutlet: Daily NK\nPolice arrested four vendors at Hyesan market on Monday, "
             "a source in Ryanggang Province told Daily NK.\n",
    "b.txt": "Published: 2021-05-20\nOutlet: RFA\nGraffiti criticizing Kim Jong Un was found on a wall in Chongjin "
             "on May 3, RFA reported.\n",
}


@pytest.fixture
def db(seethe, tmp_path, write_file):
    for name, text in REPORTS.items():
        write_file(f"corpus/{name}", text)
    path = tmp_path / "c.db"
    run = seethe("ingest", str(tmp_path / "corpus"), "--db", str(path), "--no-progress")
    assert run.returncode == 0, run.stderr
    assert "2 reports new" in run.stdout
    return str(path)


def jsonl(text):
    return [json.loads(line) for line in text.splitlines()]


def test_incidents_filter_by_province_name_and_print_jsonl(seethe, db):
    run = seethe("incidents", "--db", db, "--province", "Ryanggang", "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    rows = jsonl(run.stdout)
    assert rows and {r["location"]["admin1_iso"] for r in rows} == {"KP-10"}
    assert all(r["id"] is not None and r["report_outlet"] == "Daily NK" for r in rows)


def test_incidents_table_names_provinces_for_people(seethe, db):
    run = seethe("incidents", "--db", db, "--format", "table")
    assert run.returncode == 0, run.stderr
    assert "Ryanggang (KP-10)" in run.stdout and "North Hamgyong (KP-09)" in run.stdout


def test_the_database_comes_from_the_environment(seethe, db):
    run = seethe("stats", "--format", "json", env={"SEETHE_DB": db})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["reports"] == 2


def test_help_names_the_environment_variable(seethe):
    assert "SEETHE_DB" in seethe("incidents", "--help").stdout


def test_outlet_aliases_and_search_words(seethe, db):
    by_alias = jsonl(seethe("incidents", "--db", db, "--outlet", "radio free asia", "--format", "jsonl").stdout)
    assert by_alias and all("RFA" in r["reported_by"] or r["report_outlet"] == "RFA" for r in by_alias)
    found = jsonl(seethe("incidents", "--db", db, "--search", "graffit", "--format", "jsonl").stdout)
    assert [r["category"] for r in found] == ["dissent.leaflet_graffiti"]
    assert seethe("incidents", "--db", db, "--search", "%", "--format", "jsonl").stdout == ""


def test_unknown_province_is_one_clear_line(seethe, db):
    run = seethe("incidents", "--db", db, "--province", "Atlantis")
    assert run.returncode != 0
    assert "no province or country called 'Atlantis'" in run.stderr and "Traceback" not in run.stderr


def test_export_csv_and_geojson_to_files(seethe, db, tmp_path):
    from seethe.services import CSV_COLUMNS

    out = tmp_path / "x.csv"
    run = seethe("export", "--db", db, "--format", "csv", "--out", str(out))
    assert run.returncode == 0, run.stderr
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(table[0]) == CSV_COLUMNS and "written to" in run.stderr
    geo = json.loads(seethe("export", "--db", db, "--format", "geojson").stdout)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == len(table)


def test_export_into_a_missing_folder_is_a_clear_error(seethe, db, tmp_path):
    run = seethe("export", "--db", db, "--format", "csv", "--out", str(tmp_path / "no" / "x.csv"))
    assert run.returncode != 0 and "cannot write" in run.stderr


def test_stats_counts_match_the_listing(seethe, db):
    stats = json.loads(seethe("stats", "--db", db, "--format", "json").stdout)
    rows = jsonl(seethe("incidents", "--db", db, "--format", "jsonl").stdout)
    assert stats["incidents"] == len(rows) == sum(stats["by_family"].values())
    assert stats["by_province"]["KP-10"] == sum(r["location"]["admin1_iso"] == "KP-10" for r in rows)


def test_reextract_keeps_counts_and_makes_a_run(seethe, db):
    before = json.loads(seethe("stats", "--db", db, "--format", "json").stdout)
    run = seethe("reextract", "--db", db)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("run 2: 2 reports extracted again")
    after = json.loads(seethe("stats", "--db", db, "--format", "json").stdout)
    assert after["incidents"] == before["incidents"] and after["runs"] == 2


def test_extract_json_is_one_array_of_records(seethe, write_file):
    path = write_file("r.txt", REPORTS["b.txt"])
    run = seethe("extract", str(path), "--format", "json")
    assert run.returncode == 0, run.stderr
    records = json.loads(run.stdout)
    assert isinstance(records, list) and records[0]["category"] == "dissent.leaflet_graffiti"
    assert records[0]["published"] == "2021-05-20" and records[0]["id"] is None


@pytest.mark.parametrize("args, message", [
    (["--min-confidence", "nan"], "not a number from 0 to 1"),
    (["--since", "2020-01-01 junk"], "not a date"),
    (["--since", "99"], "not a date"),
    (["--limit", str(2**70)], "--limit"),
])
def test_bad_option_values_are_usage_errors(seethe, db, args, message):
    run = seethe("incidents", "--db", db, *args)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
