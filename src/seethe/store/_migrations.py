"""Schema migrations: numbered steps that bring any older database up to date.

Each step runs in its own transaction and records its number in
``seethe_schema``; ``migrate`` applies the missing steps in order, so a
database made by an older Seethe upgrades in place.  Step 1 is the first
released schema; later steps only add (columns, indexes, tables) or widen.

Steps are recorded one by one, not as a high-water mark: branches number
their steps ahead of each other (the workbench's step 5 landed before the
event layer's step 4), so a database at 1, 2, 3, 5 still gets step 4 when it
arrives.  A step therefore never depends on a step with a higher number.

Many processes may open one fresh database at once (a team starting
ingests together).  They take turns: on SQLite the first write transaction
holds the file's write lock; on PostgreSQL every migration runs under one
session-level advisory lock, and the version is read again once the lock is
held, so each step runs exactly once.
"""

from __future__ import annotations

import json
from typing import Callable

from sqlalchemy import Index, bindparam, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from seethe.store._keys import review_key
from seethe.store._schema import WORKBENCH_TABLES, build_metadata

# An arbitrary, fixed 64-bit key that names "Seethe's schema" among advisory locks.
_PG_LOCK_KEY = 0x5EE7_4E_5C_4E_3A


def _v1_initial(conn: Connection) -> None:
    build_metadata(1).create_all(conn)


def _v2_subdivision_and_time_index(conn: Connection) -> None:
    # Incidents abroad keep their foreign subdivision (CN-JL); queries by province and date get an index.
    conn.execute(text("ALTER TABLE incidents ADD COLUMN subdivision VARCHAR(16)"))
    table = build_metadata(2).tables["incidents"]
    Index("ix_incidents_admin1_time", table.c.admin1_iso, table.c.time_start).create(conn)


def _v3_queries_that_scale(conn: Connection) -> None:
    """Place types, an outlets table, indexes for every filter, full-text search, no length limits."""
    postgres = conn.dialect.name == "postgresql"
    conn.execute(text("ALTER TABLE incidents ADD COLUMN place_type VARCHAR(16)"))
    conn.execute(text("DROP INDEX IF EXISTS ix_incidents_current_category"))
    meta = build_metadata(3)
    incidents = meta.tables["incidents"]
    for index in incidents.indexes:
        if index.name not in ("ix_incidents_report", "ix_incidents_admin1_time"):
            index.create(conn)
    outlets = meta.tables["incident_outlets"]
    outlets.create(conn)
    for index in meta.tables["reports"].indexes:
        if index.name != "ix_reports_url":
            index.create(conn)
    _backfill_outlets(conn, incidents, outlets)
    if postgres:
        for column in ("outlet", "media_type", "encoding"):
            conn.execute(text(f"ALTER TABLE reports ALTER COLUMN {column} TYPE TEXT"))
    create_search_index(conn)


def _backfill_outlets(conn: Connection, incidents, outlets) -> None:
    rows = conn.execute(select(incidents.c.id, incidents.c.reported_by)).all()
    batch = [{"incident_id": i, "outlet": o} for i, credited in rows for o in json.loads(credited or "[]")]
    for k in range(0, len(batch), 5000):
        conn.execute(outlets.insert(), batch[k:k + 5000])


def create_search_index(conn: Connection) -> None:
    """Full-text search over an incident's summary and evidence.

    SQLite: an FTS5 table over the incidents table, kept in step by triggers.
    PostgreSQL: a generated ``tsvector`` column with a GIN index.  Both
    tokenize without a language (``simple``, ``unicode61``) and queries match
    word prefixes, so "leaflet" finds "leaflets" in any language a profile reads.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text(
            "ALTER TABLE incidents ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', coalesce(summary, '') || ' ' || coalesce(evidence_text, ''))) STORED"))
        conn.execute(text("CREATE INDEX ix_incidents_search ON incidents USING GIN (search)"))
        return
    conn.execute(text(
        "CREATE VIRTUAL TABLE incidents_fts USING fts5(summary, evidence_text, content='incidents', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"))
    conn.execute(text(
        "CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN "
        "INSERT INTO incidents_fts(rowid, summary, evidence_text) VALUES (new.id, new.summary, new.evidence_text); END"))
    conn.execute(text(
        "CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN "
        "INSERT INTO incidents_fts(incidents_fts, rowid, summary, evidence_text) "
        "VALUES ('delete', old.id, old.summary, old.evidence_text); END"))
    conn.execute(text(
        "CREATE TRIGGER incidents_fts_update AFTER UPDATE OF summary, evidence_text ON incidents BEGIN "
        "INSERT INTO incidents_fts(incidents_fts, rowid, summary, evidence_text) "
        "VALUES ('delete', old.id, old.summary, old.evidence_text); "
        "INSERT INTO incidents_fts(rowid, summary, evidence_text) VALUES (new.id, new.summary, new.evidence_text); END"))
    conn.execute(text("INSERT INTO incidents_fts(incidents_fts) VALUES ('rebuild')"))


def _v5_workbench(conn: Connection) -> None:
    """Users, sessions, API tokens, reviews and the audit log; incidents get a review key and status."""
    conn.execute(text("ALTER TABLE incidents ADD COLUMN review_key VARCHAR(40)"))
    conn.execute(text("ALTER TABLE incidents ADD COLUMN review_status VARCHAR(16)"))
    meta = build_metadata(5)
    for index in meta.tables["incidents"].indexes:
        if index.name in ("ix_incidents_review_key", "ix_incidents_rejected"):
            index.create(conn)
    for name in WORKBENCH_TABLES:
        meta.tables[name].create(conn)
    _backfill_review_keys(conn, meta.tables["incidents"])


def _backfill_review_keys(conn: Connection, incidents) -> None:
    cols = incidents.c
    rows = conn.execute(select(cols.id, cols.report_id, cols.category, cols.place_id, cols.place_name,
                               cols.evidence_start, cols.evidence_end)).all()
    batch = [{"k": r.id, "key": review_key(r.report_id, r.category, r.place_id, r.place_name, r.evidence_start,
                                           r.evidence_end)} for r in rows]
    stmt = incidents.update().where(cols.id == bindparam("k")).values(review_key=bindparam("key"))
    for k in range(0, len(batch), 5000):
        conn.execute(stmt, batch[k:k + 5000])


def _v4_events(conn: Connection) -> None:
    """Events, their members, link decisions with reasons, analysts' decisions and link runs."""
    meta = build_metadata(4)
    for name in ("link_runs", "events", "event_members", "link_decisions", "analyst_decisions"):
        meta.tables[name].create(conn)


STEPS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1_initial),
    (2, _v2_subdivision_and_time_index),
    (3, _v3_queries_that_scale),
    (4, _v4_events),
    (5, _v5_workbench),
]
LATEST = STEPS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("seethe_schema"):
        return 0
    return int(conn.execute(text("SELECT MAX(version) FROM seethe_schema")).scalar() or 0)


def applied_steps(conn: Connection) -> set[int]:
    if not inspect(conn).has_table("seethe_schema"):
        return set()
    return {int(v) for (v,) in conn.execute(text("SELECT version FROM seethe_schema"))}


def _missing(conn: Connection, target: int) -> list[int]:
    done = applied_steps(conn)
    return [number for number, _ in STEPS if number <= target and number not in done]


def migrate(engine: Engine, target: int = LATEST) -> tuple[int, int]:
    """Apply the missing steps up to ``target``; returns (version before, version after)."""
    with engine.connect() as conn:
        before = current_version(conn)
        missing = _missing(conn, target)
    if not missing:
        return before, before
    if engine.dialect.name == "postgresql":
        with engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            lock.commit()
            try:
                _apply(engine, target)
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                lock.commit()
    else:
        _apply(engine, target)
    with engine.connect() as conn:
        return before, current_version(conn)


def _apply(engine: Engine, target: int) -> None:
    version_table = build_metadata(1).tables["seethe_schema"]
    for number, step in STEPS:
        if number > target:
            break
        # A write transaction from the start: two processes starting on a new
        # SQLite file take turns instead of both creating the tables.
        with engine.connect().execution_options(write=True) as conn, conn.begin():
            # Another process may have migrated meanwhile: read the steps again under the lock.
            if number in applied_steps(conn):
                continue
            step(conn)
            conn.execute(version_table.insert().values(version=number))
