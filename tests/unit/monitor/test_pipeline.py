"""The Detector: sink delivery, source-pixel boxes, input checks, accepting a new view."""

from __future__ import annotations

import numpy as np
import pytest

from config.detection import DetectConfig
from monitor.events import EventKind
from monitor.frames import Frame
from monitor.pipeline import Detector
from tests.unit.monitor.synth import finish, person, scene


def _frames(xs):
    rng = np.random.default_rng(4)
    base = scene(4)
    out = []
    for x in xs:
        img = base.copy()
        if x is not None:
            person(img, x)
        out.append(finish(img, rng))
    return out


def test_sink_gets_a_start_notice_then_the_closed_event():
    received = []
    detector = Detector(DetectConfig(), (360, 640), camera_id="gate", sink=received.append)
    xs = [None] * 10 + [100 + 15 * i for i in range(15)] + [None] * 15
    for i, image in enumerate(_frames(xs)):
        detector.process(Frame("gate", i / 5, image, i))
    assert [(e.kind, e.is_open) for e in received] == [(EventKind.MOTION, True), (EventKind.MOTION, False)]
    assert received[0].event_id == received[1].event_id and received[1].camera_id == "gate"


def test_boxes_are_reported_in_source_pixels():
    detector = Detector(DetectConfig(), (360, 640))
    xs = [None] * 10 + [400] * 5
    events = [e for i, img in enumerate(_frames(xs)) for e in detector.process(Frame("c", i / 5, img, i))]
    box = events[0].boxes[0]
    # The person spans x 382-418: the box holds it and stays close to it (the gain field may bend a little
    # around a dark person straddling two cells).
    assert 340 <= box.x <= 382 and 418 <= box.x + box.w <= 460
    assert 160 <= box.y <= 210 and box.h >= 90


def test_flush_closes_open_events():
    detector = Detector(DetectConfig(), (360, 640))
    for i, img in enumerate(_frames([None] * 10 + [200 + 10 * i for i in range(5)])):
        detector.process(Frame("c", i / 5, img, i))
    closed = detector.flush()
    assert [e.kind for e in closed] == [EventKind.MOTION] and closed[0].end_ts == pytest.approx(2.8)


def test_frame_of_the_wrong_size_is_refused():
    detector = Detector(DetectConfig(), (360, 640))
    with pytest.raises(ValueError, match="does not match"):
        detector.process(Frame("c", 0.0, np.zeros((100, 100), dtype=np.uint8)))
