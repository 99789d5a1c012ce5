"""The supervisor with in-process sources (threads, no network)."""

import threading
import time

import numpy as np

from devices.adapters import SyntheticSource
from devices.health import Backoff, Health, HealthThresholds
from devices.supervisor import StreamSupervisor
from monitor.frames import Frame


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def demo(camera_id, fps=50.0):
    return lambda: SyntheticSource("s", camera_id=camera_id, fps=fps, width=160, height=90)


class Crashing:
    """Delivers three frames, then raises like a buggy decoder would."""

    opened = 0

    def __init__(self):
        self.n = 0

    def open(self):
        Crashing.opened += 1

    def read(self):
        self.n += 1
        if self.n > 3:
            raise RuntimeError("decoder exploded")
        time.sleep(0.01)
        return Frame("crash", self.n * 0.1, np.full((8, 8), self.n, np.uint8), self.n)

    def close(self):
        pass


class Frozen:
    """Delivers the very same picture forever."""

    def open(self):
        self.n = 0

    def read(self):
        self.n += 1
        time.sleep(0.02)
        return Frame("frozen", self.n * 0.02, np.zeros((8, 8), np.uint8), self.n)

    def close(self):
        pass


def make(**thresholds):
    return StreamSupervisor(
        backoff=Backoff(initial=0.05, cap=0.2), thresholds=HealthThresholds(**thresholds), tick=0.05
    )


def test_slow_consumer_drops_oldest_and_never_slows_another_camera():
    sup = make()
    slow_seen, fast_seen = [], []
    release = threading.Event()

    def slow(frame):
        release.wait(60)
        slow_seen.append(frame.index)

    def slow_status():
        return next(s for s in sup.status() if s.camera_id == "slow")

    sup.add("slow", demo("slow"), consumer=slow)
    sup.add("fast", demo("fast"), consumer=lambda f: fast_seen.append(f.index))
    sup.start()
    try:
        assert wait_for(lambda: len(fast_seen) >= 30)
        assert wait_for(lambda: slow_status().frames >= 30), "reading goes on while the consumer is stuck"
        assert slow_seen == [], "the consumer is still stuck on its first frame"
        assert slow_status().dropped > 0
        release.set()
        assert wait_for(lambda: len(slow_seen) >= 2)
        assert slow_seen[1] > slow_seen[0] + 1, "the oldest frames were dropped"
    finally:
        release.set()
        sup.stop()


def test_a_crashing_reader_goes_offline_with_the_reason_and_reconnects():
    sup = make()
    changes = []
    sup.subscribe(changes.append)
    Crashing.opened = 0
    sup.add("crash", Crashing)
    sup.start()
    try:
        assert wait_for(lambda: Crashing.opened >= 3)
    finally:
        sup.stop()
    offline = [c for c in changes if c.current.status is Health.OFFLINE]
    assert offline
    assert "reader crashed: RuntimeError: decoder exploded" in offline[0].current.reason
    assert [c.current.status for c in changes][:3] == [Health.ONLINE, Health.OFFLINE, Health.ONLINE]


def test_identical_frames_turn_frozen():
    sup = make(frozen_after=0.3)
    sup.add("frozen", Frozen)
    sup.start()
    try:
        assert wait_for(lambda: sup.health("frozen").status is Health.FROZEN)
        assert "identical frames" in sup.health("frozen").reason
    finally:
        sup.stop()


def test_snapshot_and_low_power_switch():
    sup = make()
    sup.add("a", demo("a"))
    sup.start()
    try:
        assert wait_for(lambda: sup.snapshot_jpeg("a") is not None)
        sup.set_low_power("a", True)
        assert sup.status()[0].low_power
    finally:
        sup.stop()
    assert sup.snapshot_jpeg("a")[:2] == b"\xff\xd8"


def test_synthetic_source_paces_to_real_time():
    src = SyntheticSource("s", camera_id="c", fps=50, width=64, height=36)
    src.open()
    t0 = time.monotonic()
    for _ in range(11):
        src.read()
    assert time.monotonic() - t0 >= 0.19
