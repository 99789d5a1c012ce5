"""The issue's "done when": a real RTSP camera stream stops, a fault opens on its own within the configured
time, appears in the handover draft, closes when the stream returns, and a maintenance user verifies it
in the console (Chromium). Drives the real path: GStreamer RTSP server -> CaptureRuntime (inside the
Worker) -> maintenance.auto -> database -> handover -> console.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr
from sqlalchemy import select

from access.roles import Role
from core.clock import utcnow
from db.session import make_session_factory, session_scope
from devices.camera import service as cameras
from devices.camera.schemas import CameraCreate
from devices.credentials import CredentialBox
from maintenance.lifecycle import FaultState
from maintenance.models import Fault, FaultSource
from runtime.worker import Worker
from shift_logs.handover import service as handovers
from tests.browser.conftest import Live
from tests.devices.conftest import clip, own_rtsp_server, rtsp_available  # noqa: F401 - fixtures
from tests.factories.shift_logs import make_crew
from tests.support.app_env import Env
from tests.support.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.rtsp, pytest.mark.slow]

T = TypeVar("T")
OPEN_WITHIN_S = 20  # health thresholds (stalled/offline) plus the writer queue, with a generous margin


def _wait(what: str, probe: Callable[[], T | None], timeout: float) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _auto_fault(env: Env, camera_name: str) -> Fault | None:
    with env.session() as s:
        stmt = (
            select(Fault)
            .join(Fault.equipment)
            .where(Fault.source == FaultSource.AUTO, Fault.condition == "offline")
            .order_by(Fault.id.desc())
        )
        fault = s.scalars(stmt).first()
        return fault if fault is not None and fault.equipment.name == camera_name else None


def test_stopped_rtsp_stream_opens_a_fault_that_is_handed_over_closes_and_is_verified(
    make_env: Callable[..., Env],
    own_rtsp_server,  # noqa: F811 - the imported fixture
    page: Page,
) -> None:
    env = make_env(maintenance={"auto_close_after_s": 3, "job_interval_s": 1}, worker={"lease_s": 6})
    env.user(Role.MAINTENANCE, username="mia")
    factory = make_session_factory(env.engine)
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    with session_scope(factory) as s:
        data = CameraCreate(name="gate", url=SecretStr(own_rtsp_server.url("cam")), reason="e2e test")
        cameras.create(s, data=data, box=box)
        crew = make_crew(s, start=utcnow() - dt.timedelta(hours=1))
        post_id, outgoing_id = crew.post.id, crew.outgoing.id
    worker = Worker(env.settings, factory)
    worker.start()
    try:
        with LiveServer(env.app) as server:
            live = Live(env=env, url=server.url)

            def health() -> str:
                with env.session() as s:
                    camera = cameras.require_by_name(s, "gate")
                    return camera.health

            _wait("the camera to come online", lambda: health() == "online", 30)

            own_rtsp_server.stop()
            stopped = time.monotonic()
            fault = _wait("an automatic offline fault", lambda: _auto_fault(env, "gate"), OPEN_WITHIN_S)
            assert time.monotonic() - stopped < OPEN_WITHIN_S
            assert fault.state is FaultState.REPORTED and fault.condition_active

            with session_scope(factory) as s:
                outgoing = s.get(type(crew.outgoing), outgoing_id)
                draft = handovers.draft(s, post_id=post_id, outgoing=outgoing, now=utcnow())
                refs = [item["ref"] for item in draft.open_items]
            assert f"fault:{fault.id}" in refs

            own_rtsp_server.start()
            _wait("the camera to come back", lambda: health() == "online", 60)

            def closed() -> Fault | None:
                current = _auto_fault(env, "gate")
                return current if current is not None and current.state is FaultState.FIXED else None

            fixed = _wait("the fault to close after the condition cleared", closed, 30)
            assert fixed.id == fault.id and fixed.fixed_by_id is None

            live.login(page, "mia")
            page.goto(f"{live.url}/faults/{fault.id}")
            expect(page.get_by_test_id("history")).to_contain_text("closed it: the condition cleared")
            page.get_by_role("button", name="Verify fix").click()
            expect(page.get_by_test_id("fault-state")).to_have_text("verified")
            verified = _auto_fault(env, "gate")
            assert verified is not None and verified.state is FaultState.VERIFIED
    finally:
        worker.stop()
