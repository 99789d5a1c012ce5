"""Frozen pictures behind compression: a frozen picture's re-encodings converge, a live scene's key frames
bring fresh noise of the same size each time."""

from __future__ import annotations

import functools

import cv2
import numpy as np

from config.detection import DetectConfig
from monitor.events import EventKind
from monitor.frozen import FrozenCheck
from tests.unit.monitor.synth import run, scene

FPS = 5.0
GOP = 10  # frames between key frames (2 s)


def _stream(seconds, *, frozen=None, still_from=None, refresh_noise=2.0, clock=False, seed=41):
    """A scene as a low-bit-rate stream delivers it at 5 fps (640x360, analysed at 320x180, which halves
    the noise). Live, every frame brings the sensor's noise; from `still_from` on nothing moves and the
    encoder repeats the picture between key frames, each key frame bringing fresh noise of
    `refresh_noise`. Frozen (from, to): the stuck picture is repeated, and each key frame re-encodes it, its
    coding error converging on the picture (x 0.45 from key frame to key frame: refreshes of about 1.0,
    0.5, 0.25 levels at the analysis size). `clock`: an on-screen clock ticks every second."""
    rng = np.random.default_rng(seed)
    base = scene(seed)
    frames: list[np.ndarray] = []
    stuck, error, k = None, rng.normal(0, 3.2, base.shape), 0
    for i in range(round(seconds * FPS)):
        t = i / FPS
        if frozen is not None and frozen[0] <= t < frozen[1]:
            if stuck is None:
                stuck, picture = frames[-1].astype(np.float32), frames[-1]
            elif i % GOP == 0:
                picture = np.clip(np.rint(stuck + error * 0.45**k), 0, 255).astype(np.uint8)
                k += 1
            else:
                picture = frames[-1]
        elif still_from is not None and t >= still_from and i % GOP:
            picture = frames[-1]
        else:
            sigma = refresh_noise if still_from is not None and t >= still_from else 2.5
            picture = np.clip(base + rng.normal(0, sigma, base.shape), 0, 255).astype(np.uint8)
        if clock:
            picture = picture.copy()
            cv2.rectangle(picture, (10, 10), (200, 34), 20, -1)
            cv2.putText(picture, f"18:00:{int(t):02d}", (14, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.7, 235, 2)
        frames.append(picture)
    return frames


def _tamper(frames):
    return [e for e in run(DetectConfig(), frames) if e.kind != EventKind.MOTION]


def test_frozen_picture_whose_re_encodings_converge_is_frozen():
    # Each key frame re-encodes the frozen picture: the first refresh ends the stuck run as a live key
    # frame would, the next, clearly smaller, shows it was not live.
    events = _tamper(_stream(24, frozen=(6, 20)))
    assert [e.kind for e in events] == [EventKind.FROZEN]
    assert 6 <= events[0].start_ts <= 11
    assert 19 <= events[0].end_ts <= 21


def test_frozen_picture_with_a_ticking_clock_whose_re_encodings_converge_is_frozen():
    events = _tamper(_stream(24, frozen=(6, 20), clock=True))
    assert [e.kind for e in events] == [EventKind.FROZEN]


def test_live_still_scene_with_little_noise_behind_compression_is_not_frozen():
    # At night with little noise, nothing moving from 4 s on: the picture repeats between key frames, each
    # key frame refreshes it by about 0.7 levels (at the analysis size), the same each time.
    assert _tamper(_stream(40, still_from=4, refresh_noise=1.6)) == []


def test_live_still_scene_with_a_ticking_clock_behind_compression_is_not_frozen():
    assert _tamper(_stream(40, still_from=4, refresh_noise=1.6, clock=True)) == []


def _feed(check, changes, *, start=0.0):
    """Feed one change per frame at 5 fps after a healthy, learnt start; return the frames judged frozen."""
    out = []
    for i, change in enumerate(changes):
        ts = start + i / FPS
        cells = functools.partial(tuple, (1.0, change))  # a key frame: the same change in every cell
        out.append(check.update(change, ts, seen=1000 + i, learning=False, covered=False, cells=cells))
    return out


def _keyed(refreshes, *, between=GOP - 1):
    """Changes of a picture repeated between key frames: each refresh, then `between` repeats."""
    return [c for r in refreshes for c in ([r] + [0.0] * between)]


def _check_after_live_start():
    check = FrozenCheck()
    check.update(0.0, 0.0, seen=1, learning=True, covered=False, cells=lambda: (1.0, 1.0))
    for i in range(1, 11):  # a live picture: every frame changes
        check.update(1.0, i / FPS, seen=i + 1, learning=True, covered=False, cells=lambda: (1.0, 1.0))
    return check


def test_refreshes_that_shrink_clearly_resume_the_stuck_run():
    frozen = _feed(_check_after_live_start(), _keyed([0.0, 1.1, 0.7, 0.3, 0.3]), start=2.2)
    assert any(frozen[:10])  # stuck before the first refresh
    assert not any(frozen[10:20])  # the first refresh ended it: a live key frame, for all it knows
    # The second, clearly smaller, shows the re-encoding converging: every repeat after it is frozen.
    assert all(f for i, f in enumerate(frozen) if i > 20 and i % GOP)


def test_steady_refreshes_are_a_live_scene_and_end_the_stuck_run_for_good():
    frozen = _feed(_check_after_live_start(), _keyed([0.0, 2.0, 1.99, 2.01, 2.0, 1.98]), start=2.2)
    assert not any(frozen[10:])


def test_refreshes_that_grow_are_a_live_scene():
    frozen = _feed(_check_after_live_start(), _keyed([0.0, 1.0, 1.2, 0.8, 0.6]), start=2.2)
    assert not any(frozen[10:])


def test_refreshes_that_fall_slowly_are_a_live_scene():
    # A live scene whose noise falls by 2 % per key frame: the doubt is over after three refreshes,
    # before the fall adds up to a converging re-encoding.
    refreshes = [0.0, *(1.0 * 0.98**k for k in range(12))]
    frozen = _feed(_check_after_live_start(), _keyed(refreshes), start=2.2)
    assert not any(frozen[10:])


def test_a_frozen_run_stays_frozen_while_its_re_encodings_go_up_and_down():
    # A noisy frozen picture at 150 kbit/s: the rate control makes its re-encodings uneven.
    frozen = _feed(_check_after_live_start(), _keyed([0.0, 1.85, 1.39, 0.96, 1.49, 1.33, 1.1]), start=2.2)
    assert all(f for i, f in enumerate(frozen) if i > 20 and i % GOP)


def test_a_frozen_run_ends_when_the_key_frames_turn_steady():
    # The camera recovers while nothing moves: its key frames bring fresh noise of one size again.
    frozen = _feed(_check_after_live_start(), _keyed([0.0, 1.1, 0.7, 0.5, 0.5, 0.5, 0.5, 0.5]), start=2.2)
    assert all(f for i, f in enumerate(frozen) if 20 < i < 50 and i % GOP)
    assert not any(frozen[51:])
