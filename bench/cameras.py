"""How many H.264 cameras one capture worker holds on this machine, what each costs, and what the quiet
mode (keyframes only while nothing moves) saves.

    .venv/bin/python -m bench.cameras [--counts 4,8,12,16,20] [--seconds 20] [--warmup 5]
    .venv/bin/python -m bench.cameras --quiet [--quiet-count 4]      # 1080p25: quiet vs fully decoded
    .venv/bin/python -m bench.cameras --mixed 16,24,32               # 1080p25, 10 % of the cameras active

What is measured, in every mode: one `CaptureRuntime` in this process (one reader thread and one analysis
thread per camera, FFmpeg slice threading as in the product, one database writer thread, alerts into a
throw-away SQLite) reads N cameras from the local GStreamer RTSP server (stream copy of a seeded clip: a
textured, noisy, static scene; on "active" mounts a person walks in `--warmup` + 2 s after the cameras
connect, so inside the measured window). After `--warmup` s the window of `--seconds` s starts; per step it
prints the process CPU (share of one core, all threads) per camera, RSS growth per camera, analysis frames
delivered as a share of the 5 fps target (the slowest camera), analysis frames dropped by the per-camera
queues, and the alerts raised (alert rows created by the end of the window). Settings are built here,
never from `CONTROLROOM_*` variables.

- default: 720p10, every camera on the active mount; baseline = the same worker decoding only (no analysis).
- `--quiet`: 1080p25 on the quiet mount; the same N cameras fully decoded (quiet mode off) vs in quiet mode
  (`quiet_after_s` 2 s, so quiet before the window); prints CPU per camera of each and the ratio, the
  frames analysed per camera and second in each arm, and how many cameras were quiet at the end (a
  camera that never went quiet makes the ratio meaningless).
- `--mixed`: 1080p25, N cameras of which 10 % on the active mount, quiet mode on; prints total CPU (cores),
  and drops and delivery on the active cameras: a step "holds" when the worker needs less than the machine's
  cores and drops nothing on the active cameras.
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from alerts.models import Alert  # noqa: E402
from bench.settings import bench_settings  # noqa: E402
from config.cameras import CameraConfig  # noqa: E402
from config.settings import Settings  # noqa: E402
from core.clock import utcnow  # noqa: E402
from db.session import SessionFactory, make_engine, make_session_factory, session_scope  # noqa: E402
from devices.camera import service as cameras  # noqa: E402
from devices.credentials import CredentialBox  # noqa: E402
from devices.worker import service as workers  # noqa: E402
from footage.runtime import FootageRuntime  # noqa: E402
from runtime.capture import CaptureRuntime  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402
from testkit.cluster import fresh_pg_database  # noqa: E402
from testkit.media import make_person_clip  # noqa: E402
from testkit.rtsp import RtspServer  # noqa: E402

ANALYSIS_FPS = 5
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# The 1080p clips keep their sensor noise through the encoder (about 5.8 Mbit/s, a camera's bitrate): at the
# clips' default crf 26 the static scene's P-frames repeat the picture (0.4 Mbit/s), the tamper check sees
# a frozen stream, and the "quiet" cameras never went quiet (the quiet arm measured full decoding).
HD_CRF = 20


@dataclass(frozen=True)
class Step:
    """One measured configuration."""

    urls: list[str]  # one per camera
    active: int  # the first `active` cameras are on the active mount
    analyse: bool = True
    quiet_after_s: float = 0
    record: str = "off"  # off; shared: from the readers' packets (the product); own: a connection each


def _rss_mb() -> float:
    with Path("/proc/self/statm").open() as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _settings(step: Step, tmp: str, url: str, **worker: Any) -> Settings:
    return bench_settings(
        data_dir=tmp,
        database={"url": url},
        worker={"queue_size": 4, "quiet_after_s": step.quiet_after_s, **worker},
        footage={"min_free_mb": 0},
        logging={"level": "WARNING", "json": False},
    )


def _import(settings: Settings, factory: SessionFactory, step: Step) -> None:
    box = CredentialBox(settings.auth.secret_key.get_secret_value())
    detect = {"fps": ANALYSIS_FPS, "tamper": {"enabled": step.analyse}}
    recording = {"mode": "off" if step.record == "off" else "continuous"}
    cams = [
        CameraConfig(name=f"c{i:03}", url=u, detect=detect, recording=recording)  # type: ignore[arg-type]
        for i, u in enumerate(step.urls)
    ]
    with session_scope(factory) as s:
        cameras.import_config(s, cameras=cams, box=box)


def _measure(
    settings: Settings, factory: SessionFactory, step: Step, seconds: float, warmup: float
) -> Sample:
    """One capture worker in this process (and its recorders), measured over the window."""
    runtime = CaptureRuntime(settings, factory)
    if not step.analyse:
        runtime._consumer = lambda run: lambda frame: None  # type: ignore[method-assign]  # decode only
    rss0 = _rss_mb()
    runtime.start()
    footage = None
    if step.record != "off":
        footage = FootageRuntime(settings, factory, worker_id=runtime.worker_id)
        footage.feeds = runtime.feed_of if step.record == "shared" else None
        footage.sync()
    time.sleep(warmup)
    before = {s.camera_id: (s.frames, s.dropped) for s in runtime.supervisor.status()}
    cpu0, t0 = time.process_time(), time.monotonic()
    time.sleep(seconds)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - t0
    after = {s.camera_id: (s.frames, s.dropped) for s in runtime.supervisor.status()}
    quiet = sum(mode == "quiet" for mode in runtime.decode_modes().values())
    rss = _rss_mb() - rss0
    segments = sum(r.segments_written for r in footage.recorders.values()) if footage else 0
    if footage is not None:
        footage.stop()
    runtime.stop()
    return Sample(cpu / wall, rss, before, after, wall, quiet, segments)


@dataclass(frozen=True)
class Sample:
    """What one capture process measured."""

    cores: float
    rss: float
    before: dict[str, tuple[int, int]]
    after: dict[str, tuple[int, int]]
    wall: float
    quiet: int
    segments: int


def _figures(step: Step, samples: list[Sample], alerts: int) -> dict[str, float]:
    count = len(step.urls)
    before = {k: v for s in samples for k, v in s.before.items()}
    after = {k: v for s in samples for k, v in s.after.items()}
    wall = max(s.wall for s in samples)
    active = [f"c{i:03}" for i in range(step.active)]
    delivered = [(after[c][0] - before[c][0]) / (wall * ANALYSIS_FPS) for c in active if c in after]
    cores = sum(s.cores for s in samples)
    return {
        "cpu_per_camera": cores / count,
        "cores": cores,
        "rss_per_camera": sum(s.rss for s in samples) / count,
        "min_delivered": min(delivered) if delivered else 0.0,
        "dropped_active": float(sum(after[c][1] - before[c][1] for c in active if c in after)),
        "dropped": float(sum(after[c][1] - before[c][1] for c in after if c in before)),
        "alerts": float(alerts),
        "analysed_fps": sum(after[c][0] - before[c][0] for c in after if c in before) / wall / count,
        "quiet_at_end": float(sum(s.quiet for s in samples)),
        "read": float(len(after)),
        "segments": float(sum(s.segments for s in samples)),
    }


def _alerts(factory: SessionFactory) -> int:
    with session_scope(factory) as s:
        return s.scalar(select(func.count()).select_from(Alert).where(Alert.kind == "motion")) or 0


def run_step(
    step: Step, seconds: float, warmup: float, *, processes: int = 1, pg: str = PG_ADMIN
) -> dict[str, float]:
    """Read the step's cameras for `seconds` after `warmup`; return CPU, RSS, frame and alert figures.
    With `processes` > 1: that many capture workers in processes of their own on a throw-away PostgreSQL
    database, sharing the cameras by the product's fair shares (one machine using its cores)."""
    if processes > 1:
        return _run_processes(step, seconds, warmup, processes, pg)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        settings = _settings(step, tmp, f"sqlite:///{tmp}/bench.db")
        engine = make_engine(settings.database)
        upgrade(engine)
        factory = make_session_factory(engine)
        _import(settings, factory, step)
        sample = _measure(settings, factory, step, seconds, warmup)
        alerts = _alerts(factory)
        engine.dispose()
    return _figures(step, [sample], alerts)


def _child(url: str, index: int, processes: int, step: Step, seconds: float, warmup: float, out: Any) -> None:
    """One capture process: register, wait for the others (so the first claim takes a fair share), measure."""
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        settings = _settings(step, tmp, url, worker_id=f"bench-{index}", lease_s=600)
        engine = make_engine(settings.database)
        factory = make_session_factory(engine)
        with session_scope(factory) as s:
            workers.heartbeat(s, worker_id=settings.worker.worker_id, now=utcnow())
        while True:
            with session_scope(factory) as s:
                live = workers.live_weights(s, since=utcnow() - dt.timedelta(seconds=600))
            if len(live) >= processes:
                break
            time.sleep(0.1)
        out.put(_measure(settings, factory, step, seconds, warmup))
        engine.dispose()


def _run_processes(step: Step, seconds: float, warmup: float, processes: int, pg: str) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    with fresh_pg_database(pg) as url, tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        settings = _settings(step, tmp, url)
        engine = make_engine(settings.database)
        upgrade(engine)
        factory = make_session_factory(engine)
        _import(settings, factory, step)
        out = context.Queue()
        children = [
            context.Process(target=_child, args=(url, i, processes, step, seconds, warmup, out))
            for i in range(processes)
        ]
        for child in children:
            child.start()
        samples = [out.get(timeout=warmup + seconds + 300) for _ in children]
        for child in children:
            child.join(60)
        alerts = _alerts(factory)
        engine.dispose()
    return _figures(step, samples, alerts)


def _capacity(args: argparse.Namespace) -> None:
    clip = make_person_clip("bench720", seconds=60, fps=10, enter_at=args.warmup + 2, size=(1280, 720))
    server = RtspServer(["--file", f"cam={clip}"]).start()
    try:
        url = server.url("cam")
        print(
            f"{os.cpu_count()} cores; 1280x720 10 fps H.264, analysis at {ANALYSIS_FPS} fps; window "
            f"{args.seconds:.0f} s after {args.warmup:.0f} s warm-up; the person enters at {args.warmup + 2:.0f} s"
        )
        print(
            f"{'cams':>4} {'decode-only CPU/cam':>20} {'full CPU/cam':>13} {'ratio':>6} {'RSS MB/cam':>11}"
            f" {'delivered':>10} {'dropped':>8} {'alerts':>7}"
        )
        for count in (int(c) for c in args.counts.split(",")):
            urls = [url] * count
            base = run_step(Step(urls, count, analyse=False), args.seconds, args.warmup)
            full = run_step(Step(urls, count), args.seconds, args.warmup)
            ratio = (
                full["cpu_per_camera"] / base["cpu_per_camera"] if base["cpu_per_camera"] else float("nan")
            )
            print(
                f"{count:>4} {base['cpu_per_camera']:>19.1%} {full['cpu_per_camera']:>12.1%} {ratio:>6.2f}"
                f" {full['rss_per_camera']:>11.1f} {full['min_delivered']:>9.0%} {full['dropped']:>8.0f}"
                f" {full['alerts']:>7.0f}",
                flush=True,
            )
    finally:
        server.stop()


def _hd_server(args: argparse.Namespace, *, active: bool) -> RtspServer:
    """The 1080p25 mounts (clips made once, a few minutes each): `quiet`, and `active` when asked."""
    gop = round(args.gop_s * 25) if args.gop_s != 1 else None
    quiet = make_person_clip(
        "bench1080q", seconds=60, fps=25, enter_at=10_000, size=(1920, 1080), gop=gop, crf=HD_CRF
    )
    mounts = ["--file", f"quiet={quiet}"]
    if active:
        clip = make_person_clip(
            "bench1080a", seconds=60, fps=25, enter_at=args.warmup + 2, size=(1920, 1080), crf=HD_CRF
        )
        mounts += ["--file", f"active={clip}"]
    return RtspServer(mounts).start()


def _quiet(args: argparse.Namespace) -> None:
    server = _hd_server(args, active=False)
    try:
        n = args.quiet_count
        urls = [server.url("quiet")] * n
        print(
            f"{os.cpu_count()} cores; {n} cameras 1920x1080 25 fps H.264 ({args.gop_s:g} s GOP), analysis at {ANALYSIS_FPS} fps"
        )
        full = run_step(Step(urls, 0, quiet_after_s=0, record=args.record), args.seconds, args.warmup)
        quiet = run_step(
            Step(urls, 0, quiet_after_s=2, record=args.record), args.seconds, max(args.warmup, 4)
        )
        ratio = quiet["cpu_per_camera"] / full["cpu_per_camera"] if full["cpu_per_camera"] else float("nan")
        print(
            f"{'fully decoded CPU/cam':>22} {'quiet CPU/cam':>14} {'ratio':>6} {'analysed fps/cam':>17} {'quiet at end':>13}"
        )
        print(
            f"{full['cpu_per_camera']:>21.1%} {quiet['cpu_per_camera']:>14.1%} {ratio:>6.2f}"
            f" {full['analysed_fps']:>8.1f} / {quiet['analysed_fps']:<6.1f} {quiet['quiet_at_end']:>7.0f} of {n}",
            flush=True,
        )
    finally:
        server.stop()


def _mixed(args: argparse.Namespace) -> None:
    server = _hd_server(args, active=True)
    try:
        print(
            f"{os.cpu_count()} cores; 1920x1080 25 fps H.264 ({args.gop_s:g} s GOP of the quiet clip), 10 % of the cameras active (a person"
            f" walks in during the window), the rest quiet (quiet_after_s 3 s); window {args.seconds:.0f} s;"
            f" {args.processes} capture process(es); recording {args.record}"
        )
        print(
            f"{'cams':>4} {'active':>6} {'cores used':>10} {'CPU/cam':>8} {'RSS MB/cam':>11} {'active delivered':>17} {'active dropped':>15} {'alerts':>7}"
            f" {'read':>5} {'segments':>9}"
        )
        for count in (int(c) for c in args.mixed.split(",")):
            active = max(1, round(count * 0.1))
            urls = [server.url("active")] * active + [server.url("quiet")] * (count - active)
            step = Step(urls, active, quiet_after_s=3, record=args.record)
            r = run_step(step, args.seconds, max(args.warmup, 5), processes=args.processes, pg=args.pg)
            print(
                f"{count:>4} {active:>6} {r['cores']:>10.2f} {r['cpu_per_camera']:>8.1%} {r['rss_per_camera']:>11.1f}"
                f" {r['min_delivered']:>16.0%} {r['dropped_active']:>15.0f} {r['alerts']:>7.0f}"
                f" {r['read']:>5.0f} {r['segments']:>9.0f}",
                flush=True,
            )
    finally:
        server.stop()


def main() -> None:
    """Run the chosen measurement and print a table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counts", default="4,8,12,16,20")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--quiet", action="store_true", help="1080p25 CPU per camera: quiet vs fully decoded")
    parser.add_argument("--quiet-count", type=int, default=4)
    parser.add_argument("--gop-s", type=float, default=1, help="keyframe interval of the quiet 1080p clip")
    parser.add_argument(
        "--mixed", default="", help="camera counts for 1080p25 with 10 %% active, e.g. 16,24,32"
    )
    parser.add_argument(
        "--processes", type=int, default=1, help="--mixed: capture processes (PostgreSQL, fair shares)"
    )
    parser.add_argument(
        "--record",
        choices=("off", "shared", "own"),
        default="off",
        help="also record every camera: from the readers' packets (shared, as the product) or over a"
        " connection of each recorder's own (own, as before)",
    )
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL server for --processes above 1")
    args = parser.parse_args()
    if args.quiet:
        _quiet(args)
    elif args.mixed:
        _mixed(args)
    else:
        _capacity(args)


if __name__ == "__main__":
    main()
