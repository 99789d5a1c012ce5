"""`controlroom log verify` and `log scan`, run as a user would run them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from config.settings import DatabaseSettings
from db.session import make_engine, make_session_factory, session_scope
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from tests.cli.test_admin_cli import db, run
from tests.factories.shift_logs import make_post

__all__ = ["db"]


def _write(path: Path, n: int) -> int:
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{path}"))
    with session_scope(make_session_factory(engine)) as s:
        post = make_post(s)
        for i in range(n):
            now = dt.datetime(2026, 11, 25, 8, i, tzinfo=dt.UTC)
            duty_log.append(s, post_id=post.id, kind=EntryKind.CALL, text=f"call {i}", author=None, now=now)
        post_id = post.id
    engine.dispose()
    return post_id


def test_log_verify_passes_then_names_the_altered_entry(db: Path) -> None:
    post_id = _write(db, 5)
    ok = run("log", "verify", db=db)
    assert ok.returncode == 0, ok.stderr
    assert "1 logs, 5 entries verified" in ok.stdout
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER duty_log_no_update")
        conn.execute("UPDATE duty_log SET text = 'no call' WHERE seq = 3")
    broken = run("log", "verify", db=db)
    assert broken.returncode == 1
    assert f"duty log duty:{post_id} BROKEN at entry 3: content does not match its hash" in broken.stderr


def test_log_scan_once_exits_cleanly(db: Path) -> None:
    result = run("log", "scan", db=db)
    assert result.returncode == 0, result.stderr
