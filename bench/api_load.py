"""API load benchmark on PostgreSQL against a served instance: a closed-loop saturation run and runs of
operator consoles with think time.

    .venv/bin/python -m bench.api_load [--model both|all|closed|consoles|operators|sequential] [--seconds 60]
                                       [--processes 1] [--clients 50] [--consoles 50] [--think 1.0]
                                       [--streams apart|inline] [--requests 200] [--steady] [--pg URL]

A throw-away database is created on the server of `--pg` (default postgresql+psycopg://postgres@127.0.0.1:5432/test),
migrated, and seeded with operators (each checked in at a post of their own) and a backlog of new alerts. The
server is `controlroom serve --processes N` in its own process(es), as a site runs it (capture worker off, log
level WARNING, a config file written here, every CONTROLROOM_* variable removed). The clients run in this
process (asyncio + httpx, one connection each), never in the server's; the consoles' SSE streams are read in
a child process of their own (`--streams apart`, `bench/api_load_streams.py`) so that reading tens of
thousands of events does not delay the timing of the requests; `--streams inline` reads them here as before.

The load models, each `--seconds` long, one after the other on the same server (`both`: closed loop and
consoles; `all`: and operators):
- **closed loop** (`--clients`, saturation): each client sends its next request as soon as the last one is
  answered, so the request rate is whatever the server sustains: it measures throughput, and its latencies are
  queueing times, not what a console sees. 40 % read the alert queue (`GET /api/v1/alerts`), 20 % append to the
  duty log (`POST /api/v1/duty-log`), 20 % acknowledge alerts (`POST /api/v1/alerts/{id}/acknowledge`; two
  clients race for each alert, so a 409 is an expected answer there), 10 % read the duty log, 10 % hold an SSE
  subscription (`GET /api/v1/alerts/stream`).
- **consoles** (`--consoles`): each console acts about once per `--think` seconds (exponential think time):
  60 % refresh the alert queue, 15 % read the duty log, 15 % acknowledge (two consoles are offered each alert),
  10 % append to the duty log; and every console holds its own SSE stream, from the change that was newest
  when the database was seeded (after a closed-loop run, each stream first catches up that run's changes).
- **operators** (`--model operators` or `all`): the consoles' operators at the console as shipped
  (`api/console/static/alerts.js`): the page reads the queue once when it opens and from then on applies the
  SSE events to it, never re-reading it; so each console reads the queue once (its first action), then
  acknowledges, reads the duty log and appends at the consoles model's rates (0.4 actions per `--think`), and
  its stream starts from the newest change when the run starts (as a page opened then does).
Printed per run: requests, req/s and p50/p95/p99 per route (milliseconds, measured by the client from send to
the whole answer), errors (any 5xx, transport error, or status that is not the expected one), throughput, the
CPU seconds the server processes used (from /proc, all of `serve`'s processes; per request, SSE work included),
the CPU this client used (and the SSE readers' process), how late the timing event loop woke from 10 ms sleeps
(if that lag is small, the latencies are the server's, not the client's), and the load average. Then the checks
over all runs: every acknowledgement answered 200 is stored with that operator, every duty-log append answered
201 is stored, exactly one acknowledgement per alert, and both hash chains (the duty log and the audit log)
verify. Goals (issue 16): 0 errors, p95 <= 50 ms for reads and <= 100 ms for writes. `--model sequential`
instead sends `--requests` requests of each route one at a time from one client and prints the server CPU per
request of each route. PostgreSQL's own CPU is not counted. A benchmark: it prints, it never fails on the
numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
import yaml  # noqa: E402
from sqlalchemy import make_url  # noqa: E402

from bench.api_load_clients import READS, Stats, _run_clients, _run_consoles, _run_sequential  # noqa: E402
from bench.api_load_db import newest_change, seed, verify  # noqa: E402
from testkit.rtsp import free_port  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# one TLS context for every client (the server is plain HTTP): httpx would otherwise load the CA bundle for
# each of the 50-100 clients, which on a busy machine took longer than the run itself


def _settings_overrides(url: str) -> dict[str, Any]:
    return {
        "database": {"url": url, "pool_size": 45},
        "worker": {"enabled": False},
        "logging": {"level": "WARNING"},
    }


def _clean_env() -> None:
    for key in [k for k in os.environ if k.startswith("CONTROLROOM_")]:
        del os.environ[key]


def _start_server(
    url: str, port: int, processes: int, workdir: Path, *, quiet: bool = False
) -> subprocess.Popen[bytes]:
    """`controlroom serve` as a deployment runs it (capture worker off), from a config file written here
    and with every CONTROLROOM_* variable removed from its environment. `quiet`: the backlog is not
    escalated during the run (acknowledgement targets of an hour), so that no background job's CPU is
    counted to the routes measured one at a time (`--model sequential`), or to measure a busy queue without
    an escalation storm (`--steady`)."""
    config = workdir / "bench.yaml"
    values = {
        **_settings_overrides(url),
        "auth": {"secret_key": secrets.token_urlsafe(32)},
        "data_dir": str(workdir / "data"),
    }
    if quiet:
        values["alerts"] = {"ack_target_high_s": 3600, "ack_target_normal_s": 3600}
    config.write_text(yaml.safe_dump(values), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
    cmd = [sys.executable, "-m", "runtime.cli", "--config", str(config), "serve", "--port", str(port)]
    cmd += ["--processes", str(processes)]
    with (workdir / "serve.log").open("wb") as log:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _print(stats: Stats, seconds: float, server_cpu: float, client_cpu: float) -> None:
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
    n = sum(len(v) for v in stats.ms.values())
    print(
        f"throughput: {n / seconds:.1f} req/s; server CPU {server_cpu:.1f} s = {server_cpu / seconds:.2f} cores, "
        f"{server_cpu / max(n, 1) * 1000:.1f} ms per request (SSE work included); "
        f"client CPU {client_cpu:.1f} s = {client_cpu / seconds:.2f} cores"
    )


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and its API processes (`serve --processes`), from /proc."""
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for each in [pid, *(int(c) for c in (children.read_text().split() if children.exists() else []))]:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _merge(into: Stats, other: Stats) -> None:
    for route, values in other.ms.items():
        into.ms[route] += values
    for route, count in other.errors.items():
        into.errors[route] += count
    into.error_samples += other.error_samples
    into.acked.update(other.acked)
    into.conflicts += other.conflicts
    into.appended += other.appended
    into.sse_events += other.sse_events


def _sequential(
    base: str, pid: int, token: str, post_id: int, alert_ids: list[int], per_route: int, total: Stats
) -> None:
    print(f"\n== sequential: one client, {per_route} requests per route, one at a time")
    stats, cpu_ms = asyncio.run(
        _run_sequential(base, token, post_id, alert_ids, per_route, lambda: _cpu_s(pid))
    )
    for route, ms in cpu_ms.items():
        lat = sorted(stats.ms[route])
        print(
            f"  {route:40s} server CPU {ms:5.1f} ms/request; latency p50 {_percentile(lat, 0.5):6.1f} ms, "
            f"errors {stats.errors.get(route, 0)}"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    _merge(total, stats)


def _await_health(base: str, server: subprocess.Popen[bytes], workdir: Path) -> None:
    for _ in range(1800):
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        if server.poll() is not None:
            tail = (workdir / "serve.log").read_text(errors="replace")[-1500:]
            raise SystemExit(f"controlroom serve exited with {server.returncode}:\n{tail}")
        time.sleep(0.1)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50, help="Clients of the closed-loop run.")
    parser.add_argument("--consoles", type=int, default=50, help="Consoles of the think-time run.")
    parser.add_argument("--think", type=float, default=1.0, help="Mean think time of a console, seconds.")
    parser.add_argument("--seconds", type=float, default=60, help="Length of each run.")
    parser.add_argument(
        "--model",
        choices=["closed", "consoles", "operators", "both", "all", "sequential"],
        default="both",
        help="Which load model(s) to run (`both`: closed loop and consoles; `all`: and operators); "
        "`sequential`: server CPU per request of each route, one at a time.",
    )
    parser.add_argument(
        "--streams",
        choices=["apart", "inline"],
        default="apart",
        help="Where the consoles' SSE streams are read: a process of their own (`apart`) or the process "
        "that times the requests (`inline`, as before 2026-12-03 18:30).",
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="Requests per route of `--model sequential`."
    )
    parser.add_argument("--processes", type=int, default=1, help="`controlroom serve --processes N`.")
    parser.add_argument("--backlog", type=int, default=3000, help="New alerts seeded for acknowledgement.")
    parser.add_argument(
        "--steady",
        action="store_true",
        help="The backlog stays open but does not escalate during the run (acknowledgement targets of an "
        "hour): a busy queue without an escalation storm. Without it, the backlog's escalations reach every "
        "console during the run.",
    )
    parser.add_argument(
        "--pg", default=PG_ADMIN, help="A PostgreSQL server URL (a database is created on it)."
    )
    return parser.parse_args()


def main() -> None:
    """Create the database, serve, load, verify, drop."""
    args = _args()
    _clean_env()
    name = f"cr_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(args.pg).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    server: subprocess.Popen[bytes] | None = None
    try:
        tokens, posts, alert_ids, head = seed(url, operators=10, backlog=args.backlog)
        port = free_port()
        workdir = Path(tempfile.mkdtemp(prefix="cr_bench_"))
        server = _start_server(
            url, port, args.processes, workdir, quiet=args.steady or args.model == "sequential"
        )
        base = f"http://127.0.0.1:{port}"
        _await_health(base, server, workdir)
        time.sleep(2)  # let the other API processes finish starting
        print(
            f"controlroom serve --processes {args.processes} at {base} (PostgreSQL, database {name}); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        total = Stats()
        labels = {
            "closed": ["closed loop"],
            "consoles": ["consoles"],
            "operators": ["operators"],
            "both": ["closed loop", "consoles"],
            "all": ["closed loop", "consoles", "operators"],
        }.get(args.model, [])
        if args.model == "sequential":
            _sequential(base, server.pid, tokens[0], posts[0], alert_ids, args.requests, total)
        share = len(alert_ids) // max(len(labels), 1)  # each run acknowledges alerts of its own
        runs = [(label, alert_ids[i * share : (i + 1) * share]) for i, label in enumerate(labels)]
        for label, ids in runs:
            server_cpu0, client_cpu0 = _cpu_s(server.pid), time.process_time()
            if label == "closed loop":
                print(
                    f"\n== closed loop: {args.clients} clients, each sends its next request at once, {args.seconds:g} s"
                )
                stats = asyncio.run(_run_clients(base, tokens, posts, ids, head, args.clients, args.seconds))
            else:
                refresh = label == "consoles"
                what = (
                    f"one action per {args.think:g} s on average (exponential think time)"
                    if refresh
                    else "the queue read once at page load, then SSE only; acknowledge, duty-log read and append "
                    f"at the consoles' rates (one per {args.think / 0.4:g} s)"
                )
                print(
                    f"\n== {label}: {args.consoles} consoles, {what}, one SSE stream each "
                    f"(read {'in a process of their own' if args.streams == 'apart' else 'in this process'}), "
                    f"{args.seconds:g} s"
                )
                stats = asyncio.run(
                    _run_consoles(
                        base,
                        tokens,
                        posts,
                        ids,
                        head if refresh else newest_change(url),  # a page opened now resumes from now
                        args.consoles,
                        args.seconds,
                        args.think,
                        refresh=refresh,
                        streams_apart=args.streams == "apart",
                    )
                )
            server_cpu = _cpu_s(server.pid) - server_cpu0
            _print(stats, args.seconds, server_cpu, time.process_time() - client_cpu0)
            lag = stats.loop_lag_ms
            print(
                f"client event loop lag (10 ms sleeps): p50 {_percentile(lag, 0.5):.1f} ms, "
                f"p95 {_percentile(lag, 0.95):.1f} ms, max {max(lag, default=float('nan')):.1f} ms"
                + (f"; SSE readers' process CPU {stats.stream_cpu_s:.1f} s" if stats.stream_cpu_s else "")
            )
            print(f"load average {os.getloadavg()[0]:.1f}")
            _merge(total, stats)
        print()
        intact = verify(url, total)
        print(f"\nverdict: {'all writes present, chains intact' if intact else 'CHECK FAILED'}")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
