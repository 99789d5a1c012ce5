"""The event scorer: interval matching per kind and zone, false alerts per hour, onset latency."""

from __future__ import annotations

import pytest

from monitor.scoring import ClipOutcome, Interval, score

KINDS = ("motion", "covered")
ALL = frozenset(KINDS)


def _clip(truth, detected, duration=3600.0, kinds=ALL):
    return ClipOutcome("c", duration, tuple(truth), tuple(detected), kinds)


def test_perfect_detections_score_one_with_their_latency():
    truth = [Interval("motion", 10, 20), Interval("motion", 40, 50)]
    detected = [Interval("motion", 10.5, 20), Interval("motion", 41.5, 50)]
    s = score([_clip(truth, detected)], KINDS)["motion"]
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert s.mean_latency_s == pytest.approx(1.0)


def test_detection_without_truth_is_a_false_alert_per_hour():
    s = score([_clip([], [Interval("motion", 5, 6), Interval("motion", 100, 101)], duration=1800)], KINDS)[
        "motion"
    ]
    assert s.false_alerts == 2 and s.false_alerts_per_hour == pytest.approx(4.0)
    assert s.precision == 0.0 and s.f1 == 0.0


def test_missed_truth_lowers_recall_only():
    truth = [Interval("motion", 10, 20), Interval("motion", 40, 50)]
    s = score([_clip(truth, [Interval("motion", 11, 19)])], KINDS)["motion"]
    assert (s.precision, s.recall) == (1.0, 0.5)
    assert s.f1 == pytest.approx(2 / 3)


def test_detection_mostly_outside_truth_is_not_correct():
    s = score([_clip([Interval("motion", 10, 12)], [Interval("motion", 9, 60)])], KINDS)["motion"]
    assert s.correct == 0 and s.found == 0


def test_tolerance_lets_a_slightly_early_detection_match():
    truth = [Interval("covered", 10, 20)]
    assert score([_clip(truth, [Interval("covered", 9.5, 9.8)])], KINDS)["covered"].found == 1
    assert score([_clip(truth, [Interval("covered", 5, 8)])], KINDS)["covered"].found == 0


def test_zone_must_match():
    truth = [Interval("motion", 10, 20, "gate")]
    s = score([_clip(truth, [Interval("motion", 10, 20, "yard")])], KINDS)["motion"]
    assert s.found == 0 and s.false_alerts == 1


def test_kind_not_scored_on_a_clip_is_ignored():
    clip = _clip([], [Interval("motion", 1, 2)], kinds=frozenset({"covered"}))
    s = score([clip], KINDS)
    assert s["motion"].detections == 0 and s["motion"].hours == 0
    assert s["covered"].hours == pytest.approx(1.0)


def test_nothing_to_find_and_nothing_found_is_perfect():
    s = score([_clip([], [])], KINDS)["covered"]
    assert (s.precision, s.recall, s.f1, s.mean_latency_s) == (1.0, 1.0, 1.0, None)


def test_one_cause_reported_twice_counts_the_repeat_as_a_false_alert():
    truth = [Interval("covered", 10, 30)]
    detected = [Interval("covered", 10.2, 18), Interval("covered", 20, 29.9)]
    s = score([_clip(truth, detected)], KINDS)["covered"]
    assert (s.found, s.correct, s.false_alerts) == (1, 1, 1)
    assert s.precision == 0.5 and s.recall == 1.0


def test_one_detection_per_true_event_are_all_correct():
    truth = [Interval("covered", 10, 20), Interval("covered", 40, 50)]
    detected = [Interval("covered", 40.2, 50), Interval("covered", 10.2, 20)]
    s = score([_clip(truth, detected)], KINDS)["covered"]
    assert (s.correct, s.false_alerts, s.recall) == (2, 0, 1.0)
