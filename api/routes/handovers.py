"""Shift handovers: draft, edit, sign (outgoing), accept (incoming), countersign and re-assign (shift leader)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from access.roles import ROOM, STAFF, Role
from api.deps import Allow, CurrentUser, NowDep, SessionDep, SettingsDep, audit_as
from api.errors import PROBLEM_RESPONSES
from api.schemas import Page, PageQuery
from core.types import RowId
from shift_logs.handover import service as handovers
from shift_logs.handover import signing
from shift_logs.handover.models import Handover, HandoverState
from shift_logs.handover.schemas import (
    HandoverAccept,
    HandoverCreate,
    HandoverRead,
    HandoverReassign,
    HandoverSign,
    HandoverUpdate,
)

router = APIRouter(prefix="/api/v1/handovers", tags=["handovers"], responses=PROBLEM_RESPONSES)


def _read(session: Session, handover: Handover) -> HandoverRead:
    read = HandoverRead.model_validate(handover)
    return read.model_copy(update={"content_intact": handovers.content_intact(session, handover)})


@router.get("", response_model=Page[HandoverRead], dependencies=[Depends(Allow(*ROOM))])
def list_handovers(
    session: SessionDep,
    page: PageQuery,
    post_id: Annotated[int | None, Query(ge=1)] = None,
    state: HandoverState | None = None,
) -> Page[HandoverRead]:
    """Handovers, newest first."""
    rows, total = handovers.list_(session, limit=page.limit, offset=page.offset, post_id=post_id, state=state)
    return Page[HandoverRead](
        items=[_read(session, h) for h in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post("", response_model=HandoverRead, status_code=201, dependencies=[Depends(Allow(*STAFF))])
def draft_handover(
    body: HandoverCreate, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> HandoverRead:
    """Draft the handover of your post: open items are gathered, the checklist is the post's."""
    audit_as(request, "handover.draft", f"post:{body.post_id}")
    handover = handovers.draft(
        session,
        post_id=body.post_id,
        outgoing=user,
        now=now,
        incoming_id=body.incoming_id,
        remarks=body.remarks,
        checklist={k: v.model_dump() for k, v in body.checklist.items()},
    )
    return _read(session, handover)


@router.get("/{handover_id}", response_model=HandoverRead, dependencies=[Depends(Allow(*ROOM))])
def read_handover(handover_id: RowId, session: SessionDep) -> HandoverRead:
    """One handover; `content_intact` says whether a signed one still matches its hash."""
    return _read(session, handovers.require(session, handover_id))


@router.patch("/{handover_id}", response_model=HandoverRead, dependencies=[Depends(Allow(*STAFF))])
def update_handover(
    handover_id: RowId, body: HandoverUpdate, request: Request, session: SessionDep, user: CurrentUser
) -> HandoverRead:
    """Change a draft (refused once signed)."""
    audit_as(request, "handover.update", f"handover:{handover_id}")
    checklist = {k: v.model_dump() for k, v in body.checklist.items()} if body.checklist is not None else None
    handover = handovers.update(
        session, handover_id=handover_id, user=user, remarks=body.remarks, checklist=checklist
    )
    return _read(session, handover)


@router.post("/{handover_id}/sign", response_model=HandoverRead, dependencies=[Depends(Allow(*STAFF))])
def sign_handover(
    handover_id: RowId,
    body: HandoverSign,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    settings: SettingsDep,
) -> HandoverRead:
    """The outgoing operator signs with their password; the content is frozen and hashed."""
    audit_as(request, "handover.sign", f"handover:{handover_id}", {"as": "outgoing"})
    handover = signing.sign(
        session, handover_id=handover_id, signer=user, password=body.password, now=now, auth=settings.auth
    )
    audit_as(request, detail={"as": "outgoing", "content_hash": handover.content_hash})
    return _read(session, handover)


@router.post("/{handover_id}/accept", response_model=HandoverRead, dependencies=[Depends(Allow(*STAFF))])
def accept_handover(
    handover_id: RowId,
    body: HandoverAccept,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    settings: SettingsDep,
) -> HandoverRead:
    """The incoming operator signs: accept, or accept with reservations (which become tasks)."""
    audit_as(request, "handover.accept", f"handover:{handover_id}", {"verdict": str(body.verdict)})
    handover = signing.accept(
        session,
        handover_id=handover_id,
        signer=user,
        password=body.password,
        verdict=body.verdict,
        reservations=body.reservations,
        now=now,
        auth=settings.auth,
    )
    return _read(session, handover)


@router.post(
    "/{handover_id}/countersign",
    response_model=HandoverRead,
    dependencies=[Depends(Allow(Role.SHIFT_LEADER))],
)
def countersign_handover(
    handover_id: RowId,
    body: HandoverSign,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    settings: SettingsDep,
) -> HandoverRead:
    """The shift leader countersigns an accepted handover."""
    audit_as(request, "handover.countersign", f"handover:{handover_id}")
    handover = signing.countersign(
        session, handover_id=handover_id, leader=user, password=body.password, now=now, auth=settings.auth
    )
    return _read(session, handover)


@router.post(
    "/{handover_id}/reassign",
    response_model=HandoverRead,
    dependencies=[Depends(Allow(Role.SHIFT_LEADER))],
)
def reassign_handover(
    handover_id: RowId,
    body: HandoverReassign,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> HandoverRead:
    """A shift leader names another incoming person, until the incoming signature is given (409 after)."""
    audit_as(request, "handover.reassign", f"handover:{handover_id}", {"to": body.incoming_id})
    handover, previous = signing.reassign(
        session,
        handover_id=handover_id,
        leader=user,
        incoming_id=body.incoming_id,
        now=now,
        reason=body.reason,
    )
    audit_as(
        request,
        detail={
            "from": previous.username,
            "to": handover.incoming.username,
            "reason": body.reason,
            "state": str(handover.state),
        },
    )
    return _read(session, handover)
