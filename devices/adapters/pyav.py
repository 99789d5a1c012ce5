"""The PyAV reading core shared by the file, RTSP and MJPEG adapters: open, demux, decode, hand over Y planes.

Errors from av/socket are translated here, at the edge, into `devices.errors`; URLs are masked in messages.
"""

from __future__ import annotations

import errno
import time
from collections import deque
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from devices.adapters.base import RateGate, SourceBase, StreamInfo
from devices.adapters.diagnose import sharpen
from devices.errors import (
    AuthError,
    ConnectError,
    DeviceError,
    NoVideoTrack,
    StreamTimeout,
    UnsupportedCodec,
)
from devices.urls import mask_text, mask_url, scrub_exception
from monitor.frames import Frame, scaled_size

__all__ = ["PyAvSource", "bgr_of", "luma_view", "translate_av_error"]

# 8-bit pixel formats whose first plane is the luma (Y) plane.
_Y_FIRST = frozenset(
    {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv440p", "nv12", "nv21", "gray"}
)


def _plane(frame: Any, index: int, width: int, height: int) -> NDArray[np.uint8]:
    plane = frame.planes[index]
    rows = np.frombuffer(plane, dtype=np.uint8, count=plane.line_size * height).reshape(height, -1)
    return rows[:, :width]


def bgr_of(frame: Any, width: int) -> NDArray[np.uint8]:
    """The decoded frame as a BGR picture about `width` pixels wide, converted now (only the live view and
    snapshots ask). Limited-range 4:2:0, what cameras send, goes through OpenCV's I420 conversion (about
    9x faster than swscale here; BT.601 coefficients); any other format through swscale."""
    full_w, full_h = frame.width, frame.height
    width, height = (full_w, full_h) if width >= full_w else scaled_size(full_h, full_w, width, even=True)
    if frame.format.name != "yuv420p" or full_w % 2 or full_h % 2:
        scaled = frame.reformat(width=width, height=height, format="bgr24", interpolation="FAST_BILINEAR")
        return np.asarray(scaled.to_ndarray(), dtype=np.uint8)
    planes = [_plane(frame, 0, full_w, full_h)]
    planes += [_plane(frame, i, full_w // 2, full_h // 2) for i in (1, 2)]
    if width != full_w:
        sizes = ((width, height), (width // 2, height // 2), (width // 2, height // 2))
        planes = [
            np.asarray(cv2.resize(p, s, interpolation=cv2.INTER_AREA), dtype=np.uint8)
            for p, s in zip(planes, sizes, strict=True)
        ]
    i420 = np.concatenate([p.reshape(-1) for p in planes]).reshape(height * 3 // 2, width)
    return np.asarray(cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420), dtype=np.uint8)


def luma_view(frame: Any) -> NDArray[np.uint8]:
    """Return the frame's Y plane as a read-only uint8 2-D array: a view of the decoder's buffer, no copy.

    When the plane's line size exceeds the width (padding) the rows are copied out once instead.
    """
    if frame.format.name not in _Y_FIRST:
        frame = frame.reformat(format="gray")
    plane = frame.planes[0]
    height, width, line = frame.height, frame.width, plane.line_size
    flat = np.frombuffer(plane, dtype=np.uint8, count=line * height)
    image = flat.reshape(height, line)
    if line != width:
        image = np.ascontiguousarray(image[:, :width])
    image.flags.writeable = False
    return image


_BY_TYPE: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], type[DeviceError], str], ...] = (
    (
        (av.error.HTTPUnauthorizedError, av.error.HTTPForbiddenError, PermissionError),
        AuthError,
        "auth refused",
    ),
    ((av.error.ExitError, TimeoutError), StreamTimeout, "timeout"),
    (ConnectionRefusedError, ConnectError, "connection refused"),
    (av.error.DecoderNotFoundError, UnsupportedCodec, "unsupported codec"),
    (av.error.HTTPNotFoundError, ConnectError, "stream not found"),
    ((av.error.InvalidDataError, av.error.HTTPError), ConnectError, "not a video stream"),
)
_BY_ERRNO: dict[int, tuple[type[DeviceError], str]] = {
    errno.ECONNREFUSED: (ConnectError, "connection refused"),
    errno.EHOSTUNREACH: (ConnectError, "host unreachable"),
    errno.ENETUNREACH: (ConnectError, "host unreachable"),
    errno.EADDRNOTAVAIL: (ConnectError, "host unreachable"),
    errno.ETIMEDOUT: (StreamTimeout, "timeout"),
    errno.ECONNRESET: (ConnectError, "connection lost"),
    errno.EPIPE: (ConnectError, "connection lost"),
    errno.ENOENT: (ConnectError, "stream not found"),
    errno.EIO: (ConnectError, "stream error"),
}


def translate_av_error(exc: BaseException, url: str) -> DeviceError:
    """Map an av/socket exception to the device error with a short reason; `url` is masked in the message."""
    if isinstance(exc, DeviceError):
        return exc
    cls, reason = _classify(exc)
    return cls(f"{reason}: {mask_url(url)}", reason=reason, detail=mask_text(str(exc)))


def _classify(exc: BaseException) -> tuple[type[DeviceError], str]:
    for types, cls, reason in _BY_TYPE:
        if isinstance(exc, types):
            return cls, reason
    code = getattr(exc, "errno", None)
    if isinstance(code, int) and code in _BY_ERRNO:
        return _BY_ERRNO[code]
    if isinstance(exc, EOFError | ConnectionError):
        return ConnectError, "connection lost"
    return ConnectError, "stream error"


class PyAvSource(SourceBase):
    """Decode a PyAV-openable target (file, rtsp://, http:// MJPEG) into luma frames at the analysis rate."""

    def __init__(
        self,
        target: str,
        *,
        camera_id: str,
        fps: float | None = None,
        options: dict[str, str] | None = None,
        timeout: tuple[float, float] | None = None,
        container_format: str | None = None,
        thread_type: str = "SLICE",
    ) -> None:
        super().__init__(camera_id=camera_id)
        self.target = target
        self._options = dict(options or {})
        self._timeout = timeout
        self._format = container_format
        self._thread_type = thread_type
        self._gate = RateGate(fps)
        self._container: Any = None
        self._stream: Any = None
        self._packets: Iterator[Any] | None = None
        self._pending: deque[Any] = deque()
        self._index = 0
        self._ts_offset = 0.0
        self._last_ts = 0.0
        self._low_power = False
        self._refs_ok = True  # False once a non-key packet was dropped: resume full decode at a keyframe
        # called with (packet, stream) for every demuxed video packet, before decoding (live passthrough)
        self.packet_tap: Callable[[Any, Any], None] | None = None

    @property
    def low_power(self) -> bool:
        """True while only keyframes are decoded."""
        return self._low_power

    def set_low_power(self, on: bool) -> None:
        """Decode only keyframes (on) or every frame (off); may be called between reads, from any thread."""
        self._low_power = on
        if self._stream is not None:
            self._stream.codec_context.skip_frame = "NONKEY" if on else "DEFAULT"

    def open(self) -> None:
        """Open the target and its first video stream; raise a `DeviceError` on failure."""
        self.close()
        kwargs: dict[str, Any] = {"options": self._options}
        if self._timeout is not None:
            kwargs["timeout"] = self._timeout
        if self._format is not None:
            kwargs["format"] = self._format
        started = time.monotonic()
        try:
            container = av.open(self.target, **kwargs)
        except Exception as exc:
            limit = self._timeout[0] if self._timeout else 5.0
            err = translate_av_error(exc, self.target)
            err = sharpen(err, self.target, timeout=limit, elapsed=time.monotonic() - started)
            raise err from scrub_exception(exc)
        try:
            self._stream = self._pick_stream(container)
        except BaseException:
            container.close()
            raise
        self._container = container
        self._packets = container.demux(self._stream)
        self._gate.reset()
        self.set_low_power(self._low_power)

    def _pick_stream(self, container: Any) -> Any:
        if not container.streams.video:
            raise NoVideoTrack(f"no video track in {mask_url(self.target)}")
        stream = container.streams.video[0]
        ctx = stream.codec_context
        if ctx is None:
            raise UnsupportedCodec(f"no decoder for the video of {mask_url(self.target)}")
        ctx.thread_type = self._thread_type
        rate = stream.average_rate or stream.guessed_rate
        self.info = StreamInfo(
            codec=ctx.name, width=ctx.width, height=ctx.height, fps=float(rate) if rate else None
        )
        return stream

    def read(self) -> Frame | None:
        """Return the next frame at the analysis rate, or None at the end of the stream."""
        while True:
            avf = self._next_av_frame()
            if avf is None:
                if self._rewind():
                    continue
                return None
            self.stats.frames_decoded += 1
            ts = self._frame_time(avf)
            if not self._gate.accept(ts):
                self.stats.frames_skipped += 1
                continue
            self._pace(ts)
            image = luma_view(avf)
            self._index += 1
            frame = Frame(
                camera_id=self.camera_id, ts=ts, image=image, index=self._index, color=partial(bgr_of, avf)
            )
            return self._deliver(frame)

    def _frame_time(self, avf: Any) -> float:
        pts, base = avf.pts, self._stream.time_base
        if pts is None or base is None:  # e.g. RTSP's first packet, before RTCP has synced the clock
            fps = self.info.fps if self.info and self.info.fps else 25.0
            ts = self._last_ts + 1.0 / fps if self.stats.frames_decoded > 1 else self._ts_offset
        else:
            ts = float(pts * base) + self._ts_offset
        self._last_ts = ts
        return ts

    def _next_av_frame(self) -> Any:
        """Decode until one frame is available; None at the end of the stream."""
        if self._packets is None:
            raise ConnectError(f"source not open: {mask_url(self.target)}", reason="not open")
        while not self._pending:
            try:
                packet = next(self._packets)
            except StopIteration:
                return None
            except Exception as exc:
                raise translate_av_error(exc, self.target) from scrub_exception(exc)
            self.stats.bytes_read += packet.size
            if self.packet_tap is not None and packet.size:
                self.packet_tap(packet, self._stream)
            if packet.size and self._skip_packet(packet):
                continue
            try:
                self._pending.extend(self._stream.codec_context.decode(packet if packet.size else None))
            except av.error.EOFError:
                return None
            except (av.error.InvalidDataError, av.error.UndefinedError, ValueError):
                self.stats.decode_errors += 1
            if not packet.size and not self._pending:
                return None
        return self._pending.popleft()

    def _skip_packet(self, packet: Any) -> bool:
        """Drop non-key packets in low-power mode, and after it until refs are whole again."""
        if packet.is_keyframe:
            self._refs_ok = True
            return False
        if self._low_power or not self._refs_ok:
            self._refs_ok = False
            self.stats.frames_skipped += 1
            return True
        return False

    def _rewind(self) -> bool:
        """Called at the end of the stream; return True to go on reading (looping sources)."""
        return False

    def _pace(self, ts: float) -> None:
        """Called before a frame is handed over; real-time sources sleep here."""

    def close(self) -> None:
        """Close the container; safe to call twice."""
        container, self._container = self._container, None
        self._packets = None
        self._pending.clear()
        if container is not None:
            container.close()
