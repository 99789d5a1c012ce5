"""Alert latency: from the frame where a person appears to the SSE message reaching a console.

    .venv/bin/python -m bench.alert_latency [--events 60] [--cameras 6]

Scripted cameras (in-process sources paced in real time at the 5 fps analysis rate) show an empty scene and, every few
seconds, a person; the capture worker analyses them at 5 fps, raises alerts into SQLite (cooldown 0, so
every appearance is an alert) and a console client reads the real SSE stream over HTTP. For each event it
measures
  * total     appearance frame produced -> SSE message received
  * pipeline  detector confirmed the event -> SSE message received (the total minus the detection's own
              confirmation window of `min_consecutive_frames` analysis frames)
and prints p50/p95 of both over all events. Goal: pipeline p95 <= 300 ms.
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import runtime.capture as capture  # noqa: E402
from access import auth  # noqa: E402
from access.roles import Role  # noqa: E402
from access.users import service as users  # noqa: E402
from api.app import create_app  # noqa: E402
from bench.settings import bench_settings  # noqa: E402
from config.cameras import CameraConfig  # noqa: E402
from core.clock import utcnow  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402
from devices.camera import service as cameras  # noqa: E402
from devices.credentials import CredentialBox  # noqa: E402
from monitor.frames import Frame  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402
from runtime.worker import Worker  # noqa: E402
from testkit.live_server import LiveServer  # noqa: E402

FPS, PERIOD, VISIBLE = 5, 5.0, 2.0  # FPS: what the adapter hands over (the analysis rate)
APPEAR: dict[str, list[float]] = {}
CONFIRMED: dict[str, list[float]] = {}


class ScriptedSource:
    """A real-time source: empty scene, and a person during [k*PERIOD + offset, +VISIBLE)."""

    def __init__(self, camera_id: str, offset: float) -> None:
        self.camera_id, self.offset = camera_id, offset
        rng = np.random.default_rng(abs(hash(camera_id)) % 2**32)
        blocks = rng.integers(70, 150, size=(45, 80), dtype=np.uint8)
        self.bg = np.kron(blocks, np.ones((8, 8), dtype=np.uint8))  # a textured scene, not white noise
        self.noise = [rng.integers(0, 4, size=(360, 640), dtype=np.uint8) for _ in range(8)]
        self.i, self.t0, self.shown = 0, 0.0, False

    def open(self) -> None:
        self.t0, self.i = time.time(), 0

    def read(self) -> Frame | None:
        due = self.t0 + self.i / FPS
        time.sleep(max(0.0, due - time.time()))
        t = self.i / FPS
        img = self.bg + self.noise[self.i % 8]
        phase = (t - self.offset) % PERIOD
        visible = t >= self.offset and phase < VISIBLE
        if visible:
            x = 100 + int(phase * 120)
            img = img.copy()
            img[120:300, x : x + 50] = 20
            if not self.shown:
                APPEAR.setdefault(self.camera_id, []).append(time.time())
        self.shown = visible
        self.i += 1
        return Frame(self.camera_id, t, img, self.i)

    def close(self) -> None:
        pass

    def __enter__(self) -> ScriptedSource:
        self.open()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _listen(
    url: str, headers: dict[str, str], received: dict[str, list[float]], stop: threading.Event
) -> None:
    with httpx.Client(timeout=None) as http, http.stream("GET", url, headers=headers) as response:
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("data: "):
                event = json.loads(line[6:])
                if event["action"] == "created":
                    received.setdefault(event["alert"]["camera_name"], []).append(time.time())


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    """Run the scripted cameras until enough events arrived; print the latency figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--cameras", type=int, default=6)
    args = parser.parse_args()
    names = [f"s{i}" for i in range(args.cameras)]
    capture.open_source = lambda url, **kw: ScriptedSource(
        kw["camera_id"], 1.0 + names.index(kw["camera_id"]) * PERIOD / len(names)
    )  # type: ignore[assignment]
    original_on_event = capture.CaptureRuntime._on_event

    def on_event(self: capture.CaptureRuntime, run: Any, event: Any, frame: Frame) -> None:
        CONFIRMED.setdefault(run.name, []).append(time.time())
        original_on_event(self, run, event, frame)

    capture.CaptureRuntime._on_event = on_event  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(
            database={"url": f"sqlite:///{tmp}/bench.db"},
            alerts={"cooldown_s": 0},
            logging={"level": "WARNING"},
        )
        engine = make_engine(settings.database)
        upgrade(engine)
        factory = make_session_factory(engine)
        box = CredentialBox(settings.auth.secret_key.get_secret_value())
        with session_scope(factory) as s:
            cams = [CameraConfig(name=n, url=f"demo://{n}", detect={"fps": 5}) for n in names]  # type: ignore[arg-type]
            cameras.import_config(s, cameras=cams, box=box)
            user = users.create(
                s, username="bench", password=secrets.token_urlsafe(12), roles=(Role.OPERATOR,), now=utcnow()
            )
            token = auth.issue_api_token(s, user=user, name="bench", days=1, now=utcnow()).secret
        app = create_app(settings, engine=engine)
        received: dict[str, list[float]] = {}
        stop = threading.Event()
        with LiveServer(app) as server:
            listener = threading.Thread(
                target=_listen,
                args=(
                    f"{server.url}/api/v1/alerts/stream",
                    {"Authorization": f"Bearer {token}"},
                    received,
                    stop,
                ),
                daemon=True,
            )
            listener.start()
            worker = Worker(settings, factory)
            worker.start()
            deadline = time.time() + args.events * PERIOD / len(names) + 30
            while sum(len(v) for v in received.values()) < args.events and time.time() < deadline:
                time.sleep(0.5)
            stop.set()
            worker.stop()
    totals, pipeline = [], []
    for name in names:
        for appear, confirm, got in zip(
            APPEAR.get(name, []), CONFIRMED.get(name, []), received.get(name, []), strict=False
        ):
            totals.append((got - appear) * 1000)
            pipeline.append((got - confirm) * 1000)
    print(f"{len(totals)} events on {len(names)} cameras (analysis 5 fps, SSE poll 150 ms)")
    print(f"total    appearance -> SSE : p50 {_pct(totals, 50):6.0f} ms   p95 {_pct(totals, 95):6.0f} ms")
    print(
        f"pipeline confirmed  -> SSE : p50 {_pct(pipeline, 50):6.0f} ms   p95 {_pct(pipeline, 95):6.0f} ms  (goal p95 <= 300 ms)"
    )


if __name__ == "__main__":
    main()
