"""Rendering primitives for synthetic evaluation clips: textured scenes, walking people, light, weather, tampering.

Everything is float32 luma in 0-255; a scene is reflectance times illumination plus emissive light and noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.float32]


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> Image:
    h, w = shape
    small = rng.normal(size=(max(2, h // cell), max(2, w // cell))).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def textured_scene(rng: np.random.Generator, shape: tuple[int, int]) -> Image:
    """A street-like scene: sky, a building with windows, a road with markings, grass; multi-scale texture."""
    h, w = shape
    img = np.zeros(shape, dtype=np.float32)
    horizon = int(h * rng.uniform(0.25, 0.35))
    img[:horizon] = 175 + 25 * np.linspace(-1, 1, horizon, dtype=np.float32)[:, None]
    bx0, bx1 = int(w * rng.uniform(0.05, 0.2)), int(w * rng.uniform(0.55, 0.8))
    by0 = int(horizon * rng.uniform(0.2, 0.5))
    img[by0:horizon, bx0:bx1] = rng.uniform(95, 125)
    for x in range(bx0 + 8, bx1 - 14, 22):
        for y in range(by0 + 6, horizon - 10, 18):
            img[y : y + 10, x : x + 12] = rng.uniform(40, 80)
    img[horizon:] = 120
    road0, road1 = int(h * 0.55), int(h * 0.72)
    img[road0:road1] = 85
    for x in range(0, w, 60):
        img[(road0 + road1) // 2 - 1 : (road0 + road1) // 2 + 2, x : x + 30] = 190
    img[horizon:road0] = 140
    img[road1:] = 95
    img += 14 * smooth_noise(rng, shape, 48) + 8 * smooth_noise(rng, shape, 8)
    img[horizon:] += 10 * rng.normal(size=(h - horizon, w)).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    for _ in range(6):
        x, y = int(rng.uniform(0, w)), int(rng.uniform(horizon, h))
        cv2.rectangle(
            img, (x, y), (x + int(rng.uniform(8, 30)), y + int(rng.uniform(5, 20))), rng.uniform(50, 200), -1
        )
    return np.clip(img, 10, 245)


def yard_scene(rng: np.random.Generator, shape: tuple[int, int]) -> Image:
    """A second background family (kept for the test split): a wall with a gate, paving stones, a lawn and
    parked shapes; different layout, brightness and texture statistics from `textured_scene`."""
    h, w = shape
    img = np.zeros(shape, dtype=np.float32)
    wall = int(h * rng.uniform(0.3, 0.42))
    img[:wall] = rng.uniform(130, 160)
    brick_h, brick_w = max(4, h // 40), max(8, w // 24)
    for row, y in enumerate(range(0, wall, brick_h)):
        img[y : y + 1, :] -= 25
        for x in range((row % 2) * brick_w // 2, w, brick_w):
            img[y : y + brick_h, x : x + 1] -= 25
    gx = int(w * rng.uniform(0.3, 0.6))
    img[int(wall * 0.2) : wall, gx : gx + w // 8] = rng.uniform(40, 70)
    paving = int(h * rng.uniform(0.6, 0.7))
    img[wall:paving] = rng.uniform(100, 130)
    stone = max(6, w // 30)
    for y in range(wall, paving, stone):
        img[y : y + 1, :] -= 18
    for x in range(0, w, stone * 2):
        img[wall:paving, x : x + 1] -= 18
    img[paving:] = rng.uniform(60, 85)
    img += 10 * smooth_noise(rng, shape, max(8, w // 12)) + 6 * smooth_noise(rng, shape, max(4, w // 80))
    img[paving:] += 12 * rng.normal(size=(h - paving, w)).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    for _ in range(4):
        x, y = int(rng.uniform(0, w * 0.9)), int(rng.uniform(wall, h * 0.95))
        bw, bh = int(rng.uniform(0.05, 0.12) * w), int(rng.uniform(0.04, 0.08) * h)
        cv2.rectangle(img, (x, y), (x + bw, y + bh), rng.uniform(30, 210), -1)
    return np.clip(img, 12, 240)


def plain_scene(rng: np.random.Generator, shape: tuple[int, int]) -> Image:
    """A textureless picture (a test pattern's flat background, a blank wall): a faint gradient only."""
    h, w = shape
    level = rng.uniform(90, 140)
    grad = np.linspace(-4, 4, w, dtype=np.float32)[None, :]
    return np.broadcast_to(level + grad, (h, w)).astype(np.float32).copy()


def sparse_scene(rng: np.random.Generator, shape: tuple[int, int]) -> Image:
    """A mostly plain picture (a corridor wall): a faint gradient with a door, a sign and a switch, so only
    a few places have any texture."""
    h, w = shape
    img = plain_scene(rng, shape)
    level = float(img.mean())
    x = int(w * rng.uniform(0.15, 0.6))
    cv2.rectangle(img, (x, int(0.35 * h)), (x + w // 10, int(0.8 * h)), level - rng.uniform(30, 50), -1)
    x = int(w * rng.uniform(0.65, 0.8))
    cv2.rectangle(img, (x, int(0.3 * h)), (x + w // 14, int(0.38 * h)), level + rng.uniform(40, 70), -1)
    cv2.rectangle(img, (x, int(0.5 * h)), (x + w // 60, int(0.54 * h)), level + 25, -1)
    return cv2.GaussianBlur(img, (0, 0), 0.8)


@dataclass(frozen=True, slots=True)
class Walker:
    """A person crossing the view: feet at (x0 + vx*(t - t0), y); `height` in pixels."""

    t0: float
    x0: float
    y: float
    vx: float
    height: float
    shade: float
    # When set, the person's luma is the mean of the background under it plus this many levels (the
    # contrast sweep); `shade` is then ignored.
    contrast: float | None = None

    def position(self, t: float) -> float:
        """Horizontal position of the feet at time t."""
        return self.x0 + self.vx * (t - self.t0)


def draw_walker(img: Image, mask: NDArray[np.uint8], walker: Walker, t: float) -> None:
    """Draw an articulated silhouette (head, torso, swinging arms and legs) into `img` and `mask`."""
    if t < walker.t0:
        return
    h = walker.height
    x, y = walker.position(t), walker.y
    phase = math.sin(2 * math.pi * 1.8 * (t - walker.t0) * min(2.0, abs(walker.vx) / (0.6 * h) + 0.5))
    swing = 0.28 * phase
    hip = (x, y - 0.5 * h)
    shoulder = (x, y - 0.8 * h)
    thick_leg, thick_arm = max(2, int(0.08 * h)), max(1, int(0.05 * h))
    shade = walker.shade
    if walker.contrast is not None:
        own = np.zeros(mask.shape, dtype=np.uint8)
        _draw_body(own, 255, x, y, h, swing, thick_leg, thick_arm)
        inside = own > 0
        if inside.any():
            img[inside] = float(img[inside].mean()) + walker.contrast
        cv2.bitwise_or(mask, own, dst=mask)
        return
    for target, value in ((img, shade), (mask, 255)):
        for sign in (1, -1):
            foot = (x + sign * math.sin(swing) * 0.5 * h, y)
            cv2.line(target, _pt(hip), _pt(foot), value, thick_leg)
            hand = (x - sign * math.sin(swing) * 0.35 * h, y - 0.45 * h)
            cv2.line(target, _pt(shoulder), _pt(hand), value, thick_arm)
        axes = (max(2, int(0.12 * h)), max(3, int(0.18 * h)))
        cv2.ellipse(target, _pt((x, y - 0.66 * h)), axes, 0, 0, 360, value, -1)
        cv2.circle(target, _pt((x, y - 0.9 * h)), max(2, int(0.075 * h)), value, -1)


def _draw_body(
    target: NDArray[np.uint8], value: int, x: float, y: float, h: float, swing: float, leg: int, arm: int
) -> None:
    for sign in (1, -1):
        foot = (x + sign * math.sin(swing) * 0.5 * h, y)
        cv2.line(target, _pt((x, y - 0.5 * h)), _pt(foot), value, leg)
        hand = (x - sign * math.sin(swing) * 0.35 * h, y - 0.45 * h)
        cv2.line(target, _pt((x, y - 0.8 * h)), _pt(hand), value, arm)
    axes = (max(2, int(0.12 * h)), max(3, int(0.18 * h)))
    cv2.ellipse(target, _pt((x, y - 0.66 * h)), axes, 0, 0, 360, value, -1)
    cv2.circle(target, _pt((x, y - 0.9 * h)), max(2, int(0.075 * h)), value, -1)


def _pt(p: tuple[float, float]) -> tuple[int, int]:
    return round(p[0]), round(p[1])


def lamp_pool(shape: tuple[int, int], centre: tuple[float, float], radius: float) -> Image:
    """A smooth pool of light (0-1) around `centre`, as a street lamp or ceiling light throws."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d2 = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2
    return np.exp(-d2 / (2 * radius**2)).astype(np.float32)


def cloud_shadow(shape: tuple[int, int], t: float, duration: float, depth: float = 0.45) -> Image:
    """Illumination factor of a soft cloud shadow drifting across the view over `duration` seconds."""
    h, w = shape
    cx = -0.5 * w + 2.0 * w * t / duration
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.sqrt(((xx - cx) / (0.45 * w)) ** 2 + ((yy - 0.55 * h) / (0.9 * h)) ** 2)
    shadow = np.clip((1.25 - d) / 0.5, 0, 1)
    return (1.0 - depth * shadow).astype(np.float32)


def tree(rng: np.random.Generator, size: int) -> tuple[Image, NDArray[np.uint8]]:
    """A leafy crown texture and its mask, for a tree that sways inside a mask."""
    crown = np.zeros((size, size), dtype=np.uint8)
    cv2.ellipse(crown, (size // 2, size // 2), (size // 2 - 2, size // 2 - 8), 0, 0, 360, 255, -1)
    texture = 60 + 50 * rng.random((size, size)).astype(np.float32)
    return cv2.GaussianBlur(texture, (0, 0), 1.0), crown


def paste(img: Image, patch: Image, mask: NDArray[np.uint8], x: int, y: int) -> None:
    """Copy `patch` where `mask` is set into `img` with its top-left corner at (x, y) (clipped to the image)."""
    h, w = patch.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(img.shape[1], x + w), min(img.shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        return
    region = img[y0:y1, x0:x1]
    sub_mask = mask[y0 - y : y1 - y, x0 - x : x1 - x] > 0
    region[sub_mask] = patch[y0 - y : y1 - y, x0 - x : x1 - x][sub_mask]


def rain(rng: np.random.Generator, img: Image, drops: int, snow: bool) -> None:
    """Add bright rain streaks or snowflakes (emissive) at random places."""
    h, w = img.shape
    xs = rng.integers(0, w, drops)
    ys = rng.integers(0, h, drops)
    for x, y in zip(xs, ys, strict=True):
        if snow:
            cv2.circle(img, (int(x), int(y)), int(rng.integers(1, 3)), 230, -1)
        else:
            cv2.line(img, (int(x), int(y)), (int(x) + 3, int(y) + 14), 200, 1)


def cover(img: Image, rng: np.random.Generator, level: float, amount: float) -> Image:
    """Blend towards a lens cover (nearly uniform `level` with a soft gradient) by `amount` in 0-1."""
    h, w = img.shape
    grad = np.linspace(-6, 6, w, dtype=np.float32)[None, :]
    covered = np.broadcast_to(level + grad, (h, w)).astype(np.float32)
    return ((1 - amount) * img + amount * covered).astype(np.float32)


class SensorNoise:
    """Gaussian sensor noise drawn from a bank of pre-generated fields, shifted at random each frame."""

    def __init__(self, rng: np.random.Generator, shape: tuple[int, int], sigma: float, bank: int = 6) -> None:
        self.rng = rng
        self.fields = rng.standard_normal((bank, *shape), dtype=np.float32) * sigma

    def add(self, img: Image) -> NDArray[np.uint8]:
        """Add noise to `img` and quantise to 8 bits."""
        k = int(self.rng.integers(len(self.fields)))
        dy, dx = (int(v) for v in self.rng.integers(0, img.shape))
        noise = np.roll(self.fields[k], (dy, dx), axis=(0, 1))
        return np.clip(img + noise, 0, 255).astype(np.uint8)
