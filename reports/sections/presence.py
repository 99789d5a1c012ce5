"""Post coverage: rostered minutes, minutes unstaffed (rostered but not checked in), late check-ins, flags.

Unstaffed time is counted per roster entry: the part of its window (within the period, up to now) not
covered by that person's check-ins. Summed over entries it is an upper bound for the post's own uncovered
time when two people share a post at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by
from reports.sql import epoch, greatest, least, ratio, when
from shift_logs.roster.models import Presence, PresenceFlag, RosterEntry

__all__ = ["SECTION"]


def _seconds(start: Any, end: Any) -> ColumnElement[float]:
    return func.coalesce(func.sum(case((end > start, epoch(end) - epoch(start)), else_=0.0)), 0.0)


def _rostered_and_present(session: Session, window: Window) -> tuple[float, float]:
    start, cap = when(window.start), when(window.cap)
    overlap = [RosterEntry.starts_at < cap, RosterEntry.ends_at > start]
    if window.scope.kind is ScopeKind.POST:
        overlap.append(RosterEntry.post_id == window.post_id)
    r_start, r_end = greatest(RosterEntry.starts_at, start), least(RosterEntry.ends_at, cap)
    rostered = session.scalar(select(_seconds(r_start, r_end)).where(*overlap)) or 0.0
    p_start = greatest(Presence.checked_in_at, RosterEntry.starts_at, start)
    p_end = least(func.coalesce(Presence.checked_out_at, cap), RosterEntry.ends_at, cap)
    present_stmt = select(_seconds(p_start, p_end)).join(Presence, Presence.roster_id == RosterEntry.id)
    present = session.scalar(present_stmt.where(*overlap)) or 0.0
    return float(rostered), float(present)


def compute(session: Session, window: Window) -> Raw:
    """Every coverage figure of the window."""
    rostered, present = _rostered_and_present(session, window)
    unstaffed = max(0.0, rostered - present)
    post = [Presence.post_id == window.post_id] if window.scope.kind is ScopeKind.POST else []
    late = select(func.count()).where(window.within(Presence.checked_in_at), Presence.late.is_(True), *post)
    flag_post = [PresenceFlag.post_id == window.post_id] if window.scope.kind is ScopeKind.POST else []
    return Raw(
        figures={
            "rostered_minutes": round(rostered / 60, 1),
            "unstaffed_minutes": round(unstaffed / 60, 1),
            "coverage_share": ratio(round(rostered - unstaffed), round(rostered)),
            "late_checkins": int(session.scalar(late) or 0),
        },
        tables={
            "flags": count_by(session, PresenceFlag.kind, window.within(PresenceFlag.raised_at), *flag_post)
        },
    )


SECTION = SectionSpec(
    name="presence",
    scopes=frozenset({ScopeKind.ALL, ScopeKind.POST}),
    units={
        "rostered_minutes": "minutes",
        "unstaffed_minutes": "minutes",
        "coverage_share": "share",
        "late_checkins": "count",
        "flags": "count",
    },
    compute=compute,
)
