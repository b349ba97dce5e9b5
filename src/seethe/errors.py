"""Every error Seethe raises on purpose.

The tree, drawn once::

    SeetheError                 anything Seethe refuses to do, with a reason
    ├── ReportError             one report cannot be read (empty, binary, bad encoding, too large, missing)
    │   └── PublicationDateError   no publication date given and none found in the report
    ├── ProfileError            a country profile's data files are missing or break their schema
    ├── GazetteerError          the gazetteer data cannot be loaded or is inconsistent
    ├── StoreError              the database cannot be opened or written
    └── AnalysisError           an analysis cannot run on these records (bad record, too few, bad parameter)

Each error carries the file or record it concerns in ``source`` so that the
command-line and API edges can print one clear line: ``source: message``.
A batch catches ``ReportError`` per item, sets the item aside and goes on.
"""

from __future__ import annotations


class SeetheError(Exception):
    """Base of every deliberate Seethe error."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def one_line(self) -> str:
        """The error as one line for a person: ``source: message``."""
        text = " ".join(self.message.split())
        return f"{self.source}: {text}" if self.source else text


class ReportError(SeetheError):
    """A report cannot be read or decoded."""


class PublicationDateError(ReportError):
    """No publication date was given and none could be found in the report."""


class ProfileError(SeetheError):
    """A country profile's data is missing or malformed."""


class GazetteerError(SeetheError):
    """The gazetteer cannot be loaded or breaks its schema."""


class StoreError(SeetheError):
    """The database cannot be opened, migrated or written."""


class AnalysisError(SeetheError):
    """An analysis cannot run: a malformed record, too few usable records, or a bad parameter."""


__all__ = [
    "SeetheError",
    "ReportError",
    "PublicationDateError",
    "ProfileError",
    "GazetteerError",
    "StoreError",
    "AnalysisError",
]
