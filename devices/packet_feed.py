"""The compressed video of a camera, as its reader demuxes it, for that camera's recorder in the same process.

The recorder used to open a second connection to the camera and demux the same stream again (about 1.1 %
of a core per 1080p25 camera at 6.7 Mbit/s). The reader already hands every video packet to live
passthrough before decoding it, so it hands the same copy here too; the recorder's thread takes the packets
from a bounded queue and writes them. The reader never waits: a recorder that falls behind (a slow disk) is
dropped, its segment closed, and it joins again at the next keyframe (a gap in the footage, never a stalled
camera). A new stream (the reader reconnected) ends every subscription the same way.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import av

from devices.passthrough import LivePacket, Sink

__all__ = ["FeedSubscription", "PacketFeed"]

log = logging.getLogger(__name__)


class FeedSubscription:
    """One recorder reading a camera's packets: the template `stream` (codec parameters and time base,
    valid after the reader's connection closed) and `packets()` from the next keyframe on."""

    def __init__(self, owner: PacketFeed, stream: Any, holder: Any, size: int) -> None:
        self.stream, self._holder, self._owner = stream, holder, owner  # the holder keeps `stream` valid
        self.queue: queue.Queue[LivePacket | None] = queue.Queue(maxsize=size)
        self.started = False  # a keyframe was queued: the packets from there on are whole
        self.reason = ""  # why the feed ended this subscription

    def packets(
        self, idle_timeout_s: float = 10.0, stop: threading.Event | None = None
    ) -> Iterator[av.Packet[Any]]:
        """The packets as the reader demuxes them; raises EOFError when the feed ends this subscription
        (the reader reconnected or stopped, this recorder fell behind), nothing came for `idle_timeout_s`,
        or `stop` is set while waiting."""
        while True:
            item = self._next(idle_timeout_s, stop)
            if item is None:
                raise EOFError(self.reason or "the camera's reader stopped")
            packet = av.Packet(item.data)
            packet.pts, packet.dts, packet.time_base = item.pts, item.dts, item.time_base
            packet.is_keyframe = item.keyframe
            yield packet

    def _next(self, idle_timeout_s: float, stop: threading.Event | None) -> LivePacket | None:
        deadline = time.monotonic() + idle_timeout_s
        while True:
            try:
                return self.queue.get(timeout=max(0.0, min(0.5, deadline - time.monotonic())))
            except queue.Empty:
                if stop is not None and stop.is_set():
                    raise EOFError("the recorder stopped") from None
                if time.monotonic() >= deadline:
                    raise EOFError("the camera's reader sent nothing") from None

    def close(self) -> None:
        """Stop receiving packets."""
        self._owner.leave(self)


class PacketFeed:
    """The packets of one camera's reader, fanned out to its subscribers (in practice: its recorder)."""

    def __init__(self, *, queue_size: int = 500) -> None:
        self._lock = threading.Condition()
        self._source: Any = None  # the reader's stream the packets come from (compared, never used)
        self._holder: Any = None  # an unwritten container that owns `_template`
        self._template: Any = None
        self._subscribers: list[FeedSubscription] = []
        self._queue_size = queue_size

    @property
    def wanted(self) -> bool:
        """True while someone subscribes (the reader copies packets for the feed only then)."""
        return bool(self._subscribers)

    def put(self, item: LivePacket, stream: Any) -> None:
        """Called by the reader for each demuxed video packet of `stream`; never blocks, never raises."""
        with self._lock:
            if stream is not self._source:
                self._switch(stream)
            subscribers = []
            for sub in self._subscribers:
                if sub.started or item.keyframe:  # each subscriber starts at a keyframe
                    sub.started = True
                    subscribers.append(sub)
        for sub in subscribers:
            try:
                sub.queue.put_nowait(item)
            except queue.Full:
                self._end(sub, "the recorder fell behind the camera (a slow disk?)")

    def _switch(self, stream: Any) -> None:
        """A new stream (first packet, or after a reconnect): end the subscribers, copy the codec
        parameters while the reader's container is open (its streams must not be touched once it closes)."""
        for sub in list(self._subscribers):
            self._end(sub, "the camera's reader reconnected", locked=True)
        self._source, self._holder, self._template = stream, None, None
        try:
            holder = av.open(Sink(), mode="w", format="mp4")
            self._template, self._holder = holder.add_stream_from_template(stream), holder
        except (av.error.FFmpegError, ValueError, TypeError) as exc:
            log.warning("recording from the reader's packets unavailable for this stream: %s", exc)
        self._lock.notify_all()

    def subscribe(self, wait_s: float = 0.0) -> FeedSubscription | None:
        """A new subscription, waiting up to `wait_s` for the reader's stream; None without one."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._template is not None, wait_s):
                return None
            sub = FeedSubscription(self, self._template, self._holder, self._queue_size)
            self._subscribers.append(sub)
            return sub

    def leave(self, sub: FeedSubscription) -> None:
        """Stop feeding `sub`."""
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)

    def close(self) -> None:
        """The reader of this feed stopped for good (the camera left this worker): end every subscriber."""
        with self._lock:
            for sub in list(self._subscribers):
                self._end(sub, "the camera is no longer read here", locked=True)
            self._source = self._holder = self._template = None

    def _end(self, sub: FeedSubscription, reason: str, *, locked: bool = False) -> None:
        with contextlib.ExitStack() as stack:
            if not locked:
                stack.enter_context(self._lock)
            if sub in self._subscribers:
                self._subscribers.remove(sub)
            sub.reason = reason
        try:
            sub.queue.put_nowait(None)
        except queue.Full:  # make room for the end mark: the subscriber is being dropped anyway
            with contextlib.suppress(queue.Empty):
                sub.queue.get_nowait()
            with contextlib.suppress(queue.Full):
                sub.queue.put_nowait(None)
