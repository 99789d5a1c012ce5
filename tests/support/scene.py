"""Seeded test clips of a watched scene: a textured, noisy background, and a person who walks in."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

MEDIA = Path(__file__).resolve().parents[2] / ".cache" / "media"


def _background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    base = rng.integers(60, 160, size=(h // 8, w // 8), dtype=np.uint8)
    img = np.kron(base, np.ones((8, 8), dtype=np.uint8)).astype(np.int16)
    img[h // 2 :, :] += 30  # a floor brighter than the wall
    return np.clip(img, 0, 255).astype(np.uint8)


def make_person_clip(
    name: str = "person",
    *,
    seconds: float = 24,
    fps: int = 10,
    enter_at: float = 8,
    size: tuple[int, int] = (640, 360),
    seed: int = 7,
    gop: int | None = None,
) -> Path:
    """An H.264 MP4: `enter_at` seconds of an empty scene, then a dark figure walks across (made once)."""
    w, h = size
    suffix = f"-g{gop}" if gop else ""  # keyframe every `gop` frames (default: every second)
    path = MEDIA / f"{name}-{w}x{h}-{fps}-{seconds}s-{enter_at}-{seed}{suffix}.mp4"
    if path.exists():
        return path
    MEDIA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    bg = _background(rng, h, w)
    tmp = path.with_suffix(".tmp.mp4")
    with av.open(str(tmp), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"g": str(gop or fps), "bf": "0", "preset": "veryfast", "crf": "26"}
        for i in range(int(seconds * fps)):
            t = i / fps
            y = bg.astype(np.int16) + rng.normal(0, 3, size=bg.shape).astype(np.int16)
            if t >= enter_at:
                x = int(-60 + (t - enter_at) * 70)  # 70 px/s, left to right
                y[h // 3 : h // 3 + 150, max(0, x) : max(0, x + 50)] = 25
            frame_y = np.clip(y, 0, 255).astype(np.uint8)
            yuv = np.concatenate([frame_y, np.full((h // 2, w), 128, np.uint8)])
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    tmp.rename(path)
    return path
