from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

from sqlalchemy import Integer, and_, column, create_engine, event, exists, func, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.sql import ColumnElement

from seethe._version import __version__
from seethe.errors import StoreError, redact
from seethe.models import MAX_SPAN, Incident, Location, Report, ReportRef, TimeSpan
from seethe.store._keys import review_key
from seethe.store._events import EventTables
from seethe.store._filters import IncidentFilter, keyset_pages
from seethe.store._migrations import LATEST, current_version, migrate
from seethe.store._schema import build_metadata, newest_first_after, scope_conditions
from seethe.store._workbench import WorkbenchMixin

DEFAULT_DB = "seethe.db"
_WS = re.compile(r"\s+")
_SEARCH_WORD = re.compile(r"\w+")
_MAX_SEARCH_WORDS = 32
_MAX_WORD = 64


def content_hash(plain_text: str) -> str:
    """The identity of a report's text: the same words make the same report, whatever the markup."""
    return hashlib.sha256(_WS.sub(" ", plain_text).strip().encode("utf-8")).hexdigest()


def database_url(url: str | os.PathLike | None) -> str:
    """A SQLAlchemy URL from what a user gives: a path, ``sqlite:///…``, ``postgresql://…``, or nothing.

    Only SQLite and PostgreSQL are supported; any other scheme is a ``StoreError``.
    """
    url = str(url) if url is not None else os.environ.get("SEETHE_DB") or DEFAULT_DB
    if "\x00" in url:
        raise StoreError("a database URL cannot hold a NUL character", code="store.url")
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return url
    if scheme:
        raise StoreError(f"unsupported database {scheme!r}: give a SQLite path or URL, or a postgresql:// URL",
                         source=display_url(url), code="store.url")
    return f"sqlite:///{Path(url).expanduser()}"


def display_url(url: str) -> str:
    """The URL as a person wrote it, any password hidden (also with an empty user name)."""
    return redact(url.replace("postgresql+psycopg://", "postgresql://"))


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A report as stored: the record, its plain text and identity."""

    id: int
    report: Report
    plain_text: str
    content_hash: str
    ingested_at: dt.datetime
    run_id: int | None


@dataclass
class WriteResult:
    """What happened to each report of a batch written with ``add_reports``."""

    ids: list[int | None] = field(default_factory=list)
    status: list[Literal["new", "new_version", "duplicate"]] = field(default_factory=list)


def clean_text(value: str | None) -> str | None:
    """A string both databases accept: PostgreSQL refuses NUL characters in text.

    The original bytes are kept unchanged in ``reports.raw``; only the
    searchable copies lose their NULs (as U+FFFD, so offsets do not move).
    """
    if value is None or "\x00" not in value:
        return value
    return value.replace("\x00", "\ufffd")


class Store(WorkbenchMixin, EventTables):
    """The one object that owns the database: reports, incidents and extraction runs.

    Constructing a ``Store`` does nothing; ``open()`` connects and migrates.
    SQLite (a file; the default ``seethe.db`` or ``SEETHE_DB``) and PostgreSQL
    (``postgresql://user@host:port/name``) behave the same and accept the same
    values.  Every report and its incidents are written in one transaction; a
    report whose normalized text is already stored is a duplicate and skipped;
    a report at a stored URL with a different text is a new version and kept.
    Listings stream: rows come from the database as the caller iterates.
    Counting happens in SQL.
    """

    def __init__(self, url: str | os.PathLike | None = None) -> None:
        self.url = database_url(url)
        self._engine: Engine | None = None
        self.tables = build_metadata(LATEST).tables

    @property
    def display(self) -> str:
        return display_url(self.url)

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    # -- connection -------------------------------------------------------
    def open(self) -> "Store":
        if self._engine is not None:
            return self
        try:
            if self.is_postgres:
                # A server answers many requests at once: as many connections as its worker threads.
                engine = create_engine(self.url, pool_pre_ping=True, pool_size=20, max_overflow=20,
                                       connect_args={"connect_timeout": 10})
            else:
                path = self.url.split("sqlite:///", 1)[-1]
                if path and path != ":memory:" and not path.startswith("file:"):
                    parent = Path(path).expanduser().resolve().parent
                    if not parent.is_dir():
                        raise StoreError("the folder for the database does not exist", source=self.display,
                                         code="store.open")
                engine = create_engine(self.url, connect_args={"timeout": 60})
                _sqlite_pragmas(engine)
            _with_retries(lambda: migrate(engine), sqlite=not self.is_postgres)
        except StoreError:
            raise
        except (SQLAlchemyError, ValueError, OSError) as exc:
            raise StoreError(f"cannot open the database: {_reason(exc)}", source=self.display,
                             code="store.open") from None
        self._engine = engine
        return self

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self.open()
        assert self._engine is not None
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self):
        """A write transaction; database failures become ``StoreError``."""
        return _Transaction(self)

    def _read(self):
        try:
            return self.engine.connect()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read: {_reason(exc)}", source=self.display, code="store.read") from None

    # -- runs -------------------------------------------------------------
    def start_run(self, versions: dict[str, str], kind: str = "ingest") -> int:
        """Record an extraction run (what rules and data made its incidents) and return its id."""
        profile, _, profile_version = versions.get("profile", "unknown@unknown").partition("@")
        runs = self.tables["runs"]
        with self._write() as conn:
            return conn.execute(runs.insert().values(
                started_at=dt.datetime.now(dt.timezone.utc), profile=profile[:64], profile_version=profile_version[:64],
                codebook_version=versions.get("codebook", "?")[:32],
                gazetteer_version=versions.get("gazetteer", profile_version)[:64],
                pipeline=versions.get("pipeline", ""), seethe_version=__version__[:32], kind=kind[:16],
            )).inserted_primary_key[0]

    # -- writing ----------------------------------------------------------
    def has_report(self, digest: str) -> bool:
        reports = self.tables["reports"]
        with self._read() as conn:
            return conn.execute(select(reports.c.id).where(reports.c.content_hash == digest).limit(1)).first() is not None

    def add_reports(self, batch: list[tuple[Report, str, list[Incident]]], run_id: int) -> WriteResult:
        """Store several reports in one transaction (each whole or not at all).

        A report is the same report when its normalized text is the same: such
        a duplicate is skipped with ``ON CONFLICT DO NOTHING``, so one duplicate
        does not undo the rest of the batch.  A report at a URL already stored
        with another text is a new version of that page: stored, and said so.
        """
        reports = self.tables["reports"]
        insert = _dialect_insert(self.engine.dialect.name)
        result = WriteResult()
        now = dt.datetime.now(dt.timezone.utc)
        with self._write() as conn:
            for report, plain_text, found in batch:
                version = report.url is not None and conn.execute(
                    select(reports.c.id).where(reports.c.url == clean_text(report.url)).limit(1)).first() is not None
                row = conn.execute(insert(reports).values(
                    **_report_row(report, plain_text), ingested_at=now, current_run_id=run_id,
                ).on_conflict_do_nothing(index_elements=["content_hash"]).returning(reports.c.id)).first()
                if row is None:
                    result.ids.append(None)
                    result.status.append("duplicate")
                    continue
                self._insert_incidents(conn, found, row[0], run_id)
                result.ids.append(row[0])
                result.status.append("new_version" if version else "new")
        return result

    def add_report(self, report: Report, plain_text: str, incidents: list[Incident], run_id: int) -> int | None:
        """Store one report and its incidents; its id, or None when the same text is stored already."""
        return self.add_reports([(report, plain_text, incidents)], run_id).ids[0]

    def replace_incidents(self, report_id: int, incidents: list[Incident], run_id: int) -> None:
        """A new run's incidents for a stored report; the previous run's stay, no longer current."""
        table, reports = self.tables["incidents"], self.tables["reports"]
        with self._write() as conn:
            conn.execute(update(table).where(and_(table.c.report_id == report_id, table.c.current == True))  # noqa: E712
                         .values(current=False))
            self._insert_incidents(conn, incidents, report_id, run_id)
            self._reapply_reviews(conn, report_id)
            conn.execute(update(reports).where(reports.c.id == report_id).values(current_run_id=run_id))

    def _insert_incidents(self, conn, incidents: list[Incident], report_id: int, run_id: int) -> None:
        if not incidents:
            return
        table, outlets = self.tables["incidents"], self.tables["incident_outlets"]
        ids = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True),
                           [_incident_row(i, report_id, run_id) for i in incidents]).scalars().all()
        credited = [{"incident_id": k, "outlet": o} for k, inc in zip(ids, incidents) for o in inc.reported_by]
        if credited:
            conn.execute(outlets.insert(), credited)

    # -- reading reports --------------------------------------------------
    def stored_reports(self, batch: int = 200) -> Iterator[StoredReport]:
        """Every stored report in id order, read in batches (a writer may work between batches)."""
        reports = self.tables["reports"]
        last = 0
        while True:
            with self._read() as conn:
                rows = list(conn.execute(select(reports).where(reports.c.id > last)
                                         .order_by(reports.c.id).limit(batch)).mappings())
            if not rows:
                return
            for r in rows:
                yield _stored_report(r)
            last = rows[-1]["id"]

    def reports_by_ids(self, ids: list[int], batch: int = 500) -> Iterator[StoredReport]:
        """The stored reports with these ids (any order in, id order out per batch), read in batches."""
        reports = self.tables["reports"]
        wanted = sorted(set(ids))
        for k in range(0, len(wanted), batch):
            with self._read() as conn:
                rows = list(conn.execute(select(reports).where(reports.c.id.in_(wanted[k:k + batch]))
                                         .order_by(reports.c.id)).mappings())
            for r in rows:
                yield _stored_report(r)

    def report(self, report_id: int) -> StoredReport | None:
        reports = self.tables["reports"]
        with self._read() as conn:
            r = conn.execute(select(reports).where(reports.c.id == report_id)).mappings().first()
        return _stored_report(r) if r else None

    # -- reading incidents ------------------------------------------------
    def incidents(self, filt: IncidentFilter | None = None, current_only: bool = True) -> Iterator[Incident]:
        """Incidents, newest first (by start date, then id), streamed as the caller iterates."""
        filt = filt or IncidentFilter()
        inc, rep = self.tables["incidents"], self.tables["reports"]
        q = (select(inc, rep.c.source, rep.c.url, rep.c.outlet, rep.c.published)
             .join(rep, rep.c.id == inc.c.report_id)
             .where(*self._conditions(filt, current_only))
             .order_by(inc.c.time_start.desc(), inc.c.id.desc()))
        if filt.limit:
            q = q.limit(filt.limit)
        # A page is read at once; an export streams (a server-side cursor costs round trips a page does not need).
        opts = {"stream_results": True, "yield_per": 500} if not filt.limit or filt.limit > 1000 else {}
        with self._read() as conn:
            try:
                for r in conn.execution_options(**opts).execute(q).mappings():
                    yield _incident(r)
            except SQLAlchemyError as exc:
                raise StoreError(f"cannot read: {_reason(exc)}", source=self.display, code="store.read") from None

    def incidents_paged(self, filt: IncidentFilter | None = None, page: int = 2000) -> Iterator[Incident]:
        """Like ``incidents``, read in keyset pages (``keyset_pages``): no connection is held while the caller works."""
        return keyset_pages(self.incidents, filt or IncidentFilter(), page)

    def incidents_by_ids(self, ids: list[int]) -> list[Incident]:
        """These incidents, current or not (an event may still hold ones a re-extraction replaced)."""
        out: list[Incident] = []
        for k in range(0, len(ids), 500):
            out.extend(self.incidents(IncidentFilter(ids=tuple(ids[k:k + 500])), current_only=False))
        return out

    def _insert(self, table):
        """An INSERT for this database's dialect (with ON CONFLICT)."""
        return _dialect_insert(self.engine.dialect.name)(table)

    def count_incidents(self, filt: IncidentFilter | None = None, current_only: bool = True) -> int:
        inc = self.tables["incidents"]
        counts = self._counted(lambda conds: {None: int(self._scalar(select(func.count()).select_from(inc)
                                                                     .where(*conds)))},
                               filt, current_only)
        return counts.get(None, 0)

    def _any_rejected(self) -> bool:
        inc = self.tables["incidents"]
        with self._read() as conn:
            return conn.execute(select(inc.c.id).where(inc.c.review_status == "rejected").limit(1)).first() is not None

    def _scalar(self, q):
        with self._read() as conn:
            return conn.execute(q).scalar_one()

    def _counted(self, count: Callable[[list[ColumnElement]], dict[Any, int]], filt: IncidentFilter | None,
                 current_only: bool = True) -> dict[Any, int]:
        """Counts by a key, of the incidents a filter selects.

        Rejected incidents leave every listing; rather than make each count read
        the review status of every row (a column the counting indexes do not
        hold), the counts of the few rejected ones, found through their own
        index, are subtracted.
        """
        filt = filt or IncidentFilter()
        if filt.review is not None:
            return count(self._conditions(filt, current_only))
        inc = self.tables["incidents"]
        base = self._conditions(filt, current_only, review=False)
        total = count(base)
        if not self._any_rejected():
            return total
        rejected = count(base + [inc.c.review_status == "rejected"])
        out = {k: n - rejected.get(k, 0) for k, n in total.items()}
        return {k: n for k, n in out.items() if n > 0 or k is None}

    def _conditions(self, filt: IncidentFilter, current_only: bool, review: bool = True) -> list[ColumnElement]:
        inc, rep, credited = self.tables["incidents"], self.tables["reports"], self.tables["incident_outlets"]
        conds = scope_conditions(inc, filt)
        if current_only:
            conds.append(inc.c.current == True)  # noqa: E712 - "= 1" lets SQLite use the index, "IS 1" not always
        if filt.place and not filt.place_ids:
            like = "%" + _escape_like(filt.place.lower()[:200]) + "%"
            conds.append(or_(func.lower(inc.c.place_name).like(like, escape="\\"),
                             func.lower(inc.c.place_mention).like(like, escape="\\")))
        if filt.since:
            # An incident spans at most MAX_SPAN: this bound lets the index on time_start narrow the scan.
            conds.append(inc.c.time_start >= filt.since - MAX_SPAN)
        if filt.outlets:
            # Each row asks the outlets table through its index (so a listing streams in date order
            # from its first row, instead of waiting for the set of every matching id); the reports
            # an outlet published are one small set.
            conds.append(or_(
                exists().where(and_(credited.c.incident_id == inc.c.id, credited.c.outlet.in_(filt.outlets))),
                inc.c.report_id.in_(select(rep.c.id).where(rep.c.outlet.in_(filt.outlets))),
            ))
        if filt.text is not None:
            conds.append(self._matches(filt.text))
        if filt.min_confidence:
            conds.append(inc.c.confidence >= filt.min_confidence)
        if filt.report_id is not None:
            conds.append(inc.c.report_id == filt.report_id)
        if filt.ids:
            conds.append(inc.c.id.in_(filt.ids))
        if filt.precisions:
            conds.append(inc.c.location_precision.in_(filt.precisions))
        if review:
            conds.extend(_review_condition(inc, filt.review))
        if filt.after is not None:
            conds.append(newest_first_after(inc, filt.after))
        return conds

    def _matches(self, words: str) -> ColumnElement:
        """Full-text condition: every word of ``words`` begins a word of the summary or evidence."""
        inc = self.tables["incidents"]
        tokens = [w[:_MAX_WORD] for w in _SEARCH_WORD.findall(words.lower())][:_MAX_SEARCH_WORDS]
        if not tokens:
            return inc.c.id.is_(None)  # nothing searchable: no match, rather than everything
        if self.is_postgres:
            query = " & ".join(f"{t}:*" for t in tokens)
            return text("incidents.search @@ to_tsquery('simple', :fts_query)").bindparams(fts_query=query)
        query = " ".join('"' + t.replace('"', "") + '"*' for t in tokens)
        return inc.c.id.in_(text("SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH :fts_query")
                            .bindparams(fts_query=query).columns(column("rowid", Integer)))

    # -- counting ---------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """How many reports, current incidents and runs are stored."""
        t = self.tables
        with self._read() as conn:
            return {
                "reports": conn.execute(select(func.count()).select_from(t["reports"])).scalar_one(),
                "incidents": conn.execute(select(func.count()).select_from(t["incidents"])
                                          .where(t["incidents"].c.current == True)).scalar_one(),  # noqa: E712
                "runs": conn.execute(select(func.count()).select_from(t["runs"])).scalar_one(),
            }

    def count_by(self, key: Literal["family", "category", "province", "month", "outlet"],
                 filt: IncidentFilter | None = None) -> dict[str, int]:
        """Current incidents (of a filter) counted by one key; largest first (months in date order).

        Each count is a GROUP BY on raw columns in an index's order (the index
        covers it, so the table is never read); provinces fall back to the
        country where an incident has none, and days add up to months — sums
        over grouped rows, a few thousand at most.
        """
        inc = self.tables["incidents"]
        if key in ("family", "category"):
            col = inc.c.family if key == "family" else inc.c.category
            return _largest_first(self._counted(
                lambda conds: self._groups(select(col, func.count()).where(*conds).group_by(col)), filt))
        if key == "province":
            counts = self._counted(lambda conds: self._groups(
                select(inc.c.admin1_iso, func.count()).where(*conds).group_by(inc.c.admin1_iso)), filt)
            if counts.pop(None, 0):
                by_country = self._counted(lambda conds: self._groups(
                    select(inc.c.country, func.count()).where(*conds, inc.c.admin1_iso.is_(None))
                    .group_by(inc.c.country)), filt)
                for country, n in by_country.items():
                    counts[country or "unknown"] = counts.get(country or "unknown", 0) + n
            return _largest_first(counts)
        if key == "month":
            by_day = self._counted(lambda conds: self._groups(
                select(inc.c.time_start, func.count()).where(*conds, inc.c.time_precision != "unknown")
                .group_by(inc.c.time_start)), filt)
            months: dict[str, int] = {}
            for day, n in by_day.items():
                if day is not None:
                    months[str(day)[:7]] = months.get(str(day)[:7], 0) + n
            return dict(sorted(months.items()))
        if key == "outlet":
            credited = self.tables["incident_outlets"]
            return _largest_first(self._counted(lambda conds: self._groups(
                select(credited.c.outlet, func.count()).join(inc, inc.c.id == credited.c.incident_id)
                .where(*conds).group_by(credited.c.outlet)), filt))
        raise ValueError(f"cannot count by {key!r}")

    def _month(self, column):
        """The month of a date column as "YYYY-MM", in either database."""
        if self.is_postgres:
            return func.to_char(column, "YYYY-MM")
        return func.substr(column, 1, 7)  # SQLite keeps dates as ISO text

    def _groups(self, q) -> dict[Any, int]:
        with self._read() as conn:
            return {k: int(n) for k, n in conn.execute(q)}

    def stats(self, filt: IncidentFilter | None = None) -> dict[str, Any]:
        """Current incidents counted by family, province and month (all in SQL)."""
        by_family = self.count_by("family", filt)
        return {**self.counts(), "incidents": sum(by_family.values()), "by_family": by_family,
                "by_province": self.count_by("province", filt), "by_month": self.count_by("month", filt)}

    def explain(self, filt: IncidentFilter) -> str:
        """The database's query plan for a listing (to check that indexes are used)."""
        inc = self.tables["incidents"]
        q = select(inc.c.id).where(*self._conditions(filt, True)).order_by(inc.c.time_start.desc(), inc.c.id.desc())
        sql = str(q.compile(self.engine, compile_kwargs={"literal_binds": True}))
        prefix = "EXPLAIN " if self.is_postgres else "EXPLAIN QUERY PLAN "
        with self._read() as conn:
            return "\n".join(" ".join(str(c) for c in row) for row in conn.exec_driver_sql(prefix + sql))

    def analyze(self) -> None:
        """Refresh the planner's statistics (after a bulk load, so filters pick the right index)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")

    def schema_version(self) -> int:
        with self._read() as conn:
            return current_version(conn)


class _Transaction:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.ctx = None

    def __enter__(self):
        try:
            self.conn = self.store.engine.connect().execution_options(write=True)
            self.ctx = self.conn.begin()
            self.ctx.__enter__()
            return self.conn
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write: {_reason(exc)}", source=self.store.display, code="store.write") from None

    def __exit__(self, exc_type, exc, tb):
        try:
            self.ctx.__exit__(exc_type, exc, tb)
        except SQLAlchemyError as err:
            raise StoreError(f"cannot write: {_reason(err)}", source=self.store.display, code="store.write") from None
        finally:
            self.conn.close()
        if isinstance(exc, SQLAlchemyError):
            raise StoreError(f"cannot write: {_reason(exc)}", source=self.store.display, code="store.write") from None
        return False


def _largest_first(counts: dict[Any, int]) -> dict[str, int]:
    return dict(sorted(((str(k), n) for k, n in counts.items()), key=lambda kv: (-kv[1], kv[0])))


REVIEW_STATES = ("confirmed", "corrected", "rejected")


def _review_condition(inc, review: str | None) -> list[ColumnElement]:
    """Rejected incidents are out of every listing unless asked for by name."""
    if review == "any":
        return []
    if review is None:
        return [or_(inc.c.review_status.is_(None), inc.c.review_status != "rejected")]
    if review == "unreviewed":
        return [inc.c.review_status.is_(None)]
    if review in REVIEW_STATES:
        return [inc.c.review_status == review]
    raise ValueError(f"unknown review state {review!r}")


def _escape_like(value: str) -> str:
    """``%`` and ``_`` are letters a person typed, not wildcards."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _dialect_insert(name: str):
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _with_retries(fn, sqlite: bool, attempts: int = 50):
    """SQLite refuses some steps (switching to WAL) while another process holds a lock: wait and retry."""
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if not sqlite or "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1 + 0.05 * attempt)


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return display_url(" ".join(str(orig).split())[:200])


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL, a long busy timeout and immediate write locks: two processes can
    ingest into one file at once without "database is locked"."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 60000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # Writers take the write lock at once (no deadlock upgrading a read lock);
        # readers never block anyone in WAL mode.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def _report_row(report: Report, plain_text: str) -> dict[str, Any]:
    return {
        "content_hash": content_hash(plain_text), "url": clean_text(report.url), "source": clean_text(report.source),
        "outlet": clean_text(report.outlet), "published": report.published, "title": clean_text(report.title),
        "media_type": report.media_type, "encoding": clean_text(report.encoding),
        "raw": report.raw or report.text.encode("utf-8"), "content": clean_text(report.text),
        "plain_text": clean_text(plain_text),
    }


def _stored_report(r) -> StoredReport:
    report = Report(text=r["content"], source=r["source"], published=r["published"], outlet=r["outlet"],
                    url=r["url"], title=r["title"], media_type=r["media_type"], encoding=r["encoding"], raw=r["raw"])
    return StoredReport(r["id"], report, r["plain_text"], r["content_hash"], r["ingested_at"], r["current_run_id"])


def _incident_row(i: Incident, report_id: int, run_id: int) -> dict[str, Any]:
    if i.time.end - i.time.start > MAX_SPAN or i.time.end < i.time.start:
        raise StoreError(f"an incident's time spans {i.time.start} to {i.time.end}: at most {MAX_SPAN.days} days, "
                         "forwards", source=i.report.source if i.report else None, code="store.span")
    loc = i.location
    return {
        "report_id": report_id, "run_id": run_id, "current": True,
        "category": i.category, "family": i.family, "summary": clean_text(i.summary),
        "place_id": loc.place_id, "place_name": clean_text(loc.name), "place_mention": clean_text(loc.mention),
        "place_type": loc.place_type, "admin2": loc.admin2, "admin1_iso": loc.admin1_iso, "country": loc.country,
        "subdivision": loc.subdivision, "lat": loc.lat, "lon": loc.lon, "location_precision": loc.precision,
        "time_mention": clean_text(i.time.mention), "time_start": i.time.start, "time_end": i.time.end,
        "time_precision": i.time.precision, "actors": json.dumps(list(i.actors)),
        "reported_by": json.dumps(list(i.reported_by)), "evidence_text": clean_text(i.evidence_text),
        "evidence_start": i.evidence_start, "evidence_end": i.evidence_end, "confidence": i.confidence,
        "rules": json.dumps(list(i.rule_ids)),
        "review_key": review_key(report_id, i.category, loc.place_id, loc.name, i.evidence_start, i.evidence_end),
    }


def _incident(r) -> Incident:
    """A stored incident, as the same record extraction makes."""
    return Incident(
        category=r["category"], summary=r["summary"],
        location=Location(
            mention=r["place_mention"], name=r["place_name"], place_id=r["place_id"], place_type=r["place_type"],
            admin2=r["admin2"], admin1_iso=r["admin1_iso"], subdivision=r["subdivision"], country=r["country"],
            lat=r["lat"], lon=r["lon"], precision=r["location_precision"],
        ),
        time=TimeSpan(r["time_start"], r["time_end"], r["time_precision"], r["time_mention"]),
        evidence_text=r["evidence_text"], evidence_start=r["evidence_start"], evidence_end=r["evidence_end"],
        confidence=r["confidence"], reported_by=tuple(json.loads(r["reported_by"])),
        actors=tuple(json.loads(r["actors"])), rule_ids=tuple(json.loads(r["rules"])),
        report=ReportRef(source=r["source"], id=r["report_id"], url=r["url"], outlet=r["outlet"],
                         published=r["published"]),
        id=r["id"], run_id=r["run_id"], review_status=r["review_status"],
    )
