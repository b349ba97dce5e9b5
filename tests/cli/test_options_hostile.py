"""Options are checked at the edge: a clear one-line usage error, never an internal error (issue 12, part 7)."""

from __future__ import annotations

import json
import shutil

import pytest

from seethe.profile import profile_dir

REPORT = "Published: 2021-06-10\nPolice arrested four vendors at Hyesan market on Monday.\n"


@pytest.fixture
def report(write_file):
    return str(write_file("r.txt", REPORT))


def _refused(run, *, code: int, says: str):
    assert run.returncode == code, (run.returncode, run.stderr)
    assert says in run.stderr, run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "-0.1", "1.5", "1e309"])
@pytest.mark.parametrize("command", [["extract", "{report}"], ["incidents"], ["stats"]])
def test_confidence_must_be_a_finite_number_from_0_to_1(cli, report, tmp_path, command, value):
    args = [a.replace("{report}", report) for a in command] + ["--min-confidence", value]
    if command[0] != "extract":
        args += ["--db", tmp_path / "x.db"]
    _refused(cli(*args), code=2, says="--min-confidence")


@pytest.mark.parametrize("value", ["2020-01-01 junk", "99", "1/2/3", "2020-02-30", "2020-1-1", "0000-01-01",
                                   "9999-01-01", "", " ", "2020-01-01T00:00", "x" * 10_000])
def test_dates_are_strict_iso(cli, report, value):
    _refused(cli("extract", report, "--published", value), code=2, says="--published")


@pytest.mark.parametrize("value", ["punycode", "idna", "base64", "rot13", "zlib", "no-such-codec", "x" * 5_000,
                                   "utf-8\x00"])
def test_encodings_must_be_character_sets(cli, report, tmp_path, value):
    _refused(cli("extract", report, "--encoding", value), code=2, says="--encoding")
    _refused(cli("ingest", report, "--db", tmp_path / "x.db", "--encoding", value), code=2, says="--encoding")


def test_a_known_encoding_decodes(cli, write_file):
    path = write_file("k.txt", "Published: 2021-06-10\n혜산시에서 단속이 있었다.\n".encode("euc-kr"))
    run = cli("extract", path, "--encoding", "EUC-KR")
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("value", ["k" * 5_000, "../..", "..", "/", "kp/../kp", "kp\x00", "no-such-profile"])
def test_profile_names_are_names_or_profile_folders(cli, report, value):
    run = cli("extract", report, "--profile", value)
    _refused(run, code=2, says="profile")
    assert len(run.stderr.splitlines()) == 1 and len(run.stderr) < 400


def test_a_profile_missing_a_data_file_is_one_clear_error(cli, report, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(profile_dir("kp"), folder)
    (folder / "cues.jsonl").unlink()
    _refused(cli("extract", report, "--profile", folder), code=2, says="cues.jsonl")


@pytest.mark.parametrize("name", ["/etc/passwd", "../kp/cues.jsonl", "sub/cues.jsonl", ""])
def test_a_profile_manifest_names_plain_files_in_its_folder(cli, report, tmp_path, name):
    folder = tmp_path / "escaping"
    shutil.copytree(profile_dir("kp"), folder)
    manifest = json.loads((folder / "profile.json").read_text())
    manifest["files"]["cues"] = name
    (folder / "profile.json").write_text(json.dumps(manifest))
    _refused(cli("extract", report, "--profile", folder), code=2, says="profile.json")


@pytest.mark.parametrize("value", [str(2**64), str(10**30), "0", "-1", "1.5", "x"])
def test_limit_is_a_whole_number_in_range(cli, tmp_path, value):
    _refused(cli("incidents", "--db", tmp_path / "x.db", "--limit", value), code=2, says="--limit")


def test_an_enormous_search_is_refused_in_one_line(cli, tmp_path):
    run = cli("incidents", "--db", tmp_path / "x.db", "--search", "w" * 100_000)
    _refused(run, code=2, says="longer than")
    assert len(run.stderr) < 400


@pytest.mark.parametrize("url", ["mysql://analyst:secret@db.example/x", "oracle://u:secret@h/x"])
def test_unsupported_databases_are_refused_without_the_password(cli, url):
    run = cli("incidents", "--db", url)
    _refused(run, code=2, says="unsupported database")
    assert "secret" not in run.stderr


def test_export_into_a_missing_folder_is_a_clear_error(cli, tmp_path):
    run = cli("export", "--db", tmp_path / "x.db", "--format", "csv", "--out", tmp_path / "missing" / "x.csv")
    _refused(run, code=1, says="cannot write")


def test_ingest_exits_1_when_anything_failed_and_stores_the_rest(cli, report, write_file, tmp_path):
    empty = write_file("empty.txt", b"")
    db = tmp_path / "x.db"
    run = cli("ingest", "--no-progress", report, empty, "http://127.0.0.1:99999/x", "--db", db)
    assert run.returncode == 1
    assert "1 reports new" in run.stdout and "2 failed" in run.stdout
    assert "empty file" in run.stderr and "Port out of range" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 2


@pytest.mark.parametrize("address", ["garbage", "tcp://", "tcp://host:notaport"])
def test_a_malformed_scheduler_address_is_a_usage_error(cli, report, tmp_path, address):
    _refused(cli("ingest", "--no-progress", report, "--db", tmp_path / "x.db", "--scheduler", address), code=2,
             says="not a Dask scheduler address")


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "101"])
def test_other_thresholds_are_finite_numbers_in_range_too(cli, value):
    _refused(cli("places", "lookup", "Hyesan", "--threshold", value), code=2, says="--threshold")
