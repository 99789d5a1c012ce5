"""Duty rules on the database: roster refusals and flags, live evaluation with alerts to the leader,
versions with diffs and audit, rules at a past moment, the append-only compliance record, confirmations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from access.audit.models import AuditEntry
from access.roles import Role
from alerts import service as alerts
from alerts.models import Alert, AlertChange, Priority
from core.actor import Actor
from core.clock import utcnow
from db.chain import verify_chain
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from shift_logs.roster.errors import RulesNotConfirmed
from shift_logs.rules import service as compliance
from shift_logs.rules import store
from shift_logs.rules.errors import (
    DutyRuleBroken,
    NotCurrentVersion,
    RuleChangeForbidden,
    RuleEditInvalid,
    ViolationResolved,
)
from shift_logs.rules.live import ALERT_KIND, evaluate_live
from shift_logs.rules.model import default_rules
from shift_logs.rules.models import VIOLATION_CHAIN, RulesConfirmation, Violation
from tests.conftest import make_settings
from tests.factories.access import make_user
from tests.factories.shift_logs import T0, make_crew, make_post, make_shift

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)
ADMIN = Actor(id=None, name="root")


def _edit(**changes: dict[str, object]) -> dict[str, object]:
    data = default_rules().model_dump(mode="json")
    for rule_id, params in changes.items():
        data["rules"][rule_id]["params"].update(params)
    return data


def test_a_roster_breaking_a_block_rule_is_refused_and_a_warn_rule_is_flagged(session: Session) -> None:
    post, ann = make_post(session), make_user(session, username="ann_r")
    day = make_shift(session, starts_at=T0, hours=12)
    night = make_shift(session, starts_at=T0 + 12 * H, hours=12)
    entry = roster.roster(
        session, shift_id=day.id, post_id=post.id, user=ann, ends_at=T0 + 8 * H, now=utcnow()
    )
    assert entry.id
    flagged, _ = compliance.list_(session, limit=10, offset=0, rule_id="min_staff")
    assert flagged and "16:00-20:00" in flagged[0].message and flagged[0].severity == "warn"
    with pytest.raises(DutyRuleBroken) as refused:
        roster.roster(
            session, shift_id=night.id, post_id=post.id, user=ann, starts_at=T0 + 12 * H, now=utcnow()
        )
    assert refused.value.detail["rule_id"] in {"max_continuous_duty", "min_rest"}
    assert "rule min_rest" in refused.value.message or "rule max_continuous_duty" in refused.value.message


def _staffed(session: Session) -> tuple[object, object]:
    leader = make_user(session, username="lead_live", roles=(Role.SHIFT_LEADER,))
    ann = make_user(session, username="ann_live")
    post = make_post(session, name="live-desk")
    shift = make_shift(session, starts_at=T0, hours=12, leader=leader)
    roster.roster(session, shift_id=shift.id, post_id=post.id, user=ann, now=utcnow())
    presence.check_in(session, user=ann, post_id=post.id, now=T0)
    return ann, post


def test_a_shift_past_a_missed_break_and_an_unacknowledged_alert_alerts_the_leader(session: Session) -> None:
    settings = make_settings("sqlite://")
    ann, _ = _staffed(session)
    later = T0 + 2 * H + 5 * M
    presence.touch(session, user=ann, now=later)  # type: ignore[arg-type]
    alerts.raise_alert(
        session, kind="motion", camera_id=None, camera_name="gate", zone=None, priority=Priority.HIGH,
        score=1, title="someone", settings=settings.alerts, now=later - M,
    )  # fmt: skip
    found = evaluate_live(session, later, settings)
    assert {v.rule_id for v in found} == {"screen_break", "ack_targets"}
    raised = session.scalars(select(Alert).where(Alert.kind == ALERT_KIND)).all()
    assert {a.zone for a in raised} == {"screen_break", "ack_targets"}
    assert all(a.escalated_to == ["lead_live"] for a in raised)
    again = evaluate_live(session, later + M, settings)
    assert len(again) == 2
    assert len(session.scalars(select(Alert).where(Alert.kind == ALERT_KIND)).all()) == 2
    open_rows, _ = compliance.list_(session, limit=10, offset=0, state="open")
    assert {r.rule_id for r in open_rows} == {"screen_break", "ack_targets"}


def test_a_backlog_of_late_alerts_is_one_leader_alert_counting_them_in_one_change(session: Session) -> None:
    settings = make_settings("sqlite://")
    ann, _ = _staffed(session)
    later = T0 + 10 * M

    def late_alert(n: int, camera: str) -> None:
        alerts.raise_alert(
            session, kind="motion", camera_id=None, camera_name=camera, zone=f"z{n}", priority=Priority.NORMAL,
            score=1, title="someone", settings=settings.alerts, now=later - 5 * M,
        )  # fmt: skip

    def leader_alert() -> tuple[int, list[str]]:
        (alert,) = session.scalars(select(Alert).where(Alert.kind == ALERT_KIND, Alert.zone == "ack_targets"))
        changes = session.scalars(select(AlertChange.action).where(AlertChange.alert_id == alert.id)).all()
        return alert.event_count, sorted(changes)

    presence.touch(session, user=ann, now=later)  # type: ignore[arg-type]
    for n, camera in enumerate(["gate"] * 5 + ["yard"] * 2):
        late_alert(n, camera)
    found = evaluate_live(session, later, settings)
    assert sum(v.rule_id == "ack_targets" for v in found) == 7  # every late alert is a violation (compliance)
    assert leader_alert() == (7, ["created"])  # one alert counting seven, one change (one console event)
    late_alert(9, "gate")
    evaluate_live(session, later + M, settings)
    assert leader_alert() == (8, ["created", "repeated"])


def test_live_evaluation_of_a_quiet_room_finds_nothing_and_resolves_ended_conditions(
    session: Session,
) -> None:
    settings = make_settings("sqlite://")
    ann, _ = _staffed(session)
    assert evaluate_live(session, T0 + 25 * M, settings)[0].rule_id == "inactivity"
    presence.touch(session, user=ann, now=T0 + 26 * M)  # type: ignore[arg-type]
    assert evaluate_live(session, T0 + 27 * M, settings) == []
    done, _ = compliance.list_(session, limit=10, offset=0, state="resolved")
    assert [r.resolution.how for r in done if r.resolution] == ["condition ended"]


def test_an_unstaffed_post_is_a_violation_while_nobody_checks_in(session: Session) -> None:
    settings = make_settings("sqlite://")
    post, ann = make_post(session), make_user(session, username="ann_gone")
    shift = make_shift(session, starts_at=T0, hours=12)
    roster.roster(session, shift_id=shift.id, post_id=post.id, user=ann, now=utcnow())
    assert evaluate_live(session, T0 + M, settings) == []  # within min_staff.grace_minutes
    assert [v.rule_id for v in evaluate_live(session, T0 + 11 * M, settings)] == ["min_staff"]


def test_a_rule_change_is_a_new_audited_version_with_a_diff(session: Session) -> None:
    first = store.sync_from_file(session, default_rules(), now=T0)
    assert first is not None and first.version >= 1
    row = store.change(
        session, content=_edit(inactivity={"minutes": 10}), actor=ADMIN, roles=["admin"],
        allowed_roles=["admin"], reason="tighter", now=T0 + H,
    )  # fmt: skip
    assert row.version == first.version + 1
    assert row.diff == [{"path": "rules.inactivity.params.minutes", "old": 20, "new": 10}]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "duty_rules.change")).all()[-1]
    assert entry.actor == "root" and entry.detail["reason"] == "tighter"
    assert store.in_force(session, T0 + 30 * M).rules.inactivity.params.minutes == 20
    assert store.in_force(session, T0 + 2 * H).rules.inactivity.params.minutes == 10


def test_a_contradictory_edit_is_refused_naming_the_field(session: Session) -> None:
    with pytest.raises(RuleEditInvalid) as caught:
        store.change(
            session, content=_edit(screen_break={"after_minutes": 900}), actor=ADMIN, roles=["admin"],
            allowed_roles=["admin"], reason="x",
            now=utcnow(),
        )  # fmt: skip
    assert caught.value.field == "rules.screen_break.params.after_minutes"
    with pytest.raises(RuleChangeForbidden):
        store.change(
            session,
            content=_edit(),
            actor=ADMIN,
            roles=["operator"],
            allowed_roles=["admin"],
            reason="x",
            now=utcnow(),
        )


def test_the_compliance_record_is_append_only_and_chained(session: Session) -> None:
    _staffed(session)
    evaluate_live(session, T0 + 25 * M, make_settings("sqlite://"))
    row = session.scalars(select(Violation)).first()
    assert row is not None
    compliance.resolve(session, violation_id=row.id, by="lead", how="spoke to the operator", now=T0 + H)
    with pytest.raises(ViolationResolved):
        compliance.resolve(session, violation_id=row.id, by="lead", how="again", now=T0 + H)
    assert verify_chain(session, Violation, VIOLATION_CHAIN)[1] is None
    with pytest.raises(DatabaseError), session.begin_nested():
        session.execute(text("UPDATE duty_violations SET message = 'nothing happened'"))


def test_an_operator_confirms_the_current_version_once(session: Session) -> None:
    ann = make_user(session, username="ann_sign")
    head = store.sync_from_file(session, default_rules(), now=T0) or store.current(session)
    assert head is not None
    assert compliance.needs_confirmation(session, user=ann) == head.version
    with pytest.raises(NotCurrentVersion):
        compliance.confirm(session, user=ann, version=head.version + 5, now=utcnow())
    first = compliance.confirm(session, user=ann, version=head.version, now=T0)
    assert compliance.confirm(session, user=ann, version=head.version, now=utcnow()).id == first.id
    assert compliance.needs_confirmation(session, user=ann) is None


def test_check_in_needs_the_rules_in_force_confirmed_once_per_version(session: Session) -> None:
    head = store.sync_from_file(session, default_rules(), now=T0) or store.current(session)
    assert head is not None
    crew = make_crew(session)
    with pytest.raises(RulesNotConfirmed) as refused:
        presence.check_in(session, user=crew.outgoing, post_id=crew.post.id, now=T0)
    assert refused.value.field == "rules_version" and f"version {head.version}" in refused.value.message
    assert presence.open_presence(session, user_id=crew.outgoing.id) is None
    with pytest.raises(RulesNotConfirmed):
        presence.check_in(
            session, user=crew.outgoing, post_id=crew.post.id, now=T0, rules_version=head.version + 1
        )
    presence.check_in(session, user=crew.outgoing, post_id=crew.post.id, now=T0, rules_version=head.version)
    confirmed = session.scalars(
        select(RulesConfirmation).where(RulesConfirmation.user_id == crew.outgoing.id)
    )
    assert [c.version for c in confirmed] == [head.version]
    presence.check_out(session, user=crew.outgoing, now=T0 + dt.timedelta(hours=1))
    again = presence.check_in(
        session, user=crew.outgoing, post_id=crew.post.id, now=T0 + dt.timedelta(hours=2)
    )
    assert again.checked_out_at is None


def _source_and_minutes(session: Session) -> list[tuple[str, int]]:
    return [(r.source, r.content["rules"]["inactivity"]["params"]["minutes"]) for r in store.history(session)]


def test_an_api_change_is_never_replaced_by_an_unchanged_file(session: Session, tmp_path: Path) -> None:
    settings = make_settings("sqlite://")
    store.change(
        session, content=_edit(inactivity={"minutes": 10}), actor=ADMIN, roles=["admin"],
        allowed_roles=["admin"], reason="before the first file sync", now=T0 + 10 * S,
    )  # fmt: skip
    evaluate_live(session, T0 + 40 * S, settings)  # the 30 s job reads the (unchanged, packaged) file
    assert _source_and_minutes(session) == [("api", 10)]
    changed = tmp_path / "rules.yaml"
    changed.write_text(yaml.safe_dump(_edit(inactivity={"minutes": 30})), encoding="utf-8")
    edited = make_settings("sqlite://", duty_rules={"file": str(changed)})
    evaluate_live(session, T0 + 70 * S, edited)
    evaluate_live(session, T0 + 100 * S, edited)
    assert _source_and_minutes(session) == [("file", 30), ("api", 10)]
    store.change(
        session, content=_edit(inactivity={"minutes": 5}), actor=ADMIN, roles=["admin"],
        allowed_roles=["admin"], reason="after the file", now=T0 + 110 * S,
    )  # fmt: skip
    evaluate_live(session, T0 + 130 * S, edited)
    assert store.in_force(session).rules.inactivity.params.minutes == 5


def test_the_first_start_stores_the_file_and_a_later_api_change_stands(session: Session) -> None:
    first = store.sync_from_file(session, default_rules(), now=T0)
    assert first is not None and (first.source, first.reason) == ("file", "rule file at first start")
    store.change(
        session, content=_edit(inactivity={"minutes": 10}), actor=ADMIN, roles=["admin"],
        allowed_roles=["admin"], reason="tighter", now=T0 + 10 * S,
    )  # fmt: skip
    assert store.sync_from_file(session, default_rules(), now=T0 + 40 * S) is None
    assert [s for s, _ in _source_and_minutes(session)] == ["api", "file"]
