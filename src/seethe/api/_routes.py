"""The REST API's routes: thin; each parses, calls a service and renders.

The event routes (``/api/events…``) are in ``_events``, in the same shape.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from seethe.api._auth import Identity, allow, protector_for
from seethe.api._params import DEFAULT_PAGE, MAX_PAGE, FilterParams, decode_cursor, encode_cursor, filter_params, iso_date
from seethe.errors import UsageError
from seethe.geo import gazetteer_for
from seethe.services import accounts, export_chunks, province_label
from seethe.services.review import review_incident
from seethe.services.views import incident_record, is_current, map_layer, records, report_view, timeline
from seethe.store import IncidentFilter

IncidentId = Path(..., ge=1, le=2**62, description="An incident id.")
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8",
                "geojson": "application/geo+json; charset=utf-8"}


class NotFound(UsageError):
    code = "not_found"


class FastJSON(JSONResponse):
    """JSON straight from the dicts the services build: already plain data, no second encoding pass."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


router = APIRouter(prefix="/api", default_response_class=FastJSON)


def _state(request: Request):
    return request.app.state


def recent(request: Request, ident: Identity, compute) -> Response:
    """An aggregate answer, from the recent ones (kept rendered) when the same question was just asked."""
    key = (request.url.path, tuple(sorted(request.query_params.multi_items())), ident.sees_sources)
    body = _state(request).recent.get(key, lambda: FastJSON(compute()).body)
    return Response(body, media_type="application/json")


def _page(request: Request, ident: Identity, params: FilterParams, limit: int, cursor: str | None,
          search: str | None = None) -> dict[str, Any]:
    state = _state(request)
    protector = protector_for(request, ident)
    filt = params.store_filter(state.profile, limit=limit + 1, after=decode_cursor(cursor),
                               viewer=protector is not None, search=search)
    found = list(state.store.incidents(filt))
    more = len(found) > limit
    found = found[:limit]
    last = found[-1] if found else None
    return FastJSON({"items": list(records(found, protector)),
                     "next_cursor": encode_cursor(last.time.start, last.id) if more and last else None})


@router.get("/me", summary="Who you are to this server")
def me(request: Request, ident: Identity = Depends(allow("anyone"))) -> dict[str, Any]:
    return {"name": ident.name, "role": ident.role, "public": _state(request).settings.public,
            "sees_sources": ident.sees_sources}


@router.get("/meta", summary="Categories, families, provinces and the values filters take")
def meta(request: Request, ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    profile = _state(request).profile
    gaz = gazetteer_for(profile)
    provinces = sorted({p.admin1_iso for p in gaz.by_type("province") if p.admin1_iso})
    return {
        "categories": {code: cat.label for code, cat in profile.codebook.categories.items()},
        "families": list(profile.codebook.families()),
        "provinces": [{"code": c, "label": province_label(profile, c)} for c in provinces],
        "precisions": ["site", "city", "county", "province", "country", "unknown"],
        "review": ["unreviewed", "confirmed", "corrected"] + (["rejected", "any"] if ident.sees_sources else []),
    }


@router.get("/incidents", summary="Incidents, newest first, filtered; cursor-paginated")
def incidents(request: Request, params: FilterParams = Depends(filter_params),
              limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE), cursor: str | None = Query(None, max_length=100),
              ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    return _page(request, ident, params, limit, cursor)


@router.get("/search", summary="Incidents whose evidence or summary holds these words (word prefixes)")
def search(request: Request, q: str = Query(..., min_length=1, max_length=1000),
           params: FilterParams = Depends(filter_params), limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE),
           cursor: str | None = Query(None, max_length=100),
           ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    return _page(request, ident, params, limit, cursor, search=q)


def _incident(request: Request, ident: Identity, incident_id: int):
    viewer = not ident.sees_sources
    found = next(_state(request).store.incidents(IncidentFilter(ids=(incident_id,), review=None if viewer else "any"),
                                                 current_only=False), None)
    if found is None:
        raise NotFound(f"no incident {incident_id}", source="incident")
    return found


@router.get("/incidents/{incident_id}", summary="One incident (an earlier run's too) and the event it is in")
def incident(request: Request, incident_id: int = IncidentId,
             ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    found = _incident(request, ident, incident_id)
    store = _state(request).store
    return {**incident_record(found, protector_for(request, ident)), "current": is_current(store, found.id),
            "event_id": store.event_of_incident(found.id)}


@router.get("/incidents/{incident_id}/reviews", summary="The reviews of an incident, oldest first")
def incident_reviews(request: Request, incident_id: int = IncidentId,
                     ident: Identity = Depends(allow("analyst"))) -> list[dict[str, Any]]:
    _incident(request, ident, incident_id)
    return [_review_json(r) for r in _state(request).store.reviews(incident_id)]


def _review_json(r) -> dict[str, Any]:
    return {"id": r.id, "incident_id": r.incident_id, "action": r.action, "changes": r.changes, "reason": r.reason,
            "user": r.user_name, "at": r.created_at.isoformat()}


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["confirm", "correct", "reject"]
    reason: str = Field(..., min_length=1, max_length=2000)
    category: str | None = Field(None, max_length=100)
    place: str | None = Field(None, max_length=200)
    time_start: str | None = Field(None, max_length=10)
    time_end: str | None = Field(None, max_length=10)
    time_precision: str | None = Field(None, max_length=20)


@router.post("/incidents/{incident_id}/review", status_code=201, summary="Confirm, correct or reject an incident")
def review(request: Request, body: ReviewIn, incident_id: int = IncidentId,
           ident: Identity = Depends(allow("analyst"))) -> dict[str, Any]:
    state = _state(request)
    _incident(request, ident, incident_id)
    rid = review_incident(state.store, state.profile, incident_id, body.action, reason=body.reason, user=ident.name,
                          category=body.category or None, place=body.place or None,
                          time_start=iso_date(body.time_start, "time_start"),
                          time_end=iso_date(body.time_end, "time_end"), time_precision=body.time_precision or None)
    state.recent.clear()
    return {"review": rid, "incident": incident_record(_incident(request, ident, incident_id), None)}


@router.get("/reports/{report_id}", summary="A report's text with its incidents' evidence spans")
def report(request: Request, report_id: int = Path(..., ge=1, le=2**62),
           ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    state = _state(request)
    view = report_view(state.store, state.profile, report_id, protector_for(request, ident))
    if view is None:
        raise NotFound(f"no report {report_id}", source="report")
    return FastJSON(view)


@router.get("/counts", summary="Incidents counted by one key (family, category, province, month, outlet)")
def counts(request: Request, by: Literal["family", "category", "province", "month", "outlet"] = "family",
           params: FilterParams = Depends(filter_params),
           ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    state = _state(request)
    filt = params.store_filter(state.profile, viewer=not ident.sees_sources)
    return recent(request, ident, lambda: {"by": by, "counts": state.store.count_by(by, filt),
                                            "total": state.store.count_incidents(filt)})


@router.get("/timeline", summary="Incidents per week or month and family")
def timeline_counts(request: Request, unit: Literal["week", "month"] = "month",
                    params: FilterParams = Depends(filter_params),
                    ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    state = _state(request)
    filt = params.store_filter(state.profile, viewer=not ident.sees_sources)
    return recent(request, ident, lambda: timeline(state.store, filt, unit))


@router.get("/map", summary="GeoJSON: incidents per place (points) and per province, as the role may see them")
def map_data(request: Request, params: FilterParams = Depends(filter_params),
             ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    state = _state(request)
    protector = protector_for(request, ident)
    filt = params.store_filter(state.profile, viewer=protector is not None)
    return recent(request, ident, lambda: map_layer(state.store, filt, protector))


@router.get("/export", summary="The incidents of a filter as CSV, JSON Lines or GeoJSON (streamed)")
def export(request: Request, format: Literal["csv", "jsonl", "geojson"] = "csv",  # noqa: A002 - the API's word
           params: FilterParams = Depends(filter_params), limit: int | None = Query(None, ge=1, le=10**9),
           ident: Identity = Depends(allow("viewer"))) -> StreamingResponse:
    state = _state(request)
    protector = protector_for(request, ident)
    filt = params.store_filter(state.profile, limit=limit, viewer=protector is not None)
    chunks = batched(export_chunks(records(state.store.incidents_paged(filt), protector), format))
    name = f"seethe-incidents-{dt.date.today().isoformat()}.{format}"
    return StreamingResponse(chunks, media_type=EXPORT_TYPES[format],
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


def batched(chunks, size: int = 1 << 16):
    """Chunks joined to about ``size`` characters: each one crosses from a worker thread to the event loop."""
    buffer, length = [], 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


@router.get("/audit", summary="The audit log, newest first")
def audit(request: Request, before: int | None = Query(None, ge=1, le=2**62), limit: int = Query(50, ge=1, le=500),
          ident: Identity = Depends(allow("analyst"))) -> dict[str, Any]:
    entries = _state(request).store.audit_log(before=before, limit=limit)
    return {"items": [{"id": e.id, "at": e.at.isoformat(), "user": e.user_name, "action": e.action,
                       "target": e.target, "detail": e.detail, "reason": e.reason} for e in entries],
            "next_before": entries[-1].id if len(entries) == limit else None}


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=accounts.MIN_PASSWORD, max_length=accounts.MAX_PASSWORD)
    role: Literal["viewer", "analyst", "admin"]


@router.get("/users", summary="Users and their roles")
def users(request: Request, ident: Identity = Depends(allow("admin"))) -> list[dict[str, Any]]:
    return [{"name": u.name, "role": u.role, "created_at": u.created_at.isoformat()}
            for u in _state(request).store.users()]


@router.post("/users", status_code=201, summary="Add a user")
def add_user(request: Request, body: UserIn, ident: Identity = Depends(allow("admin"))) -> dict[str, Any]:
    accounts.add_user(_state(request).store, body.name, body.password, body.role, actor=ident.name)
    return {"name": body.name, "role": body.role}


@router.delete("/users/{name}", summary="Remove a user (their sessions and tokens end)")
def remove_user(request: Request, name: str = Path(..., min_length=1, max_length=64),
                ident: Identity = Depends(allow("admin"))) -> dict[str, Any]:
    if name == ident.name:
        raise UsageError("you cannot remove yourself", source="name", code="usage.self")
    if not _state(request).store.remove_user(name, actor=ident.name):
        raise NotFound(f"no user called {name!r}", source="name")
    return {"removed": name}


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field("token", min_length=1, max_length=200)


@router.get("/tokens", summary="Your API tokens (their labels; a token is shown only when made)")
def tokens(request: Request, ident: Identity = Depends(allow("viewer"))) -> list[dict[str, Any]]:
    if ident.user_id is None:
        return []
    return [{"id": t["id"], "label": t["label"], "created_at": t["created_at"].isoformat()}
            for t in _state(request).store.tokens(ident.user_id)]


@router.post("/tokens", status_code=201, summary="Make an API token for scripts")
def add_token(request: Request, body: TokenIn, ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    store = _state(request).store
    user = store.user(ident.name) if ident.name else None
    if user is None:
        raise UsageError("only a signed-in user has tokens", source="token", code="usage.token")
    tid, token = accounts.new_api_token(store, user, body.label, actor=ident.name)
    return {"id": tid, "label": body.label, "token": token}


@router.delete("/tokens/{token_id}", summary="Revoke one of your API tokens")
def remove_token(request: Request, token_id: int = Path(..., ge=1, le=2**62),
                 ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    if ident.user_id is None or not _state(request).store.remove_token(token_id, actor=ident.name,
                                                                       user_id=ident.user_id):
        raise NotFound(f"no token {token_id} of yours", source="token")
    return {"removed": token_id}
