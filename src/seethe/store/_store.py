from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import and_, create_engine, event, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from seethe.errors import StoreError
from seethe.models import Incident, Report
from seethe.store._migrations import LATEST, migrate
from seethe.store._schema import build_metadata

DEFAULT_DB = "seethe.db"
_WS = re.compile(r"\s+")


def content_hash(plain_text: str) -> str:
    """The identity of a report's text: the same words make the same report, whatever the markup."""
    return hashlib.sha256(_WS.sub(" ", plain_text).strip().encode("utf-8")).hexdigest()


def database_url(url: str | os.PathLike | None) -> str:
    """A SQLAlchemy URL from what a user gives: a path, ``sqlite:///…``, ``postgresql://…``, or nothing."""
    url = str(url) if url is not None else os.environ.get("SEETHE_DB") or DEFAULT_DB
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).expanduser()}"


def _display(url: str) -> str:
    """The URL as a person wrote it, password hidden."""
    url = url.replace("postgresql+psycopg://", "postgresql://")
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """What ``Store.incidents`` selects; every field optional."""

    category: str | None = None  # a code (control.market) or a family (control)
    province: str | None = None  # ISO 3166-2 code, or a country code for incidents abroad
    place: str | None = None  # part of the place name or the words the report used
    since: dt.date | None = None
    until: dt.date | None = None
    outlet: str | None = None  # the outlet credited or the report's own
    text: str | None = None  # words in the evidence or summary
    min_confidence: float = 0.0
    limit: int | None = None


class Store:
    """The one object that owns the database: reports, incidents and extraction runs.

    Constructing a ``Store`` does nothing; ``open()`` connects and migrates.
    SQLite (a file; the default ``seethe.db`` or ``SEETHE_DB``) and PostgreSQL
    (``postgresql://user@host:port/name``) behave the same.  Every report and
    its incidents are written in one transaction; a report already stored
    (same normalized text, or same URL) is skipped.
    """

    def __init__(self, url: str | os.PathLike | None = None) -> None:
        self.url = database_url(url)
        self._engine: Engine | None = None
        self.tables = build_metadata(LATEST).tables

    # -- connection -------------------------------------------------------
    def open(self) -> "Store":
        if self._engine is not None:
            return self
        try:
            if self.url.startswith("sqlite"):
                path = self.url.split("sqlite:///", 1)[-1]
                if path and path != ":memory:" and not path.startswith("file:"):
                    parent = Path(path).expanduser().resolve().parent
                    if not parent.is_dir():
                        raise StoreError("the folder for the database does not exist", source=_display(self.url))
                engine = create_engine(self.url, connect_args={"timeout": 60})
                _sqlite_pragmas(engine)
            else:
                engine = create_engine(self.url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
            _with_retries(lambda: migrate(engine), sqlite=self.url.startswith("sqlite"))
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the database: {_reason(exc)}", source=_display(self.url)) from None
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

    # -- writing ----------------------------------------------------------
    def start_run(self, versions: dict[str, str], kind: str = "ingest") -> int:
        """Record an extraction run (what rules and data made its incidents) and return its id."""
        from seethe import __version__

        profile, _, profile_version = versions.get("profile", "unknown@unknown").partition("@")
        runs = self.tables["runs"]
        with self._write() as conn:
            return conn.execute(runs.insert().values(
                started_at=dt.datetime.now(dt.timezone.utc), profile=profile, profile_version=profile_version,
                codebook_version=versions.get("codebook", "?"), gazetteer_version=versions.get("gazetteer", profile_version),
                pipeline=versions.get("pipeline", ""), seethe_version=__version__, kind=kind,
            )).inserted_primary_key[0]

    def has_report(self, digest: str, url: str | None = None) -> bool:
        reports = self.tables["reports"]
        cond = reports.c.content_hash == digest
        if url:
            cond = or_(cond, reports.c.url == url)
        with self.engine.connect() as conn:
            return conn.execute(select(reports.c.id).where(cond).limit(1)).first() is not None

    def add_report(self, report: Report, plain_text: str, incidents: list[Incident], run_id: int) -> int | None:
        """Store a report and its incidents in one transaction.

        Returns the report's id, or None when it was already stored (same
        text or same URL) — also when another process stored it meanwhile.
        """
        digest = content_hash(plain_text)
        reports = self.tables["reports"]
        try:
            with self._write() as conn:
                if report.url and conn.execute(select(reports.c.id).where(reports.c.url == report.url)).first():
                    return None
                report_id = conn.execute(reports.insert().values(
                    content_hash=digest, url=report.url, source=report.source, outlet=report.outlet,
                    published=report.published, title=report.title, media_type=report.media_type,
                    encoding=report.encoding, raw=report.raw or report.text.encode("utf-8"), content=report.text,
                    plain_text=plain_text, ingested_at=dt.datetime.now(dt.timezone.utc), current_run_id=run_id,
                )).inserted_primary_key[0]
                if incidents:
                    conn.execute(self.tables["incidents"].insert(), [_row(i, report_id, run_id) for i in incidents])
                return report_id
        except IntegrityError:
            return None  # the same text is already there

    def add_reports(self, batch: list[tuple[Report, str, list[Incident]]], run_id: int) -> list[int | None]:
        """Store several reports in one transaction (each whole or not at all).

        Returns each report's id, or None where it was already stored.  A
        report already there is skipped with ``ON CONFLICT DO NOTHING``, so one
        duplicate does not undo the rest of the batch.
        """
        reports, incidents = self.tables["reports"], self.tables["incidents"]
        insert = _dialect_insert(self.engine.dialect.name)
        out: list[int | None] = []
        now = dt.datetime.now(dt.timezone.utc)
        try:
            with self._write() as conn:
                for report, plain_text, found in batch:
                    if report.url and conn.execute(select(reports.c.id).where(reports.c.url == report.url)).first():
                        out.append(None)
                        continue
                    row = conn.execute(insert(reports).values(
                        content_hash=content_hash(plain_text), url=report.url, source=report.source,
                        outlet=report.outlet, published=report.published, title=report.title,
                        media_type=report.media_type, encoding=report.encoding,
                        raw=report.raw or report.text.encode("utf-8"), content=report.text, plain_text=plain_text,
                        ingested_at=now, current_run_id=run_id,
                    ).on_conflict_do_nothing(index_elements=["content_hash"]).returning(reports.c.id)).first()
                    if row is None:
                        out.append(None)
                        continue
                    if found:
                        conn.execute(incidents.insert(), [_row(i, row[0], run_id) for i in found])
                    out.append(row[0])
        except IntegrityError:
            # A URL stored meanwhile by another process: fall back to one report at a time.
            return [self.add_report(r, t, f, run_id) for r, t, f in batch]
        return out

    def replace_incidents(self, report_id: int, incidents: list[Incident], run_id: int) -> None:
        """A new run's incidents for a stored report; the previous run's stay, no longer current."""
        table = self.tables["incidents"]
        with self._write() as conn:
            conn.execute(update(table).where(and_(table.c.report_id == report_id, table.c.current.is_(True)))
                         .values(current=False))
            if incidents:
                conn.execute(table.insert(), [_row(i, report_id, run_id) for i in incidents])
            reports = self.tables["reports"]
            conn.execute(update(reports).where(reports.c.id == report_id).values(current_run_id=run_id))

    # -- reading ----------------------------------------------------------
    def stored_reports(self) -> Iterator[tuple[int, Report]]:
        """Every stored report, rebuilt from what was stored, for re-extraction."""
        reports = self.tables["reports"]
        with self.engine.connect() as conn:
            ids = [r[0] for r in conn.execute(select(reports.c.id).order_by(reports.c.id))]
        for i in range(0, len(ids), 200):
            with self.engine.connect() as conn:
                rows = list(conn.execute(select(reports).where(reports.c.id.in_(ids[i:i + 200]))
                                         .order_by(reports.c.id)).mappings())
            for r in rows:  # the read is over before the caller writes
                yield r["id"], Report(text=r["content"], source=r["source"], published=r["published"],
                                          outlet=r["outlet"], url=r["url"], title=r["title"],
                                          media_type=r["media_type"], encoding=r["encoding"], raw=r["raw"])

    def incidents(self, filt: IncidentFilter | None = None, current_only: bool = True) -> list[dict[str, Any]]:
        """Incidents in the interchange format, with their report, newest first."""
        filt = filt or IncidentFilter()
        inc, rep = self.tables["incidents"], self.tables["reports"]
        q = select(inc, rep.c.source, rep.c.url, rep.c.outlet, rep.c.published).join(rep, rep.c.id == inc.c.report_id)
        conds = []
        if current_only:
            conds.append(inc.c.current.is_(True))
        if filt.category:
            conds.append(inc.c.category == filt.category if "." in filt.category else inc.c.family == filt.category)
        if filt.province:
            conds.append(inc.c.admin1_iso == filt.province.upper())
        if filt.place:
            like = f"%{filt.place.lower()}%"
            conds.append(or_(func.lower(inc.c.place_name).like(like), func.lower(inc.c.place_mention).like(like)))
        if filt.since:
            conds.append(inc.c.time_end >= filt.since)
        if filt.until:
            conds.append(inc.c.time_start <= filt.until)
        if filt.outlet:
            like = f"%{filt.outlet.lower()}%"
            conds.append(or_(func.lower(inc.c.reported_by).like(like), func.lower(rep.c.outlet).like(like)))
        if filt.text:
            like = f"%{filt.text.lower()}%"
            conds.append(or_(func.lower(inc.c.evidence_text).like(like), func.lower(inc.c.summary).like(like)))
        if filt.min_confidence:
            conds.append(inc.c.confidence >= filt.min_confidence)
        if conds:
            q = q.where(and_(*conds))
        q = q.order_by(inc.c.time_start.desc(), inc.c.id)
        if filt.limit:
            q = q.limit(filt.limit)
        with self.engine.connect() as conn:
            return [_record(r) for r in conn.execute(q).mappings()]

    def counts(self) -> dict[str, int]:
        """How many reports, current incidents and runs are stored."""
        t = self.tables
        with self.engine.connect() as conn:
            return {
                "reports": conn.execute(select(func.count()).select_from(t["reports"])).scalar_one(),
                "incidents": conn.execute(select(func.count()).select_from(t["incidents"])
                                          .where(t["incidents"].c.current.is_(True))).scalar_one(),
                "runs": conn.execute(select(func.count()).select_from(t["runs"])).scalar_one(),
            }

    def stats(self) -> dict[str, Any]:
        """Current incidents counted by family, province and month."""
        inc = self.tables["incidents"]
        with self.engine.connect() as conn:
            rows = conn.execute(select(inc.c.family, inc.c.admin1_iso, inc.c.country, inc.c.time_start, inc.c.time_precision)
                                .where(inc.c.current.is_(True))).all()
        by_family = Counter(r.family for r in rows)
        by_province = Counter(r.admin1_iso or r.country or "unknown" for r in rows)
        by_month = Counter(r.time_start.strftime("%Y-%m") for r in rows if r.time_precision != "unknown")
        return {**self.counts(), "by_family": dict(by_family.most_common()),
                "by_province": dict(by_province.most_common()), "by_month": dict(sorted(by_month.items()))}

    def schema_version(self) -> int:
        from seethe.store._migrations import current_version

        with self.engine.connect() as conn:
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
            raise StoreError(f"cannot write: {_reason(exc)}", source=_display(self.store.url)) from None

    def __exit__(self, exc_type, exc, tb):
        try:
            self.ctx.__exit__(exc_type, exc, tb)
        except IntegrityError:
            raise
        except SQLAlchemyError as err:
            raise StoreError(f"cannot write: {_reason(err)}", source=_display(self.store.url)) from None
        finally:
            self.conn.close()
        if isinstance(exc, SQLAlchemyError) and not isinstance(exc, IntegrityError):
            raise StoreError(f"cannot write: {_reason(exc)}", source=_display(self.store.url)) from None
        return False


def _dialect_insert(name: str):
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _with_retries(fn, sqlite: bool, attempts: int = 50):
    """SQLite refuses some steps (switching to WAL) while another process holds a lock: wait and retry."""
    import time

    from sqlalchemy.exc import OperationalError

    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if not sqlite or "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1 + 0.05 * attempt)


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split())[:200]


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


def _row(i: Incident, report_id: int, run_id: int) -> dict[str, Any]:
    loc = i.location_dict()
    return {
        "report_id": report_id, "run_id": run_id, "current": True,
        "category": i.category, "family": i.category.split(".")[0], "summary": i.summary,
        "place_id": loc.get("place_id"), "place_name": loc.get("name"), "place_mention": loc.get("mention"),
        "admin2": loc.get("admin2"), "admin1_iso": loc.get("admin1_iso"), "country": loc.get("country"),
        "subdivision": loc.get("subdivision"), "lat": loc.get("lat"), "lon": loc.get("lon"),
        "location_precision": loc.get("precision") or "unknown",
        "time_mention": i.time.mention, "time_start": i.time.start, "time_end": i.time.end,
        "time_precision": i.time.precision, "actors": json.dumps(list(i.actors)),
        "reported_by": json.dumps(list(i.reported_by)), "evidence_text": i.evidence_text,
        "evidence_start": i.evidence_start, "evidence_end": i.evidence_end, "confidence": i.confidence,
        "rules": json.dumps(list(i.rule_ids)),
    }


def _record(r) -> dict[str, Any]:
    """A stored incident in the interchange format, with its report."""
    return {
        "id": r["id"],
        "category": r["category"],
        "summary": r["summary"],
        "location": {
            "mention": r["place_mention"], "name": r["place_name"], "place_id": r["place_id"], "admin2": r["admin2"],
            "admin1_iso": r["admin1_iso"], "subdivision": r["subdivision"], "country": r["country"],
            "lat": r["lat"], "lon": r["lon"], "precision": r["location_precision"],
        },
        "time": {"mention": r["time_mention"], "start": r["time_start"].isoformat(), "end": r["time_end"].isoformat(),
                 "precision": r["time_precision"]},
        "actors": json.loads(r["actors"]),
        "reported_by": json.loads(r["reported_by"]),
        "evidence": {"text": r["evidence_text"], "start": r["evidence_start"], "end": r["evidence_end"]},
        "confidence": round(r["confidence"], 3),
        "rules": json.loads(r["rules"]),
        "report": r["source"],
        "report_id": r["report_id"],
        "report_url": r["url"],
        "report_outlet": r["outlet"],
        "published": r["published"].isoformat() if r["published"] else None,
        "run_id": r["run_id"],
    }
