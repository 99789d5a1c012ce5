"""The demo camera: a textured scene with swaying foliage, sensor noise, people walking through now and then,
and a light that switches sometimes. Deterministic from its seed, paced to real time, a few ms per frame.

`demo://lobby?seed=1&fps=10&width=640&height=360&people=20&light=60` (people/light: mean seconds between events).

With `encode=True` (the capture worker) each picture is also encoded to H.264 (`devices.demo_encoder`): the
packets go to `packet_tap` as a real camera's demuxed packets do (the capture worker's tee: live passthrough
and the camera's `devices.packet_feed`, from which its recorder copies them into segments).
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.adapters.base import SourceBase, StreamInfo
from devices.demo_encoder import H264Encoder
from monitor.frames import Frame, scaled_size

__all__ = ["Person", "SyntheticSource"]


def _yuv_to_bgr(luma: NDArray[np.uint8], chroma: NDArray[np.uint8], width: int) -> NDArray[np.uint8]:
    """The demo picture in colour, `width` pixels wide: its luma with the scene's U and V planes."""
    bgr = cv2.cvtColor(np.dstack((luma, chroma)), cv2.COLOR_YUV2BGR)
    if width < luma.shape[1]:
        size = scaled_size(luma.shape[0], luma.shape[1], width)
        bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    return np.asarray(bgr, dtype=np.uint8)


_NOISE_BANK = 8


@dataclass(slots=True)
class Person:
    """A walker crossing the scene; `box()` gives where it is at a frame index."""

    start: int
    x0: float
    speed: float  # pixels per frame, signed
    foot_y: int
    height: int
    shade: int

    def box(self, n: int) -> tuple[int, int, int, int]:
        """Return (x, y, w, h) of the walker at frame `n`."""
        x = self.x0 + self.speed * (n - self.start)
        w = max(4, self.height // 3)
        bob = int(2 * math.sin((n - self.start) * 0.9))
        return int(x - w / 2), self.foot_y - self.height + bob, w, self.height


class SyntheticSource(SourceBase):
    """A deterministic synthetic camera (see module doc); `people_in_view` is the ground truth of the last frame."""

    def __init__(
        self,
        name: str = "demo",
        *,
        camera_id: str,
        seed: int = 1,
        fps: float = 10.0,
        width: int = 640,
        height: int = 360,
        people_every: float = 20.0,
        light_every: float = 60.0,
        realtime: bool = True,
        max_frames: int | None = None,
        encode: bool = False,
    ) -> None:
        super().__init__(camera_id=camera_id)
        self.name, self.seed, self.fps = name, seed, fps
        self.width, self.height = width, height
        self.people_every, self.light_every = people_every, light_every
        self.realtime, self.max_frames = realtime, max_frames
        self.people_in_view: list[tuple[int, int, int, int]] = []
        self.light_on = True
        self._n = 0
        self._wall0: float | None = None
        self._rng = np.random.default_rng(0)
        self._people: list[Person] = []
        self._next_person = 0
        self._next_light = 0
        self._bg: NDArray[np.uint8] = np.zeros((1, 1), np.uint8)
        self._noise: list[tuple[NDArray[np.uint8], NDArray[np.uint8]]] = []
        self.encode = encode
        self._encoder: H264Encoder | None = None
        # called with (packet, stream) for every encoded packet (live passthrough), as PyAvSource does
        self.packet_tap: Callable[[Any, Any], None] | None = None

    @classmethod
    def from_url(
        cls, url: str, *, camera_id: str, realtime: bool = True, encode: bool = False
    ) -> SyntheticSource:
        """Build from `demo://name?seed=1&fps=10&width=640&height=360&people=20&light=60`."""
        parts = urlsplit(url)
        q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return cls(
            parts.netloc or parts.path.strip("/") or "demo",
            camera_id=camera_id,
            seed=int(q.get("seed", 1)),
            fps=float(q.get("fps", 10)),
            width=int(q.get("width", 640)),
            height=int(q.get("height", 360)),
            people_every=float(q.get("people", 20)),
            light_every=float(q.get("light", 60)),
            realtime=realtime,
            encode=encode,
        )

    def open(self) -> None:
        """Build the scene from the seed and rewind to frame 0."""
        self._rng = np.random.default_rng([self.seed, zlib.crc32(self.name.encode())])
        self._bg = self._make_background()
        self._chroma = self._make_chroma()
        self._noise = [self._noise_pair() for _ in range(_NOISE_BANK)]
        self._people, self._n, self._wall0, self.light_on = [], 0, None, True
        self._next_person = self._gap(self.people_every) // 3
        self._next_light = self._gap(self.light_every)
        self.info = StreamInfo(codec="synthetic", width=self.width, height=self.height, fps=self.fps)
        if self.encode:
            self._encoder = H264Encoder(self.width, self.height, self.fps, self._chroma)
            self.info = StreamInfo(codec="h264", width=self.width, height=self.height, fps=self.fps)

    def _gap(self, mean_seconds: float) -> int:
        return max(1, int(self._rng.exponential(mean_seconds) * self.fps))

    def _make_background(self) -> NDArray[np.uint8]:
        h, w = self.height, self.width
        coarse = self._rng.integers(60, 190, size=(max(2, h // 24), max(2, w // 24)), dtype=np.uint8)
        bg = np.asarray(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.uint8)
        fine = self._rng.integers(0, 24, size=(h, w), dtype=np.uint8)
        bg = np.asarray(cv2.add(bg, fine), dtype=np.uint8)
        for _ in range(6):  # furniture and doors, sized to the frame
            x = int(self._rng.integers(0, max(1, w - w // 16)))
            y = int(self._rng.integers(h // 3, max(h // 3 + 1, h - h // 12)))
            shade = int(self._rng.integers(30, 220))
            width = int(self._rng.integers(max(1, w // 32), max(2, w * 3 // 16)))
            cv2.rectangle(bg, (x, y), (x + width, h - 1), shade, -1)
        return bg

    def _make_chroma(self) -> NDArray[np.uint8]:
        """Muted colour (the U and V planes) of the scene, from its own generator: the luma stays as it was."""
        rng = np.random.default_rng([self.seed, zlib.crc32(self.name.encode()), 1])
        h, w = self.height, self.width
        coarse = rng.integers(114, 142, size=(max(2, h // 90), max(2, w // 90), 2), dtype=np.uint8)
        return np.asarray(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.uint8)

    def _noise_pair(self) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
        n = self._rng.normal(0.0, 2.5, size=(self.height, self.width))
        return np.clip(n, 0, 255).astype(np.uint8), np.clip(-n, 0, 255).astype(np.uint8)

    def read(self) -> Frame | None:
        """Render the next frame (sleeping to keep real time if asked)."""
        if self.max_frames is not None and self._n >= self.max_frames:
            return None
        n = self._n
        self._schedule(n)
        image = self._render(n)
        self._pace(n)
        if self._encoder is not None:
            self._publish(self._encoder, image)
        self._n += 1
        frame = Frame(
            camera_id=self.camera_id,
            ts=n / self.fps,
            image=image,
            index=n + 1,
            color=partial(_yuv_to_bgr, image, self._chroma),
        )
        self.stats.frames_decoded += 1
        return self._deliver(frame)

    def _publish(self, encoder: H264Encoder, image: NDArray[np.uint8]) -> None:
        """Encode the picture and tee its packets (live passthrough and the recorder's feed), as a real
        camera's reader tees the packets it demuxes."""
        for packet in encoder.encode(image):
            self.stats.bytes_read += packet.size
            if self.packet_tap is not None:
                self.packet_tap(packet, encoder.stream)

    def _schedule(self, n: int) -> None:
        if n >= self._next_person:
            self._people.append(self._new_person(n))
            self._next_person = n + self._gap(self.people_every)
        if n >= self._next_light:
            self.light_on = not self.light_on
            self._next_light = n + self._gap(self.light_every if self.light_on else self.light_every / 3)
        self._people = [p for p in self._people if -60 < p.box(n)[0] < self.width + 60]

    def _new_person(self, n: int) -> Person:
        rng, w, h = self._rng, self.width, self.height
        left = bool(rng.integers(0, 2))
        speed = float(rng.uniform(0.6, 1.4)) * w / (6.0 * self.fps)  # crosses in ~4-10 s
        height = int(rng.uniform(0.25, 0.45) * h)
        foot = int(rng.uniform(0.75, 0.97) * h)
        shade = int(rng.choice([int(rng.integers(10, 50)), int(rng.integers(200, 245))]))
        return Person(n, -20.0 if left else w + 20.0, speed if left else -speed, foot, height, shade)

    def _render(self, n: int) -> NDArray[np.uint8]:
        img = self._bg.copy()
        self._sway(img, n)
        self.people_in_view = []
        for p in self._people:
            x, y, w, h = p.box(n)
            cv2.ellipse(img, (x + w // 2, y + h // 2 + h // 10), (w // 2, h * 2 // 5), 0, 0, 360, p.shade, -1)
            cv2.circle(img, (x + w // 2, y + h // 10), max(3, h // 10), p.shade, -1)
            if x + w > 0 and x < self.width:
                self.people_in_view.append((x, y, w, h))
        if not self.light_on:
            img = np.asarray(cv2.convertScaleAbs(img, alpha=0.45, beta=4), dtype=np.uint8)
        pos, neg = self._noise[(n * 5 + self.seed) % _NOISE_BANK]
        return np.asarray(cv2.subtract(cv2.add(img, pos), neg), dtype=np.uint8)

    def _sway(self, img: NDArray[np.uint8], n: int) -> None:
        """Foliage in the top-left corner sways by a few pixels."""
        h, w = self.height // 4, self.width // 5
        dx = round(3 * math.sin(n * 2 * math.pi / (self.fps * 3)))
        if dx:
            img[:h, :w] = np.roll(self._bg[:h, :w], dx, axis=1)

    def _pace(self, n: int) -> None:
        if not self.realtime:
            return
        now = time.monotonic()
        if self._wall0 is None:
            self._wall0 = now
        delay = self._wall0 + n / self.fps - now
        if delay > 0:
            time.sleep(delay)

    def close(self) -> None:
        """Drop the encoder (a reopened camera encodes a new stream); safe to call twice."""
        self.people_in_view = []
        self._encoder = None
