"""The service restarted mid-escalation: a new worker process (new objects, same database) neither repeats
the escalation nor loses the escalation message the old one queued and never sent; it reaches the real
Mosquitto broker once."""

from __future__ import annotations

import datetime as dt
import queue

from sqlalchemy import func, select

from access.roles import Role
from access.users import service as users
from alerts.models import Alert, AlertChange, Priority
from core.clock import FixedClock
from db.outbox import Delivery, DeliveryState
from db.session import make_engine, make_session_factory, session_scope
from runtime.worker import Worker
from tests.conftest import make_settings
from tests.factories.alerts import make_alert, make_camera
from tests.support.mqtt import Subscriber

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def test_a_restart_between_escalating_and_sending_neither_repeats_nor_loses_anything(sqlite_url: str) -> None:
    with Subscriber() as mqtt:
        settings = make_settings(
            sqlite_url,
            mqtt={"enabled": True, "topic_prefix": mqtt.prefix},
            alerts={"ack_target_high_s": 30, "ack_target_normal_s": 60},
            worker={"enabled": False},
        )
        engine = make_engine(settings.database)
        factory = make_session_factory(engine)
        with session_scope(factory) as s:
            users.create(s, username="li", password="a long password", roles=(Role.SHIFT_LEADER,), now=T0)
            alert_id = make_alert(s, make_camera(s, name="gate"), priority=Priority.HIGH, now=T0).id
        late = FixedClock(T0 + dt.timedelta(seconds=45))

        before = Worker(settings, factory, clock=late)  # escalates, then "crashes" before its delivery run
        before.escalate()
        before.stop()

        after = Worker(settings, factory, clock=late)  # the restarted service
        after.escalate()
        after.deliver()
        after.deliver()
        received = [mqtt.get(timeout=10)]
        after.stop()
        while True:  # anything else within a moment would be a message sent twice
            try:
                received.append(mqtt.messages.get(timeout=1.5))
            except queue.Empty:
                break
        topics = sorted(topic for topic, _ in received)
        escalated = f"{mqtt.prefix}/alerts/{alert_id}/escalated"
        assert topics == sorted([f"{mqtt.prefix}/alerts/gate/motion", escalated]), topics
        assert dict(received)[escalated]["escalated_to"] == ["li"]
        with session_scope(factory) as s:
            alert = s.get(Alert, alert_id)
            assert alert is not None and alert.escalated_to == ["li"]
            changes = select(func.count()).where(
                AlertChange.alert_id == alert_id, AlertChange.action == "escalated"
            )
            assert s.scalar(changes) == 1
            states = s.scalars(select(Delivery.state)).all()
            assert states == [DeliveryState.DELIVERED, DeliveryState.DELIVERED]
        engine.dispose()
