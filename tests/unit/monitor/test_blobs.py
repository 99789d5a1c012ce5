"""Blobs to objects: a faint person split into torso and legs counts as one upright object; specks,
side-by-side blobs and thin slivers do not."""

from __future__ import annotations

import cv2
import numpy as np

from config.detection import DetectConfig
from monitor.blobs import find_objects, stack_parts
from monitor.events import EventKind
from tests.unit.monitor.synth import finish, run, scene

FPS = 5.0


def test_torso_and_legs_split_by_the_change_test_are_one_upright_object():
    # Parts as a 16-level person leaves them at 320 px (min size 12): torso and head above, legs below.
    parts = [(16, 107, 5, 10, 36.0), (19, 123, 3, 8, 21.0)]
    assert stack_parts(parts, 12.0) == [(16, 107, 6, 24, 57.0)]


def test_specks_side_by_side_blobs_and_a_lone_part_are_not_stacked():
    specks = [(x, y, 3, 3, 9.0) for x in range(10, 100, 7) for y in range(10, 100, 5)]
    assert stack_parts(specks, 12.0) == []
    assert stack_parts([(10, 50, 8, 10, 60.0), (20, 50, 8, 10, 60.0)], 12.0) == []  # side by side
    assert stack_parts([(10, 50, 8, 10, 60.0)], 12.0) == []
    # Parts too far apart (more than half the minimum size between them) stay apart.
    assert stack_parts([(16, 100, 5, 10, 36.0), (17, 117, 4, 8, 21.0)], 12.0) == []
    # Where the minimum is only a few analysis pixels, the finer frame decides instead.
    assert stack_parts([(16, 10, 2, 3, 5.0), (16, 14, 2, 3, 5.0)], 4.0) == []


def test_stacked_parts_count_only_when_they_persist():
    fg = np.zeros((180, 320), dtype=np.uint8)
    fg[107:117, 16:21] = 255
    fg[123:131, 19:22] = 255
    boxes, _ = find_objects(fg, np.zeros_like(fg), 12.0, 4.0)
    assert boxes == []  # nothing there on the previous frame: a new speck pattern, not yet an object
    prev = np.zeros_like(fg)
    prev[106:130, 12:18] = 255
    boxes, moving = find_objects(fg, prev, 12.0, 4.0)
    assert [(b.x, b.y, b.w, b.h) for b in boxes] == [(16, 107, 6, 24)]
    assert moving > 50


def _split_person(img, x, y=300.0, h=44.0, contrast=-20.0):
    """A person whose hips match the background: head and torso above, legs below, 11 px apart, each part
    under the default smallest object (24 source px) while the whole person is 44 px tall."""
    w = round(0.3 * h)
    top = np.zeros(img.shape, dtype=np.uint8)
    cv2.rectangle(top, (round(x - w / 2), round(y - h)), (round(x + w / 2), round(y - 0.55 * h)), 255, -1)
    legs = np.zeros(img.shape, dtype=np.uint8)
    cv2.rectangle(legs, (round(x - w / 2), round(y - 0.3 * h)), (round(x + w / 2), round(y)), 255, -1)
    for part in (top, legs):
        inside = part > 0
        img[inside] = img[inside].mean() + contrast


def test_faint_person_split_into_torso_and_legs_is_detected_on_arrival():
    rng = np.random.default_rng(6)
    base = scene(13)
    frames = []
    for i in range(round(10 * FPS)):
        t = i / FPS
        img = base.copy()
        if t >= 3:
            _split_person(img, 40 + 60 * (t - 3))
        frames.append(finish(img, rng))
    events = run(DetectConfig(), frames)
    assert [e.kind for e in events] == [EventKind.MOTION]
    assert 3.0 <= events[0].start_ts <= 3.8


def test_falling_snow_raises_no_motion_event():
    # Snowflakes as the evaluation set draws them: 140 per frame at random places, 1-2 px, near white;
    # many land one above another, and none of them may stack into a person.
    rng = np.random.default_rng(7)
    base = scene(14)
    frames = []
    for _ in range(round(20 * FPS)):
        img = base.copy()
        flakes = np.column_stack(
            [rng.integers(0, 640, 140), rng.integers(0, 360, 140), rng.integers(1, 3, 140)]
        )
        for x, y, r in flakes:
            cv2.circle(img, (int(x), int(y)), int(r), 230, -1)
        frames.append(finish(img, rng))
    assert run(DetectConfig(), frames) == []
