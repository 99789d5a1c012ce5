"""Incident intake (D5): from an alert or a report; confidential reporter; deadlines; written outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from access.audit import service as audit
from access.roles import LEAD
from access.users.models import User
from alerts.models import Alert
from config.alerting import AlertSettings
from core.actor import Actor
from core.messages import Message
from db import lookup
from db.outbox import enqueue
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from shift_logs.incident import follow, supervise
from shift_logs.incident.errors import (
    AlertAlreadyOpened,
    IncidentNotFound,
    IncidentStateError,
    OutcomeRequired,
    UnknownAlert,
)
from shift_logs.incident.models import Channel, Incident, IncidentSource, IncidentState, IncidentStep
from shift_logs.incident.workflow import FINAL_STAGES, Action, DueKind, ReportType, Stage

__all__ = [
    "IncidentView",
    "acknowledge",
    "close",
    "flag_overdue",
    "is_overdue",
    "list_",
    "new_ref_code",
    "open_from_alert",
    "open_from_report",
    "overdue",
    "require",
    "source_key",
    "view",
]

RESPONDER_TARGETS = ("mqtt",)


def _announce(session: Session, incident: Incident, now: dt.datetime) -> None:
    """Notify responders (outbox) and note the incident in the post's duty log; never the reporter."""
    payload = {
        "id": incident.id,
        "source": str(incident.source),
        "channel": str(incident.channel) if incident.channel else None,
        "alert_id": incident.alert_id,
        "category": incident.category,
        "place": incident.place,
        "content": incident.content,
        "post_id": incident.post_id,
        "created_at": now.isoformat(),
    }
    topic = f"controlroom/incidents/{incident.id}/created"
    enqueue(session, topic=topic, payload=payload, targets=RESPONDER_TARGETS, now=now)
    if incident.post_id is not None:
        origin = f"alert {incident.alert_id}" if incident.alert_id else f"{incident.channel} report"
        text = f"incident {incident.id} opened from {origin}: {incident.category}, {incident.place}"
        said = Message(
            "msg.duty.incident_from_alert" if incident.alert_id else "msg.duty.incident_from_report",
            {
                "id": incident.id,
                "alert": incident.alert_id or 0,
                "channel": Message(f"msg.channel.{incident.channel}"),
                "category": incident.category,
                "place": incident.place,
            },
        )
        duty_log.append(
            session,
            post_id=incident.post_id,
            kind=EntryKind.INCIDENT,
            text=text,
            author=incident.opened_by,
            now=now,
            ref=f"incident:{incident.id}",
            message=said,
        )


_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone


def new_ref_code() -> str:
    """A reference code the reporter can quote: R + 8 unambiguous characters."""
    return "R" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def source_key(name: str, contact: str, *, secret: bytes) -> str:
    """A keyed hash of who reported (to count repeated malicious reports without showing anyone)."""
    ident = " ".join((name + " " + contact).lower().split())
    return hmac.new(secret, ident.encode(), hashlib.sha256).hexdigest() if ident else ""


def open_from_report(
    session: Session,
    *,
    channel: Channel,
    reporter_name: str,
    reporter_contact: str,
    category: str,
    content: str,
    place: str,
    opened_by: User,
    now: dt.datetime,
    post_id: int | None = None,
    report_type: ReportType = ReportType.OTHER,
    anonymous: bool = False,
    collective: str = "",
    headcount: int = 1,
    related_to_id: int | None = None,
    secret: bytes = b"",
) -> Incident:
    """Open a report (received), with its reference code and the duty rules' acceptance deadline."""
    if related_to_id is not None and session.get(Incident, related_to_id) is None:
        raise UnknownAlert(f"there is no report {related_to_id}", field="related_to_id")
    if anonymous:
        reporter_name, reporter_contact = "", ""
    rules = follow.deadlines(session, now)
    ack_due = now + dt.timedelta(days=rules.acceptance_days)
    incident = Incident(
        source=IncidentSource.REPORT,
        channel=channel,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        category=category,
        content=content,
        place=place,
        post_id=post_id,
        opened_by=opened_by,
        ack_due_at=ack_due,
        result_due_at=now + dt.timedelta(days=rules.result_days),
        created_at=now,
        stage=Stage.RECEIVED,
        ref_code=new_ref_code(),
        report_type=report_type,
        anonymous=anonymous,
        collective=collective,
        headcount=headcount,
        related_to_id=related_to_id,
        source_key=source_key(reporter_name, reporter_contact, secret=secret),
        due_kind=DueKind.ACCEPTANCE,
        due_at=ack_due,
    )
    session.add(incident)
    session.flush()
    session.add(
        IncidentStep(
            incident_id=incident.id,
            seq=1,
            action="receive",
            from_stage="",
            to_stage=str(Stage.RECEIVED),
            actor_id=opened_by.id,
            actor_label=opened_by.username,
            at=now,
            note=f"{channel} report, {report_type}",
        )
    )
    _announce(session, incident, now)
    return incident


def open_from_alert(
    session: Session,
    *,
    alert_id: int,
    category: str,
    content: str,
    place: str,
    opened_by: User,
    now: dt.datetime,
    post_id: int | None = None,
) -> Incident:
    """Open an incident from a detected alert (one incident per alert)."""
    if session.get(Alert, alert_id) is None:
        raise UnknownAlert(f"there is no alert {alert_id}", field="alert_id")
    if session.scalar(select(Incident.id).where(Incident.alert_id == alert_id)) is not None:
        raise AlertAlreadyOpened(f"an incident for alert {alert_id} exists already")
    incident = Incident(
        source=IncidentSource.ALERT,
        alert_id=alert_id,
        category=category,
        content=content,
        place=place,
        post_id=post_id,
        opened_by=opened_by,
        created_at=now,
    )
    session.add(incident)
    session.flush()
    _announce(session, incident, now)
    return incident


def require(session: Session, incident_id: int) -> Incident:
    """Return the incident, or raise IncidentNotFound."""
    return lookup.require(session, Incident, incident_id, error=IncidentNotFound, what="incident")


@dataclass(frozen=True, slots=True)
class IncidentView:
    """An incident as one viewer may see it: the reporter only for leaders and supervisors."""

    incident: Incident
    reporter_visible: bool

    @property
    def reporter_name(self) -> str | None:
        """The reporter's name, or None when withheld."""
        return self.incident.reporter_name if self.reporter_visible else None

    @property
    def reporter_contact(self) -> str | None:
        """The reporter's contact, or None when withheld."""
        return self.incident.reporter_contact if self.reporter_visible else None


def view(session: Session, *, incident_id: int, viewer: User, actor: Actor, now: dt.datetime) -> IncidentView:
    """One incident for `viewer`; showing a reporter's identity is written to the audit log."""
    incident = require(session, incident_id)
    visible = viewer.has_any(LEAD) and incident.source is IncidentSource.REPORT
    if visible:
        audit.record(
            session, actor=actor, action="incident.reporter.view", target=f"incident:{incident.id}", now=now
        )
    return IncidentView(incident=incident, reporter_visible=visible)


def acknowledge(session: Session, *, incident_id: int, user: User, now: dt.datetime) -> Incident:
    """Accept the incident in writing (stops the acknowledgement deadline); a report is accepted as such."""
    incident = require(session, incident_id)
    if incident.stage is not None:
        return follow.accept(
            session, incident_id=incident_id, user=user, now=now, decision="accepted in writing"
        )
    if incident.state is not IncidentState.OPEN:
        raise IncidentStateError(f"incident {incident.id} is {incident.state}, not open")
    incident.state, incident.acknowledged_at, incident.acknowledged_by_id = (
        IncidentState.ACKNOWLEDGED,
        now,
        user.id,
    )
    session.flush()
    return incident


def close(session: Session, *, incident_id: int, user: User, outcome: str, now: dt.datetime) -> Incident:
    """Close the incident with its written outcome."""
    incident = require(session, incident_id)
    if incident.state is IncidentState.CLOSED:
        raise IncidentStateError(f"incident {incident.id} is closed already")
    if not outcome.strip():
        raise OutcomeRequired("closing an incident needs a written outcome", field="outcome")
    if incident.stage is not None:
        values = {"outcome": outcome.strip(), "concluded_at": now, "closed_at": now, "closed_by_id": user.id}
        return follow.advance(
            session,
            incident_id=incident_id,
            action=Action.CONCLUDE,
            user=user,
            now=now,
            note=outcome,
            values=values,
        )
    incident.state, incident.outcome = IncidentState.CLOSED, outcome.strip()
    incident.closed_at, incident.closed_by_id = now, user.id
    session.flush()
    return incident


def _overdue_clause(now: dt.datetime) -> ColumnElement[bool]:
    legacy = or_(
        and_(Incident.state == IncidentState.OPEN, Incident.ack_due_at < now),
        and_(Incident.state != IncidentState.CLOSED, Incident.result_due_at < now),
    )
    report = and_(Incident.stage.not_in(list(FINAL_STAGES)), Incident.due_at < now)
    return or_(and_(Incident.stage.is_(None), legacy), and_(Incident.stage.is_not(None), report))


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    state: IncidentState | None = None,
    overdue_at: dt.datetime | None = None,
) -> tuple[list[Incident], int]:
    """Incidents, newest first; `overdue_at` keeps those past a deadline at that time."""
    stmt = select(Incident)
    if state is not None:
        stmt = stmt.where(Incident.state == state)
    if overdue_at is not None:
        stmt = stmt.where(_overdue_clause(overdue_at))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Incident.created_at.desc(), Incident.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def overdue(session: Session, *, now: dt.datetime) -> list[Incident]:
    """Incidents past their acknowledgement or result deadline, oldest first."""
    stmt = select(Incident).where(_overdue_clause(now)).order_by(Incident.created_at, Incident.id)
    return list(session.scalars(stmt))


def flag_overdue(
    session: Session, *, now: dt.datetime, alert_settings: AlertSettings | None = None
) -> list[Incident]:
    """Flag newly overdue incidents and report steps to the shift leader, once per step; return them."""
    flagged = []
    for incident in overdue(session, now=now):
        if incident.overdue_flagged_at is not None:
            continue
        incident.overdue_flagged_at = now
        payload = {
            "id": incident.id,
            "state": str(incident.state),
            "stage": str(incident.stage) if incident.stage else None,
            "due": str(incident.due_kind) if incident.due_kind else None,
            "category": incident.category,
        }
        enqueue(
            session,
            topic=f"controlroom/incidents/{incident.id}/overdue",
            payload=payload,
            targets=["mqtt"],
            now=now,
        )
        if incident.stage is not None:
            supervise.escalate(session, incident, now=now, alert_settings=alert_settings)
        flagged.append(incident)
    session.flush()
    return flagged


def is_overdue(incident: Incident, now: dt.datetime) -> bool:
    """True when the incident (or the report's current step) is past its deadline."""
    if incident.stage is not None:
        return supervise.report_overdue(incident, now)
    if incident.state is IncidentState.OPEN and incident.ack_due_at and incident.ack_due_at < now:
        return True
    return bool(
        incident.state is not IncidentState.CLOSED and incident.result_due_at and incident.result_due_at < now
    )
