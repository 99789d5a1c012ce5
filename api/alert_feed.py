"""One reader of alert changes per API process, fanned out to every SSE stream of that process.

On a wake-up (a database notification on PostgreSQL, a timer on SQLite) the feed reads the new changes once,
encodes each as an SSE frame once, and hands the frames to every subscribed stream; a stream keeps what its
subscriber may see (`Audience`, judged from the event alone, no query). A stream that connects or resumes
reads its own catch-up from `Last-Event-ID` first (the database stays the truth) and then takes the feed's
frames, skipping what its catch-up already sent. Each subscriber's queue is bounded: a console that does not
keep up is dropped (its stream ends; the browser reconnects with the last id it got and catches up) and
never holds back the others. The feed runs while anyone subscribes, on the event loop of the first one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import anyio

from alerts import service as alerts
from alerts.models import Alert, AlertChange
from alerts.schemas import AlertRead
from api.notify import ALERTS, SESSIONS, Notifier
from api.session_watch import SessionWatch
from db.session import SessionFactory, session_scope

__all__ = [
    "READ_LIMIT",
    "AlertCursor",
    "AlertEvent",
    "AlertFeed",
    "Audience",
    "FrameCache",
    "Subscriber",
    "alert_events",
    "catch_up_changes",
    "read_changes",
]

log = logging.getLogger(__name__)

READ_LIMIT = 200
FRAME_CACHE = 5000  # encoded events kept per process for catch-ups (a few MB)
# the feed starts this many ids below the newest change, so a change that committed out of order while it
# started still reaches the streams (each skips what it already sent or what lies below its own start)
START_BACK = 50


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


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One alert change as every stream sends it: the encoded SSE frame and what rights are judged on."""

    id: int
    frame: bytes
    camera: str
    routed_to: str | None


Audience = Callable[[AlertEvent], bool]


def everyone(_event: AlertEvent) -> bool:
    """The audience of a stream whose subscriber may see every alert."""
    return True


def _encode(change: AlertChange, alert: Alert) -> AlertEvent:
    body = {
        "action": change.action,
        "actor": change.actor,
        "alert": AlertRead.model_validate(alert).model_dump(mode="json"),
    }
    data = json.dumps(body, ensure_ascii=False)
    frame = f"id: {change.id}\nevent: alert\ndata: {data}\n\n".encode()
    return AlertEvent(change.id, frame, alert.camera_name, alert.routed_to)


class FrameCache:
    """The latest encoded events of this process by change id, shared by the feed and every stream's catch-up:
    when many consoles catch up at once (an API process restarted, a network blip), each change is read and
    encoded once, not once per console. An event shows its alert as it was when the process first read the
    change (as the feed's events always do)."""

    def __init__(self, capacity: int = FRAME_CACHE) -> None:
        self.capacity = capacity
        self._events: OrderedDict[int, AlertEvent] = OrderedDict()
        self._lock = threading.Lock()
        # held by a catch-up while it loads what is missing, so that streams catching up at once do not all
        # encode the same changes: the next one finds them here
        self.filling = threading.Lock()

    def get_many(self, ids: list[int]) -> dict[int, AlertEvent]:
        """The cached events among `ids`."""
        with self._lock:
            return {i: self._events[i] for i in ids if i in self._events}

    def add(self, events: list[AlertEvent]) -> None:
        """Keep `events`, forgetting the oldest beyond the capacity."""
        with self._lock:
            for e in events:
                self._events[e.id] = e
            while len(self._events) > self.capacity:
                self._events.popitem(last=False)


def read_changes(
    factory: SessionFactory, after: int, limit: int = READ_LIMIT, *, cache: FrameCache | None = None
) -> list[AlertEvent]:
    """The alert changes above `after` (at most `limit`, oldest first), each serialised once (and kept in
    `cache`)."""
    with session_scope(factory) as session:
        out = [
            _encode(change, alert)
            for change, alert in alerts.changes_after(session, after=after, limit=limit)
        ]
    if cache is not None:
        cache.add(out)
    return out


def catch_up_changes(
    factory: SessionFactory, after: int, cache: FrameCache, limit: int = READ_LIMIT
) -> list[AlertEvent]:
    """`read_changes` for a stream's catch-up: the ids are read, and only the changes `cache` lacks are loaded
    and encoded (then kept there)."""
    with session_scope(factory) as session:
        ids = alerts.change_ids_after(session, after=after, limit=limit)
        known = cache.get_many(ids)
        if len(known) < len(ids):
            with cache.filling:  # only while something is missing; another catch-up may have loaded it
                known.update(cache.get_many([i for i in ids if i not in known]))
                missing = [i for i in ids if i not in known]
                if missing:
                    fresh = [_encode(c, a) for c, a in alerts.changes_by_id(session, ids=missing)]
                    cache.add(fresh)
                    known.update((e.id, e) for e in fresh)
    return [known[i] for i in ids if i in known]


class Subscriber:
    """One stream's bounded queue of events from the feed."""

    def __init__(self, audience: Audience, after: int, capacity: int) -> None:
        self.audience, self.after, self.capacity = audience, after, capacity
        self.queue: deque[AlertEvent] = deque()
        self.wake = asyncio.Event()
        self.dropped = False  # set when the queue overflowed; the stream then ends

    def offer(self, events: list[AlertEvent]) -> None:
        """Queue the events this subscriber may see; drop the subscriber if they do not fit."""
        if self.dropped:
            return
        mine = [e for e in events if e.id > self.after and self.audience(e)]
        if len(self.queue) + len(mine) > self.capacity:
            self.dropped = True
            self.queue.clear()
            self.wake.set()
        elif mine:
            self.queue.extend(mine)
            self.wake.set()

    async def take(self, within_s: float) -> list[AlertEvent]:
        """The queued events, waiting at most `within_s` for some."""
        if not self.queue and not self.dropped:
            with anyio.move_on_after(within_s):
                await self.wake.wait()
        self.wake.clear()
        out = list(self.queue)
        self.queue.clear()
        return out


class AlertFeed:
    """The process's one reader of alert changes and its subscribers."""

    def __init__(
        self,
        factory: SessionFactory,
        notifier: Notifier | None,
        *,
        poll_s: float = 0.15,
        heartbeat_s: float = 15.0,
        capacity: int = 500,
        linger_s: float = 5.0,
    ) -> None:
        self.factory, self.notifier = factory, notifier
        self.poll_s, self.heartbeat_s, self.capacity, self.linger_s = poll_s, heartbeat_s, capacity, linger_s
        self.subscribers: set[Subscriber] = set()
        self.frames = FrameCache()  # encoded events, shared with the streams' catch-ups
        self.reads = 0  # how many times the feed read the database (a test counts them)
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def subscribe(self, after: int, audience: Audience = everyone) -> Subscriber:
        """A new subscriber to the changes above `after`; starts the reader on this event loop if it is not
        running."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            if self._loop is not loop:
                self.subscribers = set()
            self._loop = loop
            self._task = loop.create_task(self._run(), name="alert-feed")
        sub = Subscriber(audience, after, self.capacity)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        """Forget `sub` (its stream ended)."""
        self.subscribers.discard(sub)

    async def _read(self, after: int) -> list[AlertEvent]:
        self.reads += 1
        return await anyio.to_thread.run_sync(
            functools.partial(read_changes, self.factory, after, cache=self.frames)
        )

    async def _run(self) -> None:
        cursor = AlertCursor(max(await anyio.to_thread.run_sync(self._head) - START_BACK, 0))
        idle_since: float | None = None
        while True:
            if self.subscribers:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > self.linger_s:
                return
            seen = self._generations()
            try:
                full = await self._step(cursor)
            except Exception:
                log.warning("alert feed: reading the changes failed; trying again", exc_info=True)
                await anyio.sleep(max(self.poll_s, 1.0))
                continue
            if full:
                continue  # more are waiting
            await self._wait(seen, cursor.waiting)
            if self.notifier is not None and self.notifier.generation(SESSIONS) != seen[SESSIONS]:
                for sub in list(self.subscribers):
                    sub.wake.set()  # a session ended somewhere: every stream checks its own

    async def _step(self, cursor: AlertCursor) -> bool:
        """Read the changes after the cursor once and hand the fresh ones out; True if the read was full."""
        events = await self._read(cursor.after)
        fresh = set(cursor.fresh([e.id for e in events]))
        out = [e for e in events if e.id in fresh]
        if out:
            for sub in list(self.subscribers):
                sub.offer(out)
        cursor.mark(sorted(fresh), time.monotonic())
        return len(events) >= READ_LIMIT

    def _head(self) -> int:
        with session_scope(self.factory) as session:
            return alerts.last_change_id(session)

    def _generations(self) -> dict[str, int]:
        if self.notifier is None:
            return {ALERTS: 0, SESSIONS: 0}
        return {ALERTS: self.notifier.generation(ALERTS), SESSIONS: self.notifier.generation(SESSIONS)}

    async def _wait(self, seen: dict[str, int], gap: bool) -> None:
        if self.notifier is None:
            await anyio.sleep(self.poll_s)
            return
        # a gap in the ids may be an uncommitted change: look again soon rather than on the fallback
        within = self.poll_s * 4 if gap else self.heartbeat_s
        await self.notifier.wait_any(seen, within_s=within, poll_s=self.poll_s)


async def _catch_up(feed: AlertFeed, after: int, audience: Audience) -> tuple[list[bytes], set[int]]:
    """The frames above `after` read by this stream itself, and every id it read."""
    frames: list[bytes] = []
    read: set[int] = set()
    while True:
        events = await anyio.to_thread.run_sync(catch_up_changes, feed.factory, after, feed.frames)
        read.update(e.id for e in events)
        frames.extend(e.frame for e in events if audience(e))
        if len(events) < READ_LIMIT:
            return frames, read
        after = events[-1].id


async def alert_events(
    feed: AlertFeed,
    *,
    after: int,
    audience: Audience = everyone,
    alive: Callable[[], bool] | None = None,
    alive_every_s: float = 2.0,
    alive_fallback_s: float = 60.0,
    ends_at: float | None = None,
) -> AsyncIterator[bytes]:
    """Yield SSE frames of the alert changes after `after` that `audience` may see, until the client goes
    away, the feed drops this stream (too slow), or `alive()` says the caller's session or token ended (then
    an `ended` event; see `SessionWatch` for when it is asked)."""
    sub = feed.subscribe(after, audience)
    try:
        watch = (
            None
            if alive is None
            else SessionWatch(
                alive, feed.notifier, every_s=alive_every_s, fallback_s=alive_fallback_s, ends_at=ends_at
            )
        )
        yield b"retry: 2000\n\n"
        frames, sent = await _catch_up(feed, after, audience)
        if frames:
            yield b"".join(frames)
        last_beat = time.monotonic()
        while not sub.dropped:
            if watch is not None and await watch.ended():
                yield b"event: ended\ndata: your session has ended; sign in again\n\n"
                return
            within = feed.heartbeat_s - (time.monotonic() - last_beat)
            if watch is not None:
                within = min(within, watch.wait_s())
            # what one wake-up brought goes out as one write: a batch of escalations is a write per stream,
            # not a write per event per stream
            chunk = b"".join(e.frame for e in await sub.take(max(within, 0.0)) if e.id not in sent)
            if chunk:
                yield chunk
            if time.monotonic() - last_beat >= feed.heartbeat_s:
                last_beat = time.monotonic()
                yield b": keep-alive\n\n"
    finally:
        with contextlib.suppress(Exception):
            feed.unsubscribe(sub)
