#!/usr/bin/env python3
"""A large workbench database: N synthetic reports with K incidents each, written with Store.add_reports.

Incidents are drawn like real ones: categories from the codebook, places from
the gazetteer (North Korea and the border), precisions mixed (places, provinces,
the country), dates over fifteen years, outlets credited; each report's text
holds its incidents' evidence sentences (taken from the bundled samples, so
evidence offsets and search work as on real data).

    python bench/workbench_corpus.py --db postgresql://postgres@127.0.0.1:5432/seethe_bench --incidents 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from pathlib import Path

from seethe.geo import gazetteer_for
from seethe.models import Incident, Location, Report, TimeSpan
from seethe.profile import load_profile
from seethe.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "seethe" / "samples"
OUTLETS = ["Daily NK", "RFA", "ASIAPRESS", "NK News", "Yonhap"]
PRECISION_MIX = [("place", 0.62), ("province", 0.28), ("country", 0.10)]


def sentences() -> list[str]:
    out = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines()[3:]:
            out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", line) if 60 <= len(s.strip()) <= 300]
    return out


def build(db: str, incidents: int, per_report: int, batch: int, seed: int) -> None:
    rng = random.Random(seed)
    profile = load_profile("kp")
    gaz = gazetteer_for(profile)
    places = [p for p in gaz.places.values() if p.country == "KP" and p.lat is not None
              and p.type not in ("province", "country")]
    provinces = [p for p in gaz.by_type("province") if p.country == "KP" and p.lat is not None]
    categories = list(profile.codebook.categories)
    pool = sentences()
    start_day, span_days = dt.date(2010, 1, 1), 15 * 365
    store = Store(db).open()
    run = store.start_run({"profile": "kp@bench", "codebook": "bench", "pipeline": "bench"}, kind="ingest")
    reports = incidents // per_report
    began, done = time.perf_counter(), 0
    for first in range(0, reports, batch):
        rows = []
        for n in range(first, min(first + batch, reports)):
            chosen = [rng.choice(pool) for _ in range(per_report)]
            text = f"Bench report {n}.\n" + "\n".join(chosen) + "\n"
            day = start_day + dt.timedelta(days=rng.randrange(span_days))
            outlet = rng.choice(OUTLETS)
            report = Report(text=text, source=f"bench/{n}.txt", published=day + dt.timedelta(days=rng.randrange(30)),
                            outlet=outlet)
            found, offset = [], len(f"Bench report {n}.\n")
            for sentence in chosen:
                found.append(_incident(rng, sentence, offset, day, outlet, categories, places, provinces))
                offset += len(sentence) + 1
            rows.append((report, text, found))
        store.add_reports(rows, run)
        done += len(rows)
        rate = done / (time.perf_counter() - began)
        print(f"\r{done * per_report:,} incidents ({rate * per_report:,.0f}/s)", end="", file=sys.stderr, flush=True)
    store.analyze()
    print(f"\n{store.counts()}, {time.perf_counter() - began:.0f} s", file=sys.stderr)
    store.close()


def _incident(rng, sentence, offset, day, outlet, categories, places, provinces) -> Incident:
    kind = rng.choices([k for k, _ in PRECISION_MIX], [w for _, w in PRECISION_MIX])[0]
    if kind == "place":
        loc = Location.of(rng.choice(places), None, "KP")
    elif kind == "province":
        loc = Location.of(rng.choice(provinces), None, "KP")
    else:
        loc = Location.of(None, None, "KP")
    when = day - dt.timedelta(days=rng.randrange(60))
    precision = rng.choices(["day", "week", "month", "year"], [0.55, 0.2, 0.2, 0.05])[0]
    end = when + dt.timedelta(days={"day": 0, "week": 6, "month": 29, "year": 364}[precision])
    category = rng.choice(categories)
    return Incident(category=category, summary=f"{category}: {sentence[:100]}…", location=loc,
                    time=TimeSpan(when, end, precision), evidence_text=sentence, evidence_start=offset,
                    evidence_end=offset + len(sentence), confidence=round(rng.uniform(0.3, 0.95), 2),
                    reported_by=(outlet,), actors=("authorities",), rule_ids=("bench",))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--per-report", type=int, default=5)
    parser.add_argument("--batch", type=int, default=2000, help="reports per add_reports call (one transaction)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    build(args.db, args.incidents, args.per_report, args.batch, args.seed)


if __name__ == "__main__":
    main()
