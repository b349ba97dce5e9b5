"""``seethe extract``, ``seethe eval`` and ``seethe demo``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from seethe.cli._errors import error_line, note, report_failure
from seethe.cli._options import encoding_option, format_option, iso_date, min_confidence_option, profile_option
from seethe.cli._output import console, count_table, incident_table, write_jsonl
from seethe.cli.serve import demo_account, run_server
from seethe.errors import ReportError
from seethe.extract import DEFAULT_MIN_CONFIDENCE, Extractor
from seethe.ingest import iter_report_paths, read_report
from seethe.models import Incident
from seethe.services import (
    IngestOptions, incident_filter, ingest, link, province_label, score_dataset, score_happenings,
)
from seethe.store import EventFilter, Store

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run_extraction(paths, extractor, published=None, outlet=None, url=None, encoding=None, on_incidents=None):
    """Extract every report in ``paths``; bad files are reported and skipped.

    Returns (reports read, reports failed).
    """
    ok = failed = 0
    for path in iter_report_paths(list(paths)):
        try:
            report = read_report(path, published=published, outlet=outlet, url=url, encoding=encoding)
            for line in report.notes:
                note(error_line("report.encoding", f"{report.source}: {line}"))
            incidents = extractor.extract(report)
        except ReportError as exc:
            note(error_line(exc.code, exc.one_line()))
            failed += 1
            continue
        ok += 1
        if on_incidents:
            on_incidents(report, incidents)
    return ok, failed


@click.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--published", callback=iso_date, help="Publication date (YYYY-MM-DD) when the file carries none.")
@click.option("--outlet", help="Outlet that published the report(s).")
@click.option("--url", help="Where the report was published.")
@encoding_option("Decode files with this encoding instead of UTF-8/detection.")
@format_option("jsonl", "table", "json", default="jsonl")
@profile_option
@min_confidence_option(DEFAULT_MIN_CONFIDENCE)
def extract_command(paths, published, outlet, url, encoding, fmt, profile, min_confidence):
    """Extract incidents from report files or folders (``-`` reads standard input).

    Stores nothing; prints one JSON line per incident (``--format jsonl``) or a
    table.  A bad file is reported on standard error and skipped; the exit
    status is non-zero only when no report could be read.
    """
    extractor = Extractor(profile, min_confidence=min_confidence)
    collected: list[Incident] = []

    def emit(report, incidents):
        if fmt == "jsonl":
            write_jsonl(incidents)
        else:
            collected.extend(incidents)

    ok, failed = run_extraction(paths, extractor, published, outlet, url, encoding, emit)
    if fmt == "json":
        json.dump([i.to_dict() for i in collected], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    elif fmt == "table":
        console().print(incident_table(collected, lambda code: province_label(extractor.profile, code),
                                       title=f"{len(collected)} incidents from {ok} reports"))
    if ok == 0:
        note(f"no report could be read ({failed} failed)")
        sys.exit(1)


@click.command("eval")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False), required=False)
@profile_option
@min_confidence_option(DEFAULT_MIN_CONFIDENCE)
@click.option("--json", "as_json", is_flag=True, help="Print the totals as one JSON object.")
@click.option("--errors", is_flag=True, help="Group the errors by kind, with counts, then list them.")
@click.option("--calibration", is_flag=True, help="How often incidents in each band of confidence are right.")
@click.option("--happenings", is_flag=True,
              help="Score the reported-happening stage on sentences (gold files with evidence offsets).")
def eval_command(dataset, profile, min_confidence, as_json, errors, calibration, happenings):
    """Score extraction on a folder of reports with NAME.gold.json files.

    Uses the matching rules of the incident format spec (strict, place,
    family).  Without DATASET, scores the bundled development set.
    """
    folder = Path(dataset) if dataset else SAMPLES
    extractor = Extractor(profile, min_confidence=min_confidence)
    result = score_dataset(folder, extractor)
    if not result.reports:
        raise click.ClickException(f"{folder}: no *.gold.json files")
    summary = result.summary()
    if errors:
        summary["errors"] = result.errors_by_kind()
    if calibration:
        n, share = result.share_right_at(0.8)
        summary["calibration"] = {"bins": [{"low": b.low, "high": b.high, "predictions": b.predictions,
                                            "right": b.right} for b in result.calibration()],
                                  "at_0.8": {"predictions": n, "share_right": share}}
    if happenings:
        h = score_happenings(folder, extractor)
        p, r, f = h.prf()
        summary["happenings"] = {"tp": h.tp, "fp": h.fp, "fn": h.fn, "uncued": h.uncued,
                                 "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
    if as_json:
        click.echo(json.dumps(summary))
        return
    for rep in result.reports:
        s = rep.counts["strict"]
        click.echo(f"{rep.name:48s} strict tp={s.tp:2d} fp={s.fp:2d} fn={s.fn:2d}")
        if rep.error:
            note(rep.error)
    if errors:
        _print_errors(result)
    if calibration:
        _print_calibration(result)
    if happenings:
        h = summary["happenings"]
        click.echo(f"\nreported-happening stage, on sentences: P={h['precision']:.3f} R={h['recall']:.3f} "
                   f"F1={h['f1']:.3f} (tp={h['tp']} fp={h['fp']} fn={h['fn']}; "
                   f"{h['uncued']} gold sentences had no cue)")
    click.echo(f"reports={summary['reports']}")
    for rule in ("strict", "place", "family"):
        s = summary[rule]
        click.echo(f"{rule:6s} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
                   f"(tp={s['tp']} fp={s['fp']} fn={s['fn']})")


def _print_errors(result) -> None:
    """Errors grouped by kind, largest first, each with its cases: where the points are."""
    by_kind = result.errors_by_kind()
    click.echo("\nerrors by kind:")
    for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {n:4d}  {kind}")
    for kind in sorted(by_kind, key=lambda k: -by_kind[k]):
        if not by_kind[kind]:
            continue
        click.echo(f"\n{kind} ({by_kind[kind]}):")
        for rep in result.reports:
            if kind == "missed":
                for g in rep.missed:
                    click.echo(f"  {rep.name[:-10]:44s} {g['category']:28s} {str(g.get('place', ''))[:30]:30s} "
                               f"{g['time'].get('start')}…{g['time'].get('end')}")
                continue
            for p, k in zip(rep.predictions, rep.kinds):
                if k == kind:
                    loc = p["location"]
                    click.echo(f"  {rep.name[:-10]:44s} {p['category']:28s} {str(loc.get('name'))[:20]:20s} "
                               f"{p['time']['start']}…{p['time']['end']} | {p['evidence']['text'][:80]}")


def _print_calibration(result) -> None:
    click.echo("\nconfidence     incidents  right  share right")
    for b in result.calibration():
        share = f"{b.share:.2f}" if b.share is not None else "  - "
        click.echo(f"  {b.low:.1f}–{b.high:.1f}    {b.predictions:9d}  {b.right:5d}  {share:>11s}")
    n, share = result.share_right_at(0.8)
    click.echo(f"  ≥ 0.8      {n:9d}         {share:.2f}" if share is not None else "  ≥ 0.8: none")


@click.command("demo")
@click.argument("paths", nargs=-1)
@click.option("--db", default="seethe-demo.db", show_default=True, help="SQLite file (or database URL) to fill.")
@profile_option
@click.option("--serve/--no-serve", default=False, show_default=True,
              help="Then serve the workbench on the demo database and print the address to open.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port for --serve.")
def demo_command(paths, db, profile, serve, port):
    """Ingest the bundled sample reports into a SQLite file and show what they hold (and serve them)."""
    out = console()
    with Store(db) as store:
        summary = ingest(list(paths) or [str(SAMPLES)], store, opts=IngestOptions(profile=profile),
                         on_error=report_failure)
        prof = Extractor(profile).profile
        label = lambda code: province_label(prof, code)  # noqa: E731
        out.print(f"[bold]{db}[/bold]: {summary.line()}")
        stats = store.stats()
        out.print(f"{stats['reports']} reports and {stats['incidents']} incidents stored")
        link(store, profile=profile)  # so the workbench and the analyses have events to show
        told_again = store.count_events(EventFilter(min_reports=2))  # counted in SQL, whether or not anything was new
        out.print(f"Linked into {store.count_events()} events, {told_again} told by several reports (seethe events)")
        out.print(count_table("By family", stats["by_family"], "family"))
        out.print(count_table("By province or country", stats["by_province"], "province", label))
        out.print(count_table("By month", stats["by_month"], "month"))
        dissent = store.incidents(incident_filter(prof, category="dissent", limit=10))
        out.print(incident_table(dissent, label,
                                 title="Query: the 10 latest incidents of dissent (seethe incidents --category dissent)"))
        province = next(iter(stats["by_province"]), None)
        if province:
            n = store.count_incidents(incident_filter(prof, province=province))
            out.print(f"Query: incidents in {label(province)} (seethe incidents --province {province}): {n}")
        password = demo_account(store) if serve else None
    if serve:
        click.echo(f"Sign in as demo (admin) with password {password}")
        run_server(db, "127.0.0.1", port, False, profile)
