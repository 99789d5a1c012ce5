"""Time limits of the shift rules, in one place (defaults follow the regulations)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["DEFAULT_POLICY", "ShiftPolicy"]


@dataclass(frozen=True, slots=True)
class ShiftPolicy:
    """Deadlines and grace periods; pass a different one to the services to change them."""

    report_ack_days: int = 15
    report_result_days: int = 60
    checkin_grace: dt.timedelta = dt.timedelta(minutes=10)
    handover_grace: dt.timedelta = dt.timedelta(minutes=15)
    inactivity: dt.timedelta = dt.timedelta(minutes=20)


DEFAULT_POLICY = ShiftPolicy()
