"""Wall benchmark: Chromium's CPU for 16 tiles playing their own H.264 against 16 tiles of refreshing stills.

    .venv/bin/python -m bench.wall [--cameras 16] [--window 30] [--warmup 10] [--rounds 2] [--size 320x180]

One process serves the real app (uvicorn) and runs a real capture worker reading `--cameras` demo cameras
(`demo://`, encoded to H.264 by the worker at 10 fps, `--size`); one headless Debian Chromium
(/usr/bin/chromium, `--disable-gpu`: software decoding, as on a control-room PC without GPU video
decode) opens `/wall` at the 16-tile layout at 1920x1080, once as live video (the multiplexed fMP4
passthrough, decoded by the browser) and once as stills (`/wall?tiles=stills`: a JPEG per tile a second,
each at the tile's size). For each mode, after `--warmup` seconds, the CPU time (user + system) of every
Chromium process (browser, renderer, GPU and utility processes; read from /proc) is summed over `--window`
seconds of wall time. The modes alternate for `--rounds` rounds in the same run, so load from elsewhere
falls on both; the ratio is video ÷ stills. Also printed: the pictures the wall showed per second (video
frames decoded by Chromium plus still tiles loaded), since a loaded server delivers fewer frames and a
cheap-looking mode may only be a starved one. The server's own CPU is not counted (it is the same worker
either way, except the JPEG encoding the stills need, printed separately as the bench process's CPU).
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from access.roles import Role  # noqa: E402
from access.users import service as users  # noqa: E402
from api.app import create_app  # noqa: E402
from bench.settings import bench_settings  # noqa: E402
from config.cameras import CameraConfig  # noqa: E402
from core.clock import utcnow  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402
from devices.camera import service as cameras  # noqa: E402
from devices.credentials import CredentialBox  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402
from runtime.worker import Worker  # noqa: E402
from testkit.live_server import LiveServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(name, parent pid, CPU seconds) of a process from /proc, or None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def chromium_cpu() -> float:
    """CPU seconds so far of every Chromium process descending from this process."""
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    stats = {pid: s for pid in pids if (s := _stat(pid)) is not None}
    me, total = os.getpid(), 0.0
    for pid, (name, _parent, cpu) in stats.items():
        if "chrom" not in name.lower():
            continue
        ancestor, hops = pid, 0
        while ancestor in stats and ancestor != me and hops < 20:
            ancestor, hops = stats[ancestor][1], hops + 1
        if ancestor == me:
            total += cpu
    return total


def measure(
    page: Page, url: str, *, video: bool, cameras_n: int, warmup: float, window: float
) -> tuple[float, float, int]:
    """(Chromium CPU share of one core, this process's CPU share, tiles playing video) over the window."""
    page.goto(url + ("/wall" if video else "/wall?tiles=stills"))
    page.locator('button.layout[data-layout="16"]').click()
    if video:
        page.wait_for_function(
            "n => document.querySelectorAll('.tile.has-video').length >= n", arg=cameras_n, timeout=60000
        )
    time.sleep(warmup)
    f0 = _pictures_shown(page)
    c0, p0, t0 = chromium_cpu(), time.process_time(), time.monotonic()
    time.sleep(window)
    c1, p1, t1 = chromium_cpu(), time.process_time(), time.monotonic()
    f1 = _pictures_shown(page)
    playing = int(page.evaluate("() => document.querySelectorAll('.tile.has-video').length"))
    return (c1 - c0) / (t1 - t0), (p1 - p0) / (t1 - t0), playing, (f1 - f0) / (t1 - t0)


def _pictures_shown(page: Page) -> int:
    """Pictures the wall has shown so far: video frames decoded, plus still tiles loaded (counted from now)."""
    return int(
        page.evaluate(
            """() => {
              if (!window.__stills) {
                window.__stills = 0;
                document.querySelectorAll('.tile img').forEach(i => i.addEventListener('load', () => window.__stills++));
              }
              let frames = 0;
              document.querySelectorAll('.tile video').forEach(v => { frames += v.getVideoPlaybackQuality().totalVideoFrames; });
              return frames + window.__stills;
            }"""
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--window", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--size", default="320x180")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    width, height = (int(v) for v in args.size.split("x"))
    password = secrets.token_urlsafe(12)
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(
            data_dir=tmp,
            database={"url": f"sqlite:///{tmp}/bench.db"},
            logging={"level": "WARNING"},
        )
        engine = make_engine(settings.database)
        upgrade(engine)
        factory = make_session_factory(engine)
        box = CredentialBox(settings.auth.secret_key.get_secret_value())
        with session_scope(factory) as s:
            cams = [
                CameraConfig.model_validate(
                    {
                        "name": f"c{i:02d}",
                        "url": f"demo://c{i:02d}?seed={i + 1}&fps=10&width={width}&height={height}",
                    }
                )
                for i in range(args.cameras)
            ]
            cameras.import_config(s, cameras=cams, box=box)
            users.create(s, username="bench", password=password, roles=(Role.OPERATOR,), now=utcnow())
        app = create_app(settings, engine=engine)
        worker = Worker(settings, factory)
        app.state.ctx.live = worker.capture
        worker.start()
        results: dict[bool, list[tuple[float, float, int, float]]] = {True: [], False: []}
        try:
            with LiveServer(app) as server, sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.set_default_timeout(120_000)  # a loaded machine
                page.goto(f"{server.url}/login")
                page.get_by_label("User name").fill("bench")
                page.get_by_label("Password").fill(password)
                page.locator("form button[type=submit]").click()
                page.wait_for_url(f"{server.url}/")
                for _ in range(args.rounds):
                    for video in (True, False):
                        got = measure(
                            page,
                            server.url,
                            video=video,
                            cameras_n=args.cameras,
                            warmup=args.warmup,
                            window=args.window,
                        )
                        results[video].append(got)
                        print(
                            f"{'video ' if video else 'stills'}: Chromium {got[0] * 100:5.1f} % of a core, "
                            f"server process {got[1] * 100:5.1f} %, tiles playing video {got[2]}, "
                            f"pictures shown {got[3]:5.1f}/s",
                            flush=True,
                        )
                browser.close()
        finally:
            worker.stop()
            engine.dispose()
    video = sum(r[0] for r in results[True]) / len(results[True])
    stills = sum(r[0] for r in results[False]) / len(results[False])
    print(
        f"load average {os.getloadavg()[0]:.1f}; {args.cameras} tiles {width}x{height} at 10 fps, 1920x1080"
    )
    print(f"Chromium, 16 video tiles : {video * 100:5.1f} % of a core (mean of {args.rounds})")
    print(f"Chromium, 16 still tiles : {stills * 100:5.1f} % of a core")
    shown_v = sum(r[3] for r in results[True]) / len(results[True])
    shown_s = sum(r[3] for r in results[False]) / len(results[False])
    print(f"ratio video / stills     : {video / stills:.2f}x")
    print(f"pictures shown per second: video {shown_v:.0f}, stills {shown_s:.0f}")


if __name__ == "__main__":
    main()
