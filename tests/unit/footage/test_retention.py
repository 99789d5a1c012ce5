"""The retention planner: age, per-camera size, events-only, high-water mark; holds always win (R8)."""

from __future__ import annotations

import datetime as dt

from footage.retention import CameraPolicy, HoldSpan, Reason, SegmentInfo, StorageUse, plan_retention

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
MB = 1_000_000


def segs(
    camera_id: int, count: int, *, start: dt.datetime, size: int = MB, first_id: int = 1
) -> list[SegmentInfo]:
    """`count` back-to-back 10 s segments."""
    return [
        SegmentInfo(
            first_id + i,
            camera_id,
            start + dt.timedelta(seconds=10 * i),
            start + dt.timedelta(seconds=10 * (i + 1)),
            size,
        )
        for i in range(count)
    ]


def roomy(used: int = 0) -> StorageUse:
    return StorageUse(capacity=1000 * MB, used=used, high_water_percent=90, low_water_percent=80)


def test_footage_older_than_retain_days_is_removed_and_newer_kept():
    old = segs(1, 3, start=NOW - dt.timedelta(days=31))
    new = segs(1, 3, start=NOW - dt.timedelta(days=1), first_id=10)
    plan = plan_retention(old + new, [], {1: CameraPolicy(retain_days=30)}, roomy(), NOW)
    assert plan.remove == {1: Reason.AGE, 2: Reason.AGE, 3: Reason.AGE}
    assert plan.freed_bytes == 3 * MB


def test_held_segment_is_never_removed_by_age():
    old = segs(1, 3, start=NOW - dt.timedelta(days=40))
    hold = HoldSpan(1, old[1].start + dt.timedelta(seconds=3), old[1].start + dt.timedelta(seconds=4))
    plan = plan_retention(old, [hold], {1: CameraPolicy(retain_days=30)}, roomy(), NOW)
    assert set(plan.remove) == {1, 3}
    assert plan.held_kept == 1


def test_a_hold_on_another_camera_does_not_protect_this_one():
    old = segs(1, 2, start=NOW - dt.timedelta(days=40))
    hold = HoldSpan(2, old[0].start, old[-1].end)
    plan = plan_retention(old, [hold], {1: CameraPolicy(retain_days=30)}, roomy(), NOW)
    assert set(plan.remove) == {1, 2}


def test_hold_touching_a_segment_boundary_does_not_hold_the_neighbour():
    s = segs(1, 3, start=NOW - dt.timedelta(days=40))
    hold = HoldSpan(1, s[1].start, s[1].end)
    plan = plan_retention(s, [hold], {1: CameraPolicy(retain_days=30)}, roomy(), NOW)
    assert set(plan.remove) == {1, 3}


def test_camera_over_its_size_cap_loses_its_oldest_unheld_footage_first():
    s = segs(1, 10, start=NOW - dt.timedelta(hours=1))
    hold = HoldSpan(1, s[0].start, s[0].end)
    plan = plan_retention(s, [hold], {1: CameraPolicy(retain_days=30, max_bytes=6 * MB)}, roomy(), NOW)
    assert plan.remove == {
        2: Reason.CAMERA_SIZE,
        3: Reason.CAMERA_SIZE,
        4: Reason.CAMERA_SIZE,
        5: Reason.CAMERA_SIZE,
    }


def test_high_water_purges_oldest_across_cameras_down_to_the_low_mark():
    a = segs(1, 50, start=NOW - dt.timedelta(hours=2), size=10 * MB)
    b = segs(2, 50, start=NOW - dt.timedelta(hours=1), size=10 * MB, first_id=100)
    policies = {1: CameraPolicy(retain_days=30), 2: CameraPolicy(retain_days=30)}
    plan = plan_retention(a + b, [], policies, roomy(used=950 * MB), NOW)
    assert plan.count(Reason.HIGH_WATER) == 15  # 950 -> 800 MB
    assert set(plan.remove) == set(range(1, 16))  # all from the older camera
    assert plan.used_after == 800 * MB
    assert plan.fault is None


def test_below_the_high_water_mark_nothing_is_purged_for_space():
    s = segs(1, 50, start=NOW - dt.timedelta(hours=2), size=10 * MB)
    plan = plan_retention(s, [], {1: CameraPolicy(retain_days=30)}, roomy(used=899 * MB), NOW)
    assert plan.remove == {}


def test_high_water_skips_held_footage_and_takes_the_next_oldest():
    s = segs(1, 30, start=NOW - dt.timedelta(hours=2), size=10 * MB)
    hold = HoldSpan(1, s[0].start, s[4].end)
    plan = plan_retention(s, [hold], {1: CameraPolicy(retain_days=30)}, roomy(used=920 * MB), NOW)
    assert min(plan.remove) == 6
    assert not set(plan.remove) & {1, 2, 3, 4, 5}


def test_when_only_held_footage_is_left_the_plan_faults_instead_of_deleting():
    s = segs(1, 20, start=NOW - dt.timedelta(hours=2), size=10 * MB)
    hold = HoldSpan(1, s[0].start, s[-1].end)
    plan = plan_retention(s, [hold], {1: CameraPolicy(retain_days=30)}, roomy(used=950 * MB), NOW)
    assert plan.remove == {}
    assert plan.fault is not None and "held" in plan.fault
    assert plan.held_kept == 20


def test_events_only_camera_keeps_segments_near_an_event_with_pre_and_post_roll():
    s = segs(1, 12, start=NOW - dt.timedelta(minutes=10))
    event = s[5].start + dt.timedelta(seconds=5)
    policy = CameraPolicy(retain_days=30, events_only=True, pre_roll_s=10, post_roll_s=10, events=(event,))
    plan = plan_retention(s, [], {1: policy}, roomy(), NOW)
    kept = {seg.id for seg in s} - set(plan.remove)
    assert kept == {5, 6, 7}  # pre-roll segment, the event's segment, post-roll segment
    assert all(r is Reason.NO_EVENT for r in plan.remove.values())


def test_events_only_waits_for_the_post_roll_before_deciding():
    s = segs(1, 3, start=NOW - dt.timedelta(seconds=30))
    policy = CameraPolicy(retain_days=30, events_only=True, pre_roll_s=5, post_roll_s=20)
    plan = plan_retention(s, [], {1: policy}, roomy(), NOW)
    assert set(plan.remove) == {1}  # ends 20 s before now; the others may still get an event


def test_camera_without_a_policy_is_only_touched_by_the_high_water_mark():
    s = segs(9, 3, start=NOW - dt.timedelta(days=400))
    assert plan_retention(s, [], {}, roomy(), NOW).remove == {}
