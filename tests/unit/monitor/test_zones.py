"""Zones and masks: polygons become pixels at analysis size; motion is judged per zone; masks hide motion."""

from __future__ import annotations

import numpy as np

from config.detection import DetectConfig
from monitor.zones import analysis_shape, blank_privacy, privacy_mask, rasterise, threshold_for
from tests.unit.monitor.synth import finish, person, run, scene

LEFT = [(0, 0), (320, 0), (320, 360), (0, 360)]
RIGHT = [(320, 0), (640, 0), (640, 360), (320, 360)]


def _walk_frames(xs, *, h=120.0):
    rng = np.random.default_rng(5)
    base = scene(5)
    frames = []
    for x in xs:
        img = base.copy()
        if x is not None:
            person(img, x, h=h)
        frames.append(finish(img, rng))
    return frames


def _left_side_walker():
    """A person walking back and forth on the left half only (x 40-260)."""
    return _walk_frames([None] * 10 + [40 + 22 * i for i in range(10)] + [None] * 15)


def test_analysis_shape_keeps_aspect_ratio():
    assert analysis_shape((1080, 1920), 320) == (180, 320)
    assert analysis_shape((240, 320), 480) == (240, 320)


def test_rasterise_scales_a_source_polygon_to_analysis_resolution():
    mask = rasterise([(0, 0), (320, 0), (320, 180), (0, 180)], (360, 640), (180, 320))
    assert mask.shape == (180, 320)
    assert abs(np.count_nonzero(mask) / mask.size - 0.25) < 0.01


def test_more_sensitive_zone_has_lower_threshold():
    assert threshold_for(90) < threshold_for(50) < threshold_for(10)


def test_motion_inside_a_zone_raises_an_event_named_after_the_zone():
    config = DetectConfig(zones=[{"name": "left", "polygon": LEFT}])
    events = run(config, _left_side_walker())
    assert [(e.kind.value, e.zone) for e in events] == [("motion", "left")]


def test_motion_outside_every_zone_raises_no_event():
    config = DetectConfig(zones=[{"name": "right", "polygon": RIGHT}])
    assert run(config, _left_side_walker()) == []


def test_object_smaller_than_the_zone_minimum_area_is_ignored():
    small_walker = _walk_frames([None] * 10 + [60 + 20 * i for i in range(10)] + [None] * 10, h=40)
    big = DetectConfig(zones=[{"name": "z", "polygon": LEFT, "min_area": 0.02}])
    small = DetectConfig(zones=[{"name": "z", "polygon": LEFT, "min_area": 0.0002}])
    assert run(big, small_walker) == []
    assert len(run(small, small_walker)) == 1


def test_exclusion_mask_hides_motion_inside_it():
    config = DetectConfig(exclusion_masks=[{"polygon": LEFT}])
    assert run(config, _left_side_walker()) == []


def test_privacy_mask_hides_motion_and_is_blanked_in_views():
    config = DetectConfig(privacy_masks=[{"polygon": LEFT}])
    frames = _left_side_walker()
    assert run(config, frames) == []
    blanked = blank_privacy(frames[0], privacy_mask(config, frames[0].shape))
    assert not blanked[:, :318].any()
    assert np.array_equal(blanked[:, 322:], frames[0][:, 322:])


def test_flicker_inside_an_exclusion_mask_raises_no_event():
    rng = np.random.default_rng(9)
    base = scene(9)
    frames = []
    for i in range(60):
        img = base.copy()
        img[100:180, 420:520] += 90.0 * (i % 3 == 0)
        frames.append(finish(img, rng))
    masked = DetectConfig(exclusion_masks=[{"polygon": [(400, 80), (540, 80), (540, 200), (400, 200)]}])
    assert run(masked, frames) == []
    assert run(DetectConfig(), frames) != []
