"""``seethe ingest`` and ``seethe reextract``: reports into the store, through the extraction pipeline."""

from __future__ import annotations

import sys

import click

from seethe.cli._errors import report_failure
from seethe.cli._options import db_option, encoding_option, iso_date, profile_option
from seethe.profile import load_profile
from seethe.services.corpus import IngestOptions, ingest, reextract
from seethe.store import Store


def _progress(show: bool):
    """A progress bar on standard error, or nothing; returns (tick, stop)."""
    if not show:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=Console(stderr=True))
    bar.start()
    task = bar.add_task("ingesting", total=None)
    return (lambda done, total: bar.update(task, completed=done, total=total or None)), bar.stop


@click.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--published", callback=iso_date, help="Publication date (YYYY-MM-DD) for reports that carry none.")
@click.option("--outlet", help="Outlet for reports that name none.")
@click.option("--url", help="URL of the report (one file).")
@encoding_option("Decode files with this encoding.")
@click.option("--workers", type=click.IntRange(0, 256), default=0,
              help="Extract in parallel on a local Dask cluster of N workers.")
@click.option("--scheduler", help="Use an existing Dask scheduler (tcp://host:port).")
@click.option("--allow-private", is_flag=True, help="Allow fetching URLs on private or local addresses.")
@profile_option
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
def ingest_command(sources, db, published, outlet, url, encoding, workers, scheduler, allow_private, profile, progress):
    """Store reports (files, folders, RSS/Atom feeds, URLs) and their incidents.

    Idempotent: a report whose text is already stored is skipped; a page at a
    stored URL with a new text is stored as a new version.  A bad source is
    reported and set aside; the exit status is non-zero when any failed.
    """
    load_profile(profile)  # a bad profile is one clear error before anything is read
    opts = IngestOptions(published=published, outlet=outlet, url=url, encoding=encoding,
                         allow_private=allow_private, profile=profile)
    tick, stop = _progress(sys.stderr.isatty() if progress is None else progress)
    with Store(db) as store:
        try:
            summary = ingest(list(sources), store, opts=opts, workers=workers, scheduler=scheduler,
                             on_error=report_failure, progress=tick)
        finally:
            stop()
    click.echo(summary.line())
    if summary.failed:
        sys.exit(1)


@click.command("reextract")
@db_option
@profile_option
def reextract_command(db, profile):
    """Extract every stored report again with the current rules (a new run; old results are kept)."""
    load_profile(profile)
    with Store(db) as store:
        result = reextract(store, profile=profile, on_error=report_failure)
    click.echo(f"run {result.run_id}: {result.reports} reports extracted again, {result.incidents} incidents"
               + (f", {result.failed} failed" if result.failed else ""))
    if result.failed:
        sys.exit(1)
