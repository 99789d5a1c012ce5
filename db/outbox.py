"""The transactional outbox: every message that leaves the system (MQTT, webhooks) is first a row here,
written in the same transaction as the change it reports. Delivery workers (runtime/) send the rows with
retries and backoff, keep the state per target, and any worker may take over (rows are claimed, not held
in memory), so delivery survives restarts and runs on several machines.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.clock import utcnow
from db.base import Base, CreatedAtMixin, str_enum

__all__ = ["Delivery", "DeliveryState", "OutboxMessage", "enqueue", "enqueue_many"]


class DeliveryState(enum.StrEnum):
    """Where one message stands for one target."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last retry


class OutboxMessage(CreatedAtMixin, Base):
    """One event to publish: a topic and a JSON payload."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="message", cascade="all, delete-orphan", lazy="selectin"
    )


class Delivery(Base):
    """The delivery of one message to one target (`mqtt`, `webhook:<name>`), with its retry state."""

    __tablename__ = "outbox_deliveries"
    __table_args__ = (Index("ix_outbox_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(100))
    state: Mapped[DeliveryState] = mapped_column(str_enum(DeliveryState, 16), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=None)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)

    message: Mapped[OutboxMessage] = relationship(back_populates="deliveries")


def enqueue(
    session: Session,
    *,
    topic: str,
    payload: dict[str, Any],
    targets: Sequence[str],
    now: dt.datetime,
) -> OutboxMessage:
    """Add a message for each target in the caller's transaction; it is sent after the commit."""
    return enqueue_many(session, messages=[(topic, payload)], targets=targets, now=now)[0]


def enqueue_many(
    session: Session,
    *,
    messages: Sequence[tuple[str, dict[str, Any]]],
    targets: Sequence[str],
    now: dt.datetime,
) -> list[OutboxMessage]:
    """`enqueue` for many `(topic, payload)` messages in one flush (a few statements, not a few per message)."""
    out = []
    for topic, payload in messages:
        message = OutboxMessage(topic=topic, payload=payload, created_at=now)
        message.deliveries = [
            Delivery(target=target, next_attempt_at=now) for target in dict.fromkeys(targets)
        ]
        out.append(message)
    session.add_all(out)
    session.flush()
    return out
