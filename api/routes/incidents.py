"""Incident intake: from an alert or a report; the reporter is shown only to leaders and supervisors."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from access.roles import ROOM
from api.deps import Allow, CurrentUser, NowDep, SessionDep, SettingsDep, actor_of, audit_as
from api.errors import PROBLEM_RESPONSES
from api.schemas import Page, PageQuery
from shift_logs.incident import service as incidents
from shift_logs.incident import supervise
from shift_logs.incident.models import IncidentState
from shift_logs.incident.schemas import IncidentClose, IncidentFromAlert, IncidentFromReport, IncidentRead

router = APIRouter(
    prefix="/api/v1/incidents",
    tags=["incidents"],
    dependencies=[Depends(Allow(*ROOM))],
    responses=PROBLEM_RESPONSES,
)


@router.get("", response_model=Page[IncidentRead])
def list_incidents(
    session: SessionDep,
    page: PageQuery,
    now: NowDep,
    state: IncidentState | None = None,
    overdue: bool = False,
) -> Page[IncidentRead]:
    """Incidents, newest first (reporters withheld in lists); `overdue` keeps those past a deadline."""
    rows, total = incidents.list_(
        session, limit=page.limit, offset=page.offset, state=state, overdue_at=now if overdue else None
    )
    items = [
        IncidentRead.build(i, reporter_visible=False, overdue=incidents.is_overdue(i, now)) for i in rows
    ]
    return Page[IncidentRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/reports", response_model=IncidentRead, status_code=201)
def open_report(
    body: IncidentFromReport,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    now: NowDep,
) -> IncidentRead:
    """Open a report (phone, walk-in, letter, online; may be anonymous) with its reference code."""
    audit_as(request, "incident.open_report", "incidents", {"channel": str(body.channel)})
    secret = settings.auth.secret_key.get_secret_value().encode()
    incident = incidents.open_from_report(
        session, opened_by=user, now=now, secret=secret, **body.model_dump()
    )
    return IncidentRead.build(incident, reporter_visible=False, overdue=False)


@router.post("/alerts", response_model=IncidentRead, status_code=201)
def open_from_alert(
    body: IncidentFromAlert, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> IncidentRead:
    """Open an incident from a detected alert; responders are notified."""
    audit_as(request, "incident.open_alert", f"alert:{body.alert_id}")
    incident = incidents.open_from_alert(session, opened_by=user, now=now, **body.model_dump())
    return IncidentRead.build(incident, reporter_visible=False, overdue=False)


@router.get("/{incident_id}", response_model=IncidentRead)
def read_incident(
    incident_id: int, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> IncidentRead:
    """One incident; the reporter's identity for leaders and supervisors only, and each such view is audited."""
    seen = incidents.view(session, incident_id=incident_id, viewer=user, actor=actor_of(request), now=now)
    return IncidentRead.build(
        seen.incident,
        reporter_visible=seen.reporter_visible,
        overdue=incidents.is_overdue(seen.incident, now),
        repeat_false_source=supervise.repeated_false_source(session, seen.incident),
    )


@router.post("/{incident_id}/acknowledge", response_model=IncidentRead)
def acknowledge_incident(
    incident_id: int, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> IncidentRead:
    """Accept the incident in writing (stops the acknowledgement deadline)."""
    audit_as(request, "incident.acknowledge", f"incident:{incident_id}")
    incident = incidents.acknowledge(session, incident_id=incident_id, user=user, now=now)
    return IncidentRead.build(incident, reporter_visible=False, overdue=incidents.is_overdue(incident, now))


@router.post("/{incident_id}/close", response_model=IncidentRead)
def close_incident(
    incident_id: int,
    body: IncidentClose,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> IncidentRead:
    """Close the incident with its written outcome."""
    audit_as(request, "incident.close", f"incident:{incident_id}")
    incident = incidents.close(session, incident_id=incident_id, user=user, outcome=body.outcome, now=now)
    return IncidentRead.build(incident, reporter_visible=False, overdue=False)
