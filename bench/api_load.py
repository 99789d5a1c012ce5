"""API load benchmark: 50 concurrent clients against a served instance (uvicorn on 127.0.0.1) on PostgreSQL.

    .venv/bin/python -m bench.api_load [--clients 50] [--seconds 60] [--pg URL] [--workers 1]

A throw-away database is created on the server of `--pg` (default postgresql+psycopg://postgres@127.0.0.1:5432/test),
migrated, and seeded with operators (each checked in at a post of their own) and a backlog of new alerts. The server runs in its own process
(`uvicorn`, the app from `api.app.create_app`, capture worker off). The clients (asyncio + httpx, one connection
each) are mixed: 40 % read the alert queue (`GET /api/v1/alerts`), 20 % append to the duty log
(`POST /api/v1/duty-log`), 20 % acknowledge alerts (`POST /api/v1/alerts/{id}/acknowledge`; two clients race for
some alerts, so a 409 is an expected answer there), 10 % read the duty log, 10 % hold an SSE subscription
(`GET /api/v1/alerts/stream`, from the current head) and count the events they receive.
Printed: requests, p50/p95/p99 per route (milliseconds), errors (any 5xx, any transport error, any status that
is not the expected one), then the checks: every acknowledgement answered 200 is stored with that operator,
every duty-log append answered 201 is stored, exactly one acknowledgement per alert, and both hash chains
(the duty log and the audit log) verify. Goals: 0 errors, p95 <= 50 ms reads, <= 100 ms writes.
The settings are built here from defaults (CONTROLROOM_* variables are ignored). A benchmark: it prints, it
never fails on the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import multiprocessing as mp
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from core.clock import utcnow

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import func, make_url, select  # noqa: E402

from access import auth  # noqa: E402
from access.audit import service as audit  # noqa: E402
from access.roles import Role  # noqa: E402
from access.users.models import User, UserRole  # noqa: E402
from alerts import service as alerts  # noqa: E402
from alerts.models import Alert, AlertChange, AlertState, Priority  # noqa: E402
from config.alerting import AlertSettings  # noqa: E402
from config.settings import DatabaseSettings  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402
from shift_logs.duty_log import service as duty_log  # noqa: E402
from shift_logs.duty_log.models import DutyEntry  # noqa: E402
from shift_logs.roster import presence  # noqa: E402
from shift_logs.roster import service as roster  # noqa: E402
from testkit.rtsp import free_port  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
READS = {"GET /api/v1/alerts", "GET /api/v1/duty-log"}


def _settings_overrides(url: str) -> dict[str, Any]:
    return {
        "database": {"url": url, "pool_size": 45},
        "worker": {"enabled": False},
        "logging": {"level": "WARNING"},
    }


def _clean_env() -> None:
    for key in [k for k in os.environ if k.startswith("CONTROLROOM_")]:
        del os.environ[key]


def _serve(url: str, port: int) -> None:
    _clean_env()
    import uvicorn

    from api.app import create_app
    from bench.settings import bench_settings

    settings = bench_settings(**_settings_overrides(url))
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _seed(url: str, operators: int, backlog: int) -> tuple[list[str], list[int], list[int], int]:
    engine = make_engine(DatabaseSettings(url=url))
    upgrade(engine)
    factory = make_session_factory(engine)
    tokens = []
    now = dt.datetime.now(dt.UTC)
    with session_scope(factory) as s:
        posts = []
        shift = roster.create_shift(
            s,
            name="bench",
            starts_at=now - dt.timedelta(minutes=5),
            ends_at=now + dt.timedelta(hours=4),
            leader=None,
        )
        for i in range(operators):
            user = User(username=f"op{i}", display_name=f"Operator {i}", password_hash="!")
            user.role_rows = [UserRole(role=Role.OPERATOR)]
            s.add(user)
            s.flush()
            post = roster.create_post(s, name=f"desk {i}")
            posts.append(post.id)
            roster.roster(s, shift_id=shift.id, post_id=post.id, user=user)
            presence.check_in(s, user=user, post_id=post.id, now=now)  # entries are written at one's own post
            tokens.append(auth.issue_api_token(s, user=user, name="bench", days=1).secret)
        ids = []
        for i in range(backlog):
            alert = alerts.raise_alert(
                s,
                kind="motion",
                camera_id=None,
                camera_name=f"cam{i % 40}",
                zone=f"z{i}",
                priority=Priority.NORMAL,
                score=0.5,
                title=f"motion {i}",
                settings=AlertSettings(),
                now=utcnow(),
            ).alert
            ids.append(alert.id)
        head = alerts.last_change_id(s)
    engine.dispose()
    return tokens, posts, ids, head


class Stats:
    """Latencies and errors per route."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.acked: dict[int, str] = {}
        self.conflicts = 0
        self.appended: list[int] = []
        self.sse_events = 0

    def add(self, route: str, started: float) -> None:
        self.ms[route].append((time.perf_counter() - started) * 1000)

    def error(self, route: str, what: str) -> None:
        self.errors[route] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{route}: {what}")


async def _reader(client: httpx.AsyncClient, stats: Stats, stop: float) -> None:
    while time.perf_counter() < stop:
        started = time.perf_counter()
        try:
            r = await client.get("/api/v1/alerts", params={"state": "new", "limit": 50})
            stats.add("GET /api/v1/alerts", started)
            if r.status_code != 200:
                stats.error("GET /api/v1/alerts", f"{r.status_code} {r.text[:100]}")
        except httpx.HTTPError as exc:
            stats.error("GET /api/v1/alerts", repr(exc))


async def _log_reader(client: httpx.AsyncClient, stats: Stats, stop: float, post_id: int) -> None:
    while time.perf_counter() < stop:
        started = time.perf_counter()
        try:
            r = await client.get("/api/v1/duty-log", params={"post_id": post_id, "limit": 50})
            stats.add("GET /api/v1/duty-log", started)
            if r.status_code != 200:
                stats.error("GET /api/v1/duty-log", f"{r.status_code} {r.text[:100]}")
        except httpx.HTTPError as exc:
            stats.error("GET /api/v1/duty-log", repr(exc))


async def _writer(client: httpx.AsyncClient, stats: Stats, stop: float, post_id: int, n: int) -> None:
    i = 0
    while time.perf_counter() < stop:
        started = time.perf_counter()
        body = {"post_id": post_id, "kind": "observation", "text": f"client {n} entry {i}: all quiet"}
        i += 1
        try:
            r = await client.post("/api/v1/duty-log", json=body)
            stats.add("POST /api/v1/duty-log", started)
            if r.status_code == 201:
                stats.appended.append(int(r.json()["id"]))
            else:
                stats.error("POST /api/v1/duty-log", f"{r.status_code} {r.text[:100]}")
        except httpx.HTTPError as exc:
            stats.error("POST /api/v1/duty-log", repr(exc))


async def _acker(client: httpx.AsyncClient, stats: Stats, stop: float, queue: list[int], who: str) -> None:
    route = "POST /api/v1/alerts/{id}/acknowledge"
    while time.perf_counter() < stop and queue:
        alert_id = queue.pop()
        started = time.perf_counter()
        try:
            r = await client.post(f"/api/v1/alerts/{alert_id}/acknowledge")
            stats.add(route, started)
            if r.status_code == 200:
                if alert_id in stats.acked:
                    stats.error(route, f"alert {alert_id} acknowledged twice")
                stats.acked[alert_id] = who
            elif r.status_code == 409:
                stats.conflicts += 1
            else:
                stats.error(route, f"{r.status_code} {r.text[:100]}")
        except httpx.HTTPError as exc:
            stats.error(route, repr(exc))


async def _subscriber(client: httpx.AsyncClient, stats: Stats, stop: float, head: int) -> None:
    route = "GET /api/v1/alerts/stream"
    try:
        async with client.stream("GET", "/api/v1/alerts/stream", params={"after": head}) as r:
            if r.status_code != 200:
                stats.error(route, str(r.status_code))
                return
            async for line in r.aiter_lines():
                if line.startswith("id:"):
                    stats.sse_events += 1
                if time.perf_counter() >= stop:
                    return
    except httpx.HTTPError as exc:
        if time.perf_counter() < stop:
            stats.error(route, repr(exc))


async def _run_clients(
    base: str,
    tokens: list[str],
    posts: list[int],
    alert_ids: list[int],
    head: int,
    clients: int,
    seconds: float,
) -> Stats:
    stats = Stats()
    stop = time.perf_counter() + seconds
    # Each alert is offered twice (to two different clients), so acknowledgements race.
    queues: list[list[int]] = [[] for _ in range(max(1, clients // 5))]
    for i, alert_id in enumerate(alert_ids):
        queues[i % len(queues)].append(alert_id)
        queues[(i + 1) % len(queues)].append(alert_id)
    tasks = []
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    opened = []
    for n in range(clients):
        token = tokens[n % len(tokens)]
        client = httpx.AsyncClient(
            base_url=base,
            headers={"Authorization": f"Bearer {token}"},
            limits=limits,
            timeout=httpx.Timeout(30, read=seconds + 30),
        )
        opened.append(client)
        kind = n % 10
        if kind < 4:
            tasks.append(_reader(client, stats, stop))
        elif kind < 6:
            tasks.append(_writer(client, stats, stop, posts[n % len(tokens)], n))
        elif kind < 8:
            queue = queues[(n // 10 * 2 + kind - 6) % len(queues)]
            tasks.append(_acker(client, stats, stop, queue, f"op{n % len(tokens)}"))
        elif kind == 8:
            tasks.append(_log_reader(client, stats, stop, posts[n % len(tokens)]))
        else:
            tasks.append(_subscriber(client, stats, stop, head))
    await asyncio.gather(*tasks)
    for client in opened:
        await client.aclose()
    return stats


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _print(stats: Stats, seconds: float) -> None:
    print(
        f"\n{'route':<42} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'goal':>6}"
    )
    for route, values in sorted(stats.ms.items()):
        goal = 50 if route in READS else 100
        p95 = _percentile(values, 0.95)
        print(
            f"{route:<42} {len(values):>8} {len(values) / seconds:>7.1f} {statistics.median(values):>8.1f} "
            f"{p95:>8.1f} {_percentile(values, 0.99):>8.1f} {'ok' if p95 <= goal else 'MISS':>6}"
        )
    total_errors = sum(stats.errors.values())
    print(f"\nerrors: {total_errors} {dict(stats.errors) if total_errors else ''}")
    for sample in stats.error_samples:
        print(f"  {sample}")
    print(
        f"acknowledged: {len(stats.acked)} (409 to the racing client: {stats.conflicts}); "
        f"duty-log appends: {len(stats.appended)}; SSE events received: {stats.sse_events}"
    )


def _verify(url: str, stats: Stats) -> bool:
    engine = make_engine(DatabaseSettings(url=url))
    ok = True
    with session_scope(make_session_factory(engine)) as s:
        rows = s.execute(
            select(Alert.id, Alert.state, Alert.acknowledged_by).where(Alert.id.in_(stats.acked))
        )
        stored = {row.id: row for row in rows}
        missing = [
            i
            for i, who in stats.acked.items()
            if i not in stored
            or stored[i].state is not AlertState.ACKNOWLEDGED
            or stored[i].acknowledged_by != who
        ]
        changes = s.execute(
            select(AlertChange.alert_id, func.count())
            .where(AlertChange.action == "acknowledged")
            .group_by(AlertChange.alert_id)
            .having(func.count() > 1)
        ).all()
        present = set(s.scalars(select(DutyEntry.id).where(DutyEntry.id.in_(stats.appended))))
        lost = len(set(stats.appended) - present)
        reports = duty_log.verify_all(s)
        audit_report = audit.verify(s)
    engine.dispose()
    print(f"every acknowledgement stored with its operator: {not missing} ({len(missing)} missing)")
    print(f"alerts with more than one acknowledgement: {len(changes)}")
    print(f"every duty-log append stored: {lost == 0} ({lost} lost)")
    logs_ok = all(r.ok for r in reports)
    checked = sum(r.checked for r in reports)
    print(f"duty-log chains verify: {logs_ok} ({len(reports)} posts, {checked} entries)")
    print(f"audit chain verifies: {audit_report.broken is None} ({audit_report.checked} entries)")
    ok = not missing and not changes and lost == 0 and logs_ok and audit_report.broken is None
    return ok


def main() -> None:
    """Create the database, serve, load, verify, drop."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--backlog", type=int, default=3000, help="New alerts seeded for acknowledgement.")
    parser.add_argument(
        "--pg", default=PG_ADMIN, help="A PostgreSQL server URL (a database is created on it)."
    )
    args = parser.parse_args()
    _clean_env()
    name = f"cr_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(args.pg).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    server: mp.process.BaseProcess | None = None
    try:
        tokens, posts, alert_ids, head = _seed(url, operators=10, backlog=args.backlog)
        port = free_port()
        server = mp.get_context("spawn").Process(target=_serve, args=(url, port), daemon=True)
        server.start()
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        print(f"{args.clients} clients for {args.seconds:g} s against {base} (PostgreSQL, database {name})")
        stats = asyncio.run(_run_clients(base, tokens, posts, alert_ids, head, args.clients, args.seconds))
        _print(stats, args.seconds)
        intact = _verify(url, stats)
        print(f"\nverdict: {'all writes present, chains intact' if intact else 'CHECK FAILED'}")
    finally:
        if server is not None:
            server.terminate()
            server.join(10)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
