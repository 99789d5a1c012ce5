"""Seeded synthetic media for tests and benchmarks, made with ffmpeg/PyAV once into `.cache/media` (git-ignored).

`make_clip` is ffmpeg's test pattern at a size, rate and GOP; `make_person_clip` a textured scene a
"person" walks into at a known time; `make_audio_only` a file without video.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import av
import numpy as np

__all__ = ["MEDIA", "PeerMissing", "make_audio_only", "make_clip", "make_person_clip"]

MEDIA = Path(__file__).resolve().parents[1] / ".cache" / "media"


class PeerMissing(RuntimeError):
    """A tool the helpers need (ffmpeg, GStreamer) is not installed: run scripts/test-peers.sh."""


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
    crf: int = 26,
) -> Path:
    """An H.264 MP4: `enter_at` seconds of an empty scene, then a dark figure walks across (made once); a
    keyframe every `gop` frames (default: every second). At the default `crf` 26 the encoder drops most of
    the sensor noise, so a static scene's frames repeat; a lower `crf` keeps it, as a camera's stream does."""
    w, h = size
    suffix = (f"-g{gop}" if gop else "") + (f"-q{crf}" if crf != 26 else "")
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
        stream.options = {"g": str(gop or fps), "bf": "0", "preset": "veryfast", "crf": str(crf)}
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


def make_clip(
    name: str,
    *,
    size: str = "640x360",
    rate: int = 25,
    seconds: int = 60,
    gop: int | None = None,
    crf: int = 30,
) -> Path:
    """An H.264 MP4 of ffmpeg's seeded test pattern (made once, reused); keyframe every `gop` frames."""
    path = MEDIA / f"{name}-{size}-{rate}-{seconds}s.mp4"
    if path.exists():
        return path
    if shutil.which("ffmpeg") is None:
        raise PeerMissing("ffmpeg is not installed")
    MEDIA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.mp4")
    cmd = ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}"]
    cmd += [
        "-t",
        str(seconds),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "zerolatency",
        "-crf",
        str(crf),
    ]
    cmd += ["-g", str(gop or rate), "-bf", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(tmp)]
    subprocess.run(cmd, check=True, timeout=600)
    tmp.rename(path)
    return path


def make_audio_only(name: str = "tone") -> Path:
    """An audio-only file (no video track)."""
    path = MEDIA / f"{name}.m4a"
    if not path.exists():
        MEDIA.mkdir(parents=True, exist_ok=True)
        cmd = ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2"]
        subprocess.run([*cmd, "-c:a", "aac", str(path)], check=True, timeout=120)
    return path
