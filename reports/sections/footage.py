"""Footage access (R7, R8): requests received, approved, refused, pending at period end; exports; holds."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from footage.models import AccessRequest, EvidenceHold, Export, ExportState, RequestState
from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by
from reports.sql import when

__all__ = ["SECTION"]


def compute(session: Session, window: Window) -> Raw:
    """Every footage figure of the window."""
    decided = [window.within(AccessRequest.decided_at)]
    end = when(window.end)
    pending = select(func.count()).where(
        AccessRequest.created_at < end,
        or_(AccessRequest.decided_at.is_(None), AccessRequest.decided_at >= end),
    )
    exports = [window.within(Export.created_at)]

    def n(stmt_where: list[ColumnElement[bool]], entity: type) -> int:
        return int(session.scalar(select(func.count()).select_from(entity).where(*stmt_where)) or 0)

    return Raw(
        figures={
            "requests": n([window.within(AccessRequest.created_at)], AccessRequest),
            "approved": n([*decided, AccessRequest.state == RequestState.APPROVED], AccessRequest),
            "refused": n([*decided, AccessRequest.state == RequestState.REFUSED], AccessRequest),
            "pending_at_end": int(session.scalar(pending) or 0),
            "exports": n(exports, Export),
            "exports_done": n([*exports, Export.state == ExportState.DONE], Export),
            "holds_placed": n([window.within(EvidenceHold.created_at)], EvidenceHold),
            "holds_released": n([window.within(EvidenceHold.released_at)], EvidenceHold),
        },
        tables={
            "requests_by_organisation": count_by(
                session, AccessRequest.organisation, window.within(AccessRequest.created_at)
            ),
            "holds_by_category": count_by(
                session, EvidenceHold.category, window.within(EvidenceHold.created_at)
            ),
        },
    )


SECTION = SectionSpec(
    name="footage",
    scopes=frozenset({ScopeKind.ALL}),
    units={
        "requests": "count",
        "approved": "count",
        "refused": "count",
        "pending_at_end": "count",
        "exports": "count",
        "exports_done": "count",
        "holds_placed": "count",
        "holds_released": "count",
        "requests_by_organisation": "count",
        "holds_by_category": "count",
    },
    compute=compute,
)
