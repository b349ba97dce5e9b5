"""Corroboration: contradictions between the tellings of an event, and its Admiralty grade.

Each report's telling is compared with every other's on place, time, numbers
and outcome (the same comparisons linking uses, on the most specific incident
of each report).  A disagreement is a ``Contradiction`` shown with the
reports that disagree; nothing is averaged.  The grade is the best
independent origin's reliability (A–F) and the credibility (1–6) of the
first rule of the profile's ``corroboration.json`` whose conditions hold;
the rule's text is kept with the grade.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import numpy as np

from seethe.link._compare import Comparison, compare
from seethe.link._params import LETTERS, LEVELS, LinkParams
from seethe.link._table import IncidentTable
from seethe.models import Contradiction, Grade, ReportRole

_PLACE_DISAGREES = {LEVELS["place"].index("far"), LEVELS["place"].index("conflict")}
_TIME_DISAGREES = LEVELS["time"].index("apart")
_NUMBERS_DISAGREE = LEVELS["numbers"].index("different")


def representative(t: IncidentTable, rows: list[int]) -> int:
    """A report's most specific incident in an event: finest place, then finest time, then first."""
    return min(rows, key=lambda r: (int(t.loc_precision[r]), int(t.time_precision[r]), int(t.end[r] - t.start[r]), r))


def report_pairs(t: IncidentTable, by_report: dict[int, list[int]],
                 roles: list[ReportRole]) -> list[tuple[int, int, int, int]]:
    """(report a, report b, row a, row b) for every two reports of an event: their most specific incidents."""
    reports = [r.report_id for r in roles if r.report_id in by_report]
    reps = {rep: representative(t, by_report[rep]) for rep in reports}
    return [(a, b, reps[a], reps[b]) for a, b in combinations(reports, 2)]


def contradictions(t: IncidentTable, by_report: dict[int, list[int]], roles: list[ReportRole], p: LinkParams,
                   compared: tuple[Comparison, int] | None = None) -> tuple[list[Contradiction], set[str], set[str]]:
    """Disagreements between reports; and the fields contradicted between independent origins, and at all.

    ``compared`` is a comparison holding this event's ``report_pairs`` from a row on (so many events are
    compared in one batch); without it they are compared here.
    """
    pairs = report_pairs(t, by_report, roles)
    found: list[Contradiction] = []
    between, anywhere = set(), set()
    if not pairs:
        return found, between, anywhere
    if compared is None:
        compared = (compare(t, np.array([x[2] for x in pairs]), np.array([x[3] for x in pairs]), p), 0)
    c, first = compared
    origin = {r.report_id: r.origin_key for r in roles}
    outlet = {r.report_id: r.outlet for r in roles}
    for k, (a, b, _, _) in enumerate(pairs):
        independent = origin[a] != origin[b]
        for field, text in _disagreements(t, c, first + k, a, b, by_report, outlet, p):
            found.append(Contradiction(field, text + ("" if independent else " (within one origin's tellings)"),
                                       (a, b)))
            anywhere.add(field)
            if independent:
                between.add(field)
    return found, between, anywhere


def _who(rep: int, outlet: dict[int, str | None]) -> str:
    return f"report {rep}" + (f", {outlet[rep]}" if outlet.get(rep) else "")


def _disagreements(t, c, k, a, b, by_report, outlet, p):
    ra, rb = int(c.i[k]), int(c.j[k])
    wa, wb = _who(a, outlet), _who(b, outlet)
    if int(c.levels["place"][k]) in _PLACE_DISAGREES:
        pa, pb = t.labels["place"][ra], t.labels["place"][rb]
        yield "place", f"{pa} ({wa}) vs {pb} ({wb})"
    if int(c.levels["time"][k]) == _TIME_DISAGREES:
        yield "time", f"{_span(t, ra)} ({wa}) vs {_span(t, rb)} ({wb}), {int(c.gap_days[k])} days apart"
    if int(c.levels["numbers"][k]) == _NUMBERS_DISAGREE:
        na = ", ".join(str(int(x)) for x in t.numbers[ra] if x >= 0)
        nb = ", ".join(str(int(x)) for x in t.numbers[rb] if x >= 0)
        yield "numbers", f"{na} ({wa}) vs {nb} ({wb})"
    oa = _outcomes(t, by_report[a], p)
    ob = _outcomes(t, by_report[b], p)
    for x in sorted(oa - ob):
        for y in sorted(ob - oa):
            if frozenset((x, y)) in p.conflicting_outcomes:
                yield "outcome", f"{x} ({wa}) vs {y} ({wb})"


def _outcomes(t: IncidentTable, rows: list[int], p: LinkParams) -> set[str]:
    mask = 0
    for r in rows:
        mask |= int(t.outcomes[r])
    return {name for n, name in enumerate(p.outcome_names) if mask >> n & 1}


def _span(t: IncidentTable, r: int) -> str:
    s, e = dt.date.fromordinal(int(t.start[r])), dt.date.fromordinal(int(t.end[r]))
    return s.isoformat() if s == e else f"{s.isoformat()}…{e.isoformat()}"


def grade(roles: list[ReportRole], between: set[str], anywhere: set[str], p: LinkParams) -> Grade:
    """The event's Admiralty grade from its origins and contradictions, by the profile's first matching rule."""
    corr = p.profile.corroboration
    origins: dict[str, str] = {}
    for r in roles:
        key = r.origin_key
        if key not in origins or LETTERS.index(r.reliability) < LETTERS.index(origins[key]):
            origins[key] = r.reliability
    known = {k: v for k, v in origins.items() if k != "outlet:unknown"}
    n = len(known)
    best = min(known.values(), key=LETTERS.index) if known else corr.default_reliability
    contradicted = between if n >= 2 else anywhere
    for rule in corr.credibility_rules:
        if _holds(rule, n, best, contradicted):
            return Grade(best, rule.credibility, rule.rule, _reasons(roles, known, contradicted, corr))
    raise AssertionError("the last credibility rule has no conditions")  # checked when the profile loads


def _holds(rule, n: int, best: str, contradicted: set[str]) -> bool:
    if n < rule.min_origins or (rule.max_origins is not None and n > rule.max_origins):
        return False
    if rule.contradicted and not contradicted & set(rule.contradicted):
        return False
    if contradicted & set(rule.not_contradicted):
        return False
    if rule.min_reliability and LETTERS.index(best) > LETTERS.index(rule.min_reliability):
        return False
    return True


def _reasons(roles: list[ReportRole], origins: dict[str, str], contradicted: set[str], corr) -> tuple[str, ...]:
    lines = [f"{len(origins)} independent origin{'s' if len(origins) != 1 else ''}"]
    kinds = corr.source_kinds
    for r in roles:
        if r.role == "origin":
            kind = kinds[r.source_kind].label if r.source_kind in kinds else r.source_kind
            lines.append(f"origin: report {r.report_id} ({r.outlet or 'outlet unknown'}; {kind}; reliability "
                         f"{r.reliability}, {corr.reliability[r.reliability]})")
    for key, letter in origins.items():
        if key.startswith("outlet:"):
            lines.append(f"origin not collected: {key[7:]} (reliability {letter}, {corr.reliability[letter]})")
    relays = [r for r in roles if r.role == "relay"]
    if relays:
        lines.append(f"{len(relays)} relay{'s' if len(relays) != 1 else ''} (not counted as independent)")
    lines.append("contradicted on: " + ", ".join(sorted(contradicted)) if contradicted else "no contradictions")
    return tuple(lines)
