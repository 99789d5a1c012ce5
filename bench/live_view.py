"""Live-view benchmark: what a colour tile costs against the grey tile and against decoding the frame.

    .venv/bin/python -m bench.live_view [--frames 200] [--size 1920x1080]

The same H.264 clip (ffmpeg's testsrc2 at 25 fps, made once in .cache/media by testkit.media) is decoded
with PyAV on ONE thread: the decoder has thread_count 1 and no slice or frame threads, and OpenCV is pinned
with cv2.setNumThreads(1), so every number is the work of one core. Each step is timed in CPU time of the
process (time.process_time, which would also count any helper thread), not wall time, so a busy machine
does not inflate it. For each decoded frame, in the same process and the same run, each JPEG with a
privacy mask blanked:
  * decode       the baseline: PyAV decode of the frame (what every camera costs anyway)
  * grey         the Y plane, full size (the picture before colour)
  * colour       `Frame.picture()`, PyAV to BGR, full size (the focused view, alert snapshots)
  * colour tile  `Frame.picture(640)`, scaled and converted to colour (a wall tile)
and, for the focused view, the same packets remuxed into fragmented MP4 for one viewer
(`devices.passthrough`: no decode, no encode) against the MJPEG view's colour JPEG per frame.
The live view encodes one JPEG per new frame however many consoles look (`CaptureRuntime.snapshot_jpeg`
caches it), and nothing at all while nobody looks. Prints CPU ms per frame, the ratios, and the share of
one core that a wall of 16 tiles at 2 fps takes (CPU seconds per second).
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path

import av
import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.detection import DetectConfig  # noqa: E402
from devices.adapters.pyav import bgr_of, luma_view  # noqa: E402
from devices.passthrough import PacketHub  # noqa: E402
from monitor.frames import Frame  # noqa: E402
from runtime.pictures import shown_jpeg  # noqa: E402
from testkit.media import make_clip  # noqa: E402

cpu = time.process_time  # CPU seconds of the whole process (every thread), not wall time


def _clip(size: str) -> Path:
    """A 12 s testsrc2 clip at `size`, 25 fps, a keyframe every 2 s (made once)."""
    return make_clip("bench-live", size=size, rate=25, seconds=12, gop=50)


def _single_thread(stream: av.video.stream.VideoStream) -> None:
    """One decoding thread: no slice threads, no frame threads (set before the first decode)."""
    stream.codec_context.thread_count = 1
    stream.codec_context.thread_type = "NONE"


def passthrough_ms(clip: Path, frames: int) -> float:
    """CPU milliseconds per frame to copy a packet into the hub and remux it for one viewer."""
    hub = PacketHub(max_gop_packets=frames + 1, viewer_queue=frames + 1)
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        packets = [p for _, p in zip(range(frames), container.demux(stream), strict=False) if p.size]
        start = cpu()
        hub.put(packets[0], stream)  # the clip starts on a keyframe: the viewer joins there
        viewer = hub.join()
        assert viewer is not None
        for packet in packets[1:]:
            hub.put(packet, stream)
        hub.leave(viewer)
        fragments = sum(chunk.count(b"moof") for chunk in viewer.fmp4(idle_timeout_s=0.1))
        elapsed = cpu() - start
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
    cv2.setNumThreads(1)
    width = int(args.size.split("x")[0])
    detect = DetectConfig.model_validate(
        {"privacy_masks": [{"name": "window", "polygon": [[width - 200, 0], [width, 0], [width, 120]]}]}
    )
    decode = grey = colour = tile = 0.0
    n = 0
    with av.open(str(_clip(args.size))) as container:
        stream = container.streams.video[0]
        _single_thread(stream)
        packets = container.demux(stream)
        while n < args.frames:
            t0 = cpu()
            frames = []
            for packet in packets:
                frames = packet.decode()
                if frames:
                    break
            if not frames:
                break
            avf = frames[0]
            t1 = cpu()
            shown_jpeg(Frame("bench", 0.0, luma_view(avf)), detect)
            t2 = cpu()
            frame = Frame("bench", 0.0, luma_view(avf), color=partial(bgr_of, avf))
            shown_jpeg(frame, detect)
            t3 = cpu()
            shown_jpeg(frame, detect, 640)
            t4 = cpu()
            decode, grey, colour, tile = decode + t1 - t0, grey + t2 - t1, colour + t3 - t2, tile + t4 - t3
            n += 1
    ms = 1000.0 / max(1, n)
    print(f"{n} frames of {args.size}, one thread (decoder thread_count 1, cv2.setNumThreads(1)), CPU time")
    print(f"decode            {decode * ms:6.2f} ms/frame")
    print(f"grey JPEG         {grey * ms:6.2f} ms/frame  ({grey / decode:.2f}x decode)")
    for label, total in (("colour JPEG", colour), ("colour tile 640", tile)):
        print(
            f"{label:<17} {total * ms:6.2f} ms/frame  ({total / decode:.2f}x decode, {total / grey:.2f}x grey)"
        )
    print(f"a wall of 16 colour tiles at 2 fps: {16 * 2 * tile * ms / 10:.1f} % of a core (CPU s per s)")
    remux = passthrough_ms(_clip(args.size), args.frames)
    print(
        f"passthrough       {remux:6.2f} ms/frame  ({remux / (colour * ms):.3f}x the MJPEG view's colour JPEG)"
    )


if __name__ == "__main__":
    main()
