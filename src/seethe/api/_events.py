"""The REST API's event routes: events filtered as ``seethe events`` filters them, one event with its tellings
and provenance, the events' map layer and export.  Thin, as the other routes: parse, call a service, render."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from seethe.api._auth import Identity, allow, protector_for
from seethe.api._params import DEFAULT_PAGE, MAX_PAGE, EventParams, decode_cursor, encode_cursor, event_params
from seethe.api._routes import EXPORT_TYPES, FastJSON, NotFound, batched, recent
from seethe.services import EVENT_CSV_COLUMNS, event_flat_row, export_chunks
from seethe.services.event_views import MAP_LIMIT, event_map, event_records, event_view
from seethe.services.events import decide_about, withdraw

router = APIRouter(prefix="/api", default_response_class=FastJSON)
EventId = Path(..., ge=1, le=2**62, description="An event id.")
Id = Annotated[int, Field(ge=1, le=2**62)]


@router.get("/events", summary="Events, newest first, filtered as `seethe events` filters; cursor-paginated")
def events(request: Request, params: EventParams = Depends(event_params),
           limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE), cursor: str | None = Query(None, max_length=100),
           ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    state = request.app.state
    filt = params.store_filter(state.profile, limit=limit + 1, after=decode_cursor(cursor))
    found = list(state.store.events(filt))
    more = len(found) > limit
    found = found[:limit]
    last = found[-1] if found else None
    return FastJSON({"items": list(event_records(state.store, found, protector_for(request, ident))),
                     "next_cursor": encode_cursor(last.time.start, last.id) if more and last else None})


@router.get("/events/map", summary="GeoJSON: the filter's placed events, most independent origins first")
def events_map(request: Request, params: EventParams = Depends(event_params),
               limit: int = Query(MAP_LIMIT, ge=1, le=2000),
               ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    state = request.app.state
    filt = params.store_filter(state.profile)
    return recent(request, ident, lambda: event_map(state.store, filt, protector_for(request, ident), limit))


@router.get("/events/export", summary="The events of a filter as CSV, JSON Lines or GeoJSON (streamed)")
def events_export(request: Request, format: Literal["csv", "jsonl", "geojson"] = "csv",  # noqa: A002 - the API's word
                  params: EventParams = Depends(event_params), limit: int | None = Query(None, ge=1, le=10**9),
                  ident: Identity = Depends(allow("viewer"))) -> StreamingResponse:
    state = request.app.state
    filt = params.store_filter(state.profile, limit=limit)
    records = event_records(state.store, state.store.events_paged(filt), protector_for(request, ident))
    chunks = batched(export_chunks(records, format, EVENT_CSV_COLUMNS, event_flat_row))
    name = f"seethe-events-{dt.date.today().isoformat()}.{format}"
    return StreamingResponse(chunks, media_type=EXPORT_TYPES[format],
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/events/{event_id}", summary="One event: its incidents, each report's role and what it relays, "
                                          "the provenance chain, the grade and its rule, contradictions")
def event(request: Request, event_id: int = EventId,
          ident: Identity = Depends(allow("viewer"))) -> dict[str, Any]:
    state = request.app.state
    view = event_view(state.store, state.profile, event_id, protector_for(request, ident))
    if view is None:
        raise NotFound(f"no event {event_id}", source="event")
    return FastJSON(view)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["merge", "split", "detach"]
    why: str = Field(..., min_length=1, max_length=2000, pattern=r"\S")  # a reason, not blanks
    with_: list[Id] = Field([], alias="with", max_length=100, description="Merge: the other events.")
    reports: list[Id] = Field([], max_length=1000, description="Split, detach: reports of this event.")


@router.post("/events/{event_id}/decisions", status_code=201,
             summary="Merge the event with others, split reports off it or detach one (kept, audited, replayed "
                     "after every link); answers the events it leaves")
def decide_event(request: Request, body: DecisionIn, event_id: int = EventId,
                 ident: Identity = Depends(allow("analyst"))) -> dict[str, Any]:
    state = request.app.state
    decision_id, events = decide_about(state.store, event_id, body.kind, by=ident.name, why=body.why,
                                       others=body.with_, reports=body.reports, profile=state.profile)
    state.recent.clear()  # the events map and counts changed
    return FastJSON({"decision": decision_id, "events": list(event_records(state.store, events, None))},
                    status_code=201)


@router.get("/decisions", summary="Analysts' decisions about events, in the order they are replayed")
def decisions(request: Request, ident: Identity = Depends(allow("analyst"))) -> list[dict[str, Any]]:
    return [d.to_dict() for d in request.app.state.store.decisions(active_only=False)]


@router.delete("/decisions/{decision_id}", summary="Withdraw a decision: the next link no longer replays it")
def withdraw_decision(request: Request, decision_id: int = Path(..., ge=1, le=2**62),
                      why: str = Query("", max_length=2000), ident: Identity = Depends(allow("analyst"))) -> dict:
    withdraw(request.app.state.store, decision_id, by=ident.name, why=why)
    return {"withdrawn": decision_id}
