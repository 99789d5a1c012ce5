"""The compliance record (append-only) and the one call each shift action makes into the duty rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from access.users.models import User
from core.clock import utcnow
from core.errors import ControlroomError
from db.chain import append_entry
from shift_logs.roster.models import LeaveRequest, Post, RosterEntry, Shift
from shift_logs.rules import evaluate as ev
from shift_logs.rules import store
from shift_logs.rules.errors import NotCurrentVersion, ViolationNotFound, ViolationResolved
from shift_logs.rules.models import VIOLATION_CHAIN, RulesConfirmation, Violation, ViolationResolution

__all__ = [
    "check_action",
    "check_handover",
    "check_leave_decision",
    "check_roster",
    "confirm",
    "list_",
    "needs_confirmation",
    "record",
    "resolve",
    "resolve_keys",
    "roster_facts",
]


def _slot(e: RosterEntry) -> ev.Slot:
    return ev.Slot(e.user.username, e.post.name, e.shift_id, e.starts_at, e.ends_at)


def roster_facts(
    session: Session, *, shift: Shift, post: Post, user: User, starts_at: dt.datetime, ends_at: dt.datetime,
    exclude_id: int | None = None,
) -> ev.RosterFacts:  # fmt: skip
    """The facts of putting `user` on `post` for a window: their slots nearby and the post's slots."""
    horizon = dt.timedelta(hours=72)
    near = and_(RosterEntry.starts_at < ends_at + horizon, RosterEntry.ends_at > starts_at - horizon)
    person = select(RosterEntry).where(RosterEntry.user_id == user.id, near)
    on_post = select(RosterEntry).where(RosterEntry.post_id == post.id, RosterEntry.shift_id == shift.id)
    skip = (lambda e: e.id == exclude_id) if exclude_id is not None else (lambda e: False)
    return ev.RosterFacts(
        candidate=ev.Slot(user.username, post.name, shift.id, starts_at, ends_at),
        person_slots=[_slot(e) for e in session.scalars(person) if not skip(e)],
        post_slots=[_slot(e) for e in session.scalars(on_post) if not skip(e)],
        shift_starts_at=shift.starts_at,
        shift_ends_at=shift.ends_at,
    )


def check_roster(
    session: Session, *, shift: Shift, post: Post, user: User, starts_at: dt.datetime, ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> list[ev.Violation]:  # fmt: skip
    """Before a roster entry is saved: a `block` rule refuses (409), `warn` ones are recorded and returned."""
    facts = roster_facts(session, shift=shift, post=post, user=user, starts_at=starts_at, ends_at=ends_at)
    return check_action(session, facts, origin="roster", now=now)


def check_action(
    session: Session,
    facts: ev.Facts,
    *,
    origin: str = "action",
    now: dt.datetime | None = None,
    errors: Mapping[str, type[ControlroomError]] | None = None,
) -> list[ev.Violation]:
    """Evaluate the rules in force for an action: raise for `block`, record and return `warn` violations."""
    now = now or utcnow()
    warns = store.enforce(session, facts, now=now, errors=errors)
    record(session, warns, origin=origin, now=now)
    return warns


def check_leave_decision(
    session: Session, *, leave: LeaveRequest, leader: User, now: dt.datetime, error: type[ControlroomError]
) -> list[ev.Violation]:
    """Before a leave request is decided: nobody decides their own (separation of duties)."""
    facts = ev.ApprovalFacts(
        "leave", leave.requester_id, leave.requester.username, leader.id, leader.username, f"{leave.id}"
    )
    return check_action(session, facts, now=now, errors={"separation_of_duties": error})


def check_handover(
    session: Session, *, post: Post, outgoing: User, incoming: User, ends_at: dt.datetime, now: dt.datetime,
    error: type[ControlroomError],
) -> list[ev.Violation]:  # fmt: skip
    """Before a handover starts: the incoming is not the outgoing (block); it starts early enough (lead)."""
    ref = f"handover {post.name} {ends_at:%Y-%m-%d %H:%M}"
    same = ev.ApprovalFacts("handover", outgoing.id, outgoing.username, incoming.id, incoming.username, ref)
    check_action(session, same, now=now, errors={"separation_of_duties": error})
    lead = ev.HandoverFacts(post.name, outgoing.username, ends_at, f"{post.name}:{ends_at:%Y-%m-%d %H:%M}")
    return check_action(session, lead, now=now)


def _open_keys(session: Session, keys: Sequence[str]) -> set[str]:
    if not keys:
        return set()
    stmt = (
        select(Violation.key)
        .outerjoin(ViolationResolution, ViolationResolution.violation_id == Violation.id)
        .where(Violation.key.in_(list(keys)), ViolationResolution.id.is_(None))
    )
    return set(session.scalars(stmt))


def record(
    session: Session, violations: Sequence[ev.Violation], *, origin: str, now: dt.datetime
) -> list[Violation]:
    """Append each violation not already open under the same key; return the rows added."""
    already = _open_keys(session, [v.key for v in violations])
    head = store.current(session)
    added: list[Violation] = []
    for v in violations:
        if v.key in already:
            continue
        already.add(v.key)
        row = Violation(
            rule_id=v.rule_id,
            clause=v.clause,
            severity=v.severity.value,
            subject=v.subject[:100],
            post=v.post[:64],
            key=v.key[:200],
            message=v.message,
            origin=origin,
            rules_version=head.version if head is not None else 0,
            occurred_at=now,
        )
        added.append(append_entry(session, row, chain=VIOLATION_CHAIN, now=now))
    return added


def resolve(
    session: Session, *, violation_id: int, by: str, how: str, now: dt.datetime | None = None
) -> Violation:
    """Resolve a violation (a new resolution row; the violation itself never changes)."""
    row = session.get(Violation, violation_id)
    if row is None:
        raise ViolationNotFound(f"no violation {violation_id}")
    if row.resolution is not None:
        raise ViolationResolved(f"violation {violation_id} was resolved already")
    session.add(
        ViolationResolution(violation_id=row.id, resolved_at=now or utcnow(), resolved_by=by, how=how)
    )
    session.flush()
    session.refresh(row)
    return row


def resolve_keys(
    session: Session, *, origin: str, keep: set[str], by: str, how: str, now: dt.datetime, prefix: str = ""
) -> int:
    """Resolve open violations of `origin` whose key is not in `keep` (conditions that have ended)."""
    stmt = (
        select(Violation)
        .outerjoin(ViolationResolution, ViolationResolution.violation_id == Violation.id)
        .where(Violation.origin == origin, ViolationResolution.id.is_(None), Violation.key.startswith(prefix))
    )
    ended = [row for row in session.scalars(stmt) if row.key not in keep]
    for row in ended:
        session.add(ViolationResolution(violation_id=row.id, resolved_at=now, resolved_by=by, how=how))
    session.flush()
    return len(ended)


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    state: str = "all",
    rule_id: str | None = None,
    subject: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> tuple[list[Violation], int]:
    """Violations, newest first, filtered by state (open/resolved/all), rule, person and time."""
    stmt = select(Violation).outerjoin(ViolationResolution, ViolationResolution.violation_id == Violation.id)
    if state == "open":
        stmt = stmt.where(ViolationResolution.id.is_(None))
    elif state == "resolved":
        stmt = stmt.where(ViolationResolution.id.is_not(None))
    if rule_id:
        stmt = stmt.where(Violation.rule_id == rule_id)
    if subject:
        stmt = stmt.where(or_(Violation.subject == subject, Violation.post == subject))
    if since is not None:
        stmt = stmt.where(Violation.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(Violation.occurred_at < until)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Violation.occurred_at.desc(), Violation.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def needs_confirmation(session: Session, *, user: User) -> int | None:
    """The version in force if `user` has not confirmed it yet, else None."""
    head = store.current(session)
    if head is None:
        return None
    done = select(RulesConfirmation.id).where(
        RulesConfirmation.user_id == user.id, RulesConfirmation.version == head.version
    )
    return None if session.scalar(done) is not None else head.version


def confirm(
    session: Session, *, user: User, version: int, now: dt.datetime | None = None
) -> RulesConfirmation:
    """Record that `user` read and confirmed the version in force (once per version)."""
    head = store.current(session)
    if head is None or head.version != version:
        current = head.version if head is not None else "none"
        raise NotCurrentVersion(f"version {version} is not in force (current: {current})", field="version")
    existing = session.scalar(
        select(RulesConfirmation).where(
            RulesConfirmation.user_id == user.id, RulesConfirmation.version == version
        )
    )
    if existing is not None:
        return existing
    row = RulesConfirmation(user_id=user.id, version=version, confirmed_at=now or utcnow())
    session.add(row)
    session.flush()
    return row
