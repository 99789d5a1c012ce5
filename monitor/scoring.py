"""Pure event scorer: per-kind precision, recall and F1 by interval matching, false alerts per hour, onset latency.

A detected event is correct when it overlaps a true event of the same kind and zone (padded by `tolerance_s`)
and at least half of it lies inside the padded true events (so one endless event cannot cover a whole clip).
A true event is found when a correct detection overlaps it. Latency is detection start minus true start.
One cause is one event: a detection whose true events were all already matched by an earlier detection of
the same kind is a repeat and counts as a false alert (an event split in two is two alerts for one cause).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["ClipOutcome", "Interval", "KindScore", "score"]

_MIN_INSIDE = 0.5


@dataclass(frozen=True, slots=True)
class Interval:
    """An event reduced to what the scorer needs."""

    kind: str
    start: float
    end: float
    zone: str | None = None


@dataclass(frozen=True, slots=True)
class ClipOutcome:
    """Truth and detections on one clip, the clip's length, and the kinds scored on it."""

    name: str
    duration_s: float
    truth: tuple[Interval, ...]
    detected: tuple[Interval, ...]
    kinds: frozenset[str]


@dataclass(frozen=True, slots=True)
class KindScore:
    """Scores of one event kind over a set of clips."""

    kind: str
    truths: int
    found: int
    detections: int
    correct: int
    hours: float
    latencies: tuple[float, ...]

    @property
    def precision(self) -> float:
        """Share of detections that are correct (1.0 when nothing was detected)."""
        return self.correct / self.detections if self.detections else 1.0

    @property
    def recall(self) -> float:
        """Share of true events found (1.0 when there was nothing to find)."""
        return self.found / self.truths if self.truths else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def false_alerts(self) -> int:
        """Detections that match no true event."""
        return self.detections - self.correct

    @property
    def false_alerts_per_hour(self) -> float:
        """False alerts per hour of scored footage."""
        return self.false_alerts / self.hours if self.hours > 0 else 0.0

    @property
    def mean_latency_s(self) -> float | None:
        """Mean onset latency of found events in seconds, None if none was found."""
        return sum(self.latencies) / len(self.latencies) if self.latencies else None

    def latency_quantile(self, q: float) -> float | None:
        """Onset latency quantile (0.5 = median, 0.95 = p95; nearest rank), None if none was found."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
        return ordered[rank]


def _overlap(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    return min(a_end, b_end) - max(a_start, b_start)


def _inside_share(event: Interval, padded: Sequence[tuple[float, float]]) -> float:
    """Share of `event` covered by the (disjoint enough) padded truth intervals."""
    length = event.end - event.start
    if length <= 0:
        return 1.0 if any(s <= event.start <= e for s, e in padded) else 0.0
    inside = sum(max(0.0, _overlap(event.start, event.end, s, e)) for s, e in padded)
    return min(1.0, inside / length)


def _score_clip(clip: ClipOutcome, kind: str, tolerance_s: float) -> tuple[int, int, int, int, list[float]]:
    truths = [t for t in clip.truth if t.kind == kind]
    detected = [d for d in clip.detected if d.kind == kind]
    correct: list[Interval] = []
    claimed: set[int] = set()
    for d in sorted(detected, key=lambda d: d.start):
        padded = [(t.start - tolerance_s, t.end + tolerance_s) for t in truths if t.zone == d.zone]
        touches = any(_overlap(d.start, d.end, s, e) >= 0 for s, e in padded)
        if not (touches and _inside_share(d, padded) >= _MIN_INSIDE):
            continue
        matched = {
            i
            for i, t in enumerate(truths)
            if t.zone == d.zone and _overlap(d.start, d.end, t.start - tolerance_s, t.end + tolerance_s) >= 0
        }
        if matched - claimed:
            correct.append(d)
            claimed |= matched
    found = 0
    latencies: list[float] = []
    for t in truths:
        hits = [
            d
            for d in correct
            if d.zone == t.zone and _overlap(d.start, d.end, t.start - tolerance_s, t.end + tolerance_s) >= 0
        ]
        if hits:
            found += 1
            latencies.append(min(d.start for d in hits) - t.start)
    return len(truths), found, len(detected), len(correct), latencies


def score(
    clips: Iterable[ClipOutcome], kinds: Sequence[str], *, tolerance_s: float = 1.0
) -> dict[str, KindScore]:
    """Score detections against truth per kind over all clips that score that kind."""
    totals: dict[str, KindScore] = {}
    clip_list = list(clips)
    for kind in kinds:
        truths = found = detections = correct = 0
        seconds = 0.0
        latencies: list[float] = []
        for clip in clip_list:
            if kind not in clip.kinds:
                continue
            t, f, d, c, lat = _score_clip(clip, kind, tolerance_s)
            truths, found, detections, correct = truths + t, found + f, detections + d, correct + c
            seconds += clip.duration_s
            latencies.extend(lat)
        totals[kind] = KindScore(kind, truths, found, detections, correct, seconds / 3600.0, tuple(latencies))
    return totals
