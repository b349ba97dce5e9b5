#!/usr/bin/env python3
"""Hostile input, measured: a long fuzz run and time against size.

Part 1 (``--inputs``, default 10,000): generated hostile reports (ordinary
sentences mixed with pieces that once broke something, some repeated
hundreds of times; plain text, HTML and Markdown; several encodings; 100
bytes to 100 KB), each written to a file and read and extracted as
``seethe ingest`` does, plus one hostile feed and one hostile URL per ten
reports.  Counted: tracebacks (any exception that is not a ``SeetheError``),
internal errors, one-line errors by code, and hangs (a report under 100 KB
that takes over 2 s).

Part 2: time against size.  Ordinary prose and the hostile mix at 10 KB,
100 KB, 1 MB and 10 MB, read and extracted; prints microseconds per kilobyte.
Linear handling shows a flat column.

Part 0: the cases issue 12 listed, each timed (and a ``--big-mib`` file of
ordinary words, 19 MiB by default).

    python bench/fuzz.py [--inputs 10000] [--seed 12] [--sizes 10,100,1000,10000] [--big-mib 19]
                         [--skip-fuzz] [--skip-sizes]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the shared building blocks live beside the tests

from seethe.errors import SeetheError  # noqa: E402
from seethe.extract import Extractor  # noqa: E402
from seethe.ingest import read_report  # noqa: E402
from seethe.ingest.web import feed_reports, parse_target  # noqa: E402
from tests.hostile_text import HOSTILE, MEDIA_TYPES, ORDINARY, SUFFIXES, hostile_text  # noqa: E402

HANG_SECONDS = 2.0
HANG_BELOW_BYTES = 100_000
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-16", "cp1252", "euc-kr", "latin-1"]


class Tally:
    def __init__(self) -> None:
        self.inputs = 0
        self.tracebacks: list[str] = []
        self.codes: collections.Counter[str] = collections.Counter()
        self.hangs: list[tuple[float, int, str]] = []
        self.slowest: list[tuple[float, int, str]] = []

    def run(self, label: str, size: int, fn) -> None:
        self.inputs += 1
        started = time.perf_counter()
        try:
            fn()
            self.codes["ok"] += 1
        except SeetheError as exc:
            self.codes[exc.code] += 1
        except Exception:  # noqa: BLE001 - what this harness is here to find
            self.tracebacks.append(f"{label}:\n{traceback.format_exc()}")
        took = time.perf_counter() - started
        self.slowest = sorted(self.slowest + [(took, size, label)], reverse=True)[:5]
        if took > HANG_SECONDS and size < HANG_BELOW_BYTES:
            self.hangs.append((took, size, label))


def fuzz(n: int, seed: int, folder: Path, extractor: Extractor) -> Tally:
    rnd = random.Random(seed)
    tally = Tally()
    for k in range(n):
        media_type = rnd.choice(MEDIA_TYPES)
        size = int(10 ** rnd.uniform(2, 5))  # 100 B to 100 KB, spread evenly over the decades
        text = hostile_text(rnd, size)
        raw = text.encode(rnd.choice(ENCODINGS), "replace")
        path = folder / f"r{k % 50}{SUFFIXES[media_type]}"
        path.write_bytes(raw)
        published = dt.date(2021, 6, 10) if rnd.random() < 0.8 else None

        def read_and_extract(path=path, published=published) -> None:
            report = read_report(path, published=published)
            if report.published is not None:
                extractor.extract(report)

        tally.run(f"#{k} {path.name} ({len(raw)} bytes, seed {seed})", len(raw), read_and_extract)
        if k % 10 == 0:
            feed = _hostile_feed(rnd)
            tally.run(f"#{k} feed", len(feed), lambda feed=feed: [
                extractor.extract(r) for r in feed_reports(feed, "fuzz.xml", on_error=lambda line: None)
                if r.published is not None])
            url = _hostile_url(rnd)
            tally.run(f"#{k} url {url[:60]!r}", len(url), lambda url=url: parse_target(url))
    return tally


def _hostile_feed(rnd: random.Random) -> bytes:
    items = []
    for _ in range(rnd.randint(0, 6)):
        date = rnd.choice(["Mon, 07 Jun 2021 10:00:00 +0000", "Fri, 31 Dec 9999 23:59:59 +9999", "", "garbage",
                           "0001-01-01T00:00:00-23:59", "2021-06-10"])
        items.append(f"<item><title>{hostile_text(rnd, 40)}</title><link>{hostile_text(rnd, 30)}</link>"
                     f"<pubDate>{date}</pubDate><description><![CDATA[{hostile_text(rnd, rnd.randint(10, 3000))}]]>"
                     f"</description></item>")
    body = "<rss version='2.0'><channel><title>T</title>" + "".join(items) + "</channel></rss>"
    if rnd.random() < 0.2:
        body = body[: rnd.randint(0, len(body))]  # cut off mid-way
    return body.encode("utf-8", "replace")


def _hostile_url(rnd: random.Random) -> str:
    host = rnd.choice(["news.example", "127.0.0.1", "[::1]", "[::1", "a" * rnd.randint(60, 400) + ".com",
                       "xn--", "例え.jp", "user:pw@host", "", "10.0.0.1", "[64:ff9b::7f00:1]", "%00"])
    port = rnd.choice(["", ":80", ":0", ":99999", ":abc", ":-1", ":" + "9" * 30])
    scheme = rnd.choice(["http://", "https://", "ftp://", "", "http:/", "HTTP://"])
    return scheme + host + port + "/" + hostile_text(rnd, rnd.randint(0, 60))


def time_against_size(sizes_kb: list[int], extractor: Extractor, folder: Path) -> list[tuple[str, int, float]]:
    sys.path.insert(0, str(ROOT / "bench"))
    rows = []
    for kind in ("prose", "hostile mix"):
        for kb in sizes_kb:
            # (Without control characters: a file of them is refused as binary, which proves nothing.)
            text = _prose(kb * 1000) if kind == "prose" else \
                "".join(c for c in hostile_text(random.Random(kb), kb * 1000) if c.isprintable() or c == "\n")
            path = folder / f"size{SUFFIXES['text/plain']}"
            path.write_text(text, encoding="utf-8")
            started = time.perf_counter()
            try:
                extractor.extract(read_report(path, published=dt.date(2021, 6, 10)))
            except SeetheError as exc:
                print(f"  {kind} {kb} KB: {exc.one_line()}")
            took = time.perf_counter() - started
            rows.append((kind, kb, took))
            print(f"  {kind:12s} {kb:>6,} KB  {took:8.2f} s  {took * 1e6 / kb:8.0f} µs/KB", flush=True)
    return rows


ISSUE_CASES = [  # (what issue 12 measured before the fix, file name, content)
    ("never finished", "blank-lines.txt", "\n" * 300 + "Police arrested vendors in Hyesan.\n"),
    ("14 s", "nested-divs.html", "<div>" * 600 + "Police arrested vendors in Hyesan." + "</div>" * 600),
    ("12 s", "deep-page.html", "<div><span><b>" * 1300 + "<p>Police arrested vendors.</p>" + "</b></span></div>" * 1300),
    ("27 s", "dots.txt", "." * 40_000),
    ("15 s", "brackets.md", "[" * 40_000),
    ("10 s", "metas.html", "<meta " * 20_000),
]


def issue_cases(extractor: Extractor, folder: Path, big_mib: int) -> None:
    cases = list(ISSUE_CASES)
    if big_mib:
        cases.append(("over 10 minutes", "ordinary-words.txt", _words(big_mib * 1024 * 1024)))
    for before, name, content in cases:
        path = folder / name
        path.write_text(content, encoding="utf-8")
        started = time.perf_counter()
        try:
            extractor.extract(read_report(path, published=dt.date(2021, 6, 10)))
            outcome = "ok"
        except SeetheError as exc:
            outcome = exc.code
        took = time.perf_counter() - started
        print(f"  {name:20s} {len(content.encode()):>12,} B  before: {before:16s} now: {took:7.3f} s ({outcome})",
              flush=True)


def _words(size: int) -> str:
    """Ordinary words in sentences and paragraphs, drawn at random from the ordinary pieces' vocabulary."""
    rnd = random.Random(size)
    vocabulary = " ".join(ORDINARY).replace(".", " ").replace(",", " ").split()
    out, total = [], 0
    while total < size:
        sentence = " ".join(rnd.choice(vocabulary) for _ in range(rnd.randint(8, 30)))
        sentence = sentence[0].upper() + sentence[1:] + (".\n" if rnd.random() < 0.2 else ". ")
        out.append(sentence)
        total += len(sentence)
    return "".join(out)[:size]


def _prose(size: int) -> str:
    rnd = random.Random(size)
    sentences = [s for s in ORDINARY if len(s) > 40]
    out, total = [], 0
    while total < size:
        s = rnd.choice(sentences) + ("\n" if rnd.random() < 0.2 else "")
        out.append(s)
        total += len(s)
    return "".join(out)[:size]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--sizes", default="10,100,1000,10000", help="kilobytes, comma-separated")
    parser.add_argument("--skip-fuzz", action="store_true")
    parser.add_argument("--skip-sizes", action="store_true")
    parser.add_argument("--big-mib", type=int, default=19, help="the issue's large file of ordinary words (0: skip)")
    args = parser.parse_args()
    extractor = Extractor("kp")
    extractor.warm_up()
    print(f"{len(HOSTILE)} hostile pieces, {len(ORDINARY)} ordinary ones")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("the cases issue 12 listed (read + extract):")
        issue_cases(extractor, folder, args.big_mib)
        if not args.skip_fuzz:
            started = time.perf_counter()
            tally = fuzz(args.inputs, args.seed, folder, extractor)
            took = time.perf_counter() - started
            print(f"fuzz: {tally.inputs:,} inputs ({args.inputs:,} reports, feeds and URLs) in {took:.0f} s")
            print(f"  tracebacks: {len(tally.tracebacks)}   internal errors: {len(tally.tracebacks)}   "
                  f"hangs (under {HANG_BELOW_BYTES // 1000} KB, over {HANG_SECONDS:g} s): {len(tally.hangs)}")
            print("  outcomes: " + ", ".join(f"{code} {n:,}" for code, n in tally.codes.most_common()))
            print("  slowest: " + "; ".join(f"{t:.2f} s ({size:,} B, {label})" for t, size, label in tally.slowest))
            for tb in tally.tracebacks[:5]:
                print(tb)
            failed = bool(tally.tracebacks or tally.hangs)
        if not args.skip_sizes:
            print("time against size (read + extract, one core):")
            time_against_size([int(s) for s in args.sizes.split(",")], extractor, folder)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
