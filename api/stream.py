"""Server-Sent Events of alert changes (resumable with Last-Event-ID) and of camera states; MJPEG.

The changes live in the database (`alert_changes`), so any API process serves any console and a console
that reconnects gets everything it missed. Ids can commit out of order under concurrent writers; the
cursor therefore only moves over contiguous ids and waits briefly for a gap to fill. On PostgreSQL the
streams sleep until the database notifies them (`api.notify`); the catch-up read stays the truth.
"""

from __future__ import annotations

import json
import logging
import queue
import struct
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator

import anyio

from alerts import service as alerts
from alerts.schemas import AlertRead
from api.context import LiveView
from api.notify import ALERTS, CAMERAS, SESSIONS, Notifier
from db.session import SessionFactory, session_scope
from devices.camera import service as cameras
from devices.camera.schemas import CameraHealthRead

__all__ = [
    "MJPEG_BOUNDARY",
    "WALL_MAX_CAMERAS",
    "AlertCursor",
    "SessionWatch",
    "alert_events",
    "camera_events",
    "mjpeg_frames",
    "mux_live",
]

log = logging.getLogger(__name__)

MJPEG_BOUNDARY = "controlroomframe"

GAP_WAIT_S = 5.0


class AlertCursor:
    """Tracks what was sent: the highest contiguous id, and ids above it already sent."""

    def __init__(self, after: int) -> None:
        self.after = after
        self._sent: set[int] = set()
        self._gap_since: float | None = None

    @property
    def waiting(self) -> bool:
        """True while ids above a gap were sent (the gap may still fill)."""
        return bool(self._sent)

    def fresh(self, ids: list[int]) -> list[int]:
        """The ids not yet sent."""
        return [i for i in ids if i not in self._sent]

    def mark(self, ids: list[int], now: float) -> None:
        """Record sent ids and move the cursor over what is contiguous (or over a gap that stayed empty)."""
        self._sent.update(ids)
        while self.after + 1 in self._sent:
            self.after += 1
            self._sent.discard(self.after)
        if self._sent and self._gap_since is None:
            self._gap_since = now
        elif not self._sent:
            self._gap_since = None
        if self._gap_since is not None and now - self._gap_since > GAP_WAIT_S:
            self.after = min(self._sent) if self._sent else self.after
            self._sent.discard(self.after)
            self._gap_since = None


def _fetch(factory: SessionFactory, after: int) -> list[tuple[int, str]]:
    with session_scope(factory) as session:
        out = []
        for change, alert in alerts.changes_after(session, after=after):
            body = {
                "action": change.action,
                "actor": change.actor,
                "alert": AlertRead.model_validate(alert).model_dump(mode="json"),
            }
            out.append((change.id, json.dumps(body, ensure_ascii=False)))
        return out


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


async def alert_events(
    factory: SessionFactory,
    *,
    after: int,
    notifier: Notifier | None = None,
    poll_s: float = 0.15,
    heartbeat_s: float = 15.0,
    alive: Callable[[], bool] | None = None,
    alive_every_s: float = 2.0,
    alive_fallback_s: float = 60.0,
    ends_at: float | None = None,
) -> AsyncIterator[bytes]:
    """Yield SSE frames of alert changes after `after` until the client goes away, or until `alive()` says
    the caller's session or token has ended (then an `ended` event; see `SessionWatch` for when it is
    asked); woken by the database's notifications where there are any, else every `poll_s`."""
    cursor = AlertCursor(after)
    last_beat = time.monotonic()
    watch = (
        None
        if alive is None
        else SessionWatch(
            alive, notifier, every_s=alive_every_s, fallback_s=alive_fallback_s, ends_at=ends_at
        )
    )
    yield b"retry: 2000\n\n"
    while True:
        if watch is not None and await watch.ended():
            yield b"event: ended\ndata: your session has ended; sign in again\n\n"
            return
        seen = notifier.generation(ALERTS) if notifier else 0
        rows = await anyio.to_thread.run_sync(_fetch, factory, cursor.after)
        fresh = cursor.fresh([i for i, _ in rows])
        for change_id, data in rows:
            if change_id in fresh:
                yield f"id: {change_id}\nevent: alert\ndata: {data}\n\n".encode()
        cursor.mark(fresh, time.monotonic())
        if time.monotonic() - last_beat > heartbeat_s:
            last_beat = time.monotonic()
            yield b": keep-alive\n\n"
        if notifier is None:
            await anyio.sleep(poll_s)
            continue
        # a gap in the ids may be an uncommitted change: look again soon rather than on the fallback
        wait_s = poll_s * 4 if cursor.waiting else heartbeat_s
        channels = {ALERTS: seen}
        if watch is not None:  # a session that ends wakes the stream as well
            channels[SESSIONS] = watch.seen
            wait_s = min(wait_s, watch.wait_s())
        await notifier.wait_any(channels, within_s=wait_s, poll_s=poll_s)


def _camera_states(factory: SessionFactory) -> str:
    with session_scope(factory) as session:
        rows, _ = cameras.list_(session, limit=10_000, offset=0, enabled=True)
        return json.dumps([CameraHealthRead.model_validate(c).model_dump(mode="json") for c in rows])


async def camera_events(
    factory: SessionFactory, *, notifier: Notifier, poll_s: float = 3.0, heartbeat_s: float = 15.0
) -> AsyncIterator[bytes]:
    """Yield the health, lease and decode mode of every enabled camera as an SSE frame whenever one of them
    changes (woken by the database's notifications; every `poll_s` on SQLite)."""
    previous = ""
    last_beat = time.monotonic()
    yield b"retry: 2000\n\n"
    while True:
        seen = notifier.generation(CAMERAS)
        data = await anyio.to_thread.run_sync(_camera_states, factory)
        if data != previous:
            previous = data
            yield f"event: cameras\ndata: {data}\n\n".encode()
        if time.monotonic() - last_beat > heartbeat_s:
            last_beat = time.monotonic()
            yield b": keep-alive\n\n"
        await notifier.wait(CAMERAS, seen=seen, within_s=heartbeat_s, poll_s=poll_s)


async def mjpeg_frames(live: LiveView, camera_name: str, fps: float) -> AsyncIterator[bytes]:
    """Yield multipart JPEG parts of the camera's latest frame, skipping repeats, until the client leaves
    or this process stops reading the camera."""
    period = 1.0 / fps
    previous: bytes | None = None
    while live.reads(camera_name):  # ends when the camera moves to another worker: the viewer reconnects
        jpeg = await anyio.to_thread.run_sync(live.snapshot_jpeg, camera_name)
        if jpeg is not None and jpeg != previous:
            previous = jpeg
            head = f"--{MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
            yield head.encode() + jpeg + b"\r\n"
        await anyio.sleep(period)


WALL_MAX_CAMERAS = 16


Opener = Callable[[], Iterator[bytes] | None]


def mux_live(opens: list[Opener], *, stop_after_s: float = 3600.0) -> Iterator[bytes]:
    """Several cameras' fragmented MP4 in one response, for a wall: a browser holds only six HTTP/1.1
    connections per server, so sixteen tiles cannot each hold a `live.mp4` of their own.

    Each frame is the camera's index in the request (1 byte), the payload length (4 bytes, big-endian) and
    the payload; a zero length says that camera's stream ended (or never started: masked, not H.264, not
    read), and the tile falls back to stills. One thread per camera opens its stream and pulls from it."""
    mux = _Mux(len(opens))
    for index, open_ in enumerate(opens):
        threading.Thread(target=mux.pull, args=(index, open_), name=f"wall-live-{index}", daemon=True).start()
    deadline, ended = time.monotonic() + stop_after_s, 0
    try:
        while ended < len(opens) and time.monotonic() < deadline:
            got = mux.take()
            if got is None:
                yield b""  # lets the server notice a viewer that went away
                continue
            index, chunk = got
            ended += not chunk
            yield struct.pack(">BI", index, len(chunk)) + chunk
    finally:
        mux.stop.set()


class _Mux:
    """The frames of several streams on their way into one response."""

    def __init__(self, streams: int) -> None:
        self.out: queue.Queue[tuple[int, bytes]] = queue.Queue(maxsize=64 * max(1, streams))
        self.stop = threading.Event()
        self.taken = time.monotonic()  # when the response last took a frame (a viewer gone 10 s stops all)

    def take(self) -> tuple[int, bytes] | None:
        """The next frame, or None after a second without one."""
        try:
            return self.out.get(timeout=1.0)
        except queue.Empty:
            return None
        finally:
            self.taken = time.monotonic()

    def put(self, item: tuple[int, bytes]) -> bool:
        """Queue `item` unless the response is over; False once it is."""
        while not self.stop.is_set():
            try:
                self.out.put(item, timeout=0.5)
                return True
            except queue.Full:
                if time.monotonic() - self.taken > 10.0:
                    self.stop.set()
        return False

    def pull(self, index: int, open_: Opener) -> None:
        """Open one camera's stream and forward its chunks; a camera that fails ends only its own tile."""
        chunks = None
        try:
            chunks = open_()
            for chunk in chunks or ():
                if not self.put((index, chunk)):
                    return
        except Exception:
            log.info("wall live: camera %d ended with an error", index, exc_info=True)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            self.put((index, b""))
