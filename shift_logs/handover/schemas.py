"""Shapes of handovers and their signatures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from core.schemas import ReadSchema, WriteSchema
from core.types import RowId
from shift_logs.handover.models import HandoverState, Verdict
from shift_logs.schemas import UserRef

__all__ = [
    "ChecklistAnswer",
    "HandoverAccept",
    "HandoverCreate",
    "HandoverRead",
    "HandoverReassign",
    "HandoverSign",
    "HandoverUpdate",
]


class ChecklistAnswer(WriteSchema):
    """One checklist item: in order or not, with a note."""

    ok: bool | None = None
    note: str = Field(default="", max_length=500)


class HandoverCreate(WriteSchema):
    """A new handover draft by the outgoing operator."""

    post_id: RowId
    incoming_id: RowId | None = Field(default=None, description="Default: who is rostered next.")
    remarks: str = Field(default="", max_length=8000)
    checklist: dict[str, ChecklistAnswer] = Field(default_factory=dict, description="Item -> answer.")


class HandoverUpdate(WriteSchema):
    """Changes to a draft."""

    remarks: str | None = Field(default=None, max_length=8000)
    checklist: dict[str, ChecklistAnswer] | None = None


class HandoverSign(WriteSchema):
    """A signature: the signer's password again."""

    password: str = Field(min_length=1, max_length=256)


class HandoverAccept(HandoverSign):
    """The incoming operator's signature with the verdict."""

    verdict: Verdict
    reservations: list[str] = Field(default_factory=list, max_length=20)


class HandoverReassign(WriteSchema):
    """A shift leader names another incoming person (before the incoming signature)."""

    incoming_id: RowId
    reason: str = Field(default="", max_length=500)


class HandoverRead(ReadSchema):
    """A handover with its signatures."""

    id: int
    post_id: int
    shift_id: int | None
    state: HandoverState
    outgoing: UserRef
    incoming: UserRef
    leader: UserRef | None
    open_items: list[dict[str, Any]]
    checklist: list[dict[str, Any]]
    remarks: str
    due_at: dt.datetime | None
    late: bool
    log_head_seq: int | None
    log_head_hash: str | None
    content_hash: str | None
    content_intact: bool | None = None
    outgoing_signed_at: dt.datetime | None
    verdict: Verdict | None
    reservations: list[str]
    incoming_signed_at: dt.datetime | None
    countersigned_at: dt.datetime | None
    created_at: dt.datetime
