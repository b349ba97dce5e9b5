"""Rendering incidents for people (rich tables) and programs (JSON Lines)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Iterable

from seethe.models import Incident


def write_jsonl(incidents: Iterable[Incident], stream=None) -> int:
    stream = stream or sys.stdout
    n = 0
    for inc in incidents:
        stream.write(json.dumps(inc.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    stream.flush()
    return n


def incident_table(records: list[dict], title: str | None = None):
    """A table of incidents in the interchange format (extracted or stored)."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("category", style="bold", no_wrap=True)
    table.add_column("place", no_wrap=True)
    table.add_column("prov.")
    table.add_column("when", no_wrap=True)
    table.add_column("prec.")
    table.add_column("by")
    table.add_column("conf.", justify="right")
    table.add_column("summary", overflow="fold", max_width=60)
    for r in records:
        loc, t = r["location"], r["time"]
        when = t["start"] if t["start"] == t["end"] else f"{t['start']}…{t['end']}"
        table.add_row(
            r["category"], loc.get("name") or "—", loc.get("admin1_iso") or loc.get("country") or "—", when,
            t["precision"], ", ".join(r["reported_by"]) or "—", f"{r['confidence']:.2f}", r["summary"],
        )
    return table


def count_table(title: str, counts: Counter, key_header: str):
    from rich.table import Table

    table = Table(title=title)
    table.add_column(key_header)
    table.add_column("incidents", justify="right")
    for key, n in counts.most_common():
        table.add_row(str(key), str(n))
    return table


def console():
    """A rich console; wide enough for the incident table when output is not a terminal."""
    import sys

    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=160)
