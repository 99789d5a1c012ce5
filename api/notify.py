"""Wake-ups from the database: one LISTEN connection per API process, fanned out to every SSE client.

On PostgreSQL, triggers `pg_notify` when an alert change is inserted (`controlroom_alerts`), when a
camera's health, lease or decode mode changes (`controlroom_cameras`), and when a session or token ends or
its user is disabled (`controlroom_sessions`); notifications arrive at commit, so
the rows are there to read. A waiter is woken at once; the catch-up read by id stays the source of truth,
and a slow timer remains as a fallback (a missed notification costs at most `fallback_s`). SQLite and a
lost listening connection fall back to the plain timer (`poll_s`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import defaultdict
from collections.abc import Mapping

import anyio
from sqlalchemy import make_url

__all__ = ["ALERTS", "CAMERAS", "SESSIONS", "Notifier"]

log = logging.getLogger(__name__)

ALERTS = "controlroom_alerts"
CAMERAS = "controlroom_cameras"
SESSIONS = "controlroom_sessions"
_CHANNELS = (ALERTS, CAMERAS, SESSIONS)


class Notifier:
    """Counts notifications per channel and wakes the async waiters of this process."""

    def __init__(self, database_url: str, *, fallback_s: float = 5.0, poll_s: float = 0.15) -> None:
        url = make_url(database_url)
        self._conninfo = (
            url.set(drivername="postgresql").render_as_string(hide_password=False)
            if url.get_backend_name() == "postgresql"
            else None
        )
        self.fallback_s, self.poll_s = fallback_s, poll_s
        self._generation: dict[str, int] = defaultdict(int)
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(set)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = False  # True while the LISTEN connection is up

    def generation(self, channel: str) -> int:
        """How many notifications of `channel` arrived so far (read before a catch-up read)."""
        return self._generation[channel]

    async def wait(self, channel: str, *, seen: int, within_s: float, poll_s: float | None = None) -> None:
        """Return when `channel` was notified after generation `seen`, or after the fallback timer (at most
        `within_s`); without a listening connection after the plain timer (`poll_s`, default the
        notifier's), or as soon as the listening connection comes up."""
        await self.wait_any({channel: seen}, within_s=within_s, poll_s=poll_s)

    async def wait_any(
        self, seen: Mapping[str, int], *, within_s: float, poll_s: float | None = None
    ) -> None:
        """`wait` for several channels at once: return on the first notified after its generation in `seen`."""
        self._ensure_started()
        limit = self.fallback_s if self.listening else poll_s or self.poll_s
        event = asyncio.Event()
        entry = (asyncio.get_running_loop(), event)
        with self._lock:
            if any(self._generation[channel] != generation for channel, generation in seen.items()):
                return
            for channel in seen:
                self._waiters[channel].add(entry)
        try:
            with anyio.move_on_after(min(limit, within_s)):
                await event.wait()
        finally:
            with self._lock:
                for channel in seen:
                    self._waiters[channel].discard(entry)

    def _ensure_started(self) -> None:
        if self._conninfo is None or self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._listen_loop, name="db-listen", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Stop listening (the thread notices within a second)."""
        self._stop.set()

    def _listen_loop(self) -> None:
        import psycopg  # PostgreSQL only

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo or "", autocommit=True, connect_timeout=5) as conn:
                    for channel in _CHANNELS:
                        conn.execute(f"LISTEN {channel}")
                    self.listening = True
                    self._wake_all()  # anything missed while not listening: read now
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._wake(note.channel)
            except Exception:
                log.warning("database notifications lost; consoles poll until they are back", exc_info=True)
            self.listening = False
            self._stop.wait(2.0)

    def _wake_all(self) -> None:
        for channel in _CHANNELS:
            self._wake(channel)

    def _wake(self, channel: str) -> None:
        with self._lock:
            self._generation[channel] += 1
            waiters = list(self._waiters[channel])
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # that loop is closed
                loop.call_soon_threadsafe(event.set)
