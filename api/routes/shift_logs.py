"""Every JSON route of the shift logs (duty log, roster, tasks, incidents, visitors, handovers), as one router."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    duty_log,
    handovers,
    incidents,
    report_public,
    report_steps,
    roster,
    tasks,
    units,
    visitors,
)

__all__ = ["router"]

router = APIRouter()
for _part in (duty_log, roster, tasks, report_steps, incidents, visitors, handovers, units, report_public):
    router.include_router(_part.router)
router.include_router(report_steps.leaders)
