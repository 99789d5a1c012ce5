"""The alert stream's fan-out (`api.alert_feed`) on SQLite and PostgreSQL: one read per wake-up however
many streams listen, each stream sees only what its audience allows, a slow stream is dropped without
holding back the others, and a dropped stream resumes from its last event id without a gap."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio
import pytest
from sqlalchemy import Engine, event

from alerts.models import Priority
from api import alert_feed
from api.alert_feed import AlertEvent, AlertFeed, alert_events
from api.notify import Notifier
from db.session import make_session_factory, session_scope
from tests.factories.alerts import make_alert, make_camera
from tests.support.aio import run_scenario

pytestmark = pytest.mark.slow


def _raise(engine: Engine, camera: str, n: int) -> list[int]:
    """Commit `n` new alerts on `camera` (made if missing); their ids."""
    with session_scope(make_session_factory(engine)) as s:
        cam = make_camera(s, name=f"{camera}-{uuid.uuid4().hex[:6]}")
        return [make_alert(s, cam, zone=f"z{i}", priority=Priority.NORMAL).id for i in range(n)]


class Reader:
    """Drains one stream in the background, keeping the change ids and alert ids it got."""

    def __init__(self, frames: AsyncIterator[bytes]) -> None:
        self.frames = frames
        self.ids: list[int] = []
        self.alerts: list[int] = []
        self.ended = False

    async def run(self) -> None:
        async for chunk in self.frames:
            for text in _frames(chunk):
                if not text.startswith("id: "):
                    continue
                head, _, rest = text.partition("\n")
                self.ids.append(int(head[4:]))
                self.alerts.append(json.loads(rest.split("data: ", 1)[1])["alert"]["id"])
        self.ended = True


def _frames(chunk: bytes) -> list[str]:
    """The SSE frames in one write of a stream (what one wake-up brought is written at once)."""
    return [frame + "\n\n" for frame in chunk.decode().split("\n\n") if frame]


async def _until(check: object, within_s: float = 15.0) -> None:
    with anyio.fail_after(within_s):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110
            await anyio.sleep(0.05)


def _count_change_reads(engine: Engine) -> list[str]:
    """Every statement on `engine` that reads `alert_changes` is appended to the returned list."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "FROM alert_changes" in statement:
            seen.append(statement)

    return seen


@pytest.fixture
def make_feed(engine: Engine, db_url: str) -> Iterator[Callable[..., AlertFeed]]:
    """Build feeds on the test's database; their listening connections are closed after the test."""
    made: list[Notifier] = []

    def build(**kwargs: float) -> AlertFeed:
        made.append(Notifier(db_url, fallback_s=5.0))
        return AlertFeed(make_session_factory(engine), made[-1], **kwargs)  # type: ignore[arg-type]

    yield build
    for notifier in made:
        notifier.stop()


def _head(engine: Engine) -> int:
    from alerts import service as alerts

    with session_scope(make_session_factory(engine)) as s:
        return alerts.last_change_id(s)


def test_one_read_per_change_however_many_streams_listen(
    engine: Engine, db_url: str, make_feed: Callable[..., AlertFeed]
) -> None:
    subscribers, changes = 20, 6
    start = _head(engine)
    feed = make_feed()
    reads = _count_change_reads(engine)

    async def scenario() -> None:
        readers = [Reader(alert_events(feed, after=start)) for _ in range(subscribers)]
        async with anyio.create_task_group() as tg:
            for r in readers:
                tg.start_soon(r.run)
            # the feed's start (the newest id) and every stream's own catch-up are read first
            await _until(lambda: len(reads) - feed.reads >= subscribers + 1)
            before_reads, before_feed = len(reads), feed.reads
            raised = await anyio.to_thread.run_sync(_raise, engine, "cam", changes)
            await _until(lambda: all(r.alerts == raised for r in readers))
            during_reads, during_feed = len(reads) - before_reads, feed.reads - before_feed
            tg.cancel_scope.cancel()
        # only the feed read the changes while they were delivered (once per wake-up, however many streams
        # listen); before, each of the 20 streams read on each wake-up
        assert during_reads == during_feed >= 1
        assert sum(len(r.ids) for r in readers) == subscribers * changes

    run_scenario(scenario)
    if db_url.startswith("postgresql"):
        assert feed.notifier is not None and feed.notifier.listening


def test_streams_catching_up_at_once_encode_each_change_once(
    engine: Engine, make_feed: Callable[..., AlertFeed], monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribers, changes = 10, 30
    start = _head(engine)
    raised = _raise(engine, "cam", changes)  # committed before anyone listens: every stream catches up
    feed = make_feed()
    encoded: list[int] = []
    real_encode = alert_feed._encode

    def counted(change: Any, alert: Any) -> AlertEvent:
        encoded.append(change.id)
        return real_encode(change, alert)

    monkeypatch.setattr(alert_feed, "_encode", counted)

    async def scenario() -> None:
        readers = [Reader(alert_events(feed, after=start)) for _ in range(subscribers)]
        async with anyio.create_task_group() as tg:
            for r in readers:
                tg.start_soon(r.run)
            await _until(lambda: all(r.alerts == raised for r in readers))
            tg.cancel_scope.cancel()

    run_scenario(scenario)
    # the feed's own first read and one catch-up encode them; the other streams take the same bytes (each
    # stream read and encoded all 30 itself before: 300 and more)
    ours = [i for i in encoded if i > start]
    assert len(ours) <= 2 * changes, len(ours)


def test_a_stream_sees_only_what_its_audience_allows(
    engine: Engine, make_feed: Callable[..., AlertFeed]
) -> None:
    start = _head(engine)
    feed = make_feed()

    def post_a(e: AlertEvent) -> bool:  # an operator of post A: the cameras of post A
        return e.camera.startswith("post-a-")

    async def scenario() -> None:
        a, b = (
            Reader(alert_events(feed, after=start, audience=post_a)),
            Reader(alert_events(feed, after=start)),
        )
        async with anyio.create_task_group() as tg:
            tg.start_soon(a.run)
            tg.start_soon(b.run)
            early_b = await anyio.to_thread.run_sync(_raise, engine, "post-b", 2)  # read by the catch-up
            await _until(lambda: len(feed.subscribers) == 2)
            own = await anyio.to_thread.run_sync(_raise, engine, "post-a", 2)
            other = await anyio.to_thread.run_sync(_raise, engine, "post-b", 3)
            await _until(lambda: set(early_b + own + other) <= set(b.alerts))
            await anyio.sleep(0.5)
            tg.cancel_scope.cancel()
        assert a.alerts == own
        assert not set(a.alerts) & set(early_b + other)

    run_scenario(scenario)


def test_a_slow_stream_is_dropped_without_holding_back_the_others_and_resumes(
    engine: Engine, make_feed: Callable[..., AlertFeed]
) -> None:
    start = _head(engine)
    feed = make_feed(capacity=8)

    async def scenario() -> None:
        fast = Reader(alert_events(feed, after=start))
        slow = alert_events(feed, after=start)
        got = [await anext(slow)]  # "retry:", then the stream sits unread
        async with anyio.create_task_group() as tg:
            tg.start_soon(fast.run)
            await _until(lambda: len(feed.subscribers) == 2)
            first = await anyio.to_thread.run_sync(_raise, engine, "cam", 2)
            await _until(lambda: fast.alerts == first)
            got.append(await anext(slow))  # the slow console takes one event, then falls behind
            raised = list(first)
            for _ in range(8):  # two per commit: each read of the feed fits a queue, eight do not
                raised += await anyio.to_thread.run_sync(_raise, engine, "cam", 2)
                await anyio.sleep(0.3)
            await _until(lambda: fast.alerts == raised)
            (slow_sub,) = [s for s in feed.subscribers if s.dropped]
            assert slow_sub.dropped
            rest = [frame async for frame in slow]  # the dropped stream ends by itself
            tg.cancel_scope.cancel()
        sent = [f for chunk in got + rest for f in _frames(chunk) if f.startswith("id: ")]
        last_id = int(sent[-1].split("\n")[0][4:])
        # the browser reconnects with Last-Event-ID: its own catch-up sends everything after it
        resumed = Reader(alert_events(feed, after=last_id))
        async with anyio.create_task_group() as tg:
            tg.start_soon(resumed.run)
            await _until(lambda: len(resumed.alerts) >= len(raised) - len(sent))
            tg.cancel_scope.cancel()
        seen = [json.loads(s.split("data: ", 1)[1])["alert"]["id"] for s in sent] + resumed.alerts
        assert seen == raised

    run_scenario(scenario)
