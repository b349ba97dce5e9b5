"""Rendering for people (rich tables) and programs (JSON Lines); every incident through ``Incident.to_dict``."""

from __future__ import annotations

import json
import sys
from typing import IO, Callable, Iterable

import click

from seethe.cli._errors import note
from seethe.models import Event, Incident


def write_jsonl(records: Iterable[Incident | Event], stream=None) -> int:
    """One JSON line per incident or event, in its one rendering (``to_dict``)."""
    stream = stream or sys.stdout
    n = 0
    for record in records:
        stream.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    stream.flush()
    return n


def incident_table(incidents: Iterable[Incident], province: Callable[[str | None], str], title: str | None = None):
    """A table of incidents (extracted or stored); ``province`` names a code for people."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("category", style="bold", no_wrap=True)
    table.add_column("place", no_wrap=True)
    table.add_column("province")
    table.add_column("when", no_wrap=True)
    table.add_column("prec.")
    table.add_column("by")
    table.add_column("conf.", justify="right")
    table.add_column("summary", overflow="fold", max_width=60)
    for inc in incidents:
        r = inc.to_dict()
        loc, t = r["location"], r["time"]
        when = t["start"] if t["start"] == t["end"] else f"{t['start']}…{t['end']}"
        table.add_row(
            r["category"], loc["name"] or "—", province(loc["admin1_iso"] or loc["country"]), when,
            t["precision"], ", ".join(r["reported_by"]) or "—", f"{r['confidence']:.2f}", r["summary"],
        )
    return table


def count_table(title: str, counts: dict[str, int], key_header: str, label: Callable[[str], str] = str):
    from rich.table import Table

    table = Table(title=title)
    table.add_column(key_header)
    table.add_column("incidents", justify="right")
    for key, n in counts.items():
        table.add_row(label(key), str(n))
    return table


def console():
    """A rich console; wide enough for the incident table when output is not a terminal."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=160)


def export_to(out: str | None, write: Callable[[IO[str]], int], noun: str) -> None:
    """Run an export writer into ``out`` (a file) or standard output; says how many were written to a file."""
    try:
        stream = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write: {exc.strerror}") from None
    try:
        n = write(stream)
    finally:
        if out:
            stream.close()
        else:
            stream.flush()
    if out:
        note(f"{n} {noun} written to {out}")
