"""Response shapes of the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.schemas import ReadSchema

__all__ = ["AuditRead", "AuditVerifyRead"]


class AuditRead(ReadSchema):
    """One audit entry."""

    seq: int
    created_at: dt.datetime
    actor: str
    action: str
    target: str
    outcome: str
    client: str
    request_id: str
    detail: dict[str, Any]
    hash: str


class AuditVerifyRead(ReadSchema):
    """The result of verifying the chain."""

    ok: bool
    checked: int
    broken_at: int | None
    reason: str | None
