"""Equipment faults over HTTP: report, lifecycle steps, notes, photos, history (R9)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile

from api.deps import ANY_USER, CurrentUser, SessionDep, SettingsDep, audit_as, now_of
from api.errors import PROBLEM_RESPONSES
from api.policies import FAULT_STEP
from api.schemas import Page, PageQuery
from core.types import RowId
from maintenance import faults
from maintenance.lifecycle import Action, FaultState
from maintenance.schemas import (
    FaultAssign,
    FaultCreate,
    FaultDuplicate,
    FaultEventRead,
    FaultNote,
    FaultPhotoRead,
    FaultRead,
    FaultStep,
)

router = APIRouter(prefix="/api/v1/maintenance/faults", tags=["maintenance"], responses=PROBLEM_RESPONSES)


@router.get("", dependencies=[Depends(ANY_USER)], response_model=Page[FaultRead])
def list_faults(
    session: SessionDep,
    user: CurrentUser,
    page: PageQuery,
    state: Annotated[list[FaultState] | None, Query(description="Filter by state (repeatable).")] = None,
    open: Annotated[bool, Query(description="Only faults not verified, rejected or duplicate.")] = False,
    mine: Annotated[bool, Query(description="Only faults assigned to me (and unassigned ones).")] = False,
    equipment_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[FaultRead]:
    """Faults: open first, then the most severe, then the oldest."""
    rows, total = faults.list_(
        session,
        limit=page.limit,
        offset=page.offset,
        states=state or (),
        open_only=open,
        assignee_id=user.id if mine else None,
        include_unassigned=mine,
        equipment_id=equipment_id,
    )
    items = [FaultRead.model_validate(f) for f in rows]
    return Page[FaultRead](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("", dependencies=[Depends(ANY_USER)], response_model=FaultRead, status_code=201)
def report_fault(body: FaultCreate, request: Request, session: SessionDep, user: CurrentUser) -> FaultRead:
    """Report a fault on a piece of equipment (anyone who notices one)."""
    fault = faults.report(
        session,
        equipment_id=body.equipment_id,
        title=body.title,
        description=body.description,
        severity=body.severity,
        user=user,
        now=now_of(request),
    )
    audit_as(
        request,
        "fault.report",
        f"fault:{fault.id}",
        detail={"equipment_id": body.equipment_id, "severity": body.severity.value},
    )
    return FaultRead.model_validate(fault)


@router.get("/{fault_id}", dependencies=[Depends(ANY_USER)], response_model=FaultRead)
def read_fault(fault_id: RowId, session: SessionDep) -> FaultRead:
    """One fault."""
    return FaultRead.model_validate(faults.require(session, fault_id))


@router.get("/{fault_id}/history", dependencies=[Depends(ANY_USER)], response_model=list[FaultEventRead])
def read_fault_history(fault_id: RowId, session: SessionDep) -> list[FaultEventRead]:
    """Every step of the fault: who, when, what, with notes."""
    return [FaultEventRead.model_validate(e) for e in faults.history(session, fault_id)]


def _step(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    fault_id: RowId,
    action: Action,
    body: FaultStep,
    *,
    assignee_id: RowId | None = None,
    duplicate_of_id: RowId | None = None,
) -> FaultRead:
    extra = {k: v for k, v in (("assignee_id", assignee_id), ("duplicate_of_id", duplicate_of_id)) if v}
    audit_as(request, f"fault.{action.value}", f"fault:{fault_id}", detail={"note": body.note[:200], **extra})
    fault = faults.transition(
        session,
        fault_id=fault_id,
        action=action,
        user=user,
        settings=settings.maintenance,
        note=body.note,
        assignee_id=assignee_id,
        duplicate_of_id=duplicate_of_id,
        now=now_of(request),
    )
    return FaultRead.model_validate(fault)


@router.post(
    "/{fault_id}/assign", dependencies=[Depends(FAULT_STEP[Action.ASSIGN])], response_model=FaultRead
)
def assign_fault(
    fault_id: RowId,
    body: FaultAssign,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> FaultRead:
    """Assign (or re-assign) the fault to a maintenance user."""
    return _step(
        request, session, settings, user, fault_id, Action.ASSIGN, body, assignee_id=body.assignee_id
    )


@router.post("/{fault_id}/start", dependencies=[Depends(FAULT_STEP[Action.START])], response_model=FaultRead)
def start_fault(
    fault_id: RowId,
    body: FaultStep,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> FaultRead:
    """Start working on an assigned fault."""
    return _step(request, session, settings, user, fault_id, Action.START, body)


@router.post("/{fault_id}/fix", dependencies=[Depends(FAULT_STEP[Action.FIX])], response_model=FaultRead)
def fix_fault(
    fault_id: RowId,
    body: FaultStep,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> FaultRead:
    """Mark the fault fixed; the time to repair is measured from its report."""
    return _step(request, session, settings, user, fault_id, Action.FIX, body)


@router.post(
    "/{fault_id}/verify", dependencies=[Depends(FAULT_STEP[Action.VERIFY])], response_model=FaultRead
)
def verify_fault(
    fault_id: RowId,
    body: FaultStep,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> FaultRead:
    """Confirm the fix (403 for the fixer when the configuration requires a second person)."""
    return _step(request, session, settings, user, fault_id, Action.VERIFY, body)


@router.post(
    "/{fault_id}/reopen", dependencies=[Depends(FAULT_STEP[Action.REOPEN])], response_model=FaultRead
)
def reopen_fault(
    fault_id: RowId,
    body: FaultStep,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> FaultRead:
    """The fix did not hold: back to work."""
    return _step(request, session, settings, user, fault_id, Action.REOPEN, body)


@router.post(
    "/{fault_id}/reject", dependencies=[Depends(FAULT_STEP[Action.REJECT])], response_model=FaultRead
)
def reject_fault(
    fault_id: RowId,
    body: FaultStep,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> FaultRead:
    """Not a fault (say why in the note)."""
    return _step(request, session, settings, user, fault_id, Action.REJECT, body)


@router.post(
    "/{fault_id}/duplicate", dependencies=[Depends(FAULT_STEP[Action.DUPLICATE])], response_model=FaultRead
)
def mark_fault_duplicate(
    fault_id: RowId,
    body: FaultDuplicate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> FaultRead:
    """The same fault is reported already."""
    return _step(
        request,
        session,
        settings,
        user,
        fault_id,
        Action.DUPLICATE,
        body,
        duplicate_of_id=body.duplicate_of_id,
    )


@router.post(
    "/{fault_id}/notes", dependencies=[Depends(ANY_USER)], response_model=FaultEventRead, status_code=201
)
def add_fault_note(
    fault_id: RowId, body: FaultNote, request: Request, session: SessionDep, user: CurrentUser
) -> FaultEventRead:
    """Add a note to the fault's history."""
    audit_as(request, "fault.note", f"fault:{fault_id}")
    return FaultEventRead.model_validate(
        faults.add_note(session, fault_id=fault_id, user=user, note=body.note, now=now_of(request))
    )


@router.post(
    "/{fault_id}/photos", dependencies=[Depends(ANY_USER)], response_model=FaultPhotoRead, status_code=201
)
def upload_fault_photo(
    fault_id: RowId,
    photo: Annotated[UploadFile, File(description="A JPEG or PNG photo.")],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> FaultPhotoRead:
    """Attach a photo (JPEG or PNG, size-limited; anything else is refused with 422)."""
    audit_as(request, "fault.photo", f"fault:{fault_id}")
    data = photo.file.read(settings.maintenance.max_photo_bytes + 1)  # never more than the limit plus one
    row = faults.add_photo(
        session,
        fault_id=fault_id,
        user=user,
        data=data,
        filename=photo.filename or "",
        settings=settings.maintenance,
        now=now_of(request),
    )
    audit_as(request, detail={"photo_id": row.id, "bytes": row.size})
    return FaultPhotoRead.model_validate(row)


@router.get("/{fault_id}/photos", dependencies=[Depends(ANY_USER)], response_model=list[FaultPhotoRead])
def list_fault_photos(fault_id: RowId, session: SessionDep) -> list[FaultPhotoRead]:
    """The fault's photos (descriptions; fetch each image separately)."""
    faults.require(session, fault_id)
    return [FaultPhotoRead.model_validate(p) for p in faults.photos(session, fault_id)]


@router.get("/{fault_id}/photos/{photo_id}", dependencies=[Depends(ANY_USER)])
def read_fault_photo(fault_id: RowId, photo_id: RowId, session: SessionDep) -> Response:
    """One photo's image."""
    row = faults.photo(session, fault_id=fault_id, photo_id=photo_id)
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(row.data, media_type=row.content_type, headers=headers)
