"""Engines and sessions: one transaction per request or job; services flush, never commit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from config.settings import DatabaseSettings
from core.errors import Unavailable

__all__ = ["SessionFactory", "check_connection", "make_engine", "make_session_factory", "session_scope"]

SessionFactory = sessionmaker[Session]
# a pooled PostgreSQL connection idle longer than this is pinged before use; one in steady use is not
PING_IDLE_S = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling for the connections that may have gone stale: those idle for
    `PING_IDLE_S` or more (SQLAlchemy's `pool_pre_ping` pings on every checkout: a round trip per request,
    measured in `bench.api_load`). A connection that fails the ping is replaced; one that dies in the few
    seconds after its last use fails that request (503) and the pool is invalidated, as without the ping."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < PING_IDLE_S:
            return  # a new connection, or one that worked a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("the pooled connection is gone") from exc


def _prepare_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE so that writers queue instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(db: DatabaseSettings, *, base_dir: Path | None = None) -> Engine:
    """Create the engine for `db.url`; relative SQLite paths are resolved against `base_dir`."""
    url = make_url(db.url.get_secret_value())
    kwargs: dict[str, Any] = {"echo": db.echo, "pool_pre_ping": True}
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:":
            path = Path(database)
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            path.parent.mkdir(parents=True, exist_ok=True)
            url = url.set(database=str(path))
        kwargs["connect_args"] = {"timeout": db.connect_timeout_s, "check_same_thread": False}
        engine = create_engine(url, **kwargs)
        _prepare_sqlite(engine)
        return engine
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    kwargs["connect_args"] = {"connect_timeout": max(1, int(db.connect_timeout_s))}
    kwargs["pool_size"] = db.pool_size
    kwargs["pool_pre_ping"] = False
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def make_session_factory(engine: Engine) -> SessionFactory:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception."""
    with factory.begin() as session:
        yield session


def check_connection(engine: Engine) -> None:
    """Raise Unavailable with a plain reason if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise Unavailable(f"database unreachable: {reason}") from exc
