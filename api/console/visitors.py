"""Console pages of the visitor register: register, approve or refuse, leave."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from access.roles import LEAD, ROOM
from api.console.routes import render
from api.console.shift_common import back
from api.deps import Allow, CurrentToken, SessionDep, audit_as, now_of
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from shift_logs.visitor import service as visits

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/visitors", dependencies=[Depends(Allow(*ROOM))])
def visitors_page(
    request: Request, session: SessionDep, token: CurrentToken, offset: Annotated[int, Query(ge=0)] = 0
) -> HTMLResponse:
    """The visitor register and the form to register someone."""
    rows, total = visits.list_(session, limit=50, offset=offset)
    here = presence.open_presence(session, user_id=token.user.id)
    return render(
        request,
        "shift/visitors.html",
        token=token,
        visits=rows,
        total=total,
        offset=offset,
        posts=roster.list_posts(session),
        my_post=here.post_id if here else None,
        approver=token.user.has_any(LEAD),
    )


@router.post("/visitors", dependencies=[Depends(Allow(*ROOM))])
def visitors_register(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    post_id: Annotated[int, Form(ge=1)],
    name: Annotated[str, Form(min_length=1, max_length=200)],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
    organisation: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Register a visitor."""
    audit_as(request, "visit.register", f"post:{post_id}")
    visits.register(
        session,
        post_id=post_id,
        name=name,
        organisation=organisation,
        reason=reason,
        registered_by=token.user,
        now=now_of(request),
    )
    return back("/visitors")


@router.post("/visitors/{visit_id}/approve", dependencies=[Depends(Allow(*LEAD))])
def visitors_approve(visit_id: int, request: Request, session: SessionDep, token: CurrentToken) -> Response:
    """Let a visitor in."""
    audit_as(request, "visit.approve", f"visit:{visit_id}")
    visits.approve(session, visit_id=visit_id, approver=token.user, now=now_of(request))
    return back("/visitors")


@router.post("/visitors/{visit_id}/refuse", dependencies=[Depends(Allow(*LEAD))])
def visitors_refuse(visit_id: int, request: Request, session: SessionDep, token: CurrentToken) -> Response:
    """Refuse a visitor."""
    audit_as(request, "visit.refuse", f"visit:{visit_id}")
    visits.refuse(session, visit_id=visit_id, approver=token.user, now=now_of(request))
    return back("/visitors")


@router.post("/visitors/{visit_id}/leave", dependencies=[Depends(Allow(*ROOM))])
def visitors_leave(visit_id: int, request: Request, session: SessionDep, token: CurrentToken) -> Response:
    """A visitor leaves."""
    audit_as(request, "visit.leave", f"visit:{visit_id}")
    visits.leave(session, visit_id=visit_id, user=token.user, now=now_of(request))
    return back("/visitors")
