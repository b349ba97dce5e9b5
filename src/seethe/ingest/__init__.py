"""Ingest: reading reports from files (and later feeds and URLs)."""

from seethe.ingest.files import iter_report_paths, read_report
from seethe.ingest.metadata import parse_date, read_metadata

__all__ = ["iter_report_paths", "parse_date", "read_metadata", "read_report"]
