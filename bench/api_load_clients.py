"""bench.api_load's clients: the closed-loop readers, writers, ackers and SSE subscribers, and the consoles
with think time; each counts what it did in a `Stats` (split from api_load.py, which starts the server,
seeds the database and reports)."""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections import defaultdict
from collections.abc import Callable

import httpx

from bench.api_load_streams import STREAM_ROUTE, StreamProcess, loop_lag, read_stream

_TLS = ssl.create_default_context()
READS = {"GET /api/v1/alerts", "GET /api/v1/duty-log"}


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
        self.loop_lag_ms: list[float] = []  # how late the timing event loop woke (see api_load_streams)
        self.stream_cpu_s = 0.0  # CPU of the SSE readers' own process, when they run apart

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
    events, error = await read_stream(client, head, stop)
    stats.sse_events += events
    if error:
        stats.error(STREAM_ROUTE, error)


def _racing_queues(alert_ids: list[int], n: int) -> list[list[int]]:
    """`n` queues of alerts to acknowledge, each alert in two of them, so acknowledgements race."""
    queues: list[list[int]] = [[] for _ in range(n)]
    for i, alert_id in enumerate(alert_ids):
        queues[i % n].append(alert_id)
        queues[(i + 1) % n].append(alert_id)
    return queues


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
    queues = _racing_queues(alert_ids, max(1, clients // 5))
    tasks = []
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    opened = []
    for n in range(clients):
        token = tokens[n % len(tokens)]
        client = httpx.AsyncClient(
            verify=_TLS,
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
    lag = asyncio.create_task(loop_lag(stop))
    await asyncio.gather(*tasks)
    stats.loop_lag_ms = await lag
    for client in opened:
        await client.aclose()
    return stats


def _note_ack(stats: Stats, route: str, alert_id: int, status: int, who: str) -> bool:
    """Record an acknowledgement's answer; False if it is neither 200 nor the racing client's 409."""
    if status == 200:
        if alert_id in stats.acked:
            stats.error(route, f"alert {alert_id} acknowledged twice")
        stats.acked[alert_id] = who
    elif status == 409:
        stats.conflicts += 1
    return status in (200, 409)


async def _console(
    client: httpx.AsyncClient,
    stats: Stats,
    stop: float,
    *,
    post_id: int,
    queue: list[int],
    who: str,
    n: int,
    think_s: float,
    refresh: bool = True,
) -> None:
    """One operator's console: between actions a think time (exponential, mean `think_s`); each action is
    a refresh of the alert queue (60 %), a look at the duty log (15 %), an acknowledgement (15 %) or an
    entry in the duty log (10 %). Its SSE stream is a separate task.

    `refresh=False` (the operators model) is the same operator at the console as shipped: the queue is
    read once, when the page loads, and from then on kept up to date by the SSE stream, never re-read
    (`api/console/static/alerts.js`); the other actions keep their rates (0.4 per `think_s`)."""
    rng = random.Random(n)
    await asyncio.sleep(rng.uniform(0, think_s))  # consoles do not start in step
    i = 0
    first = True
    while time.perf_counter() < stop:
        pick = rng.random() if refresh else (0.0 if first else 0.60 + 0.40 * rng.random())
        first = False
        started = time.perf_counter()
        try:
            if pick < 0.60:
                route = "GET /api/v1/alerts"
                r = await client.get("/api/v1/alerts", params={"state": "new", "limit": 50})
                ok = r.status_code == 200
            elif pick < 0.75:
                route = "GET /api/v1/duty-log"
                r = await client.get("/api/v1/duty-log", params={"post_id": post_id, "limit": 50})
                ok = r.status_code == 200
            elif pick < 0.90 and queue:
                route = "POST /api/v1/alerts/{id}/acknowledge"
                alert_id = queue.pop()
                r = await client.post(f"/api/v1/alerts/{alert_id}/acknowledge")
                ok = _note_ack(stats, route, alert_id, r.status_code, who)
            else:
                route = "POST /api/v1/duty-log"
                body = {
                    "post_id": post_id,
                    "kind": "observation",
                    "text": f"console {n} entry {i}: all quiet",
                }
                i += 1
                r = await client.post("/api/v1/duty-log", json=body)
                ok = r.status_code == 201
                if ok:
                    stats.appended.append(int(r.json()["id"]))
            stats.add(route, started)
            if not ok:
                stats.error(route, f"{r.status_code} {r.text[:100]}")
        except httpx.HTTPError as exc:
            stats.error(route, repr(exc))
        await asyncio.sleep(rng.expovariate((1.0 if refresh else 0.40) / think_s))


async def _run_consoles(
    base: str,
    tokens: list[str],
    posts: list[int],
    alert_ids: list[int],
    head: int,
    consoles: int,
    seconds: float,
    think_s: float,
    *,
    refresh: bool = True,
    streams_apart: bool = True,
) -> Stats:
    """`consoles` operator consoles, each with its own connection for requests and one for its SSE stream;
    `streams_apart`: the streams are read in a process of their own (`api_load_streams`), so that reading
    them does not delay the timing of the requests. `refresh`: see `_console`."""
    stats = Stats()
    streams = None
    if streams_apart:
        streams = StreamProcess(base, [tokens[n % len(tokens)] for n in range(consoles)], head, seconds)
    stop = time.perf_counter() + seconds
    queues = _racing_queues(alert_ids, max(1, consoles // 2))
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    opened = []
    tasks = []
    for n in range(consoles):
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        timeout = httpx.Timeout(30, read=seconds + 30)
        client = httpx.AsyncClient(
            verify=_TLS, base_url=base, headers=headers, limits=limits, timeout=timeout
        )
        opened.append(client)
        tasks.append(
            _console(
                client,
                stats,
                stop,
                post_id=posts[n % len(tokens)],
                queue=queues[n % len(queues)],
                who=f"op{n % len(tokens)}",
                n=n,
                think_s=think_s,
                refresh=refresh,
            )
        )
        if streams is None:
            stream = httpx.AsyncClient(
                verify=_TLS, base_url=base, headers=headers, limits=limits, timeout=timeout
            )
            opened.append(stream)
            tasks.append(_subscriber(stream, stats, stop, head))
    lag = asyncio.create_task(loop_lag(stop))
    await asyncio.gather(*tasks)
    stats.loop_lag_ms = await lag
    for client in opened:
        await client.aclose()
    if streams is not None:
        done = await asyncio.to_thread(streams.result, seconds + 60)
        stats.sse_events += done.events
        stats.stream_cpu_s = done.cpu_s
        for what in done.errors:
            route, _, detail = what.partition(": ")
            stats.error(route, detail)
    return stats


async def _run_sequential(
    base: str, token: str, post_id: int, alert_ids: list[int], per_route: int, cpu: Callable[[], float]
) -> tuple[Stats, dict[str, float]]:
    """One client, one request at a time, `per_route` of each hot route in turn (and `/healthz`): the server
    CPU per request of each route (`cpu()` reads the CPU seconds of all the server's processes), without
    queueing or SSE work. Returns the stats and the CPU milliseconds per request of each route."""
    stats = Stats()
    per_request: dict[str, float] = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(verify=_TLS, base_url=base, headers=headers, timeout=30) as client:
        await client.get("/healthz")  # the connection is open before the first measured request
        ids = list(alert_ids)
        for route in (
            *READS,
            "POST /api/v1/duty-log",
            "POST /api/v1/alerts/{id}/acknowledge",
            "GET /healthz",
        ):
            cpu0 = cpu()
            for i in range(per_route):
                started = time.perf_counter()
                if route == "GET /api/v1/alerts":
                    r = await client.get("/api/v1/alerts", params={"state": "new", "limit": 50})
                    ok = r.status_code == 200
                elif route == "GET /api/v1/duty-log":
                    r = await client.get("/api/v1/duty-log", params={"post_id": post_id, "limit": 50})
                    ok = r.status_code == 200
                elif route == "POST /api/v1/duty-log":
                    body = {"post_id": post_id, "kind": "observation", "text": f"sequential entry {i}"}
                    r = await client.post("/api/v1/duty-log", json=body)
                    ok = r.status_code == 201
                    if ok:
                        stats.appended.append(int(r.json()["id"]))
                elif route == "GET /healthz":
                    r = await client.get("/healthz")
                    ok = r.status_code == 200
                else:
                    alert_id = ids.pop()
                    r = await client.post(f"/api/v1/alerts/{alert_id}/acknowledge")
                    ok = _note_ack(stats, route, alert_id, r.status_code, "op0") and r.status_code == 200
                stats.add(route, started)
                if not ok:
                    stats.error(route, f"{r.status_code} {r.text[:100]}")
            per_request[route] = (cpu() - cpu0) / per_route * 1000
    return stats, per_request
