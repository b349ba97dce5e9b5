"""Options shared by the commands, declared once: the profile, the database, formats, filters, dates.

Values are checked here, at the edge, with messages a person can act on:
strict ISO dates, finite numbers in range, whole numbers that fit, encodings
that are character sets.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import click

DB_HELP = ("Database: a SQLite file path or URL (sqlite:///x.db), or postgresql://user@host:port/name "
           "[default: ./seethe.db].")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(ctx, param, value):
    """A date written YYYY-MM-DD (and nothing else), between 1900 and 2100."""
    if value is None:
        return None
    value = value.strip()
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value[:40]!r} is not a date written YYYY-MM-DD") from None
    from seethe.ingest.metadata import PUBLICATION_YEARS

    if day.year not in PUBLICATION_YEARS:
        raise click.BadParameter(f"{value!r} is outside {PUBLICATION_YEARS.start}-{PUBLICATION_YEARS.stop - 1}")
    return day


def finite_between(low: float, high: float):
    """A callback accepting a finite number from ``low`` to ``high`` (``nan`` and ``inf`` are refused:
    click's own ranges let ``nan`` through, as every comparison with it is false)."""

    def check(ctx, param, value):
        if value is None:
            return None
        if not (math.isfinite(value) and low <= value <= high):
            raise click.BadParameter(f"{value} is not a number from {low:g} to {high:g}")
        return value

    return check


unit_interval = finite_between(0.0, 1.0)


def encoding_name(ctx, param, value):
    """A character encoding Python knows (``euc-kr``, ``cp1252``), not a transform such as ``base64``."""
    if value is None:
        return None
    from seethe.errors import ReportError
    from seethe.ingest import text_encoding

    try:
        text_encoding(value)
    except ReportError as exc:
        raise click.BadParameter(exc.message) from None
    return value


def encoding_option(help: str):
    def decorate(fn):
        return click.option("--encoding", callback=encoding_name, help=help)(fn)
    return decorate


def db_option(fn):
    return click.option("--db", envvar="SEETHE_DB", show_envvar=True, default=None, help=DB_HELP)(fn)


def profile_option(fn):
    return click.option("--profile", default="kp", show_default=True,
                        help="Country profile: a bundled id (kp) or a profile folder.")(fn)


def format_option(*choices: str, default: str | None = None, help: str | None = None):
    def decorate(fn):
        return click.option("--format", "fmt", type=click.Choice(choices), default=default, required=default is None,
                            show_default=default is not None, help=help)(fn)
    return decorate


def min_confidence_option(default: float):
    def decorate(fn):
        return click.option("--min-confidence", type=float, default=default, show_default=True,
                            callback=unit_interval, help="Drop incidents below this confidence (0-1).")(fn)
    return decorate


UNITS = ("auto", "incidents", "events")  # seethe.services.analyses.UNITS (not imported: options stay light)


def unit_option(fn):
    """What the analyses count: incidents, events (one happening told by several reports counts once), or auto."""
    return click.option(
        "--unit", type=click.Choice(UNITS), default="auto", show_default=True,
        help="Count per incident, or per event (one happening told by several reports counts once; needs "
             "seethe link). auto: events when every selected incident is linked, else incidents.")(fn)


def where_and_when_options(noun: str) -> list:
    """What, where and when: the filters incidents and events share (``noun`` is what they select)."""
    return [
        click.option("--category", help="A code (control.market) or a family (control)."),
        click.option("--province", help="A province or country: name (Ryanggang) or ISO code (KP-10, CN)."),
        click.option("--place", help=f"A place name ({noun} there and in places inside it)."),
        click.option("--since", callback=iso_date, help=f"{noun.capitalize()} ending on or after this date (YYYY-MM-DD)."),
        click.option("--until", callback=iso_date,
                     help=f"{noun.capitalize()} starting on or before this date (YYYY-MM-DD)."),
    ]


def filter_options(fn):
    """The incident filters of ``incidents``, ``export`` and ``stats`` (the API takes the same)."""
    for option in reversed([
        *where_and_when_options("incidents"),
        click.option("--outlet", help="The outlet credited (RFA, Daily NK) or that published the report."),
        click.option("--search", "text", help="Words in the evidence or summary (each a word or its beginning)."),
        min_confidence_option(0.0),
        click.option("--limit", type=click.IntRange(1, 10**9), default=None, help="At most this many incidents."),
    ]):
        fn = option(fn)
    return fn
