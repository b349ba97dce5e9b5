"""Linking: events from incidents across reports, origins and relays, corroboration grades.

Pure logic over ``seethe.models.Incident`` records; no database.

* ``incident_table`` reads incidents once into columns;
* ``score_pairs`` blocks (category key × province × time bucket) and compares
  the candidate pairs with a Fellegi–Sunter model whose levels and m/u
  probabilities are profile data (``linking.json``);
* ``cluster`` joins linked pairs into groups (average linkage with hard
  conflicts), ``replay`` applies analysts' decisions;
* ``build_event`` gives each group its facts, provenance (``report_info``,
  ``assign_roles``), contradictions and Admiralty grade (``corroboration.json``);
* ``link_incidents`` does all of it in memory, for a batch or a test.
"""

from __future__ import annotations

from typing import Iterable, Iterator

import numpy as np

from seethe.link._blocking import candidate_pairs
from seethe.link._cluster import cluster, components, find_event, replay
from seethe.link._compare import Comparison, compare, probability, reasons, rescore
from seethe.link._events import build_event, build_events, groups_of, rows_by_report
from seethe.link._metrics import PRF, bcubed, pairwise
from seethe.link._model import Estimate, estimate, profile_model, with_model
from seethe.link._params import FIELDS, LEVELS, LinkParams, params_for
from seethe.link._provenance import ReportInfo, Telling, assign_roles, report_info, shingles
from seethe.link._table import IncidentTable, TableBuilder, incident_table, sorted_unique, story_words
from seethe.models import Decision, Event, Incident, Link
from seethe.profile import Profile


def score_pairs(t: IncidentTable, p: LinkParams, new: np.ndarray | None = None) -> Comparison:
    """Every candidate pair (touching a ``new`` row, when given) compared and weighed.

    Every row's number of candidates is counted first (it sets the pair prior), so a pair gets the same weight
    whether it is scored in a full or an incremental link.
    """
    i, j = candidate_pairs(t, p)
    t.candidates = candidate_reports(t, i, j)
    if new is not None:
        keep = new[i] | new[j]
        i, j = i[keep], j[keep]
    return compare(t, i, j, p)


def candidate_reports(t: IncidentTable, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each row, how many other reports its candidates come from (what the pair prior is divided among)."""
    reports = sorted_unique(t.report)
    rep = np.searchsorted(reports, t.report)
    other = rep[i] != rep[j]
    nrep = len(reports) or 1
    keys = sorted_unique(np.concatenate([i[other] * nrep + rep[j[other]], j[other] * nrep + rep[i[other]]]))
    return np.bincount(keys // nrep, minlength=t.n).astype(np.int32)


def links(t: IncidentTable, c: Comparison, p: LinkParams, floor: float | None = None) -> Iterator[Link]:
    """The link decisions worth keeping (weight at or above ``floor``, by default the profile's keep level)."""
    floor = p.keep_weight if floor is None else floor
    for k in np.flatnonzero(c.weight >= floor):
        a, b = int(t.id[c.i[k]]), int(t.id[c.j[k]])
        w = float(c.weight[k])
        yield Link(min(a, b), max(a, b), w, float(probability(w)), w >= p.link_weight, reasons(t, c, int(k), p))


def link_incidents(incidents: Iterable[Incident], profile: Profile, reports: dict[int, ReportInfo] | None = None,
                   decisions: Iterable[Decision] = (), stories: dict[int, tuple[int, ...]] | None = None,
                   fit: bool = True) -> list[Event]:
    """Events from incidents, all in memory: blocking, scoring, clustering, decisions, provenance and grades.

    ``reports`` (``report_info`` by report id) and ``stories`` (``story_words`` by report id) come from the
    reports' texts when they are at hand.  With ``fit`` the model's m, u and expected matches are estimated
    by EM on these incidents' candidate pairs first (the profile's values are the starting point and prior).
    """
    p = params_for(profile)
    t = incident_table(incidents, p, stories)
    c = score_pairs(t, p)
    if fit:
        p = with_model(p, estimate(t, c, p))
        c = rescore(t, c, p)
    labels, _ = replay(t, cluster(t, c.i, c.j, c.weight, p, c.hard_conflict()), list(decisions), p)
    return build_events(t, list(groups_of(labels).values()), reports or {}, p, report_rows=rows_by_report(t))


__all__ = [
    "Estimate", "FIELDS", "LEVELS", "PRF", "Comparison", "IncidentTable", "LinkParams", "ReportInfo", "TableBuilder",
    "Telling", "assign_roles", "bcubed", "build_event", "build_events", "candidate_pairs", "candidate_reports",
    "cluster", "compare", "components", "estimate", "find_event", "groups_of", "incident_table", "link_incidents",
    "links", "pairwise", "params_for", "probability", "profile_model", "reasons", "replay", "rescore", "report_info",
    "rows_by_report", "score_pairs", "shingles", "story_words", "with_model",
]
