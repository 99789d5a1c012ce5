"""Real footage: OpenCV's sample `vtest.avi` (768x576, 10 fps, 79.5 s, people on a path and a lawn).

It ships in Debian's `opencv-doc` package; `find_vtest()` fetches it into `.cache/media/` (never into git).

Ground truth, annotated by hand from frame sheets (see bench/README.md for the method):
- whole frame: people are visible from the first to the last frame -> one motion event 0.0-79.4 s;
- zone `lawn` (the grass below the path, kept ~35 px clear of the path edge so people walking on the path
  never touch it): a person steps onto the lawn at the bottom right at frame 503 (50.3 s); someone is on
  the lawn continuously until the last walker leaves it across the path edge at frame 722 (72.2 s).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from bench.evalset.scenarios import ALL_KINDS, TAMPER_KINDS
from monitor.scoring import Interval

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "media"
LAWN = ((0, 300), (300, 356), (450, 421), (600, 481), (768, 546), (768, 576), (0, 576))
LAWN_TRUTH = (50.3, 72.2)
DURATION = 79.5


def find_vtest(fetch: bool = True) -> Path | None:
    """Path of vtest.avi in the cache; fetch `opencv-doc` with apt-get if missing; None if impossible."""
    found = sorted(CACHE.rglob("vtest.avi")) if CACHE.exists() else []
    if found or not fetch:
        return found[0] if found else None
    apt, dpkg = shutil.which("apt-get"), shutil.which("dpkg-deb")
    if apt is None or dpkg is None:
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [apt, "download", "opencv-doc"], cwd=CACHE, check=True, capture_output=True, timeout=600
        )
        for deb in CACHE.glob("opencv-doc_*.deb"):
            subprocess.run([dpkg, "-x", str(deb), str(CACHE / "opencv-doc")], check=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    found = sorted(CACHE.rglob("vtest.avi"))
    return found[0] if found else None


@dataclass(frozen=True)
class VtestClip:
    """A vtest-based clip: either the original file or the original with a disturbance composed onto it."""

    name: str
    disturbance: str | None
    t0: float = 0.0
    t1: float = 0.0
    zone: bool = True
    kinds: frozenset[str] = ALL_KINDS
    small: bool = False
    duration: float = DURATION
    # Soft, low-resolution footage: the picture brought down to 320x240 and back up to 640x480 (cubic),
    # as an old analogue or CIF camera (or a sample file scaled for display) delivers it.
    soft: bool = False

    def detect_config(self) -> dict[str, object]:
        """Zones the clip is analysed with."""
        if not self.zone:
            return {}
        return {"zones": [{"name": "lawn", "polygon": [list(p) for p in LAWN]}]}

    def truth(self) -> list[Interval]:
        """Hand-annotated motion truth plus the composed tampering."""
        out: list[Interval] = []
        if "motion" in self.kinds:
            out.append(
                Interval("motion", *LAWN_TRUTH, "lawn") if self.zone else Interval("motion", 0.0, 79.4)
            )
        if self.disturbance in TAMPER_KINDS:
            onset = self.t0 + 0.5 if self.disturbance == "covered" else self.t0
            out.append(Interval(self.disturbance, onset, self.t1 - 0.1))
        return out


def vtest_clips() -> list[VtestClip]:
    """The vtest-based clips of the full set."""
    tk = TAMPER_KINDS
    return [
        VtestClip("vtest_full", None, zone=False),
        VtestClip("vtest_lawn", None, small=True),
        VtestClip("vtest_light_steps", "light"),
        VtestClip("vtest_covered", "covered", 20, 32, kinds=tk, small=True, duration=40.0),
        VtestClip("vtest_defocused", "defocused", 35, 50, kinds=tk),
        VtestClip("vtest_moved", "moved", 20, 35, kinds=tk),
        VtestClip("vtest_frozen", "frozen", 55, 65, kinds=tk),
        VtestClip("vtest_soft_covered", "covered", 20, 32, kinds=tk, duration=40.0, soft=True),
        VtestClip("vtest_soft_defocused", "defocused", 35, 50, kinds=tk, soft=True),
        VtestClip("vtest_soft_moved", "moved", 20, 35, kinds=tk, soft=True),
        VtestClip("vtest_soft_frozen", "frozen", 55, 65, kinds=tk, soft=True),
    ]


def _light_gain(t: float) -> float:
    """Light steps: a bright step, back, a dark step, back (each a one-frame switch)."""
    for start, end, gain in ((12, 30, 1.6), (45, 60, 0.5)):
        if start <= t < end:
            return gain
    return 1.0


def disturbed_frames(clip: VtestClip, frames: Iterable[NDArray[np.uint8]]) -> Iterator[NDArray[np.uint8]]:
    """Compose the clip's disturbance onto the original frames (10 fps)."""
    rng = np.random.default_rng(7)
    previous: NDArray[np.uint8] | None = None
    for i, original in enumerate(frames):
        t = i / 10.0
        active = clip.t0 <= t < clip.t1
        frame = original
        if clip.soft:
            small = cv2.resize(original, (320, 240), interpolation=cv2.INTER_AREA)
            frame = np.asarray(cv2.resize(small, (640, 480), interpolation=cv2.INTER_CUBIC), np.uint8)
        out = frame
        if clip.disturbance == "light":
            out = np.clip(frame.astype(np.float32) * _light_gain(t), 0, 255).astype(np.uint8)
        elif active and clip.disturbance == "covered":
            amount = min(1.0, (t - clip.t0) / 0.5)
            flat = 30 + rng.normal(0, 2.0, frame.shape)
            out = np.clip((1 - amount) * frame + amount * flat, 0, 255).astype(np.uint8)
        elif active and clip.disturbance == "defocused":
            out = cv2.GaussianBlur(frame, (0, 0), 3.5)
        elif active and clip.disturbance == "moved":
            shift = np.float32([[1, 0, 40], [0, 1, 25]])
            out = cv2.warpAffine(
                frame, shift, (frame.shape[1], frame.shape[0]), borderMode=cv2.BORDER_REFLECT
            )
        elif active and clip.disturbance == "frozen" and previous is not None:
            out = previous
        previous = out
        yield out
