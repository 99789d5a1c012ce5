"""Several processes starting at once on an empty PostgreSQL database import the rule file exactly once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from core.clock import utcnow
from db.session import make_engine, make_session_factory, session_scope
from shift_logs.rules import store
from shift_logs.rules.model import default_rules
from shift_logs.rules.models import DutyRuleVersion
from tests.conftest import make_settings
from tests.support.own_pg import own_pg_url

__all__ = ["own_pg_url"]

pytestmark = [pytest.mark.postgres]

STARTERS = 6


def test_processes_starting_together_store_the_rule_file_once(own_pg_url: str) -> None:
    engine = make_engine(make_settings(own_pg_url).database)
    factory = make_session_factory(engine)
    rules = default_rules()
    gate = threading.Barrier(STARTERS)
    stored: list[int] = []
    errors: list[BaseException] = []

    def start() -> None:
        gate.wait()
        try:
            with session_scope(factory) as session:
                row = store.sync_from_file(session, rules, now=utcnow())
                if row is not None:
                    stored.append(row.version)
        except BaseException as exc:  # collected: a failed start is the finding
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(STARTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        assert stored == [1]
        with session_scope(factory) as session:
            assert session.scalar(select(func.count()).select_from(DutyRuleVersion)) == 1
    finally:
        engine.dispose()
