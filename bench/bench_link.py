#!/usr/bin/env python3
"""Linking speed and quality at scale: a synthetic linked corpus stored, then linked.

For each size, writes a synthetic corpus (``linkgen.py``: about 10 incidents
per report, happenings told by one to six reports, relays, near-misses) into
a fresh database with the store's ``add_reports`` in big batches, then runs
``seethe link`` in a child process and prints its wall time, CPU time, peak
memory and step times; then an incremental link after 1% more reports, and a
second link with nothing new.  With ``--score`` the events are scored against
the generator's happenings (B-cubed, pairwise, relay-vs-origin accuracy).

    python bench/bench_link.py --reports 10000 30000 100000 [--score] [--postgres URL] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from linkgen import generate  # noqa: E402

from seethe.store import Store  # noqa: E402

LINK = """
import json, resource, sys, time
from seethe.services.events import link
from seethe.store import Store
start = time.perf_counter(); cpu = time.process_time()
with Store(sys.argv[1]) as store:
    s = link(store, full=sys.argv[2] == "full")
out = {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu, "kind": s.kind, "pairs": s.pairs,
       "links": s.links, "events": s.events, "multi": s.multi_report_events, "written": s.events_written,
       "steps": s.seconds, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
print(json.dumps(out))
"""


def fill(url: str, corpus, batch: int = 2000) -> float:
    start = time.perf_counter()
    with Store(url) as store:
        run = store.start_run({"profile": "kp@bench", "codebook": "bench", "pipeline": "linkgen"})
        for k in range(0, len(corpus), batch):
            store.add_reports(corpus[k:k + batch], run)
    return time.perf_counter() - start


def run_link(url: str, kind: str = "incremental") -> dict:
    out = subprocess.run([sys.executable, "-c", LINK, url, kind], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def score(url: str, corpus) -> dict:
    """B-cubed and pairwise over incidents, and relay-vs-origin accuracy over (happening, report) members."""
    from seethe.link import bcubed, pairwise

    roles = corpus.roles
    with Store(url) as store:
        source = {}
        for stored in store.stored_reports(batch=2000):
            source[stored.id] = stored.report.source
        happening = {inc.id: int(inc.summary.split("]", 1)[0][2:]) for inc in store.incidents()}
        predicted, gold, right, total = [], [], 0, 0
        for e in store.events():
            for iid in e.incident_ids:
                predicted.append(e.id)
                gold.append(happening[iid])
            told = {}
            for iid, rid in zip(e.incident_ids, e.member_reports or ()):
                told.setdefault(rid, happening[iid])
            for r in e.roles:
                want = roles.get((told.get(r.report_id), source.get(r.report_id)))
                if want:
                    total += 1
                    right += want == r.role
    b, pw = bcubed(predicted, gold), pairwise(predicted, gold)
    return {"bcubed": [round(b.precision, 3), round(b.recall, 3), round(b.f1, 3)],
            "pairwise": [round(pw.precision, 3), round(pw.recall, 3), round(pw.f1, 3)],
            "relay_accuracy": round(right / total, 3) if total else None, "members": total}


def database(folder: Path, n: int, postgres: str | None) -> tuple[str, str | None]:
    if not postgres:
        return f"sqlite:///{folder / f'link-{n}.db'}", None
    import psycopg

    name = f"seethe_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres.rsplit("/", 1)[0] + "/" + name, name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, nargs="+", default=[10000, 30000, 100000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--score", action="store_true")
    ap.add_argument("--postgres")
    ap.add_argument("--keep", type=Path, help="Keep the databases in this folder.")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="seethe-link-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'reports':>8} {'incidents':>9} {'store s':>8} {'link s':>7} {'cpu s':>6} {'peak MiB':>8} "
          f"{'pairs':>9} {'events':>8} {'multi':>7}  then: +1% s, again s")
    for n in args.reports:
        t0 = time.perf_counter()
        corpus = generate(int(n * 1.01), seed=args.seed)
        extra, corpus_main = corpus.reports[n:], corpus.reports[:n]
        gen = time.perf_counter() - t0
        url, pg_name = database(folder, n, args.postgres)
        stored = fill(url, corpus_main)
        incidents = sum(len(x[2]) for x in corpus_main)
        first = run_link(url)
        fill(url, extra)
        more = run_link(url)
        again = run_link(url)
        print(f"{n:>8} {incidents:>9} {stored:>8.1f} {first['wall']:>7.1f} {first['cpu']:>6.1f} "
              f"{first['peak_mib']:>8.0f} {first['pairs']:>9} {first['events']:>8} {first['multi']:>7}  "
              f"{more['wall']:.1f} ({more['kind']}), {again['wall']:.1f} ({again['kind']})   "
              f"[generated in {gen:.0f} s]")
        print("          steps:", ", ".join(f"{k} {v:.1f}" for k, v in first["steps"].items()),
              "| +1%:", ", ".join(f"{k} {v:.1f}" for k, v in more["steps"].items()),
              f"| +1% cpu {more['cpu']:.1f} s, peak {more['peak_mib']:.0f} MiB")
        if args.score:
            print("          quality:", json.dumps(score(url, corpus)))
        if pg_name:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        elif not args.keep:
            os.remove(url.split("sqlite:///", 1)[1])


if __name__ == "__main__":
    main()
