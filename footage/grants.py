"""Footage-access requests and grants (R7): anyone signed in may ask; a shift leader or supervisor who is
not the requester approves or refuses; an approval is a grant for exactly those cameras and that range,
valid for a limited time. `authorize` is the one gate of every search, playback and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.roles import LEAD, Role
from access.users.models import User
from config.footage import FootageSettings
from core.errors import Forbidden
from db import lookup
from db.transition import claim
from devices.camera import service as cameras
from footage.errors import GrantRefused, RequestAlreadyDecided, RequestNotFound, SamePerson
from footage.models import AccessRequest, RequestState
from footage.ranges import check_range
from shift_logs.rules import store as duty_rules
from shift_logs.rules.facts import ApprovalFacts

__all__ = [
    "AccessBasis",
    "authorize",
    "decide",
    "file_request",
    "has_standing_access",
    "list_",
    "require",
    "require_visible",
]

# R7: only the supervisor may look up footage without an application; `footage.standing_access_roles`
# can narrow this (to nobody), never widen it.
STANDING_ACCESS_ROLES = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True, slots=True)
class AccessBasis:
    """Why a user may see footage: a standing role, or a grant (its id)."""

    grant_id: int | None
    standing: bool

    def describe(self) -> str:
        """`grant 7` or `standing access`."""
        return f"grant {self.grant_id}" if self.grant_id is not None else "standing access"


def require(session: Session, request_id: int) -> AccessRequest:
    """The request with `request_id`, or RequestNotFound."""
    return lookup.require(
        session, AccessRequest, request_id, error=RequestNotFound, what="footage-access request"
    )


def require_visible(session: Session, request_id: int, *, user: User) -> AccessRequest:
    """The request with `request_id` if `user` filed it or may approve it (a shift leader or supervisor);
    to anyone else it does not exist (its cameras and range are nobody else's business, R10)."""
    request = require(session, request_id)
    if request.requester_id != user.id and not user.has_any(LEAD):
        raise RequestNotFound(f"no footage-access request with id {request_id}")
    return request


def file_request(
    session: Session,
    *,
    user: User,
    organisation: str,
    reason: str,
    camera_ids: Sequence[int],
    start: dt.datetime,
    end: dt.datetime,
    settings: FootageSettings,
    now: dt.datetime,
) -> AccessRequest:
    """Ask to see footage of `camera_ids` between `start` and `end`."""
    check_range(start, end, max_length=dt.timedelta(hours=settings.grant_max_range_hours))
    ids = sorted({cameras.require(session, camera_id).id for camera_id in camera_ids})
    request = AccessRequest(
        requester_id=user.id,
        requester=user.username,
        organisation=organisation.strip(),
        reason=reason.strip(),
        camera_ids=ids,
        start=start,
        end=end,
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request


def decide(
    session: Session,
    *,
    request_id: int,
    user: User,
    approve: bool,
    note: str = "",
    settings: FootageSettings,
    now: dt.datetime,
) -> AccessRequest:
    """Approve (creating the grant, valid for `grant_validity_hours`) or refuse a pending request."""
    if not user.has_any(LEAD):
        raise Forbidden("deciding a footage-access request needs a shift leader or supervisor")
    request = claim(
        session,
        AccessRequest,
        request_id,
        state=lambda r: r.state,
        allowed=lambda r: r.state is RequestState.PENDING,
        missing=lambda: RequestNotFound(f"no footage-access request with id {request_id}"),
        refuse=lambda r, state: RequestAlreadyDecided(
            f"request {r.id} was {state} by {r.decided_by} already"
        ),
    )
    hours = settings.grant_validity_hours if approve else None
    facts = ApprovalFacts(
        "footage_request",
        request.requester_id,
        request.requester,
        user.id,
        user.username,
        f"{request.id}",
        hours,
    )
    duty_rules.enforce(session, facts, now=now, errors={"separation_of_duties": SamePerson})
    request.state = RequestState.APPROVED if approve else RequestState.REFUSED
    request.decided_at, request.decided_by_id, request.decided_by = now, user.id, user.username
    request.decision_note = note
    if approve:
        request.expires_at = now + dt.timedelta(hours=settings.grant_validity_hours)
    session.flush()
    return request


def has_standing_access(user: User, settings: FootageSettings) -> bool:
    """True when one of the user's roles may see footage without a grant (only the supervisor, R7)."""
    return any(
        role in STANDING_ACCESS_ROLES and role.value in settings.standing_access_roles for role in user.roles
    )


def _check_grant(
    grant: AccessRequest,
    *,
    user: User,
    camera_ids: Sequence[int],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
) -> None:
    if grant.requester_id != user.id:
        raise GrantRefused(f"grant {grant.id} was given to {grant.requester}, not to you")
    if grant.state is not RequestState.APPROVED:
        raise GrantRefused(f"request {grant.id} is {grant.state.value}, not an approved grant")
    assert grant.expires_at is not None
    if now >= grant.expires_at:
        raise GrantRefused(f"grant {grant.id} expired at {grant.expires_at.isoformat()}")
    outside = [c for c in camera_ids if c not in grant.camera_ids]
    if outside:
        raise GrantRefused(f"camera {', '.join(map(str, outside))} is not in grant {grant.id}")
    if start < grant.start or end > grant.end:
        raise GrantRefused(
            f"the range {start.isoformat()} .. {end.isoformat()} is outside grant {grant.id} "
            f"({grant.start.isoformat()} .. {grant.end.isoformat()})"
        )


def authorize(
    session: Session,
    *,
    user: User,
    camera_ids: Sequence[int],
    start: dt.datetime,
    end: dt.datetime,
    grant_id: int | None,
    settings: FootageSettings,
    now: dt.datetime,
) -> AccessBasis:
    """May `user` see these cameras in this range? Standing roles may; everyone else needs a covering grant."""
    check_range(start, end)
    if grant_id is None:
        if has_standing_access(user, settings):
            return AccessBasis(grant_id=None, standing=True)
        raise GrantRefused("looking at footage needs an approved access request (a grant); none was given")
    grant = session.get(AccessRequest, grant_id)
    if grant is None:
        raise GrantRefused(f"there is no grant {grant_id}")
    _check_grant(grant, user=user, camera_ids=camera_ids, start=start, end=end, now=now)
    return AccessBasis(grant_id=grant.id, standing=False)


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    requester_id: int | None = None,
    state: RequestState | None = None,
    valid_at: dt.datetime | None = None,
) -> tuple[list[AccessRequest], int]:
    """One page of requests (newest first), optionally one requester's, one state, or grants valid at a time."""
    stmt = select(AccessRequest)
    if requester_id is not None:
        stmt = stmt.where(AccessRequest.requester_id == requester_id)
    if state is not None:
        stmt = stmt.where(AccessRequest.state == state)
    if valid_at is not None:
        stmt = stmt.where(AccessRequest.state == RequestState.APPROVED, AccessRequest.expires_at > valid_at)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AccessRequest.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total
