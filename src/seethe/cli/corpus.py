"""``seethe ingest``, ``incidents``, ``export``, ``stats`` and ``reextract``: the corpus in a store."""

from __future__ import annotations

import sys

import click

from seethe.cli._errors import note, report_failure
from seethe.cli._options import db_option, encoding_option, filter_options, format_option, iso_date, profile_option
from seethe.cli._output import console, count_table, incident_table, write_jsonl
from seethe.profile import load_profile
from seethe.services import FORMATS, IngestOptions, incident_filter, ingest, province_label, reextract, write_export
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


@click.command("incidents")
@db_option
@profile_option
@filter_options
@format_option("table", "jsonl", default="table")
def incidents_command(db, profile, fmt, **filters):
    """Stored incidents, filtered, newest first."""
    prof = load_profile(profile)
    filt = incident_filter(prof, **filters)
    with Store(db) as store:
        if fmt == "jsonl":
            write_jsonl(store.incidents(filt))
            return
        rows = list(store.incidents(filt))
        console().print(incident_table(rows, lambda code: province_label(prof, code), title=f"{len(rows)} incidents"))


@click.command("export")
@db_option
@profile_option
@filter_options
@format_option(*FORMATS)
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: standard output).")
def export_command(db, profile, fmt, out, **filters):
    """Export stored incidents as CSV, JSON Lines or GeoJSON (streamed; memory stays flat)."""
    filt = incident_filter(load_profile(profile), **filters)
    try:
        stream = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write: {exc.strerror}") from None
    try:
        with Store(db) as store:
            n = write_export(store.incidents(filt), fmt, stream)
    finally:
        if out:
            stream.close()
    if out:
        note(f"{n} incidents written to {out}")


@click.command("stats")
@db_option
@profile_option
@filter_options
@format_option("table", "json", default="table")
def stats_command(db, profile, fmt, **filters):
    """Stored incidents counted by family, province and month (counted in the database)."""
    import json

    prof = load_profile(profile)
    filt = incident_filter(prof, **filters)
    with Store(db) as store:
        stats = store.stats(filt)
    if fmt == "json":
        click.echo(json.dumps(stats))
        return
    out = console()
    out.print(f"{stats['reports']} reports, {stats['incidents']} current incidents, {stats['runs']} extraction runs")
    out.print(count_table("By family", stats["by_family"], "family"))
    out.print(count_table("By province or country", stats["by_province"], "province",
                          lambda code: province_label(prof, code)))
    out.print(count_table("By month", stats["by_month"], "month"))


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
