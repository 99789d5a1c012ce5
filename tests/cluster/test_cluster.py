"""Three capture workers and two API processes on one PostgreSQL database, 12 cameras on the real RTSP test
server: fair shares, `kill -9` of a worker, its cameras read again by the others within lease_s + 5 s, no
alert lost or doubled between the outbox and Mosquitto, the duty and audit chains intact, and a tile and an
SSE stream on either API process working through the failover, and recording going on with the new owner
in new segments, the hand-over a gap in the footage index as long as the failover, never overlapping."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from access.audit import service as audit
from access.roles import Role
from alerts.models import Alert, AlertChange
from config.cameras import CameraConfig
from core.clock import utcnow
from db.outbox import Delivery, DeliveryState, OutboxMessage
from db.session import make_engine, make_session_factory, session_scope
from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from footage import segments as footage_segments
from footage.models import Segment
from runtime.migrate import upgrade
from shift_logs.duty_log import service as duty_log
from testkit.cluster import SERVER_KEY, Cluster, fresh_pg_database
from tests.conftest import PG_ADMIN_URL, make_settings
from tests.factories.access import make_api_token, make_user
from tests.factories.shift_logs import make_post
from tests.support.mqtt import Subscriber
from tests.support.peers import RtspServer, missing_peer
from tests.support.scene import make_person_clip

# five `serve` processes import the application at once: ~60 s on an idle 2-core machine, several minutes
# when many test runs share it (the suite's 300 s per test is too short for that)
pytestmark = [pytest.mark.postgres, pytest.mark.rtsp, pytest.mark.slow, pytest.mark.timeout(900)]
log = logging.getLogger(__name__)  # the measured times (pytest --log-level=INFO -rP shows them)
CAMERAS = [f"c{i:02}" for i in range(1, 13)]
LEASE_S = 5.0


class Sse(threading.Thread):
    """Collects alert events of one API process's SSE stream, with the time each arrived."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.url, self.headers = url, headers
        self.events: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self._response: httpx.Response | None = None
        self._closed = threading.Event()

    def run(self) -> None:
        try:
            with httpx.Client(timeout=None) as http, http.stream("GET", self.url, headers=self.headers) as r:
                self._response = r
                for line in r.iter_lines():
                    if self._closed.is_set():
                        return
                    if line.startswith("data: "):
                        self.events.put((time.monotonic(), json.loads(line[6:])))
        except (httpx.HTTPError, OSError, RuntimeError):
            return  # closed by the test, or the API process stopped

    def close(self) -> None:
        """Hang up (an open stream would hold the API process's graceful stop)."""
        self._closed.set()
        if self._response is not None:
            with contextlib.suppress(Exception):
                self._response.close()
        self.join(5)

    def wait_for(self, timeout: float, after: float, cameras: set[str]) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                at, event = self.events.get(timeout=0.5)
            except queue.Empty:
                continue
            if at > after and event["alert"]["camera_name"] in cameras:
                return event
        raise AssertionError(f"no SSE event of {sorted(cameras)} on {self.url} within {timeout} s")


@pytest.fixture(scope="module")
def server() -> Iterator[RtspServer]:
    if not RtspServer.available():
        missing_peer("GStreamer RTSP server not loadable by /usr/bin/python3")
    clip = make_person_clip("cluster", seconds=40, enter_at=3, size=(384, 216))
    args = [arg for name in CAMERAS for arg in ("--file", f"{name}={clip}")]
    srv = RtspServer(args).start()
    yield srv
    srv.stop()


def _holders(engine: Engine) -> dict[str, str | None]:
    factory = make_session_factory(engine)
    now = utcnow()
    with session_scope(factory) as s:
        return {
            c.name: (c.worker_id if c.lease_until and c.lease_until > now else None)
            for c in s.scalars(select(Camera))
        }


def _wait(check: Any, timeout: float, what: str, state: Any = None) -> float:
    """Seconds until `check()` holds (polled), or AssertionError naming `what` and `state()` at the end."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s" + (f" ({state()})" if state else ""))


def _seed(engine: Engine, rtsp: RtspServer) -> tuple[dict[str, str], dict[str, int], int]:
    factory = make_session_factory(engine)
    box = CredentialBox(SERVER_KEY)
    cams = [
        CameraConfig(
            name=n,
            url=rtsp.url(n),
            key=i < 3,
            detect={"fps": 5},  # type: ignore[arg-type]
        )
        for i, n in enumerate(CAMERAS)
    ]
    with session_scope(factory) as s:
        cameras.import_config(s, cameras=cams, box=box)
        operator = make_user(
            s, username="olga", roles=(Role.OPERATOR, Role.SHIFT_LEADER)
        )  # writes any duty log
        headers = {"Authorization": f"Bearer {make_api_token(s, operator)}"}
        ids = {c.name: c.id for c in s.scalars(select(Camera))}
        post_id = make_post(s, name="desk").id
    return headers, ids, post_id


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    """The test's own engine, disposed also when an assertion fails (no connection left to the GC)."""
    engine = make_engine(make_settings(url).database)
    try:
        yield engine
    finally:
        engine.dispose()


def test_three_workers_share_fail_over_and_lose_or_double_nothing(server: RtspServer, tmp_path: Path) -> None:
    with fresh_pg_database(PG_ADMIN_URL) as url, Subscriber() as mqtt, _engine(url) as engine:
        upgrade(engine)
        headers, ids, post_id = _seed(engine, server)
        cluster = Cluster(
            url,
            tmp_path / "cluster",
            lease_s=LEASE_S,
            settings={
                "mqtt": {"enabled": True, "topic_prefix": mqtt.prefix},
                "delivery": {"interval_s": 0.5},
                "alerts": {"cooldown_s": 0},
                "footage": {"segment_s": 2},
            },
        )
        with cluster:
            api = [cluster.nodes["api1"].url, cluster.nodes["api2"].url]
            # the first worker up takes every camera (it is alone); each worker gives back one camera per
            # sync step above its share, so the shares converge a few steps after the last worker registers
            _wait(
                lambda: _balanced(_holders(engine)),
                90,
                "every camera leased, 4 each",
                lambda: _holders(engine),
            )

            victims = {n for n, w in _holders(engine).items() if w == "w3"}
            watched = sorted(victims)[0]
            with session_scope(make_session_factory(engine)) as s:  # recorded: followed across the hand-over
                for name in victims:
                    cameras.require_by_name(s, name).recording = {"mode": "continuous"}
            sse = [Sse(f"{base}/api/v1/alerts/stream", headers) for base in api]
            for listener in sse:
                listener.start()
            with httpx.Client(headers=headers, timeout=10) as http:
                for base in api:  # a tile of a camera w3 reads, through either API process
                    _wait(lambda b=base: _tile(http, b, ids[watched]), 60, f"tile via {base}")
                _wait(lambda: all(_segments(engine, ids[n]) for n in victims), 60, "w3 recording")
                before = {n: _segments(engine, ids[n]) for n in victims}
                killed_at, killed_wall = time.monotonic(), utcnow()
                cluster.kill("w3")
                claimed = _wait(lambda: _taken_over(engine, victims), 30, "leases taken over")
                assert claimed <= LEASE_S + 3, f"the others took the cameras over only after {claimed:.1f} s"
                seen: dict[str, float] = {}
                _wait(lambda: _read_elsewhere(http, api, ids, victims, engine, seen), 30, "failover")
                took = max(seen.values()) - killed_at  # from the kill, not from the take-over
                # the target is lease_s + 5 s (met on a quiet machine); opening the streams again is what a
                # machine shared by many test runs slows down, so the bound here is generous
                assert took <= 2 * (LEASE_S + 5), (
                    f"{len(victims)} cameras read again only {took:.1f} s after kill -9: "
                    + ", ".join(f"{n} {at - killed_at:.1f} s" for n, at in sorted(seen.items()))
                )
                log.info(
                    f"failover: leases taken over after {claimed:.1f} s, all read again after {took:.1f} s"
                )
                for base in api:
                    _wait(lambda b=base: _tile(http, b, ids[watched]), 30, f"tile via {base} after")
                for listener in sse:  # the new owners see the person again: the streams carry on
                    listener.wait_for(30, after=killed_at, cameras=victims)
                    listener.close()
                for i, base in enumerate(api):  # both API processes write to the chains at once
                    entry = {"post_id": post_id, "kind": "observation", "text": f"failover seen via {i}"}
                    assert http.post(f"{base}/api/v1/duty-log", json=entry).status_code == 201
            # the new owners record the cameras in new segments; the hand-over is a gap in the footage index
            _wait(
                lambda: all(_segments(engine, ids[n]) > before[n] for n in victims), 60, "recording resumed"
            )
            for name in sorted(victims):
                _check_recording_across(engine, ids[name], killed_wall, bound_s=2 * (LEASE_S + 5))
            _wait(lambda: _undelivered(engine) == 0, 20, "outbox sent")
            received: list[str] = []
            _wait(
                lambda: _drain(mqtt, received) >= len(_outbox(engine, mqtt.prefix)), 10, "outbox seen on MQTT"
            )
        _drain(mqtt, received)  # anything delivered while the cluster stopped
        sent = _outbox(engine, mqtt.prefix)
        assert sent, "no alert was raised at all"
        assert Counter(received) == Counter(sent), "MQTT messages differ from the outbox (lost or doubled)"
        factory = make_session_factory(engine)
        with session_scope(factory) as s:
            created = s.scalars(select(AlertChange).where(AlertChange.action == "created")).all()
            assert len(created) == len(s.scalars(select(Alert)).all())
            assert audit.verify(s).broken is None
            reports = duty_log.verify_all(s)
            assert reports and all(r.ok for r in reports) and sum(r.checked for r in reports) >= 2


def _balanced(holders: dict[str, str | None]) -> bool:
    """Every camera leased, each of the three workers holding some, shares within one camera (a lone
    first worker holding all twelve is not balanced)."""
    shares = Counter(holders.values())
    return sorted(shares, key=str) == ["w1", "w2", "w3"] and max(shares.values()) - min(shares.values()) <= 1


def _tile(http: httpx.Client, base: str, camera_id: int) -> bool:
    try:
        r = http.get(f"{base}/api/v1/cameras/{camera_id}/snapshot", params={"width": 320})
    except httpx.TimeoutException:  # a machine shared by many test runs: ask again
        return False
    return r.status_code == 200 and r.headers["content-type"] == "image/jpeg"


def _taken_over(engine: Engine, victims: set[str]) -> bool:
    holders = _holders(engine)
    return all(holders[n] not in (None, "w3") for n in victims)


def _read_elsewhere(
    http: httpx.Client,
    api: list[str],
    ids: dict[str, int],
    victims: set[str],
    engine: Engine,
    seen: dict[str, float],
) -> bool:
    """True once every victim camera has a new owner and served a tile; `seen` keeps when each did."""
    holders = _holders(engine)
    for i, name in enumerate(sorted(victims - set(seen))):
        if holders[name] not in (None, "w3") and _tile(http, api[i % 2], ids[name]):
            seen[name] = time.monotonic()
    return set(seen) == victims


def _segments(engine: Engine, camera_id: int) -> int:
    with session_scope(make_session_factory(engine)) as s:
        return len(s.scalars(select(Segment.id).where(Segment.camera_id == camera_id)).all())


def _check_recording_across(engine: Engine, camera_id: int, killed: dt.datetime, *, bound_s: float) -> None:
    """The segments before the kill (old owner) and after it (new owner) do not overlap, each lasts what it
    holds, and the hand-over is a gap that contains the kill, as long as the failover: the old owner loses
    the segment it was writing (2 s, plus a 1 s GOP) and the row it had not yet committed, the new one starts
    within the failover bound, and the timeline shows the gap, never recorded time."""
    with session_scope(make_session_factory(engine)) as s:
        segs = s.scalars(select(Segment).where(Segment.camera_id == camera_id).order_by(Segment.start)).all()
        rows = [(g.start, g.end, g.frames) for g in segs]
        spans = footage_segments.spans(
            s, camera_id=camera_id, start=rows[0][0], end=rows[-1][1] + dt.timedelta(seconds=1)
        )
    slack = dt.timedelta(seconds=0.5)  # the old owner may finish a segment while the kill is under way
    before = [r for r in rows if r[1] <= killed + slack]
    after = [r for r in rows if r[0] >= killed]
    assert before and after and len(before) + len(after) == len(rows), (killed, rows)
    for (_, end, _), (start, _, _) in itertools.pairwise(rows):
        assert start >= end, f"segments overlap: {rows}"
    for start, end, frames in rows:  # times follow the frames (10 fps clip): no shifted segment times
        assert abs((end - start).total_seconds() - frames / 10) <= 0.5, (start, end, frames)
    lost_s = (killed - before[-1][1]).total_seconds()
    resumed_s = (after[0][0] - killed).total_seconds()
    log.info(
        f"camera {camera_id}: recording until {lost_s:.1f} s before the kill, again {resumed_s:.1f} s after"
    )
    assert lost_s <= 2 + 1 + 3, f"the old owner's last segment ended {lost_s:.1f} s before the kill: {rows}"
    assert 1.0 <= resumed_s <= bound_s, (
        f"the new owner recorded again {resumed_s:.1f} s after the kill: {rows}"
    )
    assert any(a.end <= killed + slack and b.start >= killed for a, b in itertools.pairwise(spans)), spans


def _undelivered(engine: Engine) -> int:
    with session_scope(make_session_factory(engine)) as s:
        return len(s.scalars(select(Delivery.id).where(Delivery.state != DeliveryState.DELIVERED)).all())


def _outbox(engine: Engine, prefix: str) -> list[str]:
    """The outbox messages marked delivered to MQTT (an escalation queued as the cluster stopped is still
    pending: not lost, it goes out when a process runs again)."""
    with session_scope(make_session_factory(engine)) as s:
        delivered = (
            select(OutboxMessage)
            .join(Delivery, Delivery.message_id == OutboxMessage.id)
            .where(Delivery.target == "mqtt", Delivery.state == DeliveryState.DELIVERED)
        )
        return [f"{prefix}/{m.topic} {json.dumps(m.payload, sort_keys=True)}" for m in s.scalars(delivered)]


def _drain(mqtt: Subscriber, into: list[str]) -> int:
    """Append the messages that arrived (until half a second of quiet) to `into`; return how many it holds."""
    while True:
        try:
            topic, payload = mqtt.messages.get(timeout=0.5)
        except queue.Empty:
            return len(into)
        into.append(f"{topic} {json.dumps(payload, sort_keys=True)}")
