"""Refusals that are noise, not substance: state-changing requests from anonymous callers and requests to
paths that do not exist. They never enter the chained audit log (anyone could flood a permanent,
tamper-evident log with them); they are counted (`controlroom_http_refused_total`) and logged once per
address and minute, with the number suppressed in the minute before."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["RefusalLog"]

log = logging.getLogger("controlroom.security")
_MAX_ADDRESSES = 10_000


class RefusalLog:
    """A rate-limited, non-chained log of refused anonymous requests, per client address."""

    def __init__(self, *, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s, self._clock = window_s, clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # address -> (window start, refusals in it)

    def note(self, *, client: str, method: str, path: str, status: int, reason: str) -> bool:
        """Count one refusal; log it when it is the first from `client` in the window. True when logged."""
        now = self._clock()
        with self._lock:
            start, count = self._windows.get(client, (now, 0))
            if now - start >= self.window_s:
                if count > 1:
                    log.warning("%d more refused requests from %s in the last window", count - 1, client)
                start, count = now, 0
            self._windows[client] = (start, count + 1)
            if len(self._windows) > _MAX_ADDRESSES:
                self._forget_old(now)
        if count == 0:
            log.warning(
                "refused %s %s from %s: %d %s (more from this address are counted, not logged, for a while)",
                method,
                path[:200],
                client,
                status,
                reason,
            )
        return count == 0

    def _forget_old(self, now: float) -> None:
        for address, (start, _count) in list(self._windows.items()):
            if now - start >= self.window_s:
                del self._windows[address]
