"""Settings of the periodic reports (stored daily and monthly by the worker)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ReportSettings"]


class ReportSettings(BaseModel):
    """Which periodic reports the worker generates and stores."""

    model_config = ConfigDict(extra="forbid")

    monthly: bool = Field(default=True, description="Store last month's report once the month is over.")
    daily: bool = Field(default=True, description="Store yesterday's report once the day is over.")
