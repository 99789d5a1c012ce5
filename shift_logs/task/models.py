"""Tasks and standing orders (R1): assigned by a shift leader to a post, a shift or a person."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access.users.models import User
from db.base import Base, CreatedAtMixin, str_enum

__all__ = ["Task", "TaskState"]


class TaskState(enum.StrEnum):
    """Open until done (with an outcome) or cancelled by a leader."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Task(CreatedAtMixin, Base):
    """A task; open tasks show on the console and carry over in every handover until done."""

    __tablename__ = "shift_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    standing: Mapped[bool] = mapped_column(default=False)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("shift_posts.id"), default=None, index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift_shifts.id"), default=None)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None, index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    state: Mapped[TaskState] = mapped_column(str_enum(TaskState, 16), default=TaskState.OPEN, index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    source_handover_id: Mapped[int | None] = mapped_column(default=None)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="selectin")
    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id], lazy="selectin")
