"""Pooled PostgreSQL connections are pinged only after they sat idle (`db.session.PING_IDLE_S`): a connection in
steady use costs no extra round trip per request, and one whose server process went away while it was idle is
replaced before the request uses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

from db import session as db_session
from db.session import make_engine
from tests.conftest import _pg_conninfo, make_settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, list[int]]]:
    """An engine of its own on the run's database, and the list its pings are counted in."""
    eng = make_engine(make_settings(pg_url).database)
    pings: list[int] = []
    real_ping = eng.dialect.do_ping

    def counted(dbapi_conn: Any) -> bool:
        pings.append(1)
        return bool(real_ping(dbapi_conn))

    monkeypatch.setattr(eng.dialect, "do_ping", counted)
    yield eng, pings
    eng.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")) or 0)


def test_a_connection_in_steady_use_is_not_pinged(engine: tuple[Engine, list[int]]) -> None:
    eng, pings = engine
    first = _backend_pid(eng)
    for _ in range(5):
        assert _backend_pid(eng) == first  # the same pooled connection each time
    assert pings == []


def test_a_connection_whose_server_went_away_while_idle_is_replaced(
    engine: tuple[Engine, list[int]], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng, pings = engine
    gone = _backend_pid(eng)
    with psycopg.connect(_pg_conninfo(pg_url), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (gone,))
    monkeypatch.setattr(db_session, "PING_IDLE_S", 0.0)  # as if it had sat idle for a while
    fresh = _backend_pid(eng)  # no error: the failed ping replaced the connection
    assert fresh != gone
    assert pings == [1]
