"""Typed events of the detection core, and the start/end state machine that produces them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Box", "EventKind", "EventTracker", "MonitorEvent"]

_EPS_S = 1e-6  # timestamps are sums of frame intervals; compare durations with a little slack


class EventKind(StrEnum):
    """What was detected."""

    MOTION = "motion"
    COVERED = "covered"
    DEFOCUSED = "defocused"
    MOVED = "moved"
    FROZEN = "frozen"


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box in source pixels."""

    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True, slots=True)
class MonitorEvent:
    """One event. `end_ts` is None while the event is still open (the start notice)."""

    kind: EventKind
    camera_id: str
    event_id: int
    start_ts: float
    end_ts: float | None
    zone: str | None
    score: float
    boxes: tuple[Box, ...] = ()
    best_frame_index: int = 0

    @property
    def is_open(self) -> bool:
        """True for the start notice of an event that has not ended yet."""
        return self.end_ts is None


class EventTracker:
    """Hysteresis for one event stream: start after `start_frames` active frames spanning `start_s`
    (a run may contain gaps shorter than `gap_s`), end after `quiet_s` seconds without activity.
    Emits a start notice and a closing event."""

    def __init__(
        self,
        kind: EventKind,
        *,
        camera_id: str,
        zone: str | None,
        start_frames: int = 1,
        start_s: float = 0.0,
        quiet_s: float = 0.0,
        gap_s: float = 0.0,
    ) -> None:
        self.kind = kind
        self.camera_id = camera_id
        self.zone = zone
        self.start_frames = max(1, start_frames)
        self.start_s = start_s
        self.quiet_s = quiet_s
        self.gap_s = gap_s
        self._run_start: float | None = None
        self._run_frames = 0
        self._open_id: int | None = None
        self._start_ts = 0.0
        self._last_active_ts = 0.0
        self._peak = 0.0
        self._best_index = 0
        self._best_boxes: tuple[Box, ...] = ()

    @property
    def active(self) -> bool:
        """True while an event is open."""
        return self._open_id is not None

    def update(
        self,
        ts: float,
        index: int,
        hit: bool,
        *,
        score: float = 0.0,
        boxes: tuple[Box, ...] = (),
        next_id: int = 0,
    ) -> MonitorEvent | None:
        """Feed one frame's verdict; return a start notice or a closed event when one happens."""
        if hit:
            if self._run_start is None:
                self._run_start, self._run_frames = ts, 0
                self._peak, self._best_boxes, self._best_index = 0.0, (), index
            self._run_frames += 1
            self._last_active_ts = ts
            if score >= self._peak:
                self._peak, self._best_index, self._best_boxes = score, index, boxes
            confirmed = (
                self._run_frames >= self.start_frames and ts - self._run_start >= self.start_s - _EPS_S
            )
            if self._open_id is None and confirmed:
                self._open_id, self._start_ts = next_id, self._run_start
                return self._event(None)
            return None
        if self._open_id is None:
            if self._run_start is not None and ts - self._last_active_ts >= self.gap_s - _EPS_S:
                self._run_start = None
            return None
        if ts - self._last_active_ts >= self.quiet_s - _EPS_S:
            return self.close()
        return None

    def close(self) -> MonitorEvent | None:
        """End the open event now (end of input, or a reset); None if nothing is open."""
        self._run_start = None
        if self._open_id is None:
            return None
        event = self._event(self._last_active_ts)
        self._open_id = None
        return event

    def _event(self, end_ts: float | None) -> MonitorEvent:
        assert self._open_id is not None
        return MonitorEvent(
            kind=self.kind,
            camera_id=self.camera_id,
            event_id=self._open_id,
            start_ts=self._start_ts,
            end_ts=end_ts,
            zone=self.zone,
            score=round(self._peak, 4),
            boxes=self._best_boxes,
            best_frame_index=self._best_index,
        )
