"""H.264 for demo cameras: the synthetic picture encoded with PyAV (libx264, ultrafast, zerolatency, a one
second group of pictures), and the feed that carries the packets from the camera's reader to its recorder.

A real camera sends compressed video that the reader demuxes and tees to live passthrough and to its
recorder (`devices.packet_feed`), which copies it into segments. A demo camera has no network stream, so its reader
encodes what it renders, once, and publishes each packet here under the camera's name; the recorder of that
camera subscribes and copies the packets into segments exactly as it copies a real camera's (stream copy,
cut on keyframes). Reader and recorder of one camera run in the worker that holds its lease.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import av
import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = ["DemoFeed", "H264Encoder", "Subscription", "feed"]

_MOVFLAGS = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}


class _NullSink:
    """Where the encoder's holder container writes its (unused) header."""

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        """Nothing is kept."""


class H264Encoder:
    """Encodes luma pictures with a fixed colour (U and V planes) to H.264 packets, in the time base of
    `stream` (the template recorders and live viewers copy codec parameters from)."""

    def __init__(self, width: int, height: int, fps: float, chroma: NDArray[np.uint8] | None = None) -> None:
        # 4:2:0 needs even sizes, and the planes below whole rows: crop to a multiple of 4
        self.width, self.height = width - width % 4, height - height % 4
        self.fps = Fraction(fps).limit_denominator(1001)
        self._holder = av.open(_NullSink(), mode="w", format="mp4", options=_MOVFLAGS)
        stream = self._holder.add_stream("libx264", rate=self.fps)
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, "yuv420p"
        gop = max(1, round(float(self.fps)))
        stream.options = {
            "preset": "ultrafast",
            "tune": "zerolatency",
            "g": str(gop),
            "keyint_min": str(gop),
            "bf": "0",
            "crf": "28",
            "threads": "1",
        }
        stream.codec_context.time_base = 1 / self.fps
        self._holder.start_encoding()  # opens the encoder: the stream now carries SPS/PPS (avcC)
        self.stream: Any = stream
        self._uv = self._planes(chroma)
        self.frames = 0

    def _planes(self, chroma: NDArray[np.uint8] | None) -> NDArray[np.uint8]:
        """The U then V planes at half size, laid out as rows of `width` (PyAV's yuv420p array)."""
        w, h = self.width, self.height
        if chroma is None:
            return np.full((h // 2, w), 128, np.uint8)
        half = cv2.resize(chroma[:h, :w], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        u, v = half[:, :, 0].reshape(h // 4, w), half[:, :, 1].reshape(h // 4, w)
        return np.ascontiguousarray(np.vstack((u, v)), dtype=np.uint8)

    def encode(self, luma: NDArray[np.uint8]) -> list[Any]:
        """The packets (possibly none) for the next picture, timestamps in `stream.time_base`."""
        image = np.vstack((luma[: self.height, : self.width], self._uv))
        frame = av.VideoFrame.from_ndarray(image, format="yuv420p")
        frame.pts, frame.time_base = self.frames, 1 / self.fps
        self.frames += 1
        return [self._rebased(p) for p in self.stream.encode(frame)]

    def _rebased(self, packet: Any) -> Any:
        target = self.stream.time_base
        if packet.time_base != target:
            packet.pts = round(packet.pts * packet.time_base / target)
            packet.dts = round(packet.dts * packet.time_base / target)
            packet.time_base = target
        return packet


def _copy(packet: Any) -> Any:
    """A packet of one's own (the muxer rewrites timestamps and stream in place)."""
    out = av.Packet(bytes(packet))
    out.pts, out.dts, out.time_base, out.is_keyframe = (
        packet.pts,
        packet.dts,
        packet.time_base,
        packet.is_keyframe,
    )
    return out


class Subscription:
    """One recorder reading a demo camera's packets: the template `stream`, and `packets()` from the next
    keyframe on; `packets()` ends (EOFError) when the camera stops or restarts, or this reader fell behind."""

    def __init__(self, owner: DemoFeed, stream: Any, holder: Any, size: int) -> None:
        self.stream, self._holder, self._owner = stream, holder, owner  # the holder keeps `stream` valid
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=size)

    def packets(self, idle_timeout_s: float = 5.0) -> Iterator[Any]:
        """The packets as they are published; raises EOFError when the feed ends."""
        while True:
            try:
                item = self.queue.get(timeout=idle_timeout_s)
            except queue.Empty:
                raise EOFError("the demo camera stopped sending") from None
            if item is None:
                raise EOFError("the demo camera restarted")
            yield item

    def close(self) -> None:
        """Stop receiving packets."""
        self._owner.leave(self)


class DemoFeed:
    """The packets of one demo camera, fanned out to its subscribers from each one's next keyframe."""

    def __init__(self, *, queue_size: int = 300) -> None:
        self._lock = threading.Condition()
        self._stream: Any = None
        self._holder: Any = None
        self._subscribers: dict[Subscription, bool] = {}  # -> has seen a keyframe
        self._queue_size = queue_size

    def publish(self, packet: Any, encoder: H264Encoder) -> None:
        """Called by the camera's reader for every packet it encoded."""
        with self._lock:
            if encoder.stream is not self._stream:  # the reader restarted: a new stream
                self._end_all()
                self._stream, self._holder = encoder.stream, encoder
                self._lock.notify_all()
            subscribers = []
            for sub, started in self._subscribers.items():
                if started or packet.is_keyframe:  # each subscriber starts at a keyframe
                    self._subscribers[sub] = True
                    subscribers.append(sub)
        for sub in subscribers:
            try:
                sub.queue.put_nowait(_copy(packet))
            except queue.Full:
                self.leave(sub)

    def subscribe(self, wait_s: float = 0.0) -> Subscription | None:
        """A new subscription, waiting up to `wait_s` for the camera's reader to start; None without one."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._stream is not None, wait_s):
                return None
            sub = Subscription(self, self._stream, self._holder, self._queue_size)
            self._subscribers[sub] = False
            return sub

    def leave(self, sub: Subscription) -> None:
        """Stop feeding `sub`; its `packets()` ends."""
        with self._lock:
            self._subscribers.pop(sub, None)
        with contextlib.suppress(queue.Full):
            sub.queue.put_nowait(None)

    def stop(self, encoder: H264Encoder) -> None:
        """The reader of `encoder` closed: end the subscribers (they wait for the next reader)."""
        with self._lock:
            if self._stream is encoder.stream:
                self._end_all()
                self._stream = self._holder = None

    @property
    def subscribers(self) -> int:
        """How many subscribers are fed."""
        with self._lock:
            return len(self._subscribers)

    def _end_all(self) -> None:
        for sub in self._subscribers:
            with contextlib.suppress(queue.Full):
                sub.queue.put_nowait(None)
        self._subscribers.clear()


_FEEDS: dict[str, DemoFeed] = {}
_FEEDS_LOCK = threading.Lock()


def feed(camera: str) -> DemoFeed:
    """The feed of the demo camera named `camera` in this process (created on first use)."""
    with _FEEDS_LOCK:
        found = _FEEDS.get(camera)
        if found is None:
            found = _FEEDS[camera] = DemoFeed()
        return found
