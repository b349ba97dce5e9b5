"""The tables, as SQLAlchemy Core metadata.  Only the store package holds SQL.

``build_metadata(version)`` gives the tables as they are at a schema version,
so that a migration can create the old shape and later steps alter it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text, text,
)


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
        Column("admin1_iso", String(16), nullable=True),
        Column("country", String(8), nullable=True),
        Column("lat", Float, nullable=True),
        Column("lon", Float, nullable=True),
        Column("location_precision", String(16), nullable=False),
        Column("time_mention", Text, nullable=True),
        Column("time_start", Date, nullable=False),
        Column("time_end", Date, nullable=False),
        Column("time_precision", String(16), nullable=False),
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
