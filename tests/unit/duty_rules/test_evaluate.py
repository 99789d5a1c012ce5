"""Each duty rule fires on facts that break it and stays quiet on facts that keep it (fixed clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from shift_logs.rules.evaluate import blocking, evaluate
from shift_logs.rules.facts import (
    AlertFact,
    ApprovalFacts,
    CameraFact,
    HandoverFacts,
    LiveFacts,
    PostWatch,
    RosterFacts,
    Slot,
)
from shift_logs.rules.model import DutyRules, Severity, default_rules

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def ids(rules: DutyRules, facts: object, now: dt.datetime = T0) -> list[str]:
    return [v.rule_id for v in evaluate(rules, facts, now)]  # type: ignore[arg-type]


def slot(user: str, start: dt.datetime, hours: float, shift: int = 1, post: str = "desk") -> Slot:
    return Slot(user, post, shift, start, start + dt.timedelta(hours=hours))


def roster(
    cand: Slot, person: list[Slot] = (), post: list[Slot] = (), shift_hours: float = 12
) -> RosterFacts:  # type: ignore[assignment]
    return RosterFacts(cand, list(person), list(post), T0, T0 + dt.timedelta(hours=shift_hours))


@pytest.fixture
def rules() -> DutyRules:
    return default_rules()


def test_a_full_covering_entry_breaks_no_roster_rule(rules: DutyRules) -> None:
    assert ids(rules, roster(slot("ann", T0, 12))) == []


def test_min_staff_flags_a_post_left_uncovered_for_part_of_the_shift(rules: DutyRules) -> None:
    found = evaluate(rules, roster(slot("ann", T0, 8)), T0)
    assert [v.rule_id for v in found] == ["min_staff"]
    assert found[0].severity is Severity.WARN and "16:00-20:00" in found[0].message


def test_max_continuous_duty_blocks_two_shifts_back_to_back(rules: DutyRules) -> None:
    facts = roster(slot("ann", T0 + 12 * H, 8, shift=2), person=[slot("ann", T0, 12)], shift_hours=24)
    found = evaluate(rules, facts, T0)
    assert "max_continuous_duty" in [v.rule_id for v in blocking(found)]


def test_min_rest_blocks_a_short_rest_between_shifts_and_allows_a_long_one(rules: DutyRules) -> None:
    short = roster(slot("ann", T0 + 16 * H, 4, shift=2), person=[slot("ann", T0, 12)], shift_hours=24)
    long = roster(slot("ann", T0 + 20 * H, 4, shift=2), person=[slot("ann", T0, 12)], shift_hours=24)
    assert "min_rest" in ids(rules, short)
    assert "min_rest" not in ids(rules, long)


def test_separation_refuses_deciding_ones_own_business(rules: DutyRules) -> None:
    for kind in ("footage_request", "leave", "handover", "hold_release"):
        own = ApprovalFacts(kind, 1, "ann", 1, "ann", "7")  # type: ignore[arg-type]
        other = ApprovalFacts(kind, 1, "ann", 2, "bob", "7")  # type: ignore[arg-type]
        assert [v.rule_id for v in blocking(evaluate(rules, own, T0))] == ["separation_of_duties"]
        assert ids(rules, other) == []


def test_grant_validity_refuses_a_grant_longer_than_allowed(rules: DutyRules) -> None:
    assert ids(rules, ApprovalFacts("footage_request", 1, "ann", 2, "bob", "7", grant_hours=100)) == [
        "grant_validity"
    ]
    assert ids(rules, ApprovalFacts("footage_request", 1, "ann", 2, "bob", "7", grant_hours=24)) == []


def test_handover_lead_warns_a_handover_started_too_late(rules: DutyRules) -> None:
    facts = HandoverFacts("desk", "ann", T0 + 12 * H, "h")
    assert ids(rules, facts, T0 + 12 * H - 5 * M) == ["handover_lead"]
    assert ids(rules, facts, T0 + 12 * H - 30 * M) == []


def watch(**over: object) -> PostWatch:
    values: dict[str, object] = {
        "post": "desk", "rostered": "ann", "roster_ref": "roster:1", "ends_at": T0 + 12 * H,
        "present": True, "watching_since": T0, "last_activity": T0,
    }  # fmt: skip
    values.update(over)
    return PostWatch(**values)  # type: ignore[arg-type]


def test_unstaffed_post_fires_only_without_anyone_checked_in(rules: DutyRules) -> None:
    assert ids(rules, LiveFacts(posts=[watch(present=False)]), T0 + M) == ["min_staff"]
    assert ids(rules, LiveFacts(posts=[watch(last_activity=T0 + M)]), T0 + 2 * M) == []


def test_inactivity_fires_after_the_limit_and_not_before(rules: DutyRules) -> None:
    facts = LiveFacts(posts=[watch(watching_since=T0 + 30 * M, last_activity=T0 + 30 * M)])
    assert ids(rules, facts, T0 + 51 * M) == ["inactivity"]
    assert ids(rules, facts, T0 + 49 * M) == []


def test_screen_break_is_due_after_the_interval_unless_a_substitute_covers(rules: DutyRules) -> None:
    now = T0 + 121 * M
    facts = LiveFacts(posts=[watch(last_activity=now)])
    assert ids(rules, facts, now) == ["screen_break"]
    assert ids(rules, LiveFacts(posts=[watch(last_activity=now, covered_by_substitute=True)]), now) == []
    assert ids(rules, facts, T0 + 119 * M) == []


def test_live_handover_overdue_fires_near_the_end_without_a_handover(rules: DutyRules) -> None:
    now = T0 + 12 * H - 10 * M
    facts = LiveFacts(posts=[watch(watching_since=now - M, last_activity=now)])
    assert ids(rules, facts, now) == ["handover_lead"]
    done = LiveFacts(posts=[watch(watching_since=now - M, last_activity=now, handover_started=True)])
    assert ids(rules, done, now) == []


def test_ack_targets_per_priority(rules: DutyRules) -> None:
    high, normal = AlertFact(1, "high", T0, "gate"), AlertFact(2, "normal", T0, "gate")
    assert ids(rules, LiveFacts(alerts=[high, normal]), T0 + 31 * dt.timedelta(seconds=1)) == ["ack_targets"]
    assert (
        ids(rules, LiveFacts(alerts=[high, normal]), T0 + 61 * dt.timedelta(seconds=1)) == ["ack_targets"] * 2
    )
    assert ids(rules, LiveFacts(alerts=[high, normal]), T0 + 29 * dt.timedelta(seconds=1)) == []


def test_ptz_return_home_fires_when_a_moved_camera_stays_away(rules: DutyRules) -> None:
    cams = [CameraFact("dome", key=False, ptz_moved_at=T0)]
    assert ids(rules, LiveFacts(cameras=cams), T0 + 3 * M) == ["ptz_return_home"]
    assert ids(rules, LiveFacts(cameras=cams), T0 + M) == []


def test_key_cameras_must_exist_and_be_key() -> None:
    data = default_rules().model_dump()
    data["rules"]["key_cameras_on_wall"]["params"]["cameras"] = ["gate", "vault"]
    rules = DutyRules.model_validate(data)
    facts = LiveFacts(cameras=[CameraFact("gate", key=True), CameraFact("vault", key=False)])
    assert [v.subject for v in evaluate(rules, facts, T0)] == ["vault"]
    ok = LiveFacts(cameras=[CameraFact("gate", key=True), CameraFact("vault", key=True)])
    assert ids(rules, ok) == []


def test_a_disabled_rule_never_fires() -> None:
    data = default_rules().model_dump()
    data["rules"]["separation_of_duties"]["enabled"] = False
    rules = DutyRules.model_validate(data)
    assert ids(rules, ApprovalFacts("leave", 1, "ann", 1, "ann", "7")) == []
