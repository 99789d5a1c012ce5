"""Time in one place: aware UTC datetimes, and a clock object that tests can control."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock", "utcnow"]


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class Clock(Protocol):
    """Something that tells the time (aware, UTC)."""

    def now(self) -> dt.datetime:
        """Return the current aware UTC time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        """Return the current aware UTC time."""
        return utcnow()


class FixedClock:
    """A clock that only moves when told to; for tests and simulations."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward by `delta`."""
        self._now += delta
