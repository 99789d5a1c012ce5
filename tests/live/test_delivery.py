"""Outbox delivery against the real Mosquitto broker: delivered once, retried while the broker is away,
resumed after a restart of the service (new publisher objects, same database)."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import random
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from config.alerting import DeliverySettings, MqttSettings
from core.clock import FixedClock
from db.outbox import Delivery, DeliveryState, enqueue
from db.session import make_engine, make_session_factory, session_scope
from runtime.delivery import MqttPublisher, WebhookPublisher, deliver_due
from tests.conftest import make_settings
from tests.support.live_server import free_port
from tests.support.mqtt import Subscriber

SETTINGS = DeliverySettings(max_attempts=5, backoff_base_s=2, backoff_cap_s=60)
T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def factory(sqlite_url: str) -> Iterator:
    engine = make_engine(make_settings(sqlite_url).database)
    yield make_session_factory(engine)
    engine.dispose()


def _enqueue(factory, targets=("mqtt",)) -> int:
    with session_scope(factory) as s:
        return enqueue(
            s, topic="alerts/gate/motion", payload={"id": 7, "名": "门"}, targets=list(targets), now=T0
        ).id


def _state(factory) -> Delivery:
    with session_scope(factory) as s:
        return s.scalars(select(Delivery)).one()


def test_message_is_published_once_with_qos1(factory) -> None:
    clock = FixedClock(T0)
    _enqueue(factory)
    with Subscriber() as sub:
        publisher = MqttPublisher(MqttSettings(enabled=True, topic_prefix=sub.prefix), "t1")
        assert deliver_due(factory, {"mqtt": publisher}, SETTINGS, worker_id="w1", clock=clock) == 1
        topic, payload = sub.get()
        assert topic == f"{sub.prefix}/alerts/gate/motion" and payload == {"id": 7, "名": "门"}
        assert deliver_due(factory, {"mqtt": publisher}, SETTINGS, worker_id="w1", clock=clock) == 0
        publisher.close()
    row = _state(factory)
    assert row.state is DeliveryState.DELIVERED and row.attempts == 1


def test_broker_down_is_retried_with_backoff_and_resumes_after_restart(factory) -> None:
    clock = FixedClock(T0)
    _enqueue(factory)
    down = MqttPublisher(MqttSettings(enabled=True, port=free_port(), timeout_s=1), "t2")
    assert (
        deliver_due(factory, {"mqtt": down}, SETTINGS, worker_id="w1", clock=clock, rng=random.Random(1)) == 0
    )
    row = _state(factory)
    assert row.state is DeliveryState.PENDING and row.attempts == 1
    assert "unreachable" in (row.last_error or "")
    assert T0 + dt.timedelta(seconds=1) <= row.next_attempt_at <= T0 + dt.timedelta(seconds=2)
    # not yet due: nothing is attempted
    assert deliver_due(factory, {"mqtt": down}, SETTINGS, worker_id="w1", clock=clock) == 0
    assert _state(factory).attempts == 1
    # "restart": new publisher objects, same database; the broker is reachable again
    clock.advance(dt.timedelta(seconds=3))
    with Subscriber() as sub:
        up = MqttPublisher(MqttSettings(enabled=True, topic_prefix=sub.prefix), "t3")
        assert deliver_due(factory, {"mqtt": up}, SETTINGS, worker_id="w2", clock=clock) == 1
        assert sub.get()[1]["id"] == 7
        up.close()
    assert _state(factory).state is DeliveryState.DELIVERED


def test_delivery_gives_up_after_max_attempts(factory) -> None:
    clock = FixedClock(T0)
    _enqueue(factory)
    down = MqttPublisher(MqttSettings(enabled=True, port=free_port(), timeout_s=1), "t4")
    for _ in range(SETTINGS.max_attempts):
        deliver_due(factory, {"mqtt": down}, SETTINGS, worker_id="w1", clock=clock)
        clock.advance(dt.timedelta(minutes=2))
    row = _state(factory)
    assert row.state is DeliveryState.FAILED and row.attempts == SETTINGS.max_attempts


def test_webhook_receives_the_message(factory) -> None:
    received: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _enqueue(factory, targets=("webhook:patrol",))
        hook = WebhookPublisher(f"http://127.0.0.1:{server.server_address[1]}/hook")
        assert (
            deliver_due(factory, {"webhook:patrol": hook}, SETTINGS, worker_id="w", clock=FixedClock(T0)) == 1
        )
    finally:
        server.shutdown()
        server.server_close()
    assert received == [{"topic": "alerts/gate/motion", "payload": {"id": 7, "名": "门"}}]


def test_a_target_without_a_publisher_is_marked_failed(factory) -> None:
    _enqueue(factory)
    assert deliver_due(factory, {}, SETTINGS, worker_id="w", clock=FixedClock(T0)) == 0
    row = _state(factory)
    assert row.state is DeliveryState.FAILED and "no publisher" in (row.last_error or "")


def test_a_batch_is_sent_in_one_pass_and_a_message_another_worker_holds_is_left_to_it(factory) -> None:
    clock = FixedClock(T0)
    ids = [_enqueue(factory) for _ in range(30)]
    with session_scope(factory) as s:  # the first message's claim expired and worker w2 took it over
        taken = s.scalars(select(Delivery).order_by(Delivery.id)).first()
        assert taken is not None
        taken.claimed_by, taken.claimed_until = "w2", T0 + dt.timedelta(minutes=1)
    with Subscriber() as sub:
        publisher = MqttPublisher(MqttSettings(enabled=True, topic_prefix=sub.prefix), "t9")
        assert deliver_due(factory, {"mqtt": publisher}, SETTINGS, worker_id="w1", clock=clock) == 29
        got = [sub.get() for _ in range(29)]
        publisher.close()
    assert len(got) == 29
    with session_scope(factory) as s:
        rows = s.scalars(select(Delivery).order_by(Delivery.id)).all()
        assert [r.message_id for r in rows] == ids
        assert rows[0].state is DeliveryState.PENDING and rows[0].claimed_by == "w2" and rows[0].attempts == 0
        assert all(r.state is DeliveryState.DELIVERED and r.attempts == 1 for r in rows[1:])
