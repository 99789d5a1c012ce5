"""Console pages of a report's follow-through: the timeline and one form per possible step, the unit
register, lookup by reference code, and what needs no account (public status, a unit's reply link)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from access.roles import LEAD, ROOM
from access.users import service as users
from access.users.models import User
from api.console.routes import render
from api.console.shift_common import back, from_local_input
from api.deps import PUBLIC, Allow, CurrentToken, SessionDep, SettingsDep, audit_as, now_of
from core.errors import NotFound
from shift_logs.incident import follow, supervise, transfer
from shift_logs.incident.errors import ReportInvalid
from shift_logs.incident.models import Incident
from shift_logs.incident.workflow import Action, Finding, allowed_actions
from shift_logs.unit import service as units

__all__ = ["report_context", "router"]

router = APIRouter(include_in_schema=False)
DECIDING = frozenset({Action.ACCEPT, Action.REFUSE, Action.TRANSFER, Action.CONCLUDE, Action.REVIEW})
ANSWER_VIA = ("letter", "phone", "in_person", "online")
Text = Annotated[str, Form(max_length=8000)]


def report_context(session: Session, incident: Incident, viewer: User, now: dt.datetime) -> dict[str, Any]:
    """What the incident page shows for a report: steps, transfers, units, the forms the viewer may use."""
    assert incident.stage is not None
    lead = viewer.has_any(LEAD)
    actions = [a for a in allowed_actions(incident.stage) if lead or a not in DECIDING]
    unit_names = {u.id: u.name for u in units.list_(session)}
    leaders = {u.id: u for role in sorted(LEAD) for u in users.with_role(session, role)}
    return {
        "leaders": sorted(leaders.values(), key=lambda u: u.username),
        "owner": session.get(User, incident.owner_id) if incident.owner_id is not None else None,
        "related": session.get(Incident, incident.related_to_id)
        if incident.related_to_id is not None
        else None,
        "steps": follow.steps(session, incident.id),
        "transfers": transfer.list_transfers(session, incident.id),
        "unit_names": unit_names,
        "active_units": units.list_(session, active_only=True),
        "actions": [str(a) for a in actions],
        "findings": [str(f) for f in Finding],
        "answer_via": ANSWER_VIA,
        "repeat_false": supervise.repeated_false_source(session, incident),
        "report_overdue": supervise.report_overdue(incident, now),
    }


def _secret(settings: Any) -> bytes:
    return str(settings.auth.secret_key.get_secret_value()).encode()


def _take(  # noqa: C901 - one branch per step, each a single service call
    session: Session,
    *,
    incident_id: int,
    action: Action,
    user: User,
    now: dt.datetime,
    form: dict[str, str],
    secret: bytes,
    request: Request,
) -> str:
    """Run one step from a form; returns where to go next."""
    kw: dict[str, Any] = {"incident_id": incident_id, "user": user, "now": now}
    page = f"/incidents/{incident_id}"
    if action is Action.ACCEPT:
        promised = from_local_input(request, form.get("promised_result_at", ""), "promised_result_at")
        follow.accept(session, decision=form.get("decision", ""), promised_result_at=promised, **kw)
    elif action is Action.REFUSE:
        follow.refuse(session, decision=form.get("decision", ""), **kw)
    elif action is Action.CHECK:
        chosen = form.get("owner_id", "")
        owner = int(chosen) if chosen.isdigit() else None
        follow.check(session, note=form.get("note", ""), owner_id=owner, **kw)
    elif action is Action.OPEN_CASE:
        follow.open_case(session, note=form.get("note", ""), **kw)
    elif action is Action.TRANSFER:
        days = form.get("link_days", "")
        unit_id = form.get("unit_id", "")
        _, token = transfer.transfer(
            session,
            unit_id=int(unit_id) if unit_id.isdigit() else 0,
            note=form.get("note", ""),
            secret=secret,
            link_days=int(days) if days.isdigit() else None,
            **kw,
        )
        if token:
            return f"{page}?reply_link={token}"
    elif action is Action.REMIND:
        transfer.remind(session, note=form.get("note", ""), **kw)
    elif action is Action.UNIT_REPLY:
        transfer.reply(session, text=form.get("reply", ""), **kw)
    elif action is Action.CONCLUDE:
        follow.conclude(
            session,
            finding=Finding(form.get("finding", "")),
            summary=form.get("summary", ""),
            clarification=form.get("clarification", ""),
            **kw,
        )
    elif action is Action.ANSWER:
        follow.answer(session, via=form.get("via", ""), note=form.get("note", ""), **kw)
    elif action is Action.VISIT:
        follow.visit(session, satisfied=form.get("satisfied") == "yes", note=form.get("note", ""), **kw)
    elif action is Action.REVIEW:
        follow.review(session, result=form.get("result", ""), **kw)
    return page


@router.post("/incidents/{incident_id}/steps/{action}", dependencies=[Depends(Allow(*ROOM))])
async def report_step(
    incident_id: int,
    action: Action,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: CurrentToken,
) -> Response:
    """One step of the follow-through from its form (deciding steps: shift leaders and supervisors)."""
    audit_as(request, f"report.{action}", f"incident:{incident_id}")
    if action in DECIDING:
        Allow(*LEAD).check(token.user)
    form = {k: str(v) for k, v in (await request.form()).items()}
    if action is Action.CONCLUDE and form.get("finding") not in {f.value for f in Finding}:
        raise ReportInvalid("choose a finding", field="finding")
    target = _take(
        session,
        incident_id=incident_id,
        action=action,
        user=token.user,
        now=now_of(request),
        form=form,
        secret=_secret(settings),
        request=request,
    )
    return back(target)


@router.get("/incidents/lookup", dependencies=[Depends(Allow(*ROOM))])
def lookup(request: Request, session: SessionDep, code: str = "") -> Response:
    """Find a report by the code the caller quotes (404 page when unknown)."""
    return back(f"/incidents/{supervise.by_code(session, code).id}")


@router.get("/units", dependencies=[Depends(Allow(*ROOM))])
def units_page(request: Request, session: SessionDep, token: CurrentToken) -> HTMLResponse:
    """The unit register."""
    lead = token.user.has_any(LEAD)
    return render(request, "shift/units.html", token=token, units=units.list_(session), can_edit=lead)


@router.post("/units", dependencies=[Depends(Allow(*LEAD))])
def units_create(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    contact: Annotated[str, Form(max_length=200)] = "",
    external: Annotated[str, Form(max_length=3)] = "",
    reply_days: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """Register a unit."""
    audit_as(request, "unit.create", "units", {"name": name})
    days = int(reply_days) if reply_days.isdigit() and 1 <= int(reply_days) <= 180 else None
    units.create(
        session, name=name, contact=contact, external=external == "on", reply_days=days, now=now_of(request)
    )
    return back("/units")


@router.get("/public/reports", dependencies=[Depends(PUBLIC)])
def public_status_page(request: Request, session: SessionDep, code: str = "") -> HTMLResponse:
    """For the reporter: the stage and the handling unit of the report with that code; nothing else."""
    status, missing = None, False
    if code.strip():
        try:
            status = supervise.public_status(session, code)
        except NotFound:
            missing = True
    return render(request, "public_report.html", status=status, missing=missing, code=code)


@router.get("/reply/{token}", dependencies=[Depends(PUBLIC)])
def reply_page(token: str, request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """An outside unit's reply form: the matter only (no reporter), good once and until it expires."""
    try:
        matter = transfer.open_link(session, token=token, secret=_secret(settings), now=now_of(request))
    except NotFound:
        return render(request, "reply_link.html", matter=None, link=token, done=False, status_code=404)
    return render(request, "reply_link.html", matter=matter, link=token, done=False)


@router.post("/reply/{token}", dependencies=[Depends(PUBLIC)])
def reply_submit(
    token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    reply: Annotated[str, Form(min_length=1, max_length=8000)],
) -> HTMLResponse:
    """The unit's reply through its link."""
    audit_as(request, "report.unit_reply_link", "reply-link")
    transfer.reply_by_link(session, token=token, secret=_secret(settings), now=now_of(request), text=reply)
    return render(request, "reply_link.html", matter=None, link=token, done=True)
