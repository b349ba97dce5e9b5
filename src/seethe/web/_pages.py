"""The pages: map and timeline, incident, event, report, review, audit log, sign-in, users.

Pages are rendered on the server with Jinja2 (autoescaped: report text is
always text); the map page's script reads the same REST API a script would.
Forms post with the session's CSRF token; the sign-in form, before there is
a session, with a double-submit cookie.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from seethe.api import LOGIN_CSRF_COOKIE, SESSION_COOKIE, AccessDenied, Identity, allow, protector_for
from seethe.api._params import iso_date
from seethe.errors import UsageError
from seethe.geo import gazetteer_for
from seethe.services import accounts, province_label
from seethe.services.review import review_incident
from seethe.services.event_views import event_view
from seethe.services.events import decide_about, decisions_about
from seethe.services.views import Segment, incident_record, is_current, report_view, segments
from seethe.store import EventFilter, IncidentFilter

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.autoescape = True  # every template, whatever its file name
FILTER_KEYS = ("category", "province", "place", "since", "until", "outlet", "search", "min_confidence", "review")
router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, ident: Identity, status: int = 200, **context: Any) -> HTMLResponse:
    state = request.app.state
    return TEMPLATES.TemplateResponse(request, name, {
        "me": ident, "public": state.settings.public, "csrf": ident.csrf, **context}, status_code=status)


def _filters_context(request: Request, ident: Identity) -> dict[str, Any]:
    profile = request.app.state.profile
    gaz = gazetteer_for(profile)
    provinces = sorted({p.admin1_iso for p in gaz.by_type("province") if p.admin1_iso})
    return {
        "values": {k: request.query_params.get(k, "") for k in FILTER_KEYS},
        "categories": sorted(profile.codebook.categories.items()),
        "families": profile.codebook.families(),
        "provinces": [(c, province_label(profile, c)) for c in provinces],
    }


@router.get("/", response_class=HTMLResponse)
def map_page(request: Request, ident: Identity = Depends(allow("viewer"))):
    # The events layer is offered once a link has made events (one row read, not a count).
    has_events = next(request.app.state.store.events(EventFilter(limit=1)), None) is not None
    return render(request, "map.html", ident, has_events=has_events,
                  events_on=request.query_params.get("events") == "1", **_filters_context(request, ident))


def _incident_or_404(request: Request, ident: Identity, incident_id: int):
    review = None if protector_for(request, ident) else "any"
    found = next(request.app.state.store.incidents(IncidentFilter(ids=(incident_id,), review=review),
                                                   current_only=False), None)
    if found is None:
        raise UsageError(f"no incident {incident_id}", source="incident", code="not_found")
    return found


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of a report around evidence, cut into marked segments; whether text was left out either side."""

    segments: list[Segment]
    cut_before: bool
    cut_after: bool


def _passages(view: dict[str, Any], incident_ids: set[int], context_chars: int = 600) -> list[Passage]:
    """The paragraphs of a report around some of its incidents' evidence (overlapping ones joined), marked."""
    spans = sorted((e["start"], e["end"], e["incident"]) for e in view["evidence"] if e["incident"] in incident_ids)
    text = view["text"]
    stretches: list[list[int]] = []
    for start, end, _ in spans:
        a, b = _paragraph_bounds(text, start, end, context_chars)
        if stretches and a <= stretches[-1][1]:
            stretches[-1][1] = max(b, stretches[-1][1])
        else:
            stretches.append([a, b])
    out = []
    for a, b in stretches:
        evidence = [(k, s - a, e - a) for s, e, k in spans if a <= s and e <= b]
        withheld = [(w["start"] - a, w["end"] - a) for w in view["withheld"] if w["start"] >= a and w["end"] <= b]
        out.append(Passage(segments(text[a:b], evidence, withheld), a > 0, b < len(text)))
    return out


def _paragraph_bounds(text: str, start: int, end: int, reach: int) -> tuple[int, int]:
    """Widen a span to whole paragraphs (or words, past ``reach`` characters)."""
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    before = text.rfind("\n", lo, start)
    a = before + 1 if before >= 0 else (lo if lo == 0 else text.find(" ", lo, start) + 1)
    after = text.find("\n", end, hi)
    b = after if after >= 0 else (hi if hi == len(text) else max(text.rfind(" ", end, hi), end))
    return a, b


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, incident_id: int = PathParam(..., ge=1, le=2**62),
                  ident: Identity = Depends(allow("viewer"))):
    state = request.app.state
    protector = protector_for(request, ident)
    inc = _incident_or_404(request, ident, incident_id)
    record = {**incident_record(inc, protector), "current": is_current(state.store, incident_id)}
    view = report_view(state.store, state.profile, inc.report.id, protector, review=None if protector else "any")
    passage = next(iter(_passages(view, {incident_id}) if view else []), Passage([], False, False))
    reviews = state.store.reviews(incident_id) if not protector else []
    event_id = state.store.event_of_incident(incident_id)
    return render(request, "incident.html", ident, inc=record, report=view, excerpt=passage.segments,
                  cut_before=passage.cut_before, cut_after=passage.cut_after, reviews=reviews,
                  event=state.store.event(event_id, with_incidents=False) if event_id else None,
                  categories=sorted(state.profile.codebook.categories.items()),
                  province=province_label(state.profile, record["location"]["admin1_iso"]) if
                  record["location"]["admin1_iso"] else None,
                  error=request.query_params.get("error"))


@router.post("/incidents/{incident_id}/review")
def review_form(request: Request, incident_id: int = PathParam(..., ge=1, le=2**62),
                action: str = Form(..., max_length=20), reason: str = Form("", max_length=2000),
                category: str = Form("", max_length=100), place: str = Form("", max_length=200),
                time_start: str = Form("", max_length=10), time_end: str = Form("", max_length=10),
                csrf: str = Form("", max_length=100), ident: Identity = Depends(allow("analyst"))):
    state = request.app.state
    _incident_or_404(request, ident, incident_id)
    try:
        review_incident(state.store, state.profile, incident_id, action, reason=reason, user=ident.name,
                        category=category or None, place=place or None,
                        time_start=iso_date(time_start, "time_start"), time_end=iso_date(time_end, "time_end"))
    except UsageError as exc:
        if exc.code == "not_found":
            raise
        return RedirectResponse(f"/incidents/{incident_id}?" + urlencode({"error": exc.one_line()}), status_code=303)
    state.recent.clear()
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: int = PathParam(..., ge=1, le=2**62),
                ident: Identity = Depends(allow("viewer"))):
    state = request.app.state
    protector = protector_for(request, ident)
    view = report_view(state.store, state.profile, report_id, protector)
    if view is None:
        raise UsageError(f"no report {report_id}", source="report", code="not_found")
    spans = [(e["incident"], e["start"], e["end"]) for e in view["evidence"]]
    withheld = [(w["start"], w["end"]) for w in view["withheld"]]
    return render(request, "report.html", ident, report=view, segments=segments(view["text"], spans, withheld))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: int = PathParam(..., ge=1, le=2**62),
               ident: Identity = Depends(allow("viewer"))):
    state = request.app.state
    protector = protector_for(request, ident)
    view = event_view(state.store, state.profile, event_id, protector)
    if view is None:
        raise UsageError(f"no event {event_id}", source="event", code="not_found")
    columns = [_telling_column(request, telling, protector) for telling in view["tellings"]]
    incidents = {i["id"]: i for i in view["incidents"]}
    return render(request, "event.html", ident, event=view, columns=columns, incidents=incidents,
                  province=province_label(state.profile, view["location"]["admin1_iso"]) if
                  view["location"]["admin1_iso"] else None,
                  decisions=decisions_about(state.store, view["report_ids"]) if not protector else [],
                  made=_event_numbers(request.query_params.get("made", "")), error=request.query_params.get("error"))


@router.post("/events/{event_id}/decide")
def decide_form(request: Request, event_id: int = PathParam(..., ge=1, le=2**62),
                kind: str = Form(..., max_length=20), why: str = Form("", max_length=2000),
                others: str = Form("", alias="with", max_length=200), reports: list[int] = Form([]),
                csrf: str = Form("", max_length=100), ident: Identity = Depends(allow("analyst"))):
    state = request.app.state
    try:
        _, events = decide_about(state.store, event_id, kind, by=ident.name, why=why,
                                 others=_event_numbers(others), reports=reports, profile=state.profile)
    except UsageError as exc:
        if exc.code == "not_found":
            raise
        return RedirectResponse(f"/events/{event_id}?" + urlencode({"error": exc.one_line()}), status_code=303)
    state.recent.clear()
    # The page's event keeps its id through a merge, and keeps the reports a split leaves; the others are named.
    ids = [e.id for e in events]
    kept = event_id if event_id in ids else ids[0]
    made = ",".join(str(k) for k in ids if k != kept)
    return RedirectResponse(f"/events/{kept}" + ("?" + urlencode({"made": made}) if made else ""), status_code=303)


def _event_numbers(given: str) -> list[int]:
    """Event numbers as people type them: "57", "#57", "57, 61"."""
    words = [w.lstrip("#") for w in re.split(r"[\s,]+", given.strip()) if w]
    if any(not w.isdigit() or len(w) > 18 for w in words):
        raise UsageError(f"{given!r} is not a list of event numbers", source="with", code="usage.decision")
    return [int(w) for w in words]


def _telling_column(request: Request, telling: dict[str, Any], protector) -> dict[str, Any]:
    """One report of an event as a column: its telling and the passages holding the event's evidence."""
    state = request.app.state
    view = report_view(state.store, state.profile, telling["report_id"], protector,
                       review=None if protector else "any")
    return {**telling, "passages": _passages(view, set(telling["incident_ids"])) if view else []}


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, before: int | None = Query(None, ge=1, le=2**62),
               ident: Identity = Depends(allow("analyst"))):
    entries = request.app.state.store.audit_log(before=before, limit=100)
    return render(request, "audit.html", ident, entries=entries,
                  older=entries[-1].id if len(entries) == 100 else None)


def _safe_next(target: str | None) -> str:
    """Only a path on this server (no scheme, no //host): an open redirect helps phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = Query("/", max_length=2000),  # noqa: A002 - the usual name
               ident: Identity = Depends(allow("anyone"))):
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", ident, login_csrf=token, next=_safe_next(next),
                      error=request.query_params.get("error"))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies, max_age=3600)
    return response


@router.post("/login")
def login(request: Request, name: str = Form(..., max_length=64), password: str = Form(..., max_length=1024),
          csrf: str = Form("", max_length=100), next: str = Form("/", max_length=2000),  # noqa: A002
          ident: Identity = Depends(allow("anyone"))):
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not secrets.compare_digest(expected, csrf):
        raise AccessDenied(403, "auth.csrf", "the sign-in form is missing its CSRF token; reload the page")
    store = request.app.state.store
    user = accounts.authenticate(store, name, password)
    if user is None:
        return RedirectResponse("/login?" + urlencode({"error": "wrong name or password", "next": _safe_next(next)}),
                                status_code=303)
    session = accounts.open_session(store, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="lax",
                        secure=request.app.state.settings.secure_cookies,
                        max_age=int(accounts.SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, ident: Identity = Depends(allow("viewer"))):
    accounts.close_session(request.app.state.store, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, ident: Identity = Depends(allow("admin"))):
    return render(request, "users.html", ident, users=request.app.state.store.users(), roles=accounts.ROLES,
                  error=request.query_params.get("error"))


@router.post("/admin/users")
def add_user_form(request: Request, name: str = Form(..., max_length=64), password: str = Form(..., max_length=1024),
                  role: str = Form(..., max_length=16), csrf: str = Form("", max_length=100),
                  ident: Identity = Depends(allow("admin"))):
    try:
        accounts.add_user(request.app.state.store, name, password, role, actor=ident.name)
    except UsageError as exc:
        return RedirectResponse("/admin/users?" + urlencode({"error": exc.one_line()}), status_code=303)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/remove")
def remove_user_form(request: Request, name: str = PathParam(..., min_length=1, max_length=64),
                     csrf: str = Form("", max_length=100), ident: Identity = Depends(allow("admin"))):
    if name != ident.name:
        request.app.state.store.remove_user(name, actor=ident.name)
    return RedirectResponse("/admin/users", status_code=303)


def render_error(request: Request, status: int, body: dict) -> Response:
    """Errors on pages: a sign-in redirect for 401, an error page otherwise; JSON for the API."""
    path = request.url.path
    if path.startswith("/api/") or path == "/openapi.json":
        return JSONResponse(body, status_code=status)
    if status == 401:
        here = path + ("?" + request.url.query if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": _safe_next(here)}), status_code=303)
    ident = getattr(request.state, "identity", None) or Identity(None, "anonymous")
    return render(request, "error.html", ident, status=status, code=status, error=body["error"])
