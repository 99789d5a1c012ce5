"""The per-camera recorder: remuxes the camera's video packets by stream copy into keyframe-aligned
segments, in a thread of its own. Where the camera's reader in this process reads the recorded stream (no
separate sub stream), the packets are the ones that reader demuxes anyway (`devices.packet_feed`, a bounded
queue: a slow disk never stalls the reader); otherwise the recorder reads the main stream over a connection
of its own. A demo camera's packets are the H.264 its reader encodes (`devices.demo_encoder`), through the
same feed: a demo camera is recorded only where its reader runs.

A lost stream closes the current segment cleanly and reconnects (a gap in the index, never a corrupt file).
A full disk aborts the current segment, reports a fault, and waits until there is room again.
The recorder never touches the database: it reports through a `RecorderSink`.
"""

from __future__ import annotations

import datetime as dt
import enum
import errno
import logging
import threading
import time
from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any, Protocol

import av
import av.video.stream

from core.clock import utcnow
from devices.packet_feed import PacketFeed
from footage.anchor import Anchor
from footage.segments import SegmentWritten
from footage.storage import Storage, hash_file
from footage.writer import SegmentFile, SegmentWriter, probe, repair_part

__all__ = [
    "Recorder",
    "RecorderSink",
    "RecorderState",
    "orphan_segments",
    "repair_camera_folder",
    "written_segment",
]

log = logging.getLogger(__name__)
_REANCHOR_S = 5.0


class RecorderState(enum.StrEnum):
    """What a recorder is doing."""

    CONNECTING = "connecting"
    RECORDING = "recording"
    RECONNECTING = "reconnecting"
    DISK_FULL = "disk_full"
    STOPPED = "stopped"


class RecorderSink(Protocol):
    """Where a recorder reports finished segments and faults (the runtime writes them to the database)."""

    def segment_written(self, written: SegmentWritten) -> None:
        """A segment file is complete."""
        ...

    def fault(self, camera_id: int, kind: str, message: str) -> None:
        """Recording stopped: `storage_full` or `stream_lost`."""
        ...

    def recovered(self, camera_id: int, kind: str) -> None:
        """Recording runs again after a fault."""
        ...


def written_segment(
    camera_id: int, storage: Storage, f: SegmentFile, *, repaired: bool = False
) -> SegmentWritten:
    return SegmentWritten(
        camera_id=camera_id,
        start=f.start,
        end=f.end,
        size=f.size,
        path=storage.relative(f.path),
        sha256=f.sha256,
        frames=f.frames,
        codec=f.codec,
        width=f.width,
        height=f.height,
        repaired=repaired,
    )


def _reason(exc: BaseException) -> str:
    """A short reason without the URL (which may carry credentials)."""
    text = getattr(exc, "strerror", None) or type(exc).__name__
    return str(text)


def _start_of(path_name: str, day: str) -> dt.datetime:
    stamp = path_name.split(".mp4")[0]
    return dt.datetime.strptime(f"{day} {stamp}", "%Y-%m-%d %H%M%S.%f").replace(tzinfo=dt.UTC)


def repair_camera_folder(storage: Storage, camera_id: int, camera_name: str) -> list[SegmentWritten]:
    """Start-up repair of one camera: each `.part` left by a crash is remuxed to what is readable, or dropped."""
    repaired = []
    for part in sorted((storage.root / camera_name).glob("*/*.part")):
        try:
            fixed = repair_part(part, _start_of(part.name, part.parent.name))
        except ValueError:
            part.unlink(missing_ok=True)
            fixed = None
        log.warning(
            "camera %s: %s incomplete segment %s", camera_name, "repaired" if fixed else "dropped", part.name
        )
        if fixed is not None:
            repaired.append(written_segment(camera_id, storage, fixed, repaired=True))
    return repaired


def orphan_segments(
    storage: Storage, camera_id: int, camera_name: str, known: set[str]
) -> list[SegmentWritten]:
    """Finished files of a camera missing from the index (a crash between rename and insert), re-described."""
    found = []
    for path in sorted((storage.root / camera_name).glob("*/*.mp4")):
        if storage.relative(path) in known:
            continue
        try:
            start = _start_of(path.name, path.parent.name)
            seconds, frames = probe(path)
        except (ValueError, av.FFmpegError, IndexError):
            log.warning("camera %s: %s is not a readable segment; left alone", camera_name, path.name)
            continue
        sha, size = hash_file(path)
        with av.open(str(path)) as container:
            ctx = container.streams.video[0].codec_context
            codec, width, height = ctx.name, ctx.width, ctx.height
        end = start + dt.timedelta(seconds=max(seconds, 0.001))
        found.append(
            SegmentWritten(
                camera_id, start, end, size, storage.relative(path), sha, frames, codec, width, height
            )
        )
    return found


class Recorder:
    """Records one camera; `start()`, `stop()`, `state`."""

    def __init__(
        self,
        *,
        camera_id: int,
        camera_name: str,
        url: str,
        storage: Storage,
        sink: RecorderSink,
        segment_s: float = 10.0,
        reconnect_s: float = 2.0,
        open_timeout_s: float = 10.0,
        feed: Callable[[], PacketFeed | None] | None = None,
    ) -> None:
        self.camera_id, self.camera_name, self.url = camera_id, camera_name, url
        self.feed = feed  # the packets of the camera's reader in this process, instead of a connection
        self.storage, self.sink = storage, sink
        self.segment_s, self.reconnect_s, self.open_timeout_s = segment_s, reconnect_s, open_timeout_s
        self.state = RecorderState.STOPPED
        self.segments_written = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._fault: str | None = None
        self._writer: SegmentWriter | None = None
        self._resume_bytes = 0
        self._anchor: Anchor | None = None
        self._opened = (0, 0)  # the pts and anchor epoch the current segment was opened with
        self._last_end: dt.datetime | None = None  # the end of the last segment written: the next is after

    # ---- lifecycle -----------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the recording thread."""
        self._stop.clear()
        self.state = RecorderState.CONNECTING
        self._thread = threading.Thread(target=self._run, name=f"record-{self.camera_name}", daemon=True)
        self._thread.start()

    def request_stop(self) -> None:
        """Ask the thread to stop (it finishes its segment); `stop()` waits for it."""
        self._stop.set()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop recording; the segment being written is finished and reported."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.state = RecorderState.STOPPED

    # ---- the thread ----------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._has_room():
                self._enter_fault("storage_full", f"less than {self._room_needed() / 1e6:.1f} MB free")
                self._stop.wait(1.0)
                continue
            if self.feed is not None:
                self._record_feed(self.feed)
                continue
            if self.url.startswith("demo://"):
                self._lost("a demo camera is recorded from its reader, which does not run in this process")
                continue
            try:
                container = av.open(self.url, options=self._options(), timeout=(self.open_timeout_s,) * 2)
            except (av.FFmpegError, OSError) as exc:
                self._lost(f"cannot open the stream: {_reason(exc)}")
                continue
            try:
                if not container.streams.video:
                    self._lost("the stream has no video track")
                    continue
                stream = container.streams.video[0]
                self._record(container.demux(stream), stream)
            finally:
                container.close()

    def _record_feed(self, feed_of: Callable[[], PacketFeed | None]) -> None:
        """The packets the camera's reader demuxes anyway (`devices.packet_feed`), from its next keyframe."""
        feed, subscription = feed_of(), None
        deadline = time.monotonic() + self.open_timeout_s
        while feed is not None and subscription is None and not self._stop.is_set():
            subscription = feed.subscribe(0.5)  # waits for the reader's stream, a stop within half a second
            if time.monotonic() > deadline:
                break
        if subscription is None:
            self._lost("the camera's reader is not running here")
            return
        try:
            self._record(subscription.packets(self.open_timeout_s, self._stop), subscription.stream)
        finally:
            subscription.close()

    def _room_needed(self) -> int:
        return max(int(self.storage.settings.min_free_mb * 1e6), self._resume_bytes)

    def _has_room(self) -> bool:
        """Room to record: `min_free_mb`, and after a full disk twice what the aborted segment had written."""
        return self.storage.free() >= self._room_needed()

    def _options(self) -> dict[str, str]:
        if self.url.startswith(("rtsp://", "rtsps://")):
            return {"rtsp_transport": "tcp", "timeout": str(int(self.open_timeout_s * 1_000_000))}
        return {}

    def _record(self, packets: Iterable[av.Packet[Any]], stream: av.video.stream.VideoStream) -> None:
        self._writer = None
        try:
            self._pump(packets, stream)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                self._finish()
                self._lost(f"stream lost: {_reason(exc)}")
                return
            if self._writer is not None:
                self._resume_bytes = max(2 * self._writer.bytes_written, 1_000_000)
                self._writer.abort()
                self._writer = None
            self._enter_fault("storage_full", f"disk full while writing: {exc.strerror}")
            self._stop.wait(1.0)
        except (av.FFmpegError, EOFError) as exc:
            self._finish()
            self._lost(f"stream lost: {_reason(exc)}")

    def _pump(self, packets: Iterable[av.Packet[Any]], stream: av.video.stream.VideoStream) -> None:
        """Copy packets into segments until stopped; raises when the stream fails or ends.

        Segment times come from a minimum-delay anchor (`footage.anchor`): a burst of buffered packets
        after connecting only moves it earlier, and the segment open meanwhile gets its start corrected
        when it is closed."""
        anchor = self._anchor = Anchor(stream.time_base or Fraction(1, 90000), reanchor_s=_REANCHOR_S)
        for packet in packets:
            if self._stop.is_set():
                self._finish()
                return
            if packet.dts is None or packet.pts is None or not packet.size:
                continue
            anchor.observe(packet.pts, utcnow())
            if packet.is_keyframe and (self._writer is None or self._writer.duration_s >= self.segment_s):
                if not self._finish():
                    self._stop.wait(1.0)
                    return
                self._opened = (packet.pts, anchor.epoch)
                start = self._start_at(anchor, packet.pts)
                self._writer = SegmentWriter(
                    self.storage.segment_path(self.camera_name, start), stream, start
                )
                self.state = RecorderState.RECORDING
            if self._writer is not None:
                self._writer.mux(packet)
        raise EOFError("the stream ended")

    def _start_at(self, anchor: Anchor, pts: int) -> dt.datetime:
        """The wall time of a segment's first packet, never before the end of the previous segment."""
        start = anchor.at(pts)
        return start if self._last_end is None else max(start, self._last_end)

    def _corrected_start(self) -> dt.datetime | None:
        """The start of the segment being closed by the anchor as it is now, when it moved since the
        segment was opened (not across a re-anchor: those times are not comparable)."""
        anchor, (pts, epoch) = self._anchor, self._opened
        if anchor is None or anchor.epoch != epoch:
            return None
        return self._start_at(anchor, pts)

    def _finish(self) -> bool:
        """Close the current segment and report it; False when the disk was too full to finish it."""
        writer, self._writer = self._writer, None
        if writer is None:
            return True
        start = self._corrected_start()
        path = None if start is None else self.storage.segment_path(self.camera_name, start)
        try:
            done = writer.close(start=start, path=path)
        except OSError as exc:
            self._resume_bytes = max(2 * writer.bytes_written, 1_000_000)
            writer.abort()
            self._enter_fault("storage_full", f"cannot finish a segment: {exc.strerror}")
            return False
        if done is not None:
            self._last_end = done.end
            self.segments_written += 1
            self.sink.segment_written(written_segment(self.camera_id, self.storage, done))
            self._recovered()
        return True

    # ---- faults --------------------------------------------------------------------------------------
    def _enter_fault(self, kind: str, message: str) -> None:
        if self._fault != kind:
            self._fault = kind
            log.error("camera %s: recording stopped: %s", self.camera_name, message)
            self.sink.fault(self.camera_id, kind, message)
        self.state = RecorderState.DISK_FULL if kind == "storage_full" else RecorderState.RECONNECTING

    def _lost(self, message: str) -> None:
        if self._stop.is_set():
            return
        self._enter_fault("stream_lost", message)
        self._stop.wait(self.reconnect_s)

    def _recovered(self) -> None:
        """A segment was finished: any fault is over."""
        self._resume_bytes = 0
        if self._fault is not None:
            kind, self._fault = self._fault, None
            log.info("camera %s: recording again after %s", self.camera_name, kind)
            self.sink.recovered(self.camera_id, kind)
