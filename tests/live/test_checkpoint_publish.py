"""Checkpoints leave the database: the worker job signs the chain heads, appends them to the operator's
file and publishes them as retained MQTT messages (a subscriber that connects later still gets them, on
the real Mosquitto broker); `controlroom audit verify` checks them and names a rewrite."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from access.audit import service as audit
from core.actor import Actor
from core.clock import utcnow
from core.hashchain import GENESIS, link_hash
from db.checkpoints import read_file
from db.session import make_engine, make_session_factory, session_scope
from runtime.cli import app
from runtime.worker import Worker
from tests.conftest import make_settings
from tests.support.mqtt import Subscriber

runner = CliRunner()


def test_checkpoints_go_to_the_file_and_to_retained_mqtt_and_verify_names_a_rewrite(
    sqlite_url: str, tmp_path: Path
) -> None:
    prefix = f"crtest-{tmp_path.name[-8:]}"
    settings = make_settings(
        sqlite_url,
        data_dir=tmp_path,
        mqtt={"enabled": True, "topic_prefix": prefix},
        worker={"enabled": False},
    )
    engine = make_engine(settings.database)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        for i in range(5):
            audit.record(s, actor=Actor.system(), action="user.update", target=f"user:{i}", now=utcnow())
    worker = Worker(settings, factory)
    worker.checkpoint()
    worker.deliver()
    worker.stop()
    [signed] = read_file(settings.chains.file_path(tmp_path))
    assert signed.chain == "audit" and signed.seq == 5
    with Subscriber(prefix) as late:  # subscribed after the publish: the broker kept it
        topic, payload = late.get(timeout=10)
    assert topic == f"{prefix}/checkpoints/audit" and payload["hash"] == signed.hash
    engine.dispose()

    env = {"CONTROLROOM_DATABASE__URL": sqlite_url, "CONTROLROOM_DATA_DIR": str(tmp_path)}
    ok = runner.invoke(app, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and "1 signed checkpoints valid" in ok.output, ok.output
    db = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("DELETE FROM chain_checkpoints")  # and the stored checkpoints, too: the file still has it
    db.commit()
    db.close()
    _recompute_everything(sqlite_url)
    broken = runner.invoke(app, ["audit", "verify"], env=env)
    assert broken.exit_code == 1
    assert "entry 1: entries 1..5 were rewritten after the checkpoint signed" in broken.output


def _recompute_everything(sqlite_url: str) -> None:
    engine = make_engine(make_settings(sqlite_url).database)
    from access.audit.models import AuditEntry
    from db.chain import ChainHead

    with session_scope(make_session_factory(engine)) as s:
        prev = GENESIS
        for entry in s.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
            if entry.seq == 2:
                entry.target = "user:someone-else"
            entry.prev_hash = prev
            entry.hash = prev = link_hash(prev, entry.seq, entry.chain_content())
        head = s.get(ChainHead, "audit")
        assert head is not None
        head.hash, head.updated_at = prev, dt.datetime.now(dt.UTC)
    engine.dispose()
