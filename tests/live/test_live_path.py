"""End to end on real peers: an RTSP camera shows a person walking in -> alert on the console's SSE
stream -> acknowledged through the API; an alert nobody acknowledges escalates to the shift leader;
a dispatch lands on the real Mosquitto broker."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from access.roles import Role
from api.app import create_app
from config.cameras import CameraConfig
from db.session import make_engine, make_session_factory, session_scope
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from runtime.worker import Worker
from tests.conftest import make_settings
from tests.support.app_env import Env
from tests.support.live_server import LiveServer
from tests.support.mqtt import Subscriber
from tests.support.peers import RtspServer, missing_peer
from tests.support.scene import make_person_clip

pytestmark = [pytest.mark.rtsp, pytest.mark.slow]


@pytest.fixture(scope="module")
def scene_server() -> Iterator[RtspServer]:
    if not RtspServer.available():
        missing_peer("GStreamer RTSP server not loadable by /usr/bin/python3")
    clip = make_person_clip(seconds=30, enter_at=6)
    server = RtspServer(["--file", f"front={clip}", "--file", f"back={clip}"]).start()
    yield server
    server.stop()


class SseListener(threading.Thread):
    """Collects SSE events of the alert stream in the background."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.url, self.headers = url, headers
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=None) as http, http.stream("GET", self.url, headers=self.headers) as r:
            for line in r.iter_lines():
                if self.stop.is_set():
                    return
                if line.startswith("data: "):
                    self.events.put(json.loads(line[6:]))

    def wait_for(self, timeout: float, **match: Any) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.5)
            except queue.Empty:
                continue
            alert = event["alert"]
            if all(event.get(k) == v or alert.get(k) == v for k, v in match.items()):
                return event
        raise AssertionError(f"no SSE event matching {match} within {timeout} s")


def test_person_alert_ack_escalation_and_dispatch(sqlite_url: str, scene_server: RtspServer) -> None:
    with Subscriber() as mqtt:
        settings = make_settings(
            sqlite_url,
            mqtt={"enabled": True, "topic_prefix": mqtt.prefix},
            alerts={"ack_target_high_s": 2, "ack_target_normal_s": 3, "escalation_check_s": 0.5},
            delivery={"interval_s": 0.3},
            worker={"lease_s": 30},
        )
        engine = make_engine(settings.database)
        factory = make_session_factory(engine)
        cams = [
            CameraConfig(name=n, url=scene_server.url(n), detect={"fps": 5})  # type: ignore[arg-type]
            for n in ("front", "back")
        ]
        with session_scope(factory) as s:
            cameras.import_config(
                s, cameras=cams, box=CredentialBox(settings.auth.secret_key.get_secret_value())
            )
        app = create_app(settings, engine=engine)
        env = Env(app=app, client=None, engine=engine, settings=settings)  # type: ignore[arg-type]
        operator = env.user(Role.OPERATOR, username="olga")
        env.user(Role.SHIFT_LEADER, username="li")
        headers = env.token(operator)
        worker = Worker(settings, factory)
        app.state.ctx.live = worker.capture
        with LiveServer(app) as server:
            sse = SseListener(f"{server.url}/api/v1/alerts/stream", headers)
            sse.start()
            worker.start()
            try:
                front = sse.wait_for(40, action="created", camera_name="front", kind="motion")["alert"]
                with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
                    ack = http.post(f"/api/v1/alerts/{front['id']}/acknowledge")
                    assert ack.status_code == 200 and ack.json()["ack_seconds"] is not None
                    back = sse.wait_for(20, action="escalated", camera_name="back")["alert"]
                    assert back["escalated_to"] == ["li"] and back["state"] == "new"
                    dispatched = http.post(
                        f"/api/v1/alerts/{front['id']}/dispatch",
                        json={"responders": ["patrol"], "note": "go"},
                    )
                    assert dispatched.status_code == 200
                    snapshot = http.get(f"/api/v1/alerts/{front['id']}/snapshot")
                    assert snapshot.headers["content-type"] == "image/jpeg"
                topics = {}
                deadline = time.monotonic() + 15
                want = {
                    f"{mqtt.prefix}/alerts/{front['id']}/dispatch/patrol",
                    f"{mqtt.prefix}/alerts/{back['id']}/escalated",
                }
                while not want <= set(topics) and time.monotonic() < deadline:
                    topic, payload = mqtt.get(timeout=max(0.1, deadline - time.monotonic()))
                    topics[topic] = payload
                assert want <= set(topics), sorted(topics)
                assert topics[f"{mqtt.prefix}/alerts/{front['id']}/dispatch/patrol"]["by"] == "olga"
                assert f"{mqtt.prefix}/alerts/front/motion" in topics
            finally:
                sse.stop.set()
                worker.stop()
        engine.dispose()
