"""People and their credentials: users with roles, argon2 password hashes, sessions and API tokens.

Roles are ordered: a viewer reads what is safe to show anyone (source
descriptions withheld, places no finer than a county); an analyst reads
everything and reviews; an admin also manages users.  Secrets (session
cookies, API tokens) are random 256-bit values shown once; the store keeps
only their SHA-256 digests, so a copy of the database opens no session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from seethe.errors import UsageError
from seethe.store import Store, User

ROLES = ("viewer", "analyst", "admin")
RANK = {"anonymous": 0, "viewer": 1, "analyst": 2, "admin": 3}
SESSION_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
TOKEN_PREFIX = "seethe_"

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def at_least(role: str, needed: str) -> bool:
    return RANK.get(role, 0) >= RANK[needed]


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UsageError("a user name is 1-64 letters, digits or . _ @ - (starting with a letter or digit)",
                         source="name", code="usage.user_name")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"no role called {role!r} (roles: {', '.join(ROLES)})", source="role", code="usage.role")
    return role


def check_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UsageError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters", source="password",
                         code="usage.password")
    return password


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add_user(store: Store, name: str, password: str, role: str, actor: str) -> int:
    """A new user with an argon2 hash of their password; ``UsageError`` for a bad name, role or password."""
    return store.add_user(check_name(name), _hasher.hash(check_password(password)), check_role(role), actor=actor)


def set_password(store: Store, name: str, password: str, actor: str) -> bool:
    return store.set_password(name, _hasher.hash(check_password(password)), actor=actor)


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user whose name and password these are, or None (in about the same time either way)."""
    user = store.user(name) if isinstance(name, str) and _NAME.fullmatch(name or "") else None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user


@dataclass(frozen=True, slots=True)
class Session:
    token: str  # the cookie value; shown once, kept only as a digest
    csrf: str


def open_session(store: Store, user: User) -> Session:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    store.add_session(digest(token), user.id, csrf, SESSION_LIFETIME)
    return Session(token, csrf)


def session_user(store: Store, token: str | None) -> tuple[User, str] | None:
    """The user and CSRF token of a live session cookie, or None."""
    if not token or len(token) > 200:
        return None
    return store.session(digest(token))


def close_session(store: Store, token: str | None) -> None:
    if token and len(token) <= 200:
        store.remove_session(digest(token))


def new_api_token(store: Store, user: User, label: str, actor: str) -> tuple[int, str]:
    """A token for scripts (``Authorization: Bearer …``); returns (id, token), the token shown only now."""
    label = "".join(c for c in (label or "") if ord(c) >= 32).strip()[:200] or "token"
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return store.add_token(digest(token), user.id, label, actor=actor), token


def token_user(store: Store, token: str | None) -> User | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return store.token_user(digest(token))
