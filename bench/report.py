"""Report speed: a month with 100k alerts (and 40k in the month before), computed and rendered.

    .venv/bin/python -m bench.report [--alerts 100000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

Fills a fresh SQLite file and a fresh PostgreSQL database (created on the given server, dropped after)
with the alerts plus a few thousand incidents and faults, then times
  * figures  `build_report` (every section for the month and the month before, all SQL aggregates)
  * render   figures + the four matplotlib charts + the print-styled HTML (what the console page does)
against a baseline in the same run: one `SELECT count(*) FROM alerts` full scan. Goal: render < 5 s.
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import Engine, func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from access.users.models import User  # noqa: E402
from alerts.models import Alert, AlertState, Priority  # noqa: E402
from api.console.report_view import print_html  # noqa: E402
from bench.settings import bench_settings  # noqa: E402
from db.session import make_engine  # noqa: E402
from devices.camera.models import Camera  # noqa: E402
from maintenance.models import Equipment, EquipmentKind, Fault, Severity  # noqa: E402
from reports.service import build_report  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402
from shift_logs.incident.models import Channel, Incident, IncidentSource  # noqa: E402

MONTH_START = dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC)  # 2026-11 in Asia/Shanghai
TZ = "Asia/Shanghai"
KINDS = ("motion", "person", "tamper", "offline")


def _alert_rows(
    n: int, start: dt.datetime, cameras: list[Camera], rng: random.Random
) -> list[dict[str, object]]:
    rows = []
    span = 30 * 86400
    for _ in range(n):
        cam = rng.choice(cameras)
        first = start + dt.timedelta(seconds=rng.uniform(0, span))
        acked = rng.random() < 0.92
        ack = round(rng.lognormvariate(3.3, 0.9), 3) if acked else None
        state = (
            AlertState.NEW
            if not acked
            else rng.choice((AlertState.ACKNOWLEDGED, AlertState.RESOLVED, AlertState.FALSE_ALARM))
        )
        rows.append({
            "camera_id": cam.id, "camera_name": cam.name, "kind": rng.choice(KINDS),
            "priority": Priority.HIGH if rng.random() < 0.3 else Priority.NORMAL, "state": state,
            "first_seen": first, "last_seen": first, "created_at": first, "ack_seconds": ack,
            "acknowledged_at": first + dt.timedelta(seconds=ack) if ack is not None else None,
            "escalated_at": first if rng.random() < 0.05 else None,
            "dispatched_at": first if rng.random() < 0.03 else None,
        })  # fmt: skip
    return rows


def fill(engine: Engine, alerts: int) -> None:
    """The month's alerts, 40% as many the month before, 3000 incidents, 1000 faults."""
    rng = random.Random(7)
    with Session(engine) as s, s.begin():
        user = User(username="bench", password_hash="x")
        cams = [
            Camera(name=f"cam{i:02d}", group=f"g{i % 4}", url_sealed="", url_masked="demo://")
            for i in range(60)
        ]
        s.add_all([user, *cams])
        s.flush()
        equipment = [Equipment(name=f"eq{c.id}", kind=EquipmentKind.CAMERA, camera_id=c.id) for c in cams]
        s.add_all(equipment)
        s.flush()
        previous = MONTH_START - dt.timedelta(days=31)
        for start, n in ((MONTH_START, alerts), (previous, alerts * 2 // 5)):
            for offset in range(0, n, 20_000):
                s.execute(insert(Alert), _alert_rows(min(20_000, n - offset), start, cams, rng))
        incidents = []
        for i in range(3000):
            created = previous + dt.timedelta(seconds=rng.uniform(0, 61 * 86400))
            incidents.append({
                "source": IncidentSource.REPORT, "channel": rng.choice(list(Channel)), "category": f"c{i % 7}",
                "content": "x", "opened_by_id": user.id, "created_at": created,
                "ack_due_at": created + dt.timedelta(days=15), "result_due_at": created + dt.timedelta(days=60),
                "acknowledged_at": created + dt.timedelta(days=rng.uniform(0, 20)),
            })  # fmt: skip
        s.execute(insert(Incident), incidents)
        faults = []
        for _ in range(1000):
            reported = previous + dt.timedelta(seconds=rng.uniform(0, 61 * 86400))
            fixed = reported + dt.timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.8 else None
            faults.append({
                "equipment_id": rng.choice(equipment).id, "title": "f", "severity": rng.choice(list(Severity)),
                "reported_at": reported, "fixed_at": fixed,
                "repair_seconds": (fixed - reported).total_seconds() if fixed else None,
            })  # fmt: skip
        s.execute(insert(Fault), faults)


def _timed(fn: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (the machine may be shared)."""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def measure(label: str, url: str, alerts: int) -> None:
    """Fill, then time the baseline scan, the figures and the full render."""
    settings = bench_settings(database={"url": url}, site={"timezone": TZ})
    engine = make_engine(settings.database)
    upgrade(engine)
    t0 = time.perf_counter()
    fill(engine, alerts)
    filled = time.perf_counter() - t0
    now = MONTH_START + dt.timedelta(days=32)
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(Alert))
        scan, _ = _timed(
            lambda: s.scalar(select(func.count()).select_from(Alert).where(Alert.ack_seconds > 0))
        )

        def figures():
            return build_report(s, period="month", at="2026-11", scope="all", settings=settings, now=now)

        def render():
            return print_html(figures(), "zh", site_name="bench")

        render()  # warm: imports matplotlib, builds the font cache
        (fig_s, fig_cpu), (render_s, render_cpu) = _timed(figures), _timed(render)
        group_s, _ = _timed(
            lambda: build_report(
                s, period="month", at="2026-11", scope="group:g1", settings=settings, now=now
            )
        )
    engine.dispose()
    print(
        f"{label:10s} alerts={total:>7d} fill={filled:4.0f}s  baseline scan={scan * 1000:5.0f} ms  "
        f"figures={fig_s:5.2f}s ({fig_s / scan:4.0f}x, cpu {fig_cpu:4.2f}s)  "
        f"render={render_s:5.2f}s ({render_s / scan:4.0f}x, cpu {render_cpu:4.2f}s)  "
        f"group scope={group_s:5.2f}s  goal render<5s: {'ok' if render_s < 5 else 'MISSED'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("sqlite", f"sqlite:///{tmp}/bench.db", args.alerts)
    name = f"cr_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(args.pg).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"postgresql skipped: {exc}")
        return
    try:
        measure(
            "postgresql",
            make_url(args.pg).set(database=name).render_as_string(hide_password=False),
            args.alerts,
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
