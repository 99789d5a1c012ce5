"""The unit register (departments and outside units reports are transferred to)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from access.roles import LEAD, ROOM
from api.deps import Allow, NowDep, SessionDep, audit_as
from api.errors import PROBLEM_RESPONSES
from shift_logs.unit import service as units
from shift_logs.unit.schemas import UnitCreate, UnitRead, UnitUpdate

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/units", tags=["units"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=list[UnitRead], dependencies=[Depends(Allow(*ROOM))])
def list_units(session: SessionDep) -> list[UnitRead]:
    """Every unit by name."""
    return [UnitRead.model_validate(u) for u in units.list_(session)]


@router.post("", response_model=UnitRead, status_code=201, dependencies=[Depends(Allow(*LEAD))])
def create_unit(body: UnitCreate, request: Request, session: SessionDep, now: NowDep) -> UnitRead:
    """Register a unit."""
    audit_as(request, "unit.create", "units", {"name": body.name})
    return UnitRead.model_validate(units.create(session, now=now, **body.model_dump()))


@router.patch("/{unit_id}", response_model=UnitRead, dependencies=[Depends(Allow(*LEAD))])
def update_unit(unit_id: int, body: UnitUpdate, request: Request, session: SessionDep) -> UnitRead:
    """Deactivate a unit or change its contact."""
    audit_as(request, "unit.update", f"unit:{unit_id}")
    return UnitRead.model_validate(units.update(session, unit_id=unit_id, **body.model_dump()))
