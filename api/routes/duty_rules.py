"""Operator duty rules: the rules in force (now or at a past moment), versions, changes, the compliance
record and the operators' confirmations."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request

from access.roles import ALL_ROLES, LEAD, ROOM, Role
from api.deps import Allow, CurrentUser, NowDep, SessionDep, SettingsDep, actor_of, audit_as
from api.errors import PROBLEM_RESPONSES
from api.policies import OVERSEERS
from api.schemas import Page, PageQuery
from core.types import RowId, UtcDateTime
from shift_logs.rules import service as compliance
from shift_logs.rules import store
from shift_logs.rules.schemas import (
    ConfirmIn,
    RulesChange,
    RulesRead,
    VersionRead,
    ViolationRead,
    ViolationResolve,
)

router = APIRouter(prefix="/api/v1/duty-rules", tags=["duty rules"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=RulesRead, dependencies=[Depends(Allow(*ALL_ROLES))])
def rules_in_force(session: SessionDep, at: UtcDateTime | None = None) -> RulesRead:
    """The rules in force now, or at `at`."""
    row = store.version_at(session, at)
    rules = store.in_force(session, at)
    return RulesRead.of(row, rules.model_dump(mode="json")["rules"])


@router.get("/versions", response_model=Page[VersionRead], dependencies=[Depends(Allow(*ALL_ROLES))])
def list_versions(session: SessionDep, page: PageQuery) -> Page[VersionRead]:
    """Every version with its diff, who and why, newest first."""
    rows = store.history(session)
    items = [VersionRead.model_validate(r) for r in rows[page.offset : page.offset + page.limit]]
    return Page[VersionRead](items=items, total=len(rows), limit=page.limit, offset=page.offset)


@router.put("", response_model=VersionRead, dependencies=[Depends(OVERSEERS)])
def change_rules(
    body: RulesChange,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    now: NowDep,
) -> VersionRead:
    """A new version of the rules (admin, or supervisor if configured); 422 names a contradictory field."""
    audit_as(request, "duty_rules.put", "duty_rules", {"reason": body.reason})
    row = store.change(
        session,
        content={"rules": body.rules},
        actor=actor_of(request),
        roles=[r.value for r in user.roles],
        allowed_roles=settings.duty_rules.change_roles,
        reason=body.reason,
        now=now,
    )
    return VersionRead.model_validate(row)


@router.post("/confirm", status_code=204, dependencies=[Depends(Allow(*ROOM))])
def confirm_rules(
    body: ConfirmIn, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> None:
    """The caller read and confirms the version in force (once per version)."""
    audit_as(request, "duty_rules.confirm", f"duty_rules:v{body.version}")
    compliance.confirm(session, user=user, version=body.version, now=now)


@router.get(
    "/violations", response_model=Page[ViolationRead], dependencies=[Depends(Allow(*LEAD, Role.ADMIN))]
)
def list_violations(
    session: SessionDep,
    page: PageQuery,
    state: Literal["open", "resolved", "all"] = "all",
    rule_id: str | None = None,
    subject: str | None = None,
    since: UtcDateTime | None = None,
    until: UtcDateTime | None = None,
) -> Page[ViolationRead]:
    """The compliance record, newest first, with filters."""
    rows, total = compliance.list_(
        session, limit=page.limit, offset=page.offset, state=state, rule_id=rule_id, subject=subject,
        since=since, until=until,
    )  # fmt: skip
    return Page[ViolationRead](
        items=[ViolationRead.of(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post(
    "/violations/{violation_id}/resolve", response_model=ViolationRead, dependencies=[Depends(Allow(*LEAD))]
)
def resolve_violation(
    violation_id: RowId,
    body: ViolationResolve,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> ViolationRead:
    """Record how a violation was resolved."""
    audit_as(request, "duty_rules.resolve", f"violation:{violation_id}")
    row = compliance.resolve(session, violation_id=violation_id, by=user.username, how=body.how, now=now)
    return ViolationRead.of(row)
