"""The events service: link stored incidents into events, keep them up to date, and take analysts' decisions.

``link`` is incremental.  Incidents that belong to no event yet are new: only
pairs touching them are blocked and scored, and only the groups they can
reach (through stored links) are clustered again; every other event stays as
it was.  After ``reextract`` the incidents are new ones, so everything is
linked again — and then analysts' decisions are replayed, because they name
events by their reports and category, never by incident ids.  Event ids are
kept where a group is recognisably the same event (most of its incidents, or
after re-extraction most of its reports and codes).  Linking twice in a row
changes nothing.

Decisions (``merge``, ``split``, ``detach``) are stored with who, when and
why, applied at once to the events they name, and replayed after every link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from seethe.errors import UsageError
from seethe.link import (
    Estimate, IncidentTable, LinkParams, ReportInfo, TableBuilder, build_events, cluster, components, estimate,
    groups_of, links, params_for, replay, report_info, rescore, rows_by_report, score_pairs, story_words, with_model,
)
from seethe.models import Decision, Event, EventAnchor, ReportRole
from seethe.profile import Profile, load_profile
from seethe.services.queries import check_scope, outlet_names, place_ids, printable, province_code
from seethe.store import EventFilter, Membership, Store


@dataclass
class LinkSummary:
    """What a link run did, with the time each step took."""

    kind: str  # full, incremental or unchanged
    incidents: int = 0
    new_incidents: int = 0
    pairs: int = 0
    links: int = 0
    events: int = 0
    multi_report_events: int = 0
    events_written: int = 0
    events_dropped: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        if self.kind == "unchanged":
            return f"{self.incidents} incidents, nothing new to link; {self.events} events unchanged"
        return (f"{self.kind} link: {self.incidents} incidents ({self.new_incidents} new), "
                f"{self.pairs} pairs compared, "
                f"{self.links} linked; {self.events_written} events written, {self.events_dropped} dropped")


@dataclass
class _Previous:
    """What the last link left: each current incident's event, and each event's members."""

    event_of: dict[int, int]
    members: dict[int, set[int]]  # event → current incident ids
    keys: dict[int, set[tuple[int, str]]]  # event → (report, code) of every member, current or replaced
    stale: set[int]  # events holding incidents a re-extraction replaced

    @classmethod
    def read(cls, memberships: Iterable[Membership]) -> "_Previous":
        prev = cls({}, defaultdict(set), defaultdict(set), set())
        for m in memberships:
            prev.keys[m.event_id].add((m.report_id, m.category))
            if m.current:
                prev.event_of[m.incident_id] = m.event_id
                prev.members[m.event_id].add(m.incident_id)
            else:
                prev.stale.add(m.event_id)
        return prev


def settings_fingerprint(profile: Profile) -> str:
    """Changes when any data linking depends on changes (then the next link is a full one)."""
    digest = hashlib.sha256()
    for part in ("linking", "corroboration", "outlets"):
        digest.update(profile.path(part).read_bytes())
    digest.update(json.dumps(profile.lexicon.events.model_dump() if profile.lexicon.events else None,
                             sort_keys=True).encode())
    return digest.hexdigest()[:40]


def _decisions_fingerprint(decisions: list[Decision]) -> str:
    return hashlib.sha256(",".join(str(d.id) for d in decisions).encode()).hexdigest()[:16]


def link(store: Store, *, profile: str | Profile = "kp", full: bool = False,
         progress: Callable[[str], None] = lambda step: None) -> LinkSummary:
    """Link the store's current incidents into events (incrementally unless ``full`` or the settings changed)."""
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    p = params_for(prof)
    clock = _Clock()
    decisions = store.decisions()
    fingerprint = settings_fingerprint(prof) + ":" + _decisions_fingerprint(decisions)
    last = store.last_link_run()
    full = full or last is None or last["settings"].split(":")[0] != fingerprint.split(":")[0]
    corrected = [] if full else store.corrected_since(last["started_at"])
    if not full and last["settings"] == fingerprint and store.count_unlinked() == (0, 0) and not corrected:
        # Nothing new, nothing replaced, no new decision: counted in SQL, nothing read.
        return LinkSummary("unchanged", incidents=store.count_incidents(), events=store.count_events())
    progress("reading incidents")
    t = _table(store, p)
    prev = _Previous.read(store.memberships())
    clock.lap("read")
    rows_prev = np.array([prev.event_of.get(int(k), -1) for k in t.id.tolist()], dtype=np.int64)
    new = np.ones(t.n, bool) if full else (rows_prev < 0) | np.isin(t.id, corrected)
    summary = LinkSummary("full" if full else "incremental", incidents=t.n, new_incidents=int(new.sum()))
    if not full and not new.any() and not prev.stale and last["settings"] == fingerprint:
        summary.kind = "unchanged"
        summary.events = store.count_events()
        return summary
    progress("comparing pairs")
    scored, q, model = _score(t, p, None if full else new, None if full else last.get("model"))
    summary.pairs = len(scored.i)
    clock.lap("score")
    run_id = store.start_link_run(summary.kind, fingerprint, t.n, summary.new_incidents, model.to_dict())
    if prev.stale:
        store.drop_stale_links()
    if corrected:
        # Their stored links were scored on what the analyst corrected; the new pairs replace them.
        store.forget_links(corrected)
    labels = _labels(store, t, scored, rows_prev, new, full, q)
    labels, notes = replay(t, labels, decisions, q)
    summary.notes.extend(notes)
    clock.lap("cluster")
    progress("building events")
    written, dropped, groups = _write_events(store, t, labels, prev, full, q)
    summary.events_written, summary.events_dropped = written, dropped
    summary.events = len(groups)
    summary.multi_report_events = _multi_report(labels, t.report)
    clock.lap("events")
    summary.links = int((scored.weight >= q.link_weight).sum())
    store.add_links(links(t, scored, q), run_id)
    clock.lap("store links")
    summary.seconds = clock.laps
    store.finish_link_run(run_id, written, clock.total())
    return summary


def _score(t: IncidentTable, p: LinkParams, new: np.ndarray | None, stored: dict | None):
    """Candidate pairs compared and weighed: a full link fits the model by EM; an incremental one reuses it."""
    if new is None or stored is None:
        scored = score_pairs(t, p)
        model = estimate(t, scored, p)
        q = with_model(p, model)
        return rescore(t, scored, q), q, model
    model = Estimate.from_dict(stored)
    q = with_model(p, model)
    return score_pairs(t, q, new), q, model


class _Clock:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.last, 3)
        self.last = now

    def total(self) -> float:
        return round(time.perf_counter() - self.start, 3)


def _table(store: Store, p: LinkParams) -> IncidentTable:
    """The current incidents as columns, each with the words of its report's opening."""
    stories = {rid: story_words(text, p) for rid, text in store.report_openings()}
    builder = TableBuilder(p)
    for inc in store.incidents(current_only=True):
        builder.add(inc, stories.get(inc.report.id, ()) if inc.report is not None else ())
    return builder.build()


def _labels(store: Store, t: IncidentTable, scored, rows_prev: np.ndarray, new: np.ndarray, full: bool,
            p: LinkParams) -> np.ndarray:
    """Group labels: previous events kept, groups that new incidents can reach clustered again."""
    if full:
        return cluster(t, scored.i, scored.j, scored.weight, p, scored.hard_conflict())
    row = {int(k): n for n, k in enumerate(t.id.tolist())}
    old = [(row[a], row[b], w) for a, b, w in store.linked_pairs() if a in row and b in row and w >= p.link_weight]
    oi = np.array([x[0] for x in old], dtype=np.int64)
    oj = np.array([x[1] for x in old], dtype=np.int64)
    ow = np.array([x[2] for x in old], dtype=float)
    i = np.concatenate([oi, scored.i])
    j = np.concatenate([oj, scored.j])
    w = np.concatenate([ow, scored.weight])
    hard = np.concatenate([np.zeros(len(oi), bool), scored.hard_conflict()])
    # A new incident's link can move incidents of any group it reaches: those groups are clustered again, whole.
    linked = w >= p.link_weight
    comp = components(t.n, i[linked], j[linked])
    reach = np.isin(comp, np.unique(comp[new]))
    inside = reach[i] & reach[j]
    fresh = cluster(t, i[inside], j[inside], w[inside], p, hard[inside])
    offset = int(max(rows_prev.max(initial=0), 0)) + 1
    return np.where(reach, fresh + offset, rows_prev)


def _multi_report(labels: np.ndarray, report: np.ndarray) -> int:
    """How many groups hold incidents of more than one report."""
    if not len(labels):
        return 0
    pairs = np.unique(np.stack([labels, report], axis=1), axis=0)
    groups, counts = np.unique(pairs[:, 0], return_counts=True)
    return int((counts > 1).sum())


def _write_events(store: Store, t: IncidentTable, labels: np.ndarray, prev: _Previous, full: bool,
                  p: LinkParams) -> tuple[int, int, dict[int, list[int]]]:
    groups = groups_of(labels)
    ids = _event_ids(t, groups, prev, p)
    changed = [g for g, rows in groups.items() if full or _changed(t, rows, ids.get(g), prev)]
    reports = t.report.tolist()
    multi = {g for g in changed if len(groups[g]) > 1 and len({reports[r] for r in groups[g]}) > 1}
    infos = _report_infos(store, t, groups, changed, multi, p)
    events = _events_in_batches(t, groups, changed, ids, infos, p)
    kept = set(ids.values())
    dropped = [e for e in set(prev.members) | set(prev.keys) if e not in kept]
    store.save_events(events, drop=[] if full else dropped, replace_all=full)
    return len(changed), len(dropped), groups


def _events_in_batches(t: IncidentTable, groups: dict[int, list[int]], changed: list[int], ids: dict[int, int],
                       infos: dict[int, ReportInfo], p: LinkParams, size: int = 20_000):
    """The changed groups' events, built a batch at a time (streamed to the store)."""
    by_report = rows_by_report(t)
    for k in range(0, len(changed), size):
        part = changed[k:k + size]
        yield from build_events(t, [groups[g] for g in part], infos, p, [ids.get(g) for g in part], by_report)


def _changed(t: IncidentTable, rows: list[int], event_id: int | None, prev: _Previous) -> bool:
    if event_id is None or event_id in prev.stale:
        return True
    return {int(t.id[r]) for r in rows} != prev.members.get(event_id, set())


def _event_ids(t: IncidentTable, groups: dict[int, list[int]], prev: _Previous, p: LinkParams) -> dict[int, int]:
    """Each group's previous event id, where it is recognisably the same event."""
    claims: list[tuple[int, int, int]] = []  # (overlap, group, event)
    for g, rows in groups.items():
        votes = Counter(prev.event_of.get(int(t.id[r]), -1) for r in rows)
        votes.pop(-1, None)
        for e, n in votes.items():
            claims.append((n, g, e))
    ids = _assign(claims)
    # After re-extraction the incidents are new: recognise events by their reports and codes.
    keyed: dict[tuple[int, str], set[int]] = defaultdict(set)
    for e, keys in prev.keys.items():
        if e in prev.stale:
            for k in keys:
                keyed[k].add(e)
    if keyed:
        claims = []
        taken = set(ids.values())
        for g, rows in groups.items():
            if g in ids:
                continue
            keys = {(int(t.report[r]), p.categories[int(t.category[r])]) for r in rows}
            votes = Counter(e for k in keys for e in keyed.get(k, ()) if e not in taken)
            for e, n in votes.items():
                if 2 * n >= len(prev.keys[e]):
                    claims.append((n, g, e))
        ids.update(_assign(claims, taken=set(ids.values()), groups_done=set(ids)))
    return ids


def _assign(claims: list[tuple[int, int, int]], taken: set[int] | None = None,
            groups_done: set[int] | None = None) -> dict[int, int]:
    """Greedy matching, largest overlap first: each event to at most one group and back."""
    taken = set(taken or ())
    done = set(groups_done or ())
    out = {}
    for n, g, e in sorted(claims, key=lambda c: (-c[0], c[1], c[2])):
        if g in done or e in taken:
            continue
        out[g] = e
        done.add(g)
        taken.add(e)
    return out


def _report_infos(store: Store, t: IncidentTable, groups: dict[int, list[int]], changed: list[int],
                  multi: set[int], p: LinkParams) -> dict[int, ReportInfo]:
    """What provenance needs of the reports of the events being written (passages only where reports meet)."""
    wanted = {int(t.report[r]) for g in changed for r in groups[g]}
    passages = {int(t.report[r]) for g in multi for r in groups[g]}
    infos = {}
    for stored in store.reports_by_ids(sorted(wanted)):
        info = report_info(stored.id, stored.report, stored.plain_text, p, passages=stored.id in passages)
        infos[stored.id] = info
    return infos


# -- reading events -------------------------------------------------------------------

_GRADE = re.compile(r"^(?:[A-F][1-6]?|[1-6])$")


def event_filter(profile: Profile, *, category: str | None = None, province: str | None = None,
                 place: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
                 outlet: str | None = None, min_origins: int = 0, min_reports: int = 0,
                 grades: Iterable[str] = (), contradicted: bool | None = None,
                 limit: int | None = None, after: tuple[dt.date, int] | None = None) -> EventFilter:
    """An exact store filter for events from what a person asked for; ``UsageError`` for what cannot mean anything.

    A grade is a code (``B2``), a reliability letter (``B``: any credibility) or a credibility digit (``2``).
    ``after`` is a keyset cursor: the events listed after (start date, id).
    """
    grades = tuple(grades)
    check_scope(profile, category=category, since=since, until=until,
                words=(("category", category), ("province", province), ("place", place), ("outlet", outlet),
                       *(("grade", g) for g in grades)))
    wanted = tuple(g.strip().upper() for g in grades for g in g.split(",") if g.strip())
    bad = [g for g in wanted if not _GRADE.match(g)]
    if bad:
        raise UsageError(f"{bad[0]!r} is not a grade: give a code (B2), a reliability A-F or a credibility 1-6",
                         source="grade", code="usage.grade")
    for name, value in (("min origins", min_origins), ("min reports", min_reports)):
        if not 0 <= value <= 10**6:
            raise UsageError(f"{name} must be a whole number from 0 to 1,000,000", source=name, code="usage.number")
    ids = place_ids(profile, place) if place else ()
    if place and not ids:
        raise UsageError(f"no place called {place!r} in the gazetteer", source="place", code="usage.place")
    return EventFilter(category=category, province=province_code(profile, province) if province else None,
                       place_ids=ids, since=since, until=until, min_origins=min_origins, min_reports=min_reports,
                       grades=wanted, outlets=outlet_names(profile, outlet) if outlet else (),
                       contradicted=contradicted, limit=limit, after=after)


# -- analysts' decisions ----------------------------------------------------------

DECISION_KINDS = ("merge", "split", "detach")


def decide(store: Store, kind: str, event_ids: list[int], *, by: str, why: str, reports: Iterable[int] = (),
           profile: str | Profile = "kp", at: dt.datetime | None = None) -> tuple[int, list[Event]]:
    """Record an analyst's decision and apply it to the events it names; returns its id and the events now.

    ``merge`` joins two or more events; ``split`` moves ``reports`` out of one
    event into an event of their own; ``detach`` moves one report out.  The
    decision is replayed after every later link, re-extraction included.
    """
    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    events = _decision_events(store, kind, event_ids)
    reports = tuple(dict.fromkeys(int(r) for r in reports))
    _check_decision(kind, events, reports, by, why)
    anchors = tuple(EventAnchor(e.category, e.report_ids, e.id) for e in events)
    decision = Decision(kind, anchors, by.strip(), why.strip(), reports,
                        at or dt.datetime.now(dt.timezone.utc))
    decision_id = store.add_decision(decision)
    applied = _apply_now(store, events, Decision(kind, anchors, decision.by, decision.why, reports, decision.at,
                                                 decision_id), current_params(store, prof))
    return decision_id, applied


def decide_about(store: Store, event_id: int, kind: str, *, by: str, why: str, others: Iterable[int] = (),
                 reports: Iterable[int] = (), profile: str | Profile = "kp") -> tuple[int, list[Event]]:
    """A decision as the workbench asks for it, from one event's page: merge it with ``others``, or split
    ``reports`` off it, or detach one.  ``UsageError`` (code ``not_found`` for the event itself) when it cannot be."""
    others, reports = list(others), list(reports)
    if store.event(event_id, with_incidents=False) is None:
        raise UsageError(f"no event {event_id}", source="event", code="not_found")
    if kind == "merge" and reports:
        raise UsageError("a merge names other events (with), not reports", source="reports", code="usage.decision")
    if kind != "merge" and others:
        raise UsageError(f"{kind} names reports of this event, not other events", source="with",
                         code="usage.decision")
    return decide(store, kind, [event_id, *others], by=by, why=why, reports=reports, profile=profile)


def withdraw(store: Store, decision_id: int, *, by: str, why: str = "") -> None:
    """Stop replaying a decision from the next link on (it stays listed, marked withdrawn, and is audited)."""
    printable(why, "why")
    if not store.withdraw_decision(decision_id, by=by, why=why.strip()):
        raise UsageError(f"no active decision {decision_id}", source="decision", code="not_found")


def decisions_about(store: Store, report_ids: Iterable[int]) -> list[Decision]:
    """The decisions, withdrawn ones too, that named an event's reports: what analysts did to it, oldest first."""
    report_ids = set(report_ids)
    return [d for d in store.decisions(active_only=False) if d.names_report(report_ids)]


def current_params(store: Store, profile: Profile) -> LinkParams:
    """The settings the store's events were linked with: the profile's, weighed by the model last fitted."""
    p = params_for(profile)
    last = store.last_link_run()
    return with_model(p, Estimate.from_dict(last["model"])) if last and last.get("model") else p


def _decision_events(store: Store, kind: str, event_ids: list[int]) -> list[Event]:
    if kind not in DECISION_KINDS:
        raise UsageError(f"no decision called {kind!r} (known: {', '.join(DECISION_KINDS)})", source="decision",
                         code="usage.decision")
    wanted = 2 if kind == "merge" else 1
    if len(event_ids) < wanted or (kind != "merge" and len(event_ids) != 1):
        raise UsageError(f"{kind} names {'two or more events' if kind == 'merge' else 'one event'}",
                         source="decision", code="usage.decision")
    if len(set(event_ids)) != len(event_ids):
        raise UsageError("an event is named twice", source="decision", code="usage.decision")
    events = []
    for k in event_ids:
        e = store.event(k)
        if e is None:
            raise UsageError(f"no event {k}", source="event", code="usage.event")
        events.append(e)
    return events


def _check_decision(kind: str, events: list[Event], reports: tuple[int, ...], by: str, why: str) -> None:
    printable(by, "by")
    printable(why, "why")
    if not by or not by.strip():
        raise UsageError("a decision needs who made it", source="by", code="usage.decision")
    if not why or not why.strip():
        raise UsageError("a decision needs a reason", source="why", code="usage.decision")
    if kind == "merge":
        return
    event = events[0]
    missing = [r for r in reports if r not in event.report_ids]
    if not reports or missing:
        raise UsageError(f"report {missing[0] if missing else '?'} is not in event {event.id} "
                         f"(its reports: {', '.join(map(str, event.report_ids))})", source="report",
                         code="usage.decision")
    if kind == "detach" and len(reports) != 1:
        raise UsageError("detach moves one report", source="report", code="usage.decision")
    if len(set(reports)) >= len(set(event.report_ids)):
        raise UsageError(f"{kind} must leave at least one report in event {event.id}", source="report",
                         code="usage.decision")


def _apply_now(store: Store, events: list[Event], decision: Decision, p: LinkParams) -> list[Event]:
    """Apply one decision to the events it names only (the next link replays it with all the others)."""
    builder = TableBuilder(p)
    labels = []
    for e in events:
        for inc in e.incidents:
            builder.add(inc)
            labels.append(e.id)
    t = builder.build()
    new_labels, notes = replay(t, np.array(labels, dtype=np.int64), [decision], p)
    if notes:
        raise UsageError(notes[0], source="decision", code="usage.decision")
    groups = groups_of(new_labels)
    infos = {s.id: report_info(s.id, s.report, s.plain_text, p)
             for s in store.reports_by_ids(sorted({int(r) for r in t.report}))}
    ids = {e.id for e in events}
    built = build_events(t, list(groups.values()), infos, p, [g if g in ids else None for g in groups])
    kept = {e.id for e in built if e.id is not None}
    saved = store.save_events(built, drop=[k for k in ids if k not in kept])
    return [store.event(k) for k in saved]


def event_detail(store: Store, event_id: int) -> Event:
    """One event with its incidents and link decisions; ``UsageError`` when there is none."""
    e = store.event(event_id)
    if e is None:
        raise UsageError(f"no event {event_id}", source="event", code="usage.event")
    return e


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One step of an event's provenance: a report (its role says origin or relay) or an outlet not collected.

    ``relays`` are the reports that relay this one (or this outlet), each with its own relays.
    """

    role: ReportRole | None  # None: an outlet credited by relays whose own report is not in the corpus
    outlet: str | None
    relays: tuple["ChainLink", ...] = ()


def provenance_chain(event: Event) -> list[ChainLink]:
    """The event's reports as a tree: each origin (or outlet credited but not collected) with what relays it."""
    children: dict[str, list[ReportRole]] = defaultdict(list)
    origins = [r for r in event.roles if r.role == "origin"]
    for r in event.roles:
        if r.role != "origin":
            children[r.origin_key if r.relay_of_report is None else f"report:{r.relay_of_report}"].append(r)

    def relays_of(key: str) -> tuple[ChainLink, ...]:
        return tuple(ChainLink(c, c.outlet, relays_of(f"report:{c.report_id}")) for c in children.get(key, []))

    chain = [ChainLink(r, r.outlet, relays_of(f"report:{r.report_id}")) for r in origins]
    collected = {f"report:{r.report_id}" for r in origins}
    chain += [ChainLink(None, key[7:], relays_of(key)) for key in list(children)
              if key.startswith("outlet:") and key not in collected]
    return chain


def provenance_tree(event: Event) -> list[tuple[int, str]]:
    """The event's reports as a tree: (depth, line) with each origin first and the relays under what they relay."""
    lines: list[tuple[int, str]] = []

    def walk(node: ChainLink, depth: int) -> None:
        lines.append((depth, _role_line(node.role) if node.role else f"{node.outlet} (not collected): origin"))
        for child in node.relays:
            walk(child, depth + 1)

    for root in provenance_chain(event):
        walk(root, 0)
    return lines


def _role_line(r) -> str:
    day = r.published.isoformat() if r.published else "undated"
    return f"report {r.report_id} · {r.outlet or 'outlet unknown'} · {day} · {r.role} [{r.rule}] {r.why} · " \
           f"{r.source_kind}, reliability {r.reliability}"
