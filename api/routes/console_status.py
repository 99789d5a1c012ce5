"""The console's top bar: duty status for the signed-in user (polled by every page)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends

from api.deps import ANY_USER, CurrentUser, NowDep, SessionDep
from core.schemas import ReadSchema
from shift_logs.status import duty_status

router = APIRouter(prefix="/api/v1/console", tags=["console"])


class OnDutyRead(ReadSchema):
    """One person on duty."""

    post: str
    user: str
    since: dt.datetime


class DutyStatusRead(ReadSchema):
    """The top bar's figures."""

    on_duty: list[OnDutyRead]
    my_post: str | None
    checked_in: bool
    open_tasks: int
    open_faults: int
    open_alerts: int
    handover_at: dt.datetime | None
    rules_to_confirm: int | None


@router.get("/status", dependencies=[Depends(ANY_USER)], response_model=DutyStatusRead)
def read_duty_status(session: SessionDep, user: CurrentUser, now: NowDep) -> DutyStatusRead:
    """Who is on duty where, my check-in, open tasks, faults and alerts, time to my handover."""
    return DutyStatusRead.model_validate(duty_status(session, user=user, now=now), from_attributes=True)
