"""The corpus service: read → extract → store, for files, folders, feeds and URLs.

Extraction runs in this process, or in parallel on a Dask cluster
(``workers=N`` starts a local one; ``scheduler="tcp://host:port"`` uses an
existing one).  Writes always happen here, in batches, each report with its
incidents in one transaction, so an interrupted run leaves no partial rows and
the next run picks up where it stopped (stored reports are skipped).

Every item is isolated: a bad file, URL or feed entry — or an unexpected
failure while handling one — is reported in one line, counted, and set aside;
the rest of the batch is stored.  When a batch write fails, its reports are
written one at a time so that one bad report costs only itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

from seethe.errors import ReportError, SeetheError, UsageError, printable, redact
from seethe.extract import Extractor
from seethe.ingest import iter_report_paths, read_report, text_encoding
from seethe.ingest import web
from seethe.models import Incident, Report
from seethe.store import Store

FEED_SUFFIXES = (".rss", ".atom", ".xml")
Result = tuple[Report, str, list[Incident]]


@dataclass(frozen=True)
class Failure:
    """One item set aside: what it was, why, and a stable code (``report.no_date``, ``store.write``, ...)."""

    source: str
    message: str
    code: str = "seethe"

    def line(self) -> str:
        return f"{printable(self.source)}: {self.message}"

    @classmethod
    def of(cls, source: str, exc: BaseException) -> "Failure":
        """The failure an exception stands for, in one line; unexpected errors say what they were,
        never with a traceback."""
        if isinstance(exc, SeetheError):
            return cls(exc.source or source, _one_line(exc.message), exc.code)
        return cls(redact(source), _one_line(redact(f"unexpected error ({type(exc).__name__}: {exc})")), "internal")


MAX_MESSAGE = 500


def _one_line(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE - 1] + "…"


@dataclass
class IngestSummary:
    """What an ingest did: counts and the one-line reasons of every failure."""

    new: int = 0
    new_versions: int = 0  # of the new: reports at a stored URL with a different text
    skipped: int = 0
    failed: int = 0
    incidents: int = 0
    errors: list[Failure] = field(default_factory=list)

    def line(self) -> str:
        versions = f" ({self.new_versions} new versions of stored pages)" if self.new_versions else ""
        return (f"{self.new} reports new{versions}, {self.skipped} skipped (already stored), {self.failed} failed; "
                f"{self.incidents} incidents found")

    @property
    def ok(self) -> bool:
        """Nothing failed."""
        return self.failed == 0


@dataclass(frozen=True)
class IngestOptions:
    """Values for reports that carry none, and how to fetch."""

    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    encoding: str | None = None
    allow_private: bool = False
    profile: str = "kp"

    def __post_init__(self) -> None:
        if self.encoding is not None:
            try:
                text_encoding(self.encoding)
            except ReportError as exc:
                raise UsageError(exc.message, source="encoding", code="usage.encoding") from None


# One extractor per worker process, built on first use.
_EXTRACTORS: dict[str, Extractor] = {}


def extractor_for(profile: str) -> Extractor:
    ex = _EXTRACTORS.get(profile)
    if ex is None:
        ex = _EXTRACTORS[profile] = Extractor(profile)
    return ex


def extract_one(report: Report, profile: str) -> Result:
    analysis = extractor_for(profile).analyse(report)
    return report, analysis.doc.text, analysis.incidents


def extract_paths(paths: list[str], opts: IngestOptions) -> list[tuple[str, Result | Failure]]:
    """Read and extract files; each result is (path, (report, plain text, incidents)) or (path, failure)."""
    out: list[tuple[str, Result | Failure]] = []
    for path in paths:
        try:
            report = read_report(path, published=opts.published, outlet=opts.outlet, url=opts.url,
                                 encoding=opts.encoding)
            out.append((path, extract_one(report, opts.profile)))
        except Exception as exc:  # noqa: BLE001 - one bad file must not cost the others
            out.append((path, Failure.of(path, exc)))
    return out


def _split_sources(specs: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """What the user named: report files, feed files and URLs."""
    files: list[str] = []
    remote: list[str] = []
    for spec in specs:
        if spec.startswith(("http://", "https://")):
            remote.append(spec)
        else:
            files.extend(iter_report_paths([spec]))
    feeds = [f for f in files if f.lower().endswith(FEED_SUFFIXES)]
    return [f for f in files if f not in set(feeds)], feeds, remote


def _remote_reports(feeds: list[str], urls: list[str], opts: IngestOptions,
                    on_error: Callable[[Failure], None]) -> Iterator[Report]:
    """Reports from feed files and URLs, each source and each entry isolated."""

    def on_entry_error(line: str) -> None:
        source, _, message = line.partition(": ")
        on_error(Failure(source, message, "report.feed_entry"))

    for path in feeds:
        try:
            body = web.read_feed_file(path)
            yield from web.feed_reports(body, path, outlet=opts.outlet, on_error=on_entry_error)
        except Exception as exc:  # noqa: BLE001
            on_error(Failure.of(path, exc))
    for url in urls:
        try:
            body, ctype, final = web.fetch(url, allow_private=opts.allow_private)
            if web.is_feed(body, ctype, final):
                yield from web.feed_reports(body, url, outlet=opts.outlet, on_error=on_entry_error)
            else:
                yield web.article_report(body, final, published=opts.published, outlet=opts.outlet)
        except Exception as exc:  # noqa: BLE001
            on_error(Failure.of(url, exc))


class _Writer:
    """Batches results into the store and keeps the summary."""

    def __init__(self, store: Store, run_id: int, summary: IngestSummary, error: Callable[[Failure], None],
                 size: int) -> None:
        self.store, self.run_id, self.summary, self.error, self.size = store, run_id, summary, error, size
        self.pending: list[Result] = []

    def add(self, result: Result) -> None:
        report = result[0]
        if report.published is None:
            self.error(Failure(report.source, "no publication date given and none found in the report",
                               "report.no_date"))
            return
        self.pending.append(result)
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if batch:
            self._write(batch)

    def _write(self, batch: list[Result]) -> None:
        try:
            written = self.store.add_reports(batch, self.run_id)
        except Exception as exc:  # noqa: BLE001 - a database refusal or a bug: neither may cost the batch
            if len(batch) == 1:
                failure = Failure.of(batch[0][0].source, exc)
                self.error(replace(failure, message=f"cannot be stored: {failure.message}"))
                return
            # One report the database refuses must not cost the batch: write them one by one.
            for item in batch:
                self._write([item])
            return
        for (_, _, incidents), status in zip(batch, written.status):
            if status == "duplicate":
                self.summary.skipped += 1
            else:
                self.summary.new += 1
                self.summary.new_versions += status == "new_version"
                self.summary.incidents += len(incidents)


def ingest(specs: list[str], store: Store, *, opts: IngestOptions = IngestOptions(), workers: int = 0,
           scheduler: str | None = None, batch: int = 64, write_batch: int = 50,
           on_error: Callable[[Failure], None] = lambda failure: None,
           progress: Callable[[int, int], None] | None = None) -> IngestSummary:
    """Ingest every report named by ``specs`` into ``store``; returns counts.

    A report that cannot be read, fetched, extracted or stored is set aside
    (``on_error`` gets one line) and the rest go on.
    """
    summary = IngestSummary()

    def error(failure: Failure) -> None:
        summary.failed += 1
        summary.errors.append(failure)
        on_error(failure)

    files, feeds, urls = _split_sources(specs)
    ex = extractor_for(opts.profile)
    writer = _Writer(store, store.start_run(ex.versions(), kind="ingest"), summary, error, write_batch)

    def take(path: str, result: Result | Failure) -> None:
        if isinstance(result, Failure):
            error(result)
        else:
            writer.add(result)

    chunks = [files[i:i + batch] for i in range(0, len(files), batch)]
    done = 0
    for results in _extract_chunks(chunks, opts, workers, scheduler):
        for path, result in results:
            take(path, result)
        done += len(results)
        if progress:
            progress(done, len(files))
    for report in _remote_reports(feeds, urls, opts, error):
        try:
            if report.published is None and opts.published:
                report = replace(report, published=opts.published)
            writer.add(extract_one(report, opts.profile))
        except Exception as exc:  # noqa: BLE001
            error(Failure.of(report.source, exc))
    writer.flush()
    return summary


def _extract_chunks(chunks: list[list[str]], opts: IngestOptions, workers: int,
                    scheduler: str | None) -> Iterator[list[tuple[str, Result | Failure]]]:
    """Each chunk's results, extracted here or on a Dask cluster."""
    if not (workers or scheduler):
        for chunk in chunks:
            yield extract_paths(chunk, opts)
        return
    from dask.distributed import Client, LocalCluster, as_completed  # only bulk runs pay for Dask

    cluster = None
    if scheduler:
        client = _scheduler_client(Client, scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(extract_paths, chunks, opts=opts, pure=False)
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


SCHEDULER_TIMEOUT = 20.0  # seconds to reach a Dask scheduler


def _scheduler_client(client_class, address: str):
    """A client of the Dask scheduler at ``address``; a malformed or unreachable address is one clear error."""
    try:
        return client_class(address, timeout=SCHEDULER_TIMEOUT)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"not a Dask scheduler address ({exc})", source=address, code="usage.scheduler") from None
    except (OSError, TimeoutError) as exc:
        raise SeetheError(f"cannot reach the Dask scheduler: {exc}", source=address,
                          code="scheduler.unreachable") from None


@dataclass(frozen=True)
class ReextractResult:
    run_id: int
    reports: int
    incidents: int
    failed: int = 0


def reextract(store: Store, *, profile: str = "kp", on_error: Callable[[Failure], None] = lambda failure: None,
              progress: Callable[[int, int], None] | None = None) -> ReextractResult:
    """Extract every stored report again with the current rules, as a new run.

    The previous runs' incidents stay, marked as not current.  A report that
    fails keeps its previous incidents and is reported.
    """
    ex = extractor_for(profile)
    run_id = store.start_run(ex.versions(), kind="reextract")
    n = found = failed = 0
    for stored in store.stored_reports():
        try:
            incidents = ex.analyse(stored.report).incidents
            store.replace_incidents(stored.id, incidents, run_id)
        except Exception as exc:  # noqa: BLE001 - one report must not cost the others
            failed += 1
            on_error(Failure.of(stored.report.source, exc))
            continue
        n += 1
        found += len(incidents)
        if progress:
            progress(n, 0)
    return ReextractResult(run_id, n, found, failed)
