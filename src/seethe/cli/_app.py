from __future__ import annotations

import click

from seethe.cli.corpus import export_command, incidents_command, ingest_command, reextract_command, stats_command
from seethe.cli.events import (
    decide_group, event_command, events_command, export_events_command, link_command, link_eval_command,
)
from seethe.cli.extract import demo_command, eval_command, extract_command
from seethe.cli.places import places_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="seethe")
def cli() -> None:
    """Seethe: incidents of dissent and state control from sparse, delayed reports."""


for command in (extract_command, eval_command, demo_command, places_group, ingest_command, incidents_command,
                export_command, stats_command, reextract_command, link_command, events_command, event_command,
                decide_group, export_events_command, link_eval_command):
    cli.add_command(command)
