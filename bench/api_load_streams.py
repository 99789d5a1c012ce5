"""bench.api_load's SSE readers in a process of their own, and a probe of the client's own event loop.

Fifty SSE streams that each receive every alert change are most of the client's work in a consoles run
(tens of thousands of events in 20 s, each a few hundred bytes of JSON read line by line). Read in the
process that times the requests, they delay the answers' handling in the client's event loop, and the
delay is counted as the server's latency. So the streams run in a child process (its own interpreter and
event loop), and `loop_lag` measures how late the timing process's loop wakes up: if that lag is small,
the latencies printed are the server's, not the client's.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

_TLS = ssl.create_default_context()


STREAM_ROUTE = "GET /api/v1/alerts/stream"


@dataclass
class StreamResult:
    """What the streams' process did: events received, errors, and its CPU seconds."""

    events: int = 0
    errors: list[str] = field(default_factory=list)
    cpu_s: float = 0.0


async def _stream(base: str, token: str, head: int, stop: float, result: StreamResult) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    timeout = httpx.Timeout(30, read=max(stop - time.perf_counter(), 0) + 30)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(
        verify=_TLS, base_url=base, headers=headers, timeout=timeout, limits=limits
    ) as client:
        events, error = await read_stream(client, head, stop)
        result.events += events
        if error:
            result.errors.append(f"{STREAM_ROUTE}: {error}")


async def read_stream(client: httpx.AsyncClient, head: int, stop: float) -> tuple[int, str | None]:
    """Read the alert stream from change `head` until `stop` (perf_counter): the events received, and what
    went wrong (a status that is not 200, or a transport error before `stop`), if anything."""
    events = 0
    try:
        async with client.stream("GET", "/api/v1/alerts/stream", params={"after": head}) as r:
            if r.status_code != 200:
                return events, str(r.status_code)
            async for line in r.aiter_lines():
                if line.startswith("id:"):
                    events += 1
                if time.perf_counter() >= stop:
                    break
    except httpx.HTTPError as exc:
        if time.perf_counter() < stop:
            return events, repr(exc)
    return events, None


def _child(base: str, tokens: list[str], head: int, seconds: float, out: Any, ready: Any) -> None:
    result = StreamResult()
    cpu0 = time.process_time()

    async def run() -> None:
        stop = time.perf_counter() + seconds
        tasks = [asyncio.create_task(_stream(base, token, head, stop, result)) for token in tokens]
        ready.set()
        await asyncio.gather(*tasks)

    asyncio.run(run())
    result.cpu_s = time.process_time() - cpu0
    out.put(result)


class StreamProcess:
    """`len(tokens)` SSE streams (one per token given) read in a child process for `seconds`."""

    def __init__(self, base: str, tokens: list[str], head: int, seconds: float) -> None:
        ctx = mp.get_context("spawn")
        self._out = ctx.Queue()
        self._ready = ctx.Event()
        self._proc = ctx.Process(
            target=_child, args=(base, tokens, head, seconds, self._out, self._ready), daemon=True
        )
        self._proc.start()
        if not self._ready.wait(60):
            raise RuntimeError("the SSE readers' process did not start")

    def result(self, timeout_s: float) -> StreamResult:
        """Wait for the streams to end and return what they did."""
        got: StreamResult = self._out.get(timeout=timeout_s)
        self._proc.join(5)
        return got


async def loop_lag(stop: float, period_s: float = 0.01) -> list[float]:
    """How late (milliseconds) this event loop woke from each `period_s` sleep until `stop`."""
    lags = []
    while time.perf_counter() < stop:
        asked = time.perf_counter()
        await asyncio.sleep(period_s)
        lags.append((time.perf_counter() - asked - period_s) * 1000)
    return lags
