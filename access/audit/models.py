"""The audit log: append-only and hash-chained (who, when, action, target, outcome, client address)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.chain import ChainedMixin

__all__ = ["AUDIT_CHAIN", "AuditEntry"]

AUDIT_CHAIN = "audit"


class AuditEntry(ChainedMixin, Base):
    """One audited event. Rows are never updated or deleted (triggers refuse it)."""

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(default=None)
    actor: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(100), index=True)
    target: Mapped[str] = mapped_column(String(300), default="")
    outcome: Mapped[str] = mapped_column(String(32))
    client: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    chain_fields: ClassVar[tuple[str, ...]] = (
        "actor_id",
        "actor",
        "action",
        "target",
        "outcome",
        "client",
        "request_id",
        "detail",
    )
