"""``seethe analyse reach|cluster|delay|index`` and ``seethe brief``: the analyses over a stored corpus.

Each command selects incidents with the same filters as ``seethe incidents``
(or ``--ids``), runs one analysis, and prints its answer with its assumptions
and how many incidents it used and left out (``--format json`` for programs).
``--chart STEM`` also draws it (STEM.png and STEM.svg).  ``--unit`` says what
is counted: incidents, or events (one happening told by several reports
counts once); the first assumption printed says which, and why.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from seethe.analyse import Speed, charts, cluster, delay, index, reach
from seethe.analyse import brief as write_brief
from seethe.cli._errors import note
from seethe.cli._options import db_option, filter_options, format_option, iso_date, profile_option, unit_option
from seethe.errors import UsageError
from seethe.profile import load_profile
from seethe.services.analyses import Selection, counted, graded_events, select
from seethe.store import Store

MODES = ("foot", "bicycle", "road", "rail")


def _ids(ctx, param, value):
    if not value:
        return ()
    try:
        return tuple(int(v) for v in value.replace(",", " ").split())
    except ValueError:
        raise click.BadParameter("give ids as whole numbers, separated by commas") from None


def _selection(db, profile, ids, unit, filters) -> Selection:
    """The occurrences a command runs over (listed ids, or the filters'), per incident or per event."""
    with Store(db) as store:
        return select(store, load_profile(profile), filters, ids=ids, unit=unit)


def _selection_options(fn):
    fn = click.option("--ids", callback=_ids,
                      help="Ids to analyse (comma-separated) instead of filters: incident ids, or event ids with "
                           "--unit events.")(fn)
    return db_option(profile_option(unit_option(filter_options(fn))))


def _emit(result, selection: Selection, fmt: str, chart=None, chart_stem: str | None = None) -> None:
    result = counted(result, selection)
    if fmt == "json":
        click.echo(json.dumps({**result.to_dict(), "unit": selection.unit}, ensure_ascii=False))
    else:
        click.echo("\n".join(result.describe()))
    if chart_stem and chart is not None:
        png, svg = chart(result, chart_stem)
        note(f"charts written: {png}, {svg}")


@click.group("analyse")
def analyse_group() -> None:
    """Analyses over stored incidents or events: one actor or many, clusters, delays, pressure by province."""


def _speed(ctx, param, values):
    out = {}
    for value in values:
        mode, _, pace = value.partition("=")
        kmh, _, hours = pace.partition("/")
        try:
            out[mode.strip()] = Speed(float(kmh), float(hours) if hours else 24.0)
        except (ValueError, TypeError):
            raise click.BadParameter(f"{value!r}: write MODE=KMH or MODE=KMH/HOURS_PER_DAY (foot=5/10)") from None
    return out


@analyse_group.command("reach")
@_selection_options
@click.option("--mode", type=click.Choice(MODES), default="rail", show_default=True,
              help="The verdict's mode of travel (every mode is also reported).")
@click.option("--speed", "speeds", multiple=True, callback=_speed,
              help="Override a mode's speed: MODE=KMH[/HOURS_PER_DAY], e.g. foot=4/8. Repeatable.")
@click.option("--detour", type=click.FloatRange(1.0, 5.0), default=None,
              help="Straight-line distance multiplier for roads and paths (default: the profile's).")
@format_option("text", "json", default="text")
@click.option("--chart", "chart_stem", help="Draw the route to STEM.png and STEM.svg.")
def reach_command(db, profile, unit, ids, mode, speeds, detour, fmt, chart_stem, **filters):
    """Could one person have carried out all the selected incidents?"""
    sel = _selection(db, profile, ids, unit, filters)
    result = reach(sel.occurrences, speeds or None, mode=mode, detour=detour, profile=profile)
    _emit(result, sel, fmt, charts.route_chart, chart_stem)


@analyse_group.command("cluster")
@_selection_options
@click.option("--permutations", type=click.IntRange(19, 99999), default=999, show_default=True)
@click.option("--distance-km", type=click.FloatRange(0.1, 1000), default=25.0, show_default=True,
              help="Knox: pairs this close in space ...")
@click.option("--days", type=click.IntRange(0, 365), default=3, show_default=True, help="... and in time.")
@click.option("--seed", type=int, default=0, show_default=True)
@format_option("text", "json", default="text")
def cluster_command(db, profile, unit, ids, permutations, distance_km, days, seed, fmt, **filters):
    """Coordinated or spontaneous? Space-time interaction tests and the most likely cluster."""
    sel = _selection(db, profile, ids, unit, filters)
    result = cluster(sel.occurrences, permutations=permutations, distance_km=distance_km, days=days, seed=seed,
                     profile=profile)
    _emit(result, sel, fmt)


@analyse_group.command("delay")
@_selection_options
@click.option("--as-of", callback=iso_date, help="The day the data were taken (default: the latest publication).")
@click.option("--horizon", type=click.IntRange(1, 24), default=6, show_default=True, help="Months to nowcast.")
@format_option("text", "json", default="text")
@click.option("--chart", "chart_stem", help="Draw the delay distribution and nowcast to STEM.png and STEM.svg.")
def delay_command(db, profile, unit, ids, as_of, horizon, fmt, chart_stem, **filters):
    """How late reports come, and what the last months will look like once they are all in."""
    sel = _selection(db, profile, ids, unit, filters)
    result = delay(sel.occurrences, as_of, horizon=horizon)
    _emit(result, sel, fmt, charts.delay_chart, chart_stem)


@analyse_group.command("index")
@_selection_options
@format_option("text", "json", default="text")
@click.option("--chart", "chart_stem", help="Draw the dissent rate by province to STEM.png and STEM.svg.")
def index_command(db, profile, unit, ids, fmt, chart_stem, **filters):
    """Where pressure rises: rates by province and month against all reporting, change points, lags."""
    sel = _selection(db, profile, ids, unit, filters)
    _emit(index(sel.occurrences), sel, fmt, charts.province_map, chart_stem)


@click.command("brief")
@_selection_options
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="The brief's HTML file (a PDF is written beside it).")
@click.option("--title", default="Seethe brief", show_default=True)
def brief_command(db, profile, unit, ids, out, title, **filters):
    """A brief of a period: its incidents or events (with their grades), the four analyses and their methods and
    caveats (HTML and PDF)."""
    if not Path(out).resolve().parent.is_dir():
        raise UsageError("the folder for the brief does not exist", source=out, code="usage.path")
    with Store(db) as store:
        # Delays and the index need the history before the period: only its end limits the selection.
        sel = select(store, load_profile(profile), {**filters, "since": None}, ids=ids, unit=unit)
        events = graded_events(store, sel)
    paths = write_brief(sel.occurrences, out, title=title, start=filters.get("since"), end=filters.get("until"),
                        events=events, counted=sel.why)
    note("brief written: " + ", ".join(str(p) for p in paths.values()))
