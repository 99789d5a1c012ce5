"""The equipment register and scheduled maintenance checks over HTTP (R9)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.deps import ANY_USER, CurrentUser, SessionDep, audit_as, now_of
from api.errors import PROBLEM_RESPONSES
from api.policies import EQUIPMENT_KEEPERS, FAULT_TECHS, MAINTENANCE_STAFF
from api.schemas import Page, PageQuery
from core.types import RowId
from maintenance import checks
from maintenance import equipment as equipment_service
from maintenance.equipment import EquipmentHealth
from maintenance.models import CheckState, EquipmentKind
from maintenance.schemas import (
    CheckComplete,
    CheckRead,
    EquipmentCreate,
    EquipmentRead,
    EquipmentStatusRead,
    EquipmentUpdate,
)

router = APIRouter(prefix="/api/v1/maintenance", tags=["maintenance"], responses=PROBLEM_RESPONSES)


def _status(row: EquipmentHealth) -> EquipmentStatusRead:
    base = EquipmentRead.model_validate(row.equipment).model_dump()
    return EquipmentStatusRead(
        **base,
        status=row.status,
        open_faults=row.open_faults,
        worst=row.worst,
        next_check_at=row.next_check_at,
    )


@router.get("/equipment", dependencies=[Depends(ANY_USER)], response_model=Page[EquipmentStatusRead])
def list_equipment(
    session: SessionDep, page: PageQuery, kind: Annotated[EquipmentKind | None, Query()] = None
) -> Page[EquipmentStatusRead]:
    """Registered equipment by name, each with its health, open faults and next check."""
    rows, total = equipment_service.list_with_health(session, limit=page.limit, offset=page.offset, kind=kind)
    return Page[EquipmentStatusRead](
        items=[_status(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post(
    "/equipment", dependencies=[Depends(EQUIPMENT_KEEPERS)], response_model=EquipmentRead, status_code=201
)
def create_equipment(body: EquipmentCreate, request: Request, session: SessionDep) -> EquipmentRead:
    """Register a piece of equipment (a camera links to its camera record)."""
    equipment = equipment_service.create(session, data=body, now=now_of(request))
    audit_as(
        request,
        "equipment.create",
        f"equipment:{equipment.id}",
        detail={"name": equipment.name, "kind": equipment.kind.value},
    )
    return EquipmentRead.model_validate(equipment)


@router.post(
    "/equipment/cameras", dependencies=[Depends(EQUIPMENT_KEEPERS)], response_model=list[EquipmentRead]
)
def register_camera_equipment(request: Request, session: SessionDep) -> list[EquipmentRead]:
    """Create an equipment entry for every camera that has none yet; return the new entries."""
    audit_as(request, "equipment.register_cameras")
    return [
        EquipmentRead.model_validate(e)
        for e in equipment_service.register_cameras(session, now=now_of(request))
    ]


@router.get("/equipment/{equipment_id}", dependencies=[Depends(ANY_USER)], response_model=EquipmentRead)
def read_equipment(equipment_id: RowId, session: SessionDep) -> EquipmentRead:
    """One piece of equipment."""
    return EquipmentRead.model_validate(equipment_service.require(session, equipment_id))


@router.patch(
    "/equipment/{equipment_id}", dependencies=[Depends(EQUIPMENT_KEEPERS)], response_model=EquipmentRead
)
def update_equipment(
    equipment_id: RowId, body: EquipmentUpdate, request: Request, session: SessionDep
) -> EquipmentRead:
    """Change a piece of equipment (only the fields given)."""
    audit_as(
        request,
        "equipment.update",
        f"equipment:{equipment_id}",
        detail={"fields": sorted(body.model_fields_set)},
    )
    return EquipmentRead.model_validate(
        equipment_service.update(session, equipment_id=equipment_id, data=body)
    )


@router.get("/checks", dependencies=[Depends(MAINTENANCE_STAFF)], response_model=Page[CheckRead])
def list_checks(
    session: SessionDep,
    page: PageQuery,
    state: Annotated[CheckState | None, Query()] = None,
    equipment_id: Annotated[int | None, Query(ge=1)] = None,
) -> Page[CheckRead]:
    """Scheduled maintenance checks, earliest due first."""
    rows, total = checks.list_(
        session, limit=page.limit, offset=page.offset, state=state, equipment_id=equipment_id
    )
    return Page[CheckRead](
        items=[CheckRead.model_validate(c) for c in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post("/checks/{check_id}/complete", dependencies=[Depends(FAULT_TECHS)], response_model=CheckRead)
def complete_check(
    check_id: RowId, body: CheckComplete, request: Request, session: SessionDep, user: CurrentUser
) -> CheckRead:
    """Record a check as done, with every checklist item answered."""
    audit_as(
        request,
        "check.complete",
        f"check:{check_id}",
        detail={"failed": [a.item for a in body.answers if not a.ok]},
    )
    check = checks.complete(
        session,
        check_id=check_id,
        user=user,
        answers=body.answers,
        note=body.note,
        now=now_of(request),
    )
    return CheckRead.model_validate(check)
