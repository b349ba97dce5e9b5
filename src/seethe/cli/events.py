"""``seethe link``, ``events``, ``event``, ``decide``, ``export-events`` and ``link-eval``: events over the corpus."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from seethe.cli._errors import note
from seethe.cli._options import db_option, format_option, profile_option, where_and_when_options
from seethe.cli._output import console, export_to, write_jsonl
from seethe.profile import load_profile
from seethe.services import FORMATS, province_label, write_event_export
from seethe.services import events as event_service
from seethe.store import Store


def event_filter_options(fn):
    """The event filters of ``events`` and ``export-events``."""
    for option in reversed([
        *where_and_when_options("events"),
        click.option("--outlet", help="Events one of whose reports this outlet published."),
        click.option("--min-origins", type=click.IntRange(0, 10**6), default=0,
                     help="Events resting on at least this many independent origins."),
        click.option("--min-reports", type=click.IntRange(0, 10**6), default=0,
                     help="Events told by at least this many reports."),
        click.option("--grade", "grades", multiple=True,
                     help="A grade (B2), a reliability (B) or a credibility (2); repeat or separate with commas."),
        click.option("--contradicted/--uncontradicted", default=None,
                     help="Only events whose tellings contradict each other, or only those whose do not."),
        click.option("--limit", type=click.IntRange(1, 10**9), default=None, help="At most this many events."),
    ]):
        fn = option(fn)
    return fn


@click.command("link")
@db_option
@profile_option
@click.option("--full", is_flag=True, help="Link everything again (and fit the model again), not only what is new.")
@format_option("text", "json", default="text")
def link_command(db, profile, full, fmt):
    """Link stored incidents into events: who told what, origins and relays, and how well it is corroborated.

    Incremental: new reports join existing events; after ``reextract`` the
    events are rebuilt and analysts' decisions replayed.  Linking again with
    nothing new changes nothing.
    """
    prof = load_profile(profile)
    with Store(db) as store:
        summary = event_service.link(store, profile=prof, full=full)
    for line in summary.notes:
        note(line)
    if fmt == "json":
        click.echo(json.dumps(summary.__dict__, default=str))
        return
    click.echo(summary.line())
    if summary.seconds:
        click.echo("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in summary.seconds.items()))


@click.command("events")
@db_option
@profile_option
@event_filter_options
@format_option("table", "jsonl", default="table")
def events_command(db, profile, fmt, **filters):
    """Stored events, filtered, newest first."""
    prof = load_profile(profile)
    filt = event_service.event_filter(prof, **filters)
    with Store(db) as store:
        if fmt == "jsonl":
            write_jsonl(store.events(filt))
            return
        rows = list(store.events(filt))
        total = store.count_events(filt) if filt.limit else len(rows)
    console().print(_events_table(rows, lambda code: province_label(prof, code), f"{total} events"))


def _events_table(events, province, title):
    from rich.table import Table

    table = Table(title=title)
    for name, kw in (("id", {"justify": "right"}), ("category", {"no_wrap": True}), ("place", {}), ("province", {}),
                     ("when", {"no_wrap": True}), ("reports", {"justify": "right"}),
                     ("origins", {"justify": "right"}), ("grade", {}), ("contra.", {"justify": "right"}),
                     ("summary", {"overflow": "fold", "max_width": 60})):
        table.add_column(name, **kw)
    for e in events:
        t = e.time
        when = t.start.isoformat() if t.start == t.end else f"{t.start.isoformat()}…{t.end.isoformat()}"
        table.add_row(str(e.id), e.category, e.location.name or "—",
                      province(e.location.admin1_iso or e.location.country), when, str(len(e.report_ids)),
                      str(e.origins), e.grade.code if e.grade else "—", str(len(e.contradictions)), e.summary)
    return table


@click.command("event")
@click.argument("event_id", type=click.IntRange(1, 2**62))
@db_option
@profile_option
@format_option("text", "json", default="text")
def event_command(event_id, db, profile, fmt):
    """One event: its reports and their evidence, origins and relays as a tree, the grade and why, contradictions."""
    prof = load_profile(profile)
    with Store(db) as store:
        event = event_service.event_detail(store, event_id)
    if fmt == "json":
        out = event.to_dict()
        out["incidents"] = [i.to_dict() for i in event.incidents]
        out["links"] = [link.to_dict() for link in event.links]
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    _print_event(event, prof)


def _print_event(event, prof) -> None:
    out = console()
    t, loc, g = event.time, event.location, event.grade
    when = t.start.isoformat() if t.start == t.end else f"{t.start.isoformat()}…{t.end.isoformat()}"
    out.print(f"[bold]Event {event.id}[/bold]: {event.category} — {event.summary}")
    out.print(f"where: {loc.name or '—'}, {province_label(prof, loc.admin1_iso or loc.country)} ({loc.precision}); "
              f"when: {when} ({t.precision})")
    out.print(f"{len(event.report_ids)} reports, {len(event.incident_ids)} incidents, "
              f"{event.origins} independent origin{'s' if event.origins != 1 else ''}")
    if g:
        corr = prof.corroboration
        out.print(f"\n[bold]Grade {g.code}[/bold]: source {corr.reliability[g.reliability]}, "
                  f"information {corr.credibility[g.credibility]}")
        out.print(f"  rule: {g.rule}")
        for reason in g.reasons:
            out.print(f"  · {reason}")
    out.print("\n[bold]Contradictions[/bold]" if event.contradictions else "\nContradictions: none")
    for c in event.contradictions:
        out.print(f"  ! {c.field}: {c.text}")
    out.print("\n[bold]Origins and relays[/bold]")
    for depth, line in event_service.provenance_tree(event):
        out.print("  " + "    " * depth + ("└─ " if depth else "● ") + line, markup=False)
    out.print("\n[bold]Reports and evidence[/bold]")
    for inc in event.incidents:
        r = inc.report
        day = r.published.isoformat() if r and r.published else "undated"
        out.print(f"  report {r.id if r else '?'} · {(r.outlet if r else None) or 'outlet unknown'} · {day} · "
                  f"{inc.category} · {inc.location.name or '—'}", markup=False)
        out.print(f"      “{' '.join(inc.evidence_text.split())}”", markup=False)
    if event.links:
        out.print("\n[bold]Links[/bold] (strongest first)")
        for link in event.links[:20]:
            top = sorted(link.reasons, key=lambda x: -abs(x.weight))[:3]
            out.print(f"  incidents {link.a}–{link.b}: weight {link.weight:+.1f} (p {link.probability:.2f}"
                      f"{', linked' if link.linked else ', not linked'}); "
                      + "; ".join(f"{x.text} ({x.weight:+.1f})" for x in top), markup=False)


@click.group("decide")
def decide_group():
    """Analysts' decisions about events: merge, split, detach (kept, and replayed after every link)."""


def _decided(store, prof, kind, ids, by, why, reports=()):
    decision_id, events = event_service.decide(store, kind, list(ids), by=by, why=why, reports=reports,
                                               profile=prof)
    click.echo(f"decision {decision_id} ({kind}) recorded; events now: "
               + ", ".join(f"{e.id} ({len(e.report_ids)} reports, {e.grade.code if e.grade else '—'})"
                           for e in events))


def _who_why(fn):
    fn = click.option("--why", required=True, help="Why (kept with the decision).")(fn)
    return click.option("--by", required=True, help="Who decides (kept with the decision).")(fn)


@decide_group.command("merge")
@click.argument("event_ids", nargs=-1, required=True, type=click.IntRange(1, 2**62))
@db_option
@profile_option
@_who_why
def decide_merge(event_ids, db, profile, by, why):
    """Merge two or more events into one."""
    with Store(db) as store:
        _decided(store, load_profile(profile), "merge", event_ids, by, why)


@decide_group.command("split")
@click.argument("event_id", type=click.IntRange(1, 2**62))
@click.option("--reports", required=True, help="Report ids that go apart into their own event (comma-separated).")
@db_option
@profile_option
@_who_why
def decide_split(event_id, reports, db, profile, by, why):
    """Split an event: the named reports' incidents become an event of their own."""
    try:
        ids = [int(x) for x in reports.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter("give report ids as whole numbers separated by commas", param_hint="--reports")
    with Store(db) as store:
        _decided(store, load_profile(profile), "split", [event_id], by, why, ids)


@decide_group.command("detach")
@click.argument("event_id", type=click.IntRange(1, 2**62))
@click.argument("report_id", type=click.IntRange(1, 2**62))
@db_option
@profile_option
@_who_why
def decide_detach(event_id, report_id, db, profile, by, why):
    """Detach one report from an event."""
    with Store(db) as store:
        _decided(store, load_profile(profile), "detach", [event_id], by, why, [report_id])


@decide_group.command("list")
@db_option
@format_option("table", "jsonl", default="table")
def decide_list(db, fmt):
    """Analysts' decisions, in the order they are replayed."""
    with Store(db) as store:
        decisions = store.decisions(active_only=False)
    if fmt == "jsonl":
        for d in decisions:
            click.echo(json.dumps(d.to_dict(), ensure_ascii=False))
        return
    for d in decisions:
        targets = " + ".join(f"{t.category} (reports {', '.join(map(str, t.report_ids))})" for t in d.targets)
        extra = f"; reports {', '.join(map(str, d.reports))}" if d.reports else ""
        click.echo(f"{d.id}. {d.at:%Y-%m-%d %H:%M} {d.by}: {d.kind} {targets}{extra} — {d.why}"
                   + ("" if d.active else " (withdrawn)"))



def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name, as for a container's numeric user
        return "command line"


@decide_group.command("withdraw")
@click.argument("decision_id", type=click.IntRange(1, 2**62))
@db_option
@click.option("--by", default=_login_name, show_default="your login name", help="Who withdraws it (audited).")
@click.option("--why", default="", help="Why (audited).")
def decide_withdraw(decision_id, db, by, why):
    """Withdraw a decision: it is no longer replayed (run ``seethe link`` to relink)."""
    with Store(db) as store:
        event_service.withdraw(store, decision_id, by=by, why=why)
    click.echo(f"decision {decision_id} withdrawn; the next link replays the others")


@click.command("export-events")
@db_option
@profile_option
@event_filter_options
@format_option(*FORMATS)
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: standard output).")
def export_events_command(db, profile, fmt, out, **filters):
    """Export events as CSV, JSON Lines or GeoJSON (one row, line or feature per event; streamed)."""
    filt = event_service.event_filter(load_profile(profile), **filters)
    with Store(db) as store:
        export_to(out, lambda stream: write_event_export(store.events(filt), fmt, stream), "events")


@click.command("link-eval")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--texts", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of the report texts (default: the dataset folder).")
@click.option("--mode", type=click.Choice(["gold", "extracted", "both"]), default="both", show_default=True,
              help="Link the gold incidents, the extracted ones, or both.")
@click.option("--level", type=click.Choice(["act", "happening"]), default="act", show_default=True,
              help="Score against the gold acts (a happening's incidents sharing a code) or whole happenings.")
@click.option("--mistakes", is_flag=True, help="List every report whose role was judged wrongly.")
@profile_option
@format_option("table", "json", default="table")
def link_eval_command(dataset, texts, mode, level, mistakes, profile, fmt):
    """Score linking on a linked evaluation set: B-cubed and pairwise P/R/F1, relay-vs-origin accuracy."""
    from seethe.services.linkeval import evaluate_linking, load_linked_set

    linked = load_linked_set(dataset, texts)
    modes = ("gold", "extracted") if mode == "both" else (mode,)
    scores = [evaluate_linking(linked, profile, m, level) for m in modes]
    if fmt == "json":
        click.echo(json.dumps([s.to_dict() for s in scores]))
        return
    for s in scores:
        click.echo(f"{s.mode} incidents ({s.incidents} scored, {s.in_happenings} in happenings; level {s.level}): "
                   f"{s.events} events, {s.multi_report_events} told by several reports")
        click.echo(f"  B-cubed   {s.bcubed.line()}    (happenings only: {s.bcubed_happenings.line()})")
        click.echo(f"  pairwise  {s.pairwise.line()}    (happenings only: {s.pairwise_happenings.line()})")
        click.echo(f"  relay vs origin: {s.roles_right}/{s.members} = {s.relay_accuracy:.3f} "
                   f"({s.members_found} members found); " + ", ".join(
                       f"{a}→{b} {n}" for (a, b), n in sorted(s.confusion.items())))
        for line in s.notes:
            click.echo(f"  note: {line}")
        if mistakes:
            for line in s.mistakes:
                click.echo(f"    {line}")
