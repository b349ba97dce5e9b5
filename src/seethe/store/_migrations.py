"""Schema migrations: numbered steps that bring any older database up to date.

Each step runs in its own transaction and records its number in
``seethe_schema``; ``migrate`` applies the missing steps in order, so a
database made by an older Seethe upgrades in place.  Step 1 is the first
released schema; later steps only add (columns, indexes, tables).
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import Index, inspect, text
from sqlalchemy.engine import Connection, Engine

from seethe.store._schema import build_metadata


def _v1_initial(conn: Connection) -> None:
    build_metadata(1).create_all(conn)


def _v2_subdivision_and_time_index(conn: Connection) -> None:
    # Incidents abroad keep their foreign subdivision (CN-JL); queries by province and date get an index.
    conn.execute(text("ALTER TABLE incidents ADD COLUMN subdivision VARCHAR(16)"))
    table = build_metadata(2).tables["incidents"]
    Index("ix_incidents_admin1_time", table.c.admin1_iso, table.c.time_start).create(conn)


STEPS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1_initial),
    (2, _v2_subdivision_and_time_index),
]
LATEST = STEPS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("seethe_schema"):
        return 0
    return int(conn.execute(text("SELECT MAX(version) FROM seethe_schema")).scalar() or 0)


def migrate(engine: Engine, target: int = LATEST) -> tuple[int, int]:
    """Apply the missing steps up to ``target``; returns (version before, version after)."""
    with engine.connect() as conn:
        before = current_version(conn)
    version_table = build_metadata(1).tables["seethe_schema"]
    for number, step in STEPS:
        if before < number <= target:
            # A write transaction from the start: two processes starting on a new
            # file take turns instead of both creating the tables.
            with engine.connect().execution_options(write=True) as conn, conn.begin():
                # Another process may have migrated meanwhile (two ingests starting together).
                if current_version(conn) >= number:
                    continue
                step(conn)
                conn.execute(version_table.insert().values(version=number))
    return before, max(before, min(target, LATEST))
