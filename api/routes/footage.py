"""Evidence holds (R8) and footage-access requests and grants (R7) over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from access.roles import Role
from api.deps import (
    ANY_USER,
    IN_ROOM,
    Allow,
    CurrentUser,
    SessionDep,
    SettingsDep,
    audit_as,
    now_of,
)
from api.errors import PROBLEM_RESPONSES
from api.policies import LEADS
from api.schemas import Page, PageQuery
from core.types import RowId
from devices.camera import service as cameras
from footage import grants, holds
from footage.models import RequestState
from footage.schemas import Decision, HoldCreate, HoldRead, HoldRelease, RequestCreate, RequestRead

router = APIRouter(prefix="/api/v1/footage", tags=["footage"], responses=PROBLEM_RESPONSES)
PLACERS = IN_ROOM
RELEASERS = Allow(Role.SUPERVISOR)


@router.get("/holds", dependencies=[Depends(PLACERS)], response_model=Page[HoldRead])
def list_holds(
    session: SessionDep,
    page: PageQuery,
    camera: Annotated[str | None, Query(max_length=64)] = None,
    active: bool | None = None,
    incident: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[HoldRead]:
    """Evidence holds, newest first."""
    camera_id = cameras.require_by_name(session, camera).id if camera else None
    rows, total = holds.list_(
        session,
        limit=page.limit,
        offset=page.offset,
        camera_id=camera_id,
        active=active,
        incident_ref=incident,
    )
    return Page[HoldRead](
        items=[HoldRead.model_validate(h) for h in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post("/holds", dependencies=[Depends(PLACERS)], response_model=HoldRead, status_code=201)
def place_hold(
    body: HoldCreate, request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> HoldRead:
    """Keep a camera's range as evidence; 409 naming the hold it overlaps."""
    audit_as(
        request,
        "footage.hold.place",
        detail={
            "camera": body.camera,
            "start": body.start.isoformat(),
            "end": body.end.isoformat(),
            "incident": body.incident_ref,
            "category": body.category.value,
        },
    )
    camera = cameras.require_by_name(session, body.camera)
    hold = holds.place_hold(
        session,
        camera_id=camera.id,
        start=body.start,
        end=body.end,
        incident_ref=body.incident_ref,
        category=body.category,
        note=body.note,
        user=user,
        max_length=dt.timedelta(days=settings.footage.hold_max_days),
        long_reason=body.long_hold_reason,
        now=now_of(request),
    )
    audit_as(request, target=f"hold:{hold.id}")
    return HoldRead.model_validate(hold)


@router.post("/holds/{hold_id}/release", dependencies=[Depends(RELEASERS)], response_model=HoldRead)
def release_hold(
    hold_id: RowId, body: HoldRelease, request: Request, session: SessionDep, user: CurrentUser
) -> HoldRead:
    """Release a hold: a supervisor other than the one who placed it."""
    audit_as(request, "footage.hold.release", f"hold:{hold_id}", detail={"reason": body.reason})
    return HoldRead.model_validate(
        holds.release_hold(session, hold_id=hold_id, user=user, reason=body.reason, now=now_of(request))
    )


@router.post("/requests", dependencies=[Depends(ANY_USER)], response_model=RequestRead, status_code=201)
def file_request(
    body: RequestCreate, request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> RequestRead:
    """Ask to look at recordings of some cameras in a range."""
    audit_as(
        request,
        "footage.request.file",
        detail={
            "cameras": body.cameras,
            "start": body.start.isoformat(),
            "end": body.end.isoformat(),
            "organisation": body.organisation,
        },
    )
    ids = [cameras.require_by_name(session, name).id for name in body.cameras]
    filed = grants.file_request(
        session,
        user=user,
        organisation=body.organisation,
        reason=body.reason,
        camera_ids=ids,
        start=body.start,
        end=body.end,
        settings=settings.footage,
        now=now_of(request),
    )
    audit_as(request, target=f"footage_request:{filed.id}")
    return RequestRead.model_validate(filed)


@router.get("/requests", dependencies=[Depends(ANY_USER)], response_model=Page[RequestRead])
def list_requests(
    session: SessionDep, page: PageQuery, user: CurrentUser, state: RequestState | None = None
) -> Page[RequestRead]:
    """Requests: all of them for shift leaders and supervisors, one's own for everyone else."""
    mine = None if user.has_any(LEADS.roles) else user.id
    rows, total = grants.list_(session, limit=page.limit, offset=page.offset, requester_id=mine, state=state)
    return Page[RequestRead](
        items=[RequestRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/grants", dependencies=[Depends(ANY_USER)], response_model=Page[RequestRead])
def my_grants(request: Request, session: SessionDep, page: PageQuery, user: CurrentUser) -> Page[RequestRead]:
    """The caller's approved, unexpired grants."""
    now = now_of(request)
    rows, total = grants.list_(
        session, limit=page.limit, offset=page.offset, requester_id=user.id, valid_at=now
    )
    return Page[RequestRead](
        items=[RequestRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


def _decide(
    request_id: RowId,
    body: Decision,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    *,
    approve: bool,
) -> RequestRead:
    audit_as(
        request,
        "footage.request.approve" if approve else "footage.request.refuse",
        f"footage_request:{request_id}",
        detail={"note": body.note},
    )
    decided = grants.decide(
        session,
        request_id=request_id,
        user=user,
        approve=approve,
        note=body.note,
        settings=settings.footage,
        now=now_of(request),
    )
    return RequestRead.model_validate(decided)


@router.post("/requests/{request_id}/approve", dependencies=[Depends(LEADS)], response_model=RequestRead)
def approve_request(
    request_id: RowId,
    body: Decision,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> RequestRead:
    """Approve: a grant for exactly the asked cameras and range, valid for a limited time."""
    return _decide(request_id, body, request, session, settings, user, approve=True)


@router.post("/requests/{request_id}/refuse", dependencies=[Depends(LEADS)], response_model=RequestRead)
def refuse_request(
    request_id: RowId,
    body: Decision,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> RequestRead:
    """Refuse a request."""
    return _decide(request_id, body, request, session, settings, user, approve=False)
