"""Every route of periodic reports (JSON API and console pages), as one router."""

from __future__ import annotations

from fastapi import APIRouter

from api.console import disposal as disposal_console
from api.console import reports as reports_console
from api.routes import reports

__all__ = ["router"]

router = APIRouter()
for _part in (reports, disposal_console, reports_console):
    router.include_router(_part.router)
