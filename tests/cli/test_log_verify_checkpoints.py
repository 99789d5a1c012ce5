"""Issue 17, finding 7, exactly as reported: with the triggers dropped, a duty-log entry changed and every
later hash and the chain head recomputed, `controlroom log verify` used to pass. With a signed checkpoint
(`controlroom audit checkpoint`, the site key outside the database) it names the rewrite, also when the
stored checkpoints are deleted too (the checkpoint file still has them)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select

from config.settings import DatabaseSettings
from core.hashchain import GENESIS, link_hash
from db.chain import ChainHead
from db.session import make_engine, make_session_factory, session_scope
from shift_logs.duty_log.models import DutyEntry, chain_name
from tests.cli.test_admin_cli import db, run
from tests.cli.test_log_cli import _write

__all__ = ["db"]


def _rewrite(path: Path, chain: str, seq: int) -> None:
    """What the finding describes: triggers dropped, one entry changed, every later hash and the head redone."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER duty_log_no_update")
        conn.execute("DELETE FROM chain_checkpoints")
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{path}"))
    with session_scope(make_session_factory(engine)) as s:
        prev = GENESIS
        for entry in s.scalars(select(DutyEntry).where(DutyEntry.chain == chain).order_by(DutyEntry.seq)):
            if entry.seq == seq:
                entry.text = "nothing happened"
            entry.prev_hash = prev
            entry.hash = prev = link_hash(prev, entry.seq, entry.chain_content())
        head = s.get(ChainHead, chain)
        assert head is not None
        head.hash = prev
    engine.dispose()


def test_log_verify_names_a_rewrite_with_every_hash_recomputed(db: Path, tmp_path: Path) -> None:
    env = {"CONTROLROOM_DATA_DIR": str(tmp_path / "site")}
    post_id = _write(db, 5)
    signed = run("audit", "checkpoint", db=db, env=env)
    assert signed.returncode == 0, signed.stderr
    assert run("log", "verify", db=db, env=env).returncode == 0
    _rewrite(db, chain_name(post_id), 3)
    elsewhere = {"CONTROLROOM_DATA_DIR": str(tmp_path / "elsewhere")}  # no key, no checkpoint file
    unkeyed = run("log", "verify", db=db, env=elsewhere)
    assert unkeyed.returncode == 0, "the plain hash chain cannot tell a full rewrite"
    broken = run("log", "verify", db=db, env=env)
    assert broken.returncode == 1, broken.stdout
    assert "entries 1..5 were rewritten after the checkpoint signed" in broken.stderr, broken.stderr
