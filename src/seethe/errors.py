"""Every error Seethe raises on purpose.

The tree, drawn once::

    SeetheError                 anything Seethe refuses to do, with a reason      code "seethe"
    ├── ReportError             one report cannot be read (empty, binary, bad     "report"
    │   │                       encoding, too large, missing, refused URL)
    │   └── PublicationDateError   no publication date given and none found       "report.no_date"
    ├── ProfileError            a country profile's data files are missing or     "profile"
    │                           break their schema
    ├── GazetteerError          the gazetteer data cannot be loaded or is          "gazetteer"
    │                           inconsistent
    ├── StoreError              the database cannot be opened or written           "store"
    ├── UsageError              a value given to the API is out of range or        "usage"
    │                           malformed (a date, a number, a name)
    └── AnalysisError           an analysis cannot run on these records (a bad     "analysis"
                                record, too few, a bad parameter)

Each error carries the file or record it concerns in ``source`` and a stable
``code`` (the class's, or a more specific one such as ``report.encoding``), so
that the command-line and API edges can print one clear line,
``source: message``, and add hints of their own (a CLI flag to pass) keyed by
the code.  The library never names a CLI flag.  A batch catches
``SeetheError`` per item, sets the item aside and goes on.

Messages and sources are passed through ``redact`` when the error is made,
so no password in a URL (``postgresql://user:secret@host``,
``https://:secret@host``) and no token in a query string reaches a terminal,
a log or an API response, whichever way the error is printed.
"""

from __future__ import annotations

import re

# The password of a URL's user information (also with an empty user name), and query
# parameters whose names say they hold a secret.
_URL_PASSWORD = re.compile(r"(?<=://)([^/@\s:]*+):[^@\s]*@")
_SECRET_PARAMETER = re.compile(
    r"(?i)([?&;][^=&#\s]*?(?:token|key|secret|passw(?:or)?d|pwd|signature|sig|auth|session)[^=&#\s]*=)[^&#\s]+")


def printable(text: str) -> str:
    """``text`` with line breaks and other unprintable characters escaped (``\\n``, ``\\x00``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def redact(text: str) -> str:
    """``text`` with URL passwords and secret-looking query values replaced by ``***``."""
    if "://" not in text and "=" not in text:
        return text
    return _SECRET_PARAMETER.sub(r"\1***", _URL_PASSWORD.sub(r"\1:***@", text))


class SeetheError(Exception):
    """Base of every deliberate Seethe error."""

    code = "seethe"

    def __init__(self, message: str, *, source: str | None = None, code: str | None = None) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.source = redact(source) if source is not None else None
        if code is not None:
            self.code = code

    def one_line(self) -> str:
        """The error as one line for a person: ``source: message`` (a source with line breaks or
        control characters in its name shows them escaped)."""
        text = " ".join(self.message.split())
        return f"{printable(self.source)}: {text}" if self.source else text


class ReportError(SeetheError):
    """A report cannot be read or decoded."""

    code = "report"


class PublicationDateError(ReportError):
    """No publication date was given and none could be found in the report."""

    code = "report.no_date"


class ProfileError(SeetheError):
    """A country profile's data is missing or malformed."""

    code = "profile"


class GazetteerError(SeetheError):
    """The gazetteer cannot be loaded or breaks its schema."""

    code = "gazetteer"


class StoreError(SeetheError):
    """The database cannot be opened, migrated or written."""

    code = "store"


class UsageError(SeetheError):
    """A value given to the library is out of range or malformed."""

    code = "usage"


class AnalysisError(SeetheError):
    """An analysis cannot run on the selection it was given."""

    code = "analysis"


__all__ = [
    "SeetheError",
    "ReportError",
    "PublicationDateError",
    "ProfileError",
    "GazetteerError",
    "StoreError",
    "UsageError",
    "AnalysisError",
    "printable",
    "redact",
]
