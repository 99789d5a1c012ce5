"""Synthetic luma frames for the monitor unit tests: a seeded textured scene, objects, light and noise."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import DetectConfig
from monitor.events import MonitorEvent
from monitor.frames import Frame
from monitor.pipeline import Detector

H, W = 360, 640


def scene(seed: int = 1) -> NDArray[np.float32]:
    """A textured background (0-255 float) with structure at several scales."""
    rng = np.random.default_rng(seed)
    coarse = cv2.resize(rng.normal(size=(9, 16)).astype(np.float32), (W, H), interpolation=cv2.INTER_CUBIC)
    fine = cv2.resize(rng.normal(size=(90, 160)).astype(np.float32), (W, H), interpolation=cv2.INTER_CUBIC)
    img = 120 + 30 * coarse + 15 * fine
    for x in range(20, W - 40, 60):
        cv2.rectangle(img, (x, 40), (x + 25, 80), 60, -1)
    return np.clip(img, 20, 230).astype(np.float32)


def person(img: NDArray[np.float32], x: float, y: float = 300, h: float = 120, shade: float = 40) -> None:
    """Draw a simple upright silhouette with its feet at (x, y)."""
    w = h * 0.3
    cv2.rectangle(img, (round(x - w / 2), round(y - 0.85 * h)), (round(x + w / 2), round(y)), shade, -1)
    cv2.circle(img, (round(x), round(y - 0.92 * h)), round(0.08 * h), shade, -1)


def finish(
    img: NDArray[np.float32], rng: np.random.Generator, gain: float | NDArray[np.float32] = 1.0
) -> NDArray[np.uint8]:
    """Apply illumination and sensor noise, quantise to uint8."""
    lit = img * gain + rng.normal(0, 2.5, img.shape)
    return np.clip(lit, 0, 255).astype(np.uint8)


def run(config: DetectConfig, frames: list[NDArray[np.uint8]], fps: float = 5.0) -> list[MonitorEvent]:
    """Feed frames (at `fps`) through a Detector; return the closed events, including those flushed."""
    detector = Detector(config, frames[0].shape)
    events = []
    for i, image in enumerate(frames):
        events += detector.process(Frame("cam", i / fps, image, i))
    events += detector.flush()
    return [e for e in events if not e.is_open]


def walk(
    seconds: float, *, start: float, speed: float = 60, fps: float = 5.0, x0: float = -20
) -> list[float | None]:
    """Person x position per frame (None before `start`)."""
    return [None if i / fps < start else x0 + speed * (i / fps - start) for i in range(round(seconds * fps))]


def slim_person(shape: tuple[int, int], x: float, y: float, h: float) -> NDArray[np.bool_]:
    """Mask of a slim walking person as the evaluation set draws one: a torso ellipse 0.24 h wide, legs and
    arms a few pixels thick (a 30 px person is 7 px wide at the torso, 2 px at the legs)."""
    mask = np.zeros(shape, dtype=np.uint8)
    leg, arm = max(2, int(0.08 * h)), max(1, int(0.05 * h))
    for sign in (1, -1):
        cv2.line(mask, (round(x), round(y - 0.5 * h)), (round(x + sign * 0.14 * h), round(y)), 255, leg)
        cv2.line(
            mask, (round(x), round(y - 0.8 * h)), (round(x - sign * 0.1 * h), round(y - 0.45 * h)), 255, arm
        )
    axes = (max(2, int(0.12 * h)), max(3, int(0.18 * h)))
    cv2.ellipse(mask, (round(x), round(y - 0.66 * h)), axes, 0, 0, 360, 255, -1)
    cv2.circle(mask, (round(x), round(y - 0.9 * h)), max(2, int(0.075 * h)), 255, -1)
    return mask > 0


def hd_walk(
    height: float | None,
    *,
    contrast: float = 30,
    gain: Callable[[float], float] = lambda t: 1.0,
    ceiling: float = 255.0,
    seconds: float = 8,
    fps: float = 5.0,
) -> list[NDArray[np.uint8]]:
    """A slim person `height` px tall crossing a 1080p scene from t = 2 s (None: empty scene)."""
    base = cv2.resize(scene(12), (1920, 1080), interpolation=cv2.INTER_LINEAR)
    rng = np.random.default_rng(5)
    low = 16.0 if ceiling < 255 else 0.0
    frames = []
    for i in range(round(seconds * fps)):
        t = i / fps
        img = base.copy()
        if height is not None and t >= 2:
            inside = slim_person(base.shape, 600 + 30 * (t - 2), 700, height)
            img[inside] = img[inside].mean() + contrast
        lit = img * gain(t) + rng.normal(0, 2.5, img.shape)
        frames.append(np.clip(lit, low, ceiling).astype(np.uint8))
    return frames
