"""Several machines' worth of controlroom on one machine: 3 capture workers and an API process on one
PostgreSQL database, N 720p10 cameras from the local RTSP server; fair shares, failover after `kill -9`,
and how fast a console's SSE stream wakes up through LISTEN/NOTIFY against the timer.

    .venv/bin/python -m bench.cluster [--cameras 12] [--lease 5] [--events 60] [--pg URL]

What is measured:
- shares: cameras held per worker once all are leased (3 `controlroom serve` subprocesses, `sync_s` 1 s);
- failover: `kill -9` of the worker holding the most cameras -> every one of its cameras has a live owner
  again and answers a tile (JPEG, relayed by the API process from its new worker): seconds after the kill;
- worker CPU: each worker's CPU (share of one core, /proc) over 10 s before the kill;
- SSE wake-up: this process commits `--events` alert changes (one every 150 ms) and two in-process API apps
  on the same database stream them over SSE; latency = commit -> event received, p50/p95, with the stream
  woken by NOTIFY vs the plain timer (0.15 s, what SQLite uses), plus the database reads per idle console
  per minute of each (alert reads and session checks).
The database is a throw-away one created on the server of `--pg` (default: the local test server); every
setting is built here, never read from `CONTROLROOM_*` variables. A benchmark: it prints, never fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from access import tokens  # noqa: E402
from access.auth import issue_api_token  # noqa: E402
from access.roles import Role  # noqa: E402
from access.users import service as users  # noqa: E402
from alerts import service as alerts  # noqa: E402
from alerts.models import Priority  # noqa: E402
from api.app import create_app  # noqa: E402
from bench.settings import bench_settings  # noqa: E402
from config.cameras import CameraConfig  # noqa: E402
from core.clock import utcnow  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402
from devices.camera import service as cameras  # noqa: E402
from devices.camera.models import Camera  # noqa: E402
from devices.credentials import CredentialBox  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402
from testkit.cluster import SERVER_KEY, Cluster, fresh_pg_database  # noqa: E402
from testkit.live_server import LiveServer  # noqa: E402
from testkit.media import make_person_clip  # noqa: E402
from testkit.rtsp import RtspServer  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _holders(factory: object) -> dict[str, str | None]:
    now = utcnow()
    with session_scope(factory) as s:  # type: ignore[arg-type]
        return {
            c.name: (c.worker_id if c.lease_until and c.lease_until > now else None)
            for c in s.scalars(select(Camera))
        }


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait(check: object, timeout: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def _sse_latency(url: str, events: int, notify: bool) -> tuple[list[float], float]:
    """Commit `events` alert changes; return the commit -> SSE latencies and reads per idle minute."""
    settings = bench_settings(
        database={"url": url}, auth={"secret_key": SERVER_KEY}, worker={"enabled": False}
    )
    engine = make_engine(settings.database)
    factory = make_session_factory(engine)
    app = create_app(settings, engine=engine)
    if not notify:
        app.state.ctx.notifier = None
    reads = Counter[str]()
    import api.alert_feed as feed_module

    fetch = feed_module.read_changes

    def counted(f: object, after: int, **kwargs: object) -> object:  # the feed passes its frame cache
        reads["n"] += 1
        return fetch(f, after, **kwargs)  # type: ignore[arg-type]

    feed_module.read_changes = counted  # type: ignore[assignment]
    is_live = tokens.is_live

    def counted_session(session: Session, **kwargs: object) -> bool:
        reads["n"] += 1
        return is_live(session, **kwargs)  # type: ignore[arg-type]

    tokens.is_live = counted_session  # type: ignore[assignment]
    with session_scope(factory) as s:
        headers = _bearer(s, f"bench{int(notify)}{os.getpid()}")
        start = s.scalar(select(alerts.AlertChange.id).order_by(alerts.AlertChange.id.desc()).limit(1)) or 0
    received: dict[int, float] = {}
    committed: dict[int, float] = {}
    with LiveServer(app) as server:

        def listen() -> None:
            with (
                httpx.Client(timeout=None) as http,
                http.stream(
                    "GET", f"{server.url}/api/v1/alerts/stream", params={"after": start}, headers=headers
                ) as r,
            ):
                for line in r.iter_lines():
                    if line.startswith("data: "):
                        received[json.loads(line[6:])["alert"]["id"]] = time.monotonic()
                        if len(received) >= events:
                            return

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        time.sleep(1.0)
        reads.clear()
        time.sleep(10.0)  # idle: how often does the stream read the database?
        idle_reads_per_min = reads["n"] * 6.0
        for i in range(events):
            with session_scope(factory) as s:
                raised = alerts.raise_alert(
                    s,
                    kind="motion",
                    camera_id=None,
                    camera_name=f"bench-{i}",
                    zone=None,
                    priority=Priority.NORMAL,
                    score=1.0,
                    title="bench",
                    settings=settings.alerts,
                    now=utcnow(),
                )
                alert_id = raised.alert.id
            committed[alert_id] = time.monotonic()
            time.sleep(0.15)
        thread.join(10)
    feed_module.read_changes = fetch  # type: ignore[assignment]
    tokens.is_live = is_live  # type: ignore[assignment]
    engine.dispose()
    return [received[i] - committed[i] for i in committed if i in received], idle_reads_per_min


def _bearer(session: Session, username: str) -> dict[str, str]:
    """A fresh operator and a bearer token for it."""
    now = utcnow()
    user = users.create(
        session, username=username, password="a long bench password", roles=(Role.OPERATOR,), now=now
    )
    token = issue_api_token(session, user=user, name="bench", days=1, now=now)
    return {"Authorization": f"Bearer {token.secret}"}


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else float("nan")  # type: ignore[index]


def main() -> None:
    """Run the cluster, kill a worker, measure the SSE wake-ups; print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cameras", type=int, default=12)
    parser.add_argument("--lease", type=float, default=5)
    parser.add_argument("--events", type=int, default=60)
    parser.add_argument("--pg", default=PG, help="PostgreSQL server (admin URL) for the throw-away database")
    args = parser.parse_args()
    clip = make_person_clip("bench720", seconds=60, fps=10, enter_at=7, size=(1280, 720))
    server = RtspServer(["--file", f"cam={clip}"]).start()
    try:
        with fresh_pg_database(args.pg) as url, tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(bench_settings(database={"url": url}).database)
            upgrade(engine)
            factory = make_session_factory(engine)
            box = CredentialBox(SERVER_KEY)
            names = [f"c{i:03}" for i in range(args.cameras)]
            cams = [CameraConfig(name=n, url=server.url("cam"), detect={"fps": 5}) for n in names]  # type: ignore[arg-type]
            with session_scope(factory) as s:
                cameras.import_config(s, cameras=cams, box=box)
                headers = _bearer(s, "olga")
                ids = {c.name: c.id for c in s.scalars(select(Camera))}
            print(
                f"{os.cpu_count()} cores; {args.cameras} cameras 1280x720 10 fps, 3 workers, lease_s {args.lease}"
            )
            with Cluster(url, Path(tmp), workers=3, apis=1, lease_s=args.lease) as cluster:
                took = _wait(lambda: None not in _holders(factory).values(), 120)
                _wait(lambda: _spread(factory) <= 1, 60)
                shares = Counter(w for w in _holders(factory).values() if w)
                print(f"all leased after {took or float('nan'):.1f} s; shares {dict(sorted(shares.items()))}")
                pids = {n: cluster.nodes[n].proc.pid for n in ("w1", "w2", "w3")}  # type: ignore[union-attr]
                cpu0 = {n: _cpu_s(p) for n, p in pids.items()}
                time.sleep(10)
                cpu = {n: (_cpu_s(p) - cpu0[n]) / 10 for n, p in pids.items()}
                print("worker CPU (share of a core): " + ", ".join(f"{n} {v:.0%}" for n, v in cpu.items()))
                victim = shares.most_common(1)[0][0]
                lost = [n for n, w in _holders(factory).items() if w == victim]
                api = cluster.nodes["api1"].url
                cluster.kill(victim)
                leased = _wait(lambda: all(_holders(factory)[n] not in (None, victim) for n in lost), 60)
                with httpx.Client(headers=headers, timeout=10) as http:

                    def recovered() -> bool:
                        holders = _holders(factory)
                        if any(holders[n] in (None, victim) for n in lost):
                            return False
                        return all(
                            http.get(f"{api}/api/v1/cameras/{ids[n]}/snapshot").status_code == 200
                            for n in lost
                        )

                    failover = _wait(recovered, 60)
                    failover = None if failover is None or leased is None else failover + leased
                print(
                    f"kill -9 {victim} ({len(lost)} cameras): leases taken over after "
                    f"{leased if leased is not None else float('nan'):.1f} s, all read again after "
                    f"{failover if failover is not None else float('nan'):.1f} s (target <= lease_s + 5 = {args.lease + 5:.0f} s);"
                    f" shares now {dict(sorted(Counter(w for w in _holders(factory).values() if w).items()))}"
                )
            for notify in (True, False):
                lat, idle = _sse_latency(url, args.events, notify)
                label = "LISTEN/NOTIFY" if notify else "timer 0.15 s"
                print(
                    f"SSE wake-up {label:>13}: p50 {_pct(lat, 50) * 1000:.0f} ms, p95 {_pct(lat, 95) * 1000:.0f} ms"
                    f" ({len(lat)}/{args.events} events); idle console: {idle:.0f} database reads/min"
                )
            engine.dispose()
    finally:
        server.stop()


def _spread(factory: object) -> int:
    counts = Counter(w for w in _holders(factory).values() if w)
    return max(counts.values()) - min(counts.values()) if len(counts) == 3 else 99


if __name__ == "__main__":
    main()
