"""The duty log (R4): entries written in the period, corrections among them, entries by kind."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by
from shift_logs.duty_log.models import DutyEntry, EntryKind

__all__ = ["SECTION"]


def compute(session: Session, window: Window) -> Raw:
    """Every duty-log figure of the window."""
    where: list[ColumnElement[bool]] = [window.within(DutyEntry.created_at)]
    if window.scope.kind is ScopeKind.POST:
        where.append(DutyEntry.post_id == window.post_id)
    corrections = func.coalesce(func.sum(case((DutyEntry.kind == EntryKind.CORRECTION, 1), else_=0)), 0)
    entries, corrected = session.execute(select(func.count(), corrections).where(*where)).one()
    return Raw(
        figures={"entries": int(entries), "corrections": int(corrected)},
        tables={"by_kind": count_by(session, DutyEntry.kind, *where)},
    )


SECTION = SectionSpec(
    name="duty_log",
    scopes=frozenset({ScopeKind.ALL, ScopeKind.POST}),
    units={"entries": "count", "corrections": "count", "by_kind": "count"},
    compute=compute,
)
