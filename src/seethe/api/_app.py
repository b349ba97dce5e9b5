"""The ASGI app of the REST API: settings, state, error bodies, security headers."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from seethe._version import __version__
from seethe.api._auth import AccessDenied, check_rules
from seethe.api._cache import RecentAnswers
from seethe.api._events import router as event_router
from seethe.api._routes import router
from seethe.errors import SeetheError, StoreError
from seethe.profile import load_profile
from seethe.services.protection import SourceProtector
from seethe.store import Store

log = logging.getLogger("seethe.api")

# Pages and API share one policy: nothing from elsewhere, no inline script, no framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True)
class Settings:
    """How a server runs; ``from_env`` reads what ``seethe serve`` passes to its workers."""

    db: str | None = None
    profile: str = "kp"
    public: bool = False
    secure_cookies: bool = False  # set behind HTTPS
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(db=os.environ.get("SEETHE_DB") or None, profile=os.environ.get("SEETHE_PROFILE", "kp"),
                   public=os.environ.get("SEETHE_PUBLIC") == "1",
                   secure_cookies=os.environ.get("SEETHE_SECURE_COOKIES") == "1")


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def create_api(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The REST API alone (``seethe.web.create_app`` adds the pages to it)."""
    settings = settings or Settings.from_env()
    app = FastAPI(title="Seethe", version=__version__, docs_url=None, redoc_url=None,  # their pages load from a CDN
                  description="Incidents of dissent and state control from sparse, delayed reports.")
    app.state.settings = settings
    app.state.store = store or Store(settings.db).open()
    app.state.profile = load_profile(settings.profile)
    app.state.protector = SourceProtector(app.state.profile)
    app.state.render_error = _json_error
    app.state.recent = RecentAnswers()
    add_routes(app, router)
    add_routes(app, event_router)
    _install_errors(app)

    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """The security headers on every answer (a plain ASGI middleware: no per-request task, no body copy)."""

    def __init__(self, app) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        api = scope["path"].startswith("/api/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                if api and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, with_headers)


def add_routes(app: FastAPI, router) -> None:
    """A router's routes, added to the app itself (not as an included router) so that ``app.routes``
    lists every route with its rule, whatever the FastAPI version does with included routers."""
    app.router.routes.extend(router.routes)


def finish(app: FastAPI) -> FastAPI:
    """Check that every route has an access rule; call once all routes are added."""
    check_rules(app)
    return app


def _json_error(request: Request, status: int, body: dict) -> Response:
    return JSONResponse(body, status_code=status)


def _render(request: Request, status: int, body: dict) -> Response:
    return request.app.state.render_error(request, status, body)


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(AccessDenied)
    async def denied(request: Request, exc: AccessDenied):
        response = _render(request, exc.status, error_body(exc.code, exc.message))
        response.headers["X-Seethe-Denied"] = exc.code  # which rule refused, for clients and the access test
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body", "path"))
        message = f"{where}: {first.get('msg', 'invalid value')}" if where else first.get("msg", "invalid value")
        return _render(request, 422, error_body("usage.invalid", message, where or None))

    @app.exception_handler(StoreError)
    async def store_down(request: Request, exc: StoreError):
        log.error("store error: %s", exc.one_line())
        return _render(request, 503, error_body(exc.code, "the database cannot answer right now"))

    @app.exception_handler(SeetheError)
    async def refused(request: Request, exc: SeetheError):
        status = 404 if exc.code == "not_found" else 409 if exc.code == "usage.user_exists" else 400
        return _render(request, status, error_body(exc.code, exc.message, exc.source))
