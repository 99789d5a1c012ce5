"""Reading and verifying the audit log (supervisors and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from access.audit import service as audit
from access.audit.schemas import AuditRead, AuditVerifyRead
from api.deps import SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.policies import OVERSEERS
from api.schemas import Page, PageQuery
from core.types import UtcDateTime
from db import checkpoints

router = APIRouter(
    prefix="/api/v1/audit",
    tags=["audit"],
    dependencies=[Depends(OVERSEERS)],
    responses=PROBLEM_RESPONSES,
)


@router.get("", response_model=Page[AuditRead])
def list_audit(
    session: SessionDep,
    page: PageQuery,
    action: Annotated[str | None, Query(max_length=100, description="Action prefix, e.g. auth.")] = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    since: UtcDateTime | None = None,
    until: UtcDateTime | None = None,
) -> Page[AuditRead]:
    """Audit entries, newest first."""
    rows, total = audit.list_(
        session, limit=page.limit, offset=page.offset, action=action, actor=actor, since=since, until=until
    )
    items = [AuditRead.model_validate(r) for r in rows]
    return Page[AuditRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/verify", response_model=AuditVerifyRead)
def verify_audit(session: SessionDep, settings: SettingsDep) -> AuditVerifyRead:
    """Recompute the hash chain, check its signed checkpoints, and report the first broken entry."""
    key = checkpoints.site_public_key(settings)
    result = audit.verify(session, key=key, published=checkpoints.published_heads(settings))
    return AuditVerifyRead(
        ok=result.ok,
        checked=result.checked,
        broken_at=result.broken.seq if result.broken else None,
        reason=result.broken.reason if result.broken else None,
    )
