"""A separate process that appends duty-log entries to one post, for the concurrent-writer tests and bench."""

from __future__ import annotations

import sys

from config.settings import DatabaseSettings
from core.clock import utcnow
from db.session import make_engine, make_session_factory, session_scope
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind


def append_many(url: str, post_id: int, writer: int, count: int) -> None:
    """Append `count` entries to the post's duty log, one transaction each."""
    engine = make_engine(DatabaseSettings(url=url))
    factory = make_session_factory(engine)
    for i in range(count):
        with session_scope(factory) as session:
            duty_log.append(
                session,
                post_id=post_id,
                kind=EntryKind.OBSERVATION,
                text=f"writer {writer} entry {i}",
                author=None,
                now=utcnow(),
            )
    engine.dispose()


if __name__ == "__main__":
    append_many(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
