"""The follow-through of reports from the public: one route per step, the timeline, lookup by code.

Steps that decide (accept, refuse, transfer, conclude, review) need a shift leader or supervisor;
the others anyone in the room. A step refused by the report's stage answers 409 naming the stage.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from access.roles import LEAD, ROOM
from api.deps import Allow, CurrentUser, NowDep, SessionDep, SettingsDep, audit_as
from api.errors import PROBLEM_RESPONSES
from shift_logs.incident import follow, supervise, transfer
from shift_logs.incident import service as incidents
from shift_logs.incident.models import Incident
from shift_logs.incident.schemas import (
    IncidentRead,
    ReplyLinkRead,
    ReportAccept,
    ReportAnswer,
    ReportCheck,
    ReportConclude,
    ReportDecision,
    ReportNote,
    ReportReply,
    ReportReview,
    ReportTransfer,
    ReportVisit,
    StepRead,
    TransferRead,
)

__all__ = ["leaders", "read_report", "router"]

router = APIRouter(
    prefix="/api/v1/incidents",
    tags=["reports from the public"],
    dependencies=[Depends(Allow(*ROOM))],
    responses=PROBLEM_RESPONSES,
)
# the deciding steps: a router of their own, so that the roles declared are exactly the roles allowed
leaders = APIRouter(
    prefix="/api/v1/incidents",
    tags=["reports from the public"],
    dependencies=[Depends(Allow(*LEAD))],
    responses=PROBLEM_RESPONSES,
)


def read_report(session: Session, incident: Incident, now: dt.datetime) -> IncidentRead:
    """A report as a step returns it (the reporter withheld)."""
    return IncidentRead.build(
        incident,
        reporter_visible=False,
        overdue=incidents.is_overdue(incident, now),
        repeat_false_source=supervise.repeated_false_source(session, incident),
    )


def _audit(request: Request, step: str, incident_id: int) -> None:
    audit_as(request, f"report.{step}", f"incident:{incident_id}")


@router.get("/by-code/{code}", response_model=IncidentRead)
def lookup_report(code: str, session: SessionDep, now: NowDep) -> IncidentRead:
    """Find a report by the reference code the reporter quotes (the reporter withheld)."""
    return read_report(session, supervise.by_code(session, code), now)


@router.get("/{incident_id}/steps", response_model=list[StepRead])
def report_steps(incident_id: int, session: SessionDep) -> list[StepRead]:
    """The report's timeline: every step with who, when and what."""
    follow.require_report(session, incident_id)
    return [StepRead.model_validate(s) for s in follow.steps(session, incident_id)]


@router.get("/{incident_id}/transfers", response_model=list[TransferRead])
def report_transfers(incident_id: int, session: SessionDep) -> list[TransferRead]:
    """The report's transfers to units."""
    follow.require_report(session, incident_id)
    return [TransferRead.model_validate(t) for t in transfer.list_transfers(session, incident_id)]


@leaders.post("/{incident_id}/accept", response_model=IncidentRead)
def accept_report(
    incident_id: int,
    body: ReportAccept,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> IncidentRead:
    """Accept the report in writing, with the promised time for a result."""
    _audit(request, "accept", incident_id)
    incident = follow.accept(
        session,
        incident_id=incident_id,
        user=user,
        now=now,
        decision=body.decision,
        promised_result_at=body.promised_result_at,
    )
    return read_report(session, incident, now)


@leaders.post("/{incident_id}/refuse", response_model=IncidentRead)
def refuse_report(
    incident_id: int,
    body: ReportDecision,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> IncidentRead:
    """Refuse the report in writing, with the reason."""
    _audit(request, "refuse", incident_id)
    incident = follow.refuse(session, incident_id=incident_id, user=user, now=now, decision=body.decision)
    return read_report(session, incident, now)


@router.post("/{incident_id}/check", response_model=IncidentRead)
def check_report(
    incident_id: int, body: ReportCheck, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> IncidentRead:
    """Start the initial check (optionally owned by a named leader)."""
    _audit(request, "check", incident_id)
    incident = follow.check(
        session, incident_id=incident_id, user=user, now=now, note=body.note, owner_id=body.owner_id
    )
    return read_report(session, incident, now)


@router.post("/{incident_id}/open-case", response_model=IncidentRead)
def open_case(
    incident_id: int, body: ReportNote, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> IncidentRead:
    """Open a case: the initial check warrants an investigation."""
    _audit(request, "open_case", incident_id)
    incident = follow.open_case(session, incident_id=incident_id, user=user, now=now, note=body.note)
    return read_report(session, incident, now)


@leaders.post("/{incident_id}/transfer", response_model=ReplyLinkRead)
def transfer_report(
    incident_id: int,
    body: ReportTransfer,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    now: NowDep,
) -> ReplyLinkRead:
    """Transfer to a unit with its deadline; `link_days` returns a single-use reply token (shown once)."""
    _audit(request, "transfer", incident_id)
    row, token = transfer.transfer(
        session,
        incident_id=incident_id,
        unit_id=body.unit_id,
        user=user,
        now=now,
        note=body.note,
        secret=settings.auth.secret_key.get_secret_value().encode(),
        link_days=body.link_days,
    )
    return ReplyLinkRead(transfer=TransferRead.model_validate(row), reply_token=token)


@router.post("/{incident_id}/remind", response_model=TransferRead)
def remind_unit(
    incident_id: int, body: ReportNote, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> TransferRead:
    """Supervise a transferred report: remind the unit (counted)."""
    _audit(request, "remind", incident_id)
    row = transfer.remind(session, incident_id=incident_id, user=user, now=now, note=body.note)
    return TransferRead.model_validate(row)


@router.post("/{incident_id}/unit-reply", response_model=IncidentRead)
def unit_reply(
    incident_id: int, body: ReportReply, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> IncidentRead:
    """Record the unit's report back (entered in the console)."""
    _audit(request, "unit_reply", incident_id)
    incident = transfer.reply(session, incident_id=incident_id, user=user, now=now, text=body.reply)
    return read_report(session, incident, now)


@leaders.post("/{incident_id}/conclude", response_model=IncidentRead)
def conclude_report(
    incident_id: int,
    body: ReportConclude,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> IncidentRead:
    """Conclude with a finding; a false accusation needs a clarification record."""
    _audit(request, "conclude", incident_id)
    incident = follow.conclude(
        session,
        incident_id=incident_id,
        user=user,
        now=now,
        finding=body.finding,
        summary=body.summary,
        clarification=body.clarification,
    )
    return read_report(session, incident, now)


@router.post("/{incident_id}/answer", response_model=IncidentRead)
def answer_reporter(
    incident_id: int,
    body: ReportAnswer,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> IncidentRead:
    """Record that the result was given to the reporter, and how."""
    _audit(request, "answer", incident_id)
    incident = follow.answer(
        session, incident_id=incident_id, user=user, now=now, via=body.via, note=body.note
    )
    return read_report(session, incident, now)


@router.post("/{incident_id}/visit", response_model=IncidentRead)
def return_visit(
    incident_id: int, body: ReportVisit, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> IncidentRead:
    """The return visit: satisfied closes, dissatisfied sends the matter to review."""
    _audit(request, "visit", incident_id)
    incident = follow.visit(
        session, incident_id=incident_id, user=user, now=now, satisfied=body.satisfied, note=body.note
    )
    return read_report(session, incident, now)


@leaders.post("/{incident_id}/review", response_model=IncidentRead)
def review_report(
    incident_id: int,
    body: ReportReview,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> IncidentRead:
    """The review of a dissatisfied reporter's matter; closes the report."""
    _audit(request, "review", incident_id)
    incident = follow.review(session, incident_id=incident_id, user=user, now=now, result=body.result)
    return read_report(session, incident, now)
