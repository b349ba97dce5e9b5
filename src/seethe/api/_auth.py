"""Who is asking, and may they: identities from a session cookie or an API token, access rules, CSRF.

Every route declares its rule with ``allow(role)`` (``"anyone"``, ``"viewer"``,
``"analyst"``, ``"admin"``); the app refuses to start with a route that has
none (``check_rules``), and the route × role test enumerates the same rules.

* An API token (``Authorization: Bearer seethe_…``) carries no ambient
  authority, so token requests need no CSRF token.
* A session cookie does: every unsafe request made with it must carry the
  session's CSRF token, as the ``X-CSRF-Token`` header or a ``csrf`` form field.
* ``--public`` mode: everyone is a viewer, nobody writes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from fastapi.routing import APIRoute

from seethe.services import accounts
from seethe.services.protection import SourceProtector

SESSION_COOKIE = "seethe_session"
LOGIN_CSRF_COOKIE = "seethe_login_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
RULE_ROLES = ("anyone", "viewer", "analyst", "admin")


@dataclass(frozen=True, slots=True)
class Identity:
    name: str | None
    role: str  # anonymous, viewer, analyst, admin
    user_id: int | None = None
    csrf: str | None = None  # the session's token; None for API tokens and anonymous requests
    via: str = "none"  # session, token, public, none

    @property
    def sees_sources(self) -> bool:
        return accounts.at_least(self.role, "analyst")


class AccessDenied(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def identify(request: Request) -> Identity:
    """The identity of a request (cached on it): public viewer, token user, session user or anonymous."""
    cached = getattr(request.state, "identity", None)
    if cached is not None:
        return cached
    state = request.app.state
    if state.settings.public:
        ident = Identity(None, "viewer", via="public")
    else:
        ident = _from_token(state.store, request.headers.get("authorization")) or _from_session(
            state.store, request.cookies.get(SESSION_COOKIE)) or Identity(None, "anonymous")
    request.state.identity = ident
    return ident


def _from_token(store, header: str | None) -> Identity | None:
    if not header or not header.lower().startswith("bearer "):
        return None
    user = accounts.token_user(store, header[7:].strip())
    if user is None:
        raise AccessDenied(401, "auth.token", "the API token is not valid")
    return Identity(user.name, user.role, user.id, via="token")


def _from_session(store, cookie: str | None) -> Identity | None:
    found = accounts.session_user(store, cookie)
    if found is None:
        return None
    user, csrf = found
    return Identity(user.name, user.role, user.id, csrf=csrf, via="session")


def protector_for(request: Request, ident: Identity) -> SourceProtector | None:
    """The source protection a reader gets: none for analysts and admins."""
    return None if ident.sees_sources else request.app.state.protector


class Access:
    """A route's access rule, as a FastAPI dependency: ``Depends(allow("analyst"))``."""

    def __init__(self, role: str, page: bool = False) -> None:
        if role not in RULE_ROLES:
            raise ValueError(f"unknown rule {role!r}")
        self.role, self.page = role, page

    async def __call__(self, request: Request) -> Identity:
        ident = identify(request)
        unsafe = request.method not in SAFE_METHODS
        if unsafe and request.app.state.settings.public:
            raise AccessDenied(403, "auth.read_only", "this server is read-only (public mode)")
        if self.role != "anyone" and not accounts.at_least(ident.role, self.role):
            if ident.role == "anonymous":
                raise AccessDenied(401, "auth.required", "sign in first")
            raise AccessDenied(403, "auth.forbidden", f"this needs the {self.role} role")
        if unsafe and ident.via == "session":
            await check_csrf(request, ident.csrf)
        return ident


def allow(role: str) -> Access:
    return Access(role)


async def check_csrf(request: Request, expected: str | None) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        given = (await request.form()).get("csrf")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise AccessDenied(403, "auth.csrf", "the form is missing its CSRF token or it does not match; reload the page")


def route_rule(route: APIRoute) -> Access | None:
    for dep in route.dependant.dependencies:
        if isinstance(dep.call, Access):
            return dep.call
    return None


def check_rules(app) -> None:
    """Refuse to build an app with a route that declares no access rule."""
    missing = [f"{sorted(r.methods)} {r.path}" for r in app.routes if isinstance(r, APIRoute) and route_rule(r) is None]
    if missing:
        raise RuntimeError("routes without an access rule: " + ", ".join(missing))
