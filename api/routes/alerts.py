"""The alert queue over HTTP: list, read, acknowledge, close, dispatch, snapshot, live stream."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from access import tokens
from alerts import service as alerts
from alerts.models import AlertState
from alerts.schemas import AlertClose, AlertDispatch, AlertRead
from api.alert_feed import AlertFeed, alert_events
from api.deps import (
    ANY_USER,
    IN_ROOM,
    CurrentToken,
    CurrentUser,
    SessionDep,
    SettingsDep,
    audit_as,
    get_context,
    now_of,
)
from api.errors import PROBLEM_RESPONSES
from api.schemas import Page, PageQuery
from core.errors import NotFound
from core.types import INT32_MAX, RowId, UtcDateTime
from db.session import session_scope

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"], responses=PROBLEM_RESPONSES)
WATCHERS = IN_ROOM


@router.get("", dependencies=[Depends(ANY_USER)], response_model=Page[AlertRead])
def list_alerts(
    session: SessionDep,
    page: PageQuery,
    state: Annotated[list[AlertState] | None, Query(description="Filter by state (repeatable).")] = None,
    camera: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    since: UtcDateTime | None = None,
    until: UtcDateTime | None = None,
) -> Page[AlertRead]:
    """Alerts: open first, high priority first, newest first."""
    rows, total = alerts.list_(
        session,
        limit=page.limit,
        offset=page.offset,
        states=state or (),
        camera=camera,
        kind=kind,
        since=since,
        until=until,
    )
    return Page[AlertRead](
        items=[AlertRead.model_validate(a) for a in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/stream", dependencies=[Depends(ANY_USER)])
def stream_alerts(
    request: Request,
    token: CurrentToken,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
    after: Annotated[
        int | None, Query(ge=0, le=INT32_MAX, description="Start after this change id (first connect).")
    ] = None,
) -> StreamingResponse:
    """Server-Sent Events of every alert change; reconnect with Last-Event-ID to miss nothing."""
    resume = last_event_id or ""
    start = (
        int(resume) if resume.isdigit() and int(resume) <= INT32_MAX else after or 0
    )  # a reconnecting EventSource sends Last-Event-ID
    ctx = get_context(request)
    factory = ctx.session_factory
    token_id = token.id
    ends_at = time.monotonic() + (token.expires_at - ctx.clock.now()).total_seconds()  # checked then

    def alive() -> bool:
        with session_scope(factory) as session:
            return tokens.is_live(session, token_id=token_id, now=ctx.clock.now())

    if ctx.alert_feed is None:
        ctx.alert_feed = AlertFeed(factory, ctx.notifier)
    return StreamingResponse(
        alert_events(ctx.alert_feed, after=start, alive=alive, ends_at=ends_at),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/{alert_id}", dependencies=[Depends(ANY_USER)], response_model=AlertRead)
def read_alert(alert_id: RowId, session: SessionDep) -> AlertRead:
    """One alert."""
    return AlertRead.model_validate(alerts.require(session, alert_id))


@router.get("/{alert_id}/snapshot", dependencies=[Depends(WATCHERS)])
def read_alert_snapshot(alert_id: RowId, session: SessionDep) -> Response:
    """The alert's JPEG snapshot (privacy masks blanked)."""
    jpeg = alerts.snapshot_of(session, alert_id)
    if jpeg is None:
        raise NotFound(f"alert {alert_id} has no snapshot")
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/{alert_id}/acknowledge", dependencies=[Depends(WATCHERS)], response_model=AlertRead)
def acknowledge_alert(alert_id: RowId, request: Request, session: SessionDep, user: CurrentUser) -> AlertRead:
    """Acknowledge; 409 with who and when if someone else already did."""
    audit_as(request, "alert.acknowledge", f"alert:{alert_id}")
    return AlertRead.model_validate(
        alerts.acknowledge(session, alert_id=alert_id, user=user, now=now_of(request))
    )


@router.post("/{alert_id}/close", dependencies=[Depends(WATCHERS)], response_model=AlertRead)
def close_alert(
    alert_id: RowId, body: AlertClose, request: Request, session: SessionDep, user: CurrentUser
) -> AlertRead:
    """Resolve, or mark as a false alarm."""
    audit_as(request, "alert.false_alarm" if body.false_alarm else "alert.resolve", f"alert:{alert_id}")
    alert = alerts.close(
        session,
        alert_id=alert_id,
        user=user,
        false_alarm=body.false_alarm,
        note=body.note,
        now=now_of(request),
    )
    return AlertRead.model_validate(alert)


@router.post("/{alert_id}/dispatch", dependencies=[Depends(WATCHERS)], response_model=AlertRead)
def dispatch_alert(
    alert_id: RowId,
    body: AlertDispatch,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> AlertRead:
    """Send the alert to responders (patrol, security) over MQTT and webhooks."""
    audit_as(request, "alert.dispatch", f"alert:{alert_id}", detail={"responders": body.responders})
    alert = alerts.dispatch(
        session,
        alert_id=alert_id,
        user=user,
        responders=body.responders,
        note=body.note,
        settings=settings.alerts,
        now=now_of(request),
    )
    return AlertRead.model_validate(alert)
