"""The durable alert queue: de-duplication, acknowledgement, closing, dispatch and escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from access.roles import Role
from alerts import service as alerts
from alerts.errors import AlertAlreadyHandled, AlertNotFound, UnknownResponder
from alerts.models import AlertChange, AlertState, Priority
from config.alerting import AlertSettings, ResponderConfig
from core.clock import utcnow
from db.outbox import Delivery, OutboxMessage
from tests.factories.access import make_user
from tests.factories.alerts import T0, make_alert, make_camera

SETTINGS = AlertSettings(cooldown_s=60, ack_target_high_s=30, ack_target_normal_s=60)


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_repeats_within_the_cooldown_update_one_alert(session: Session) -> None:
    cam = make_camera(session)
    first = make_alert(session, cam, zone="door", settings=SETTINGS)
    again = make_alert(session, cam, zone="door", now=_at(30), settings=SETTINGS)
    assert again.id == first.id and again.event_count == 2 and again.last_seen == _at(30)
    other_zone = make_alert(session, cam, zone="yard", now=_at(31), settings=SETTINGS)
    assert other_zone.id != first.id
    later = make_alert(session, cam, zone="door", now=_at(30 + 61), settings=SETTINGS)
    assert later.id != first.id


def test_a_new_alert_is_queued_for_mqtt_in_the_same_transaction(session: Session) -> None:
    cam = make_camera(session)
    alert = make_alert(session, cam, kind="covered", priority=Priority.HIGH)
    message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message is not None and message.topic == f"alerts/{cam.name}/covered"
    assert message.payload["id"] == alert.id
    assert [d.target for d in message.deliveries] == ["mqtt"]


def test_acknowledge_measures_the_time_and_refuses_a_second_operator(session: Session) -> None:
    cam = make_camera(session)
    alert = make_alert(session, cam)
    olga, wang = make_user(session, roles=(Role.OPERATOR,)), make_user(session, roles=(Role.OPERATOR,))
    acked = alerts.acknowledge(session, alert_id=alert.id, user=olga, now=_at(12.5))
    assert acked.state is AlertState.ACKNOWLEDGED and acked.ack_seconds == 12.5
    with pytest.raises(AlertAlreadyHandled) as info:
        alerts.acknowledge(session, alert_id=alert.id, user=wang, now=_at(13))
    assert olga.username in info.value.message and info.value.detail["by"] == olga.username


def test_unknown_alert_is_not_found(session: Session) -> None:
    user = make_user(session)
    with pytest.raises(AlertNotFound):
        alerts.acknowledge(session, alert_id=10**9, user=user, now=utcnow())


def test_false_alarm_closes_and_records_every_step(session: Session) -> None:
    cam = make_camera(session)
    alert = make_alert(session, cam)
    user = make_user(session)
    closed = alerts.close(session, alert_id=alert.id, user=user, false_alarm=True, note="cat", now=_at(5))
    assert closed.state is AlertState.FALSE_ALARM and closed.ack_seconds == 5 and closed.resolution == "cat"
    actions = session.scalars(select(AlertChange.action).where(AlertChange.alert_id == alert.id)).all()
    assert actions == ["created", "acknowledged", "false_alarm"]
    with pytest.raises(AlertAlreadyHandled):
        alerts.close(session, alert_id=alert.id, user=user, false_alarm=False, note="", now=_at(6))


def test_dispatch_goes_to_mqtt_and_the_responders_webhook(session: Session) -> None:
    settings = AlertSettings(responders=[ResponderConfig(name="patrol", webhook_url="http://127.0.0.1:9/x")])
    cam = make_camera(session)
    alert = make_alert(session, cam, settings=settings)
    user = make_user(session)
    alerts.dispatch(
        session,
        alert_id=alert.id,
        user=user,
        responders=["patrol"],
        note="gate 2",
        settings=settings,
        now=utcnow(),
    )
    assert alert.dispatched and alert.dispatched_to == ["patrol"]
    targets = session.scalars(
        select(Delivery.target)
        .join(OutboxMessage)
        .where(OutboxMessage.topic == f"alerts/{alert.id}/dispatch/patrol")
    ).all()
    assert sorted(targets) == ["mqtt", "webhook:patrol"]


def test_dispatch_to_an_unknown_responder_names_the_field(session: Session) -> None:
    cam = make_camera(session)
    alert = make_alert(session, cam)
    with pytest.raises(UnknownResponder) as info:
        alerts.dispatch(
            session,
            alert_id=alert.id,
            user=make_user(session),
            responders=["patrol", "army"],
            note="",
            settings=SETTINGS,
            now=utcnow(),
        )
    assert info.value.field == "body.responders[1]"


def test_escalation_waits_for_the_priority_target(session: Session) -> None:
    cam = make_camera(session)
    high = make_alert(session, cam, kind="covered", priority=Priority.HIGH, now=T0)
    normal = make_alert(session, make_camera(session), kind="motion", now=T0)
    assert alerts.escalate_overdue(session, settings=SETTINGS, leaders=["li"], now=_at(29)) == []
    assert alerts.escalate_overdue(session, settings=SETTINGS, leaders=["li"], now=_at(30)) == [high]
    assert high.escalated_to == ["li"]
    assert alerts.escalate_overdue(session, settings=SETTINGS, leaders=["li"], now=_at(45)) == []
    assert alerts.escalate_overdue(session, settings=SETTINGS, leaders=["li"], now=_at(60)) == [normal]


def test_a_backlog_is_escalated_oldest_first_in_batches(session: Session) -> None:
    cam = make_camera(session)
    backlog = [make_alert(session, cam, zone=f"z{i}", now=_at(i)) for i in range(5)]
    not_due = make_alert(session, cam, zone="late", now=_at(100))  # normal: past the high target only
    now = _at(130)
    first = alerts.escalate_overdue(session, settings=SETTINGS, leaders=["li"], now=now, limit=2)
    rest = alerts.escalate_overdue(session, settings=SETTINGS, leaders=["li"], now=now, limit=10)
    assert first == backlog[:2] and rest == backlog[2:]
    assert not_due.escalated_at is None


def test_a_batch_is_escalated_in_a_few_statements_with_its_changes_in_order(session: Session) -> None:
    cam = make_camera(session)
    backlog = [make_alert(session, cam, zone=f"z{i}", now=_at(i)) for i in range(20)]
    session.flush()
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    conn = session.connection()
    event.listen(conn, "before_cursor_execute", note)
    try:
        done = alerts.escalate_overdue(session, settings=SETTINGS, leaders=["li"], now=_at(600), limit=20)
    finally:
        event.remove(conn, "before_cursor_execute", note)
    assert done == backlog
    # select, update, changes, outbox messages, their deliveries: not four round trips per alert (SQLite has no
    # ordered RETURNING of many rows, so SQLAlchemy inserts row by row there: in-process, no round trips)
    if session.get_bind().dialect.name == "postgresql":
        assert len(statements) <= 8, statements
    ids = [a.id for a in backlog]
    changes = session.scalars(
        select(AlertChange.alert_id)
        .where(AlertChange.action == "escalated", AlertChange.alert_id.in_(ids))
        .order_by(AlertChange.id)
    ).all()
    assert list(changes) == ids
    topics = set(session.scalars(select(OutboxMessage.topic).where(OutboxMessage.topic.like("%/escalated"))))
    assert {f"alerts/{i}/escalated" for i in ids} <= topics


def test_an_acknowledged_alert_is_never_escalated(session: Session) -> None:
    cam = make_camera(session)
    alert = make_alert(session, cam, now=T0)
    alerts.acknowledge(session, alert_id=alert.id, user=make_user(session), now=_at(10))
    assert alerts.escalate_overdue(session, settings=SETTINGS, leaders=["li"], now=_at(600)) == []


def test_list_puts_open_and_high_priority_first(session: Session) -> None:
    cam = make_camera(session, name="listcam")
    old_high = make_alert(session, cam, kind="covered", priority=Priority.HIGH, now=T0)
    new_normal = make_alert(session, cam, kind="motion", now=_at(100))
    closed = make_alert(session, cam, kind="moved", now=_at(200))
    alerts.close(
        session, alert_id=closed.id, user=make_user(session), false_alarm=False, note="", now=_at(201)
    )
    rows, total = alerts.list_(session, limit=10, offset=0, camera="listcam")
    assert total == 3 and [a.id for a in rows] == [old_high.id, new_normal.id, closed.id]
    rows, _ = alerts.list_(session, limit=10, offset=0, camera="listcam", states=[AlertState.NEW])
    assert {a.id for a in rows} == {old_high.id, new_normal.id}


def test_default_leaders_are_the_enabled_shift_leaders(session: Session) -> None:
    make_user(session, username="zz_leader", roles=(Role.SHIFT_LEADER,))
    make_user(session, username="zz_gone", roles=(Role.SHIFT_LEADER,), disabled=True)
    leaders = alerts.default_leaders(session, T0)
    assert "zz_leader" in leaders and "zz_gone" not in leaders
