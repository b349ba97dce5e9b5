"""Charts for the analyses, as PNG and SVG files (matplotlib, no display needed).

Figures are built with ``matplotlib.figure.Figure`` directly, never through
pyplot's global state, so charts can be drawn from any thread or server.
Every function writes ``<stem>.png`` and ``<stem>.svg`` and returns both paths;
``figure_*`` functions return the figure itself (for the PDF brief).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from seethe.analyse._geometry import AreaTable, load_area_table
from seethe.analyse._records import Occurrence
from seethe.analyse.delays import DelayResult, _month_starts, monthly_counts
from seethe.analyse.indices import IndexResult
from seethe.analyse.routes import ReachResult

FAMILY_COLOURS = {"dissent": "#c0392b", "control": "#2c3e50", "burden": "#d68910", "disorder": "#7d3c98",
                  "elite": "#1e8449", "military": "#5d6d7e"}


def _disc(lat: float, lon: float, radius_km: float, **style) -> Ellipse:
    """A disc of ``radius_km`` drawn in lon/lat degrees (a degree of longitude is shorter)."""
    return Ellipse((lon, lat), 2 * radius_km / (111.0 * math.cos(math.radians(lat))), 2 * radius_km / 111.0, **style)


def save(fig: Figure, stem: str | Path) -> tuple[Path, Path]:
    """Write a figure as ``stem.png`` and ``stem.svg``."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, dpi=120, bbox_inches="tight")
    fig.savefig(svg, bbox_inches="tight")
    return png, svg


def figure_timeline(occurrences: Iterable[Occurrence], *, title: str = "Occurrences by family and month") -> Figure:
    """Monthly counts per family; an occurrence spanning months counts in each, in proportion."""
    occs = [o for o in occurrences if o.time_precision != "unknown"]
    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    if occs:
        first, last = min(o.start for o in occs), max(o.end for o in occs)
        months = _month_starts(first, last)
        for family in sorted({o.family for o in occs}):
            counts = monthly_counts([o for o in occs if o.family == family], months, last)
            ax.plot(months, counts, marker="o", ms=3, label=family, color=FAMILY_COLOURS.get(family))
        ax.legend(fontsize=8, ncol=3)
    ax.set_title(title)
    ax.set_ylabel("occurrences per month")
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    return fig


def timeline_chart(occurrences: Iterable[Occurrence], stem: str | Path, **kw) -> tuple[Path, Path]:
    return save(figure_timeline(occurrences, **kw), stem)


def figure_province_map(result: IndexResult, family: str = "dissent", *, areas: AreaTable | None = None) -> Figure:
    """Province centroids on a lon/lat plot: colour = the family's rate (shrunk), size = how much is reported.

    No boundary polygons ship with Seethe, so this is a proportional-symbol map,
    not a choropleth; each province's disc has the area of the province at scale.
    """
    areas = areas or load_area_table()
    fig = Figure(figsize=(6.5, 7))
    ax = fig.subplots()
    rates = {p: r[family] for p, r in result.by_province.items() if family in r}
    cmap = __import__("matplotlib").colormaps["OrRd"]
    hi = max([r.value for r in rates.values()] + [1e-9])
    for code, prov in areas.provinces.items():
        deg = prov.radius_km / 111.0
        ax.add_patch(_disc(prov.lat, prov.lon, prov.radius_km, facecolor="#f2f2f2", edgecolor="#bbbbbb", lw=0.5))
        r = rates.get(code)
        if r is None:
            ax.text(prov.lon, prov.lat, f"{prov.name}\nno reports", ha="center", va="center", fontsize=7, color="#888")
            continue
        size = 30 + 8 * math.sqrt(r.total)
        ax.scatter([prov.lon], [prov.lat], s=size, color=cmap(0.2 + 0.8 * r.value / hi), edgecolor="black", lw=0.5,
                   zorder=3)
        ax.text(prov.lon, prov.lat - deg * 0.55, f"{prov.name}\n{r.value:.2f} [{r.lower:.2f}-{r.upper:.2f}]\n"
                f"n={r.total:.0f}", ha="center", va="top", fontsize=7, zorder=4)
    ax.set_xlim(123.5, 131.2)
    ax.set_ylim(37.3, 43.3)
    ax.set_aspect(1 / math.cos(math.radians(40)))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(f"{family} as a share of all reporting, by province\n(colour: rate; dot size: reports; grey disc: "
                 "province area)", fontsize=10)
    return fig


def province_map(result: IndexResult, stem: str | Path, family: str = "dissent", **kw) -> tuple[Path, Path]:
    return save(figure_province_map(result, family, **kw), stem)


def figure_delay(result: DelayResult) -> Figure:
    """Delays spread over their intervals (bars), the fitted distribution (line) and the nowcast."""
    fig = Figure(figsize=(10, 4))
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    hist = np.array(result.histogram)
    days = np.arange(len(hist))
    if hist.sum() > 0:
        ax.bar(days, hist / hist.sum(), width=1.0, color="#aab7b8", label="observed (spread over each interval)")
    ax.plot(days, result.overall.pmf(days), color="#c0392b", lw=2, label=f"fitted {result.overall.family}")
    ax.axvline(result.overall.median_days, color="#c0392b", ls="--", lw=1)
    ax.set_xlabel("days from event to first publication")
    ax.set_ylabel("share")
    ax.set_title(f"Reporting delay (median {result.overall.median_days:.0f} days)")
    ax.legend(fontsize=8)
    if result.nowcast:
        months = [m.month for m in result.nowcast]
        x = np.arange(len(months))
        ax2.bar(x, [m.reported for m in result.nowcast], color="#aab7b8", label="reported so far")
        ax2.errorbar(x, [m.nowcast for m in result.nowcast],
                     # The interval is of the count; the point is its mean, which a skewed interval may not hold.
                     yerr=[[max(0.0, m.nowcast - m.lower) for m in result.nowcast],
                           [max(0.0, m.upper - m.nowcast) for m in result.nowcast]],
                     fmt="o", color="#c0392b", capsize=3, label=f"nowcast, {result.level:.0%} interval")
        ax2.set_xticks(x, [f"{m:%Y-%m}" for m in months], rotation=45, fontsize=8)
        ax2.set_title(f"Monthly counts as of {result.as_of}")
        ax2.legend(fontsize=8)
    return fig


def delay_chart(result: DelayResult, stem: str | Path) -> tuple[Path, Path]:
    return save(figure_delay(result), stem)


def figure_route(result: ReachResult) -> Figure:
    """The reach route on a lon/lat plot: places as discs of their precision, legs in order, binding legs red."""
    fig = Figure(figsize=(6.5, 7))
    ax = fig.subplots()
    binding = set(result.binding)
    for pid, (lat, lon, radius) in result.places.items():
        if radius > 0:
            ax.add_patch(_disc(lat, lon, radius, facecolor="#fdebd0", edgecolor="#d68910", lw=0.6, alpha=0.6))
        ax.plot(lon, lat, "o", color="#2c3e50", ms=4)
    for k, pid in enumerate(result.order):
        lat, lon, _ = result.places[pid]
        ax.annotate(f"{k + 1}. {pid}", (lon, lat), textcoords="offset points", xytext=(5, 5), fontsize=7)
    for leg in result.legs:
        a, b = result.places[leg.from_id], result.places[leg.to_id]
        colour = "#c0392b" if (leg.from_id, leg.to_id) in binding else "#2c3e50"
        ax.annotate("", xy=(b[1], b[0]), xytext=(a[1], a[0]),
                    arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.5})
    lats = [p[0] for p in result.places.values()]
    lons = [p[1] for p in result.places.values()]
    pad = 0.6
    ax.set_xlim(min(lons) - pad, max(lons) + pad)
    ax.set_ylim(min(lats) - pad, max(lats) + pad)
    ax.set_aspect(1 / math.cos(math.radians(float(np.mean(lats)))))
    verdict = {True: "possible", False: "impossible", None: "undetermined"}[result.possible]
    ax.set_title(f"One person by {result.mode}: {verdict}; slowest sufficient pace {result.min_speed_kmh:.1f} km/h\n"
                 "(route timed at that pace; red legs bind)", fontsize=10)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    return fig


def route_chart(result: ReachResult, stem: str | Path) -> tuple[Path, Path]:
    return save(figure_route(result), stem)
