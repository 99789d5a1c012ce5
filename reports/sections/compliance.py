"""Duty-rule compliance: violations recorded in the period, block and warn, resolved; per rule and per person."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by
from shift_logs.rules.models import Violation, ViolationResolution

__all__ = ["SECTION"]


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def compute(session: Session, window: Window) -> Raw:
    """Every compliance figure of the window (violations that occurred in it)."""
    where = [window.within(Violation.occurred_at)]
    resolved = select(ViolationResolution.id).where(ViolationResolution.violation_id == Violation.id).exists()
    columns = {
        "violations": func.count(),
        "blocked": _n(Violation.severity == "block"),
        "warned": _n(Violation.severity == "warn"),
        "resolved": _n(resolved),
    }
    row = session.execute(select(*columns.values()).where(*where)).one()
    return Raw(
        figures={k: int(v) for k, v in zip(columns, row, strict=True)},
        tables={
            "by_rule": count_by(session, Violation.rule_id, *where),
            "by_person": count_by(session, Violation.subject, *where),
        },
    )


SECTION = SectionSpec(
    name="compliance",
    scopes=frozenset({ScopeKind.ALL}),
    units={
        "violations": "count",
        "blocked": "count",
        "warned": "count",
        "resolved": "count",
        "by_rule": "count",
        "by_person": "count",
    },
    compute=compute,
)
