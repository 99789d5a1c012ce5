"""The visitor register (R7): who entered the room, from where, why, approved by whom, in and out."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access.users.models import User
from db.base import Base, CreatedAtMixin, str_enum

__all__ = ["Visit", "VisitState"]


class VisitState(enum.StrEnum):
    """Requested -> in the room (approved) -> left; or refused."""

    REQUESTED = "requested"
    IN = "in"
    LEFT = "left"
    REFUSED = "refused"


class Visit(CreatedAtMixin, Base):
    """One visit to the room."""

    __tablename__ = "shift_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("shift_posts.id"))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[VisitState] = mapped_column(str_enum(VisitState, 16), default=VisitState.REQUESTED)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    entered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    left_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id], lazy="selectin")
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id], lazy="selectin")
