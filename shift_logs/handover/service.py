"""Drafting, reading and listing handovers. Signatures are in `signing.py`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.users import service as users
from access.users.models import User
from core.hashchain import canonical
from db import lookup
from shift_logs.duty_log.models import DutyEntry, EntryKind, chain_name
from shift_logs.handover.errors import (
    ChecklistIncomplete,
    DraftExists,
    HandoverNotFound,
    HandoverSigned,
    NoOutgoingShift,
    WrongSigner,
)
from shift_logs.handover.models import Handover, HandoverState
from shift_logs.handover.open_items import gather
from shift_logs.roster import service as roster
from shift_logs.roster.models import Post, RosterEntry
from shift_logs.rules import service as duty_rules

__all__ = [
    "OUTGOING_LOOKBACK",
    "checklist_answers",
    "content_hash",
    "content_intact",
    "draft",
    "list_",
    "matches_hash",
    "refresh_items",
    "require",
    "update",
]

OUTGOING_LOOKBACK = dt.timedelta(hours=6)


def _outgoing_entry(session: Session, *, user: User, post_id: int, now: dt.datetime) -> RosterEntry:
    stmt = select(RosterEntry).where(
        RosterEntry.user_id == user.id,
        RosterEntry.post_id == post_id,
        RosterEntry.starts_at <= now,
        RosterEntry.ends_at > now - OUTGOING_LOOKBACK,
    )
    entry = session.scalars(stmt.order_by(RosterEntry.starts_at.desc()).limit(1)).first()
    if entry is None:
        raise NoOutgoingShift(
            f"{user.username} is not rostered on this post now, so has nothing to hand over"
        )
    return entry


def checklist_answers(post: Post, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The post's checklist with answers: {item, ok (True/False/None), note}."""
    unknown = set(answers) - set(post.checklist)
    if unknown:
        raise ChecklistIncomplete(
            f"not on this post's checklist: {', '.join(sorted(unknown))}", field="checklist"
        )
    out = []
    for item in post.checklist:
        answer = answers.get(item) or {}
        out.append({"item": item, "ok": answer.get("ok"), "note": str(answer.get("note") or "")[:500]})
    return out


def _incoming(session: Session, *, post_id: int, entry: RosterEntry, incoming_id: int | None) -> User:
    if incoming_id is None:
        following = roster.next_entry(session, post_id=post_id, after=entry.ends_at - dt.timedelta(minutes=1))
        if following is None or following.id == entry.id:
            raise WrongSigner("nobody is rostered next on this post: name the incoming operator")
        return following.user
    return users.require(session, incoming_id)


def draft(
    session: Session,
    *,
    post_id: int,
    outgoing: User,
    now: dt.datetime,
    incoming_id: int | None = None,
    remarks: str = "",
    checklist: Mapping[str, Any] | None = None,
) -> Handover:
    """Start the handover of a post: open items gathered now, the checklist, remarks."""
    post = roster.require_post(session, post_id)
    entry = _outgoing_entry(session, user=outgoing, post_id=post.id, now=now)
    pending = select(Handover.id).where(
        Handover.post_id == post.id, Handover.state != HandoverState.COUNTERSIGNED
    )
    existing = session.scalar(pending)
    if existing is not None:
        raise DraftExists(
            f"post {post.name} has handover {existing} in progress", detail={"handover_id": existing}
        )
    incoming = _incoming(session, post_id=post.id, entry=entry, incoming_id=incoming_id)
    duty_rules.check_handover(
        session,
        post=post.name,
        outgoing=outgoing,
        incoming=incoming,
        ends_at=entry.ends_at,
        now=now,
        error=WrongSigner,
    )
    handover = Handover(
        post_id=post.id,
        shift_id=entry.shift_id,
        outgoing_id=outgoing.id,
        incoming_id=incoming.id,
        checklist=checklist_answers(post, checklist or {}),
        remarks=remarks,
        due_at=entry.ends_at,
        created_at=now,
    )
    handover.open_items = [item.as_dict() for item in gather(session, post_id=post.id)]
    session.add(handover)
    session.flush()
    return handover


def require(session: Session, handover_id: int) -> Handover:
    """Return the handover, or raise HandoverNotFound."""
    return lookup.require(session, Handover, handover_id, error=HandoverNotFound, what="handover")


def refresh_items(session: Session, handover: Handover) -> None:
    """Gather the open items again (while still a draft)."""
    handover.open_items = [item.as_dict() for item in gather(session, post_id=handover.post_id)]


def update(
    session: Session,
    *,
    handover_id: int,
    user: User,
    remarks: str | None = None,
    checklist: Mapping[str, Any] | None = None,
) -> Handover:
    """Change a draft's remarks or checklist answers (the outgoing operator, before signing)."""
    handover = require(session, handover_id)
    if handover.state is not HandoverState.DRAFT:
        raise HandoverSigned(
            f"handover {handover.id} is {handover.state}: signed handovers cannot be changed"
        )
    if handover.outgoing_id != user.id:
        raise WrongSigner(f"only {handover.outgoing.username} (outgoing) edits this draft")
    if remarks is not None:
        handover.remarks = remarks
    if checklist is not None:
        post = roster.require_post(session, handover.post_id)
        handover.checklist = checklist_answers(post, checklist)
    refresh_items(session, handover)
    session.flush()
    return handover


def content_hash(handover: Handover) -> str:
    """SHA-256 over what was handed over (frozen at the outgoing signature)."""
    content = {
        "id": handover.id,
        "post_id": handover.post_id,
        "shift_id": handover.shift_id,
        "outgoing_id": handover.outgoing_id,
        "incoming_id": handover.incoming_id,
        "open_items": handover.open_items,
        "checklist": handover.checklist,
        "remarks": handover.remarks,
        "due_at": handover.due_at,
        "log_head_seq": handover.log_head_seq,
        "log_head_hash": handover.log_head_hash,
    }
    return hashlib.sha256(canonical(content)).hexdigest()


def matches_hash(handover: Handover) -> bool | None:
    """True when a signed handover still matches its stored hash (None for drafts)."""
    if handover.content_hash is None:
        return None
    return content_hash(handover) == handover.content_hash


def content_intact(session: Session, handover: Handover) -> bool | None:
    """True when a signed handover matches the hash written into the (chained) duty log at signing."""
    if handover.content_hash is None:
        return None
    actual = content_hash(handover)
    stmt = select(DutyEntry.text).where(
        DutyEntry.chain == chain_name(handover.post_id),
        DutyEntry.kind == EntryKind.HANDOVER,
        DutyEntry.ref == f"handover:{handover.id}",
    )
    return any(f"content sha256 {actual}" in text for text in session.scalars(stmt))


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    post_id: int | None = None,
    state: HandoverState | None = None,
    user_id: int | None = None,
) -> tuple[list[Handover], int]:
    """Handovers, newest first; `user_id` keeps those where the person signs."""
    stmt = select(Handover)
    if post_id is not None:
        stmt = stmt.where(Handover.post_id == post_id)
    if state is not None:
        stmt = stmt.where(Handover.state == state)
    if user_id is not None:
        stmt = stmt.where((Handover.outgoing_id == user_id) | (Handover.incoming_id == user_id))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Handover.created_at.desc(), Handover.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total
