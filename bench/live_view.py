"""Live-view benchmark: what a colour tile costs against the grey tile and against decoding the frame.

    .venv/bin/python -m bench.live_view [--frames 200] [--size 1920x1080]

The same H.264 clip (ffmpeg's testsrc2, made once in .cache/media) is decoded with PyAV, single thread.
For each decoded frame, in the same process and the same run, each JPEG with a privacy mask blanked:
  * decode       the baseline: PyAV decode of the frame (what every camera costs anyway)
  * grey         the Y plane, full size (the picture before colour)
  * colour       `Frame.picture()`, PyAV to BGR, full size (the focused view, alert snapshots)
  * colour tile  `Frame.picture(640)`, scaled and converted to colour (a wall tile)
and, for the focused view, the same packets remuxed into fragmented MP4 for one viewer
(`devices.passthrough`: no decode, no encode) against the MJPEG view's colour JPEG per frame.
The live view encodes one JPEG per new frame however many consoles look (`CaptureRuntime.snapshot_jpeg`
caches it), and nothing at all while nobody looks. Prints ms per frame and the ratios.
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.detection import DetectConfig  # noqa: E402
from devices.adapters.pyav import bgr_of, luma_view  # noqa: E402
from devices.passthrough import PacketHub  # noqa: E402
from monitor.frames import Frame  # noqa: E402
from runtime.capture import shown_jpeg  # noqa: E402


def _clip(size: str) -> Path:
    """A 12 s testsrc2 clip at `size`, 25 fps, made once."""
    path = ROOT / ".cache" / "media" / f"bench-live-{size}.mp4"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.mp4")
    cmd = ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25"]
    cmd += ["-t", "12", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-bf", "0"]
    cmd += ["-pix_fmt", "yuv420p", str(tmp)]
    subprocess.run(cmd, check=True, timeout=600)
    tmp.rename(path)
    return path


def passthrough_ms(clip: Path, frames: int) -> float:
    """Milliseconds per frame to copy a packet into the hub and remux it for one viewer."""
    hub = PacketHub(max_gop_packets=frames + 1, viewer_queue=frames + 1)
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        packets = [p for _, p in zip(range(frames), container.demux(stream), strict=False) if p.size]
        start = time.perf_counter()
        hub.put(packets[0], stream)  # the clip starts on a keyframe: the viewer joins there
        viewer = hub.join()
        assert viewer is not None
        for packet in packets[1:]:
            hub.put(packet, stream)
        hub.leave(viewer)
        fragments = sum(chunk.count(b"moof") for chunk in viewer.fmp4(idle_timeout_s=0.1))
        elapsed = time.perf_counter() - start
    assert fragments >= len(packets) - 1, (fragments, len(packets))  # the last one is written at close
    return elapsed * 1000.0 / len(packets)


def main() -> None:
    """Run the measurements and print the ratios."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frames", type=int, default=200, help="frames to measure")
    parser.add_argument("--size", default="1920x1080", help="picture size WxH")
    args = parser.parse_args()
    width = int(args.size.split("x")[0])
    detect = DetectConfig.model_validate(
        {"privacy_masks": [{"name": "window", "polygon": [[width - 200, 0], [width, 0], [width, 120]]}]}
    )
    decode = grey = colour = tile = 0.0
    n = 0
    with av.open(str(_clip(args.size))) as container:
        stream = container.streams.video[0]
        stream.thread_type = "SLICE"
        packets = container.demux(stream)
        while n < args.frames:
            t0 = time.perf_counter()
            frames = []
            for packet in packets:
                frames = packet.decode()
                if frames:
                    break
            if not frames:
                break
            avf = frames[0]
            t1 = time.perf_counter()
            shown_jpeg(Frame("bench", 0.0, luma_view(avf)), detect)
            t2 = time.perf_counter()
            frame = Frame("bench", 0.0, luma_view(avf), color=partial(bgr_of, avf))
            shown_jpeg(frame, detect)
            t3 = time.perf_counter()
            shown_jpeg(frame, detect, 640)
            t4 = time.perf_counter()
            decode, grey, colour, tile = decode + t1 - t0, grey + t2 - t1, colour + t3 - t2, tile + t4 - t3
            n += 1
    ms = 1000.0 / max(1, n)
    print(f"{n} frames of {args.size}")
    print(f"decode            {decode * ms:6.2f} ms/frame")
    print(f"grey JPEG         {grey * ms:6.2f} ms/frame  ({grey / decode:.2f}x decode)")
    for label, total in (("colour JPEG", colour), ("colour tile 640", tile)):
        print(
            f"{label:<17} {total * ms:6.2f} ms/frame  ({total / decode:.2f}x decode, {total / grey:.2f}x grey)"
        )
    print(f"a wall of 16 colour tiles at 2 fps: {16 * 2 * tile * ms / 10:.1f} % of a core")
    remux = passthrough_ms(_clip(args.size), args.frames)
    print(
        f"passthrough       {remux:6.2f} ms/frame  ({remux / (colour * ms):.3f}x the MJPEG view's colour JPEG)"
    )


if __name__ == "__main__":
    main()
