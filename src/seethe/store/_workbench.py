"""The workbench's tables: users, sessions, API tokens, reviews and the audit log (schema v5).

A mixin of ``Store`` (it uses the store's connection helpers); kept apart so
that the incident store reads on its own.  Secrets never reach the database:
sessions and tokens are kept as SHA-256 digests, passwords as the hash the
service layer made.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, cast, delete, func, select, update

from seethe.errors import StoreError, UsageError

# The incident columns a review may change, and how a stored change is read back.
REVIEWABLE = {
    "category": str, "family": str, "place_id": str, "place_name": str, "place_type": str, "place_mention": str,
    "admin2": str, "admin1_iso": str, "subdivision": str, "country": str, "lat": float, "lon": float,
    "location_precision": str, "time_start": dt.date.fromisoformat, "time_end": dt.date.fromisoformat,
    "time_precision": str,
}
VERDICT = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str
    password_hash: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    review_key: str
    report_id: int
    incident_id: int | None
    action: str
    changes: dict[str, Any]
    reason: str
    user_name: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: dt.datetime
    user_name: str
    action: str
    target: str
    detail: dict[str, Any]
    reason: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes for what was written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class WorkbenchMixin:
    """People, sessions, tokens, reviews and the audit log; see ``Store``."""

    # -- users ------------------------------------------------------------
    def add_user(self, name: str, password_hash: str, role: str, actor: str) -> int:
        users = self.tables["users"]
        try:
            with self._write() as conn:
                uid = conn.execute(users.insert().values(name=name, password_hash=password_hash, role=role,
                                                         created_at=_now())).inserted_primary_key[0]
                self._audit(conn, actor, "user.add", f"user {name}", {"role": role})
                return uid
        except StoreError as exc:
            if self._user_row(name) is not None:
                raise UsageError(f"a user called {name!r} exists already", source="name",
                                 code="usage.user_exists") from None
            raise exc

    def _user_row(self, name: str) -> User | None:
        users = self.tables["users"]
        with self._read() as conn:
            r = conn.execute(select(users).where(users.c.name == name)).mappings().first()
        return _user(r) if r else None

    def user(self, name: str) -> User | None:
        return self._user_row(name)

    def users(self) -> list[User]:
        users = self.tables["users"]
        with self._read() as conn:
            return [_user(r) for r in conn.execute(select(users).order_by(users.c.name)).mappings()]

    def remove_user(self, name: str, actor: str) -> bool:
        """Remove a user with their sessions and tokens (their reviews stay, under their name)."""
        users = self.tables["users"]
        with self._write() as conn:
            uid = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if uid is None:
                return False
            conn.execute(delete(self.tables["sessions"]).where(self.tables["sessions"].c.user_id == uid))
            conn.execute(delete(self.tables["api_tokens"]).where(self.tables["api_tokens"].c.user_id == uid))
            conn.execute(delete(users).where(users.c.id == uid))
            self._audit(conn, actor, "user.remove", f"user {name}", {})
            return True

    def set_password(self, name: str, password_hash: str, actor: str) -> bool:
        users = self.tables["users"]
        with self._write() as conn:
            done = conn.execute(update(users).where(users.c.name == name).values(password_hash=password_hash)).rowcount
            if done:
                self._audit(conn, actor, "user.password", f"user {name}", {})
            return bool(done)

    # -- sessions ---------------------------------------------------------
    def add_session(self, token_hash: str, user_id: int, csrf: str, lifetime: dt.timedelta) -> None:
        sessions = self.tables["sessions"]
        now = _now()
        with self._write() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at < now))
            conn.execute(sessions.insert().values(token_hash=token_hash, user_id=user_id, csrf=csrf, created_at=now,
                                                  expires_at=now + lifetime))

    def session(self, token_hash: str) -> tuple[User, str] | None:
        """The user of a live session and its CSRF token, or None."""
        sessions, users = self.tables["sessions"], self.tables["users"]
        with self._read() as conn:
            r = conn.execute(select(users, sessions.c.csrf, sessions.c.expires_at)
                             .join(sessions, sessions.c.user_id == users.c.id)
                             .where(sessions.c.token_hash == token_hash)).mappings().first()
        if r is None or _aware(r["expires_at"]) < _now():
            return None
        return _user(r), r["csrf"]

    def remove_session(self, token_hash: str) -> None:
        sessions = self.tables["sessions"]
        with self._write() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    # -- API tokens -------------------------------------------------------
    def add_token(self, token_hash: str, user_id: int, label: str, actor: str) -> int:
        tokens = self.tables["api_tokens"]
        with self._write() as conn:
            tid = conn.execute(tokens.insert().values(token_hash=token_hash, user_id=user_id, label=label,
                                                      created_at=_now())).inserted_primary_key[0]
            self._audit(conn, actor, "token.add", f"token {tid}", {"label": label})
            return tid

    def token_user(self, token_hash: str) -> User | None:
        tokens, users = self.tables["api_tokens"], self.tables["users"]
        with self._read() as conn:
            r = conn.execute(select(users).join(tokens, tokens.c.user_id == users.c.id)
                             .where(tokens.c.token_hash == token_hash)).mappings().first()
        return _user(r) if r else None

    def tokens(self, user_id: int | None = None) -> list[dict[str, Any]]:
        tokens, users = self.tables["api_tokens"], self.tables["users"]
        q = (select(tokens.c.id, tokens.c.label, tokens.c.created_at, users.c.name.label("user"))
             .join(users, users.c.id == tokens.c.user_id).order_by(tokens.c.id))
        if user_id is not None:
            q = q.where(tokens.c.user_id == user_id)
        with self._read() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def remove_token(self, token_id: int, actor: str, user_id: int | None = None) -> bool:
        tokens = self.tables["api_tokens"]
        cond = tokens.c.id == token_id if user_id is None else and_(tokens.c.id == token_id,
                                                                    tokens.c.user_id == user_id)
        with self._write() as conn:
            done = conn.execute(delete(tokens).where(cond)).rowcount
            if done:
                self._audit(conn, actor, "token.remove", f"token {token_id}", {})
            return bool(done)

    # -- reviews ----------------------------------------------------------
    def add_review(self, incident_id: int, action: str, changes: dict[str, Any], reason: str, user_name: str) -> int:
        """Record a person's verdict on an incident and apply it, with an audit entry, in one transaction.

        The review is keyed by the incident's review key, so every current
        incident with that key (this one, and the one a later extraction run
        finds again) carries it.
        """
        if action not in VERDICT:
            raise UsageError(f"unknown review action {action!r} (known: {', '.join(VERDICT)})", source="action",
                             code="usage.review_action")
        unknown = set(changes) - set(REVIEWABLE)
        if unknown:
            raise UsageError(f"a review cannot change {', '.join(sorted(unknown))}", source="changes",
                             code="usage.review_field")
        inc, reviews = self.tables["incidents"], self.tables["reviews"]
        stored = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in changes.items()}
        with self._write() as conn:
            row = conn.execute(select(inc.c.review_key, inc.c.report_id).where(inc.c.id == incident_id)).first()
            if row is None:
                raise UsageError(f"no incident {incident_id}", source="incident", code="usage.not_found")
            rid = conn.execute(reviews.insert().values(
                review_key=row.review_key, report_id=row.report_id, incident_id=incident_id, action=action,
                changes=json.dumps(stored, sort_keys=True), reason=reason, user_name=user_name, created_at=_now(),
            )).inserted_primary_key[0]
            self._apply(conn, row.review_key, changes, VERDICT[action])
            self._audit(conn, user_name, f"review.{action}", f"incident {incident_id}", stored, reason)
            return rid

    def _apply(self, conn, key: str, changes: dict[str, Any], status: str) -> None:
        inc = self.tables["incidents"]
        conn.execute(update(inc).where(and_(inc.c.review_key == key, inc.c.current == True))  # noqa: E712
                     .values(**changes, review_status=status))

    def _reapply_reviews(self, conn, report_id: int) -> None:
        """Carry a report's reviews over to the incidents a new extraction run found again."""
        reviews = self.tables["reviews"]
        rows = conn.execute(select(reviews.c.review_key, reviews.c.action, reviews.c.changes)
                            .where(reviews.c.report_id == report_id).order_by(reviews.c.id)).all()
        folded: dict[str, tuple[dict[str, Any], str]] = {}
        for key, action, changes in rows:
            fields, _ = folded.get(key, ({}, ""))
            fields.update({k: REVIEWABLE[k](v) if v is not None else None for k, v in json.loads(changes).items()})
            folded[key] = (fields, VERDICT[action])
        for key, (fields, status) in folded.items():
            self._apply(conn, key, fields, status)

    def reviews(self, incident_id: int) -> list[Review]:
        """The reviews of an incident (by its review key: also those made on an earlier run's copy), oldest first."""
        inc, reviews = self.tables["incidents"], self.tables["reviews"]
        with self._read() as conn:
            key = conn.execute(select(inc.c.review_key).where(inc.c.id == incident_id)).scalar()
            if key is None:
                return []
            rows = conn.execute(select(reviews).where(reviews.c.review_key == key).order_by(reviews.c.id)).mappings()
            return [Review(r["id"], r["review_key"], r["report_id"], r["incident_id"], r["action"],
                           json.loads(r["changes"]), r["reason"], r["user_name"], _aware(r["created_at"]))
                    for r in rows]

    # -- audit log --------------------------------------------------------
    def _audit(self, conn, user_name: str, action: str, target: str, detail: dict[str, Any], reason: str = "") -> None:
        conn.execute(self.tables["audit_log"].insert().values(
            at=_now(), user_name=user_name, action=action, target=target,
            detail=json.dumps(detail, sort_keys=True, default=str), reason=reason))

    def audit_log(self, before: int | None = None, limit: int = 50) -> list[AuditEntry]:
        """Audit entries, newest first; ``before`` is the keyset cursor (an entry id)."""
        log = self.tables["audit_log"]
        q = select(log).order_by(log.c.id.desc()).limit(limit)
        if before is not None:
            q = q.where(log.c.id < before)
        with self._read() as conn:
            return [AuditEntry(r["id"], _aware(r["at"]), r["user_name"], r["action"], r["target"],
                               json.loads(r["detail"]), r["reason"]) for r in conn.execute(q).mappings()]

    # -- counts the workbench draws ---------------------------------------
    def count_places(self, filt) -> list[dict[str, Any]]:
        """Current incidents counted per place and precision (for the map), in SQL."""
        inc = self.tables["incidents"]
        keys = [inc.c.place_id, inc.c.place_name, inc.c.place_type, inc.c.admin1_iso, inc.c.admin2,
                inc.c.subdivision, inc.c.country, inc.c.lat, inc.c.lon, inc.c.location_precision]
        q = (select(*keys, func.count().label("n")).where(*self._conditions(filt, True))
             .group_by(*keys))
        with self._read() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def count_timeline(self, unit: str, filt) -> tuple[list[tuple[str, str, int]], int]:
        """Current incidents per period (ISO week starting Monday, or month) and family, in SQL.

        Only incidents dated to the unit or finer are placed; the rest are
        counted apart and returned as the second value, so a chart can say so.
        """
        inc = self.tables["incidents"]
        fine = ("day", "week") if unit == "week" else ("day", "week", "month")
        if unit == "week":
            period = self._week(inc.c.time_start)
        elif unit == "month":
            period = self._month(inc.c.time_start)
        else:
            raise ValueError(f"unknown timeline unit {unit!r}")
        conds = self._conditions(filt, True)
        q = (select(period.label("p"), inc.c.family, func.count()).where(*conds, inc.c.time_precision.in_(fine))
             .group_by(period, inc.c.family))
        rest = select(func.count()).select_from(inc).where(*conds, inc.c.time_precision.not_in(fine))
        with self._read() as conn:
            rows = sorted((str(p), f, int(n)) for p, f, n in conn.execute(q))
            return rows, int(conn.execute(rest).scalar_one())

    def _week(self, column):
        if self.is_postgres:
            return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
        # SQLite: the Monday on or before the date (%w: Sunday is 0).
        return func.date(column, func.printf("-%d days", (cast(func.strftime("%w", column), Integer) + 6) % 7))


def _user(r) -> User:
    return User(r["id"], r["name"], r["role"], r["password_hash"], _aware(r["created_at"]))
