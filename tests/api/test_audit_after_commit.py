"""A state-changing request counts as audited only once its transaction committed: when the commit fails,
the middleware still writes the `failed` row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from access.audit.models import AuditEntry
from access.roles import Role
from shift_logs.rules.model import default_rules
from shift_logs.rules.models import DutyRuleVersion
from tests.conftest import Env


def test_a_failed_commit_still_leaves_a_failed_audit_row(env: Env) -> None:
    admin = env.user(Role.ADMIN)
    factory = env.app.state.ctx.session_factory
    failures = [OperationalError("COMMIT", {}, Exception("disk I/O error"))]

    def mark(session: Session, *_: Any) -> None:
        if any(isinstance(o, DutyRuleVersion) for o in session.new):
            session.info["fail"] = True

    def fail_once(session: Session) -> None:
        if failures and session.info.pop("fail", False):
            raise failures.pop()

    event.listen(factory, "before_flush", mark)
    event.listen(factory, "before_commit", fail_once)
    try:
        rules: dict[str, Any] = default_rules().model_dump(mode="json")["rules"]
        rules["inactivity"]["params"]["minutes"] = 10
        body = {"rules": rules, "reason": "night shifts"}
        response = env.client.put("/api/v1/duty-rules", json=body, headers=env.token(admin))
    finally:
        event.remove(factory, "before_commit", fail_once)
        event.remove(factory, "before_flush", mark)
    assert response.status_code >= 500 and not failures
    with env.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "duty_rules.put")).all()
        assert [(r.outcome, r.actor) for r in rows] == [("failed", admin.username)]
