"""One background asyncio loop for the async ONVIF client, so sync callers (CLI, threads) can use it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _ensure_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="onvif-loop", daemon=True).start()
            _loop = loop
        return _loop


def run_sync(coro: Coroutine[Any, Any, T], timeout: float) -> T:
    """Run `coro` on the shared ONVIF loop thread and wait for it; TimeoutError after `timeout` seconds."""
    loop = _ensure_loop()
    future = asyncio.run_coroutine_threadsafe(asyncio.wait_for(coro, timeout), loop)
    try:
        return future.result(timeout + 1.0)
    except concurrent.futures.TimeoutError as exc:
        future.cancel()
        raise TimeoutError(f"no answer within {timeout:g} s") from exc
