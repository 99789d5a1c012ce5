"""The visitor register: request, approval by a leader or supervisor, leaving."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from access.roles import LEAD, ROOM
from api.deps import Allow, CurrentUser, NowDep, SessionDep, audit_as
from api.errors import PROBLEM_RESPONSES
from api.schemas import Page, PageQuery
from core.types import RowId
from shift_logs.visitor import service as visits
from shift_logs.visitor.models import VisitState
from shift_logs.visitor.schemas import VisitCreate, VisitRead

router = APIRouter(prefix="/api/v1/visits", tags=["visitors"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=Page[VisitRead], dependencies=[Depends(Allow(*ROOM))])
def list_visits(session: SessionDep, page: PageQuery, state: VisitState | None = None) -> Page[VisitRead]:
    """Visits, newest first."""
    rows, total = visits.list_(session, limit=page.limit, offset=page.offset, state=state)
    items = [VisitRead.model_validate(v) for v in rows]
    return Page[VisitRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", response_model=VisitRead, status_code=201, dependencies=[Depends(Allow(*ROOM))])
def register_visit(
    body: VisitCreate, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> VisitRead:
    """Register someone asking to enter the room."""
    audit_as(request, "visit.register", f"post:{body.post_id}")
    return VisitRead.model_validate(
        visits.register(session, registered_by=user, now=now, **body.model_dump())
    )


@router.post("/{visit_id}/approve", response_model=VisitRead, dependencies=[Depends(Allow(*LEAD))])
def approve_visit(
    visit_id: RowId, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> VisitRead:
    """Let the visitor in."""
    audit_as(request, "visit.approve", f"visit:{visit_id}")
    return VisitRead.model_validate(visits.approve(session, visit_id=visit_id, approver=user, now=now))


@router.post("/{visit_id}/refuse", response_model=VisitRead, dependencies=[Depends(Allow(*LEAD))])
def refuse_visit(
    visit_id: RowId, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> VisitRead:
    """Refuse entry."""
    audit_as(request, "visit.refuse", f"visit:{visit_id}")
    return VisitRead.model_validate(visits.refuse(session, visit_id=visit_id, approver=user, now=now))


@router.post("/{visit_id}/leave", response_model=VisitRead, dependencies=[Depends(Allow(*ROOM))])
def visitor_leaves(
    visit_id: RowId, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> VisitRead:
    """The visitor leaves the room."""
    audit_as(request, "visit.leave", f"visit:{visit_id}")
    return VisitRead.model_validate(visits.leave(session, visit_id=visit_id, user=user, now=now))
