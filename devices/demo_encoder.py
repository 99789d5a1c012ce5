"""H.264 for demo cameras: the synthetic picture encoded with PyAV (libx264, ultrafast, zerolatency, a one
second group of pictures).

A real camera sends compressed video that the reader demuxes and tees to live passthrough and to its
recorder's feed (`devices.packet_feed`). A demo camera has no network stream, so its reader encodes what it
renders, once, and tees each packet the same way (`packet_tap`): the recorder copies them into segments
exactly as it copies a real camera's (stream copy, cut on keyframes), through the same feed.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import av
import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = ["H264Encoder"]

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
