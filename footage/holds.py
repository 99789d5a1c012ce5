"""Evidence holds (R8): placed by an operator or above, released only by a supervisor who did not place it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.roles import ROOM, Role
from access.users.models import User
from core.errors import Forbidden
from db import lookup
from db.transition import claim
from devices.camera import service as cameras
from footage.errors import BadRange, HoldAlreadyReleased, HoldNotFound, HoldOverlaps, SamePerson
from footage.models import EvidenceHold, HoldCategory
from footage.ranges import check_range
from shift_logs.rules import store as duty_rules
from shift_logs.rules.facts import ApprovalFacts

__all__ = ["RELEASE_ROLES", "active_on", "list_", "place_hold", "release_hold", "require"]

RELEASE_ROLES = frozenset({Role.SUPERVISOR})


def require(session: Session, hold_id: int) -> EvidenceHold:
    """The hold with `hold_id`, or HoldNotFound."""
    return lookup.require(session, EvidenceHold, hold_id, error=HoldNotFound, what="evidence hold")


def active_on(
    session: Session,
    *,
    camera_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[EvidenceHold]:
    """Active holds, optionally of one camera and overlapping [start, end)."""
    stmt = select(EvidenceHold).where(EvidenceHold.released_at.is_(None))
    if camera_id is not None:
        stmt = stmt.where(EvidenceHold.camera_id == camera_id)
    if start is not None:
        stmt = stmt.where(EvidenceHold.end > start)
    if end is not None:
        stmt = stmt.where(EvidenceHold.start < end)
    return list(session.scalars(stmt.order_by(EvidenceHold.start)).all())


def place_hold(
    session: Session,
    *,
    camera_id: int,
    start: dt.datetime,
    end: dt.datetime,
    incident_ref: str,
    category: HoldCategory,
    user: User,
    note: str = "",
    max_length: dt.timedelta | None = None,
    long_reason: str = "",
    now: dt.datetime,
) -> EvidenceHold:
    """Keep a camera's time range as evidence; refuses a range that overlaps an active hold.

    A range longer than `max_length` is kept only for a supervisor who gives `long_reason` (it is noted)."""
    if not user.has_any(ROOM):
        raise Forbidden("placing an evidence hold needs an operator, shift leader or supervisor")
    check_range(start, end)
    if max_length is not None and end - start > max_length:
        _allow_long(user, long_reason, max_length)
        note = f"{note}\n[long hold] {long_reason.strip()}".strip()
    camera = cameras.require(session, camera_id)
    clash = active_on(session, camera_id=camera.id, start=start, end=end)
    if clash:
        other = clash[0]
        raise HoldOverlaps(
            f"camera {camera.name} already has hold {other.id} (incident {other.incident_ref}) from "
            f"{other.start.isoformat()} to {other.end.isoformat()}; release or use that one",
            detail={"hold_id": other.id},
        )
    hold = EvidenceHold(
        camera_id=camera.id,
        start=start,
        end=end,
        incident_ref=incident_ref.strip(),
        category=category,
        note=note,
        placed_by_id=user.id,
        placed_by=user.username,
        created_at=now,
    )
    session.add(hold)
    session.flush()
    return hold


def _allow_long(user: User, reason: str, max_length: dt.timedelta) -> None:
    days = max_length.total_seconds() / 86400
    if not user.has_any(RELEASE_ROLES) or len(reason.strip()) < 3:
        raise BadRange(
            f"a hold may keep at most {days:g} days; a longer one needs a supervisor and a long_hold_reason",
            field="body.end",
        )


def release_hold(
    session: Session, *, hold_id: int, user: User, reason: str, now: dt.datetime
) -> EvidenceHold:
    """Release a hold: a supervisor, not the one who placed it, with a reason."""
    if not user.has_any(RELEASE_ROLES):
        raise Forbidden("releasing an evidence hold needs a supervisor")
    hold = claim(
        session,
        EvidenceHold,
        hold_id,
        state=lambda h: "active" if h.released_at is None else "released",
        allowed=lambda h: h.released_at is None,
        missing=lambda: HoldNotFound(f"no evidence hold with id {hold_id}"),
        refuse=lambda h, state: HoldAlreadyReleased(f"hold {h.id} was {state} by {h.released_by} already"),
    )
    facts = ApprovalFacts(
        "hold_release", hold.placed_by_id or 0, hold.placed_by, user.id, user.username, f"{hold.id}"
    )
    duty_rules.enforce(session, facts, now=now, errors={"separation_of_duties": SamePerson})
    hold.released_at = now
    hold.released_by_id, hold.released_by = user.id, user.username
    hold.release_reason = reason
    session.flush()
    return hold


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    camera_id: int | None = None,
    active: bool | None = None,
    incident_ref: str | None = None,
) -> tuple[list[EvidenceHold], int]:
    """One page of holds, newest first, and the total."""
    stmt = select(EvidenceHold)
    if camera_id is not None:
        stmt = stmt.where(EvidenceHold.camera_id == camera_id)
    if active is not None:
        stmt = stmt.where(
            EvidenceHold.released_at.is_(None) if active else EvidenceHold.released_at.is_not(None)
        )
    if incident_ref:
        stmt = stmt.where(EvidenceHold.incident_ref == incident_ref)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(EvidenceHold.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total
