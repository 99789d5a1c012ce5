"""When a long-lived stream (SSE) checks that the session or token it was opened with still lives."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio

from api.notify import SESSIONS, Notifier

__all__ = ["SessionWatch"]


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
