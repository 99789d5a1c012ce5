"""`GET /api/v1/audit/verify` checks the signed checkpoints too: a rewrite with every hash recomputed is
reported, naming the entries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, text

from access.audit.models import AuditEntry
from access.roles import Role
from core.clock import utcnow
from core.hashchain import GENESIS, link_hash
from db.chain import ChainHead
from db.session import make_session_factory
from runtime.checkpoints import checkpoint_chains
from tests.support.app_env import Env


def test_audit_verify_over_http_names_a_rewrite_the_hashes_alone_miss(
    make_env: Callable[..., Env], tmp_path: Path
) -> None:
    env = make_env(data_dir=tmp_path)
    supervisor = env.token(env.user(Role.SUPERVISOR, username="sun"))
    env.user(Role.OPERATOR, username="olga")
    env.login("olga")
    env.login("olga")  # two audited sign-ins
    assert checkpoint_chains(env.settings, make_session_factory(env.engine), now=utcnow(), force=True)
    assert env.client.get("/api/v1/audit/verify", headers=supervisor).json()["ok"] is True
    with env.session() as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        prev = GENESIS
        for entry in s.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
            entry.actor = "nobody" if entry.seq == 1 else entry.actor
            entry.prev_hash, entry.hash = prev, link_hash(prev, entry.seq, entry.chain_content())
            prev = entry.hash
        head = s.get(ChainHead, "audit")
        assert head is not None
        head.hash = prev
    result = env.client.get("/api/v1/audit/verify", headers=supervisor).json()
    assert result["ok"] is False and result["broken_at"] == 1
    assert "rewritten after the checkpoint signed" in result["reason"]
