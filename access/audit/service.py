"""Writing, listing and verifying the audit log. There is no update or delete: the log only grows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.audit.models import AUDIT_CHAIN, AuditEntry
from core.actor import Actor
from core.hashchain import ChainBreak
from db.chain import append_entry, verify_chain
from db.checkpoints import SignedHead, verify_checkpoints

__all__ = ["VerifyResult", "list_", "record", "verify"]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """How many entries (and signed checkpoints) were checked and the first break, if any."""

    checked: int
    broken: ChainBreak | None
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return self.broken is None


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    target: str = "",
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    now: dt.datetime,
) -> AuditEntry:
    """Append one audit entry in the caller's transaction."""
    entry = AuditEntry(
        actor_id=actor.id,
        actor=actor.name[:64],
        action=action[:100],
        target=target[:300],
        outcome=outcome[:32],
        client=actor.client[:64],
        request_id=actor.request_id[:64],
        detail=detail or {},
    )
    return append_entry(session, entry, chain=AUDIT_CHAIN, now=now)


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    action: str | None = None,
    actor: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> tuple[list[AuditEntry], int]:
    """Return one page of audit entries, newest first, and the total matching."""
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action))
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if since:
        stmt = stmt.where(AuditEntry.created_at >= since)
    if until:
        stmt = stmt.where(AuditEntry.created_at < until)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AuditEntry.seq.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


def verify(
    session: Session, *, key: Ed25519PublicKey | None = None, published: Iterable[SignedHead] = ()
) -> VerifyResult:
    """Recompute every link of the audit chain and, given the site's public key, check its signed
    checkpoints (which catch a rewrite with every hash recomputed); report the first break."""
    checked, broken = verify_chain(session, AuditEntry, AUDIT_CHAIN)
    signed = 0
    if key is not None:
        signed, signed_break = verify_checkpoints(
            session, AuditEntry, AUDIT_CHAIN, key=key, published=published
        )
        broken = broken or signed_break
    return VerifyResult(checked=checked, broken=broken, checkpoints=signed)
