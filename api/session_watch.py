"""When a long-lived stream (SSE) checks that the session or token it was opened with still lives."""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import TYPE_CHECKING

import anyio

from access import tokens
from api.notify import SESSIONS, Notifier
from db.session import session_scope

Chunk = str | bytes | memoryview  # what a Starlette StreamingResponse sends

if TYPE_CHECKING:
    import datetime as dt

    from access.users.models import AuthToken
    from db.session import SessionFactory

__all__ = ["SessionWatch", "until_ended", "watch_token"]


class SessionWatch:
    """When a stream checks that its session or token still lives: when the database notifies that a session
    ended or a user was disabled, when it expires (`ends_at`, monotonic), and otherwise every `fallback_s`;
    without a listening connection (SQLite, or the connection is lost) every `every_s`."""

    def __init__(
        self,
        alive: Callable[[], bool],
        notifier: Notifier | None,
        *,
        every_s: float,
        fallback_s: float,
        ends_at: float | None,
    ) -> None:
        self.alive, self.notifier = alive, notifier
        self.every_s, self.fallback_s, self.ends_at = every_s, fallback_s, ends_at
        self.seen = self._generation()
        self.last = time.monotonic()

    def _generation(self) -> int:
        return self.notifier.generation(SESSIONS) if self.notifier is not None else 0

    def _period(self) -> float:
        listening = self.notifier is not None and self.notifier.listening
        return self.fallback_s if listening else self.every_s

    async def ended(self) -> bool:
        """Check the session if a check is due; True when it has ended."""
        now = time.monotonic()
        expired = self.ends_at is not None and now >= self.ends_at
        if not (self._generation() != self.seen or expired or now - self.last >= self._period()):
            return False
        self.seen, self.last = self._generation(), now
        if not await anyio.to_thread.run_sync(self.alive):
            return True
        if expired:  # still live by the database's clock: look again shortly
            self.ends_at = now + self.every_s
        return False

    def wait_s(self) -> float:
        """Seconds until the next check is due at the latest."""
        due = self.last + self._period()
        if self.ends_at is not None:
            due = min(due, self.ends_at)
        return max(due - time.monotonic(), 0.0)


def watch_token(
    factory: SessionFactory,
    now: Callable[[], dt.datetime],
    token: AuthToken,
    notifier: Notifier | None,
    *,
    every_s: float = 2.0,
    fallback_s: float = 60.0,
) -> SessionWatch:
    """The watch of a stream opened with `token` (a console session or a bearer token): it ends with the
    token's logout, revocation or expiry, or its user being disabled. `now` reads the app's clock."""
    token_id = token.id
    ends_at = time.monotonic() + (token.expires_at - now()).total_seconds()  # checked then

    def alive() -> bool:
        with session_scope(factory) as session:
            return tokens.is_live(session, token_id=token_id, now=now())

    return SessionWatch(alive, notifier, every_s=every_s, fallback_s=fallback_s, ends_at=ends_at)


async def until_ended(chunks: AsyncIterable[Chunk], watch: SessionWatch) -> AsyncIterator[Chunk]:
    """Pass a live stream's chunks on until `watch` says its session ended: live video ends with the
    session, as the SSE streams do (checked before each chunk; live streams send chunks all the time)."""
    try:
        async for chunk in chunks:
            if await watch.ended():
                return
            yield chunk
    finally:
        close = getattr(chunks, "aclose", None)
        if close is not None:
            await close()
