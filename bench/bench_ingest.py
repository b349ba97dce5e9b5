#!/usr/bin/env python3
"""Ingest throughput: reports/second into SQLite and PostgreSQL with 1 and 2 Dask workers.

Writes a corpus of N report files (default 20,000; paragraphs of the bundled
development reports recombined into reports of about 300 words, each with its
own date), then ingests it into a fresh database for each configuration and
prints reports/second and incidents stored.

    python bench/bench_ingest.py [--reports 20000] [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_extract import paragraphs, recombine  # noqa: E402

from seethe.services import ingest  # noqa: E402
from seethe.store import Store  # noqa: E402


def write_corpus(folder: Path, n: int, words: int, seed: int) -> None:
    rng = random.Random(seed)
    paras = paragraphs()
    for i in range(n):
        text, day = recombine(rng, paras, words)
        (folder / f"r{i:06d}.txt").write_text(f"Published: {day}\nOutlet: Bench\n{text}\n[{i}]\n", encoding="utf-8")


def fresh_postgres(base_url: str) -> tuple[str, str]:
    import psycopg

    name = f"seethe_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=20_000)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--postgres", default=None, help="a PostgreSQL URL to create scratch databases from")
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        write_corpus(corpus, args.reports, args.words, args.seed)
        backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
        print(f"corpus: {args.reports} reports of about {args.words} words")
        for backend in backends:
            for workers in [int(w) for w in args.workers.split(",")]:
                name = None
                if backend == "sqlite":
                    url = f"sqlite:///{Path(tmp) / f'bench-{workers}.db'}"
                else:
                    url, name = fresh_postgres(args.postgres)
                try:
                    with Store(url) as store:
                        t0 = time.perf_counter()
                        summary = ingest([str(corpus)], store, workers=workers)
                        elapsed = time.perf_counter() - t0
                    print(f"{backend:10s} workers={workers}: {summary.new} reports in {elapsed:.1f} s = "
                          f"{summary.new / elapsed:.1f} reports/s, {summary.incidents} incidents, {summary.failed} failed")
                finally:
                    if name:
                        drop_postgres(args.postgres, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
