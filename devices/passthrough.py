"""Live H.264 to the browser without re-encoding: the packets a camera reader demuxes anyway are kept as
the latest group of pictures and fanned out to viewers, each remuxed into fragmented MP4.

The reader thread calls `PacketHub.put` for every video packet (before the decoder, so low-power mode
does not thin the live picture); a viewer's `fmp4()` iterator starts at the latest keyframe and yields
an init segment then one fragment per frame, for `<video src>` to play. Nothing is decoded or encoded.
A viewer too slow to keep up is dropped (its iterator ends) rather than buffered without bound.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av

__all__ = ["LivePacket", "PacketHub", "Sink", "Viewer", "live_packet"]

_MOVFLAGS = "frag_keyframe+empty_moov+default_base_moof+frag_every_frame"
_BROWSER_CODECS = frozenset({"h264", "hevc"})
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LivePacket:
    """One compressed video packet, copied out of the reader's buffer."""

    data: bytes
    pts: int
    dts: int
    keyframe: bool
    time_base: Fraction


def live_packet(packet: Any) -> LivePacket | None:
    """A copy of a demuxed packet that outlives the reader's buffer; None for an empty or untimed one."""
    if not packet.size or packet.pts is None or packet.dts is None or packet.time_base is None:
        return None
    return LivePacket(bytes(packet), packet.pts, packet.dts, packet.is_keyframe, packet.time_base)


class Viewer:
    """One browser watching a camera live: a bounded queue of packets from a keyframe on."""

    def __init__(self, template: Any, holder: Any, start: list[LivePacket], size: int) -> None:
        self.template, self._holder = template, holder  # the holder owns the template: keep it alive
        self.queue: queue.Queue[LivePacket | None] = queue.Queue(maxsize=size + len(start))
        for packet in start:
            self.queue.put_nowait(packet)

    def fmp4(self, *, idle_timeout_s: float = 10.0) -> Iterator[bytes]:
        """Fragmented MP4 bytes: the init segment, then fragments as packets arrive; ends when the camera
        stops sending for `idle_timeout_s`, is reconnected, or this viewer fell behind."""
        sink = Sink()
        out = av.open(sink, mode="w", format="mp4", options={"movflags": _MOVFLAGS, "flush_packets": "1"})
        stream = out.add_stream_from_template(self.template)
        origin: int | None = None
        try:
            while True:
                try:
                    item = self.queue.get(timeout=idle_timeout_s)
                except queue.Empty:
                    return
                if item is None:
                    return
                if origin is None:
                    origin = item.dts
                packet = av.Packet(item.data)
                packet.pts, packet.dts = item.pts - origin, item.dts - origin
                packet.time_base, packet.is_keyframe, packet.stream = item.time_base, item.keyframe, stream
                out.mux(packet)
                chunk = sink.take()
                if chunk:
                    yield chunk
        finally:
            out.close()


class PacketHub:
    """The latest group of pictures of one camera and the viewers waiting for more; thread-safe."""

    def __init__(self, *, max_gop_packets: int = 600, viewer_queue: int = 250) -> None:
        self._lock = threading.Lock()
        self._keyframe = threading.Condition(self._lock)  # notified when a group of pictures starts
        self._source: Any = None  # the reader's stream the packets come from (compared, never used)
        self._holder: Any = None  # an unwritten container that owns `_template`
        self._template: Any = None
        self._gop: list[LivePacket] = []
        self._viewers: set[Viewer] = set()
        self._max_gop = max_gop_packets
        self._viewer_queue = viewer_queue

    def put(self, packet: Any, stream: Any) -> None:
        """Called by the reader for each demuxed video packet of `stream` (a new stream ends the viewers)."""
        item = live_packet(packet)
        if item is not None:
            self.put_item(item, stream)

    def put_item(self, item: LivePacket, stream: Any) -> None:
        """`put` for a packet already copied out (`live_packet`), e.g. shared with the recorder's feed."""
        with self._lock:
            if stream is not self._source:
                self._switch(stream)
            if self._template is None:
                return  # not a codec that MP4 carries to a browser: the MJPEG view serves this camera
            if item.keyframe:
                self._gop = [item]
                self._keyframe.notify_all()
            elif self._gop and len(self._gop) < self._max_gop:
                self._gop.append(item)
            viewers = list(self._viewers)
        for viewer in viewers:
            try:
                viewer.queue.put_nowait(item)
            except queue.Full:
                self.leave(viewer)

    def _switch(self, stream: Any) -> None:
        """A new stream (first packet, or after a reconnect): end the viewers, copy the codec parameters.

        They are copied now, while the reader's container is open: its streams must not be touched once
        it closes, so viewers copy from this holder instead. Never raises into the reader's thread."""
        self._end_all()
        self._source, self._holder, self._template, self._gop = stream, None, None, []
        try:
            if stream.codec_context.codec.canonical_name not in _BROWSER_CODECS:  # h264 also from libx264
                return
            holder = av.open(Sink(), mode="w", format="mp4")
            self._template, self._holder = holder.add_stream_from_template(stream), holder
        except (av.error.FFmpegError, ValueError, TypeError) as exc:
            log.warning("live passthrough unavailable for this stream: %s", exc)

    def join(self, wait_s: float = 0.0) -> Viewer | None:
        """A new viewer starting at the latest keyframe, waiting up to `wait_s` for one (a camera that
        just connected); None without one."""
        with self._keyframe:
            if not self._keyframe.wait_for(lambda: self._template is not None and bool(self._gop), wait_s):
                return None
            viewer = Viewer(self._template, self._holder, list(self._gop), self._viewer_queue)
            self._viewers.add(viewer)
            return viewer

    def leave(self, viewer: Viewer) -> None:
        """Stop feeding `viewer`; its iterator ends once it has drained what it holds."""
        with self._lock:
            self._viewers.discard(viewer)
        with contextlib.suppress(queue.Full):
            viewer.queue.put_nowait(None)

    @property
    def viewers(self) -> int:
        """How many viewers are being fed."""
        with self._lock:
            return len(self._viewers)

    def close_viewers(self) -> None:
        """End every viewer now (the camera's settings changed, e.g. it has privacy masks, or it is no
        longer read here: its viewers reconnect and find where it is read)."""
        with self._lock:
            self._end_all()

    def _end_all(self) -> None:
        for viewer in self._viewers:
            with contextlib.suppress(queue.Full):
                viewer.queue.put_nowait(None)
        self._viewers.clear()


class Sink:
    """A write-only file for a muxer; `take()` returns what was written since the last call."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data
