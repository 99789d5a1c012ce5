"""The audit log is append-only and hash-chained; tampering behind the app's back is detected."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from access.audit import service as audit
from access.audit.models import AuditEntry
from core.actor import Actor
from db.chain import append_only_ddl
from db.session import make_session_factory, session_scope

ACTOR = Actor(id=None, name="tester", client="127.0.0.1", request_id="r1")
NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def _append(session: Session, n: int) -> list[AuditEntry]:
    return [
        audit.record(
            session,
            actor=ACTOR,
            action="test.action",
            target=f"thing:{i}",
            detail={"i": i, "名": "值"},
            now=NOW,
        )
        for i in range(n)
    ]


def _disable_triggers(session: Session) -> None:
    dialect = session.get_bind().dialect.name
    _, drop = append_only_ddl("audit_log", dialect)
    if dialect == "postgresql":
        session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    else:
        for statement in drop:
            session.execute(text(statement))


def test_entries_are_numbered_without_gaps_and_verify(session: Session) -> None:
    start = audit.verify(session).checked
    entries = _append(session, 5)
    assert [e.seq for e in entries] == list(range(start + 1, start + 6))
    assert entries[1].prev_hash == entries[0].hash
    result = audit.verify(session)
    assert result.ok and result.checked == start + 5


def test_update_is_rejected_by_trigger(session: Session) -> None:
    entry = _append(session, 1)[0]
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE audit_log SET action = 'x' WHERE id = :id"), {"id": entry.id})


def test_delete_is_rejected_by_trigger(session: Session) -> None:
    entry = _append(session, 1)[0]
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": entry.id})


def test_altered_row_is_reported(session: Session) -> None:
    entries = _append(session, 4)
    victim_id, victim_seq = entries[2].id, entries[2].seq
    _disable_triggers(session)
    session.execute(text("UPDATE audit_log SET outcome = 'refused' WHERE id = :id"), {"id": victim_id})
    session.expire_all()
    result = audit.verify(session)
    assert result.broken is not None
    assert result.broken.seq == victim_seq
    assert "altered" in result.broken.reason


def test_removed_row_is_reported(session: Session) -> None:
    entries = _append(session, 4)
    victim_id, victim_seq = entries[1].id, entries[1].seq
    _disable_triggers(session)
    session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": victim_id})
    session.expire_all()
    result = audit.verify(session)
    assert result.broken is not None and result.broken.seq == victim_seq
    assert "missing" in result.broken.reason


def test_removed_last_row_is_reported_against_the_chain_head(session: Session) -> None:
    entries = _append(session, 3)
    _disable_triggers(session)
    session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": entries[-1].id})
    session.expire_all()
    result = audit.verify(session)
    assert result.broken is not None and "chain head" in result.broken.reason


def test_reordered_rows_are_reported(session: Session) -> None:
    a, b = _append(session, 2)
    a_seq = a.seq
    _disable_triggers(session)
    # swap the two rows' sequence numbers through a free number
    session.execute(text("UPDATE audit_log SET seq = -1 WHERE id = :id"), {"id": a.id})
    session.execute(text("UPDATE audit_log SET seq = :s WHERE id = :id"), {"s": a.seq, "id": b.id})
    session.execute(text("UPDATE audit_log SET seq = :s WHERE id = :id"), {"s": b.seq, "id": a.id})
    session.expire_all()
    result = audit.verify(session)
    assert result.broken is not None and result.broken.seq == a_seq


def test_list_pages_newest_first_and_filters(session: Session) -> None:
    _append(session, 3)
    audit.record(session, actor=ACTOR, action="auth.login", target="user:1", now=NOW)
    rows, total = audit.list_(session, limit=2, offset=0, action="test.")
    assert total >= 3 and len(rows) == 2
    assert rows[0].seq > rows[1].seq
    rows, _ = audit.list_(session, limit=10, offset=0, action="auth.login")
    assert all(r.action == "auth.login" for r in rows)


def _concurrent_writers(url: str, engine: Engine, writers: int, each: int) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.support.chain_writer", url, str(w), str(each)])
        for w in range(writers)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    with session_scope(factory) as s:
        result = audit.verify(s)
        after = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    assert after - before == writers * each
    assert result.ok, str(result.broken)
    assert result.checked == after


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_writer_processes_keep_one_chain_on_postgresql(pg_url: str, pg_engine: Engine) -> None:
    _concurrent_writers(pg_url, pg_engine, writers=4, each=40)


@pytest.mark.slow
def test_concurrent_writer_processes_keep_one_chain_on_sqlite(sqlite_url: str) -> None:
    from db.session import make_engine
    from tests.conftest import make_settings

    engine = make_engine(make_settings(sqlite_url).database)
    _concurrent_writers(sqlite_url, engine, writers=4, each=25)
    engine.dispose()
