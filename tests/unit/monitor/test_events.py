"""Event timing: start after the minimum consecutive frames, end after the quiet time."""

from __future__ import annotations

from monitor.events import EventKind, EventTracker


def _feed(tracker, hits, fps=5.0):
    out = []
    for i, hit in enumerate(hits):
        event = tracker.update(i / fps, i, hit, score=float(i), next_id=7)
        if event is not None:
            out.append((i, event))
    return out


def _tracker(**kw):
    return EventTracker(EventKind.MOTION, camera_id="cam", zone="gate", **kw)


def test_event_starts_only_after_min_consecutive_frames():
    events = _feed(_tracker(start_frames=3), [False, True, True, True, True])
    assert [(i, e.is_open) for i, e in events] == [(3, True)]
    assert events[0][1].start_ts == 0.2


def test_single_frame_blips_raise_no_event():
    assert _feed(_tracker(start_frames=2), [True, False, True, False, True, False]) == []


def test_event_ends_after_quiet_time_at_the_last_active_frame():
    hits = [True] * 5 + [False] * 12
    events = _feed(_tracker(start_frames=2, quiet_s=2.0), hits)
    (_, opened), (i_closed, closed) = events
    assert opened.is_open and not closed.is_open
    assert i_closed == 4 + 10  # 2 s after the last active frame at 5 fps
    assert closed.end_ts == 0.8 and closed.start_ts == 0.0


def test_activity_within_quiet_time_keeps_one_event():
    hits = [True] * 3 + [False] * 5 + [True] * 3 + [False] * 15
    closed = [e for _, e in _feed(_tracker(start_frames=2, quiet_s=2.0), hits) if not e.is_open]
    assert len(closed) == 1 and closed[0].end_ts == 2.0


def test_start_notice_and_closed_event_share_id_zone_and_peak():
    events = [e for _, e in _feed(_tracker(start_frames=1, quiet_s=0.0), [True, True, False])]
    assert [e.event_id for e in events] == [7, 7]
    assert events[1].zone == "gate" and events[1].score == 1.0 and events[1].best_frame_index == 1


def test_close_ends_an_open_event_and_is_a_no_op_otherwise():
    tracker = _tracker(start_frames=1, quiet_s=10.0)
    _feed(tracker, [True, True])
    closed = tracker.close()
    assert closed is not None and closed.end_ts == 0.2
    assert tracker.close() is None


def test_hold_time_in_seconds_delays_the_start():
    tracker = EventTracker(EventKind.FROZEN, camera_id="c", zone=None, start_frames=1, start_s=1.0)
    events = _feed(tracker, [True] * 8)
    assert [i for i, _ in events] == [5]


def test_run_with_gaps_shorter_than_gap_s_still_starts_an_event():
    tracker = EventTracker(
        EventKind.FROZEN, camera_id="c", zone=None, start_frames=1, start_s=2.0, gap_s=1.0, quiet_s=1.0
    )
    hits = ([True] * 4 + [False]) * 4
    events = _feed(tracker, hits)
    assert [(i, e.start_ts) for i, e in events] == [(10, 0.0)]


def test_run_broken_by_a_long_gap_starts_over():
    tracker = EventTracker(EventKind.FROZEN, camera_id="c", zone=None, start_frames=1, start_s=2.0, gap_s=0.5)
    hits = [True] * 8 + [False] * 4 + [True] * 3
    assert _feed(tracker, hits) == []
