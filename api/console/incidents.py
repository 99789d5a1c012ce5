"""Console pages of incidents: intake, confidential reporter, acknowledge and close."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from access.roles import ROOM
from api.console import report_follow
from api.console.routes import render
from api.console.shift_common import back
from api.deps import Allow, CurrentToken, SessionDep, SettingsDep, actor_of, audit_as, now_of
from core.errors import Invalid
from shift_logs.incident import service as incidents
from shift_logs.incident import supervise
from shift_logs.incident.errors import ReportInvalid
from shift_logs.incident.models import Channel, IncidentState
from shift_logs.incident.workflow import ReportType
from shift_logs.roster import presence
from shift_logs.roster import service as roster

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _optional_state(value: str) -> IncidentState | None:
    if not value:
        return None
    try:
        return IncidentState(value)
    except ValueError:
        raise Invalid(f"no incident state {value!r}", field="state") from None


@router.get("/incidents", dependencies=[Depends(Allow(*ROOM))])
def incidents_page(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    state_: Annotated[str, Query(alias="state", max_length=32)] = "",
    overdue: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """Incidents (reporters withheld in the list) and the intake forms. The state filter's "Any" is an
    empty value (no filter), not a refusal."""
    state = _optional_state(state_)
    now = now_of(request)
    rows, total = incidents.list_(
        session, limit=50, offset=offset, state=state, overdue_at=now if overdue else None
    )
    here = presence.open_presence(session, user_id=token.user.id)
    return render(
        request,
        "shift/incidents.html",
        token=token,
        incidents=rows,
        total=total,
        offset=offset,
        now=now,
        is_overdue=incidents.is_overdue,
        channels=list(Channel),
        report_types=list(ReportType),
        states=list(IncidentState),
        state=state,
        overdue=overdue,
        posts=roster.list_posts(session),
        my_post=here.post_id if here else None,
    )


@router.post("/incidents/reports", dependencies=[Depends(Allow(*ROOM))])
def incidents_report(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    settings: SettingsDep,
    channel: Annotated[Channel, Form()],
    category: Annotated[str, Form(min_length=1, max_length=64)],
    content: Annotated[str, Form(min_length=1, max_length=8000)],
    reporter_name: Annotated[str, Form(max_length=200)] = "",
    reporter_contact: Annotated[str, Form(max_length=200)] = "",
    place: Annotated[str, Form(max_length=200)] = "",
    post_id: Annotated[str, Form(max_length=12)] = "",
    report_type: Annotated[ReportType, Form()] = ReportType.OTHER,
    anonymous: Annotated[str, Form(max_length=3)] = "",
    collective: Annotated[Literal["", "visit", "letter"], Form()] = "",
    headcount: Annotated[int, Form(ge=1, le=10000)] = 1,
    related_code: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Take a report (named or anonymous), with its type; a collective visit or joint letter with its size."""
    audit_as(request, "incident.open_report", "incidents", {"channel": str(channel)})
    if anonymous != "on" and not reporter_name.strip():
        raise ReportInvalid(
            "the reporter's name is needed unless the report is anonymous", field="reporter_name"
        )
    related = supervise.by_code(session, related_code).id if related_code.strip() else None
    incident = incidents.open_from_report(
        session,
        channel=channel,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact,
        report_type=report_type,
        anonymous=anonymous == "on",
        collective=collective,
        headcount=headcount,
        related_to_id=related,
        secret=settings.auth.secret_key.get_secret_value().encode(),
        category=category,
        content=content,
        place=place,
        opened_by=token.user,
        now=now_of(request),
        post_id=int(post_id) if post_id.isdigit() else None,
    )
    return back(f"/incidents/{incident.id}")


@router.post("/incidents/alerts", dependencies=[Depends(Allow(*ROOM))])
def incidents_from_alert(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    alert_id: Annotated[int, Form(ge=1)],
    category: Annotated[str, Form(min_length=1, max_length=64)],
    content: Annotated[str, Form(min_length=1, max_length=8000)],
    place: Annotated[str, Form(max_length=200)] = "",
    post_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Open an incident from an alert."""
    audit_as(request, "incident.open_alert", f"alert:{alert_id}")
    incident = incidents.open_from_alert(
        session,
        alert_id=alert_id,
        category=category,
        content=content,
        place=place,
        opened_by=token.user,
        now=now_of(request),
        post_id=int(post_id) if post_id.isdigit() else None,
    )
    return back(f"/incidents/{incident.id}")


@router.get("/incidents/{incident_id}", dependencies=[Depends(Allow(*ROOM))])
def incident_page(
    incident_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> HTMLResponse:
    """One incident; the reporter is shown to leaders and supervisors only (and that view is audited)."""
    now = now_of(request)
    seen = incidents.view(
        session, incident_id=incident_id, viewer=token.user, actor=actor_of(request), now=now
    )
    if seen.incident.stage is not None:
        extra = report_follow.report_context(session, seen.incident, token.user, now)
        reply_link = request.query_params.get("reply_link", "")
        return render(
            request,
            "shift/report.html",
            token=token,
            seen=seen,
            i=seen.incident,
            reply_link=reply_link,
            **extra,
        )
    return render(
        request,
        "shift/incident.html",
        token=token,
        seen=seen,
        i=seen.incident,
        overdue=incidents.is_overdue(seen.incident, now),
        states=IncidentState,
    )


@router.post("/incidents/{incident_id}/acknowledge", dependencies=[Depends(Allow(*ROOM))])
def incident_acknowledge(
    incident_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> Response:
    """Acknowledge an incident."""
    audit_as(request, "incident.acknowledge", f"incident:{incident_id}")
    incidents.acknowledge(session, incident_id=incident_id, user=token.user, now=now_of(request))
    return back(f"/incidents/{incident_id}")


@router.post("/incidents/{incident_id}/close", dependencies=[Depends(Allow(*ROOM))])
def incident_close(
    incident_id: int,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    outcome: Annotated[str, Form(min_length=1, max_length=8000)],
) -> Response:
    """Close an incident with its outcome."""
    audit_as(request, "incident.close", f"incident:{incident_id}")
    incidents.close(session, incident_id=incident_id, user=token.user, outcome=outcome, now=now_of(request))
    return back(f"/incidents/{incident_id}")
