"""A brief for one period: the occurrences, the four analyses with their assumptions, methods and caveats.

``brief`` writes an HTML file (charts embedded as PNG data, every text
escaped) and a PDF (matplotlib's PdfPages: text pages and the same charts),
both from pure-Python packages.  An analysis that cannot run on the period's
records (too few, no dates) is reported as not run, with the reason; the
brief is still written.  When the corpus is linked, the period's events are
listed with their grades (how well each is corroborated).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from seethe.analyse import charts
from seethe.analyse._records import Occurrence
from seethe.analyse._results import stating_first
from seethe.analyse.delays import delay
from seethe.analyse.indices import index
from seethe.analyse.routes import reach
from seethe.analyse.spacetime import cluster
from seethe.errors import AnalysisError
from seethe.models import Event

METHODS = (
    ("Reach", "Could one person have done all of a set of incidents? Each incident is a time window (its span) and "
     "a disc (its place at its precision). An exact dynamic programme over subsets (Held-Karp with time windows) "
     "finds whether some order and some moment in each window make every leg travellable; bisection on speed "
     "finds the slowest sufficient pace. Above 15 incidents a stated heuristic gives bounds instead."),
    ("Clustering", "Are incidents close in time also close in space, beyond what the places' and days' own levels "
     "of reporting explain? Knox and Mantel tests and Kulldorff's space-time permutation scan, with Monte Carlo "
     "p-values from permuting dates among places. Imprecise places and dates enter as expected values over their "
     "areas and spans; incidents listed together in one report are collapsed first."),
    ("Delays and nowcast", "Publication delay fitted by maximum likelihood to interval-censored, right-truncated "
     "delays (discretised lognormal or negative binomial, by AIC). Recent months' totals are predicted from what "
     "has been reported and the share expected to be reported by now (Poisson-gamma, negative binomial intervals)."),
    ("Index", "Each family's share of all reporting per province and month, shrunk toward the national rate "
     "(empirical-Bayes beta-binomial), change points by PELT with a quasi-binomial cost, and the lagged relation "
     "between control and dissent with bootstrap intervals and shift-based p-values."),
)

GENERAL_CAVEATS = (
    "Everything here is about what was reported. Reporting from North Korea is sparse, delayed, concentrated in "
    "the border provinces, and depends on a few outlets' source networks; an incident no one reports is invisible.",
    "Incidents are machine-extracted from reports; extraction errors (wrong category, place or date) pass into every "
    "analysis. The README gives the extractor's measured precision and recall.",
    "Calibration figures (false-alarm rates, power, nowcast error) were measured on simulated data built to look "
    "like real reporting, not on real events, whose truth is unknown.",
)


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: tuple[str, ...]
    figure: Figure | None = None
    error: str | None = None


def _run(title: str, fn: Callable[[], Any], figure: Callable[[Any], Figure] | None = None,
         counted: str | None = None) -> tuple[Section, Any]:
    try:
        result = fn()
    except AnalysisError as exc:
        return Section(title, (), None, exc.one_line()), None
    if counted:
        result = stating_first(result, counted)
    return Section(title, tuple(result.describe()), figure(result) if figure else None), result


def _png_data(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _table(occs: Sequence[Occurrence], limit: int) -> str:
    rows = []
    for o in sorted(occs, key=lambda o: (o.start, o.id))[:limit]:
        cells = [o.id, o.category, o.admin1 or "", o.place_precision, f"{o.start} to {o.end}", o.time_precision,
                 str(o.published or ""), o.outlet or ""]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("id", "category", "province", "place precision", "span", "time precision",
                                               "published", "outlet"))
    more = f"<p>… and {len(occs) - limit} more.</p>" if len(occs) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


EVENT_COLUMNS = ("event", "category", "place", "province", "span", "reports", "origins", "grade", "why this grade")


def _event_cells(e: Event) -> list[str]:
    g = e.grade
    return [str(e.id), e.category, e.location.name or "", e.location.admin1_iso or e.location.country or "",
            f"{e.time.start} to {e.time.end}", str(len(e.report_ids)), str(e.origins), g.code if g else "",
            g.rule if g else "not graded"]


def _event_table(events: Sequence[Event], limit: int) -> str:
    rows = ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in _event_cells(e)) + "</tr>"
            for e in events[:limit]]
    head = "".join(f"<th>{h}</th>" for h in EVENT_COLUMNS)
    more = f"<p>… and {len(events) - limit} more.</p>" if len(events) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def _html(title: str, period: str, occs: Sequence[Occurrence], sections: Sequence[Section], limit: int,
          events: Sequence[Event] = (), counted: str | None = None) -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
             "table{border-collapse:collapse;font-size:0.8em}td,th{border:1px solid #ccc;padding:2px 6px}"
             "pre{background:#f6f6f6;padding:0.6em;white-space:pre-wrap;font-size:0.85em}"
             ".error{color:#a00}img{max-width:100%}</style></head><body>",
             f"<h1>{e(title)}</h1><p>{e(period)}; {len(occs)} occurrence(s).</p>",
             f"<p>{e(counted)}</p>" if counted else "",
             "<h2>Occurrences</h2>", _table(occs, limit)]
    if events:
        parts += ["<h2>Events and their grades</h2>",
                  "<p>Grades are on the Admiralty scale: the best independent origin's reliability (A-F) and the "
                  "information's credibility (1-6).</p>", _event_table(events, limit)]
    for s in sections:
        parts.append(f"<h2>{e(s.title)}</h2>")
        if s.error:
            parts.append(f"<p class='error'>Not run: {e(s.error)}</p>")
            continue
        if s.figure is not None:
            parts.append(f"<img alt='{e(s.title)} chart' src='data:image/png;base64,{_png_data(s.figure)}'>")
        parts.append(f"<pre>{e(chr(10).join(s.lines))}</pre>")
    parts.append("<h2>Methods</h2><dl>")
    parts += [f"<dt><b>{e(name)}</b></dt><dd>{e(text)}</dd>" for name, text in METHODS]
    parts.append("</dl><h2>Caveats</h2><ul>")
    parts += [f"<li>{e(c)}</li>" for c in GENERAL_CAVEATS]
    parts.append("</ul></body></html>")
    return "".join(parts)


def _text_pages(pdf: PdfPages, heading: str, lines: Sequence[str], per_page: int = 60) -> None:
    wrapped: list[str] = []
    for line in lines:
        indent = len(line) - len(line.lstrip())
        wrapped += textwrap.wrap(line, 110, subsequent_indent=" " * (indent + 2)) or [""]
    for start in range(0, max(len(wrapped), 1), per_page):
        fig = Figure(figsize=(8.27, 11.69))
        fig.text(0.06, 0.96, heading + (" (continued)" if start else ""), fontsize=13, weight="bold", va="top")
        fig.text(0.06, 0.93, "\n".join(wrapped[start:start + per_page]), fontsize=7.5, va="top", family="monospace")
        pdf.savefig(fig)


def brief(occurrences: Iterable[Occurrence], path: str | Path, *, title: str = "Seethe brief",
          start: dt.date | None = None, end: dt.date | None = None, as_of: dt.date | None = None,
          reach_category: str = "dissent.leaflet_graffiti", reach_mode: str = "rail", permutations: int = 999,
          table_limit: int = 200, seed: int = 0, events: Iterable[Event] = (),
          counted: str | None = None) -> dict[str, Path]:
    """Write ``path`` (.html) and the same brief as PDF beside it; return both paths.

    The period is ``start``..``end`` (default: all occurrences); clustering,
    reach and the table use the period's occurrences, delays and the index use
    everything up to ``end`` (they need history).  ``events`` (the linked
    events, when there are any) are listed with their grades for the period;
    ``counted`` says what one occurrence is (an incident or an event) and why,
    and is stated first among every analysis's assumptions.
    """
    every = list(occurrences)
    if not every:
        raise AnalysisError("no occurrences to brief on")
    start = start or min(o.start for o in every)
    end = end or max(o.end for o in every)
    in_period = [o for o in every if o.end >= start and o.start <= end]
    history = [o for o in every if o.start <= end]
    reach_set = [o for o in in_period if o.category == reach_category]
    graded = sorted((ev for ev in events if ev.time.end >= start and ev.time.start <= end),
                    key=lambda ev: (ev.time.start, ev.id or 0))
    sections = []
    timeline = Section("Timeline", (f"{len(in_period)} occurrence(s) between {start} and {end}.",),
                       charts.figure_timeline(in_period))
    sections.append(timeline)
    s, _ = _run(f"Reach: could one person have done every '{reach_category}' of the period?",
                lambda: reach(reach_set, mode=reach_mode), charts.figure_route, counted)
    sections.append(s)
    s, _ = _run("Clustering: coordinated or spontaneous?",
                lambda: cluster(in_period, permutations=permutations, seed=seed), None, counted)
    sections.append(s)
    s, _ = _run("Reporting delay and nowcast", lambda: delay(history, as_of or end, seed=seed), charts.figure_delay,
                counted)
    sections.append(s)
    s, idx = _run("Index: dissent, control and burden as shares of reporting", lambda: index(history, end=end, seed=seed),
                  charts.figure_province_map, counted)
    sections.append(s)
    period = f"Period {start} to {end}" + (f", data as of {as_of}" if as_of else "")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    html_path = out.with_suffix(".html")
    html_path.write_text(_html(title, period, in_period, sections, table_limit, graded, counted), encoding="utf-8")
    pdf_path = out.with_suffix(".pdf")
    with PdfPages(pdf_path) as pdf:
        _text_pages(pdf, title, [period, f"{len(in_period)} occurrence(s).", *([counted] if counted else []), ""] +
                    [f"{o.start} {o.category} {o.admin1 or '-'} ({o.place_precision}, {o.time_precision}) {o.outlet or ''}"
                     for o in sorted(in_period, key=lambda o: (o.start, o.id))[:table_limit]])
        if graded:
            _text_pages(pdf, "Events and their grades",
                        [" · ".join(_event_cells(ev)) for ev in graded[:table_limit]])
        for s in sections:
            if s.figure is not None:
                pdf.savefig(s.figure)
            _text_pages(pdf, s.title, [f"Not run: {s.error}"] if s.error else list(s.lines))
        _text_pages(pdf, "Methods and caveats", [f"{n}: {t}" for n, t in METHODS] + [""] +
                    [f"- {c}" for c in GENERAL_CAVEATS])
    return {"html": html_path, "pdf": pdf_path}
