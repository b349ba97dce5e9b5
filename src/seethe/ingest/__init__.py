"""Ingest: reading reports from files, feeds and URLs, and what they say about themselves."""

from seethe.ingest.files import iter_report_paths, read_report, text_encoding
from seethe.ingest.metadata import parse_date, read_metadata

__all__ = ["iter_report_paths", "parse_date", "read_metadata", "read_report", "text_encoding"]
