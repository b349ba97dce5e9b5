#!/usr/bin/env python3
"""Query speed on a large store: ``seethe stats`` and filtered ``seethe incidents`` in a cold process.

Builds (once; reused when it exists) a database of N reports with K incidents
each (default 100,000 × 15 = 1.5M incidents), then runs each command several
times as a user would, in a new process, and prints wall time, time to the
first line of output and the process's peak memory.

The incidents are the development set's own extracted incidents, resampled:
each synthetic report takes K of them with its own dates, so categories,
places, evidence texts and outlets are those real extraction produces.

    python bench/bench_queries.py [--reports 100000] [--per-report 15] [--db bench/out/q.db]
    python bench/bench_queries.py --db postgresql://postgres@127.0.0.1:5432/seethe_bench_q

``build_database`` is reused by other benchmarks that need a large store.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from seethe.extract import Extractor
from seethe.ingest import iter_report_paths, read_report
from seethe.models import Incident, Report, TimeSpan
from seethe.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "seethe" / "samples"
QUERIES = {
    "stats": ["stats"],
    "stats --format json": ["stats", "--format", "json"],
    "incidents --category dissent": ["incidents", "--category", "dissent", "--format", "jsonl"],
    "incidents --province Ryanggang --since 2020-01-01": ["incidents", "--province", "Ryanggang", "--since",
                                                          "2020-01-01", "--format", "jsonl"],
    "incidents --outlet RFA": ["incidents", "--outlet", "RFA", "--format", "jsonl"],
    "incidents --search leaflet": ["incidents", "--search", "leaflet", "--format", "jsonl"],
    "incidents --place Hyesan": ["incidents", "--place", "Hyesan", "--format", "jsonl"],
}


def template_incidents() -> list[Incident]:
    """Every incident the extractor finds in the development set: the material resampled."""
    ex = Extractor("kp")
    out = []
    for path in iter_report_paths([str(SAMPLES)]):
        out.extend(ex.extract(read_report(path)))
    return out


def synthetic_batch(rng: random.Random, templates: list[Incident], first: int, n: int,
                    per_report: int) -> list[tuple[Report, str, list[Incident]]]:
    outlets = ["Daily NK", "RFA", "Asia Press", "NK News", "One Free Korea"]
    batch = []
    for k in range(first, first + n):
        published = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(18 * 365))
        incidents = []
        for t in rng.sample(templates, min(per_report, len(templates))):
            start = published - dt.timedelta(days=rng.randrange(90))
            span = TimeSpan(start, start + (t.time.end - t.time.start), t.time.precision, t.time.mention)
            incidents.append(dataclasses.replace(t, time=span, report=None))
        text = f"Synthetic report {k}: " + " ".join(i.evidence_text for i in incidents[:2])
        batch.append((Report(text=text, source=f"synthetic/{k:07d}.txt", published=published,
                             outlet=rng.choice(outlets)), text, incidents))
    return batch


def build_database(url: str, reports: int, per_report: int, seed: int = 7, batch: int = 500,
                   log=print) -> None:
    """Fill the database at ``url`` with ``reports`` synthetic reports (skipped when already that full)."""
    with Store(url) as store:
        have = store.counts()["reports"]
        if have >= reports:
            log(f"{url}: {have} reports already")
            return
        templates = template_incidents()
        rng = random.Random(seed + have)
        run = store.start_run({"profile": "kp@bench", "pipeline": "synthetic"}, kind="ingest")
        started = time.perf_counter()
        for first in range(have, reports, batch):
            store.add_reports(synthetic_batch(rng, templates, first, min(batch, reports - first), per_report), run)
            if (first // batch) % 20 == 0:
                done = first + batch
                log(f"  {done:,} reports, {time.perf_counter() - started:.0f} s")
        log(f"built {reports:,} reports in {time.perf_counter() - started:.0f} s")


def run_query(args: list[str], db: str) -> tuple[float, float, int, int, float]:
    """(wall seconds, seconds to the first line, peak RSS in MB, lines, CPU seconds) of one cold command."""
    code = (
        "import resource, sys, time\n"
        "from seethe.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "SEETHE_DB": db, "COLUMNS": "160"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env)
    first_line = proc.stdout.readline()
    first = time.perf_counter() - started
    lines = 1 if first_line else 0
    for _ in proc.stdout:
        lines += 1
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, first, usage.ru_maxrss // 1024, lines, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--per-report", type=int, default=15)
    ap.add_argument("--db", default=str(ROOT / "bench" / "out" / "queries.db"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", help="run only the commands whose name contains this")
    args = ap.parse_args(argv)
    if "://" not in args.db:
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    build_database(args.db, args.reports, args.per_report)
    with Store(args.db) as store:
        counts = store.counts()
    print(f"database: {counts['reports']:,} reports, {counts['incidents']:,} current incidents ({args.db})")
    print(f"{'command':52s} {'wall s':>8s} {'CPU s':>7s} {'first line s':>13s} {'peak MB':>8s} {'lines':>9s}")
    for name, cmd in QUERIES.items():
        if args.only and args.only not in name:
            continue
        runs = [run_query(cmd, args.db) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        first = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[4] for r in runs)
        print(f"{name:52s} {wall:8.2f} {cpu:7.2f} {first:13.2f} {max(r[2] for r in runs):8d} {runs[0][3]:9,d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
