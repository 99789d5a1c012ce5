"""Second real footage, kept for the test split: OpenCV's sample `tree.avi` (320x240, 15 fps, 29.6 s).

A fixed outdoor camera looking at a tree swaying in the wind against a bright, partly clipped sky. It ships in
the same Debian package as vtest.avi (`opencv-doc`, examples/data/tree.avi). The leaves move all the time, so
the clips made from it score the tamper kinds only: tampering composed onto it (covered, defocused, moved,
frozen) and light steps (up with clipping at the limited-range ceiling 235, and back down) where no tamper
may be reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from bench.evalset.scenarios import TAMPER_KINDS
from bench.evalset.vtest import find_vtest
from monitor.scoring import Interval
from runtime.decode import luma_plane

DURATION = 29.0
FPS = 10.0
SIZE = (480, 640)


def find_tree() -> Path | None:
    """Path of tree.avi (fetched with vtest.avi from `opencv-doc`), None if unavailable."""
    vtest = find_vtest()
    if vtest is None:
        return None
    tree = vtest.with_name("tree.avi")
    return tree if tree.exists() else None


@dataclass(frozen=True)
class TreeClip:
    """tree.avi with one disturbance composed onto it between t0 and t1."""

    name: str
    disturbance: str
    t0: float
    t1: float
    small: bool = False

    def truth(self) -> list[Interval]:
        """The composed tampering (light steps have none)."""
        if self.disturbance not in TAMPER_KINDS:
            return []
        onset = self.t0 + 0.5 if self.disturbance == "covered" else self.t0
        return [Interval(self.disturbance, onset, self.t1 - 0.1)]


def tree_clips() -> list[TreeClip]:
    """The tree-based clips (all in the test split)."""
    return [
        TreeClip("tree_covered", "covered", 10, 20, small=True),
        TreeClip("tree_defocused", "defocused", 12, 24),
        TreeClip("tree_moved", "moved", 9, 22),
        TreeClip("tree_frozen", "frozen", 12, 22),
        TreeClip("tree_light_steps_235", "light", 8, 18, small=True),
    ]


def source_frames(path: Path) -> Iterator[NDArray[np.uint8]]:
    """tree.avi resampled to 10 fps and scaled to 640x480 luma."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate or 15)
        next_t = 0.0
        for i, frame in enumerate(container.decode(stream)):
            t = i / rate
            if t + 1e-6 < next_t:
                continue
            next_t += 1.0 / FPS
            luma = luma_plane(frame)
            yield np.asarray(cv2.resize(luma, (SIZE[1], SIZE[0]), interpolation=cv2.INTER_CUBIC), np.uint8)


def disturbed(clip: TreeClip, frames: Iterable[NDArray[np.uint8]]) -> Iterator[NDArray[np.uint8]]:
    """Compose the clip's disturbance onto the frames."""
    rng = np.random.default_rng(11)
    previous: NDArray[np.uint8] | None = None
    for i, frame in enumerate(frames):
        if i >= round(DURATION * FPS):
            return
        t = i / FPS
        active = clip.t0 <= t < clip.t1
        out = frame
        if clip.disturbance == "light":
            gain = 1.7 if active else 1.0
            out = np.clip(16 + (frame.astype(np.float32) - 16) * gain, 16, 235).astype(np.uint8)
        elif active and clip.disturbance == "covered":
            amount = min(1.0, (t - clip.t0) / 0.5)
            flat = 190 + rng.normal(0, 2.0, frame.shape)
            out = np.clip((1 - amount) * frame + amount * flat, 0, 255).astype(np.uint8)
        elif active and clip.disturbance == "defocused":
            out = cv2.GaussianBlur(frame, (0, 0), 4.0)
        elif active and clip.disturbance == "moved":
            shift = np.float32([[1, 0, -60], [0, 1, 30]])
            out = cv2.warpAffine(frame, shift, (SIZE[1], SIZE[0]), borderMode=cv2.BORDER_REFLECT)
        elif active and clip.disturbance == "frozen" and previous is not None:
            out = previous
        previous = out
        yield out
