"""The duty log (R4): one append-only, hash-chained log per post (chain `duty:<post_id>`)."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, str_enum
from db.chain import ChainedMixin

__all__ = ["DutyEntry", "EntryKind", "chain_name"]


class EntryKind(enum.StrEnum):
    """What a duty-log entry records."""

    OBSERVATION = "observation"
    CALL = "call"
    PATROL = "patrol"
    VISITOR = "visitor"
    EQUIPMENT = "equipment"
    INCIDENT = "incident"
    PRESENCE = "presence"
    HANDOVER = "handover"
    CORRECTION = "correction"


def chain_name(post_id: int) -> str:
    """The hash chain of one post's duty log."""
    return f"duty:{post_id}"


class DutyEntry(ChainedMixin, Base):
    """One duty-log entry. Never updated or deleted (triggers refuse it); a correction is a new entry."""

    __tablename__ = "duty_log"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(index=True)
    shift_id: Mapped[int | None] = mapped_column(default=None)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, 16))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(default=None)
    author: Mapped[str] = mapped_column(String(64), default="")
    ref: Mapped[str] = mapped_column(String(100), default="")
    corrects_id: Mapped[int | None] = mapped_column(default=None)
    # a system-written entry's text as a message key with parameters (core.messages), rendered in the
    # reader's language; `text` keeps the English. Hashed with the entry when present (entries written
    # before it existed have none and keep their hash).
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    # plain integer columns (no foreign keys): a log row must never be touched by a cascade
    chain_fields: ClassVar[tuple[str, ...]] = (
        "post_id",
        "shift_id",
        "kind",
        "text",
        "author_id",
        "author",
        "ref",
        "corrects_id",
    )

    def chain_content(self) -> dict[str, Any]:
        """The chained fields, and the message of an entry that has one."""
        content = super().chain_content()
        if self.message is not None:
            content["message"] = self.message
        return content
