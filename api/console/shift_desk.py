"""Console pages of handovers (form, signing, print) and incidents (intake, confidential reporter); visitors
are in visitors.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from access.roles import Role
from access.users import service as users
from access.users.models import User
from api.console import report_follow
from api.console.routes import render
from api.console.shift_common import back, now_of
from api.deps import Allow, CurrentToken, SessionDep, SettingsDep, actor_of, audit_as
from api.routes.shift_common import ROOM, STAFF
from shift_logs.handover import service as handovers
from shift_logs.handover import signing
from shift_logs.handover.models import Handover, HandoverState, Verdict
from shift_logs.incident import service as incidents
from shift_logs.incident import supervise
from shift_logs.incident.errors import ReportInvalid
from shift_logs.incident.models import Channel, IncidentState
from shift_logs.incident.workflow import ReportType
from shift_logs.roster import presence
from shift_logs.roster import service as roster

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Password = Annotated[str, Form(min_length=1, max_length=256)]


def _since(value: str | None) -> dt.datetime | None:
    """An open item's ISO time (as stored in the handover) back as a datetime, for `local()`."""
    return dt.datetime.fromisoformat(value) if value else None


def _answers(item: list[str], ok: list[str], note: list[str]) -> dict[str, dict[str, object]]:
    answers: dict[str, dict[str, object]] = {}
    for i, name in enumerate(item):
        value = ok[i] if i < len(ok) else ""
        answers[name] = {
            "ok": {"yes": True, "no": False}.get(value),
            "note": note[i] if i < len(note) else "",
        }
    return answers


@router.get("/handovers", dependencies=[Depends(Allow(*ROOM))])
def handovers_page(
    request: Request, session: SessionDep, token: CurrentToken, offset: Annotated[int, Query(ge=0)] = 0
) -> HTMLResponse:
    """Handovers, newest first, and the form to start one."""
    rows, total = handovers.list_(session, limit=50, offset=offset)
    here = presence.open_presence(session, user_id=token.user.id)
    return render(
        request,
        "shift/handovers.html",
        token=token,
        handovers=rows,
        total=total,
        offset=offset,
        posts=roster.list_posts(session),
        my_post=here.post_id if here else None,
    )


@router.post("/handovers", dependencies=[Depends(Allow(*STAFF))])
def handovers_start(
    request: Request, session: SessionDep, token: CurrentToken, post_id: Annotated[int, Form(ge=1)]
) -> Response:
    """Draft the handover of a post (open items gathered now)."""
    audit_as(request, "handover.draft", f"post:{post_id}")
    handover = handovers.draft(session, post_id=post_id, outgoing=token.user, now=now_of(request))
    return back(f"/handovers/{handover.id}")


@router.get("/handovers/{handover_id}", dependencies=[Depends(Allow(*ROOM))])
def handover_page(
    handover_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> HTMLResponse:
    """One handover: open items, checklist, remarks, and the signature the signed-in person may give."""
    handover = handovers.require(session, handover_id)
    return render(
        request,
        "shift/handover.html",
        token=token,
        h=handover,
        post=roster.require_post(session, handover.post_id),
        intact=handovers.content_intact(session, handover),
        since=_since,
        states=HandoverState,
        is_leader=Role.SHIFT_LEADER in token.user.roles,
        reassignable=handover.state in signing.REASSIGNABLE,
        candidates=_candidates(session, handover) if Role.SHIFT_LEADER in token.user.roles else [],
    )


def _candidates(session: Session, handover: Handover) -> list[User]:
    """Who a leader may name as the incoming person instead: enabled, allowed on the post, not the outgoing."""
    post = roster.require_post(session, handover.post_id)
    allowed = set(post.roles or [])
    people, _ = users.list_(session, limit=500, offset=0, include_disabled=False)
    return [
        u
        for u in people
        if u.id not in (handover.outgoing_id, handover.incoming_id)
        and (not allowed or allowed & {r.value for r in u.roles})
        and u.has_any(set(STAFF))
    ]


@router.get("/handovers/{handover_id}/print", dependencies=[Depends(Allow(*ROOM))])
def handover_print(
    handover_id: int, request: Request, session: SessionDep, token: CurrentToken
) -> HTMLResponse:
    """The handover as a printable page."""
    handover = handovers.require(session, handover_id)
    return render(
        request,
        "shift/handover_print.html",
        token=token,
        h=handover,
        post=roster.require_post(session, handover.post_id),
        intact=handovers.content_intact(session, handover),
        since=_since,
    )


@router.post("/handovers/{handover_id}", dependencies=[Depends(Allow(*STAFF))])
def handover_save(
    handover_id: int,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    remarks: Annotated[str, Form(max_length=8000)] = "",
    item: Annotated[list[str] | None, Form()] = None,
    ok: Annotated[list[str] | None, Form()] = None,
    note: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the draft's checklist and remarks."""
    audit_as(request, "handover.update", f"handover:{handover_id}")
    answers = _answers(item or [], ok or [], note or [])
    handovers.update(session, handover_id=handover_id, user=token.user, remarks=remarks, checklist=answers)
    return back(f"/handovers/{handover_id}")


@router.post("/handovers/{handover_id}/sign", dependencies=[Depends(Allow(*STAFF))])
def handover_sign(
    handover_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    password: Password,
) -> Response:
    """The outgoing operator signs."""
    audit_as(request, "handover.sign", f"handover:{handover_id}", {"as": "outgoing"})
    signing.sign(
        session,
        handover_id=handover_id,
        signer=token.user,
        password=password,
        now=now_of(request),
        auth=settings.auth,
    )
    return back(f"/handovers/{handover_id}")


@router.post("/handovers/{handover_id}/accept", dependencies=[Depends(Allow(*STAFF))])
def handover_accept(
    handover_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    password: Password,
    verdict: Annotated[Verdict, Form()],
    reservations: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """The incoming operator signs; one reservation per line."""
    audit_as(request, "handover.accept", f"handover:{handover_id}", {"verdict": str(verdict)})
    signing.accept(
        session,
        handover_id=handover_id,
        signer=token.user,
        password=password,
        verdict=verdict,
        reservations=reservations.splitlines(),
        now=now_of(request),
        auth=settings.auth,
    )
    return back(f"/handovers/{handover_id}")


@router.post("/handovers/{handover_id}/countersign", dependencies=[Depends(Allow(Role.SHIFT_LEADER))])
def handover_countersign(
    handover_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
    password: Password,
) -> Response:
    """The shift leader countersigns."""
    audit_as(request, "handover.countersign", f"handover:{handover_id}")
    signing.countersign(
        session,
        handover_id=handover_id,
        leader=token.user,
        password=password,
        now=now_of(request),
        auth=settings.auth,
    )
    return back(f"/handovers/{handover_id}")


@router.post("/handovers/{handover_id}/reassign", dependencies=[Depends(Allow(Role.SHIFT_LEADER))])
def handover_reassign(
    handover_id: int,
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    incoming_id: Annotated[int, Form(ge=1)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """A shift leader names another incoming person (until the incoming signature)."""
    audit_as(request, "handover.reassign", f"handover:{handover_id}", {"to": incoming_id})
    handover, previous = signing.reassign(
        session,
        handover_id=handover_id,
        leader=token.user,
        incoming_id=incoming_id,
        now=now_of(request),
        reason=reason,
    )
    request.state.audit_detail = {
        "from": previous.username,
        "to": handover.incoming.username,
        "reason": reason,
        "state": str(handover.state),
    }
    return back(f"/handovers/{handover_id}")


@router.get("/incidents", dependencies=[Depends(Allow(*ROOM))])
def incidents_page(
    request: Request,
    session: SessionDep,
    token: CurrentToken,
    state: IncidentState | None = None,
    overdue: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """Incidents (reporters withheld in the list) and the intake forms."""
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
