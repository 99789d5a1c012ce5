"""Shapes of the visitor register."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from core.schemas import ReadSchema, WriteSchema
from core.types import RowId
from shift_logs.schemas import UserRef
from shift_logs.visitor.models import VisitState

__all__ = ["VisitCreate", "VisitRead"]


class VisitCreate(WriteSchema):
    """Someone asking to enter the room."""

    post_id: RowId = Field(description="The post whose duty log records the visit.")
    name: str = Field(min_length=1, max_length=200)
    organisation: str = Field(default="", max_length=200)
    reason: str = Field(min_length=1, max_length=2000)


class VisitRead(ReadSchema):
    """A visit."""

    id: int
    post_id: int
    name: str
    organisation: str
    reason: str
    state: VisitState
    registered_by: UserRef
    approved_by: UserRef | None
    entered_at: dt.datetime | None
    left_at: dt.datetime | None
    created_at: dt.datetime
