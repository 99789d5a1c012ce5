"""The retention planner: a pure function of segments, holds, policies, storage use and `now`.

Rules, in order (holds always win, R8):
1. per camera, footage older than its `retain_days` goes;
2. per camera, above its size cap the oldest footage goes;
3. in events mode, footage with no event within its pre/post roll goes once the post roll has passed;
4. storage-wide, above the high-water mark the oldest footage of all cameras goes until use is below the
   low-water mark.
A segment overlapping an active hold on its camera is never planned for removal. When the storage stays
above the high-water mark and nothing unheld is left, the plan carries a fault instead.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "CameraPolicy",
    "HoldSpan",
    "Reason",
    "RetentionPlan",
    "SegmentInfo",
    "StorageUse",
    "plan_retention",
]


class Reason(enum.StrEnum):
    """Why a segment is removed."""

    AGE = "age"
    CAMERA_SIZE = "camera_size"
    NO_EVENT = "no_event"
    HIGH_WATER = "high_water"


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """What the planner needs of a segment."""

    id: int
    camera_id: int
    start: dt.datetime
    end: dt.datetime
    size: int


@dataclass(frozen=True, slots=True)
class HoldSpan:
    """An active evidence hold: a camera and a time range."""

    camera_id: int
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class CameraPolicy:
    """One camera's retention policy; `events` lists event times when the camera records on events only."""

    retain_days: float
    max_bytes: int = 0
    events_only: bool = False
    pre_roll_s: float = 0.0
    post_roll_s: float = 0.0
    events: tuple[dt.datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class StorageUse:
    """How full the storage is (bytes), and the marks in percent."""

    capacity: int
    used: int
    high_water_percent: float
    low_water_percent: float

    @property
    def high_mark(self) -> int:
        """Bytes above which the storage-wide purge starts."""
        return int(self.capacity * self.high_water_percent / 100)

    @property
    def low_mark(self) -> int:
        """Bytes the storage-wide purge brings use down to."""
        return int(self.capacity * self.low_water_percent / 100)


@dataclass
class RetentionPlan:
    """Segments to remove (id -> reason), held segments kept, and a fault when only held footage is left."""

    remove: dict[int, Reason] = field(default_factory=dict)
    freed_bytes: int = 0
    held_kept: int = 0
    used_after: int = 0
    fault: str | None = None

    def count(self, reason: Reason) -> int:
        """How many segments are removed for `reason`."""
        return sum(1 for r in self.remove.values() if r is reason)


def _held_ids(segments: Sequence[SegmentInfo], holds: Iterable[HoldSpan]) -> set[int]:
    by_camera: dict[int, list[HoldSpan]] = defaultdict(list)
    for hold in holds:
        by_camera[hold.camera_id].append(hold)
    held = set()
    for seg in segments:
        for hold in by_camera.get(seg.camera_id, ()):
            if seg.start < hold.end and hold.start < seg.end:
                held.add(seg.id)
                break
    return held


def _has_event(seg: SegmentInfo, policy: CameraPolicy) -> bool:
    pre, post = dt.timedelta(seconds=policy.pre_roll_s), dt.timedelta(seconds=policy.post_roll_s)
    return any(seg.start - post <= at <= seg.end + pre for at in policy.events)


class _Planner:
    def __init__(self, segments: Sequence[SegmentInfo], held: set[int], plan: RetentionPlan) -> None:
        self.segments = sorted(segments, key=lambda s: (s.start, s.id))
        self.held = held
        self.plan = plan

    def remove(self, seg: SegmentInfo, reason: Reason) -> None:
        if seg.id in self.held or seg.id in self.plan.remove:
            return
        self.plan.remove[seg.id] = reason
        self.plan.freed_bytes += seg.size

    def by_camera(self) -> dict[int, list[SegmentInfo]]:
        out: dict[int, list[SegmentInfo]] = defaultdict(list)
        for seg in self.segments:
            out[seg.camera_id].append(seg)
        return out

    def per_camera(self, policies: Mapping[int, CameraPolicy], now: dt.datetime) -> None:
        for camera_id, segs in self.by_camera().items():
            policy = policies.get(camera_id)
            if policy is None:
                continue
            cutoff = now - dt.timedelta(days=policy.retain_days)
            settled = now - dt.timedelta(seconds=policy.post_roll_s)
            for seg in segs:
                if seg.end <= cutoff:
                    self.remove(seg, Reason.AGE)
                elif policy.events_only and seg.end <= settled and not _has_event(seg, policy):
                    self.remove(seg, Reason.NO_EVENT)
            if policy.max_bytes > 0:
                self._cap_camera(segs, policy.max_bytes)

    def _cap_camera(self, segs: list[SegmentInfo], max_bytes: int) -> None:
        total = sum(s.size for s in segs if s.id not in self.plan.remove)
        for seg in segs:
            if total <= max_bytes:
                return
            if seg.id in self.held or seg.id in self.plan.remove:
                continue
            self.remove(seg, Reason.CAMERA_SIZE)
            total -= seg.size

    def storage_wide(self, storage: StorageUse) -> None:
        used = storage.used - self.plan.freed_bytes
        if used > storage.high_mark:
            for seg in self.segments:
                if used <= storage.low_mark:
                    break
                if seg.id in self.held or seg.id in self.plan.remove:
                    continue
                self.remove(seg, Reason.HIGH_WATER)
                used -= seg.size
            if used > storage.high_mark:
                self.plan.fault = (
                    f"storage is {100 * used / max(storage.capacity, 1):.1f}% full and only held "
                    f"footage (or files outside the index) is left to remove"
                )
        self.plan.used_after = used


def plan_retention(
    segments: Sequence[SegmentInfo],
    holds: Iterable[HoldSpan],
    policies: Mapping[int, CameraPolicy],
    storage: StorageUse,
    now: dt.datetime,
) -> RetentionPlan:
    """Decide which segments to remove; held footage is never among them."""
    plan = RetentionPlan()
    held = _held_ids(segments, holds)
    planner = _Planner(segments, held, plan)
    planner.per_camera(policies, now)
    planner.storage_wide(storage)
    plan.held_kept = len(held)
    return plan
