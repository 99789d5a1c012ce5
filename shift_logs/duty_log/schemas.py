"""Shapes of the duty log."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator

from core.schemas import ReadSchema, WriteSchema
from core.types import RowId
from shift_logs.duty_log.models import EntryKind

__all__ = ["ChainReportRead", "DutyCorrectionCreate", "DutyEntryCreate", "DutyEntryRead", "DutyLogVerifyRead"]

# what people write by hand; the other kinds are written by the services
WRITABLE_KINDS = (
    EntryKind.OBSERVATION,
    EntryKind.CALL,
    EntryKind.PATROL,
    EntryKind.VISITOR,
    EntryKind.EQUIPMENT,
)


class DutyEntryCreate(WriteSchema):
    """A new entry in a post's duty log."""

    post_id: RowId
    kind: EntryKind = Field(description="observation, call, patrol, visitor or equipment.")
    text: str = Field(min_length=1, max_length=4000)
    ref: str = Field(default="", max_length=100, description="What it is about, e.g. camera:gate-1.")

    @field_validator("kind")
    @classmethod
    def _written_by_hand(cls, value: EntryKind) -> EntryKind:
        if value not in WRITABLE_KINDS:
            raise ValueError(f"{value} entries are written by the system")
        return value


class DutyCorrectionCreate(WriteSchema):
    """A correction of an entry: a new entry pointing at it."""

    text: str = Field(min_length=1, max_length=4000)


class DutyEntryRead(ReadSchema):
    """One duty-log entry with its place in the chain."""

    id: int
    post_id: int
    shift_id: int | None
    seq: int
    kind: EntryKind
    text: str
    author: str
    ref: str
    corrects_id: int | None
    created_at: dt.datetime
    prev_hash: str
    hash: str


class ChainReportRead(ReadSchema):
    """The verification of one post's log."""

    chain: str
    ok: bool
    checked: int
    broken_at: int | None
    reason: str | None


class DutyLogVerifyRead(ReadSchema):
    """The verification of every duty log."""

    ok: bool
    logs: list[ChainReportRead]
