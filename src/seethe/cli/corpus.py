"""``seethe ingest``, ``incidents``, ``export``, ``stats`` and ``reextract``: the corpus in a store."""

from __future__ import annotations

import csv
import json
import sys

import click

from seethe.cli._output import console, incident_table
from seethe.cli.extract import _date_option, _err

DB_HELP = "Database: a SQLite file path or URL (sqlite:///x.db), or postgresql://user@host:port/name. Default: $SEETHE_DB or ./seethe.db."

# The CSV columns, in this order (documented in README).
CSV_COLUMNS = [
    "id", "category", "summary", "place_name", "place_mention", "place_id", "admin2", "admin1_iso", "country", "lat",
    "lon", "location_precision", "time_mention", "time_start", "time_end", "time_precision", "actors", "reported_by",
    "confidence", "evidence_text", "evidence_start", "evidence_end", "report", "report_url", "report_outlet",
    "published", "run_id",
]


def _store(db):
    from seethe.store import Store

    return Store(db).open()


def filter_options(fn):
    for option in reversed([
        click.option("--category", help="A code (control.market) or a family (control)."),
        click.option("--province", help="ISO 3166-2 code (KP-10), a province name, or a country code (CN)."),
        click.option("--place", help="Part of a place name or of the words the report used."),
        click.option("--since", callback=_date_option, help="Incidents ending on or after this date."),
        click.option("--until", callback=_date_option, help="Incidents starting on or before this date."),
        click.option("--outlet", help="The outlet credited (RFA, Daily NK) or that published the report."),
        click.option("--search", "text", help="Words in the evidence or summary."),
        click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0),
        click.option("--limit", type=click.IntRange(1), default=None),
    ]):
        fn = option(fn)
    return fn


def _filter(category, province, place, since, until, outlet, text, min_confidence, limit):
    from seethe.store import IncidentFilter

    if province and not province.upper().startswith(("KP-",)) and len(province) > 3:
        from seethe.profile import load_profile

        hits = [p for p, _ in load_profile("kp").gazetteer.search(province, limit=10) if p.type == "province"]
        if not hits:
            raise click.ClickException(f"no province called {province!r}")
        province = hits[0].admin1_iso
    return IncidentFilter(category=category, province=province, place=place, since=since, until=until,
                          outlet=outlet, text=text, min_confidence=min_confidence, limit=limit)


@click.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--db", help=DB_HELP)
@click.option("--published", callback=_date_option, help="Publication date for reports that carry none.")
@click.option("--outlet", help="Outlet for reports that name none.")
@click.option("--url", help="URL of the report (one file).")
@click.option("--encoding", help="Decode files with this encoding.")
@click.option("--workers", type=click.IntRange(0), default=0, help="Extract in parallel on a local Dask cluster of N workers.")
@click.option("--scheduler", help="Use an existing Dask scheduler (tcp://host:port).")
@click.option("--allow-private", is_flag=True, help="Allow fetching URLs on private or local addresses.")
@click.option("--profile", default="kp", show_default=True)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when on a terminal).")
def ingest_command(sources, db, published, outlet, url, encoding, workers, scheduler, allow_private, profile, progress):
    """Store reports (files, folders, RSS/Atom feeds, URLs) and their incidents.

    Idempotent: a report already stored (same text or same URL) is skipped.
    A bad source is reported and skipped; the exit status is non-zero only
    when nothing could be read.
    """
    from seethe.ingest.bulk import Options, ingest

    store = _store(db)
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                       TimeRemainingColumn(), console=__import__("rich.console").console.Console(stderr=True))
        bar.start()
        task = bar.add_task("ingesting", total=None)

    def tick(done, total):
        if bar is not None:
            bar.update(task, completed=done, total=total or None)

    opts = Options(published=published, outlet=outlet, url=url, encoding=encoding, allow_private=allow_private,
                   profile=profile)
    try:
        summary = ingest(list(sources), store, opts=opts, workers=workers, scheduler=scheduler,
                         on_error=lambda line: _err(line), progress=tick)
    finally:
        if bar is not None:
            bar.stop()
        store.close()
    click.echo(summary.line())
    if summary.new + summary.skipped == 0 and summary.failed:
        sys.exit(1)


@click.command("incidents")
@click.option("--db", help=DB_HELP)
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def incidents_command(db, fmt, **filters):
    """Stored incidents, filtered, newest first."""
    store = _store(db)
    rows = store.incidents(_filter(**filters))
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    console().print(incident_table(rows, title=f"{len(rows)} incidents"))


@click.command("export")
@click.option("--db", help=DB_HELP)
@filter_options
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "geojson"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: standard output).")
def export_command(db, fmt, out, **filters):
    """Export stored incidents as CSV, JSON Lines or GeoJSON."""
    rows = _store(db).incidents(_filter(**filters))
    stream = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        write_export(rows, fmt, stream)
    finally:
        if out:
            stream.close()
    if out:
        click.echo(f"{len(rows)} incidents written to {out}", err=True)


def flat_row(r: dict) -> dict:
    loc, t = r["location"], r["time"]
    return {
        "id": r["id"], "category": r["category"], "summary": r["summary"], "place_name": loc["name"],
        "place_mention": loc["mention"], "place_id": loc["place_id"], "admin2": loc["admin2"],
        "admin1_iso": loc["admin1_iso"], "country": loc["country"], "lat": loc["lat"], "lon": loc["lon"],
        "location_precision": loc["precision"], "time_mention": t["mention"], "time_start": t["start"],
        "time_end": t["end"], "time_precision": t["precision"], "actors": ";".join(r["actors"]),
        "reported_by": ";".join(r["reported_by"]), "confidence": r["confidence"], "evidence_text": r["evidence"]["text"],
        "evidence_start": r["evidence"]["start"], "evidence_end": r["evidence"]["end"], "report": r["report"],
        "report_url": r["report_url"], "report_outlet": r["report_outlet"], "published": r["published"],
        "run_id": r["run_id"],
    }


def write_export(rows: list[dict], fmt: str, stream) -> None:
    if fmt == "jsonl":
        for r in rows:
            stream.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow(flat_row(r))
    else:
        features = []
        for r in rows:
            loc = r["location"]
            geometry = {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]} if loc["lat"] is not None else None
            props = {k: v for k, v in r.items()}
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
        json.dump({"type": "FeatureCollection", "features": features}, stream, ensure_ascii=False)
        stream.write("\n")


@click.command("stats")
@click.option("--db", help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats_command(db, fmt):
    """Stored incidents counted by family, province and month."""
    from collections import Counter

    from seethe.cli._output import count_table

    stats = _store(db).stats()
    if fmt == "json":
        click.echo(json.dumps(stats))
        return
    out = console()
    out.print(f"{stats['reports']} reports, {stats['incidents']} current incidents, {stats['runs']} extraction runs")
    out.print(count_table("By family", Counter(stats["by_family"]), "family"))
    out.print(count_table("By province or country", Counter(stats["by_province"]), "province"))
    out.print(count_table("By month", Counter(stats["by_month"]), "month"))


@click.command("reextract")
@click.option("--db", help=DB_HELP)
@click.option("--profile", default="kp", show_default=True)
def reextract_command(db, profile):
    """Extract every stored report again with the current rules (a new run; old results are kept)."""
    from seethe.ingest.bulk import reextract

    store = _store(db)
    run_id, n, found = reextract(store, profile=profile)
    click.echo(f"run {run_id}: {n} reports extracted again, {found} incidents")
