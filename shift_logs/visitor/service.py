"""The visitor register (R7): a visit is requested, approved by a leader or supervisor, and ends on leaving."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.users.models import User
from core.messages import Message
from db import lookup
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from shift_logs.roster.service import require_post
from shift_logs.visitor.errors import VisitNotFound, VisitStateError
from shift_logs.visitor.models import Visit, VisitState

__all__ = ["approve", "leave", "list_", "refuse", "register", "require"]


def register(
    session: Session,
    *,
    post_id: int,
    name: str,
    organisation: str,
    reason: str,
    registered_by: User,
    now: dt.datetime,
) -> Visit:
    """Register someone who asks to enter the room; they wait for approval."""
    post = require_post(session, post_id)
    visit = Visit(
        post_id=post.id,
        name=name,
        organisation=organisation,
        reason=reason,
        registered_by_id=registered_by.id,
        created_at=now,
    )
    session.add(visit)
    session.flush()
    return visit


def require(session: Session, visit_id: int) -> Visit:
    """Return the visit, or raise VisitNotFound."""
    return lookup.require(session, Visit, visit_id, error=VisitNotFound, what="visit")


def _log(session: Session, visit: Visit, text: str, user: User, now: dt.datetime, message: Message) -> None:
    duty_log.append(
        session,
        post_id=visit.post_id,
        kind=EntryKind.VISITOR,
        text=text,
        author=user,
        now=now,
        ref=f"visit:{visit.id}",
        message=message,
    )


def approve(session: Session, *, visit_id: int, approver: User, now: dt.datetime) -> Visit:
    """Let the visitor in (a shift leader or supervisor); noted in the duty log."""
    visit = require(session, visit_id)
    if visit.state is not VisitState.REQUESTED:
        raise VisitStateError(f"visit {visit.id} is {visit.state}, not requested")
    visit.state, visit.approved_by_id, visit.entered_at = VisitState.IN, approver.id, now
    org = f" ({visit.organisation})" if visit.organisation else ""
    _log(
        session,
        visit,
        f"visitor {visit.name}{org} entered, approved by {approver.username}: {visit.reason}",
        approver,
        now,
        Message(
            "msg.duty.visitor_in",
            {"name": visit.name, "org": org, "leader": approver.username, "reason": visit.reason},
        ),
    )
    session.flush()
    return visit


def refuse(session: Session, *, visit_id: int, approver: User, now: dt.datetime) -> Visit:
    """Refuse entry."""
    visit = require(session, visit_id)
    if visit.state is not VisitState.REQUESTED:
        raise VisitStateError(f"visit {visit.id} is {visit.state}, not requested")
    visit.state, visit.approved_by_id = VisitState.REFUSED, approver.id
    session.flush()
    return visit


def leave(session: Session, *, visit_id: int, user: User, now: dt.datetime) -> Visit:
    """The visitor leaves the room; noted in the duty log."""
    visit = require(session, visit_id)
    if visit.state is not VisitState.IN:
        raise VisitStateError(f"visit {visit.id} is {visit.state}, not in the room")
    visit.state, visit.left_at = VisitState.LEFT, now
    _log(
        session,
        visit,
        f"visitor {visit.name} left",
        user,
        now,
        Message("msg.duty.visitor_left", {"name": visit.name}),
    )
    session.flush()
    return visit


def list_(
    session: Session, *, limit: int, offset: int, state: VisitState | None = None
) -> tuple[list[Visit], int]:
    """Visits, newest first."""
    stmt = select(Visit)
    if state is not None:
        stmt = stmt.where(Visit.state == state)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Visit.created_at.desc(), Visit.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total
