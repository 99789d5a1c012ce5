"""Posts, shifts, the roster, check-in/out, console activity, leave-post requests, presence flags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from access.roles import LEAD, ROOM, STAFF, Role
from access.users import service as users
from api.deps import Allow, CurrentUser, NowDep, SessionDep, SettingsDep, audit_as
from api.errors import PROBLEM_RESPONSES
from api.policies import OVERSEERS, ROOM_OR_ADMIN
from api.routes.shift_common import page_of
from api.schemas import Page, PageQuery
from core.types import RowId, UtcDateTime
from shift_logs.roster import flags, presence
from shift_logs.roster import service as roster
from shift_logs.roster.models import LeaveState
from shift_logs.roster.schemas import (
    CheckInCreate,
    FlagRead,
    LeaveCreate,
    LeaveRead,
    PostCreate,
    PostRead,
    PresenceRead,
    RosterCreate,
    RosterRead,
    ShiftCreate,
    ShiftRead,
)
from shift_logs.rules.live import evaluate_live

router = APIRouter(prefix="/api/v1", tags=["roster"], responses=PROBLEM_RESPONSES)


@router.get("/posts", response_model=Page[PostRead], dependencies=[Depends(ROOM_OR_ADMIN)])
def list_posts(session: SessionDep, page: PageQuery) -> Page[PostRead]:
    """The room's posts."""
    return page_of([PostRead.model_validate(p) for p in roster.list_posts(session)], page)


@router.post(
    "/posts",
    response_model=PostRead,
    status_code=201,
    dependencies=[Depends(OVERSEERS)],
)
def create_post(body: PostCreate, request: Request, session: SessionDep) -> PostRead:
    """Create a post with its handover checklist."""
    audit_as(request, "post.create", f"post:{body.name}")
    post = roster.create_post(
        session,
        name=body.name,
        title=body.title,
        checklist=body.checklist,
        cameras=body.cameras,
        roles=body.roles,
    )
    return PostRead.model_validate(post)


@router.get("/shifts", response_model=Page[ShiftRead], dependencies=[Depends(Allow(*ROOM))])
def list_shifts(session: SessionDep, page: PageQuery, since: UtcDateTime | None = None) -> Page[ShiftRead]:
    """Shifts, latest first (those ending after `since`)."""
    rows, total = roster.list_shifts(session, limit=page.limit, offset=page.offset, since=since)
    items = [ShiftRead.model_validate(s) for s in rows]
    return Page[ShiftRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/shifts", response_model=ShiftRead, status_code=201, dependencies=[Depends(Allow(*LEAD))])
def create_shift(
    body: ShiftCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> ShiftRead:
    """Create a shift with its leader (no longer than a console session covers)."""
    audit_as(request, "shift.create", f"shift:{body.name}")
    leader = users.require(session, body.leader_id) if body.leader_id else None
    shift = roster.create_shift(
        session,
        name=body.name,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        leader=leader,
        longest=roster.longest_shift(settings.auth.session_minutes),
    )
    return ShiftRead.model_validate(shift)


@router.get("/roster", response_model=Page[RosterRead], dependencies=[Depends(Allow(*ROOM))])
def list_roster(
    session: SessionDep,
    page: PageQuery,
    since: UtcDateTime,
    until: UtcDateTime,
    post_id: Annotated[int | None, Query(ge=1)] = None,
    user_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[RosterRead]:
    """Who is on which post in [since, until)."""
    rows = roster.list_roster(session, since=since, until=until, post_id=post_id, user_id=user_id)
    return page_of([RosterRead.model_validate(r) for r in rows], page)


@router.post("/roster", response_model=RosterRead, status_code=201, dependencies=[Depends(Allow(*LEAD))])
def create_roster_entry(body: RosterCreate, request: Request, session: SessionDep, now: NowDep) -> RosterRead:
    """Put a person on a post for (part of) a shift; overlaps are refused."""
    audit_as(request, "roster.create", f"post:{body.post_id}", {"user_id": body.user_id})
    entry = roster.roster(
        session,
        shift_id=body.shift_id,
        post_id=body.post_id,
        user=users.require(session, body.user_id),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        now=now,
    )
    return RosterRead.model_validate(entry)


@router.get("/presence", response_model=Page[PresenceRead], dependencies=[Depends(Allow(*ROOM))])
def list_presence(session: SessionDep, page: PageQuery) -> Page[PresenceRead]:
    """Everyone checked in now."""
    return page_of([PresenceRead.model_validate(p) for p in presence.on_duty(session)], page)


@router.post(
    "/presence/check-in", response_model=PresenceRead, status_code=201, dependencies=[Depends(Allow(*STAFF))]
)
def check_in(
    body: CheckInCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    now: NowDep,
) -> PresenceRead:
    """Check in at the post you are rostered on now (late check-ins are flagged to the leader)."""
    audit_as(request, "presence.check_in", f"post:{body.post_id}")
    return PresenceRead.model_validate(
        presence.check_in(
            session,
            user=user,
            post_id=body.post_id,
            now=now,
            alert_settings=settings.alerts,
            rules_version=body.rules_version,
        )
    )


@router.post("/presence/check-out", response_model=PresenceRead, dependencies=[Depends(Allow(*STAFF))])
def check_out(request: Request, session: SessionDep, user: CurrentUser, now: NowDep) -> PresenceRead:
    """Check out of your post."""
    audit_as(request, "presence.check_out", f"user:{user.id}")
    return PresenceRead.model_validate(presence.check_out(session, user=user, now=now))


@router.post("/presence/activity", status_code=204, dependencies=[Depends(Allow(*STAFF))])
def record_activity(request: Request, session: SessionDep, user: CurrentUser, now: NowDep) -> None:
    """Console heartbeat: the checked-in person is active (for the inactivity rule)."""
    request.state.audited = True  # a heartbeat is not an action worth an audit row
    presence.touch(session, user=user, now=now)


@router.get("/leave", response_model=Page[LeaveRead], dependencies=[Depends(Allow(*ROOM))])
def list_leave(session: SessionDep, page: PageQuery, state: LeaveState | None = None) -> Page[LeaveRead]:
    """Leave-post requests, newest first."""
    rows = presence.list_leave(session, states=(state,) if state else ())
    return page_of([LeaveRead.model_validate(r) for r in rows], page)


@router.post("/leave", response_model=LeaveRead, status_code=201, dependencies=[Depends(Allow(*STAFF))])
def request_leave(
    body: LeaveCreate, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> LeaveRead:
    """Ask to leave your post, naming a substitute who is on duty."""
    audit_as(request, "leave.request", f"user:{user.id}", {"substitute_id": body.substitute_id})
    leave = presence.request_leave(
        session, user=user, substitute=users.require(session, body.substitute_id), reason=body.reason, now=now
    )
    return LeaveRead.model_validate(leave)


@router.post(
    "/leave/{leave_id}/approve", response_model=LeaveRead, dependencies=[Depends(Allow(Role.SHIFT_LEADER))]
)
def approve_leave(
    leave_id: RowId, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> LeaveRead:
    """Approve a leave request: the substitute carries the post until the requester returns."""
    audit_as(request, "leave.approve", f"leave:{leave_id}")
    return LeaveRead.model_validate(presence.approve_leave(session, leave_id=leave_id, leader=user, now=now))


@router.post(
    "/leave/{leave_id}/reject", response_model=LeaveRead, dependencies=[Depends(Allow(Role.SHIFT_LEADER))]
)
def reject_leave(
    leave_id: RowId, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> LeaveRead:
    """Refuse a leave request."""
    audit_as(request, "leave.reject", f"leave:{leave_id}")
    return LeaveRead.model_validate(presence.reject_leave(session, leave_id=leave_id, leader=user, now=now))


@router.post("/leave/{leave_id}/return", response_model=LeaveRead, dependencies=[Depends(Allow(*STAFF))])
def return_from_leave(
    leave_id: RowId, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> LeaveRead:
    """Back at the post after an approved leave."""
    audit_as(request, "leave.return", f"leave:{leave_id}")
    return LeaveRead.model_validate(
        presence.return_from_leave(session, leave_id=leave_id, user=user, now=now)
    )


@router.get("/presence/flags", response_model=Page[FlagRead], dependencies=[Depends(Allow(*LEAD))])
def list_flags(session: SessionDep, page: PageQuery, since: UtcDateTime) -> Page[FlagRead]:
    """Presence problems raised since `since` (unstaffed, late check-in, inactive, late handover)."""
    return page_of([FlagRead.model_validate(f) for f in flags.list_flags(session, since=since)], page)


@router.post("/presence/scan", response_model=list[FlagRead], dependencies=[Depends(Allow(*LEAD))])
def scan_presence(
    request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> list[FlagRead]:
    """Evaluate the duty rules live now; returns the presence problems newly raised (the worker runs the
    same evaluation every 30 s)."""
    audit_as(request, "presence.scan", "presence")
    evaluate_live(session, now, settings)
    return [FlagRead.model_validate(f) for f in flags.list_flags(session, since=now)]
