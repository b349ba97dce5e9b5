#!/usr/bin/env python3
"""Extraction throughput: reports/second, incidents/second and peak memory.

Builds a corpus of N synthetic reports (default 10,000) by recombining the
paragraphs of the bundled development reports into reports of about 600
words, each with its own publication date, then extracts every report in one
process on one core.  Prints the figures README quotes.

    python bench/bench_extract.py [--reports 10000] [--words 600] [--seed 7] [--repeat 3]

With --repeat N the corpus is extracted N times; the median and best runs
are printed (the machine's speed varies from run to run by 10-20%).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
from pathlib import Path

from seethe.extract import Extractor
from seethe.models import Report

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "seethe" / "samples"


def paragraphs() -> list[str]:
    out = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix not in (".txt",) or path.name.endswith(".gold.json"):
            continue
        for para in path.read_text(encoding="utf-8").split("\n"):
            para = para.strip()
            if len(para.split()) >= 12 and not para.startswith("[Seethe"):
                out.append(para)
    return out


def recombine(rng: random.Random, paras: list[str], words: int) -> tuple[str, dt.date]:
    """One synthetic report of about ``words`` words and a publication date."""
    chosen, count = [], 0
    while count < words:
        p = rng.choice(paras)
        chosen.append(p)
        count += len(p.split())
    return "\n".join(chosen), dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))


def build_corpus(n: int, words: int, seed: int) -> list[Report]:
    rng = random.Random(seed)
    paras = paragraphs()
    corpus = []
    for i in range(n):
        text, published = recombine(rng, paras, words)
        corpus.append(Report(text=text, source=f"synthetic-{i:05d}", published=published))
    return corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)

    corpus = build_corpus(args.reports, args.words, args.seed)
    total_words = sum(len(r.text.split()) for r in corpus)
    extractor = Extractor("kp")
    t0 = time.perf_counter()
    extractor.warm_up()  # compile the profile once, outside the timing
    warm = time.perf_counter() - t0

    runs, cpu = [], []
    incidents = 0
    for _ in range(max(1, args.repeat)):
        incidents = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for report in corpus:
            incidents += len(extractor.extract(report))
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    runs.sort()
    elapsed = runs[len(runs) // 2]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"reports:            {len(corpus)} (mean {total_words / len(corpus):.0f} words)")
    print(f"profile compile:    {warm:.2f} s (once per process)")
    print(f"runs:               {len(runs)} (median {elapsed:.2f} s, best {runs[0]:.2f} s)")
    print(f"reports/second:     {len(corpus) / elapsed:.1f} (best run {len(corpus) / runs[0]:.1f})")
    print(f"reports/CPU-second: {len(corpus) / sorted(cpu)[len(cpu) // 2]:.1f} (process time, less sensitive to a busy host)")
    print(f"words/second:       {total_words / elapsed:,.0f}")
    print(f"incidents:          {incidents}")
    print(f"incidents/second:   {incidents / elapsed:.1f}")
    print(f"peak memory (RSS):  {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
