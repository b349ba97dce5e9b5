"""``seethe places``: look up, list, count and evaluate the gazetteer."""

from __future__ import annotations

import json
from collections import Counter

import click

from seethe.cli._options import finite_between, profile_option
from seethe.geo import gazetteer_for, resolver_for
from seethe.models import Place
from seethe.profile import load_profile
from seethe.services import province_code

ADMIN_TYPES = ("province", "city", "county", "district")


def _record(p: Place, score: float | None = None) -> dict:
    out = {"id": p.id, "name": p.name, "type": p.type, "country": p.country, "admin1_iso": p.admin1_iso,
           "admin2": p.admin2, "lat": p.lat, "lon": p.lon, "hangul": p.hangul, "names": list(p.names)}
    if score is not None:
        out["score"] = score
    return out


@click.group("places")
def places_group() -> None:
    """The gazetteer: look up, list, count and evaluate places."""


@places_group.command("lookup")
@click.argument("name")
@profile_option
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--threshold", type=float, callback=finite_between(0, 100), default=80.0, show_default=True,
              help="Fuzzy score under which a name is no match.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lookup_command(name, profile, limit, threshold, fmt):
    """The gazetteer entry NAME means, in any common spelling, and the runners-up with scores."""
    found = gazetteer_for(load_profile(profile)).search(name, limit=limit, threshold=threshold)
    if fmt == "json":
        click.echo(json.dumps([_record(p, s) for p, s in found], ensure_ascii=False))
        if not found:
            raise SystemExit(1)
        return
    if not found:
        click.echo(f"no match for {name!r} (nothing scores {threshold:.0f} or more)")
        raise SystemExit(1)
    best, score = found[0]
    click.echo(f"{best.name} ({best.type}, {best.admin1_iso or best.country}) score {score:.0f}")
    click.echo(f"  id {best.id}; admin2 {best.admin2 or '-'}; {best.lat}, {best.lon}; Hangul {best.hangul or '-'}")
    click.echo(f"  spellings: {', '.join(best.names[:12])}{' …' if len(best.names) > 12 else ''}")
    for p, s in found[1:]:
        click.echo(f"  runner-up: {p.name} ({p.type}, {p.admin1_iso or p.country}) score {s:.0f}  [{p.id}]")


@places_group.command("list")
@click.option("--type", "place_type", type=click.Choice(
    ["country", "region", "province", "city", "county", "district", "town", "site", "feature"]))
@click.option("--province", help="ISO 3166-2 code (KP-10) or a province name (Ryanggang).")
@profile_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_command(place_type, province, profile, fmt):
    """Places of a type and/or in a province."""
    prof = load_profile(profile)
    iso = province_code(prof, province) if province else None
    places = gazetteer_for(prof).by_type(place_type, iso)
    if fmt == "json":
        click.echo(json.dumps([_record(p) for p in places], ensure_ascii=False))
        return
    for p in places:
        click.echo(f"{p.admin1_iso or p.country:6s} {p.type:9s} {p.name:40s} {p.lat if p.lat is not None else '-'}, "
                   f"{p.lon if p.lon is not None else '-'}  [{p.id}]")
    click.echo(f"{len(places)} places")


@places_group.command("stats")
@profile_option
def stats_command(profile):
    """Counts of places by kind and of their names."""
    prof = load_profile(profile)
    gaz = gazetteer_for(prof)
    places = list(gaz.places.values())
    admin = [p for p in places if p.country == prof.country and p.type in ADMIN_TYPES]
    further = [p for p in places if p not in admin]
    click.echo(f"gazetteer {prof.id}@{prof.version}: {len(places)} places, {sum(len(p.names) for p in places)} names")
    click.echo(f"  administrative units of {prof.country}: {len(admin)}")
    for t, n in Counter(p.type for p in admin).most_common():
        click.echo(f"    {t:10s} {n}")
    click.echo(f"  further places: {len(further)}")
    for t, n in Counter(p.type for p in further).most_common():
        click.echo(f"    {t:10s} {n}")
    click.echo(f"  abroad: {sum(1 for p in places if p.country != prof.country)} places in "
               f"{len({p.country for p in places if p.country != prof.country})} countries")
    click.echo(f"  without coordinates: {sum(1 for p in places if p.lat is None)}")


@places_group.command("eval")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@profile_option
@click.option("--errors", is_flag=True, help="List the mentions resolved wrongly.")
@click.option("--json", "as_json", is_flag=True)
def eval_command(files, profile, errors, as_json):
    """Geoparsing accuracy on mentions in context (default: the bundled test set)."""
    from seethe.geo.evaluate import DEFAULT_SETS, evaluate_geoparse

    prof = load_profile(profile)
    result = evaluate_geoparse(list(files) or DEFAULT_SETS, resolver_for(prof), prof.lexicon.abbreviations)
    if as_json:
        click.echo(json.dumps(result.summary()))
        return
    if errors:
        for e in result.errors:
            click.echo(f"  {e}")
    s = result.summary()
    click.echo(f"mentions={s['mentions']} found={s['found']} province accuracy={s['province_accuracy']:.3f} "
               f"exact-entry accuracy={s['exact_accuracy']:.3f} median error={s['median_error_km']:.1f} km")
