#!/usr/bin/env python3
"""Calibration of the analyses, measured on simulated data with a known truth.

Prints the tables docs/analyses.md quotes:

* reach: constructed cases with known verdicts and the seed report's leaflets;
* cluster: false-alarm rate at alpha 0.05 over independent background sets
  (with a 95% Wilson interval), power by wave size k, and roundup reports;
* delay: nowcast backtests (mean absolute error of the nowcast and of the
  naive count, interval coverage), delays drawn from the default outlet mix
  and from the delay fitted to the development set's gold incidents;
* index: false change points and lag-0 false alarms on null streams.

    python bench/validate_analyses.py                      # a quarter of the full run's work
    python bench/validate_analyses.py --sets 1000 --power-sets 200 --permutations 999   # the README figures
    python bench/validate_analyses.py --only cluster --sets 200 --json out.json

Runs are spread over ``--workers`` processes (default: all cores), one BLAS
thread each.  Every set has its own seed: reruns give the same figures.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one BLAS thread per worker process: workers share the cores
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import datetime as dt
import json
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from seethe.analyse import (Occurrence, cluster, delay, index, occurrence_from_incident, reach, simulate_background,
                            simulate_roundup, simulate_stream, simulate_wave, towns_from_places)
from seethe.analyse.delays import _next_month, backtest
from seethe.analyse.indices import wilson
from seethe.analyse.simulate import DelayModel
from seethe.geo import gazetteer_for
from seethe.profile import load_profile

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "seethe" / "samples"
SEED_CANDIDATES = [ROOT.parent / "shared" / "seed", ROOT.parent.parent / "shared" / "seed"]
START = dt.date(2020, 1, 1)
DAYS = 365
_TOWNS = None


def towns():
    global _TOWNS
    if _TOWNS is None:
        profile = load_profile("kp")
        _TOWNS = towns_from_places(gazetteer_for(profile).places.values(), profile.country)
    return _TOWNS


def rate_line(label: str, hits: int, n: int) -> str:
    lo, hi = wilson(hits, n, 0.95)
    return f"| {label} | {hits}/{n} = {hits / n:.3f} | [{lo:.3f}, {hi:.3f}] |"


# --- reach ------------------------------------------------------------------


def _occ(id, lat, lon, admin1, start, end=None, precision="city", tp="day"):
    s = dt.date.fromisoformat(start)
    e = dt.date.fromisoformat(end) if end else s
    if precision == "province":
        lat = lon = None
    return Occurrence(id, "dissent.leaflet_graffiti", lat, lon, precision, admin1, s, e, tp, None, None)


TOWN = {"Sinuiju": (40.10, 124.40, "KP-03"), "Rason": (42.26, 130.30, "KP-13"), "Kaesong": (37.97, 126.55, "KP-06"),
        "Hyesan": (41.40, 128.18, "KP-10"), "Chongjin": (41.79, 129.78, "KP-09")}


def reach_cases() -> list[tuple[str, str, object]]:
    def o(name, *a, **k):
        return _occ(name, *TOWN[name], *a, **k)

    cases = [
        ("Sinuiju, Rason, Kaesong on one day", "impossible by every mode",
         [o("Sinuiju", "2016-03-01"), o("Rason", "2016-03-01"), o("Kaesong", "2016-03-01")]),
        ("Sinuiju and Rason on one day", "possible only by rail",
         [o("Sinuiju", "2016-03-01"), o("Rason", "2016-03-01")]),
        ("Sinuiju 1 March, Rason 2 March", "impossible on foot",
         [o("Sinuiju", "2016-03-01"), o("Rason", "2016-03-02")]),
        ("Sinuiju 1 March, Rason 'in March'", "possible on foot (month-precision window)",
         [o("Sinuiju", "2016-03-01"), o("Rason", "2016-03-01", "2016-03-31", tp="month")]),
        ("Hyesan and Chongjin on one day", "impossible on foot",
         [o("Hyesan", "2016-03-01"), o("Chongjin", "2016-03-01")]),
        ("'Ryanggang' and 'North Hamgyong' on one day", "possible on foot (neighbouring provinces)",
         [o("Hyesan", "2016-03-01", precision="province"), o("Chongjin", "2016-03-01", precision="province")]),
    ]
    return [(name, expect, reach(occs, mode="foot")) for name, expect, occs in cases]


def seed_occurrences() -> list[Occurrence] | None:
    for folder in SEED_CANDIDATES:
        path = folder / "onefreekorea-2016-05-02.gold.json"
        if path.exists():
            gold = json.loads(path.read_text(encoding="utf-8"))
            return [occurrence_from_incident(inc, id=inc["place"], published=gold["report"]["published"], home="KP")
                    for inc in gold["incidents"] if not inc.get("optional")]
    return None


def run_reach(out: dict) -> None:
    print("\n## Reach\n")
    print("| case | expected | foot | bicycle | road | rail | slowest pace (foot hours) |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for name, expect, r in reach_cases():
        yn = {True: "yes", False: "no", None: "?"}
        print(f"| {name} | {expect} | " + " | ".join(yn[r.by_mode[m]] for m in ("foot", "bicycle", "road", "rail"))
              + f" | {r.min_speed_kmh:.2f} km/h |")
        rows.append({"case": name, "expected": expect, "by_mode": r.by_mode, "min_speed_kmh": r.min_speed_kmh})
    out["reach"] = rows
    seed = seed_occurrences()
    if seed is None:
        print("\n(shared/seed not found: seed case skipped)")
        return
    leaflets = [o for o in seed if o.category == "dissent.leaflet_graffiti"]
    march = [o for o in leaflets if o.start.month == 3]
    print("\nSeed report (One Free Korea, 2 May 2016):")
    for label, occs in (("four leaflet incidents of late March", march), ("all six leaflet incidents", leaflets),
                        ("the four, had they happened on one night", [replace(o, end=o.start) for o in march])):
        r = reach(occs, mode="foot")
        print(f"- {label}: " + "; ".join(r.describe()[:4]).replace("\n", " "))
        out.setdefault("seed", []).append({"label": label, "by_mode": r.by_mode, "min_speed_kmh": r.min_speed_kmh,
                                           "order": r.order})


# --- cluster ----------------------------------------------------------------

def _cluster_job(job: tuple) -> tuple[bool, bool, bool]:
    kind, seed, k, permutations, stop_early = job
    rng = np.random.default_rng(seed)
    data = simulate_background(towns(), n=120, start=START, days=DAYS, seed=rng)
    collapse = True
    if kind in ("wave", "roundup", "roundup-unguarded"):
        day = START + dt.timedelta(days=int(rng.integers(20, DAYS - 20)))
        if kind == "wave":
            data = data + simulate_wave(towns(), k=k, day=day, seed=rng)
        else:
            data = data + simulate_roundup(towns(), k=k, day=day, seed=rng)
            collapse = kind == "roundup"
    r = cluster(data, permutations=permutations, stop_early=stop_early, seed=seed, collapse=collapse)
    return r.scan.p_value <= 0.05, r.knox.p_value <= 0.05, r.mantel.p_value <= 0.05


def _run_jobs(jobs: list[tuple], workers: int) -> np.ndarray:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return np.array(list(pool.map(_cluster_job, jobs, chunksize=4)))


def run_cluster(args, out: dict) -> None:
    print("\n## Cluster: false alarms under independence (alpha 0.05)\n")
    t0 = time.time()
    hits = _run_jobs([("null", 100_000 + s, 0, args.permutations, True) for s in range(args.sets)], args.workers)
    print(f"{args.sets} background sets of 120 incidents over {DAYS} days (border provinces x4, seasonal swing, "
          f"mixed place and date precision, 15% roundup reports), {args.permutations} permutations "
          f"(stopped once p > 0.05 was certain); {time.time() - t0:.0f} s\n")
    print("| test | false-alarm rate | 95% Wilson interval |")
    print("|---|---|---|")
    names = ("scan (primary)", "Knox", "Mantel")
    out["false_alarm"] = {}
    for j, name in enumerate(names):
        print(rate_line(name, int(hits[:, j].sum()), len(hits)))
        out["false_alarm"][name] = {"hits": int(hits[:, j].sum()), "sets": len(hits)}

    print("\n## Cluster: power on waves (k incidents in the k nearest towns within 2 days, each from its own report)\n")
    t0 = time.time()
    print("| k | scan (primary) | Knox | Mantel |")
    print("|---|---|---|---|")
    out["power"] = {}
    for k in args.waves:
        res = _run_jobs([("wave", 200_000 + 1000 * k + s, k, args.power_permutations, True)
                         for s in range(args.power_sets)], args.workers)
        cells = []
        for j in range(3):
            h = int(res[:, j].sum())
            lo, hi = wilson(h, len(res), 0.95)
            cells.append(f"{h / len(res):.2f} [{lo:.2f}, {hi:.2f}]")
        print(f"| {k} | " + " | ".join(cells) + " |")
        out["power"][k] = {n: float(res[:, j].mean()) for j, n in enumerate(names)}
    print(f"\n({args.power_sets} sets per k, {args.power_permutations} permutations; {time.time() - t0:.0f} s)")

    print("\n## Cluster: one report listing 6 incidents (6 nearest towns, same day)\n")
    print("| guard | scan | Knox | Mantel |")
    print("|---|---|---|---|")
    out["roundup"] = {}
    for kind, label in (("roundup", "collapsed by report (default)"), ("roundup-unguarded", "not collapsed")):
        res = _run_jobs([(kind, 300_000 + s, 6, args.power_permutations, True) for s in range(args.power_sets)],
                        args.workers)
        print(f"| {label} | " + " | ".join(f"{res[:, j].mean():.2f}" for j in range(3)) + " |")
        out["roundup"][label] = [float(res[:, j].mean()) for j in range(3)]


# --- delay ------------------------------------------------------------------


def dev_set_delay() -> tuple[DelayModel, str]:
    """A delay model from the development set's gold incidents, fitted by ``delay`` itself."""
    occs = []
    for path in sorted(SAMPLES.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        published = gold.get("report", {}).get("published")
        for n, inc in enumerate(gold.get("incidents", [])):
            if (inc.get("time") or {}).get("start") and published:
                occs.append(occurrence_from_incident(inc, id=f"{path.stem}-{n}", published=published, home="KP",
                                                     outlet=gold["report"].get("outlet")))
    r = delay(occs, family="lognormal", breakdowns=False, fit_window_days=None, truncation=False)
    mu, sigma = r.overall.params
    model = DelayModel((("dev-set", 1.0, math.exp(mu), sigma),))
    return model, (f"development-set fit: lognormal mu {mu:.2f}, sigma {sigma:.2f} (median {math.exp(mu):.1f} days) "
                   f"from {r.used} gold incidents")


def _backtest_job(job: tuple) -> tuple[float, float, float, int]:
    seed, model = job
    stream = simulate_stream(towns(), start=dt.date(2018, 1, 1), months=36, per_month=25, seed=seed, delays=model)
    cuts, m = [], dt.date(2019, 6, 1)
    for _ in range(12):
        m = _next_month(m)
        cuts.append(m - dt.timedelta(days=1))
    b = backtest(stream, cuts, months=3)
    return b.mae_nowcast, b.mae_naive, b.coverage, len(b.rows)


def run_delay(args, out: dict) -> None:
    print("\n## Delay: nowcast backtests\n")
    dev_model, dev_text = dev_set_delay()
    print(f"Streams of 36 months, about 25 incidents a month (seasonal swing), mixed date precision; each cut at the "
          f"end of a month from 2019-07 to 2020-06 nowcasts its last 3 months; the truth is what was eventually "
          f"reported. {args.streams} streams per delay model.\n")
    print("| delays | MAE nowcast | MAE naive | ratio | 90% interval coverage |")
    print("|---|---|---|---|---|")
    out["nowcast"] = {}
    for label, model in (("outlet mix (Daily NK 9 d, RFA 18 d, Asia Press 30 d, NK News 12 d medians)", DelayModel()),
                         (dev_text, dev_model)):
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            res = np.array(list(pool.map(_backtest_job, [(500 + s, model) for s in range(args.streams)])))
        now, naive, cover = res[:, 0].mean(), res[:, 1].mean(), np.average(res[:, 2], weights=res[:, 3])
        print(f"| {label} | {now:.2f} | {naive:.2f} | {now / naive:.2f} | {cover:.2f} |")
        out["nowcast"][label] = {"mae_nowcast": now, "mae_naive": naive, "coverage": cover}


# --- index ------------------------------------------------------------------


def _index_job(seed: int) -> tuple[int, bool, bool]:
    stream = simulate_stream(towns(), start=dt.date(2018, 1, 1), months=48, per_month=30, seed=seed)
    r = index(stream, boot=199, seed=seed)
    national = [c for c in r.change_points if c.series == "national"]
    return len(national), r.lags[0].p_value <= 0.05, (r.spatial is not None and r.spatial[1] <= 0.05)


def run_index(args, out: dict) -> None:
    print("\n## Index: null streams (families independent of place and time)\n")
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        res = np.array(list(pool.map(_index_job, range(700, 700 + args.streams))))
    n = len(res)
    print("| figure | rate | 95% Wilson interval |")
    print("|---|---|---|")
    print(rate_line("national series with a false change point (any family)", int((res[:, 0] > 0).sum()), n))
    print(rate_line("lag-0 control/dissent correlation p <= 0.05", int(res[:, 1].sum()), n))
    print(rate_line("across-province correlation p <= 0.05", int(res[:, 2].sum()), n))
    out["index"] = {"false_change": float((res[:, 0] > 0).mean()), "lag0": float(res[:, 1].mean()),
                    "spatial": float(res[:, 2].mean()), "streams": n}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", type=int, default=200, help="independent background sets for the false-alarm rate")
    ap.add_argument("--permutations", type=int, default=999, help="permutations for the false-alarm sets")
    ap.add_argument("--power-sets", type=int, default=40, help="sets per wave size")
    ap.add_argument("--power-permutations", type=int, default=199)
    ap.add_argument("--waves", type=lambda s: [int(x) for x in s.split(",")], default=[2, 3, 4, 5, 6])
    ap.add_argument("--streams", type=int, default=10, help="simulated streams for delay and index")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", default="reach,cluster,delay,index")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    out: dict = {"arguments": vars(args)}
    t0 = time.time()
    print(f"# Seethe analyses: calibration ({dt.date.today()}, Python {sys.version.split()[0]}, {args.workers} workers)")
    if "reach" in only:
        run_reach(out)
    if "cluster" in only:
        run_cluster(args, out)
    if "delay" in only:
        run_delay(args, out)
    if "index" in only:
        run_index(args, out)
    print(f"\nTotal {time.time() - t0:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
