"""A real MQTT subscriber on the test broker (Mosquitto at 127.0.0.1:1883)."""

from __future__ import annotations

import json
import queue
import time
import uuid
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

BROKER = ("127.0.0.1", 1883)


class Subscriber:
    """Subscribes to `<prefix>/#` and collects (topic, payload) pairs."""

    def __init__(self, prefix: str | None = None) -> None:
        self.prefix = prefix or f"crtest-{uuid.uuid4().hex[:8]}"
        self.messages: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self._ready = False
        self._client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        self.messages.put((msg.topic, json.loads(msg.payload)))

    def _on_subscribe(self, *_args: Any) -> None:
        self._ready = True

    def __enter__(self) -> Subscriber:
        self._client.connect(*BROKER)
        self._client.loop_start()
        self._client.subscribe(f"{self.prefix}/#", qos=1)
        deadline = time.monotonic() + 5
        while not self._ready:
            assert time.monotonic() < deadline, "MQTT subscribe not acknowledged"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._client.loop_stop()
        self._client.disconnect()

    def get(self, timeout: float = 5.0) -> tuple[str, dict[str, Any]]:
        """The next message, or AssertionError after `timeout`."""
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no MQTT message on {self.prefix}/# within {timeout} s") from None
