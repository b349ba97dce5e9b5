"""``seethe places``: look names up in the gazetteer."""

from __future__ import annotations

import json

import click

from seethe.profile import load_profile


@click.group("places")
def places_group() -> None:
    """The gazetteer: look up, list and count places."""


@places_group.command("lookup")
@click.argument("name")
@click.option("--profile", default="kp", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lookup_command(name, profile, fmt):
    """Gazetteer entries that NAME can mean, best first."""
    gaz = load_profile(profile).gazetteer
    found = gaz.lookup(name)
    if fmt == "json":
        click.echo(json.dumps([{
            "id": p.id, "name": p.name, "type": p.type, "country": p.country, "admin1_iso": p.admin1_iso,
            "admin2": p.admin2, "lat": p.lat, "lon": p.lon, "hangul": p.hangul,
        } for p in found], ensure_ascii=False))
        return
    if not found:
        click.echo(f"no match for {name!r}")
        raise SystemExit(1)
    for p in found:
        click.echo(f"{p.id:20s} {p.name:28s} {p.type:9s} {p.admin1_iso or p.country:6s} {p.lat} {p.lon}")


@places_group.command("stats")
@click.option("--profile", default="kp", show_default=True)
def stats_command(profile):
    """Counts of places by type and of names."""
    from collections import Counter

    gaz = load_profile(profile).gazetteer
    by_type = Counter(p.type for p in gaz.places.values())
    click.echo(f"places: {len(gaz)}")
    for t, n in by_type.most_common():
        click.echo(f"  {t:10s} {n}")
    click.echo(f"names: {sum(len(p.names) for p in gaz.places.values())}")
    click.echo(f"without coordinates: {sum(1 for p in gaz.places.values() if p.lat is None)}")
