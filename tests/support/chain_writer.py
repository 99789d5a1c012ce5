"""A separate process that appends audit entries, for the concurrent-writer tests."""

from __future__ import annotations

import sys

from access.audit import service as audit
from config.settings import DatabaseSettings
from core.actor import Actor
from core.clock import utcnow
from db.session import make_engine, make_session_factory, session_scope


def append_many(url: str, writer: int, count: int) -> None:
    """Append `count` audit entries, one transaction each."""
    engine = make_engine(DatabaseSettings(url=url))
    factory = make_session_factory(engine)
    actor = Actor(id=None, name=f"writer{writer}")
    for i in range(count):
        with session_scope(factory) as session:
            audit.record(session, actor=actor, action="test.concurrent", target=f"{writer}:{i}", now=utcnow())
    engine.dispose()


if __name__ == "__main__":
    append_many(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
