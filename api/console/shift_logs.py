"""Console pages of the shift logs: duty log, roster and presence, tasks (handovers in shift_desk.py,
incidents in incidents.py, visitors in visitors.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from access.roles import LEAD, ROOM, STAFF, Role
from access.users import service as users
from api.console import incidents, report_follow, shift_desk, visitors
from api.console.routes import render
from api.console.shift_common import back, day_bounds, from_local_input
from api.deps import Allow, CurrentToken, SessionDep, SettingsDep, audit_as, now_of
from core.errors import Invalid
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from shift_logs.duty_log.schemas import WRITABLE_KINDS
from shift_logs.roster import flags, presence
from shift_logs.roster import service as roster
from shift_logs.roster.models import LeaveState
from shift_logs.rules import service as duty_rules
from shift_logs.task import service as tasks
from shift_logs.task.models import TaskState

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(report_follow.router)  # before incidents: /incidents/lookup is not an id
router.include_router(shift_desk.router)
router.include_router(incidents.router)
router.include_router(visitors.router)


def _optional_id(value: str, field: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise Invalid(f"{field} must be a positive whole number", field=field)
    return int(value)


def _optional_kind(value: str) -> EntryKind | None:
    if not value:
        return None
    try:
        return EntryKind(value)
    except ValueError:
        raise Invalid(f"no duty-log entry kind {value!r}", field="kind") from None


@router.get("/duty-log", dependencies=[Depends(Allow(*ROOM))])
def duty_log_page(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    post: Annotated[str, Query(alias="post_id", max_length=12)] = "",
    kind_name: Annotated[str, Query(alias="kind", max_length=32)] = "",
    author: Annotated[str, Query(max_length=64)] = "",
    text: Annotated[str, Query(max_length=200)] = "",
    day: Annotated[str, Query(max_length=10)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """The duty log with filters, the form to add an entry, and corrections.

    The search form sends "" for "any": an empty filter is no filter, never a validation error."""
    post_id = _optional_id(post, "post_id")
    kind = _optional_kind(kind_name)
    since = until = None
    if day:
        _, since, until = day_bounds(request, day)
    rows, total = duty_log.list_(
        session,
        limit=50,
        offset=offset,
        post_id=post_id,
        kind=kind,
        author=author or None,
        text=text or None,
        since=since,
        until=until,
    )
    here = presence.open_presence(session, user_id=token.user.id)
    filters = {"post_id": post_id, "kind": kind, "author": author, "text": text, "day": day}
    return render(
        request,
        "shift/duty_log.html",
        token=token,
        entries=rows,
        total=total,
        offset=offset,
        posts=roster.list_posts(session),
        kinds=list(EntryKind),
        writable=WRITABLE_KINDS,
        filters=filters,
        my_post=here.post_id if here else None,
    )


@router.post("/duty-log", dependencies=[Depends(Allow(*STAFF))])
def duty_log_add(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    post_id: Annotated[int, Form(ge=1)],
    kind: Annotated[EntryKind, Form()],
    text: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    """Add an entry from the form."""
    audit_as(request, "duty_log.append", f"post:{post_id}")
    if kind not in WRITABLE_KINDS:
        raise Invalid(f"{kind} entries are written by the system", field="kind")
    duty_log.write(session, post_id=post_id, kind=kind, text=text, author=token.user, now=now_of(request))
    return back(f"/duty-log?post_id={post_id}")


@router.post("/duty-log/{entry_id}/correct", dependencies=[Depends(Allow(*STAFF))])
def duty_log_correct(
    entry_id: int,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    text: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    """Correct an entry (a new entry pointing at it)."""
    audit_as(request, "duty_log.correct", f"duty_entry:{entry_id}")
    entry = duty_log.correct(session, entry_id=entry_id, text=text, author=token.user, now=now_of(request))
    return back(f"/duty-log?post_id={entry.post_id}")


@router.get("/roster", dependencies=[Depends(Allow(*ROOM))])
def roster_page(
    request: Request, session: SessionDep, token: CurrentToken, day: Annotated[str, Query(max_length=10)] = ""
) -> HTMLResponse:
    """The day's roster, who is on duty, leave requests, presence problems, and the leader's forms."""
    date, start, end = day_bounds(request, day)
    leader = token.user.has_any(LEAD)
    people = users.list_(session, limit=500, offset=0)[0] if leader else []
    return render(
        request,
        "shift/roster.html",
        token=token,
        day=date,
        prev_day=date - dt.timedelta(days=1),
        next_day=date + dt.timedelta(days=1),
        entries=roster.list_roster(session, since=start, until=end),
        on_duty=presence.on_duty(session),
        mine=presence.open_presence(session, user_id=token.user.id),
        posts=roster.list_posts(session),
        leave=presence.list_leave(session, states=(LeaveState.REQUESTED, LeaveState.APPROVED)),
        flags=flags.list_flags(session, since=start) if leader else [],
        leader=leader,
        shifts=roster.list_shifts(session, limit=20, offset=0, since=start)[0],
        people=people,
        rules_to_confirm=duty_rules.needs_confirmation(session, user=token.user),
    )


@router.post("/roster/check-in", dependencies=[Depends(Allow(*STAFF))])
def roster_check_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    post_id: Annotated[int, Form(ge=1)],
    rules_version: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    """Check in at a post (confirming the duty rules in force, once per version)."""
    audit_as(request, "presence.check_in", f"post:{post_id}")
    presence.check_in(
        session,
        user=token.user,
        post_id=post_id,
        now=now_of(request),
        alert_settings=settings.alerts,
        rules_version=rules_version,
    )
    return back("/roster")


@router.post("/roster/check-out", dependencies=[Depends(Allow(*STAFF))])
def roster_check_out(request: Request, session: SessionDep, token: CurrentToken) -> Response:
    """Check out."""
    audit_as(request, "presence.check_out", f"user:{token.user.id}")
    presence.check_out(session, user=token.user, now=now_of(request))
    return back("/roster")


@router.post("/roster/leave", dependencies=[Depends(Allow(*STAFF))])
def roster_leave(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    substitute_id: Annotated[int, Form(ge=1)],
    reason: Annotated[str, Form(min_length=1, max_length=1000)],
) -> Response:
    """Ask to leave the post with a substitute."""
    audit_as(request, "leave.request", f"user:{token.user.id}", {"substitute_id": substitute_id})
    substitute = users.require(session, substitute_id)
    presence.request_leave(
        session, user=token.user, substitute=substitute, reason=reason, now=now_of(request)
    )
    return back("/roster")


@router.post("/roster/leave/{leave_id}/approve", dependencies=[Depends(Allow(Role.SHIFT_LEADER))])
def roster_leave_approve(
    leave_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> Response:
    """Approve a leave request: the substitute carries the post."""
    audit_as(request, "leave.approve", f"leave:{leave_id}")
    presence.approve_leave(session, leave_id=leave_id, leader=token.user, now=now_of(request))
    return back("/roster")


@router.post("/roster/leave/{leave_id}/reject", dependencies=[Depends(Allow(Role.SHIFT_LEADER))])
def roster_leave_reject(
    leave_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> Response:
    """Reject a leave request."""
    audit_as(request, "leave.reject", f"leave:{leave_id}")
    presence.reject_leave(session, leave_id=leave_id, leader=token.user, now=now_of(request))
    return back("/roster")


@router.post("/roster/leave/{leave_id}/return", dependencies=[Depends(Allow(*STAFF))])
def roster_leave_return(
    leave_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> Response:
    """Back at the post after an approved leave."""
    audit_as(request, "leave.return", f"leave:{leave_id}")
    presence.return_from_leave(session, leave_id=leave_id, user=token.user, now=now_of(request))
    return back("/roster")


@router.post("/roster/entries", dependencies=[Depends(Allow(*LEAD))])
def roster_add(
    request: Request,
    session: SessionDep,
    shift_id: Annotated[int, Form(ge=1)],
    post_id: Annotated[int, Form(ge=1)],
    user_id: Annotated[int, Form(ge=1)],
) -> Response:
    """Put a person on a post for a shift."""
    audit_as(request, "roster.create", f"post:{post_id}", {"user_id": user_id})
    roster.roster(
        session, shift_id=shift_id, post_id=post_id, user=users.require(session, user_id), now=now_of(request)
    )
    return back("/roster")


@router.post("/roster/entries/{entry_id}/remove", dependencies=[Depends(Allow(*LEAD))])
def roster_remove(entry_id: int, request: Request, session: SessionDep) -> Response:
    """Take an entry off the roster (refused once someone checked in on it)."""
    audit_as(request, "roster.remove", f"roster:{entry_id}")
    roster.remove_entry(session, entry_id=entry_id)
    return back("/roster")


@router.post("/roster/entries/{entry_id}/person", dependencies=[Depends(Allow(*LEAD))])
def roster_change_person(
    entry_id: int, request: Request, session: SessionDep, user_id: Annotated[int, Form(ge=1)]
) -> Response:
    """Give an entry to another person (overlaps and duty rules checked again)."""
    audit_as(request, "roster.change_person", f"roster:{entry_id}", {"user_id": user_id})
    roster.change_entry_person(
        session, entry_id=entry_id, user=users.require(session, user_id), now=now_of(request)
    )
    return back("/roster")


@router.post("/roster/shifts", dependencies=[Depends(Allow(*LEAD))])
def roster_add_shift(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    settings: SettingsDep,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    starts_at: Annotated[str, Form(max_length=20)],
    ends_at: Annotated[str, Form(max_length=20)],
) -> Response:
    """Create a shift led by the signed-in leader (no longer than a console session covers)."""
    audit_as(request, "shift.create", f"shift:{name}")
    start = from_local_input(request, starts_at, "starts_at")
    end = from_local_input(request, ends_at, "ends_at")
    assert start is not None and end is not None
    longest = roster.longest_shift(settings.auth.session_minutes)
    roster.create_shift(session, name=name, starts_at=start, ends_at=end, leader=token.user, longest=longest)
    return back("/roster")


@router.get("/tasks", dependencies=[Depends(Allow(*ROOM))])
def tasks_page(request: Request, session: SessionDep, token: CurrentToken) -> HTMLResponse:
    """My open tasks (and my post's); leaders also see every open task and the form to assign one."""
    user = token.user
    here = presence.open_presence(session, user_id=user.id)
    mine, _ = tasks.list_(
        session,
        limit=200,
        offset=0,
        state=TaskState.OPEN,
        assignee_id=user.id,
        post_ids={here.post_id} if here else set(),
    )
    leader = user.has_any(LEAD)
    every = tasks.list_(session, limit=200, offset=0, state=TaskState.OPEN)[0] if leader else []
    people = users.list_(session, limit=500, offset=0)[0] if leader else []
    return render(
        request,
        "shift/tasks.html",
        token=token,
        mine=mine,
        every=every,
        leader=leader,
        posts=roster.list_posts(session),
        people=people,
        now=now_of(request),
    )


@router.post("/tasks", dependencies=[Depends(Allow(*LEAD))])
def tasks_assign(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    title: Annotated[str, Form(min_length=1, max_length=200)],
    detail: Annotated[str, Form(max_length=4000)] = "",
    post_id: Annotated[str, Form(max_length=12)] = "",
    assignee_id: Annotated[str, Form(max_length=12)] = "",
    due_at: Annotated[str, Form(max_length=20)] = "",
    standing: Annotated[bool, Form()] = False,
) -> Response:
    """Assign a task from the form."""
    audit_as(request, "task.assign", f"post:{post_id}" if post_id else f"user:{assignee_id}")
    tasks.assign(
        session,
        title=title,
        detail=detail,
        assigned_by=token.user,
        now=now_of(request),
        post_id=int(post_id) if post_id.isdigit() else None,
        assignee_id=int(assignee_id) if assignee_id.isdigit() else None,
        due_at=from_local_input(request, due_at, "due_at"),
        standing=standing,
    )
    return back("/tasks")


@router.post("/tasks/{task_id}/done", dependencies=[Depends(Allow(*ROOM))])
def tasks_done(
    task_id: int,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    outcome: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    """Mark a task done."""
    audit_as(request, "task.done", f"task:{task_id}")
    here = presence.open_presence(session, user_id=token.user.id)
    tasks.complete(
        session,
        task_id=task_id,
        user=token.user,
        outcome=outcome,
        now=now_of(request),
        post_ids={here.post_id} if here else set(),
    )
    return back("/tasks")
