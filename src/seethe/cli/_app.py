from __future__ import annotations

import click

from seethe.cli.extract import demo_command, eval_command, extract_command
from seethe.cli.corpus import export_command, incidents_command, ingest_command, reextract_command, stats_command
from seethe.cli.places import places_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="seethe")
def cli() -> None:
    """Seethe: incidents of dissent and state control from sparse, delayed reports."""


cli.add_command(extract_command)
cli.add_command(eval_command)
cli.add_command(demo_command)
cli.add_command(places_group)
cli.add_command(ingest_command)
cli.add_command(incidents_command)
cli.add_command(export_command)
cli.add_command(stats_command)
cli.add_command(reextract_command)
