"""Handovers: how many, late, with reservations, not (yet) signed or countersigned; by post."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by
from shift_logs.handover.models import Handover, Verdict
from shift_logs.roster.models import Post

__all__ = ["SECTION"]


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def compute(session: Session, window: Window) -> Raw:
    """Every handover figure of the window (handovers drafted in it)."""
    where = [window.within(Handover.created_at)]
    if window.scope.kind is ScopeKind.POST:
        where.append(Handover.post_id == window.post_id)
    columns = {
        "handovers": func.count(),
        "late": _n(Handover.late.is_(True)),
        "with_reservations": _n(Handover.verdict == Verdict.RESERVATIONS),
        "unsigned": _n(Handover.outgoing_signed_at.is_(None)),
        "not_countersigned": _n(Handover.countersigned_at.is_(None)),
    }
    row = session.execute(select(*columns.values()).where(*where)).one()
    post_name = select(Post.name).where(Post.id == Handover.post_id).scalar_subquery()
    return Raw(
        figures={k: int(v) for k, v in zip(columns, row, strict=True)},
        tables={"by_post": count_by(session, post_name, *where)},
    )


SECTION = SectionSpec(
    name="handovers",
    scopes=frozenset({ScopeKind.ALL, ScopeKind.POST}),
    units={
        "handovers": "count",
        "late": "count",
        "with_reservations": "count",
        "unsigned": "count",
        "not_countersigned": "count",
        "by_post": "count",
    },
    compute=compute,
)
