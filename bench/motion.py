"""Throughput of the detection core vs OpenCV's MOG2 on the same pre-decoded 1080p and 720p luma frames.

    python -m bench.motion [--frames 150] [--repeat 3]

Single thread (`cv2.setNumThreads(1)`, PyAV decoding with one thread). Prints frames per second of the core
(full pipeline: downscale, motion, tamper, events) at the product defaults (5 analysis fps, tamper checks at
their shipped cadence) and at 25 fps, of MOG2 on the full-resolution frames (as NVRs that
feed it the sub-stream or the main stream do) and of MOG2 on the same analysis-size frames, their ratios,
and the core's cost per frame as a share of decoding the same 1080p H.264 frame with PyAV; then the core at
the defaults on the same street without walkers (a quiet camera: checks skipped while a zone has motion run
there on every frame).
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from bench.evalset.build import encode_gray
from bench.evalset.render import SensorNoise, Walker, draw_walker, textured_scene
from config.detection import DetectConfig
from monitor.frames import Frame
from monitor.pipeline import Detector
from monitor.zones import analysis_shape
from runtime.decode import luma_plane

Luma = NDArray[np.uint8]


def make_clip(path: Path, frames: int, fps: float = 25.0, *, quiet: bool = False) -> None:
    """Encode a 1080p25 H.264 clip at a camera-like 4 Mbit/s: a textured street with people walking (or,
    `quiet`, nobody: what most cameras show most of the time)."""
    rng = np.random.default_rng(2024)
    scene = textured_scene(rng, (1080, 1920))
    noise = SensorNoise(rng, (1080, 1920), 2.5, bank=3)
    walkers = [] if quiet else [Walker(0, -50, 1000, 300, 420, 50), Walker(0, 1950, 620, -200, 120, 200)]

    def render() -> Iterator[Luma]:
        for i in range(frames):
            img = scene.copy()
            mask = np.zeros(scene.shape, dtype=np.uint8)
            for w in walkers:
                draw_walker(img, mask, w, i / fps)
            yield noise.add(img)

    encode_gray(render(), path, fps, bit_rate=4_000_000)


def decode(path: Path) -> tuple[list[Luma], float]:
    """Decode the clip single-threaded to luma; return the frames and seconds per frame."""
    frames: list[Luma] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "NONE"
        stream.codec_context.thread_count = 1
        started = time.process_time()
        for frame in container.decode(stream):
            frames.append(luma_plane(frame))
        elapsed = time.process_time() - started
    return frames, elapsed / len(frames)


def _rate(run: Callable[[Luma, int], object], frames: Sequence[Luma], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for i, f in enumerate(frames):
            run(f, i)
        best = min(best, time.process_time() - started)
    return len(frames) / best


def core_fps(frames: Sequence[Luma], repeat: int, fps: float = 5.0, *, tamper: bool = True) -> float:
    """Analysed frames per second of the full detection pipeline configured for `fps` analysis frames per
    second (5 = the product default, with the tamper checks at their shipped cadence; 25 = every frame of a
    25 fps stream), optionally without the tamper checks: the frames are fed with timestamps 1/fps apart
    that keep increasing over the repeats, as the capture runtime feeds them, after one untimed pass that
    learns the background and the tamper reference (the steady state is what a camera runs in)."""
    config = DetectConfig(fps=fps, tamper={"enabled": tamper})
    detector = Detector(config, frames[0].shape)
    clock = itertools.count()

    def run(f: Luma, i: int) -> object:
        n = next(clock)
        return detector.process(Frame("bench", n / fps, f, n))

    for i, f in enumerate(frames):
        run(f, i)
    return _rate(run, frames, repeat)


def mog2_fps(frames: Sequence[Luma], repeat: int, width: int | None = None) -> float:
    """Frames per second of MOG2 (history 500, varThreshold 16, no shadows), optionally on frames downscaled
    exactly as the core downscales them."""
    mog = cv2.createBackgroundSubtractorMOG2(history=500, varThreshold=16, detectShadows=False)
    if width is None:
        return _rate(lambda f, i: mog.apply(f), frames, repeat)
    h, w = analysis_shape(frames[0].shape, width)
    small = np.zeros((h, w), dtype=np.uint8)
    stride = max(1, frames[0].shape[1] // (2 * w))  # the core's own downscale, so only detection differs

    def run(f: Luma, i: int) -> object:
        cv2.resize(f[::stride, ::stride], (w, h), dst=small, interpolation=cv2.INTER_AREA)
        return mog.apply(small)

    return _rate(run, frames, repeat)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print the rates and ratios."""
    parser = argparse.ArgumentParser(description="core vs MOG2 throughput")
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip1080.mp4"
        make_clip(clip, args.frames)
        frames_1080, decode_s = decode(clip)
        kbps = clip.stat().st_size * 8 / (args.frames / 25) / 1000
        quiet_clip = Path(tmp) / "quiet1080.mp4"
        make_clip(quiet_clip, args.frames, quiet=True)
        frames_quiet, _ = decode(quiet_clip)
    frames_720 = [cv2.resize(f, (1280, 720), interpolation=cv2.INTER_AREA) for f in frames_1080]
    print(f"{len(frames_1080)} frames, single thread, best of {args.repeat}")
    print(
        f"PyAV decode 1080p25 H.264 ({kbps:.0f} kbit/s): {1 / decode_s:6.1f} fps ({decode_s * 1e3:.2f} ms/frame)"
    )
    for name, frames in (("1080p", frames_1080), ("720p", frames_720)):
        core5 = core_fps(frames, args.repeat, fps=5.0)
        core25 = core_fps(frames, args.repeat, fps=25.0)
        mog_full = mog2_fps(frames, args.repeat)
        mog_small = mog2_fps(frames, args.repeat, width=DetectConfig().analysis_width)
        print(
            f"{name}: core @5 fps defaults {core5:7.1f} fps | core @25 fps {core25:7.1f} fps | "
            f"MOG2 full-res {mog_full:7.1f} fps | MOG2 at 320 px {mog_small:7.1f} fps"
        )
        print(
            f"{name}: per analysed frame: core @5 {1e3 / core5:5.2f} ms, core @25 {1e3 / core25:5.2f} ms, "
            f"MOG2 at 320 px {1e3 / mog_small:5.2f} ms; core @5 / MOG2 at 320 px = {mog_small / core5:4.2f}x "
            f"the cost; core @5 / MOG2 full-res = {mog_full / core5:5.3f}x"
        )
        if name == "1080p":
            bare = core_fps(frames, args.repeat, fps=5.0, tamper=False)
            tamper_ms = 1e3 / core5 - 1e3 / bare
            print(
                f"1080p: @5 fps defaults without the tamper checks {1e3 / bare:5.2f} ms: the tamper checks cost "
                f"{tamper_ms:5.2f} ms per analysed frame ({tamper_ms / 1e3 / decode_s:5.1%} of the decode)"
            )
            for label, rate in (("@5 fps defaults", core5), ("@25 fps", core25)):
                share = (1 / rate) / decode_s
                print(
                    f"1080p: core {label} cost / decode of the same frame = {share:6.1%} per analysed frame"
                )
            print(
                f"1080p: at the default 5 fps analysis of a 25 fps stream: {(1 / core5) / decode_s / 5:6.1%} of decoding"
            )
            quiet5 = core_fps(frames_quiet, args.repeat, fps=5.0)
            print(
                f"1080p, the same street without walkers: core @5 {1e3 / quiet5:5.2f} ms per analysed frame "
                f"({(1 / quiet5) / decode_s:6.1%} of the decode)"
            )


if __name__ == "__main__":
    main()
