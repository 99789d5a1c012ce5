"""Throughput of the detection core vs OpenCV's MOG2 on the same pre-decoded 1080p and 720p luma frames.

    python -m bench.motion [--frames 150] [--repeat 3]

Single thread (`cv2.setNumThreads(1)`, PyAV decoding with one thread), CPU time. Prints the time per frame
of the core (full pipeline: downscale, motion, tamper, events) at the product defaults (5 analysis fps,
tamper checks at their shipped cadence) and at 25 fps, of MOG2 on the full-resolution frames (as NVRs that
feed it the sub-stream or the main stream do) and of MOG2 on the same analysis-size frames, their ratios,
and the core's cost per frame as a share of decoding the same 1080p H.264 frame with PyAV (best of
`--repeat` decodes); then the core at the defaults on the same street without walkers (a quiet camera:
checks skipped while a zone has motion run there on every frame). The passes of every detector are taken in
turn (best of `--repeat` each), so load from other work falls on all of them alike; the load average is
printed last.
"""

from __future__ import annotations

import argparse
import itertools
import os
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
    """Decode the clip single-threaded to luma; return the frames and CPU seconds per frame."""
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


Run = Callable[[], object]


def core_run(frames: Sequence[Luma], fps: float = 5.0, *, tamper: bool = True) -> Run:
    """One pass of the full detection pipeline over `frames`, configured for `fps` analysis frames per
    second (5 = the product default, with the tamper checks at their shipped cadence; 25 = every frame of a
    25 fps stream), optionally without the tamper checks: the frames are fed with timestamps 1/fps apart
    that keep increasing over the passes, as the capture runtime feeds them, after one untimed pass that
    learns the background and the tamper reference (the steady state is what a camera runs in)."""
    config = DetectConfig(fps=fps, tamper={"enabled": tamper})
    detector = Detector(config, frames[0].shape)
    clock = itertools.count()

    def run() -> object:
        for f in frames:
            n = next(clock)
            detector.process(Frame("bench", n / fps, f, n))
        return None

    run()
    return run


def mog2_run(frames: Sequence[Luma], width: int | None = None) -> Run:
    """One pass of MOG2 (history 500, varThreshold 16, no shadows) over `frames`, optionally on frames
    downscaled exactly as the core downscales them."""
    mog = cv2.createBackgroundSubtractorMOG2(history=500, varThreshold=16, detectShadows=False)
    if width is None:

        def full() -> object:
            for f in frames:
                mog.apply(f)
            return None

        return full
    h, w = analysis_shape(frames[0].shape, width)
    small = np.zeros((h, w), dtype=np.uint8)
    stride = max(1, frames[0].shape[1] // (2 * w))  # the core's own downscale, so only detection differs

    def run() -> object:
        for f in frames:
            cv2.resize(f[::stride, ::stride], (w, h), dst=small, interpolation=cv2.INTER_AREA)
            mog.apply(small)
        return None

    return run


def interleaved(runs: dict[str, Run], frames: int, repeat: int) -> dict[str, float]:
    """Milliseconds per frame of each run, best of `repeat` CPU-timed passes taken in turn (A, B, C, A,
    B, C, ...), so load from other work on the machine falls on all of them alike."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    return {name: seconds / frames * 1e3 for name, seconds in best.items()}


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print the times and ratios."""
    parser = argparse.ArgumentParser(description="core vs MOG2 throughput")
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip1080.mp4"
        make_clip(clip, args.frames)
        frames_1080, decode_s = decode(clip)
        for _ in range(args.repeat - 1):
            decode_s = min(decode_s, decode(clip)[1])
        kbps = clip.stat().st_size * 8 / (args.frames / 25) / 1000
        quiet_clip = Path(tmp) / "quiet1080.mp4"
        make_clip(quiet_clip, args.frames, quiet=True)
        frames_quiet, _ = decode(quiet_clip)
    frames_720 = [cv2.resize(f, (1280, 720), interpolation=cv2.INTER_AREA) for f in frames_1080]
    print(f"{len(frames_1080)} frames, single thread, CPU time, best of {args.repeat} passes taken in turn")
    print(f"PyAV decode 1080p25 H.264 ({kbps:.0f} kbit/s): {decode_s * 1e3:.2f} ms/frame")
    width = DetectConfig().analysis_width
    for name, frames in (("1080p", frames_1080), ("720p", frames_720)):
        runs = {
            "core5": core_run(frames, 5.0),
            "core25": core_run(frames, 25.0),
            "mog_small": mog2_run(frames, width),
            "mog_full": mog2_run(frames),
        }
        if name == "1080p":
            runs["bare"] = core_run(frames, 5.0, tamper=False)
            runs["quiet"] = core_run(frames_quiet, 5.0)
        ms = interleaved(runs, len(frames), args.repeat)
        print(
            f"{name}: per analysed frame: core @5 fps defaults {ms['core5']:5.2f} ms, core @25 fps "
            f"{ms['core25']:5.2f} ms, MOG2 at 320 px {ms['mog_small']:5.2f} ms, MOG2 full-res "
            f"{ms['mog_full']:6.2f} ms; core @5 / MOG2 at 320 px = {ms['core5'] / ms['mog_small']:4.2f}x the cost"
        )
        if name != "1080p":
            continue
        tamper_ms = ms["core5"] - ms["bare"]
        print(
            f"1080p: @5 fps defaults without the tamper checks {ms['bare']:5.2f} ms: the tamper checks cost "
            f"{tamper_ms:5.2f} ms per analysed frame ({tamper_ms / 1e3 / decode_s:5.1%} of the decode)"
        )
        for label, key in (("@5 fps defaults", "core5"), ("@25 fps", "core25")):
            share = ms[key] / 1e3 / decode_s
            print(f"1080p: core {label} cost / decode of the same frame = {share:6.1%} per analysed frame")
        print(
            f"1080p: at the default 5 fps analysis of a 25 fps stream: {ms['core5'] / 1e3 / decode_s / 5:6.1%} of decoding"
        )
        print(
            f"1080p, the same street without walkers: core @5 {ms['quiet']:5.2f} ms per analysed frame "
            f"({ms['quiet'] / 1e3 / decode_s:6.1%} of the decode)"
        )
    print("load average " + " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
