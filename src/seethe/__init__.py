"""Seethe: track dissent and state control inside closed countries from sparse reports.

The public API::

    from seethe import Extractor, read_report
    incidents = Extractor("kp").extract(read_report("report.txt"))

Records (``Report``, ``Incident``, ``Event``) live in ``seethe.models``; every
deliberate error is a ``SeetheError`` (see ``seethe.errors``); the services
the command line and the web app share live in ``seethe.services``.

Importing ``seethe`` (or ``seethe.store``) loads nothing else: the names below
are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seethe._lazy import lazy_exports
from seethe._version import __version__

_EXPORTS = {
    "Extractor": "seethe.extract", "extract_report": "seethe.extract",
    "read_report": "seethe.ingest",
    "Event": "seethe.models", "Incident": "seethe.models", "Location": "seethe.models", "Place": "seethe.models",
    "Report": "seethe.models", "TimeSpan": "seethe.models",
    "SeetheError": "seethe.errors", "ReportError": "seethe.errors", "PublicationDateError": "seethe.errors",
    "ProfileError": "seethe.errors", "GazetteerError": "seethe.errors", "StoreError": "seethe.errors",
    "UsageError": "seethe.errors", "AnalysisError": "seethe.errors",
    "Store": "seethe.store",
}

__all__ = ["__version__", *sorted(_EXPORTS)]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from seethe.errors import (AnalysisError, GazetteerError, ProfileError, PublicationDateError, ReportError,
                               SeetheError, StoreError, UsageError)
    from seethe.extract import Extractor, extract_report
    from seethe.ingest import read_report
    from seethe.models import Event, Incident, Location, Place, Report, TimeSpan
    from seethe.store import Store


__getattr__ = lazy_exports("seethe", _EXPORTS, globals())
