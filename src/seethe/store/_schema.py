"""The tables, as SQLAlchemy Core metadata.  Only the store package holds SQL.

``build_metadata(version)`` gives the tables as they are at a schema version,
so that a migration can create the old shape and later steps alter it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text, and_,
    or_, text,
)
from sqlalchemy.sql import ColumnElement


def newest_first_after(table: Table, after: tuple) -> ColumnElement:
    """Keyset paging over rows listed newest first: those after ``(time_start, id)`` in that order."""
    day, last_id = after
    return or_(table.c.time_start < day, and_(table.c.time_start == day, table.c.id < last_id))


def scope_conditions(table: Table, filt) -> list[ColumnElement]:
    """What, where and when, on a table that stores them as incidents and events both do: a category or a
    family, a province, gazetteer places, a period the row's span overlaps."""
    conds: list[ColumnElement] = []
    if filt.category:
        conds.append(table.c.category == filt.category if "." in filt.category else table.c.family == filt.category)
    if filt.province:
        conds.append(table.c.admin1_iso == filt.province)
    if filt.place_ids:
        conds.append(table.c.place_id.in_(filt.place_ids))
    if filt.since:
        conds.append(table.c.time_end >= filt.since)
    if filt.until:
        conds.append(table.c.time_start <= filt.until)
    return conds


def _where_and_when() -> list[Column]:
    """The resolved place and the time span, as incidents and events both store them."""
    return [
        Column("admin1_iso", String(16), nullable=True),
        Column("country", String(8), nullable=True),
        Column("lat", Float, nullable=True),
        Column("lon", Float, nullable=True),
        Column("location_precision", String(16), nullable=False),
        Column("time_mention", Text, nullable=True),
        Column("time_start", Date, nullable=False),
        Column("time_end", Date, nullable=False),
        Column("time_precision", String(16), nullable=False),
    ]


def build_metadata(version: int) -> MetaData:
    """The tables at schema ``version``."""
    metadata = MetaData()
    Table(
        "seethe_schema", metadata,
        Column("version", Integer, nullable=False),
    )
    Table(
        "runs", metadata,
        Column("id", Integer, primary_key=True),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("profile", String(64), nullable=False),
        Column("profile_version", String(64), nullable=False),
        Column("codebook_version", String(32), nullable=False),
        Column("gazetteer_version", String(64), nullable=False),
        Column("pipeline", Text, nullable=False),
        Column("seethe_version", String(32), nullable=False),
        Column("kind", String(16), nullable=False),  # ingest or reextract
    )
    Table(
        "reports", metadata,
        Column("id", Integer, primary_key=True),
        Column("content_hash", String(64), nullable=False, unique=True),
        Column("url", Text, nullable=True),
        Column("source", Text, nullable=False),
        # Lengths were limits PostgreSQL enforced and SQLite did not; from v3 there are none.
        Column("outlet", String(200) if version < 3 else Text, nullable=True),
        Column("published", Date, nullable=True),
        Column("title", Text, nullable=True),
        Column("media_type", String(40) if version < 3 else Text, nullable=False),
        Column("encoding", String(40) if version < 3 else Text, nullable=False),
        Column("raw", LargeBinary, nullable=False),
        Column("content", Text, nullable=False),
        Column("plain_text", Text, nullable=False),
        Column("ingested_at", DateTime(timezone=True), nullable=False),
        Column("current_run_id", Integer, ForeignKey("runs.id"), nullable=True),
        Index("ix_reports_url", "url"),
    )
    columns = [
        Column("id", Integer, primary_key=True),
        Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
        Column("current", Boolean, nullable=False, default=True),
        Column("category", String(64), nullable=False),
        Column("family", String(32), nullable=False),
        Column("summary", Text, nullable=False),
        Column("place_id", String(64), nullable=True),
        Column("place_name", Text, nullable=True),
        Column("place_mention", Text, nullable=True),
        Column("admin2", Text, nullable=True),
        *_where_and_when(),
        Column("actors", Text, nullable=False),  # JSON list
        Column("reported_by", Text, nullable=False),  # JSON list
        Column("evidence_text", Text, nullable=False),
        Column("evidence_start", Integer, nullable=False),
        Column("evidence_end", Integer, nullable=False),
        Column("confidence", Float, nullable=False),
        Column("rules", Text, nullable=False),  # JSON list
        Index("ix_incidents_report", "report_id"),
    ]
    if version < 3:
        columns.append(Index("ix_incidents_current_category", "current", "category"))
    if version >= 2:
        columns.append(Column("subdivision", String(16), nullable=True))
        columns.append(Index("ix_incidents_admin1_time", "admin1_iso", "time_start"))
    if version >= 3:
        columns.append(Column("place_type", String(16), nullable=True))
        columns.extend(_V3_INCIDENT_INDEXES())
    if version >= 5:
        # A review is keyed by what extraction found (report, category, place, evidence span), so the
        # incident a re-extraction finds again keeps it; the status is the latest review's verdict.
        columns.append(Column("review_key", String(40), nullable=True))
        columns.append(Column("review_status", String(16), nullable=True))
        columns.append(Index("ix_incidents_review_key", "review_key"))
        # Counts subtract the few rejected incidents, found through this partial index (it holds
        # only them), so they never read the table.
        rejected = text("review_status = 'rejected'")
        columns.append(Index("ix_incidents_rejected", "current", "family", sqlite_where=rejected,
                             postgresql_where=rejected))
    incidents = Table("incidents", metadata, *columns)
    if version >= 3:
        # Who a report credits, one row per incident and outlet: filtering by
        # outlet is an indexed join, not a substring search in a JSON column.
        Table(
            "incident_outlets", metadata,
            Column("incident_id", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
            Column("outlet", Text, nullable=False),
            Index("ix_incident_outlets_outlet", "outlet", "incident_id"),
            Index("ix_incident_outlets_incident", "incident_id"),
        )
        reports = metadata.tables["reports"]
        Index("ix_reports_outlet", reports.c.outlet)
        Index("ix_reports_published", reports.c.published)
    if version >= 4:
        _event_tables(metadata)
    del incidents
    if version >= 5:
        _workbench_tables(metadata)
    return metadata


WORKBENCH_TABLES = ("users", "sessions", "api_tokens", "reviews", "audit_log")


def _workbench_tables(metadata: MetaData) -> None:
    """The analysts' workbench: people, their sessions and tokens, reviews and the audit log (v5)."""
    Table(
        "users", metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(64), nullable=False, unique=True),
        Column("password_hash", Text, nullable=False),
        Column("role", String(16), nullable=False),  # viewer, analyst, admin
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "sessions", metadata,
        Column("token_hash", String(64), primary_key=True),  # sha256 of the cookie; the cookie itself is not kept
        Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        Column("csrf", String(64), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
        Index("ix_sessions_user", "user_id"),
    )
    Table(
        "api_tokens", metadata,
        Column("id", Integer, primary_key=True),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        Column("label", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("last_used_at", DateTime(timezone=True), nullable=True),
        Index("ix_api_tokens_user", "user_id"),
    )
    Table(
        "reviews", metadata,
        Column("id", Integer, primary_key=True),
        Column("review_key", String(40), nullable=False),
        Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        Column("incident_id", Integer, nullable=True),  # the incident reviewed (a later run's has another id)
        Column("action", String(16), nullable=False),  # confirm, correct, reject
        Column("changes", Text, nullable=False),  # JSON: the corrected fields
        Column("reason", Text, nullable=False),
        Column("user_name", String(64), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Index("ix_reviews_key", "review_key", "id"),
        Index("ix_reviews_report", "report_id"),
    )
    Table(
        "audit_log", metadata,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("user_name", String(64), nullable=False),
        Column("action", String(32), nullable=False),
        Column("target", Text, nullable=False),
        Column("detail", Text, nullable=False),  # JSON
        Column("reason", Text, nullable=False),
    )


def _event_tables(metadata: MetaData) -> None:
    """Events, their members, the machine's link decisions and analysts' decisions (schema v4)."""
    Table(
        "events", metadata,
        Column("id", Integer, primary_key=True),
        Column("category", String(64), nullable=False),
        Column("family", String(32), nullable=False),
        Column("summary", Text, nullable=False),
        Column("place_name", Text, nullable=True),
        Column("place_id", String(64), nullable=True),
        *_where_and_when(),
        Column("reports", Integer, nullable=False),
        Column("incidents", Integer, nullable=False),
        Column("origins", Integer, nullable=False),
        Column("reliability", String(1), nullable=False),
        Column("credibility", Integer, nullable=False),
        Column("contradictions", Integer, nullable=False),
        Column("detail", Text, nullable=False),  # JSON: categories, roles, grade rule and reasons, contradictions
        Column("linked_at", DateTime(timezone=True), nullable=False),
        Index("ix_events_time", "time_start", "id"),
        Index("ix_events_category_time", "category", "time_start", "id"),
        Index("ix_events_family_time", "family", "time_start", "id"),
        Index("ix_events_admin1_time", "admin1_iso", "time_start", "id"),
        Index("ix_events_origins", "origins", "time_start"),
        Index("ix_events_grade", "reliability", "credibility"),
    )
    Table(
        "event_members", metadata,
        Column("incident_id", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
        Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        Column("report_id", Integer, nullable=False),
        Column("category", String(64), nullable=False),
        Column("role", String(8), nullable=False),  # the report's role in the event: origin or relay
        Index("ix_event_members_event", "event_id"),
        Index("ix_event_members_report", "report_id"),
    )
    Table(
        "link_decisions", metadata,
        Column("incident_a", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
        Column("incident_b", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
        Column("weight", Float, nullable=False),
        Column("probability", Float, nullable=False),
        Column("linked", Boolean, nullable=False),
        Column("reasons", Text, nullable=False),  # JSON list of {field, level, weight, text}
        Column("run_id", Integer, ForeignKey("link_runs.id"), nullable=False),
        Index("ix_link_decisions_b", "incident_b"),
    )
    Table(
        "analyst_decisions", metadata,
        Column("id", Integer, primary_key=True),
        Column("kind", String(16), nullable=False),  # merge, split, detach
        Column("made_by", Text, nullable=False),
        Column("made_at", DateTime(timezone=True), nullable=False),
        Column("why", Text, nullable=False),
        Column("targets", Text, nullable=False),  # JSON list of {category, report_ids, event_id}
        Column("reports", Text, nullable=False),  # JSON list of report ids (split, detach)
        Column("active", Boolean, nullable=False, default=True),
    )
    Table(
        "link_runs", metadata,
        Column("id", Integer, primary_key=True),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("kind", String(16), nullable=False),  # full or incremental
        Column("settings", String(64), nullable=False),  # fingerprint of the linking settings used
        Column("incidents", Integer, nullable=False),
        Column("new_incidents", Integer, nullable=False),
        Column("events_written", Integer, nullable=False),
        Column("seconds", Float, nullable=True),
        Column("model", Text, nullable=True),  # JSON: the linkage model fitted (full links) or used
    )


def _V3_INCIDENT_INDEXES() -> list[Index]:  # noqa: N802 - a constant built per metadata
    """Indexes for the filters and orders the CLI and API offer (checked with the query plan in tests)."""
    return [
        Index("ix_incidents_current_time", "current", "time_start", "id"),
        Index("ix_incidents_current_family_time", "current", "family", "time_start", "id"),
        Index("ix_incidents_current_category_time", "current", "category", "time_start", "id"),
        Index("ix_incidents_current_admin1", "current", "admin1_iso", "time_start", "id"),
        Index("ix_incidents_place", "place_id"),
        Index("ix_incidents_run", "run_id"),
        # Covers the counts by month in date order: stats read indexes, never the table.
        Index("ix_incidents_months", "current", "time_start", "time_precision"),
    ]
