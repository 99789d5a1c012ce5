"""Shapes of tasks."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from core.schemas import ReadSchema, WriteSchema
from core.types import RowId, UtcDateTime
from shift_logs.schemas import UserRef
from shift_logs.task.models import TaskState

__all__ = ["TaskCancel", "TaskComplete", "TaskCreate", "TaskRead"]


class TaskCreate(WriteSchema):
    """A task for a post, a shift or a person."""

    title: str = Field(min_length=1, max_length=200)
    detail: str = Field(default="", max_length=4000)
    post_id: RowId | None = None
    shift_id: RowId | None = None
    assignee_id: RowId | None = None
    due_at: UtcDateTime | None = None
    standing: bool = Field(default=False, description="A standing order: open until withdrawn.")


class TaskComplete(WriteSchema):
    """Marking a task done."""

    outcome: str = Field(min_length=1, max_length=4000)


class TaskCancel(WriteSchema):
    """Withdrawing a task."""

    reason: str = Field(min_length=1, max_length=1000)


class TaskRead(ReadSchema):
    """A task."""

    id: int
    title: str
    detail: str
    standing: bool
    post_id: int | None
    shift_id: int | None
    assignee: UserRef | None
    assigned_by: UserRef
    due_at: dt.datetime | None
    state: TaskState
    outcome: str
    done_at: dt.datetime | None
    source_handover_id: int | None
    created_at: dt.datetime
