"""One reader per API process for the camera-state stream (`GET /api/v1/cameras/stream`), as
`api.alert_feed` is for the alert stream: on a wake-up (a `controlroom_cameras` notification, the fallback
timer, or SQLite's timer) the states of every enabled camera are read and encoded once, and every stream of
the process sends that frame. A stream only ever gets a state read after the wake-up it waited for (never
an older one), and sends a frame only when the states differ from what it sent last.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import anyio

from api.notify import CAMERAS, SESSIONS, Notifier
from api.session_watch import SessionWatch
from db.session import SessionFactory, session_scope
from devices.camera import service as cameras
from devices.camera.schemas import CameraHealthRead

__all__ = ["CameraStates", "camera_events", "read_states"]


def read_states(factory: SessionFactory) -> str:
    """The health, owning worker and decode mode of every enabled camera, as JSON."""
    with session_scope(factory) as session:
        rows, _ = cameras.list_(session, limit=10_000, offset=0, enabled=True)
        return json.dumps([CameraHealthRead.model_validate(c).model_dump(mode="json") for c in rows])


class CameraStates:
    """The latest camera states of this process, read at most once per wake-up for all its streams."""

    def __init__(self, factory: SessionFactory, notifier: Notifier, *, poll_s: float = 3.0) -> None:
        self.factory, self.notifier, self.poll_s = factory, notifier, poll_s
        self.reads = 0  # database reads so far (for tests and benchmarks)
        self._lock: anyio.Lock | None = None
        self._generation = -1  # the notification generation the cached read started after
        self._read_at = float("-inf")
        self._frame = b""

    def _fresh_for(self, generation: int) -> bool:
        """True when the cached read started after `generation` was seen, within the timer's period (so a
        timer wake-up, which carries no notification, still reads again once per period)."""
        period = self.notifier.fallback_s if self.notifier.listening else self.poll_s
        return self._generation >= generation and time.monotonic() - self._read_at < period * 0.5

    async def frame(self, generation: int) -> bytes:
        """The SSE frame of the states as read after notification `generation` (read now if no stream of
        this process has read since)."""
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            if not self._fresh_for(generation):
                started, seen = time.monotonic(), self.notifier.generation(CAMERAS)
                data = await anyio.to_thread.run_sync(read_states, self.factory)
                self.reads += 1
                self._frame = f"event: cameras\ndata: {data}\n\n".encode()
                self._generation, self._read_at = seen, started
            return self._frame


async def camera_events(
    states: CameraStates, *, heartbeat_s: float = 15.0, watch: SessionWatch | None = None
) -> AsyncIterator[bytes]:
    """Yield the camera states as an SSE frame whenever they change (woken by the database's notifications;
    every `poll_s` on SQLite), and a comment line as a heartbeat; end with an `ended` event once `watch` says
    the caller's session or token ended."""
    notifier, previous = states.notifier, b""
    last_beat = time.monotonic()
    yield b"retry: 2000\n\n"
    while True:
        if watch is not None and await watch.ended():
            yield b"event: ended\ndata: your session has ended; sign in again\n\n"
            return
        seen = notifier.generation(CAMERAS)
        frame = await states.frame(seen)
        if frame != previous:
            previous = frame
            yield frame
        if time.monotonic() - last_beat > heartbeat_s:
            last_beat = time.monotonic()
            yield b": keep-alive\n\n"
        waits = {CAMERAS: seen} if watch is None else {CAMERAS: seen, SESSIONS: watch.seen}
        within = heartbeat_s if watch is None else min(heartbeat_s, watch.wait_s())
        await notifier.wait_any(waits, within_s=within, poll_s=states.poll_s)
