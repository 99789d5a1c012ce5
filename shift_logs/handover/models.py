"""Shift handovers (R4, D1): drafted by the outgoing operator, signed by both, countersigned by the leader."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access.users.models import User
from db.base import Base, CreatedAtMixin, str_enum

__all__ = ["Handover", "HandoverState", "Verdict"]


class HandoverState(enum.StrEnum):
    """draft -> signed (by the outgoing) -> accepted (by the incoming) -> countersigned (by the leader)."""

    DRAFT = "draft"
    SIGNED = "signed"
    ACCEPTED = "accepted"
    COUNTERSIGNED = "countersigned"


class Verdict(enum.StrEnum):
    """The incoming operator's answer."""

    ACCEPT = "accept"
    RESERVATIONS = "reservations"


class Handover(CreatedAtMixin, Base):
    """One handover of a post. Its content is frozen (and hashed into the duty log) at the first signature."""

    __tablename__ = "shift_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("shift_posts.id"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift_shifts.id"), default=None)
    outgoing_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    incoming_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[HandoverState] = mapped_column(str_enum(HandoverState, 16), default=HandoverState.DRAFT)
    open_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    remarks: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    late: Mapped[bool] = mapped_column(default=False)
    log_head_seq: Mapped[int | None] = mapped_column(default=None)
    log_head_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    outgoing_signed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    verdict: Mapped[Verdict | None] = mapped_column(str_enum(Verdict, 16), default=None)
    reservations: Mapped[list[str]] = mapped_column(JSON, default=list)
    incoming_signed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    countersigned_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    outgoing: Mapped[User] = relationship(foreign_keys=[outgoing_id], lazy="selectin")
    incoming: Mapped[User] = relationship(foreign_keys=[incoming_id], lazy="selectin")
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id], lazy="selectin")
