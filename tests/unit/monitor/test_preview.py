"""The zone editor's preview: the same detector, on a few frames, with draft zones and masks."""

from __future__ import annotations

import numpy as np

from config.detection import DetectConfig
from monitor.preview import motion_preview
from tests.unit.monitor.synth import H, W, finish, hd_walk, person, scene


def _walk(xs: list[float]) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    base = scene(3)
    frames = []
    for x in xs:
        img = base.copy()
        person(img, x)
        frames.append(finish(img, rng))
    return frames


FRAMES = _walk([100, 130, 160, 190, 220])
RIGHT = [[W / 2, 0], [W, 0], [W, H], [W / 2, H]]


def test_a_person_walking_is_boxed_in_source_pixels_in_the_zone_they_walk_in() -> None:
    config = DetectConfig.model_validate(
        {"zones": [{"name": "left", "polygon": [[0, 0], [W / 2, 0], [W / 2, H], [0, H]]}]}
    )
    boxes = motion_preview(FRAMES, config)
    assert boxes and {b.zone for b in boxes} == {"left"}
    assert all(180 <= b.y + b.h <= 310 and b.x < W / 2 for b in boxes)


def test_a_draft_mask_over_the_walk_hides_it_and_a_zone_elsewhere_sees_nothing() -> None:
    masked = DetectConfig.model_validate(
        {"privacy_masks": [{"polygon": [[0, 0], [W / 2, 0], [W / 2, H], [0, H]]}]}
    )
    assert motion_preview(FRAMES, masked) == []
    elsewhere = DetectConfig.model_validate({"zones": [{"name": "right", "polygon": RIGHT}]})
    assert motion_preview(FRAMES, elsewhere) == []


def test_a_minimum_size_larger_than_the_person_drops_them() -> None:
    big = DetectConfig.model_validate({"motion": {"min_area": 0.2}})
    assert motion_preview(FRAMES, big) == []
    assert motion_preview([], DetectConfig()) == []


def test_a_slim_person_30_px_tall_at_1080p_is_boxed_as_the_pipeline_finds_it() -> None:
    frames = hd_walk(30, seconds=4)[4:20]  # the walk starts at 2 s (frame 10)
    boxes = motion_preview(frames, DetectConfig())
    assert boxes
    assert all(560 <= b.x <= 720 and 640 <= b.y + b.h <= 720 for b in boxes)
