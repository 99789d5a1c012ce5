"""Running a test's async scenario from a sync test, whatever ran before it in the same test process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["run_scenario"]

T = TypeVar("T")


def run_scenario(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`asyncio.run(scenario())` on a thread of its own: a browser test earlier in the same process leaves
    Playwright's event loop running on the main thread, where `asyncio.run` refuses to start another."""
    with ThreadPoolExecutor(1, thread_name_prefix="scenario") as pool:
        return pool.submit(lambda: asyncio.run(scenario())).result()
