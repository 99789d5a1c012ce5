"""Motion: the background model stays silent for noise and light changes and still sees people."""

from __future__ import annotations

import cv2
import numpy as np

from config.detection import DetectConfig, MotionParams
from monitor.events import EventKind
from monitor.motion import MotionDetector
from monitor.zones import build_zone_maps
from tests.unit.monitor.synth import H, W, finish, person, run, scene, walk

FPS = 5.0


def _frames(seconds, *, gain=lambda t: 1.0, xs=None, seed=3):
    rng = np.random.default_rng(seed)
    base = scene(seed)
    xs = xs or [None] * round(seconds * FPS)
    frames = []
    for i, x in enumerate(xs):
        img = base.copy()
        if x is not None:
            person(img, x)
        frames.append(finish(img, rng, gain(i / FPS)))
    return frames


def _pool(strength):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    return (1.0 + strength * np.exp(-((xx - 400) ** 2 + (yy - 250) ** 2) / (2 * 150**2))).astype(np.float32)


def test_static_noisy_scene_raises_no_motion_event():
    assert run(DetectConfig(), _frames(12)) == []


def test_person_walking_across_raises_one_motion_event_with_boxes():
    events = run(DetectConfig(), _frames(14, xs=walk(14, start=3, speed=70)))
    assert [e.kind for e in events] == [EventKind.MOTION]
    event = events[0]
    assert 2.9 <= event.start_ts <= 3.8
    assert event.boxes and all(b.h > 40 for b in event.boxes[:1])
    assert event.zone is None and event.score > 0


def test_gradual_light_change_raises_no_motion_event():
    frames = _frames(30, gain=lambda t: 1.0 - 0.65 * t / 30)
    assert run(DetectConfig(), frames) == []


def test_light_switch_raises_no_motion_event():
    on, off = _pool(0.8) * 1.1, np.float32(0.4)
    frames = _frames(20, gain=lambda t: on if 6 <= t < 13 else off)
    assert run(DetectConfig(), frames) == []


def test_person_walking_in_during_light_switch_is_still_detected():
    on, off = _pool(0.8) * 1.1, np.float32(0.45)
    xs = walk(16, start=5.8, speed=80, x0=10)
    events = run(DetectConfig(), _frames(16, gain=lambda t: on if t >= 6 else off, xs=xs))
    assert [e.kind for e in events] == [EventKind.MOTION]
    assert events[0].start_ts <= 6.6


def test_moving_soft_cloud_shadow_raises_no_motion_event():
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)

    def shadow(t):
        d = np.sqrt(((xx - (-300 + 40 * t)) / 280) ** 2 + ((yy - 180) / 300) ** 2)
        return (1.0 - 0.4 * np.clip((1.25 - d) / 0.5, 0, 1)).astype(np.float32)

    assert run(DetectConfig(), _frames(30, gain=shadow)) == []


def test_change_over_most_of_the_frame_is_a_global_change_not_motion():
    config = DetectConfig()
    shape = (180, 320)
    detector = MotionDetector(MotionParams(), build_zone_maps(config, shape, shape), shape)
    rng = np.random.default_rng(0)
    # A textured picture (structure a few pixels wide, as scenes have) replaced by its negative.
    noise = rng.integers(0, 255, (shape[0] // 4, shape[1] // 4)).astype(np.uint8)
    first = cv2.resize(noise, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
    detector.detect(first)
    result = detector.detect(255 - first)
    assert result.global_change
    assert not any(zone.active for zone in result.zones)
    assert not detector.detect(255 - first).global_change
