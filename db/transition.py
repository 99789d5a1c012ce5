"""Race-free state transitions: the one place every domain locks a row, checks its state, then changes it.

A transition reads the row with `SELECT ... FOR UPDATE` (PostgreSQL) and re-reads it from the database even
when the session has it cached, so concurrent callers queue on the row and each sees the state its predecessor
committed: exactly one finds the expected state, the others get `InvalidTransition` (409) naming the current
state. On SQLite, writers are serialised by `BEGIN IMMEDIATE` (see `db.session`), so the same read is safe.

Counters that must not lose increments (login lockout) read their row through `lock` too: the read, the
increment and the write happen while the row is locked, so no failure is lost or counted twice.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.errors import InvalidTransition, NotFound

__all__ = ["claim", "lock", "serialize", "state_name"]

T = TypeVar("T")


def state_name(value: object) -> str:
    """The plain name of a state value (an enum's value, or the value itself)."""
    return str(value.value) if isinstance(value, enum.Enum) else str(value)


def lock(session: Session, model: type[T], ident: Any) -> T | None:
    """The row with primary key `ident`, locked until this transaction ends and freshly read; None if absent."""
    return session.get(model, ident, with_for_update=True, populate_existing=True)


def serialize(session: Session, key: str) -> None:
    """One writer at a time for `key` until this transaction ends (a PostgreSQL advisory lock).

    For work that has no row to lock yet (numbering a new version, counting sign-in failures). SQLite writers
    are already serialised by `BEGIN IMMEDIATE`.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def claim(
    session: Session,
    model: type[T],
    ident: Any,
    *,
    state: Callable[[T], object],
    allowed: Callable[[T], bool],
    missing: Callable[[], NotFound],
    refuse: Callable[[T, str], InvalidTransition] | None = None,
) -> T:
    """Lock the row and return it if `allowed(row)`; else raise `refuse(row, current)` (409 naming the state).

    `state(row)` names the current state for the refusal; `missing()` builds the 404 when there is no row.
    The caller changes the row and flushes inside the same transaction; nobody else can step in between.
    """
    row = lock(session, model, ident)
    if row is None:
        raise missing()
    if allowed(row):
        return row
    current = state_name(state(row))
    error = (
        refuse(row, current)
        if refuse is not None
        else InvalidTransition(f"{model.__name__.lower()} {ident} is {current}")
    )
    if error.detail is None:
        error.detail = {"state": current}
    elif isinstance(error.detail, dict):
        error.detail.setdefault("state", current)
    raise error
