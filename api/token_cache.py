"""A short per-process cache of the tokens that requests present, so that most requests do not look their
token, user and roles up again (one round trip and the ORM rows of three tables; measured in-process on
PostgreSQL, 2026-12-03: 17.7 vs 18.9 ms CPU per alert-queue request, test client included).

What is cached is the stored values (`access.auth.snapshot`), never an object of another request's session;
every request still judges expiry, idleness, revocation and a disabled user on them at its own time
(`auth.check_token`). How stale they may be:
- a write by this process to `auth_tokens`, `users` or `user_roles` (a sign-out, a revocation, a disabled
  user, a role change: any UPDATE, DELETE or INSERT there, by the ORM or a plain statement) empties the cache
  before it is sent to the database;
- on PostgreSQL, a session or token that ends or a user disabled in another process empties it as soon as
  the notification arrives (`controlroom_sessions`, while this process listens: see `api.notify`);
- otherwise an entry lives at most `TTL_S`: a revocation elsewhere takes effect here within a second, and
  so does a role change made by another process.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import Engine, event

from access.auth import TokenSnapshot
from access.users.models import TokenKind
from api.notify import SESSIONS, Notifier

__all__ = ["TTL_S", "TokenCache"]

TTL_S = 1.0
_WRITES = ("update", "delete", "insert")
_TABLES = ("auth_tokens", "users", "user_roles")


def _touches_auth(statement: str) -> bool:
    head = statement.lstrip()[:48].lower()
    return head.startswith(_WRITES) and any(table in head for table in _TABLES)


class TokenCache:
    """Token snapshots by kind and hash, each valid for `ttl_s` while nothing above says otherwise."""

    def __init__(
        self, engine: Engine, notifier: Notifier | None, *, ttl_s: float = TTL_S, max_entries: int = 4096
    ) -> None:
        self.notifier, self.ttl_s, self.max_entries = notifier, ttl_s, max_entries
        self._entries: dict[tuple[TokenKind, str], tuple[TokenSnapshot, float, tuple[int, int]]] = {}
        self._local = 0  # bumped on every write of this process to the tables a token is judged on
        self._lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._on_statement)

    def _on_statement(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if _touches_auth(statement):
            with self._lock:
                self._local += 1
                self._entries.clear()

    def _generation(self) -> tuple[int, int]:
        remote = self.notifier.generation(SESSIONS) if self.notifier is not None else 0
        return self._local, remote

    def get(self, kind: TokenKind, token_hash: str) -> TokenSnapshot | None:
        """The snapshot of this token, if one was taken less than `ttl_s` ago and nothing ended since."""
        entry = self._entries.get((kind, token_hash))
        if entry is None:
            return None
        snap, at, generation = entry
        if time.monotonic() - at >= self.ttl_s or generation != self._generation():
            return None
        return snap

    def generation(self) -> tuple[int, int]:
        """Read before looking a token up in the database: `put` keeps the result only if this is unchanged."""
        return self._generation()

    def put(self, kind: TokenKind, token_hash: str, snap: TokenSnapshot, generation: tuple[int, int]) -> None:
        """Keep `snap`, unless a write or notification came between `generation` and now."""
        with self._lock:
            if generation != self._generation():
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[(kind, token_hash)] = (snap, time.monotonic(), generation)
