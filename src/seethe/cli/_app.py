"""The ``seethe`` group.  Commands load when invoked, so ``seethe stats`` does not
pay for importing the extraction pipeline and ``seethe extract`` not for the store."""

from __future__ import annotations

from importlib import import_module

import click

COMMANDS = {
    "extract": "seethe.cli.extract:extract_command",
    "eval": "seethe.cli.extract:eval_command",
    "demo": "seethe.cli.extract:demo_command",
    "places": "seethe.cli.places:places_group",
    "ingest": "seethe.cli.corpus:ingest_command",
    "incidents": "seethe.cli.queries:incidents_command",
    "export": "seethe.cli.queries:export_command",
    "stats": "seethe.cli.queries:stats_command",
    "reextract": "seethe.cli.corpus:reextract_command",
    "analyse": "seethe.cli.analyse:analyse_group",
    "brief": "seethe.cli.analyse:brief_command",
    "serve": "seethe.cli.serve:serve_command",
    "users": "seethe.cli.serve:users_group",
    "link": "seethe.cli.events:link_command",
    "events": "seethe.cli.events:events_command",
    "event": "seethe.cli.events:event_command",
    "decide": "seethe.cli.events:decide_group",
    "export-events": "seethe.cli.events:export_events_command",
    "link-eval": "seethe.cli.events:link_eval_command",
}


class LazyGroup(click.Group):
    """A group whose commands are named here and imported on first use."""

    def __init__(self, *args, lazy: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            module, attr = self.lazy[name].split(":")
            self.add_command(getattr(import_module(module), attr), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="seethe")
def cli() -> None:
    """Seethe: incidents of dissent and state control from sparse, delayed reports."""
