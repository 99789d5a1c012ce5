"""Recording benchmark: CPU per recorded camera by stream copy, against `ffmpeg -c copy`, and purge time.

    .venv/bin/python -m bench.recording [--seconds 30] [--segments 100000]

1. A 1080p25 H.264 stream at 4 Mbit/s (GOP 2 s) served by the local GStreamer RTSP server. For the same
   stretch of stream, each in its own child process:
     * ffmpeg  `ffmpeg -rtsp_transport tcp -i URL -t N -c copy -f segment -segment_time 10 ...mp4`
     * ours    footage.recorder.Recorder: remux to 10 s fragmented-MP4 segments, SHA-256 while writing
   CPU is the child's user+sys time (os.wait4); for ours the interpreter's start-up and imports are left
   out (the worker reports its own process time from just before connecting).
2. Purge: 100k indexed 1 MB segments (10 cameras x 28 h of 10 s segments, retention 30 days, 100 evidence
   holds), with (empty) files, storage at 95% of its quota (high-water 90%, low-water 85%), in SQLite: the
   planner alone, then the whole retention job (load, plan, unlink the files, delete the rows).
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CLIP = ROOT / ".cache" / "media" / "bench-1080p25-4M-70s.mp4"


def _clip() -> Path:
    """1080p25, 4 Mbit/s constant-ish bitrate, keyframe every 2 s (made once)."""
    if CLIP.exists():
        return CLIP
    CLIP.parent.mkdir(parents=True, exist_ok=True)
    tmp = CLIP.with_suffix(".tmp.mp4")
    cmd = [
        "ffmpeg",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=1920x1080:rate=25",
        "-t",
        "70",
    ]
    cmd += ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "4M", "-maxrate", "4M", "-bufsize", "8M"]
    cmd += ["-g", "50", "-bf", "0", "-pix_fmt", "yuv420p", str(tmp)]
    subprocess.run(cmd, check=True, timeout=1200)
    tmp.rename(CLIP)
    return CLIP


def worker(url: str, seconds: float, out: str) -> dict[str, Any]:
    """Record `seconds` of `url` with our recorder; return CPU and what was written."""
    from config.footage import FootageSettings
    from footage.recorder import Recorder
    from footage.segments import SegmentWritten
    from footage.storage import Storage

    class Sink:
        def __init__(self) -> None:
            self.written: list[SegmentWritten] = []

        def segment_written(self, written: SegmentWritten) -> None:
            self.written.append(written)

        def fault(self, camera_id: int, kind: str, message: str) -> None:
            print(f"fault: {kind}: {message}", file=sys.stderr)

        def recovered(self, camera_id: int, kind: str) -> None:
            return

    sink = Sink()
    storage = Storage(root=Path(out).resolve(), settings=FootageSettings(min_free_mb=1))
    recorder = Recorder(camera_id=1, camera_name="bench", url=url, storage=storage, sink=sink, segment_s=10)
    cpu0, wall0 = time.process_time(), time.monotonic()
    recorder.start()
    time.sleep(seconds)
    recorder.stop()
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    size = sum(w.size for w in sink.written)
    return {"cpu_s": cpu, "wall_s": wall, "segments": len(sink.written), "bytes": size}


def _run_child(cmd: list[str], timeout: float) -> tuple[float, str]:
    """Run a child; return its user+sys CPU seconds (os.wait4) and stdout."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + timeout
    out = ""
    while time.monotonic() < deadline:
        pid, _status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            assert proc.stdout is not None
            out = proc.stdout.read()
            return usage.ru_utime + usage.ru_stime, out
        time.sleep(0.2)
    proc.kill()
    raise TimeoutError(" ".join(cmd))


def measure_cpu(url: str, seconds: float) -> None:
    """ffmpeg -c copy and our recorder on the same stream, one after the other."""
    with tempfile.TemporaryDirectory() as tmp:
        pattern = str(Path(tmp) / "ff%03d.mp4")
        ff_cmd = ["ffmpeg", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url, "-t", str(seconds)]
        ff_cmd += [
            "-c",
            "copy",
            "-an",
            "-f",
            "segment",
            "-segment_time",
            "10",
            "-reset_timestamps",
            "1",
            pattern,
        ]
        t0 = time.monotonic()
        ff_cpu, _ = _run_child(ff_cmd, seconds + 60)
        ff_wall = time.monotonic() - t0
        ff_bytes = sum(p.stat().st_size for p in Path(tmp).glob("ff*.mp4"))
        ours_dir = Path(tmp) / "ours"
        ours_dir.mkdir()
        cmd = [
            sys.executable,
            "-m",
            "bench.recording",
            "--worker",
            url,
            "--seconds",
            str(seconds),
            "--out",
            str(ours_dir),
        ]
        _, out = _run_child(cmd, seconds + 60)
        ours = json.loads(out.strip().splitlines()[-1])
    ff_pct = 100 * ff_cpu / ff_wall
    ours_pct = 100 * ours["cpu_s"] / ours["wall_s"]
    print(f"\n1080p25 4 Mbit/s H.264 over RTSP, {seconds:g} s of stream, recorded by stream copy")
    print(f"  {'':28}{'CPU s':>8}{'% of a core':>13}{'MB written':>12}")
    print(f"  {'ffmpeg -c copy (segment)':28}{ff_cpu:8.2f}{ff_pct:12.2f}%{ff_bytes / 1e6:12.1f}")
    print(
        f"  {'ours (Recorder, SHA-256)':28}{ours['cpu_s']:8.2f}{ours_pct:12.2f}%{ours['bytes'] / 1e6:12.1f}"
    )
    print(f"  ratio ours / ffmpeg: {ours_pct / max(ff_pct, 1e-9):.2f}x   (goal: <= 2% of a core per camera)")
    print(f"  ours wrote {ours['segments']} segment(s); ffmpeg's CPU includes its process start-up")


def _seed(n: int, root: Path, url: str) -> None:
    from sqlalchemy import insert

    from config.settings import DatabaseSettings
    from db.session import make_engine, make_session_factory, session_scope
    from devices.camera.models import Camera
    from footage.models import EvidenceHold, HoldCategory, Segment
    from runtime.migrate import upgrade

    engine = make_engine(DatabaseSettings(url=url))
    upgrade(engine)
    factory = make_session_factory(engine)
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(seconds=10 * n / 10)  # ten cameras, back to back
    with session_scope(factory) as s:
        cams = [
            Camera(name=f"cam{i}", url_sealed="", url_masked="", recording={"retain_days": 30})
            for i in range(10)
        ]
        s.add_all(cams)
        s.flush()
        rows = []
        for i in range(n):
            cam = cams[i % 10]
            t = start + dt.timedelta(seconds=10 * (i // 10))
            path = f"{cam.name}/{i // 1000:03d}/{i:06d}.mp4"
            rows.append(
                {
                    "camera_id": cam.id,
                    "start": t,
                    "end": t + dt.timedelta(seconds=10),
                    "size": 1_000_000,
                    "path": path,
                    "sha256": "0" * 64,
                }
            )
        s.execute(insert(Segment), rows)
        for k in range(100):
            t = start + dt.timedelta(hours=k)
            s.add(
                EvidenceHold(
                    camera_id=cams[k % 10].id,
                    start=t,
                    end=t + dt.timedelta(minutes=10),
                    incident_ref=str(k),
                    category=HoldCategory.OTHER,
                    placed_by="bench",
                )
            )
    for row in rows:
        path = root / row["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    engine.dispose()


def measure_purge(n: int) -> None:
    """Retention over `n` segments: planner alone, then the whole job."""
    from sqlalchemy import func, select

    from bench.settings import bench_settings
    from db.session import make_engine, make_session_factory
    from footage.jobs import _load, _policies, run_retention
    from footage.models import Segment
    from footage.retention import StorageUse, plan_retention

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "footage"
        url = f"sqlite:///{tmp}/bench.db"
        t0 = time.monotonic()
        _seed(n, root, url)
        seeded = time.monotonic() - t0
        settings = bench_settings(
            database={"url": url},
            data_dir=tmp,
            footage={"storage_dir": str(root), "quota_gb": n / 1000 / 0.95},
        )
        factory = make_session_factory(make_engine(settings.database))
        with factory() as s:
            t0 = time.monotonic()
            segments, holds = _load(s)
            policies = _policies(s, settings, min(x.start for x in segments))
            loaded = time.monotonic() - t0
        use = StorageUse(
            capacity=int(n * 1e6 / 0.95), used=int(n * 1e6), high_water_percent=90, low_water_percent=85
        )
        t0 = time.monotonic()
        plan = plan_retention(segments, holds, policies, use, dt.datetime.now(dt.UTC))
        planned = time.monotonic() - t0
        t0 = time.monotonic()
        report = run_retention(factory, settings, dt.datetime.now(dt.UTC))
        job = time.monotonic() - t0
        with factory() as s:
            left = s.scalar(select(func.count()).select_from(Segment))
        remaining_files = sum(1 for _ in root.rglob("*.mp4"))
    print(
        f"\nretention over {n:,} segments (10 cameras x 28 h, 100 holds, storage 95% full), SQLite; seeding took {seeded:.1f} s"
    )
    print(f"  load index + policies   {loaded:8.2f} s")
    print(
        f"  planner (pure)          {planned:8.2f} s   -> {len(plan.remove):,} to remove, {plan.held_kept:,} held kept"
    )
    print(f"  whole job (plan, unlink, delete rows) {job:.2f} s: {report.summary()}")
    print(f"  rows left {left:,}, files left {remaining_files:,}")


def main() -> None:
    """Run the benchmark (or, with --worker, one recording child)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--worker", default="")
    parser.add_argument("--out", default="")
    parser.add_argument("--skip-cpu", action="store_true")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.seconds, args.out)))
        return
    if not args.skip_cpu:
        from testkit.rtsp import RtspServer

        server = RtspServer(["--file", f"cam={_clip()}"]).start()
        try:
            measure_cpu(server.url("cam"), args.seconds)
        finally:
            server.stop()
    measure_purge(args.segments)


if __name__ == "__main__":
    main()
