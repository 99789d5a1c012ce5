"""The camera-state stream's one reader per process (`api.camera_feed`) on SQLite and PostgreSQL: however
many streams listen, the states are read once per wake-up, and every stream still gets every change."""

from __future__ import annotations

import asyncio
import json
import uuid

import anyio
import pytest
from sqlalchemy import Engine, event

from api.camera_feed import CameraStates, camera_events
from api.notify import Notifier
from core.clock import utcnow
from db.session import make_engine, make_session_factory, session_scope
from devices.camera import service as cameras
from tests.conftest import make_settings
from tests.factories.alerts import make_camera
from tests.support.aio import run_scenario

pytestmark = pytest.mark.slow


class Reader:
    """Drains one camera stream in the background, keeping the health of camera `name` in each frame."""

    def __init__(self, states: CameraStates, name: str) -> None:
        self.frames, self.name = camera_events(states), name
        self.seen: list[str] = []

    async def run(self) -> None:
        async for frame in self.frames:
            text = frame.decode()
            if text.startswith("event: cameras"):
                rows = json.loads(text.split("data: ", 1)[1])
                self.seen += [r["health"] for r in rows if r["name"] == self.name]


async def _until(check: object, within_s: float = 20.0) -> None:
    with anyio.fail_after(within_s):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110
            await anyio.sleep(0.05)


def _count_camera_reads(engine: Engine) -> list[str]:
    """Every statement on `engine` that reads the cameras table is appended to the returned list."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "FROM cameras" in statement:
            seen.append(statement)

    return seen


def _set_health(url: str, name: str, status: str) -> None:
    """Change the camera's health on a connection of another engine (its reads are not the feed's)."""
    other = make_engine(make_settings(url).database)
    with session_scope(make_session_factory(other)) as s:
        cameras.set_health(s, name=name, status=status, reason=status, since=utcnow())
    other.dispose()


def test_the_states_are_read_once_per_wake_up_however_many_streams_listen(
    engine: Engine, db_url: str
) -> None:
    streams = 20
    name = f"gate-{uuid.uuid4().hex[:6]}"
    with session_scope(make_session_factory(engine)) as s:
        make_camera(s, name=name)
    notifier = Notifier(db_url, fallback_s=5.0)
    states = CameraStates(make_session_factory(engine), notifier, poll_s=1.0)
    reads = _count_camera_reads(engine)
    changes = ["offline", "online", "degraded"]

    async def scenario() -> None:
        readers = [Reader(states, name) for _ in range(streams)]
        async with anyio.create_task_group() as tg:
            for r in readers:
                tg.start_soon(r.run)
            await _until(lambda: all(r.seen for r in readers))
            per_read = len(reads) / states.reads  # the statements of one read of the states
            start_reads, start_shared = len(reads), states.reads
            started = asyncio.get_running_loop().time()
            for status in changes:
                await anyio.to_thread.run_sync(_set_health, db_url, name, status)
                await _until(lambda status=status: all(r.seen[-1:] == [status] for r in readers))
            statements, shared = len(reads) - start_reads, states.reads - start_shared
            seconds = asyncio.get_running_loop().time() - started
            tg.cancel_scope.cancel()
        # each stream saw each change; only the shared reader read the states, once per wake-up (a change, or
        # at most two timer ticks a period), not once per stream: before, 20 streams made 20 reads a wake-up
        assert all(r.seen[-len(changes) :] == changes for r in readers)
        # the shared reader's statements only (a first read may issue more than later ones, so not an exact
        # multiple: CI once saw 6 statements for 4 reads after a first read of 4); 20 streams reading for
        # themselves would make about 20 times as many
        assert statements <= shared * per_read
        assert 1 <= shared <= len(changes) + 2 * (seconds / states.poll_s + 1), (shared, seconds)

    try:
        run_scenario(scenario)
        if db_url.startswith("postgresql"):
            assert notifier.listening
    finally:
        notifier.stop()
