"""Signed checkpoints prove authorship: someone with the database but without the site key drops the
triggers, changes an entry and recomputes every later hash and the chain head. The plain chain still
verifies; the checkpoints name the rewritten entries (audit log and duty log, SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from access.audit import service as audit
from access.audit.models import AUDIT_CHAIN, AuditEntry
from core.actor import Actor
from core.hashchain import GENESIS, link_hash
from db.chain import ChainedMixin, ChainHead, append_only_ddl
from db.checkpoints import ChainCheckpoint, SignedHead, sign_due
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import DutyEntry, EntryKind, chain_name
from tests.factories.shift_logs import T0, make_post

KEY = Ed25519PrivateKey.generate()
ACTOR = Actor(id=None, name="tester")
HOUR = dt.timedelta(hours=1)


def _drop_triggers(session: Session, table: str) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        for statement in append_only_ddl(table, dialect)[1]:
            session.execute(text(statement))


def _rewrite(session: Session, model: type[ChainedMixin], chain: str, seq: int, **change: object) -> None:
    """Change entry `seq` and recompute every hash after it and the chain head, as an attacker would."""
    _drop_triggers(session, model.__tablename__)  # type: ignore[attr-defined]
    prev = GENESIS
    for entry in session.scalars(select(model).where(model.chain == chain).order_by(model.seq)):
        if entry.seq == seq:
            for name, value in change.items():
                setattr(entry, name, value)
        entry.prev_hash = prev
        entry.hash = prev = link_hash(prev, entry.seq, entry.chain_content())
    head = session.get(ChainHead, chain)
    assert head is not None
    head.hash = prev
    session.flush()


def test_an_audit_rewrite_with_every_hash_recomputed_is_named_by_the_checkpoint(session: Session) -> None:
    for i in range(6):
        audit.record(session, actor=ACTOR, action="user.update", target=f"user:{i}", detail={"i": i}, now=T0)
    [signed] = [
        h
        for h in sign_due(session, key=KEY, every_entries=1000, every=HOUR, now=T0, force=True)
        if h.chain == AUDIT_CHAIN
    ]
    audit.record(session, actor=ACTOR, action="after.checkpoint", now=T0)
    assert audit.verify(session, key=KEY.public_key()).ok

    _rewrite(session, AuditEntry, AUDIT_CHAIN, signed.seq - 3, target="user:someone-else")
    assert audit.verify(session).ok  # the unkeyed chain cannot tell
    result = audit.verify(session, key=KEY.public_key())
    assert not result.ok and result.broken is not None
    assert f"..{signed.seq} were rewritten after the checkpoint signed" in result.broken.reason

    # re-pointing the stored checkpoint at the new hash needs the key: the signature gives it away
    session.execute(
        text(
            "UPDATE chain_checkpoints SET hash = (SELECT hash FROM audit_log WHERE chain = 'audit' "
            "AND seq = :seq) WHERE chain = 'audit'"
        ),
        {"seq": signed.seq},
    )
    forged = audit.verify(session, key=KEY.public_key())
    assert forged.broken is not None and "invalid signature (forged)" in forged.broken.reason

    # deleting the stored checkpoints does not help: the published copy (file, MQTT) still catches it
    session.execute(delete(ChainCheckpoint).where(ChainCheckpoint.chain == AUDIT_CHAIN))
    assert audit.verify(session, key=KEY.public_key()).ok
    copy = audit.verify(session, key=KEY.public_key(), published=[signed])
    assert copy.broken is not None and "rewritten" in copy.broken.reason


def test_a_duty_log_rewrite_is_named_by_the_checkpoint(session: Session) -> None:
    post = make_post(session)
    for i in range(4):
        duty_log.append(session, post_id=post.id, kind=EntryKind.CALL, text=f"call {i}", author=None, now=T0)
    made = sign_due(session, key=KEY, every_entries=1000, every=HOUR, now=T0, force=True)
    assert any(isinstance(h, SignedHead) and h.chain == chain_name(post.id) for h in made)
    _rewrite(session, DutyEntry, chain_name(post.id), 2, text="nothing happened")
    [report] = [r for r in duty_log.verify_all(session) if r.chain == chain_name(post.id)]
    assert report.ok
    [report] = [
        r for r in duty_log.verify_all(session, key=KEY.public_key()) if r.chain == chain_name(post.id)
    ]
    assert report.broken is not None and "entries 1..4 were rewritten" in report.broken.reason


def test_checkpoints_are_due_every_n_entries_and_every_hour(session: Session) -> None:
    now = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    audit.record(session, actor=ACTOR, action="x", now=now)
    sign_due(session, key=KEY, every_entries=3, every=HOUR, now=now, force=True)
    audit.record(session, actor=ACTOR, action="x", now=now)

    def due(at: dt.datetime) -> bool:
        return any(
            h.chain == AUDIT_CHAIN for h in sign_due(session, key=KEY, every_entries=3, every=HOUR, now=at)
        )

    assert not due(now + dt.timedelta(minutes=5))
    for _ in range(2):
        audit.record(session, actor=ACTOR, action="x", now=now)
    assert due(now + dt.timedelta(minutes=6))  # three entries since the last checkpoint
    audit.record(session, actor=ACTOR, action="x", now=now)
    assert not due(now + dt.timedelta(minutes=30))
    assert due(now + dt.timedelta(minutes=67))  # an hour since the last one
