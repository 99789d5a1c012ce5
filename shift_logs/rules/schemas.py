"""Shapes of the duty-rules API: the rules in force, versions, violations, edits, confirmations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from core.schemas import ReadSchema, WriteSchema

__all__ = ["ConfirmIn", "RulesChange", "RulesRead", "VersionRead", "ViolationRead", "ViolationResolve"]


class VersionRead(ReadSchema):
    """One stored version of the rules."""

    version: int
    digest: str
    diff: list[dict[str, Any]]
    source: str
    changed_by: str
    reason: str
    created_at: dt.datetime


class RulesRead(ReadSchema):
    """The rules in force at a moment. `version` is the same integer as everywhere else (a check-in's
    `rules_version`, a violation's `rules_version`, `POST /confirm`); null only before any version is stored
    (the packaged default); the other fields describe that version."""

    version: int | None
    digest: str | None = None
    source: str | None = None
    changed_by: str | None = None
    reason: str | None = None
    created_at: dt.datetime | None = None
    rules: dict[str, Any]

    @classmethod
    def of(cls, row: Any, rules: dict[str, Any]) -> RulesRead:
        """From a DutyRuleVersion row (or None) and the rules it holds."""
        if row is None:
            return cls(version=None, rules=rules)
        fields = ("version", "digest", "source", "changed_by", "reason", "created_at")
        return cls.model_validate({**{k: getattr(row, k) for k in fields}, "rules": rules})


class RulesChange(WriteSchema):
    """A new rule set (the whole `rules` mapping, as in the YAML file) and why."""

    rules: dict[str, Any]
    reason: str = Field(min_length=1, max_length=1000)


class ViolationResolve(WriteSchema):
    """How a violation was resolved."""

    how: str = Field(min_length=1, max_length=1000)


class ConfirmIn(WriteSchema):
    """The version the operator read and confirms."""

    version: int = Field(ge=1)


class ViolationRead(ReadSchema):
    """A recorded violation with its resolution, if any."""

    id: int
    rule_id: str
    clause: str
    severity: str
    subject: str
    post: str
    message: str
    origin: str
    rules_version: int
    occurred_at: dt.datetime
    resolved_at: dt.datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None

    @classmethod
    def of(cls, row: Any) -> ViolationRead:
        """From a Violation row and its resolution."""
        res = row.resolution
        return cls.model_validate(
            {
                **{k: getattr(row, k) for k in cls.model_fields if hasattr(row, k) and k != "resolution"},
                "resolved_at": res.resolved_at if res else None,
                "resolved_by": res.resolved_by if res else None,
                "resolution": res.how if res else None,
            }
        )
