"""Ingesting many reports: files, folders, feeds and URLs into the store.

Extraction runs in this process, or in parallel on a Dask cluster
(``workers=N`` starts a local one; ``scheduler="tcp://host:port"`` uses an
existing one).  Writes always happen here, in batches, each report with its
incidents in one transaction, so an interrupted run leaves no partial rows and
the next run picks up where it stopped (stored reports are skipped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from seethe.errors import ReportError
from seethe.extract import Extractor
from seethe.ingest.files import iter_report_paths, read_report
from seethe.models import Incident, Report

FEED_SUFFIXES = (".rss", ".atom", ".xml")


@dataclass
class IngestSummary:
    new: int = 0
    skipped: int = 0
    failed: int = 0
    incidents: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.new} reports new, {self.skipped} skipped (already stored), {self.failed} failed; "
                f"{self.incidents} incidents found")


@dataclass(frozen=True)
class Options:
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    encoding: str | None = None
    allow_private: bool = False
    profile: str = "kp"


# One extractor per worker process, built on first use.
_EXTRACTORS: dict[str, Extractor] = {}


def _extractor(profile: str) -> Extractor:
    ex = _EXTRACTORS.get(profile)
    if ex is None:
        ex = _EXTRACTORS[profile] = Extractor(profile)
    return ex


def extract_one(report: Report, profile: str) -> tuple[Report, str, list[Incident]]:
    analysis = _extractor(profile).analyse(report)
    return report, analysis.doc.text, analysis.incidents


def extract_paths(paths: list[str], opts: Options) -> list[tuple[str, object]]:
    """Read and extract files; each result is (path, (report, plain text, incidents)) or (path, error line)."""
    out: list[tuple[str, object]] = []
    for path in paths:
        try:
            report = read_report(path, published=opts.published, outlet=opts.outlet, url=opts.url, encoding=opts.encoding)
            out.append((path, extract_one(report, opts.profile)))
        except ReportError as exc:
            out.append((path, exc.one_line()))
    return out


def expand(specs: Iterable[str], opts: Options, on_error: Callable[[str], None]) -> tuple[list[str], Iterator[Report]]:
    """Split what the user named into report files and reports from feeds and URLs."""
    from seethe.ingest import web

    files: list[str] = []
    remote: list[str] = []
    for spec in specs:
        if spec.startswith(("http://", "https://")):
            remote.append(spec)
        else:
            for path in iter_report_paths([spec]):
                files.append(path)
    feeds = [f for f in files if f.lower().endswith(FEED_SUFFIXES)]
    files = [f for f in files if f not in feeds]

    def others() -> Iterator[Report]:
        for path in feeds:
            try:
                yield from web.feed_reports(Path(path).read_bytes(), path, outlet=opts.outlet)
            except (OSError, ReportError) as exc:
                on_error(exc.one_line() if isinstance(exc, ReportError) else f"{path}: {exc.strerror}")
        for url in remote:
            try:
                body, ctype, final = web.fetch(url, allow_private=opts.allow_private)
                if web.is_feed(body, ctype, final):
                    yield from web.feed_reports(body, url, outlet=opts.outlet)
                else:
                    yield web.article_report(body, final, published=opts.published, outlet=opts.outlet)
            except ReportError as exc:
                on_error(exc.one_line())

    return files, others()


def ingest(specs: list[str], store, *, opts: Options = Options(), workers: int = 0, scheduler: str | None = None,
           batch: int = 64, write_batch: int = 50, on_error: Callable[[str], None] = lambda line: None,
           progress: Callable[[int, int], None] | None = None) -> IngestSummary:
    """Ingest every report named by ``specs`` into ``store``; returns counts.

    A report that cannot be read is set aside (``on_error`` gets one line) and
    the rest go on.
    """
    summary = IngestSummary()

    def error(line: str) -> None:
        summary.failed += 1
        summary.errors.append(line)
        on_error(line)

    files, others = expand(specs, opts, error)
    ex = _extractor(opts.profile)
    run_id = store.start_run(ex.versions(), kind="ingest")

    pending: list[tuple[Report, str, list[Incident]]] = []

    def flush() -> None:
        # One transaction per batch; each report in it is stored whole or not at all.
        for (report, _, incidents), report_id in zip(pending, store.add_reports(pending, run_id)):
            if report_id is None:
                summary.skipped += 1
            else:
                summary.new += 1
                summary.incidents += len(incidents)
        pending.clear()

    def store_result(path: str, result: object) -> None:
        if isinstance(result, str):
            error(result)
            return
        report, plain_text, incidents = result  # type: ignore[misc]
        if report.published is None:
            error(f"{report.source}: no publication date: pass --published YYYY-MM-DD or add a date to the file")
            return
        pending.append((report, plain_text, incidents))
        if len(pending) >= write_batch:
            flush()

    total = len(files)
    done = 0
    chunks = [files[i:i + batch] for i in range(0, len(files), batch)]
    if workers or scheduler:
        from dask.distributed import Client, LocalCluster, as_completed

        cluster = None
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        try:
            futures = client.map(extract_paths, chunks, opts=opts, pure=False)
            for future in as_completed(futures):
                results = future.result()
                for path, result in results:
                    store_result(path, result)
                done += len(results)
                if progress:
                    progress(done, total)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        for chunk in chunks:
            for path, result in extract_paths(chunk, opts):
                store_result(path, result)
            done += len(chunk)
            if progress:
                progress(done, total)
    for report in others:
        try:
            if report.published is None and opts.published:
                report = Report(**{**{f: getattr(report, f) for f in report.__dataclass_fields__}, "published": opts.published})
            store_result(report.source, extract_one(report, opts.profile))
        except ReportError as exc:
            error(exc.one_line())
    flush()
    return summary


def reextract(store, *, profile: str = "kp", progress: Callable[[int, int], None] | None = None) -> tuple[int, int, int]:
    """Extract every stored report again with the current rules, as a new run.

    Returns (run id, reports, incidents); the previous runs' incidents stay,
    marked as not current.
    """
    ex = _extractor(profile)
    run_id = store.start_run(ex.versions(), kind="reextract")
    n = found = 0
    for report_id, report in store.stored_reports():
        analysis = ex.analyse(report)
        store.replace_incidents(report_id, analysis.incidents, run_id)
        n += 1
        found += len(analysis.incidents)
        if progress:
            progress(n, 0)
    return run_id, n, found
