"""A bounded hand-over queue that drops the oldest item when full and counts what it dropped."""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

__all__ = ["DropOldestQueue"]

T = TypeVar("T")


class DropOldestQueue(Generic[T]):
    """Thread-safe bounded FIFO: `put` never blocks; when full the oldest item is dropped and counted."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self._items: deque[T] = deque()
        self._maxsize = maxsize
        self._cond = threading.Condition()
        self.dropped = 0
        self._closed = False

    def put(self, item: T) -> None:
        """Add `item`, dropping the oldest if the queue is full."""
        with self._cond:
            if len(self._items) >= self._maxsize:
                self._items.popleft()
                self.dropped += 1
            self._items.append(item)
            self._cond.notify()

    def get(self, timeout: float | None = None) -> T | None:
        """Return the oldest item, waiting up to `timeout` seconds; None on timeout or once closed."""
        with self._cond:
            if not self._items and not self._closed:
                self._cond.wait(timeout)
            return self._items.popleft() if self._items else None

    def close(self) -> None:
        """Wake every waiting `get`; later gets return what is left, then None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def __len__(self) -> int:
        return len(self._items)
