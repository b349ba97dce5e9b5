#!/usr/bin/env python3
"""Load on the workbench: 100 concurrent clients over a large database, and the browser's time to first map.

Starts ``seethe serve`` on the database (build one with bench/workbench_corpus.py),
makes an analyst's API token, then for each endpoint runs C clients that call
it back to back for S seconds and prints p50/p99 latency, requests/second and
errors (with wrk, a C load generator, when installed: apt-get install wrk; else
with httpx, which takes much of the CPU itself).  Last, headless Chromium signs in and opens the map page: time until
the first incident is drawn, and until the map, timeline and list are all in.

    python bench/bench_workbench.py --db postgresql://postgres@127.0.0.1:5432/seethe_bench_web \\
        [--clients 100] [--seconds 10] [--workers 2]

Client and server share this machine's two cores, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

import httpx

from seethe.services import accounts
from seethe.store import Store

ENDPOINTS = [
    ("list: first page", "/api/incidents?limit=50"),
    ("list: page 20 (cursor)", None),  # filled in: a cursor 19 pages deep
    ("filter: province+family+years", "/api/incidents?province=KP-09&category=dissent&since=2015-01-01"
                                      "&until=2018-12-31&limit=50"),
    ("filter: place (Hyesan and inside)", "/api/incidents?place=Hyesan&limit=50"),
    ("filter: words", "/api/incidents?search=market+vendors&limit=50"),
    ("counts by family: a province", "/api/counts?by=family&province=KP-10"),
    ("counts by family: all", "/api/counts?by=family"),
    ("timeline per month: all", "/api/timeline?unit=month"),
    ("map GeoJSON: one year", "/api/map?since=2020-01-01&until=2020-12-31"),
    ("map GeoJSON: all", "/api/map"),
    ("export GeoJSON: a province-month", "/api/export?format=geojson&province=KP-09&since=2019-03-01"
                                         "&until=2019-03-31"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _token(db: str) -> str:
    with Store(db) as store:
        if store.user("bench") is None:
            accounts.add_user(store, "bench", "bench-password", "analyst", actor="bench")
        return accounts.new_api_token(store, store.user("bench"), "bench", actor="bench")[1]


async def _hammer(base: str, path: str, token: str, clients: int, seconds: float,
                  think: float = 0.0) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                 timeout=60) as client:
        stop = time.perf_counter() + seconds

        async def worker():
            nonlocal errors
            while time.perf_counter() < stop:
                t = time.perf_counter()
                r = await client.get(path)
                latencies.append(time.perf_counter() - t)
                errors += r.status_code != 200
                if think:  # a person reads before asking again
                    await asyncio.sleep(think * random.uniform(0.5, 1.5))

        await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, errors


_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _wrk(base: str, path: str, token: str, clients: int, seconds: float) -> tuple[float, float, float, int]:
    """(p50 s, p99 s, requests/s, errors) measured by wrk: a C client, so the client takes little of the CPU."""
    out = subprocess.run(["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{int(seconds)}s", "--latency", "--timeout", "60s",
                          "-H", f"Authorization: Bearer {token}", base + path],
                         capture_output=True, text=True, check=True).stdout

    def seconds_of(label: str) -> float:
        value = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(value.group(1)) * _WRK_UNITS[value.group(2)]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return (seconds_of("50%"), seconds_of("99%"), rate,
            (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0))


def _deep_cursor(base: str, token: str) -> str:
    cursor = None
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        for _ in range(19):
            cursor = client.get("/api/incidents", params={"limit": 50, **({"cursor": cursor} if cursor else {})}
                                ).json()["next_cursor"]
    return f"/api/incidents?limit=50&cursor={cursor}"


def _time_to_first_map(base: str) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=name]", "bench")
        page.fill("input[name=password]", "bench-password")
        page.click("form.stack button[type=submit]")
        page.wait_for_selector("body[data-ready='1']", timeout=120000)
        times = []
        for _ in range(3):  # warm: the second and third loads are what a returning analyst sees
            t = time.perf_counter()
            page.goto(f"{base}/")
            page.wait_for_selector("path.incident-point", timeout=120000)
            first = time.perf_counter() - t
            page.wait_for_selector("body[data-ready='1']", timeout=120000)
            times.append((first, time.perf_counter() - t))
        browser.close()
    return min(t[0] for t in times), min(t[1] for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="run only endpoints whose label contains this")
    parser.add_argument("--python-client", action="store_true", help="use httpx even when wrk is installed")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each client waits between requests (people, not a flood); uses httpx")
    args = parser.parse_args()
    token = _token(args.db)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "seethe", "serve", "--db", args.db, "--port", str(port),
                               "--workers", str(args.workers)], stdout=subprocess.DEVNULL,
                              env={**os.environ, "SEETHE_DB": ""})
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/api/me", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        with Store(args.db) as store:
            print(f"{store.counts()['incidents']:,} incidents; {args.clients} clients"
                  f"{f' waiting ~{args.think:g} s between requests' if args.think else ' back to back'}, "
                  f"{args.seconds:g} s per endpoint, {args.workers} server workers; load average "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'endpoint':40} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'errors':>6}")
        for label, path in ENDPOINTS:
            if args.only and args.only not in label:
                continue
            path = path or _deep_cursor(base, token)
            httpx.get(base + path, headers={"Authorization": f"Bearer {token}"}, timeout=120)  # warm
            if shutil.which("wrk") and not args.python_client and not args.think:
                p50, p99, rate, errors = _wrk(base, path, token, args.clients, args.seconds)
            else:
                lat, errors = asyncio.run(_hammer(base, path, token, args.clients, args.seconds, args.think))
                q = statistics.quantiles(lat, n=100)
                p50, p99, rate = q[49], q[98], len(lat) / args.seconds
            print(f"{label:40} {p50 * 1000:8.0f} {p99 * 1000:8.0f} {rate:7.0f} {errors:6d}", flush=True)
        if args.only:
            return
        first, ready = _time_to_first_map(base)
        print(f"browser: first incident on the map {first * 1000:.0f} ms, map+timeline+list {ready * 1000:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
