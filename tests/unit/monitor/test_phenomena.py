"""The phenomena the detection core must hold on unseen footage: clipped highlights (at the full-range 255 and
the limited-range 235 ceiling) in both directions, faint people (12 luma levels from the background) and
small distant people (30 px tall at 1080p); plus one event per cause for a static cover and a plain scene."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from config.detection import DetectConfig
from monitor.events import EventKind
from tests.unit.monitor.synth import H, W, hd_walk, run, scene

FPS = 5.0


def _silhouette(shape, x, y, h):
    """Mask of a small upright person with its feet at (x, y), `h` pixels tall."""
    mask = np.zeros(shape, dtype=np.uint8)
    w = max(2, round(h * 0.3))
    cv2.rectangle(mask, (round(x - w / 2), round(y - 0.85 * h)), (round(x + w / 2), round(y)), 255, -1)
    cv2.circle(mask, (round(x), round(y - 0.92 * h)), max(1, round(0.08 * h)), 255, -1)
    return mask > 0


def _clip(base, seconds, *, gain=lambda t: 1.0, walker=None, ceiling=255.0, seed=4):
    """Frames of `base` under a gain, clipped to [16, ceiling] when limited range, with an optional walker
    (x(t), y, h, contrast) whose luma is the local background mean plus `contrast`."""
    rng = np.random.default_rng(seed)
    low = 16.0 if ceiling < 255 else 0.0
    frames = []
    for i in range(round(seconds * FPS)):
        t = i / FPS
        img = base.copy()
        if walker is not None and (x := walker[0](t)) is not None:
            inside = _silhouette(base.shape, x, walker[1], walker[2])
            if inside.any():
                img[inside] = img[inside].mean() + walker[3]
        lit = img * gain(t) + rng.normal(0, 2.5, img.shape)
        frames.append(np.clip(lit, low, ceiling).astype(np.uint8))
    return frames


def _step(t):
    return 1.9 if 4 <= t < 10 else 1.0


@pytest.mark.parametrize("ceiling", [255.0, 235.0])
def test_light_step_up_into_clipping_and_back_down_raises_nothing(ceiling):
    frames = _clip(scene(7), 16, gain=_step, ceiling=ceiling)
    assert np.count_nonzero(frames[30] >= ceiling) > 0.1 * frames[30].size  # highlights really clip
    assert run(DetectConfig(), frames) == []


def test_person_walking_in_after_clipped_step_down_is_detected():
    walker = (lambda t: None if t < 10.4 else -10 + 80 * (t - 10.4), 300, 110, -30)
    events = run(DetectConfig(), _clip(scene(7), 16, gain=_step, ceiling=235, walker=walker))
    assert [e.kind for e in events] == [EventKind.MOTION]
    assert 10.4 <= events[0].start_ts <= 11.4


def test_faint_person_12_levels_from_the_background_is_detected():
    walker = (lambda t: None if t < 3 else -10 + 60 * (t - 3), 300, 60, -12)
    events = run(DetectConfig(), _clip(scene(8), 12, walker=walker))
    assert [e.kind for e in events] == [EventKind.MOTION]
    assert events[0].start_ts <= 4.0


def test_small_person_30_px_tall_at_1080p_is_detected_and_noise_is_not():
    base = cv2.resize(scene(9), (1920, 1080), interpolation=cv2.INTER_LINEAR)
    assert run(DetectConfig(), _clip(base, 6)) == []
    walker = (lambda t: None if t < 2 else 300 + 25 * (t - 2), 700, 30, 30)
    events = run(DetectConfig(), _clip(base, 8, walker=walker))
    assert [e.kind for e in events] == [EventKind.MOTION]
    assert events[0].start_ts <= 3.0


def test_slim_person_30_px_tall_at_1080p_is_confirmed_at_the_finer_resolution():
    events = run(DetectConfig(), hd_walk(30))
    assert [e.kind for e in events] == [EventKind.MOTION]
    assert 2.0 <= events[0].start_ts <= 3.0
    (box,) = events[0].boxes
    assert 560 <= box.x <= 720 and 640 <= box.y + box.h <= 720  # in source pixels, around the person


def test_slim_person_20_px_tall_is_below_the_default_minimum_size_of_24_source_px():
    assert run(DetectConfig(), hd_walk(20)) == []
    # The minimum is in source pixels: lowered for the zone, the same person counts.
    zone = {"name": "z", "polygon": [[0, 0], [1920, 0], [1920, 1080], [0, 1080]], "min_size_px": 16}
    assert len(run(DetectConfig(zones=[zone]), hd_walk(20))) == 1


@pytest.mark.parametrize("ceiling", [255.0, 235.0])
def test_clipped_light_step_at_1080p_raises_nothing_with_the_finer_check(ceiling):
    frames = hd_walk(None, gain=lambda t: 1.9 if 3 <= t < 6 else 1.0, ceiling=ceiling, seconds=10)
    assert np.count_nonzero(frames[20] >= ceiling) > 0.1 * frames[20].size
    assert run(DetectConfig(), frames) == []


def test_person_smaller_than_the_zone_minimum_size_in_source_pixels_is_ignored():
    walker = (lambda t: None if t < 2 else 100 + 40 * (t - 2), 300, 40, -40)
    zone = {"name": "z", "polygon": [[0, 0], [W, 0], [W, H], [0, H]]}
    frames = _clip(scene(10), 8, walker=walker)
    assert run(DetectConfig(zones=[{**zone, "min_size_px": 80}]), frames) == []
    assert len(run(DetectConfig(zones=[{**zone, "min_size_px": 30}]), frames)) == 1


def test_static_cover_is_reported_once_as_covered_not_frozen():
    base = scene(11)
    rng = np.random.default_rng(1)
    live = [np.clip(base + rng.normal(0, 2.5, base.shape), 0, 255).astype(np.uint8) for _ in range(30)]
    cover = np.full(base.shape, 25, dtype=np.uint8)
    events = run(DetectConfig(), live + [cover] * 40 + live[:20])
    assert [e.kind for e in events] == [EventKind.COVERED]


def test_plain_scene_with_a_moving_ball_never_raises_moved():
    frames = []
    rng = np.random.default_rng(2)
    for i in range(90):
        img = np.full((H, W), 110.0, dtype=np.float32)
        cv2.circle(img, (40 + (i * 13) % 560, 180 + round(60 * np.sin(i / 5))), 30, 230, -1)
        frames.append(np.clip(img + rng.normal(0, 1.0, img.shape), 0, 255).astype(np.uint8))
    kinds = {e.kind for e in run(DetectConfig(), frames)}
    assert EventKind.MOVED not in kinds
    assert EventKind.MOTION in kinds
