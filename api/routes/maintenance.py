"""Every route of equipment maintenance (JSON API and console pages), as one router."""

from __future__ import annotations

from fastapi import APIRouter

from api.console import maintenance as maintenance_console
from api.routes import maintenance_equipment, maintenance_faults

__all__ = ["router"]

router = APIRouter()
for _part in (maintenance_equipment, maintenance_faults, maintenance_console):
    router.include_router(_part.router)
