"""The rule versions (append-only), the compliance record (violations, hash-chained, and their resolutions),
rule confirmations."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.chain import ChainedMixin

__all__ = ["VIOLATION_CHAIN", "DutyRuleVersion", "RulesConfirmation", "Violation", "ViolationResolution"]

VIOLATION_CHAIN = "duty_violations"


class DutyRuleVersion(Base):
    """One version of the rules; in force from `created_at` until the next version (rows never change)."""

    __tablename__ = "duty_rule_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    diff: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16))
    changed_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(index=True)


class ViolationResolution(Base):
    """How and when a violation was resolved (a separate row: violations are never updated)."""

    __tablename__ = "duty_violation_resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(ForeignKey("duty_violations.id"), unique=True)
    resolved_at: Mapped[dt.datetime]
    resolved_by: Mapped[str] = mapped_column(String(64))
    how: Mapped[str] = mapped_column(Text)


class Violation(ChainedMixin, Base):
    """One broken duty rule: rule, clause, severity, who, when, what, where it was found, rule version."""

    __tablename__ = "duty_violations"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(40), index=True)
    clause: Mapped[str] = mapped_column(String(4))
    severity: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(100), index=True)
    post: Mapped[str] = mapped_column(String(64), default="")
    key: Mapped[str] = mapped_column(String(200), index=True)
    message: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))
    rules_version: Mapped[int] = mapped_column(default=0)
    occurred_at: Mapped[dt.datetime] = mapped_column(index=True)
    # `message` as a catalogue key with parameters (core.messages); hashed with the row when present
    said: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    resolution: Mapped[ViolationResolution | None] = relationship(
        lazy="selectin", viewonly=True, uselist=False
    )

    chain_fields: ClassVar[tuple[str, ...]] = (
        "rule_id",
        "clause",
        "severity",
        "subject",
        "post",
        "key",
        "message",
        "origin",
        "rules_version",
        "occurred_at",
    )

    def chain_content(self) -> dict[str, Any]:
        """The chained fields, and the message key of a row that has one (older rows keep their hash)."""
        content = super().chain_content()
        if self.said is not None:
            content["said"] = self.said
        return content


class RulesConfirmation(Base):
    """An operator read and confirmed a version of the rules (once per version)."""

    __tablename__ = "duty_rule_confirmations"
    __table_args__ = (UniqueConstraint("user_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int]
    confirmed_at: Mapped[dt.datetime]
