"""Console pages of equipment maintenance: the faults panel (everyone), a fault with its lifecycle buttons,
notes and photos, and for maintenance staff their faults, the equipment list with health, and due checks.

Forms post here and are answered with a redirect; refusals come back as problem responses, which
`static/maintenance.js` shows next to the form.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from access.roles import Role
from api.console.routes import render
from api.console.shift_common import back
from api.deps import (
    ANY_USER,
    CurrentToken,
    CurrentUser,
    SessionDep,
    SettingsDep,
    audit_as,
    now_of,
)
from api.policies import EQUIPMENT_KEEPERS, FAULT_DECIDERS, FAULT_STEP, FAULT_TECHS, MAINTENANCE_STAFF
from maintenance import checks, faults
from maintenance import equipment as equipment_service
from maintenance.lifecycle import Action, allowed_actions
from maintenance.models import CheckState, EquipmentKind, Fault, Severity
from maintenance.schemas import CheckAnswer, EquipmentCreate

router = APIRouter(include_in_schema=False)

Note = Annotated[str, Form(max_length=4000)]


@router.get("/faults", dependencies=[Depends(ANY_USER)])
def faults_page(request: Request, token: CurrentToken, session: SessionDep) -> HTMLResponse:
    """The faults panel: every open fault, and a form to report one."""
    rows, total = faults.list_(session, limit=200, offset=0, open_only=True)
    equipment, _ = equipment_service.list_(session, limit=500, offset=0)
    return render(
        request,
        "maintenance_faults.html",
        token=token,
        faults=rows,
        total=total,
        equipment=equipment,
        severities=list(Severity),
    )


@router.post("/faults", dependencies=[Depends(ANY_USER)])
def report_fault_form(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    equipment_id: Annotated[int, Form(ge=1)],
    title: Annotated[str, Form(min_length=1, max_length=200)],
    severity: Annotated[Severity, Form()] = Severity.MEDIUM,
    description: Note = "",
) -> RedirectResponse:
    """Report a fault from the panel."""
    fault = faults.report(
        session,
        equipment_id=equipment_id,
        title=title.strip(),
        severity=severity,
        user=user,
        description=description.strip(),
        now=now_of(request),
    )
    audit_as(request, "fault.report", f"fault:{fault.id}")
    return back(f"/faults/{fault.id}")


def _actions_for(fault: Fault, roles: frozenset[Role]) -> list[Action]:
    out = []
    for action in allowed_actions(fault.state, has_assignee=fault.assignee_id is not None):
        if not roles.isdisjoint(FAULT_STEP[action].roles):
            out.append(action)
    return out


@router.get("/faults/{fault_id}", dependencies=[Depends(ANY_USER)])
def fault_page(
    fault_id: int, request: Request, token: CurrentToken, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """One fault: details, lifecycle buttons the user may press, notes, photos, history."""
    fault = faults.require(session, fault_id)
    return render(
        request,
        "maintenance_fault.html",
        token=token,
        fault=fault,
        actions=_actions_for(fault, token.user.roles),
        history=faults.history(session, fault_id),
        photos=faults.photos(session, fault_id),
        maintainers=faults.maintainers(session),
        max_photo_bytes=settings.maintenance.max_photo_bytes,
    )


def _transition(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    fault_id: int,
    action: Action,
    note: str,
    assignee_id: int | None = None,
    duplicate_of_id: int | None = None,
) -> RedirectResponse:
    audit_as(request, f"fault.{action.value}", f"fault:{fault_id}", detail={"note": note[:200]})
    faults.transition(
        session,
        fault_id=fault_id,
        action=action,
        user=user,
        settings=settings.maintenance,
        note=note.strip(),
        assignee_id=assignee_id,
        duplicate_of_id=duplicate_of_id,
        now=now_of(request),
    )
    return back(f"/faults/{fault_id}")


@router.post("/faults/{fault_id}/work/{action}", dependencies=[Depends(FAULT_TECHS)])
def work_on_fault_form(
    fault_id: int,
    action: Literal["start", "fix"],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    note: Note = "",
) -> RedirectResponse:
    """Start or fix (maintenance staff)."""
    return _transition(request, session, settings, user, fault_id, Action(action), note)


@router.post("/faults/{fault_id}/decide/{action}", dependencies=[Depends(FAULT_DECIDERS)])
def decide_fault_form(
    fault_id: int,
    action: Literal["assign", "verify", "reopen", "reject", "duplicate"],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    note: Note = "",
    assignee_id: Annotated[int | None, Form(ge=1)] = None,
    duplicate_of_id: Annotated[int | None, Form(ge=1)] = None,
) -> RedirectResponse:
    """Assign, verify, reopen, reject or mark as duplicate."""
    return _transition(
        request, session, settings, user, fault_id, Action(action), note, assignee_id, duplicate_of_id
    )


@router.post("/faults/{fault_id}/notes", dependencies=[Depends(ANY_USER)])
def fault_note_form(
    fault_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    note: Annotated[str, Form(min_length=1, max_length=4000)],
) -> RedirectResponse:
    """Add a note."""
    audit_as(request, "fault.note", f"fault:{fault_id}")
    faults.add_note(session, fault_id=fault_id, user=user, note=note.strip(), now=now_of(request))
    return back(f"/faults/{fault_id}")


@router.post("/faults/{fault_id}/photos", dependencies=[Depends(ANY_USER)])
def fault_photo_form(
    fault_id: int,
    photo: Annotated[UploadFile, File()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> RedirectResponse:
    """Upload a photo (JPEG or PNG within the size limit)."""
    audit_as(request, "fault.photo", f"fault:{fault_id}")
    data = photo.file.read(settings.maintenance.max_photo_bytes + 1)
    faults.add_photo(
        session,
        fault_id=fault_id,
        user=user,
        data=data,
        filename=photo.filename or "",
        settings=settings.maintenance,
        now=now_of(request),
    )
    return back(f"/faults/{fault_id}")


@router.get("/maintenance", dependencies=[Depends(MAINTENANCE_STAFF)])
def my_faults_page(request: Request, token: CurrentToken, session: SessionDep) -> HTMLResponse:
    """My faults: open faults assigned to me, and those nobody has taken yet."""
    rows, total = faults.list_(
        session, limit=200, offset=0, open_only=True, assignee_id=token.user.id, include_unassigned=True
    )
    return render(request, "maintenance_mine.html", token=token, faults=rows, total=total)


@router.get("/maintenance/equipment", dependencies=[Depends(MAINTENANCE_STAFF)])
def equipment_page(request: Request, token: CurrentToken, session: SessionDep) -> HTMLResponse:
    """The equipment register with each item's health, open faults and next check."""
    rows, total = equipment_service.list_with_health(session, limit=500, offset=0)
    return render(
        request, "maintenance_equipment.html", token=token, rows=rows, total=total, kinds=list(EquipmentKind)
    )


@router.post("/maintenance/equipment", dependencies=[Depends(EQUIPMENT_KEEPERS)])
def create_equipment_form(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    kind: Annotated[EquipmentKind, Form()],
    location: Annotated[str, Form(max_length=200)] = "",
    model: Annotated[str, Form(max_length=200)] = "",
    serial: Annotated[str, Form(max_length=100)] = "",
    interval_days: Annotated[int | None, Form(ge=1, le=3650)] = None,
) -> RedirectResponse:
    """Register a piece of equipment from the form."""
    data = EquipmentCreate(
        name=name, kind=kind, location=location, model=model, serial=serial, interval_days=interval_days
    )
    equipment = equipment_service.create(session, data=data, now=now_of(request))
    audit_as(request, "equipment.create", f"equipment:{equipment.id}")
    return back("/maintenance/equipment")


@router.get("/maintenance/checks", dependencies=[Depends(MAINTENANCE_STAFF)])
def checks_page(
    request: Request, token: CurrentToken, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """Due maintenance checks, earliest first, each with its checklist; overdue ones marked."""
    rows, total = checks.list_(session, limit=200, offset=0, state=CheckState.DUE)
    now = now_of(request)
    overdue = {c.id for c in rows if checks.is_overdue(c, now=now, settings=settings.maintenance)}
    return render(request, "maintenance_checks.html", token=token, checks=rows, total=total, overdue=overdue)


@router.post("/maintenance/checks/{check_id}/complete", dependencies=[Depends(FAULT_TECHS)])
def complete_check_form(
    check_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    ok: Annotated[list[int] | None, Form(description="Indexes of the items found in order.")] = None,
    item_note: Annotated[list[str] | None, Form(max_length=50)] = None,
    note: Note = "",
) -> RedirectResponse:
    """Complete a check: the ticked items are in order, one note per item (in checklist order)."""
    check = checks.require(session, check_id)
    passed, notes = set(ok or []), item_note or []
    answers = [
        CheckAnswer(item=str(row["item"]), ok=n in passed, note=(notes[n] if n < len(notes) else "")[:1000])
        for n, row in enumerate(check.checklist)
    ]
    audit_as(request, "check.complete", f"check:{check_id}")
    checks.complete(
        session,
        check_id=check_id,
        user=user,
        answers=answers,
        note=note.strip(),
        now=now_of(request),
    )
    return back("/maintenance/checks")
