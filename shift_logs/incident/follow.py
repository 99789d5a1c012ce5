"""The follow-through of a report: each step a conditional update (WHERE stage = expected), a timeline
row, a duty-log line and the next deadline from the duty rules. Concurrent callers: exactly one wins,
the others get ReportStageError naming the stage the report is at now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.roles import LEAD
from access.users.models import User
from core.actor import SYSTEM
from core.messages import Message
from db import transition
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from shift_logs.incident.errors import IncidentNotFound, ReportInvalid, ReportStageError
from shift_logs.incident.models import Incident, IncidentSource, IncidentState, IncidentStep
from shift_logs.incident.workflow import (
    Action,
    Finding,
    ReportDeadlines,
    Stage,
    due_for,
    legacy_state_name,
    step,
)
from shift_logs.rules import service as compliance
from shift_logs.rules import store as duty_rules

__all__ = [
    "accept",
    "advance",
    "answer",
    "check",
    "conclude",
    "deadlines",
    "open_case",
    "refuse",
    "require_report",
    "review",
    "steps",
    "visit",
]


def deadlines(session: Session, now: dt.datetime) -> ReportDeadlines:
    """The report deadlines of the duty rules in force at `now`."""
    p = duty_rules.in_force(session, now).rules.report_deadlines.params
    return ReportDeadlines(p.acceptance_days, p.result_days, p.unit_reply_days, p.return_visit_days)


def require_report(session: Session, incident_id: int, *, for_update: bool = False) -> Incident:
    """The report (an incident from the public), or IncidentNotFound; `for_update`: locked and read afresh."""
    incident = (
        transition.lock(session, Incident, incident_id) if for_update else session.get(Incident, incident_id)
    )
    if incident is None or incident.source is not IncidentSource.REPORT or incident.stage is None:
        raise IncidentNotFound(f"no report with id {incident_id}")
    return incident


def steps(session: Session, incident_id: int) -> list[IncidentStep]:
    """The report's timeline, oldest first."""
    stmt = select(IncidentStep).where(IncidentStep.incident_id == incident_id).order_by(IncidentStep.seq)
    return list(session.scalars(stmt))


def _refused(stage: Stage, incident_id: int, action: Action) -> ReportStageError:
    return ReportStageError(
        f"report {incident_id} is {stage}; {action} is not possible there",
        detail={"stage": str(stage), "action": str(action)},
    )


def _log(
    session: Session,
    incident: Incident,
    *,
    text: str,
    user: User | None,
    now: dt.datetime,
    message: Message | None = None,
) -> None:
    if incident.post_id is not None:
        duty_log.append(
            session,
            post_id=incident.post_id,
            kind=EntryKind.INCIDENT,
            text=text,
            author=user,
            now=now,
            ref=f"incident:{incident.id}",
            message=message,
        )


def advance(
    session: Session,
    *,
    incident_id: int,
    action: Action,
    user: User | None,
    now: dt.datetime,
    note: str = "",
    values: dict[str, Any] | None = None,
    satisfied: bool | None = None,
    actor_label: str = "",
    unit_days: int | None = None,
) -> Incident:
    """Take one step: refuse (409 naming the stage) unless the stage allows it.

    The row is locked and read afresh (`db.transition.lock`), so of concurrent callers taking the same step
    exactly one finds the stage that allows it.
    """
    incident = require_report(session, incident_id, for_update=True)
    current = incident.stage
    assert current is not None
    move = step(current, action, satisfied=satisfied)
    if not move.allowed:
        raise _refused(current, incident_id, action)
    changes: dict[str, Any] = dict(values or {})
    # a step that moves the report on is measured against the deadline of the stage it leaves
    met = (
        (str(incident.due_kind), incident.due_at) if move.target is not current and incident.due_at else None
    )
    if move.target is not current:
        kind, due = due_for(
            move.target,
            now=now,
            received_at=incident.created_at,
            promised_at=changes.get("promised_result_at", incident.promised_result_at),
            rules=deadlines(session, now),
            unit_days=unit_days,
        )
        changes |= {
            "stage": move.target,
            "state": IncidentState(legacy_state_name(move.target)),
            "due_kind": kind,
            "due_at": due,
            "overdue_flagged_at": None,
        }
    for name, value in changes.items():
        setattr(incident, name, value)
    seq = session.scalar(
        select(func.coalesce(func.max(IncidentStep.seq), 0)).where(IncidentStep.incident_id == incident_id)
    )
    label = actor_label or (user.username if user is not None else SYSTEM.name)
    session.add(
        IncidentStep(
            incident_id=incident_id,
            seq=int(seq or 0) + 1,
            action=str(action),
            from_stage=str(current),
            to_stage=str(move.target),
            actor_id=user.id if user is not None else None,
            actor_label=label,
            at=now,
            note=note,
            due_kind=met[0] if met else None,
            due_at=met[1] if met else None,
        )
    )
    session.flush()
    if move.target is not current:
        compliance.resolve_keys(
            session,
            origin="report",
            keep=set(),
            by=label,
            how=f"{action} done",
            now=now,
            prefix=f"report:{incident_id}:",
        )
    code = incident.ref_code or incident.id
    said = Message(
        "msg.duty.report_step",
        {
            "code": code,
            "action": Message(f"rep.action.{action}"),
            "from": Message(f"rep.stage.{current}"),
            "to": Message(f"rep.stage.{move.target}"),
        },
    )
    _log(
        session,
        incident,
        text=f"report {code}: {action} ({current} -> {move.target})",
        user=user,
        now=now,
        message=said,
    )
    return incident


def _text(value: str, field: str) -> str:
    if not value.strip():
        raise ReportInvalid(f"{field} must not be empty", field=field)
    return value.strip()


def accept(
    session: Session,
    *,
    incident_id: int,
    user: User,
    now: dt.datetime,
    decision: str,
    promised_result_at: dt.datetime | None = None,
) -> Incident:
    """Accept in writing, with the promised time for a result (default: the duty rules' result limit)."""
    incident = require_report(session, incident_id)
    promised = promised_result_at or incident.created_at + dt.timedelta(
        days=deadlines(session, now).result_days
    )
    if promised <= now:
        raise ReportInvalid("the promised result time must lie ahead", field="promised_result_at")
    values = {
        "decision_text": _text(decision, "decision"),
        "promised_result_at": promised,
        "result_due_at": promised,
        "acknowledged_at": now,
        "acknowledged_by_id": user.id,
    }
    return advance(
        session,
        incident_id=incident_id,
        action=Action.ACCEPT,
        user=user,
        now=now,
        note=decision,
        values=values,
    )


def refuse(session: Session, *, incident_id: int, user: User, now: dt.datetime, decision: str) -> Incident:
    """Refuse in writing (with the reason); the report is final."""
    values = {
        "decision_text": _text(decision, "decision"),
        "acknowledged_at": now,
        "acknowledged_by_id": user.id,
        "closed_at": now,
        "closed_by_id": user.id,
        "outcome": decision.strip(),
    }
    return advance(
        session,
        incident_id=incident_id,
        action=Action.REFUSE,
        user=user,
        now=now,
        note=decision,
        values=values,
    )


def check(
    session: Session,
    *,
    incident_id: int,
    user: User,
    now: dt.datetime,
    note: str,
    owner_id: int | None = None,
) -> Incident:
    """Start the initial check; an important matter can be owned by a named leader from here on."""
    if owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is None or owner.disabled or not owner.has_any(LEAD):
            raise ReportInvalid("the owner must be a shift leader or supervisor", field="owner_id")
    values = {"owner_id": owner_id} if owner_id is not None else {}
    return advance(
        session,
        incident_id=incident_id,
        action=Action.CHECK,
        user=user,
        now=now,
        note=_text(note, "note"),
        values=values,
    )


def open_case(session: Session, *, incident_id: int, user: User, now: dt.datetime, note: str) -> Incident:
    """The initial check warrants a case: investigation starts."""
    return advance(
        session,
        incident_id=incident_id,
        action=Action.OPEN_CASE,
        user=user,
        now=now,
        note=_text(note, "note"),
    )


def conclude(
    session: Session,
    *,
    incident_id: int,
    user: User,
    now: dt.datetime,
    finding: Finding,
    summary: str,
    clarification: str = "",
) -> Incident:
    """Conclude with a finding; a false accusation needs a clarification record for the person accused."""
    if finding is Finding.FALSE_ACCUSATION and not clarification.strip():
        raise ReportInvalid("a false accusation needs a clarification record", field="clarification")
    values = {
        "finding": finding,
        "outcome": _text(summary, "summary"),
        "clarification": clarification.strip(),
        "concluded_at": now,
        "closed_at": now,
        "closed_by_id": user.id,
    }
    note = f"{finding}: {summary.strip()}"
    return advance(
        session, incident_id=incident_id, action=Action.CONCLUDE, user=user, now=now, note=note, values=values
    )


def answer(
    session: Session, *, incident_id: int, user: User, now: dt.datetime, via: str, note: str = ""
) -> Incident:
    """The result was given to the reporter: how (letter, phone, in person, online) and when."""
    values = {"answered_at": now, "answered_via": _text(via, "via")[:32]}
    return advance(
        session,
        incident_id=incident_id,
        action=Action.ANSWER,
        user=user,
        now=now,
        note=note or via,
        values=values,
    )


def visit(
    session: Session, *, incident_id: int, user: User, now: dt.datetime, satisfied: bool, note: str = ""
) -> Incident:
    """The return visit: satisfied closes the report, dissatisfied sends it to review."""
    values = {"visited_at": now, "satisfied": satisfied}
    text = ("satisfied" if satisfied else "dissatisfied") + (f": {note.strip()}" if note.strip() else "")
    return advance(
        session,
        incident_id=incident_id,
        action=Action.VISIT,
        user=user,
        now=now,
        note=text,
        values=values,
        satisfied=satisfied,
    )


def review(session: Session, *, incident_id: int, user: User, now: dt.datetime, result: str) -> Incident:
    """The review of a dissatisfied reporter's matter, with its written result; the report is closed."""
    values = {"review_result": _text(result, "result")}
    return advance(
        session, incident_id=incident_id, action=Action.REVIEW, user=user, now=now, note=result, values=values
    )
