"""Console pages of recorded footage: the timeline per camera (recorded spans, holds, alerts), access requests
and their approval, my grants, and playback and export under a grant. Same services as the JSON API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from alerts import service as alerts
from api.console.routes import render
from api.console.shift_common import back, day_bounds, from_local_input, site_zone
from api.deps import (
    ANY_USER,
    IN_ROOM,
    Allow,
    CurrentToken,
    SessionDep,
    SettingsDep,
    actor_of,
    audit_as,
    get_context,
    now_of,
)
from api.policies import LEADS
from api.routes.footage_media import reasoned
from devices.camera import service as cameras
from footage import export as exports
from footage import grants, holds, playback
from footage.models import HoldCategory, RequestState

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
WATCH = IN_ROOM


@dataclass(frozen=True, slots=True)
class Bar:
    """A block on the day's timeline, in percent of the day."""

    left: float
    width: float
    label: str
    start: dt.datetime
    end: dt.datetime


def _bar(start: dt.datetime, end: dt.datetime, day0: dt.datetime, label: str = "") -> Bar:
    day_s = 86400.0
    a = max((start - day0).total_seconds(), 0.0)
    b = min((end - day0).total_seconds(), day_s)
    return Bar(round(100 * a / day_s, 3), round(max(100 * (b - a) / day_s, 0.15), 3), label, start, end)


def _required(request: Request, value: str, field: str) -> dt.datetime:
    parsed = from_local_input(request, value, field)
    assert parsed is not None  # the form field is required
    return parsed


@router.get("/footage", dependencies=[Depends(WATCH)])
def timeline_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    camera: Annotated[str, Query(max_length=64)] = "",
    day: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """One camera's day: recorded spans (with standing access; audited), evidence holds and alerts."""
    all_cameras = cameras.list_(session, limit=500, offset=0)[0]
    chosen = cameras.get_by_name(session, camera) if camera else (all_cameras[0] if all_cameras else None)
    date, start, end = day_bounds(request, day)
    spans: list[Bar] = []
    hold_rows: list[Any] = []
    alert_bars: list[Bar] = []
    may_search = grants.has_standing_access(token.user, settings.footage)
    if chosen is not None:
        hold_rows = holds.active_on(session, camera_id=chosen.id, start=start, end=end)
        alert_rows, _ = alerts.list_(
            session, limit=1000, offset=0, camera=chosen.name, since=start, until=end
        )
        alert_bars = [_bar(a.first_seen, a.last_seen, start, a.kind) for a in alert_rows]
        if may_search:  # through the one footage gate, which checks the access again and audits the view
            found = playback.search(
                session,
                actor=actor_of(request),
                user=token.user,
                camera_id=chosen.id,
                start=start,
                end=end,
                grant_id=None,
                settings=settings,
                now=now_of(request),
                via="console",
            )
            spans = [_bar(s.start, s.end, start) for s in found.spans]
    return render(
        request,
        "footage_timeline.html",
        token=token,
        cameras=all_cameras,
        camera=chosen,
        day=date,
        prev_day=date - dt.timedelta(days=1),
        next_day=date + dt.timedelta(days=1),
        spans=spans,
        holds=[(_bar(h.start, h.end, start, h.incident_ref), h) for h in hold_rows],
        alerts=alert_bars,
        may_search=may_search,
        categories=list(HoldCategory),
        may_release=token.user.has_any(holds.RELEASE_ROLES),
        hours=range(0, 25, 3),
    )


@router.post("/footage/holds", dependencies=[Depends(WATCH)])
def hold_form(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    camera: Annotated[str, Form(max_length=64)],
    start: Annotated[str, Form(max_length=32)],
    end: Annotated[str, Form(max_length=32)],
    incident_ref: Annotated[str, Form(min_length=1, max_length=64)],
    category: Annotated[HoldCategory, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Place a hold from the timeline."""
    audit_as(
        request,
        "footage.hold.place",
        detail={"camera": camera, "start": start, "end": end, "incident": incident_ref},
    )
    chosen = cameras.require_by_name(session, camera)
    begin = _required(request, start, "start")
    hold = holds.place_hold(
        session,
        camera_id=chosen.id,
        start=begin,
        end=_required(request, end, "end"),
        incident_ref=incident_ref,
        category=category,
        note=note,
        user=token.user,
        max_length=dt.timedelta(days=get_context(request).settings.footage.hold_max_days),
        now=now_of(request),
    )
    audit_as(request, target=f"hold:{hold.id}")
    return back(
        f"/footage?camera={chosen.name}&day={begin.astimezone(site_zone(request)).date().isoformat()}"
    )


@router.post("/footage/holds/{hold_id}/release", dependencies=[Depends(Allow(*holds.RELEASE_ROLES))])
def release_form(
    hold_id: int,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    reason: Annotated[str, Form(min_length=3, max_length=2000)],
) -> Response:
    """Release a hold from the timeline (a supervisor who did not place it)."""
    audit_as(request, "footage.hold.release", f"hold:{hold_id}", detail={"reason": reason})
    hold = holds.release_hold(session, hold_id=hold_id, user=token.user, reason=reason, now=now_of(request))
    return back(f"/footage?camera={cameras.require(session, hold.camera_id).name}")


@router.get("/footage/requests", dependencies=[Depends(ANY_USER)])
def requests_page(request: Request, session: SessionDep, token: CurrentToken) -> HTMLResponse:
    """File a request; shift leaders and supervisors also see everyone's and decide them."""
    decider = token.user.has_any(LEADS.roles)
    rows = grants.list_(session, limit=200, offset=0, requester_id=None if decider else token.user.id)[0]
    names = {c.id: c.name for c in cameras.list_(session, limit=500, offset=0)[0]}
    return render(
        request,
        "footage_requests.html",
        token=token,
        requests=rows,
        names=names,
        decider=decider,
        cameras=list(names.values()),
        pending=RequestState.PENDING,
    )


@router.post("/footage/requests", dependencies=[Depends(ANY_USER)])
def request_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    organisation: Annotated[str, Form(min_length=2, max_length=200)],
    reason: Annotated[str, Form(min_length=5, max_length=4000)],
    camera: Annotated[list[str], Form()],
    start: Annotated[str, Form(max_length=32)],
    end: Annotated[str, Form(max_length=32)],
) -> Response:
    """File a footage-access request."""
    audit_as(
        request,
        "footage.request.file",
        detail={"cameras": camera, "start": start, "end": end, "organisation": organisation},
    )
    filed = grants.file_request(
        session,
        user=token.user,
        organisation=organisation,
        reason=reason,
        camera_ids=[cameras.require_by_name(session, name).id for name in camera[:64]],
        start=_required(request, start, "start"),
        end=_required(request, end, "end"),
        settings=settings.footage,
        now=now_of(request),
    )
    audit_as(request, target=f"footage_request:{filed.id}")
    return back("/footage/requests")


@router.post("/footage/requests/{request_id}/{decision}", dependencies=[Depends(LEADS)])
def decide_form(
    request_id: int,
    decision: Literal["approve", "refuse"],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Approve or refuse a request."""
    approve = decision == "approve"
    audit_as(
        request,
        "footage.request.approve" if approve else "footage.request.refuse",
        f"footage_request:{request_id}",
        detail={"note": note},
    )
    grants.decide(
        session,
        request_id=request_id,
        user=token.user,
        approve=approve,
        note=note,
        settings=settings.footage,
        now=now_of(request),
    )
    return back("/footage/requests")


@router.get("/footage/grants", dependencies=[Depends(ANY_USER)])
def grants_page(request: Request, session: SessionDep, token: CurrentToken) -> HTMLResponse:
    """My approved, unexpired grants, each with a link to play and export under it."""
    rows = grants.list_(session, limit=200, offset=0, requester_id=token.user.id, valid_at=now_of(request))[0]
    names = {c.id: c.name for c in cameras.list_(session, limit=500, offset=0)[0]}
    return render(request, "footage_grants.html", token=token, grants=rows, names=names)


@router.get("/footage/view", dependencies=[Depends(ANY_USER)])
def view_page(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    grant: Annotated[int | None, Query(ge=1)] = None,
    ticket: Annotated[str, Query(max_length=64)] = "",
    camera: Annotated[str, Query(max_length=64, description="Camera to preselect")] = "",
    start: Annotated[dt.datetime | None, Query(description="Start to prefill (ISO 8601 with offset)")] = None,
    end: Annotated[dt.datetime | None, Query(description="End to prefill (ISO 8601 with offset)")] = None,
) -> HTMLResponse:
    """Play and export under a grant: the form (camera and range prefilled from the camera page's link, or
    from the grant), and the player once a playback is open. Prefilling grants nothing: playing checks."""
    chosen = grants.require_visible(session, grant, user=token.user) if grant else None
    names = {c.id: c.name for c in cameras.list_(session, limit=500, offset=0)[0]}
    allowed = [names[i] for i in chosen.camera_ids if i in names] if chosen else list(names.values())
    if chosen is not None:
        start, end = start or chosen.start, end or chosen.end
    return render(
        request,
        "footage_view.html",
        token=token,
        grant=chosen,
        cameras=allowed,
        chosen_camera=camera,
        start=_aware(request, start),
        end=_aware(request, end),
        ticket=ticket,
        media=f"/api/v1/footage/playbacks/{ticket}/media" if ticket else "",
    )


def _aware(request: Request, value: dt.datetime | None) -> dt.datetime | None:
    """A prefilled time without an offset is read in the site's zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=site_zone(request))


@router.post("/footage/view", dependencies=[Depends(ANY_USER)])
def play_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    camera: Annotated[str, Form(max_length=64)],
    start: Annotated[str, Form(max_length=32)],
    end: Annotated[str, Form(max_length=32)],
    grant: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    """Open a playback (audited; refusals too, with the reason)."""
    audit_as(request, "footage.playback", f"camera:{camera}")
    with reasoned(request, {"start": start, "end": end, "grant": grant, "console": True}):
        opened = playback.open_playback(
            session,
            user=token.user,
            camera_id=cameras.require_by_name(session, camera).id,
            start=_required(request, start, "start"),
            end=_required(request, end, "end"),
            grant_id=grant,
            settings=settings,
            now=now_of(request),
        )
    return back(f"/footage/view?ticket={opened.id}" + (f"&grant={grant}" if grant else ""))


@router.post("/footage/exports", dependencies=[Depends(ANY_USER)])
def export_form(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    camera: Annotated[list[str], Form()],
    start: Annotated[str, Form(max_length=32)],
    end: Annotated[str, Form(max_length=32)],
    grant: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    """Start a sealed export; its page shows the progress (the ZIP is written after this answer)."""
    audit_as(request, "footage.export", f"cameras:{','.join(camera)}")
    with reasoned(request, {"start": start, "end": end, "grant": grant, "console": True}):
        created = exports.create_export(
            session,
            user=token.user,
            camera_ids=[cameras.require_by_name(session, c).id for c in camera[:16]],
            start=_required(request, start, "start"),
            end=_required(request, end, "end"),
            grant_id=grant,
            fmt="mp4",
            settings=settings,
            now=now_of(request),
        )
    audit_as(request, more={"export": created.id})
    background.add_task(exports.run_export, get_context(request).session_factory, created.id, settings)
    return back(f"/footage/exports/{created.id}")


@router.get("/footage/exports/{export_id}", dependencies=[Depends(ANY_USER)])
def export_page(export_id: int, request: Request, session: SessionDep, token: CurrentToken) -> HTMLResponse:
    """An export's progress, then its download link and manifest."""
    export = exports.require_export(session, export_id=export_id, user=token.user)
    return render(request, "footage_export.html", token=token, export=export)
