"""How many 720p10 H.264 cameras one capture worker holds on this machine, and what each costs.

    .venv/bin/python -m bench.cameras [--counts 4,8,12,16,20] [--seconds 20]

Each step serves a quiet 1280x720 10 fps H.264 clip (a person walks through now and then) from the
local GStreamer RTSP server by stream copy, to N cameras read by one `CaptureRuntime` (decode, analysis at
5 fps, alerts into SQLite), for the given time after a warm-up. Per step it prints the process CPU per
camera (share of one core), RSS per camera (growth over the idle worker), analysis frames delivered as a
share of the 5 fps target, and frames dropped by the per-camera queues. The baseline for CPU is the same
worker reading the same streams without analysis (decode only), in the same run.
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.cameras import CameraConfig  # noqa: E402
from config.load import load_settings  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402
from devices.camera import service as cameras  # noqa: E402
from devices.credentials import CredentialBox  # noqa: E402
from runtime.capture import CaptureRuntime  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402
from tests.support.peers import RtspServer  # noqa: E402
from tests.support.scene import make_person_clip  # noqa: E402

ANALYSIS_FPS = 5


def _rss_mb() -> float:
    with Path("/proc/self/statm").open() as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_step(url: str, count: int, seconds: float, warmup: float, *, analyse: bool) -> dict[str, float]:
    """Read `count` cameras for `seconds` after `warmup`; return CPU, RSS and frame figures."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            None, database={"url": f"sqlite:///{tmp}/bench.db"}, worker={"queue_size": 4}
        )
        engine = make_engine(settings.database)
        upgrade(engine)
        factory = make_session_factory(engine)
        box = CredentialBox(settings.auth.secret_key.get_secret_value())
        detect = {"fps": ANALYSIS_FPS, "tamper": {"enabled": analyse}}
        cams = [CameraConfig(name=f"c{i}", url=url, detect=detect) for i in range(count)]  # type: ignore[arg-type]
        with session_scope(factory) as s:
            cameras.import_config(s, cameras=cams, box=box)
        runtime = CaptureRuntime(settings, factory)
        if not analyse:
            runtime._consumer = lambda run: lambda frame: None  # type: ignore[method-assign]  # decode only
        rss0 = _rss_mb()
        runtime.start()
        time.sleep(warmup)
        before = {s.camera_id: (s.frames, s.dropped) for s in runtime.supervisor.status()}
        cpu0, t0 = time.process_time(), time.monotonic()
        time.sleep(seconds)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - t0
        after = {s.camera_id: (s.frames, s.dropped) for s in runtime.supervisor.status()}
        rss = _rss_mb() - rss0
        runtime.stop()
        engine.dispose()
    delivered = [(after[c][0] - before[c][0]) / (wall * ANALYSIS_FPS) for c in after]
    dropped = sum(after[c][1] - before[c][1] for c in after)
    return {
        "cpu_per_camera": cpu / wall / count,
        "rss_per_camera": rss / count,
        "min_delivered": min(delivered) if delivered else 0.0,
        "dropped": float(dropped),
    }


def main() -> None:
    """Run every step and print a table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counts", default="4,8,12,16,20")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    args = parser.parse_args()
    clip = make_person_clip("bench720", seconds=600, fps=10, enter_at=30, size=(1280, 720))
    server = RtspServer(["--file", f"cam={clip}"]).start()
    try:
        url = server.url("cam")
        print(
            f"{os.cpu_count()} cores; 1280x720 10 fps H.264, analysis at {ANALYSIS_FPS} fps, {args.seconds:.0f} s per step"
        )
        print(
            f"{'cams':>4} {'decode-only CPU/cam':>20} {'full CPU/cam':>13} {'ratio':>6} {'RSS MB/cam':>11} {'delivered':>10} {'dropped':>8}"
        )
        for count in (int(c) for c in args.counts.split(",")):
            base = run_step(url, count, args.seconds, args.warmup, analyse=False)
            full = run_step(url, count, args.seconds, args.warmup, analyse=True)
            ratio = (
                full["cpu_per_camera"] / base["cpu_per_camera"] if base["cpu_per_camera"] else float("nan")
            )
            print(
                f"{count:>4} {base['cpu_per_camera']:>19.1%} {full['cpu_per_camera']:>12.1%} {ratio:>6.2f}"
                f" {full['rss_per_camera']:>11.1f} {full['min_delivered']:>9.0%} {full['dropped']:>8.0f}",
                flush=True,
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
