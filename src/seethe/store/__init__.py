"""The store: reports, incidents and extraction runs in SQLite or PostgreSQL.

All SQL lives in this package.  ``Store`` owns the database; ``IncidentFilter``
says which incidents to read back.
"""

from seethe.store._events import EventFilter, Membership
from seethe.store._migrations import LATEST as SCHEMA_VERSION
from seethe.store._migrations import migrate
from seethe.store._workbench import REVIEWABLE, AuditEntry, Review, User
from seethe.store._store import (
    DEFAULT_DB, MAX_SPAN, IncidentFilter, Store, StoredReport, WriteResult, clean_text, content_hash, database_url, display_url,
)

__all__ = ["AuditEntry", "DEFAULT_DB", "EventFilter", "IncidentFilter", "MAX_SPAN", "Membership", "REVIEWABLE",
           "Review", "User", "SCHEMA_VERSION", "Store", "StoredReport", "WriteResult", "clean_text",
           "content_hash", "database_url", "display_url", "migrate"]
