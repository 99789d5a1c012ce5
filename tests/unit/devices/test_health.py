import datetime as dt
import random

import pytest

from core.clock import FixedClock
from devices.health import Backoff, Health, HealthThresholds, HealthTracker

T0 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)


def make(expected_fps=10.0, **thresholds):
    clock = FixedClock(T0)
    tracker = HealthTracker(
        "cam1", clock=clock, expected_fps=expected_fps, thresholds=HealthThresholds(**thresholds)
    )
    return clock, tracker


def feed(clock, tracker, seconds, fps, *, same=False, errors=None):
    changes = []
    sig = 0
    n = int(seconds * fps)
    for i in range(n):
        clock.advance(dt.timedelta(seconds=1 / fps))
        sig = sig if same else sig + 1
        err = errors(i) if errors else 0
        change = tracker.on_frame(sig, err)
        if change:
            changes.append(change)
    return changes


def test_starts_offline_and_goes_online_at_first_frame():
    clock, tr = make()
    assert tr.state.status is Health.OFFLINE
    tr.on_connected()
    clock.advance(dt.timedelta(seconds=1))
    change = tr.on_frame(1)
    assert change is not None
    assert change.previous is Health.OFFLINE
    assert change.current.status is Health.ONLINE
    assert change.current.since == clock.now()


def test_low_frame_rate_is_degraded_with_the_measured_rate():
    clock, tr = make(expected_fps=10)
    tr.on_connected()
    changes = feed(clock, tr, 12, 3)
    assert [c.current.status for c in changes] == [Health.ONLINE, Health.DEGRADED]
    assert tr.state.reason.startswith("low frame rate: 3.")
    assert tr.state.reason.endswith("expected 10")


def test_fps_is_not_judged_before_a_full_window():
    clock, tr = make(expected_fps=10, window=10)
    tr.on_connected()
    feed(clock, tr, 5, 3)
    assert tr.state.status is Health.ONLINE


def test_many_decode_errors_are_degraded():
    clock, tr = make(expected_fps=10)
    tr.on_connected()
    feed(clock, tr, 3, 10, errors=lambda i: i // 2)  # one error every other frame
    assert tr.state.status is Health.DEGRADED
    assert tr.state.reason.startswith("decode errors")


def test_identical_frames_are_frozen_then_recover():
    clock, tr = make(frozen_after=5)
    tr.on_connected()
    feed(clock, tr, 2, 10)
    feed(clock, tr, 6, 10, same=True)
    assert tr.state.status is Health.FROZEN
    assert "identical frames" in tr.state.reason
    frozen_since = tr.state.since
    assert frozen_since == T0 + dt.timedelta(seconds=2 + 0.1 + 5)
    feed(clock, tr, 1, 10)
    assert tr.state.status is Health.ONLINE


def test_connected_without_frames_is_stalled():
    clock, tr = make(stalled_after=3)
    tr.on_connected()
    feed(clock, tr, 1, 10)
    clock.advance(dt.timedelta(seconds=2))
    assert tr.evaluate() is None
    clock.advance(dt.timedelta(seconds=1.5))
    change = tr.evaluate()
    assert change is not None
    assert change.current.status is Health.FROZEN
    assert change.current.reason.startswith("stalled")


def test_disconnect_is_offline_with_its_reason_and_time():
    clock, tr = make()
    tr.on_connected()
    feed(clock, tr, 1, 10)
    clock.advance(dt.timedelta(seconds=1))
    change = tr.on_disconnected("connection refused: rtsp://cam/1")
    assert change is not None
    assert change.current.status is Health.OFFLINE
    assert change.current.reason == "connection refused: rtsp://cam/1"
    assert change.current.since == clock.now()
    assert tr.on_disconnected("again") is None  # no repeated event


def test_fps_check_can_be_switched_off_for_low_power():
    clock, tr = make(expected_fps=10)
    tr.check_fps = False
    tr.on_connected()
    feed(clock, tr, 12, 1)
    assert tr.state.status is Health.ONLINE


@pytest.mark.parametrize("attempt", range(8))
def test_backoff_stays_within_jitter_bounds_and_cap(attempt):
    b = Backoff(initial=0.5, factor=2, cap=10, jitter=0.2)
    rng = random.Random(attempt)
    base = min(10, 0.5 * 2**attempt)
    for _ in range(200):
        d = b.delay(attempt, rng)
        assert base * 0.8 - 1e-9 <= d <= min(10, base * 1.2) + 1e-9


def test_backoff_jitter_spreads_delays():
    b = Backoff(initial=1, jitter=0.5)
    rng = random.Random(1)
    assert len({round(b.delay(2, rng), 6) for _ in range(20)}) > 10


def test_backoff_huge_attempt_is_capped():
    assert Backoff(cap=7).delay(10_000, random.Random(0)) <= 7
