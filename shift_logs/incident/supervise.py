"""Supervision of reports: overdue steps raised to the shift leader and into compliance; lookup by code;
the public status (stage and handling unit only); repeated false accusations from one source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts import service as alerts
from alerts.models import Priority
from config.alerting import AlertSettings
from core.messages import Message
from shift_logs.incident.errors import IncidentNotFound
from shift_logs.incident.models import Incident
from shift_logs.incident.workflow import FINAL_STAGES, Finding
from shift_logs.roster import service as roster
from shift_logs.rules import service as compliance
from shift_logs.rules.facts import Violation
from shift_logs.rules.model import Severity
from shift_logs.unit.models import Unit

__all__ = [
    "REPEAT_FALSE_THRESHOLD",
    "PublicStatus",
    "by_code",
    "escalate",
    "public_status",
    "repeated_false_source",
    "report_overdue",
]

REPEAT_FALSE_THRESHOLD = 2


def report_overdue(incident: Incident, now: dt.datetime) -> bool:
    """True when a report's current step is past its deadline."""
    return bool(
        incident.stage is not None
        and incident.stage not in FINAL_STAGES
        and incident.due_at is not None
        and incident.due_at < now
    )


def escalate(
    session: Session, incident: Incident, *, now: dt.datetime, alert_settings: AlertSettings | None
) -> None:
    """An overdue step: a compliance violation (rule report_deadlines) and an alert addressed to the shift
    leader on duty (every shift leader when no shift is running)."""
    kind = str(incident.due_kind)
    code = incident.ref_code or str(incident.id)
    message = f"report {code}: {kind} deadline passed ({incident.stage})"
    violation = Violation(
        rule_id="report_deadlines",
        clause="D5",
        severity=Severity.WARN,
        subject=f"unit:{incident.unit_id}" if kind == "unit_reply" else "room",
        key=f"report:{incident.id}:{kind}",
        message=message,
    )
    compliance.record(session, [violation], origin="report", now=now)
    if alert_settings is None:
        return
    raised = alerts.raise_alert(
        session,
        kind="report.overdue",
        camera_id=None,
        camera_name="",
        zone=f"report:{incident.id}",
        priority=Priority.HIGH,
        score=1.0,
        title=message[:200],
        message=Message(
            "msg.alert.report_overdue",
            {
                "code": code,
                "due": Message(f"rep.due.{kind}"),
                "due_at": incident.due_at.isoformat() if incident.due_at else "",
                "stage": Message(f"rep.stage.{incident.stage}"),
            },
        ),
        settings=alert_settings,
        now=now,
    )
    if raised.created:  # addressed to the shift leader on duty at once, like the duty rules' own alerts
        leaders = roster.leaders_on_duty(session, now=now) or alerts.default_leaders(session, now)
        raised.alert.escalated_at, raised.alert.escalated_to = now, leaders


def by_code(session: Session, code: str) -> Incident:
    """The report with that reference code (case and spaces ignored), or IncidentNotFound."""
    clean = "".join(code.split()).upper()
    incident = session.scalar(select(Incident).where(Incident.ref_code == clean))
    if incident is None:
        raise IncidentNotFound(f"no report with code {clean}")
    return incident


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """All a reporter learns by quoting the code: the stage and which unit handles the matter."""

    ref_code: str
    stage: str
    unit: str


def public_status(session: Session, code: str) -> PublicStatus:
    """The stage and handling unit of a report; nothing else."""
    incident = by_code(session, code)
    unit = session.get(Unit, incident.unit_id) if incident.unit_id is not None else None
    return PublicStatus(
        ref_code=incident.ref_code or "",
        stage=str(incident.stage),
        unit=unit.name if unit is not None else "",
    )


def repeated_false_source(session: Session, incident: Incident) -> bool:
    """True when the same (hashed) source has made at least two reports concluded as false accusations."""
    if not incident.source_key:
        return False
    stmt = select(func.count()).where(
        Incident.source_key == incident.source_key, Incident.finding == Finding.FALSE_ACCUSATION
    )
    return int(session.scalar(stmt) or 0) >= REPEAT_FALSE_THRESHOLD
