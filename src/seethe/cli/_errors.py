"""Hints the command line adds to the library's errors: the flag that helps, keyed by the error's code."""

from __future__ import annotations

import click

HINTS = {
    "analysis.no_events": "run seethe link first, or count per incident with --unit incidents",
    "report.no_date": "pass --published YYYY-MM-DD or add a date to the file",
    "report.encoding": "pass --encoding",
    "report.private_address": "pass --allow-private to allow it",
    "store.url": "give --db a SQLite path or a postgresql:// URL",
    "usage.event": "seethe events lists the events",
    "usage.grade": "e.g. --grade B2 or --grade B or --grade 2",
}


def error_line(code: str, line: str) -> str:
    hint = HINTS.get(code)
    return f"{line} ({hint})" if hint else line


def report_failure(failure) -> None:
    """Print one item a batch set aside (a ``services.Failure``) on standard error."""
    click.echo(f"seethe: {error_line(failure.code, failure.line())}", err=True)


def note(message: str) -> None:
    click.echo(f"seethe: {message}", err=True)
