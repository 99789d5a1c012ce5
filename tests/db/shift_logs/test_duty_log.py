"""The duty log: numbered without gaps per post, append-only, corrections as new entries, tampering caught."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from access.roles import Role
from db.chain import append_only_ddl
from db.session import make_engine, make_session_factory, session_scope
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.errors import DutyEntryNotFound, InvalidCorrection
from shift_logs.duty_log.models import DutyEntry, EntryKind
from tests.conftest import make_settings
from tests.factories.access import make_user
from tests.factories.shift_logs import T0, make_post
from tests.support.own_pg import own_pg_url

__all__ = ["own_pg_url"]  # the fixture, imported for pytest


def _write(session: Session, post_id: int, n: int, start: dt.datetime = T0) -> list[DutyEntry]:
    author = make_user(session)
    return [
        duty_log.append(
            session,
            post_id=post_id,
            kind=EntryKind.OBSERVATION,
            text=f"entry {i}: 可疑人员 at gate",
            author=author,
            now=start + dt.timedelta(minutes=i),
        )
        for i in range(n)
    ]


def _tamper(session: Session, sql: str, **params: object) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("ALTER TABLE duty_log DISABLE TRIGGER USER"))
    else:
        for statement in append_only_ddl("duty_log", dialect)[1]:
            session.execute(text(statement))
    session.execute(text(sql), params)
    session.expire_all()


def test_each_post_has_its_own_gapless_chain(session: Session) -> None:
    a, b = make_post(session), make_post(session)
    first = _write(session, a.id, 3)
    second = _write(session, b.id, 2)
    assert [e.seq for e in first] == [1, 2, 3] and [e.seq for e in second] == [1, 2]
    assert first[1].prev_hash == first[0].hash
    assert duty_log.verify(session, post_id=a.id).ok
    assert duty_log.head(session, post_id=a.id).seq == 3  # type: ignore[union-attr]


def test_update_and_delete_are_refused_by_the_database(session: Session) -> None:
    entry = _write(session, make_post(session).id, 1)[0]
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE duty_log SET text = 'x' WHERE id = :id"), {"id": entry.id})
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM duty_log WHERE id = :id"), {"id": entry.id})


def test_a_correction_is_a_new_entry_pointing_at_the_original(session: Session) -> None:
    post = make_post(session)
    original = _write(session, post.id, 1)[0]
    leader = make_user(session, roles=(Role.SHIFT_LEADER,))
    fix = duty_log.correct(session, entry_id=original.id, text="it was the east gate", author=leader, now=T0)
    assert fix.kind is EntryKind.CORRECTION and fix.corrects_id == original.id and fix.seq == 2
    assert original.text.startswith("entry 0")
    with pytest.raises(InvalidCorrection):
        duty_log.correct(session, entry_id=fix.id, text="again", author=leader, now=T0)
    with pytest.raises(DutyEntryNotFound):
        duty_log.correct(session, entry_id=999_999, text="x", author=leader, now=T0)


def test_altered_entry_is_named(session: Session) -> None:
    post = make_post(session)
    entries = _write(session, post.id, 4)
    _tamper(session, "UPDATE duty_log SET text = 'nothing happened' WHERE id = :id", id=entries[2].id)
    report = duty_log.verify(session, post_id=post.id)
    assert report.broken is not None and report.broken.seq == 3 and "altered" in report.broken.reason
    assert any(not r.ok and r.chain == f"duty:{post.id}" for r in duty_log.verify_all(session))


def test_removed_entry_and_removed_tail_are_named(session: Session) -> None:
    post = make_post(session)
    entries = _write(session, post.id, 4)
    _tamper(session, "DELETE FROM duty_log WHERE id = :id", id=entries[3].id)
    report = duty_log.verify(session, post_id=post.id)
    assert report.broken is not None and "chain head" in report.broken.reason
    _tamper(session, "DELETE FROM duty_log WHERE id = :id", id=entries[1].id)
    report = duty_log.verify(session, post_id=post.id)
    assert report.broken is not None and report.broken.seq == 2 and "missing" in report.broken.reason


def test_list_filters_by_post_kind_author_time_and_text(session: Session) -> None:
    post = make_post(session)
    entries = _write(session, post.id, 5)
    rows, total = duty_log.list_(session, limit=2, offset=0, post_id=post.id)
    assert total == 5 and [r.id for r in rows] == [entries[4].id, entries[3].id]
    rows, total = duty_log.list_(
        session,
        limit=10,
        offset=0,
        post_id=post.id,
        since=T0 + dt.timedelta(minutes=1),
        until=T0 + dt.timedelta(minutes=3),
    )
    assert total == 2
    _, total = duty_log.list_(session, limit=10, offset=0, post_id=post.id, kind=EntryKind.CALL)
    assert total == 0
    _, total = duty_log.list_(session, limit=10, offset=0, post_id=post.id, text="entry 4")
    assert total == 1
    _, total = duty_log.list_(session, limit=10, offset=0, author=entries[0].author)
    assert total == 5


def _concurrent(url: str, engine: Engine, writers: int, each: int) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        post_id = make_post(s).id
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.duty_writer", url, str(post_id), str(w), str(each)]
        )
        for w in range(writers)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    with session_scope(factory) as s:
        report = duty_log.verify(s, post_id=post_id)
        head = duty_log.head(s, post_id=post_id)
    assert report.ok, str(report.broken)
    assert report.checked == writers * each and head is not None and head.seq == writers * each


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_writer_processes_never_fork_or_gap_on_postgresql(own_pg_url: str) -> None:
    # A database of its own: the post it commits would otherwise be the run's one catch-all post.
    engine = make_engine(make_settings(own_pg_url).database)
    try:
        _concurrent(own_pg_url, engine, writers=6, each=40)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_concurrent_writer_processes_never_fork_or_gap_on_sqlite(sqlite_url: str) -> None:
    engine = make_engine(make_settings(sqlite_url).database)
    _concurrent(sqlite_url, engine, writers=4, each=25)
    engine.dispose()
