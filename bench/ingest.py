"""Ingest benchmark: CPU and memory per camera for reading + decoding the detect stream, against ffmpeg.

    .venv/bin/python -m bench.ingest [--seconds 15]

For 720p10 and 1080p25 H.264 served by the local GStreamer RTSP server (stream copy), each measurement runs
in its own child process for the same stretch of stream:
  * ffmpeg      `ffmpeg -rtsp_transport tcp -i URL -t N -f null -`  (decodes every frame)
  * ours        RtspSource, every frame decoded and handed over as a Y-plane numpy view
  * +detect     ours + monitor.pipeline.Detector at the analysis rate (if the detector is available)
  * low power   keyframes only (skip_frame NONKEY), as the capture runtime falls back to when overloaded
CPU is the child's user+sys time (os.wait4). For our worker the interpreter's import time is left out
(it reports its own CPU from just before connecting); RSS is the worker's growth over its post-import RSS.
Then `controlroom detect` end to end on the 1080p25 file against `ffmpeg -threads 1 -i clip -f null -`,
start-up included and excluded (start-up = the same command on a one-frame cut of the clip).
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _rss_kb() -> int:
    with Path("/proc/self/statm").open() as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def worker(url: str, seconds: float, mode: str) -> dict[str, Any]:
    """Read `seconds` of stream in `mode` (full, detect, lowpower); return what was measured."""
    from devices.adapters.rtsp import RtspSource

    rss0 = _rss_kb()
    detector = _detector() if mode == "detect" else None
    cpu0 = time.process_time()
    src = RtspSource(url, camera_id="bench", low_power=mode == "lowpower", read_timeout=10)
    frames = 0
    gate_next = 0.0
    with src:
        while (frame := src.read()) is not None and frame.ts < seconds:
            frames += 1
            _ = int(frame.image[0, 0])  # touch the hand-over
            if detector is not None and frame.ts >= gate_next:
                gate_next = frame.ts + 1 / 5
                detector(frame)
    cpu = time.process_time() - cpu0
    return {"cpu": cpu, "frames": frames, "rss_mb": (_rss_kb() - rss0) / 1024}


def _detector() -> Any:
    try:
        from config.detection import DetectConfig
        from monitor.pipeline import Detector
    except ImportError:
        return None
    state: dict[str, object] = {}

    def run(frame) -> None:
        if "d" not in state:
            state["d"] = Detector(DetectConfig(), frame.image.shape, camera_id="bench")
        state["d"].process(frame)  # type: ignore[attr-defined]

    return run


def _child(cmd: list[str]) -> tuple[float, float, str]:
    """Run a child; return (cpu seconds, max RSS MB, stdout)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def measure(url: str, seconds: float, mode: str) -> dict[str, Any]:
    """Run our worker in a child process."""
    cmd = [sys.executable, "-m", "bench.ingest", "--worker", url, "--seconds", str(seconds), "--mode", mode]
    total_cpu, max_rss, out = _child(cmd)
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["total_cpu"], result["max_rss_mb"] = total_cpu, max_rss
    return result


def measure_ffmpeg(url: str, seconds: float) -> float:
    """CPU seconds of ffmpeg decoding the same stream to null."""
    cmd = ["ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url]
    cpu, _, _ = _child([*cmd, "-t", str(seconds), "-f", "null", "-"])
    return cpu


def _clips() -> dict[str, Path]:
    from testkit.media import make_clip

    return {
        "720p10": make_clip("bench-720p10", size="1280x720", rate=10, seconds=70, gop=20, crf=26),
        "1080p25": make_clip("bench-1080p25", size="1920x1080", rate=25, seconds=70, gop=50, crf=26),
    }


def detect_file(clip: Path) -> dict[str, float]:
    """`controlroom detect` end to end on a file vs `ffmpeg -threads 1 -i clip -f null -` (CPU seconds).

    Start-up (interpreter, imports, opening the file) is measured as the same command on a one-frame cut of
    the clip and subtracted for the "excluded" figure. The detector itself is single-threaded here too."""
    one = clip.with_name(clip.stem + "-1frame.mp4")
    if not one.exists():
        cut = [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(clip),
            "-frames:v",
            "1",
            "-c",
            "copy",
        ]
        subprocess.run([*cut, str(one)], check=True)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENCV_FOR_THREADS_NUM": "1"}
    cli = [sys.executable, "-m", "runtime.cli", "detect"]

    def cpu(cmd: list[str]) -> float:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        _, _, usage = os.wait4(proc.pid, 0)
        return usage.ru_utime + usage.ru_stime

    ffmpeg = cpu(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-threads", "1", "-i", str(clip), "-f", "null", "-"]
    )
    total = min(cpu([*cli, str(clip)]) for _ in range(2))
    startup = min(cpu([*cli, str(one)]) for _ in range(2))
    return {"ffmpeg": ffmpeg, "total": total, "startup": startup, "excluded": total - startup}


def main() -> None:
    """Run the benchmark and print ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--worker")
    parser.add_argument("--mode", default="full")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.seconds, args.mode)))
        return
    from testkit.rtsp import RtspServer

    clips = _clips()
    mounts = [["--file", f"{name}={path}"] for name, path in clips.items()]
    server = RtspServer([a for m in mounts for a in m]).start()
    try:
        _report(server, clips, args.seconds)
    finally:
        server.stop()


def _report(server: Any, clips: dict[str, Path], seconds: float) -> None:
    print(f"ingest benchmark, {seconds:g} s of stream per run, CPU seconds per run (one camera)")
    print(
        f"{'stream':8} {'ffmpeg':>7} {'ours':>7} {'ratio':>6} {'+detect':>8} {'lowpow':>7} {'saved':>6} {'RSS MB':>7}"
    )
    for name in clips:
        url = server.url(name)
        ff = measure_ffmpeg(url, seconds)
        ours = measure(url, seconds, "full")
        det = measure(url, seconds, "detect")
        low = measure(url, seconds, "lowpower")
        print(
            f"{name:8} {ff:7.2f} {ours['cpu']:7.2f} {ours['cpu'] / ff:6.2f} {det['cpu']:8.2f} "
            f"{low['cpu']:7.2f} {1 - low['cpu'] / ours['cpu']:6.0%} {ours['rss_mb']:7.1f}"
        )
        print(
            f"{'':8} (ours incl. interpreter start: {ours['total_cpu']:.2f} s, ratio {ours['total_cpu'] / ff:.2f}; "
            f"worker max RSS {ours['max_rss_mb']:.0f} MB; {ours['frames']:.0f} frames)"
        )
    d = detect_file(clips["1080p25"])
    print(
        f"controlroom detect on the 1080p25 file (70 s, 5 fps analysis) vs ffmpeg -threads 1 ... -f null -: "
        f"ffmpeg {d['ffmpeg']:.2f} s CPU; detect {d['total']:.2f} s incl. start-up ({d['total'] / d['ffmpeg']:.2f}x), "
        f"{d['excluded']:.2f} s excl. start-up of {d['startup']:.2f} s ({d['excluded'] / d['ffmpeg']:.2f}x)"
    )
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(bench driver max RSS {rss_self:.0f} MB)")


if __name__ == "__main__":
    main()
