"""The duty log of each post: read with filters, append, correct, verify."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from access.roles import LEAD, ROOM, STAFF, Role
from api.deps import Allow, CurrentUser, NowDep, SessionDep, SettingsDep, audit_as
from api.errors import PROBLEM_RESPONSES
from api.schemas import Page, PageQuery
from core.types import RowId, UtcDateTime
from db import checkpoints
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from shift_logs.duty_log.schemas import (
    ChainReportRead,
    DutyCorrectionCreate,
    DutyEntryCreate,
    DutyEntryRead,
    DutyLogVerifyRead,
)

router = APIRouter(prefix="/api/v1/duty-log", tags=["duty log"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=Page[DutyEntryRead], dependencies=[Depends(Allow(*ROOM))])
def list_duty_log(
    session: SessionDep,
    page: PageQuery,
    post_id: Annotated[int | None, Query(ge=1)] = None,
    kind: EntryKind | None = None,
    author: Annotated[str | None, Query(max_length=64)] = None,
    text: Annotated[str | None, Query(max_length=200, description="Words the entry contains.")] = None,
    since: UtcDateTime | None = None,
    until: UtcDateTime | None = None,
) -> Page[DutyEntryRead]:
    """Duty-log entries, newest first."""
    rows, total = duty_log.list_(
        session,
        limit=page.limit,
        offset=page.offset,
        post_id=post_id,
        kind=kind,
        author=author,
        text=text,
        since=since,
        until=until,
    )
    items = [DutyEntryRead.model_validate(r) for r in rows]
    return Page[DutyEntryRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", response_model=DutyEntryRead, status_code=201, dependencies=[Depends(Allow(*STAFF))])
def append_duty_entry(
    body: DutyEntryCreate, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> DutyEntryRead:
    """Append an entry to a post's duty log (it can never be changed; correct it with a new entry)."""
    audit_as(request, "duty_log.append", f"post:{body.post_id}")
    entry = duty_log.write(
        session, post_id=body.post_id, kind=body.kind, text=body.text, author=user, now=now, ref=body.ref
    )
    return DutyEntryRead.model_validate(entry)


@router.post(
    "/{entry_id}/corrections",
    response_model=DutyEntryRead,
    status_code=201,
    dependencies=[Depends(Allow(*STAFF))],
)
def correct_duty_entry(
    entry_id: RowId,
    body: DutyCorrectionCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> DutyEntryRead:
    """Correct an entry: a new entry that points at it; the original stays as written."""
    audit_as(request, "duty_log.correct", f"duty_entry:{entry_id}")
    entry = duty_log.correct(session, entry_id=entry_id, text=body.text, author=user, now=now)
    return DutyEntryRead.model_validate(entry)


@router.get("/verify", response_model=DutyLogVerifyRead, dependencies=[Depends(Allow(*LEAD, Role.ADMIN))])
def verify_duty_log(session: SessionDep, settings: SettingsDep) -> DutyLogVerifyRead:
    """Recompute every post's chain and its signed checkpoints; name the first broken entry of each."""
    key = checkpoints.site_public_key(settings)
    reports = [
        ChainReportRead(
            chain=r.chain,
            ok=r.ok,
            checked=r.checked,
            broken_at=r.broken.seq if r.broken else None,
            reason=r.broken.reason if r.broken else None,
        )
        for r in duty_log.verify_all(session, key=key, published=checkpoints.published_heads(settings))
    ]
    return DutyLogVerifyRead(ok=all(r.ok for r in reports), logs=reports)
