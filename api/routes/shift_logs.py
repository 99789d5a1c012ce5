"""Every JSON route of the shift logs (duty log, roster, tasks, incidents, visitors, handovers), as one router."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import duty_log, handovers, incidents, roster, tasks, visitors

__all__ = ["router"]

router = APIRouter()
for _part in (duty_log, roster, tasks, incidents, visitors, handovers):
    router.include_router(_part.router)
