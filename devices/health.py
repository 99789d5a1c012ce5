"""Camera stream health as pure logic: fed with what the reader saw, judged on a clock; no threads, no I/O.

offline ──first frame──▶ online ◀──▶ degraded (low fps / many decode errors)
   ▲                      │  ▲
   └──disconnect──────────┤  └──frames change again── frozen (identical frames, or stalled: no frames)
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from core.clock import Clock
from core.messages import Message

__all__ = ["Backoff", "Health", "HealthChange", "HealthState", "HealthThresholds", "HealthTracker"]


class Health(StrEnum):
    """The four health states of a camera stream."""

    ONLINE = "online"
    DEGRADED = "degraded"
    OFFLINE = "offline"
    FROZEN = "frozen"


@dataclass(frozen=True, slots=True)
class HealthState:
    """A health status with its reason and since when it holds."""

    status: Health
    reason: str
    since: dt.datetime


# The reasons this module writes, as message keys (core.messages): a camera row stores the English reason;
# the console shows it in the reader's language through `reason_message` (older rows included, since the
# words come from here only). A reason from the stream itself (an error text) stays as it came.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^stalled: connected but no frames for (?P<seconds>\d+) s$"), "msg.health.stalled"),
    (re.compile(r"^frozen picture: identical frames for (?P<seconds>\d+) s$"), "msg.health.frozen"),
    (
        re.compile(r"^decode errors: (?P<errors>\d+) of (?P<frames>\d+) frames in (?P<seconds>\d+) s$"),
        "msg.health.decode_errors",
    ),
    (
        re.compile(r"^low frame rate: (?P<fps>[\d.]+) fps, expected (?P<expected>[\d.e+]+)$"),
        "msg.health.low_fps",
    ),
    (re.compile(r"^receiving frames$"), "msg.health.receiving"),
    (re.compile(r"^disconnected$"), "msg.health.disconnected"),
)


def reason_message(reason: str) -> Message | None:
    """A health reason written here as a message key with parameters; None for a reason from elsewhere."""
    for pattern, key in _REASONS:
        if found := pattern.match(reason):
            return Message(key, found.groupdict())
    return None


@dataclass(frozen=True, slots=True)
class HealthChange:
    """The event sent to subscribers when a camera's health status changes."""

    camera_id: str
    previous: Health
    current: HealthState


@dataclass(frozen=True, slots=True)
class HealthThresholds:
    """When a stream counts as degraded, frozen or stalled."""

    window: float = 10.0  # seconds over which fps and decode errors are measured
    min_fps_ratio: float = 0.5  # degraded below this share of the expected rate
    max_error_ratio: float = 0.1  # degraded above this share of decode errors
    frozen_after: float = 10.0  # identical frames for this long -> frozen
    stalled_after: float = 5.0  # connected but no frame for this long -> frozen (stalled)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential reconnect delay with jitter: initial * factor**attempt, +-jitter, never above cap."""

    initial: float = 0.5
    factor: float = 2.0
    cap: float = 30.0
    jitter: float = 0.2

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Return the delay in seconds before reconnect attempt `attempt` (0-based)."""
        base = min(self.cap, self.initial * self.factor ** min(attempt, 60))
        spread = base * self.jitter
        return max(0.0, min(self.cap, base + rng.uniform(-spread, spread)))


class HealthTracker:
    """Health of one camera; every `on_*` call and `evaluate()` returns the change, if any, to emit."""

    def __init__(
        self,
        camera_id: str,
        *,
        clock: Clock,
        expected_fps: float | None = None,
        thresholds: HealthThresholds | None = None,
    ) -> None:
        self.camera_id = camera_id
        self.expected_fps = expected_fps
        self.check_fps = True
        self.t = thresholds or HealthThresholds()
        self._clock = clock
        self.state = HealthState(Health.OFFLINE, "not connected yet", clock.now())
        self._connected_at: dt.datetime | None = None
        self._last_frame_at: dt.datetime | None = None
        self._same_since: dt.datetime | None = None
        self._signature: int | None = None
        self._frames: deque[dt.datetime] = deque()
        self._errors: deque[tuple[dt.datetime, int]] = deque()
        self._errors_total = 0

    def on_connected(self, expected_fps: float | None = None) -> HealthChange | None:
        """The stream opened; frames are expected from now on."""
        now = self._clock.now()
        self._connected_at = now
        self._last_frame_at = None
        self._frames.clear()
        self._errors.clear()
        if expected_fps:
            self.expected_fps = self.expected_fps or expected_fps
        return None

    def on_frame(self, signature: int, decode_errors_total: int = 0) -> HealthChange | None:
        """A frame arrived; `signature` is a cheap hash of its pixels, errors a running total."""
        now = self._clock.now()
        if self._connected_at is None:
            self._connected_at = now
        self._last_frame_at = now
        self._frames.append(now)
        new_errors = max(0, decode_errors_total - self._errors_total)
        self._errors_total = decode_errors_total
        if new_errors:
            self._errors.append((now, new_errors))
        if signature != self._signature:
            self._signature, self._same_since = signature, now
        return self.evaluate()

    def on_disconnected(self, reason: str) -> HealthChange | None:
        """The stream failed or could not be opened; the camera is offline for `reason`."""
        self._connected_at = None
        self._last_frame_at = None
        self._signature = None
        return self._set(Health.OFFLINE, reason)

    def evaluate(self) -> HealthChange | None:
        """Judge the health now; return the change if the status moved."""
        if self._connected_at is None:
            return None if self.state.status is Health.OFFLINE else self._set(Health.OFFLINE, "disconnected")
        now = self._clock.now()
        self._trim(now)
        status, reason = self._judge(now)
        if status is None:
            return None
        return self._set(status, reason)

    def _judge(self, now: dt.datetime) -> tuple[Health | None, str]:
        t = self.t
        waited = (now - (self._last_frame_at or self._connected_at or now)).total_seconds()
        if waited >= t.stalled_after:
            return Health.FROZEN, f"stalled: connected but no frames for {waited:.0f} s"
        if self._last_frame_at is None:
            return None, ""  # connected, first frame not yet due
        same = (now - (self._same_since or now)).total_seconds()
        if same >= t.frozen_after:
            return Health.FROZEN, f"frozen picture: identical frames for {same:.0f} s"
        return self._judge_quality(now)

    def _judge_quality(self, now: dt.datetime) -> tuple[Health, str]:
        t = self.t
        age = (now - (self._connected_at or now)).total_seconds()
        frames = len(self._frames)
        errors = sum(n for _, n in self._errors)
        if errors and errors / (frames + errors) > t.max_error_ratio:
            return Health.DEGRADED, f"decode errors: {errors} of {frames + errors} frames in {t.window:.0f} s"
        if self.check_fps and self.expected_fps and age >= t.window:
            fps = frames / t.window
            if fps < self.expected_fps * t.min_fps_ratio:
                return Health.DEGRADED, f"low frame rate: {fps:.1f} fps, expected {self.expected_fps:g}"
        return Health.ONLINE, "receiving frames"

    def _trim(self, now: dt.datetime) -> None:
        edge = now - dt.timedelta(seconds=self.t.window)
        while self._frames and self._frames[0] <= edge:
            self._frames.popleft()
        while self._errors and self._errors[0][0] <= edge:
            self._errors.popleft()

    def _set(self, status: Health, reason: str) -> HealthChange | None:
        previous = self.state
        if status is previous.status:
            if reason != previous.reason and status is not Health.ONLINE:
                self.state = HealthState(status, reason, previous.since)  # same status, fresher reason
            return None
        self.state = HealthState(status, reason, self._clock.now())
        return HealthChange(self.camera_id, previous.status, self.state)
