"""Events in the store: events, their members, link decisions, analysts' decisions and link runs.

``Store`` takes these methods from ``EventTables``; like the rest of the
store they are the only SQL about events.  Listings stream; counts are SQL.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import ColumnElement

from seethe.errors import StoreError
from seethe.models import (
    Contradiction, Decision, Event, EventAnchor, Grade, Link, Location, Reason, ReportRole, TimeSpan,
)
from seethe.store._filters import IncidentFilter, keyset_pages
from seethe.store._schema import newest_first_after, scope_conditions

_BATCH = 2000


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What ``Store.events`` selects; every field optional."""

    category: str | None = None  # a code or a family
    province: str | None = None
    place_ids: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    min_origins: int = 0
    min_reports: int = 0
    grades: tuple[str, ...] = ()  # "B2" (a grade), "B" (a reliability), "2" (a credibility); any of them
    outlets: tuple[str, ...] = ()  # a member report's outlet
    contradicted: bool | None = None
    ids: tuple[int, ...] = ()
    after: tuple[dt.date, int] | None = None  # keyset cursor: events after (time_start, id) in list order
    located: bool = False  # only events with a point (what a map can draw)
    limit: int | None = None
    # Only events holding a current incident this filter selects: what only incidents carry (their words,
    # confidence, the outlets they credit) selects the events they belong to.
    members: IncidentFilter | None = None


# The orders ``Store.events`` lists in: newest first, or best corroborated first (the map draws those).
EVENT_ORDERS = ("newest", "corroboration")


@dataclass(frozen=True, slots=True)
class Membership:
    incident_id: int
    event_id: int
    report_id: int
    category: str
    current: bool


class EventTables:
    """The store's methods for events (mixed into ``Store``)."""

    # -- link runs ----------------------------------------------------------
    def start_link_run(self, kind: str, settings: str, incidents: int, new_incidents: int,
                       model: dict[str, Any] | None = None) -> int:
        runs = self.tables["link_runs"]
        with self._write() as conn:
            return conn.execute(runs.insert().values(
                started_at=dt.datetime.now(dt.timezone.utc), kind=kind, settings=settings[:64], incidents=incidents,
                new_incidents=new_incidents, events_written=0,
                model=json.dumps(model) if model is not None else None)).inserted_primary_key[0]

    def finish_link_run(self, run_id: int, events_written: int, seconds: float) -> None:
        runs = self.tables["link_runs"]
        with self._write() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(events_written=events_written,
                                                                         seconds=seconds))

    def last_link_run(self) -> dict[str, Any] | None:
        runs = self.tables["link_runs"]
        with self._read() as conn:
            row = conn.execute(select(runs).order_by(runs.c.id.desc()).limit(1)).mappings().first()
        if row is None:
            return None
        out = dict(row)
        out["model"] = json.loads(out["model"]) if out.get("model") else None
        return out

    def report_openings(self, chars: int = 1500) -> Iterator[tuple[int, str]]:
        """(report id, the first ``chars`` characters of its plain text) for every report, streamed."""
        reports = self.tables["reports"]
        q = select(reports.c.id, func.substr(reports.c.plain_text, 1, chars))
        with self._read() as conn:
            for r in conn.execution_options(stream_results=True, yield_per=2000).execute(q):
                yield int(r[0]), r[1] or ""

    # -- reading what the last link left --------------------------------------
    def count_unlinked(self, filt: IncidentFilter | None = None) -> tuple[int, int]:
        """(current incidents in no event, members that a re-extraction replaced): what a link would change.

        With a filter, only incidents it selects are counted (are the events up to date for this selection?).
        """
        inc, mem = self.tables["incidents"], self.tables["event_members"]
        # The filter's own conditions, without its "current and not rejected": linkability is asked here.
        asked = self._conditions(replace(filt, review="any"), current_only=False) if filt else []
        with self._read() as conn:
            new = conn.execute(select(func.count()).select_from(inc).where(
                _linkable(inc), ~inc.c.id.in_(select(mem.c.incident_id)), *asked)).scalar_one()
            stale = conn.execute(select(func.count()).select_from(mem).join(inc, inc.c.id == mem.c.incident_id)
                                 .where(~_linkable(inc), *asked)).scalar_one()
        return int(new), int(stale)

    def corrected_since(self, when: dt.datetime) -> list[int]:
        """Linkable incidents an analyst corrected (category, place or time) at or after ``when``.

        A correction rewrites the incident in place, so the last link's scores
        and groups no longer describe it: the next link compares it again.
        """
        inc, reviews = self.tables["incidents"], self.tables["reviews"]
        keys = select(reviews.c.review_key).where(and_(reviews.c.action == "correct", reviews.c.created_at >= when))
        q = select(inc.c.id).where(_linkable(inc), inc.c.review_key.in_(keys)).order_by(inc.c.id)
        with self._read() as conn:
            return [int(r[0]) for r in conn.execute(q)]

    def memberships(self) -> Iterator[Membership]:
        """Every incident's event (current incidents and those a re-extraction replaced or an analyst rejected,
        which count as gone), streamed."""
        mem, inc = self.tables["event_members"], self.tables["incidents"]
        q = (select(mem.c.incident_id, mem.c.event_id, mem.c.report_id, mem.c.category, _linkable(inc))
             .join(inc, inc.c.id == mem.c.incident_id))
        with self._read() as conn:
            for r in conn.execution_options(stream_results=True, yield_per=5000).execute(q):
                yield Membership(r[0], r[1], r[2], r[3], bool(r[4]))

    def linked_pairs(self) -> Iterator[tuple[int, int, float]]:
        """(incident a, incident b, weight) of every stored link decision that linked.

        The caller keeps the pairs of current incidents (a re-extraction's replaced ones are dropped there).
        """
        links = self.tables["link_decisions"]
        q = select(links.c.incident_a, links.c.incident_b, links.c.weight).where(links.c.linked == True)  # noqa: E712
        with self._read() as conn:
            for r in conn.execution_options(stream_results=True, yield_per=5000).execute(q):
                yield int(r[0]), int(r[1]), float(r[2])

    # -- writing a link's results --------------------------------------------
    def drop_stale_links(self) -> int:
        """Forget link decisions about incidents a re-extraction replaced or an analyst rejected; how many went."""
        links, inc = self.tables["link_decisions"], self.tables["incidents"]
        stale = select(inc.c.id).where(~_linkable(inc))
        with self._write() as conn:
            return conn.execute(delete(links).where(or_(links.c.incident_a.in_(stale),
                                                        links.c.incident_b.in_(stale)))).rowcount or 0

    def forget_links(self, incident_ids: Iterable[int]) -> int:
        """Forget the link decisions about these incidents (they are compared afresh); how many went."""
        links = self.tables["link_decisions"]
        ids = sorted(set(incident_ids))
        gone = 0
        with self._write() as conn:
            for k in range(0, len(ids), _BATCH):
                part = ids[k:k + _BATCH]
                gone += conn.execute(delete(links).where(or_(links.c.incident_a.in_(part),
                                                             links.c.incident_b.in_(part)))).rowcount or 0
        return gone

    def add_links(self, found: Iterable[Link], run_id: int) -> int:
        """Store link decisions (a pair decided again replaces its old decision)."""
        table = self.tables["link_decisions"]
        n = 0
        batch: list[dict[str, Any]] = []
        for link in found:
            batch.append({"incident_a": link.a, "incident_b": link.b, "weight": link.weight,
                          "probability": link.probability, "linked": link.linked, "run_id": run_id,
                          "reasons": json.dumps([r.to_dict() for r in link.reasons], ensure_ascii=False)})
            if len(batch) >= _BATCH:
                n += self._upsert_links(table, batch)
                batch = []
        if batch:
            n += self._upsert_links(table, batch)
        return n

    def _upsert_links(self, table, batch: list[dict[str, Any]]) -> int:
        insert = self._insert(table)
        stmt = insert.on_conflict_do_update(
            index_elements=["incident_a", "incident_b"],
            set_={k: insert.excluded[k] for k in ("weight", "probability", "linked", "reasons", "run_id")})
        with self._write() as conn:
            conn.execute(stmt, batch)
        return len(batch)

    def save_events(self, events: Iterable[Event], drop: Iterable[int] = (), replace_all: bool = False) -> list[int]:
        """Write events (new ones get ids; one with an id replaces that event and its members); drop others.

        ``replace_all`` empties the events first (a full link writes every event).  Each batch is one
        transaction.  Returns the ids, in order.
        """
        ids: list[int] = []
        drop = list(drop)
        ev, mem = self.tables["events"], self.tables["event_members"]
        with self._write() as conn:
            if replace_all:
                conn.execute(delete(mem))
                conn.execute(delete(ev))
            for k in range(0, len(drop), _BATCH):
                part = drop[k:k + _BATCH]
                conn.execute(delete(mem).where(mem.c.event_id.in_(part)))
                conn.execute(delete(ev).where(ev.c.id.in_(part)))
        batch: list[Event] = []
        for event in events:
            batch.append(event)
            if len(batch) >= _BATCH:
                ids.extend(self._save_batch(batch, fresh=replace_all))
                batch = []
        if batch:
            ids.extend(self._save_batch(batch, fresh=replace_all))
        return ids

    def _save_batch(self, batch: list[Event], fresh: bool = False) -> list[int]:
        events, members = self.tables["events"], self.tables["event_members"]
        now = dt.datetime.now(dt.timezone.utc)
        with self._write() as conn:
            kept = [e for e in batch if e.id is not None]
            if kept and not fresh:
                old = [e.id for e in kept]
                conn.execute(delete(members).where(members.c.event_id.in_(old)))
                conn.execute(delete(events).where(events.c.id.in_(old)))
            if not fresh:
                # An incident belongs to one event: a group that took it from another event takes it here.
                taken = [i for e in batch for i in e.incident_ids]
                for k in range(0, len(taken), _BATCH):
                    conn.execute(delete(members).where(members.c.incident_id.in_(taken[k:k + _BATCH])))
            if kept:
                conn.execute(events.insert(), [{"id": e.id, **_event_row(e, now)} for e in kept])
            fresh = [e for e in batch if e.id is None]
            new_ids = iter(conn.execute(events.insert().returning(events.c.id, sort_by_parameter_order=True),
                                        [_event_row(e, now) for e in fresh]).scalars().all() if fresh else [])
            ids = [e.id if e.id is not None else next(new_ids) for e in batch]
            conn.execute(members.insert(), [m for e, k in zip(batch, ids) for m in _member_rows(e, k)])
        return ids

    # -- reading events -------------------------------------------------------
    def events(self, filt: EventFilter | None = None, order: str = "newest") -> Iterator[Event]:
        """Events, newest first (by start date, then id) or with the most independent origins first, streamed."""
        filt = filt or EventFilter()
        ev = self.tables["events"]
        if order not in EVENT_ORDERS:
            raise ValueError(f"unknown event order {order!r}")
        keys = (ev.c.origins.desc(),) if order == "corroboration" else ()
        q = select(ev).where(*self._event_conditions(filt)).order_by(*keys, ev.c.time_start.desc(), ev.c.id.desc())
        if filt.limit:
            q = q.limit(filt.limit)
        with self._read() as conn:
            try:
                for r in conn.execution_options(stream_results=True, yield_per=500).execute(q).mappings():
                    yield _event(r)
            except SQLAlchemyError as exc:
                raise StoreError(f"cannot read events: {exc.__class__.__name__}", source=self.display,
                                 code="store.read") from None

    def events_paged(self, filt: EventFilter | None = None, page: int = 2000) -> Iterator[Event]:
        """Like ``events``, read in keyset pages: no connection is held while the caller works (a slow download)."""
        return keyset_pages(self.events, filt or EventFilter(), page)

    def event_of_incident(self, incident_id: int) -> int | None:
        """The event an incident belongs to, if the last link put it in one."""
        mem = self.tables["event_members"]
        with self._read() as conn:
            found = conn.execute(select(mem.c.event_id).where(mem.c.incident_id == incident_id).limit(1)).first()
        return int(found[0]) if found else None

    def count_events(self, filt: EventFilter | None = None) -> int:
        ev = self.tables["events"]
        q = select(func.count()).select_from(ev).where(*self._event_conditions(filt or EventFilter()))
        with self._read() as conn:
            return int(conn.execute(q).scalar_one())

    def event(self, event_id: int, with_incidents: bool = True) -> Event | None:
        """One event with its incidents (current or not: an event may still hold replaced ones) and its links."""
        ev, mem = self.tables["events"], self.tables["event_members"]
        with self._read() as conn:
            row = conn.execute(select(ev).where(ev.c.id == event_id)).mappings().first()
            if row is None:
                return None
            ids = [r[0] for r in conn.execute(select(mem.c.incident_id).where(mem.c.event_id == event_id))]
        event = _event(row)
        if not with_incidents:
            return event
        order = {k: n for n, k in enumerate(event.incident_ids)}
        incidents = sorted(self.incidents_by_ids(ids), key=lambda i: order.get(i.id, len(order)))
        return replace(event, incidents=tuple(incidents), links=tuple(self.links_among(ids)))

    def report_publications(self, filt: EventFilter | None = None) -> dict[int, tuple[dt.date | None, str | None]]:
        """Report id → (publication date, outlet) of every report of the events a filter selects, in one query."""
        filt = filt or EventFilter()
        ev, mem, rep = self.tables["events"], self.tables["event_members"], self.tables["reports"]
        chosen = select(ev.c.id).where(*self._event_conditions(filt))
        if filt.limit:
            chosen = chosen.order_by(ev.c.time_start.desc(), ev.c.id.desc()).limit(filt.limit)  # as ``events`` lists
        q = (select(rep.c.id, rep.c.published, rep.c.outlet).distinct()
             .join(mem, mem.c.report_id == rep.c.id).where(mem.c.event_id.in_(chosen)))
        with self._read() as conn:
            return {int(r[0]): (r[1], r[2]) for r in conn.execute(q)}

    def links_among(self, incident_ids: list[int]) -> list[Link]:
        table = self.tables["link_decisions"]
        out = []
        with self._read() as conn:
            for k in range(0, len(incident_ids), 500):
                part = incident_ids[k:k + 500]
                q = select(table).where(table.c.incident_a.in_(part), table.c.incident_b.in_(incident_ids))
                for r in conn.execute(q).mappings():
                    out.append(_link(r))
        return sorted(out, key=lambda x: -x.weight)

    def _event_conditions(self, filt: EventFilter) -> list[ColumnElement]:
        ev, mem, rep = self.tables["events"], self.tables["event_members"], self.tables["reports"]
        conds = scope_conditions(ev, filt)
        if filt.min_origins:
            conds.append(ev.c.origins >= filt.min_origins)
        if filt.min_reports:
            conds.append(ev.c.reports >= filt.min_reports)
        if filt.grades:
            conds.append(or_(*[_grade_condition(ev, g) for g in filt.grades]))
        if filt.contradicted is not None:
            conds.append(ev.c.contradictions > 0 if filt.contradicted else ev.c.contradictions == 0)
        if filt.outlets:
            conds.append(ev.c.id.in_(select(mem.c.event_id).join(rep, rep.c.id == mem.c.report_id)
                                     .where(rep.c.outlet.in_(filt.outlets))))
        if filt.ids:
            conds.append(ev.c.id.in_(filt.ids))
        if filt.members is not None:
            inc = self.tables["incidents"]
            conds.append(ev.c.id.in_(select(mem.c.event_id).join(inc, inc.c.id == mem.c.incident_id)
                                     .where(*self._conditions(filt.members, current_only=True))))
        if filt.located:
            conds.append(ev.c.lat.is_not(None))
        if filt.after is not None:
            conds.append(newest_first_after(ev, filt.after))
        return conds

    # -- analysts' decisions ----------------------------------------------------
    def add_decision(self, decision: Decision) -> int:
        """Keep a decision, with its audit entry in the same transaction (who, when, why, the events it names)."""
        table = self.tables["analyst_decisions"]
        with self._write() as conn:
            decision_id = conn.execute(table.insert().values(
                kind=decision.kind, made_by=decision.by, why=decision.why,
                made_at=decision.at or dt.datetime.now(dt.timezone.utc),
                targets=json.dumps([t.to_dict() for t in decision.targets]), reports=json.dumps(list(decision.reports)),
                active=True)).inserted_primary_key[0]
            events = [t.event_id for t in decision.targets]
            self._audit(conn, decision.by, f"decision.{decision.kind}", _events_named(events),
                        {"decision": decision_id, "events": events, "reports": list(decision.reports)}, decision.why)
            return decision_id

    def decisions(self, active_only: bool = True) -> list[Decision]:
        """Analysts' decisions in the order they were made."""
        table = self.tables["analyst_decisions"]
        q = select(table).order_by(table.c.made_at, table.c.id)
        if active_only:
            q = q.where(table.c.active == True)  # noqa: E712
        with self._read() as conn:
            return [_decision(r) for r in conn.execute(q).mappings()]

    def withdraw_decision(self, decision_id: int, by: str = "", why: str = "") -> bool:
        """Stop replaying a decision (it stays listed); audited when ``by`` names who withdrew it."""
        table = self.tables["analyst_decisions"]
        with self._write() as conn:
            active = and_(table.c.id == decision_id, table.c.active == True)  # noqa: E712
            done = bool(conn.execute(update(table).where(active).values(active=False)).rowcount)
            if done and by:
                self._audit(conn, by, "decision.withdraw", f"decision {decision_id}", {"decision": decision_id}, why)
            return done


def _events_named(ids: list[int | None]) -> str:
    known = [str(k) for k in ids if k is not None]
    return ("event " if len(known) == 1 else "events ") + ", ".join(known)


def _grade_condition(ev, given: str) -> ColumnElement:
    given = given.strip().upper()
    if len(given) == 2:
        return and_(ev.c.reliability == given[0], ev.c.credibility == int(given[1]))
    if given.isdigit():
        return ev.c.credibility == int(given)
    return ev.c.reliability == given


def _event_row(e: Event, now: dt.datetime) -> dict[str, Any]:
    loc, t, g = e.location, e.time, e.grade
    detail = {"categories": list(e.categories), "roles": [r.to_dict() for r in e.roles],
              "grade": g.to_dict() if g else None, "contradictions": [c.to_dict() for c in e.contradictions],
              "incident_ids": list(e.incident_ids), "report_ids": list(e.report_ids),
              "member_reports": list(e.member_reports), "member_categories": list(e.member_categories)}
    return {
        "category": e.category, "family": e.family, "summary": e.summary, "place_name": loc.name,
        "place_id": loc.place_id, "admin1_iso": loc.admin1_iso, "country": loc.country, "lat": loc.lat,
        "lon": loc.lon, "location_precision": loc.precision, "time_mention": t.mention, "time_start": t.start,
        "time_end": t.end, "time_precision": t.precision, "reports": len(e.report_ids),
        "incidents": len(e.incident_ids), "origins": e.origins, "reliability": g.reliability if g else "F",
        "credibility": g.credibility if g else 6, "contradictions": len(e.contradictions),
        "detail": json.dumps(detail, ensure_ascii=False), "linked_at": now,
    }


def _member_rows(e: Event, event_id: int) -> list[dict[str, Any]]:
    role = {r.report_id: r.role for r in e.roles}
    cats = dict(zip(e.incident_ids, e.member_categories)) if e.member_categories else {}
    reports = dict(zip(e.incident_ids, e.member_reports)) if e.member_reports else {}
    return [{"incident_id": i, "event_id": event_id, "report_id": reports.get(i, -1),
             "category": cats.get(i, e.category), "role": role.get(reports.get(i, -1), "origin")}
            for i in e.incident_ids]


def _event(r) -> Event:
    d = json.loads(r["detail"])
    g = d.get("grade")
    return Event(
        id=r["id"], category=r["category"], summary=r["summary"],
        location=Location(name=r["place_name"], place_id=r["place_id"], admin1_iso=r["admin1_iso"],
                          country=r["country"], lat=r["lat"], lon=r["lon"], precision=r["location_precision"]),
        time=TimeSpan(r["time_start"], r["time_end"], r["time_precision"], r["time_mention"]),
        incident_ids=tuple(d["incident_ids"]), report_ids=tuple(d["report_ids"]), categories=tuple(d["categories"]),
        roles=tuple(_role(x) for x in d["roles"]),
        grade=Grade(g["reliability"], g["credibility"], g["rule"], tuple(g["reasons"])) if g else None,
        contradictions=tuple(Contradiction(c["field"], c["text"], tuple(c["reports"])) for c in d["contradictions"]),
        member_reports=tuple(d.get("member_reports", ())), member_categories=tuple(d.get("member_categories", ())),
    )


def _role(x: dict[str, Any]) -> ReportRole:
    return ReportRole(x["report_id"], x["outlet"], dt.date.fromisoformat(x["published"]) if x["published"] else None,
                      x["role"], x["rule"], x["why"], x["relay_of_report"], x["relay_of_outlet"], x["source_kind"],
                      x["reliability"], x.get("origin"))


def _link(r) -> Link:
    reasons = tuple(Reason(x["field"], x["level"], x["weight"], x["text"]) for x in json.loads(r["reasons"]))
    return Link(r["incident_a"], r["incident_b"], r["weight"], r["probability"], bool(r["linked"]), reasons)


def _decision(r) -> Decision:
    targets = tuple(EventAnchor(t["category"], tuple(t["report_ids"]), t.get("event_id"))
                    for t in json.loads(r["targets"]))
    at = r["made_at"]
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)  # SQLite gives back naive times; they were written in UTC
    return Decision(r["kind"], targets, r["made_by"], r["why"], tuple(json.loads(r["reports"])), at, r["id"],
                    bool(r["active"]))


def _linkable(inc) -> ColumnElement:
    """Incidents events are made of: current ones an analyst has not rejected (the store's listings agree)."""
    return and_(inc.c.current == True,  # noqa: E712
                or_(inc.c.review_status.is_(None), inc.c.review_status != "rejected"))
