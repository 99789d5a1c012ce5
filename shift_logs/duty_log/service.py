"""Appending to, reading and verifying the duty log. There is no update or delete: the log only grows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.users.models import User
from core.actor import SYSTEM
from core.hashchain import ChainBreak
from core.messages import Message
from db import lookup, paging
from db.chain import ChainHead, append_entry, head_of, verify_chain
from db.checkpoints import SignedHead, verify_checkpoints
from shift_logs.duty_log import scope
from shift_logs.duty_log.errors import DutyEntryNotFound, InvalidCorrection
from shift_logs.duty_log.models import DutyEntry, EntryKind, chain_name
from shift_logs.roster.errors import PostNotFound
from shift_logs.roster.models import Post

__all__ = ["ChainReport", "append", "correct", "head", "list_", "require", "verify", "verify_all", "write"]


def append(
    session: Session,
    *,
    post_id: int,
    kind: EntryKind,
    text: str,
    author: User | None,
    now: dt.datetime,
    shift_id: int | None = None,
    ref: str = "",
    corrects_id: int | None = None,
    message: Message | None = None,
) -> DutyEntry:
    """Append one entry to the post's duty log in the caller's transaction. A system-written `text` comes
    with its `message` (the same words as a catalogue key and parameters, shown in the reader's language)."""
    entry = DutyEntry(
        post_id=post_id,
        shift_id=shift_id,
        kind=kind,
        text=text,
        author_id=author.id if author else None,
        author=(author.username if author else SYSTEM.name)[:64],
        ref=ref[:100],
        corrects_id=corrects_id,
        message=message.as_json() if message is not None else None,
    )
    return append_entry(session, entry, chain=chain_name(post_id), now=now)


def write(
    session: Session,
    *,
    post_id: int,
    kind: EntryKind,
    text: str,
    author: User,
    now: dt.datetime,
    ref: str = "",
) -> DutyEntry:
    """A hand-written entry by someone at the post (rule duty_log.post_scope; the post must exist)."""
    lookup.require(session, Post, post_id, error=PostNotFound, what="post")
    scope.require_at_post(session, user=author, post_id=post_id, now=now)
    return append(session, post_id=post_id, kind=kind, text=text, author=author, now=now, ref=ref)


def require(session: Session, entry_id: int) -> DutyEntry:
    """Return the entry with `entry_id`, or raise DutyEntryNotFound."""
    return lookup.require(session, DutyEntry, entry_id, error=DutyEntryNotFound, what="duty-log entry")


def correct(session: Session, *, entry_id: int, text: str, author: User, now: dt.datetime) -> DutyEntry:
    """Append a correction pointing at `entry_id`; the corrected entry itself stays as it was. By its author
    at the post, or a shift leader (rules duty_log.post_scope and duty_log.correct_own)."""
    original = require(session, entry_id)
    if original.kind is EntryKind.CORRECTION and original.corrects_id is not None:
        raise InvalidCorrection("correct the original entry, not a correction", field="entry_id")
    scope.require_may_correct(session, user=author, entry=original, now=now)
    return append(
        session,
        post_id=original.post_id,
        shift_id=original.shift_id,
        kind=EntryKind.CORRECTION,
        text=text,
        author=author,
        now=now,
        ref=original.ref,
        corrects_id=original.id,
    )


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    post_id: int | None = None,
    kind: EntryKind | None = None,
    author: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    text: str | None = None,
) -> tuple[list[DutyEntry], int]:
    """Return one page of entries, newest first, and the total matching the filters."""
    stmt = select(DutyEntry)
    if post_id is not None:
        stmt = stmt.where(DutyEntry.post_id == post_id)
    if kind is not None:
        stmt = stmt.where(DutyEntry.kind == kind)
    if author:
        stmt = stmt.where(DutyEntry.author == author)
    if since is not None:
        stmt = stmt.where(DutyEntry.created_at >= since)
    if until is not None:
        stmt = stmt.where(DutyEntry.created_at < until)
    if text:
        stmt = stmt.where(DutyEntry.text.contains(text, autoescape=True))
    order = (DutyEntry.created_at.desc(), DutyEntry.id.desc())
    return paging.page(session, stmt, order=order, limit=limit, offset=offset)


def head(session: Session, *, post_id: int) -> ChainHead | None:
    """The head (last number and hash) of the post's duty log, or None when it is empty."""
    return head_of(session, chain_name(post_id))


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The verification of one post's duty log."""

    chain: str
    checked: int
    broken: ChainBreak | None
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        """True when the log is intact."""
        return self.broken is None


def verify(session: Session, *, post_id: int) -> ChainReport:
    """Recompute one post's duty log against its hashes and its chain head."""
    chain = chain_name(post_id)
    checked, broken = verify_chain(session, DutyEntry, chain)
    return ChainReport(chain=chain, checked=checked, broken=broken)


def _chains(session: Session) -> list[str]:
    heads = session.scalars(select(ChainHead.chain).where(ChainHead.chain.startswith("duty:")))
    stored = session.scalars(select(DutyEntry.chain).distinct())
    return sorted(set(heads) | set(stored), key=lambda name: (len(name), name))


def verify_all(
    session: Session,
    *,
    key: Ed25519PublicKey | None = None,
    published: Iterable[SignedHead] = (),
    progress: Callable[[int, int], None] | None = None,
) -> list[ChainReport]:
    """Verify every post's duty log (every chain named `duty:*`, by its head and by its rows) and, given the
    site's public key, its signed checkpoints. `progress(entries_read, entries_total)` after each log."""
    reports = []
    published = list(published)
    total = (session.scalar(select(func.count()).select_from(DutyEntry)) or 0) if progress else 0
    done = 0
    for chain in _chains(session):
        checked, broken = verify_chain(session, DutyEntry, chain)
        signed = 0
        if key is not None:
            signed, signed_break = verify_checkpoints(session, DutyEntry, chain, key=key, published=published)
            broken = broken or signed_break
        reports.append(ChainReport(chain=chain, checked=checked, broken=broken, checkpoints=signed))
        if progress is not None:
            done += checked
            progress(done, max(total, done))
    return reports
