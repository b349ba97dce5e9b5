"""``seethe incidents``, ``export`` and ``stats``: reading the store (no extraction pipeline is loaded)."""

from __future__ import annotations

import json

import click

from seethe.cli._options import db_option, filter_options, format_option, profile_option
from seethe.cli._output import console, count_table, export_to, incident_table, write_jsonl
from seethe.profile import load_profile
from seethe.services.exports import FORMATS, write_export
from seethe.services.queries import incident_filter, province_label
from seethe.store import Store


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
    with Store(db) as store:
        export_to(out, lambda stream: write_export(store.incidents(filt), fmt, stream), "incidents")


@click.command("stats")
@db_option
@profile_option
@filter_options
@format_option("table", "json", default="table")
def stats_command(db, profile, fmt, **filters):
    """Stored incidents counted by family, province and month (counted in the database)."""
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
