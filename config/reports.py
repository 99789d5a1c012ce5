"""Settings of the periodic reports (stored daily and monthly by the worker)."""

from __future__ import annotations

from pydantic import Field

from core.schemas import StrictSchema

__all__ = ["ReportSettings"]


class ReportSettings(StrictSchema):
    """Which periodic reports the worker generates and stores."""

    monthly: bool = Field(default=True, description="Store last month's report once the month is over.")
    daily: bool = Field(default=True, description="Store yesterday's report once the day is over.")
