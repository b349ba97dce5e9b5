"""``seethe extract``, ``seethe eval`` and ``seethe demo``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from seethe.cli._output import console, count_table, incident_table, write_jsonl
from seethe.errors import ReportError
from seethe.extract import Extractor
from seethe.ingest import iter_report_paths, parse_date, read_report
from seethe.models import Incident

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _date_option(ctx, param, value):
    if value is None:
        return None
    d = parse_date(value)
    if d is None or not (1945 <= d.year <= 2100):
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)")
    return d


def _err(message: str) -> None:
    click.echo(f"seethe: {message}", err=True)


def run_extraction(paths, extractor, published=None, outlet=None, url=None, encoding=None, on_incidents=None):
    """Extract every report in ``paths``; bad files are reported and skipped.

    Returns (reports read, reports failed).
    """
    ok = failed = 0
    for path in iter_report_paths(list(paths)):
        try:
            report = read_report(path, published=published, outlet=outlet, url=url, encoding=encoding)
            for note in report.notes:
                _err(f"{report.source}: {note}")
            incidents = extractor.extract(report)
        except ReportError as exc:
            _err(exc.one_line())
            failed += 1
            continue
        ok += 1
        if on_incidents:
            on_incidents(report, incidents)
    return ok, failed


@click.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--published", callback=_date_option, help="Publication date (YYYY-MM-DD) when the file carries none.")
@click.option("--outlet", help="Outlet that published the report(s).")
@click.option("--url", help="Where the report was published.")
@click.option("--encoding", help="Decode files with this encoding instead of UTF-8/detection.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table", "json"]), default="jsonl", show_default=True)
@click.option("--profile", default="kp", show_default=True, help="Country profile id or folder.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.5, show_default=True)
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
    elif fmt == "table":
        console().print(incident_table([i.to_dict() for i in collected],
                                       title=f"{len(collected)} incidents from {ok} reports"))
    if ok == 0:
        _err(f"no report could be read ({failed} failed)")
        sys.exit(1)


@click.command("eval")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False), required=False)
@click.option("--profile", default="kp", show_default=True)
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the totals as one JSON object.")
@click.option("--errors", is_flag=True, help="List missed gold incidents and false predictions.")
def eval_command(dataset, profile, min_confidence, as_json, errors):
    """Score extraction on a folder of reports with NAME.gold.json files.

    Uses the matching rules of the incident format spec (strict, place,
    family).  Without DATASET, scores the bundled development set.
    """
    from seethe.evaluate import Counts, RULES, gold_files, load_gold, missed_and_false, score_report

    folder = Path(dataset) if dataset else SAMPLES
    extractor = Extractor(profile, min_confidence=min_confidence)
    totals = {r: Counts() for r in RULES}
    files = gold_files(folder)
    if not files:
        raise click.ClickException(f"{folder}: no *.gold.json files")
    for gold_path in files:
        gold = load_gold(gold_path)
        info = gold["report"]
        try:
            report = read_report(gold_path.parent / info["file"], published=parse_date(info["published"]),
                                 outlet=info.get("outlet"), url=info.get("url"))
            preds = [i.to_dict() for i in extractor.extract(report)]
        except ReportError as exc:
            _err(exc.one_line())
            preds = []
        res = score_report(gold, preds)
        for r in RULES:
            totals[r].add(res[r])
        if not as_json:
            s = res["strict"]
            click.echo(f"{gold_path.name:48s} strict tp={s.tp:2d} fp={s.fp:2d} fn={s.fn:2d}")
            if errors:
                missed, false = missed_and_false(gold, preds)
                for g in missed:
                    click.echo(f"    missed {g['category']:28s} {g.get('place', '')} {g['time'].get('start')}…{g['time'].get('end')}")
                for p in false:
                    loc = p["location"]
                    click.echo(f"    false  {p['category']:28s} {loc.get('name')} {loc.get('admin1_iso')} {p['time']['start']}…{p['time']['end']} | {p['evidence']['text'][:90]}")
    summary = {"reports": len(files)}
    for r in RULES:
        p, rec, f = totals[r].prf()
        summary[r] = {"tp": totals[r].tp, "fp": totals[r].fp, "fn": totals[r].fn,
                      "precision": round(p, 3), "recall": round(rec, 3), "f1": round(f, 3)}
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(f"reports={len(files)}")
        for r in RULES:
            s = summary[r]
            click.echo(f"{r:6s} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} (tp={s['tp']} fp={s['fp']} fn={s['fn']})")


@click.command("demo")
@click.argument("paths", nargs=-1)
@click.option("--db", default="seethe-demo.db", show_default=True, help="SQLite file (or database URL) to fill.")
@click.option("--profile", default="kp", show_default=True)
def demo_command(paths, db, profile):
    """Ingest the bundled sample reports into a SQLite file and show what they hold."""

    from seethe.ingest.bulk import Options, ingest
    from seethe.store import IncidentFilter, Store

    out = console()
    with Store(db) as store:
        summary = ingest(list(paths) or [str(SAMPLES)], store, opts=Options(profile=profile), on_error=_err)
        out.print(f"[bold]{db}[/bold]: {summary.line()}")
        stats = store.stats()
        out.print(f"{stats['reports']} reports and {stats['incidents']} incidents stored")
        out.print(count_table("By family", Counter(stats["by_family"]), "family"))
        out.print(count_table("By province or country", Counter(stats["by_province"]), "province"))
        out.print(count_table("By month", Counter(stats["by_month"]), "month"))
        dissent = store.incidents(IncidentFilter(category="dissent", limit=10))
        out.print(incident_table(dissent,
                                 title="Query: the 10 latest incidents of dissent (seethe incidents --category dissent)"))
        ryanggang = store.incidents(IncidentFilter(province="KP-10"))
        out.print(f"Query: incidents in Ryanggang (seethe incidents --province KP-10): {len(ryanggang)}")
