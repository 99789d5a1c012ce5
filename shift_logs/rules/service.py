"""The compliance record (append-only) and the one call each shift action makes into the duty rules.

The actions build their own facts (`shift_logs.rules.facts`), so this package never imports them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from access.users.models import User
from core.errors import ControlroomError
from db import lookup
from db.chain import append_entry
from shift_logs.rules import facts as fact
from shift_logs.rules import store
from shift_logs.rules.errors import NotCurrentVersion, ViolationNotFound, ViolationResolved
from shift_logs.rules.models import VIOLATION_CHAIN, RulesConfirmation, Violation, ViolationResolution

__all__ = [
    "check_action",
    "check_handover",
    "confirm",
    "list_",
    "needs_confirmation",
    "record",
    "resolve",
    "resolve_keys",
]


def check_action(
    session: Session,
    facts: fact.Facts,
    *,
    origin: str = "action",
    now: dt.datetime,
    errors: Mapping[str, type[ControlroomError]] | None = None,
) -> list[fact.Violation]:
    """Evaluate the rules in force for an action: raise for `block`, record and return `warn` violations."""
    warns = store.enforce(session, facts, now=now, errors=errors)
    record(session, warns, origin=origin, now=now)
    return warns


def check_handover(
    session: Session, *, post: str, outgoing: User, incoming: User, ends_at: dt.datetime, now: dt.datetime,
    error: type[ControlroomError],
) -> list[fact.Violation]:  # fmt: skip
    """Before a handover of the post named `post` starts: the incoming is not the outgoing (block); it starts
    early enough (lead)."""
    ref = f"handover {post} {ends_at:%Y-%m-%d %H:%M}"
    same = fact.ApprovalFacts("handover", outgoing.id, outgoing.username, incoming.id, incoming.username, ref)
    check_action(session, same, now=now, errors={"separation_of_duties": error})
    lead = fact.HandoverFacts(post, outgoing.username, ends_at, f"{post}:{ends_at:%Y-%m-%d %H:%M}")
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
    session: Session, violations: Sequence[fact.Violation], *, origin: str, now: dt.datetime
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
            said=v.said.as_json() if v.said is not None else None,
            origin=origin,
            rules_version=head.version if head is not None else 0,
            occurred_at=now,
        )
        added.append(append_entry(session, row, chain=VIOLATION_CHAIN, now=now))
    return added


def resolve(session: Session, *, violation_id: int, by: str, how: str, now: dt.datetime) -> Violation:
    """Resolve a violation (a new resolution row; the violation itself never changes)."""
    row = lookup.require(session, Violation, violation_id, error=ViolationNotFound, what="violation")
    if row.resolution is not None:
        raise ViolationResolved(f"violation {violation_id} was resolved already")
    session.add(ViolationResolution(violation_id=row.id, resolved_at=now, resolved_by=by, how=how))
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


def confirm(session: Session, *, user: User, version: int, now: dt.datetime) -> RulesConfirmation:
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
    row = RulesConfirmation(user_id=user.id, version=version, confirmed_at=now)
    session.add(row)
    session.flush()
    return row
