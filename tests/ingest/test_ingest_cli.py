"""Ingest as a user runs it: real subprocesses (kill -9, two writers at once, a Dask cluster) and a loopback
web server."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from seethe.store import Store

PLACES = ["Hyesan", "Chongjin", "Hoeryong", "Musan", "Sinuiju", "Hamhung", "Wonsan", "Kanggye", "Haeju", "Sariwon"]


def make_corpus(folder, n, start=0):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        place = PLACES[i % len(PLACES)]
        (folder / f"r{i:05d}.txt").write_text(
            f"Published: 2021-{(i % 12) + 1:02d}-15\nOutlet: Daily NK\n"
            f"Police arrested {i % 7 + 2} vendors selling Chinese phones in {place} on Monday, report number {i}.\n"
            f"Residents said leaflets criticizing Kim Jong Un were found near the station in {place}.\n",
            encoding="utf-8")
    return folder


def ingest_cmd(*args):
    return [sys.executable, "-m", "seethe", "ingest", "--no-progress", *args]


def per_report_incidents(db):
    with Store(db) as store:
        rows = [i.to_dict() for i in store.incidents()]
        counts = store.counts()
    by_report = {}
    for r in rows:
        by_report[r["report"]] = by_report.get(r["report"], 0) + 1
    return counts, by_report


@pytest.mark.slow
def test_kill_9_in_the_middle_then_rerun_stores_every_report_exactly_once(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 5000)
    db = tmp_path / "k.db"
    proc = subprocess.Popen(ingest_cmd(str(corpus), "--db", str(db)), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Wait until some reports are in, then kill without warning.
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.5)
        if db.exists():
            try:
                if Store(db).open().counts()["reports"] > 200:
                    break
            except Exception:
                pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    interrupted, _ = per_report_incidents(db)
    assert 0 < interrupted["reports"] < 5000
    rerun = subprocess.run(ingest_cmd(str(corpus), "--db", str(db)), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    counts, by_report = per_report_incidents(db)
    assert counts["reports"] == 5000
    # No partial rows: every report has all of its incidents (these reports all yield the same number).
    from seethe import Extractor, read_report

    expected = len(Extractor().extract(read_report(corpus / "r00000.txt")))
    assert len(by_report) == 5000 and set(by_report.values()) == {expected}


@pytest.mark.slow
def test_two_ingests_on_one_sqlite_file_at_once(tmp_path):
    a = make_corpus(tmp_path / "a", 300, 0)
    b = make_corpus(tmp_path / "b", 300, 200)  # 100 reports in both
    db = tmp_path / "c.db"
    procs = [subprocess.Popen(ingest_cmd(str(folder), "--db", str(db)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for folder in (a, b)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "locked" not in err
    counts, by_report = per_report_incidents(db)
    assert counts["reports"] == 500


@pytest.fixture
def web_server(tmp_path):
    """A loopback HTTP server serving an article page and a redirect."""
    page = ("<html><head><title>Arrests in Hyesan</title>"
            '<meta property="article:published_time" content="2021-06-07"></head><body>'
            "<nav>Home | News | About</nav><article><h1>Arrests in Hyesan</h1>"
            "<p>Police in Hyesan arrested four women accused of smuggling Chinese phones on Friday, a source in "
            "Ryanggang Province told Daily NK. The women were taken to the provincial detention center.</p>"
            "<p>Residents said the security department has set up new checkpoints on the roads out of the city "
            "and searches every bus for phones and foreign currency.</p></article>"
            "<footer>Copyright. All rights reserved.</footer></body></html>").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/article")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_urls_on_local_addresses_are_refused_unless_allowed(web_server, tmp_path, cli):
    db = tmp_path / "u.db"
    refused = cli("ingest", "--no-progress", f"{web_server}/article", "--db", db)
    assert refused.returncode == 1
    assert "private or local address" in refused.stderr
    allowed = cli("ingest", "--no-progress", f"{web_server}/moved", "--db", db, "--allow-private")
    assert allowed.returncode == 0, allowed.stderr
    with Store(db) as store:
        rows = [i.to_dict() for i in store.incidents()]
    assert rows and rows[0]["report_url"].endswith("/article")
    assert all("Copyright" not in r["evidence"]["text"] for r in rows)
    again = cli("ingest", "--no-progress", f"{web_server}/article", "--db", db, "--allow-private")
    assert "1 skipped" in again.stdout


@pytest.mark.slow
def test_bulk_mode_on_a_local_dask_cluster_gives_the_same_store(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 60)
    seq_db, par_db = tmp_path / "seq.db", tmp_path / "par.db"
    seq = subprocess.run(ingest_cmd(str(corpus), "--db", str(seq_db)), capture_output=True, text=True, timeout=300)
    par = subprocess.run(ingest_cmd(str(corpus), "--db", str(par_db), "--workers", "2"), capture_output=True,
                         text=True, timeout=300)
    assert seq.returncode == 0 and par.returncode == 0, par.stderr
    assert seq.stdout.splitlines()[-1] == par.stdout.splitlines()[-1]
    assert per_report_incidents(seq_db)[1] == per_report_incidents(par_db)[1]
