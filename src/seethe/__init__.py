"""Seethe: track dissent and state control inside closed countries from sparse reports.

The public API::

    from seethe import Extractor, read_report
    incidents = Extractor("kp").extract(read_report("report.txt"))

Records (``Report``, ``Incident``, ``Event``) live in ``seethe.models``; every
deliberate error is a ``SeetheError`` (see ``seethe.errors``).
"""

from seethe.errors import GazetteerError, ProfileError, PublicationDateError, ReportError, SeetheError, StoreError
from seethe.extract import Extractor, extract_report
from seethe.ingest import read_report
from seethe.models import Event, Incident, Place, Report, TimeSpan

__version__ = "0.1.0"

__all__ = [
    "Event", "Extractor", "GazetteerError", "Incident", "Place", "ProfileError", "PublicationDateError",
    "Report", "ReportError", "SeetheError", "StoreError", "TimeSpan", "extract_report", "read_report",
]
