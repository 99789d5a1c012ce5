"""Sending the outbox: MQTT (QoS 1) and webhooks, with retries, backoff and per-target state.

Due deliveries are claimed in the database (`FOR UPDATE SKIP LOCKED` on PostgreSQL) before they are
sent, so several workers can send without sending a message twice, and a worker that dies mid-send
leaves its claims to expire and be taken over (at-least-once delivery).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from alerts.escalation import retry_delay
from config.alerting import DeliverySettings, MqttSettings, ResponderConfig
from core.clock import Clock, SystemClock
from db.outbox import Delivery, DeliveryState, OutboxMessage
from db.session import SessionFactory, session_scope

__all__ = ["DeliveryError", "MqttPublisher", "Publisher", "WebhookPublisher", "deliver_due"]

log = logging.getLogger(__name__)
CLAIM_S = 60


class DeliveryError(Exception):
    """A message could not be delivered this time."""


RETAINED_TOPICS = ("checkpoints/",)  # the broker keeps the last one for every new subscriber


class Publisher(Protocol):
    """Sends one message to one kind of target."""

    def publish(self, topic: str, payload: Mapping[str, Any]) -> None:
        """Deliver or raise DeliveryError."""
        ...


class MqttPublisher:
    """Publishes JSON with QoS 1 to the broker; connects lazily and reconnects after a failure."""

    def __init__(self, settings: MqttSettings, client_id: str) -> None:
        self.settings = settings
        self.client_id = client_id
        self._client: mqtt.Client | None = None
        self._lock = threading.Lock()

    def _connect(self) -> mqtt.Client:
        client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=self.client_id)
        if self.settings.username:
            client.username_pw_set(self.settings.username, self.settings.password.get_secret_value())
        client.connect_timeout = self.settings.timeout_s
        try:
            client.connect(self.settings.host, self.settings.port, keepalive=30)
        except OSError as exc:
            raise DeliveryError(
                f"MQTT broker {self.settings.host}:{self.settings.port} unreachable: {exc}"
            ) from exc
        client.loop_start()
        return client

    def publish(self, topic: str, payload: Mapping[str, Any]) -> None:
        """Publish and wait for the broker's PUBACK."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            client = self._client
        full = f"{self.settings.topic_prefix}/{topic}"
        retain = topic.startswith(RETAINED_TOPICS)
        info = client.publish(full, json.dumps(payload, ensure_ascii=False), qos=1, retain=retain)
        try:
            info.wait_for_publish(timeout=self.settings.timeout_s)
        except (RuntimeError, ValueError) as exc:
            self.close()
            raise DeliveryError(f"MQTT publish to {full} failed: {exc}") from exc
        if not info.is_published():
            self.close()
            raise DeliveryError(f"MQTT publish to {full} not acknowledged within {self.settings.timeout_s} s")

    def close(self) -> None:
        """Disconnect (the next publish reconnects)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.loop_stop()
            client.disconnect()


class WebhookPublisher:
    """POSTs the message as JSON to a responder's webhook."""

    def __init__(self, url: str, timeout_s: float = 5.0) -> None:
        self.url = url
        self.timeout_s = timeout_s

    def publish(self, topic: str, payload: Mapping[str, Any]) -> None:
        """POST `{"topic", "payload"}`; any non-2xx answer is a failure."""
        body = json.dumps({"topic": topic, "payload": payload}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                if not 200 <= response.status < 300:
                    raise DeliveryError(f"webhook answered {response.status}")
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"webhook failed: {exc}") from exc


def publishers_for(
    mqtt_settings: MqttSettings, responders: list[ResponderConfig], client_id: str
) -> dict[str, Publisher]:
    """The publishers by target name (`mqtt`, `webhook:<responder>`) the settings configure."""
    out: dict[str, Publisher] = {}
    if mqtt_settings.enabled:
        out["mqtt"] = MqttPublisher(mqtt_settings, client_id)
    for responder in responders:
        if responder.webhook_url:
            out[f"webhook:{responder.name}"] = WebhookPublisher(responder.webhook_url)
    return out


@dataclass(frozen=True)
class _Job:
    """A claimed delivery, read out of its transaction: what to send where."""

    delivery_id: int
    target: str
    topic: str
    payload: Mapping[str, Any]


def _claim(
    factory: SessionFactory, worker_id: str, settings: DeliverySettings, now: dt.datetime
) -> list[_Job]:
    with session_scope(factory) as session:
        stmt = (
            select(Delivery)
            .options(joinedload(Delivery.message).lazyload(OutboxMessage.deliveries))
            .where(
                Delivery.state == DeliveryState.PENDING,
                Delivery.next_attempt_at <= now,
                or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
            )
            .order_by(Delivery.id)
            .limit(settings.batch)
            .with_for_update(skip_locked=True, of=Delivery)
        )
        rows = list(session.scalars(stmt))
        for row in rows:
            row.claimed_by, row.claimed_until = worker_id, now + dt.timedelta(seconds=CLAIM_S)
        return [_Job(row.id, row.target, row.message.topic, row.message.payload) for row in rows]


def _send(job: _Job, publishers: Mapping[str, Publisher]) -> tuple[str | None, bool]:
    """Send one claimed message: (the error or None, whether retrying can help)."""
    publisher = publishers.get(job.target)
    if publisher is None:
        return f"no publisher configured for {job.target}", False
    try:
        publisher.publish(job.topic, job.payload)
    except DeliveryError as exc:
        return str(exc)[:2000], True
    return None, True


def _record(
    factory: SessionFactory,
    outcomes: list[tuple[int, str | None, bool]],
    worker_id: str,
    settings: DeliverySettings,
    now: dt.datetime,
    rng: random.Random,
) -> int:
    """Write what happened to a batch in one transaction (a claim that expired meanwhile and was taken over
    by another worker is left to it); return how many were delivered."""
    delivered = 0
    with session_scope(factory) as session:
        rows = {
            row.id: row
            for row in session.scalars(
                select(Delivery).where(Delivery.id.in_([delivery_id for delivery_id, _, _ in outcomes]))
            )
        }
        for delivery_id, error, retry in outcomes:
            delivery = rows.get(delivery_id)
            if delivery is None or delivery.state is not DeliveryState.PENDING:
                continue
            if delivery.claimed_by not in (worker_id, None):
                continue
            delivery.attempts += 1
            delivery.claimed_by = delivery.claimed_until = None
            if error is None:
                delivery.state, delivery.delivered_at, delivery.last_error = (
                    DeliveryState.DELIVERED,
                    now,
                    None,
                )
                delivered += 1
            elif not retry or delivery.attempts >= settings.max_attempts:
                delivery.state, delivery.last_error = DeliveryState.FAILED, error
                if retry:
                    log.error("giving up delivery %d to %s: %s", delivery.id, delivery.target, error)
            else:
                delivery.last_error = error
                wait = retry_delay(
                    delivery.attempts, base_s=settings.backoff_base_s, cap_s=settings.backoff_cap_s, rng=rng
                )
                delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
    return delivered


def deliver_due(
    factory: SessionFactory,
    publishers: Mapping[str, Publisher],
    settings: DeliverySettings,
    *,
    worker_id: str,
    clock: Clock | None = None,
    rng: random.Random | None = None,
) -> int:
    """Send every due delivery once; return how many were delivered. A batch is claimed in one
    transaction, sent, and its outcomes written in one more (not one transaction per message)."""
    clock = clock or SystemClock()
    rng = rng or random.Random()
    jobs = _claim(factory, worker_id, settings, clock.now())
    if not jobs:
        return 0
    outcomes = [(job.delivery_id, *_send(job, publishers)) for job in jobs]
    return _record(factory, outcomes, worker_id, settings, clock.now(), rng)
