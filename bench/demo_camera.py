"""Demo-camera benchmark: what encoding the synthetic picture to H.264 adds to rendering it.

    .venv/bin/python -m bench.demo_camera [--frames 300] [--fps 10] [--size 640x360]

The demo's cameras (`demo://…`) render a synthetic scene; since they also encode it with PyAV (libx264,
ultrafast, zerolatency, one thread, a keyframe a second: `devices.demo_encoder`) they are recorded and shown as
passthrough video like real cameras. In the same process and run, the same seeded scene is rendered
`--frames` times without pacing, once as the baseline (render only, what a demo camera cost before) and
once rendering and encoding (what the capture worker now does per frame). Both are CPU time of the process
(time.process_time), so a busy machine does not inflate them. Prints CPU ms per frame, the ratio, and the
share of one core a demo camera takes at `--fps` (the demo runs four at 10 fps).
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devices.adapters.synthetic import SyntheticSource  # noqa: E402

cpu = time.process_time


def per_frame_ms(*, frames: int, fps: float, width: int, height: int, encode: bool) -> tuple[float, int]:
    """CPU ms per frame of reading a demo camera (render, and encode when asked), and the bytes encoded."""
    source = SyntheticSource(
        "lobby", camera_id=f"bench-{encode}", seed=2, fps=fps, width=width, height=height, realtime=False
    )
    source.encode = encode
    with source:
        for _ in range(10):  # warm up (the encoder's first frames cost more)
            source.read()
        start, bytes0 = cpu(), source.stats.bytes_read
        for _ in range(frames):
            source.read()
        return (cpu() - start) * 1000 / frames, source.stats.bytes_read - bytes0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--fps", type=float, default=10.0)
    parser.add_argument("--size", default="640x360")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    render, _ = per_frame_ms(frames=args.frames, fps=args.fps, width=width, height=height, encode=False)
    both, size = per_frame_ms(frames=args.frames, fps=args.fps, width=width, height=height, encode=True)
    kbit = size * 8 / (args.frames / args.fps) / 1000
    print(f"load average {os.getloadavg()[0]:.1f}; {args.frames} frames {width}x{height}")
    print(
        f"render only        {render:6.2f} ms/frame  = {render * args.fps / 10:5.1f} % of a core at {args.fps:g} fps"
    )
    print(
        f"render + H.264     {both:6.2f} ms/frame  = {both * args.fps / 10:5.1f} % of a core at {args.fps:g} fps"
    )
    print(
        f"ratio {both / render:.2f}x; encoding alone {both - render:.2f} ms/frame; stream {kbit:.0f} kbit/s"
    )


if __name__ == "__main__":
    main()
