"""Camera health in /metrics comes from the cameras table at scrape time, so any API process reports the
health that any worker wrote; a database that cannot be read leaves the scrape up, with no camera series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from api.camera_metrics import STATES, CameraHealthCollector
from db.session import make_session_factory
from devices.camera import service as cameras
from tests.factories.alerts import make_camera
from tests.support.app_env import Env

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
SCRAPE = "scrape-token-for-prometheus"


@pytest.fixture
def env(make_env: Callable[..., Env]) -> Env:
    """The app with a metrics token (the test client's address is in no allow-list)."""
    return make_env(metrics={"token": SCRAPE})


def _scrape(env: Env) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = env.client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE}"})
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.text):
        if family.name.startswith("controlroom_camera"):
            for s in family.samples:
                samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def _health(env: Env, name: str, status: str) -> None:
    with env.session() as s:
        cameras.set_health(s, name=name, status=status, reason="test", since=T0)


def test_every_enabled_camera_has_an_up_gauge_and_one_current_state(env: Env) -> None:
    with env.session() as s:
        for name in ("gate", "lobby", "yard", "dock"):
            make_camera(s, name=name)
        make_camera(s, name="spare").enabled = False
    _health(env, "gate", "online")
    _health(env, "lobby", "degraded")
    _health(env, "yard", "frozen")
    m = _scrape(env)
    up = {cam: m[("controlroom_camera_up", (("camera", cam),))] for cam in ("gate", "lobby", "yard", "dock")}
    assert up == {"gate": 1, "lobby": 1, "yard": 0, "dock": 0}
    for cam, current in (("gate", "online"), ("yard", "frozen"), ("dock", "unknown")):
        states = {st: m[("controlroom_camera_health", (("camera", cam), ("state", st)))] for st in STATES}
        assert states == {st: (1.0 if st == current else 0.0) for st in STATES}
    assert not any(("camera", "spare") in labels for _, labels in m), "disabled cameras are not reported"
    assert m[("controlroom_camera_metrics_ok", ())] == 1


def test_a_health_change_written_elsewhere_shows_at_the_next_scrape(env: Env, sqlite_url: str) -> None:
    with env.session() as s:
        make_camera(s, name="gate")
    _health(env, "gate", "online")
    assert _scrape(env)[("controlroom_camera_up", (("camera", "gate"),))] == 1
    worker_engine = create_engine(sqlite_url)  # another process's connection: a capture worker
    try:
        with make_session_factory(worker_engine).begin() as s:
            cameras.set_health(s, name="gate", status="offline", reason="connection refused", since=T0)
    finally:
        worker_engine.dispose()
    m = _scrape(env)
    assert m[("controlroom_camera_up", (("camera", "gate"),))] == 0
    assert m[("controlroom_camera_health", (("camera", "gate"), ("state", "offline")))] == 1


def test_an_unreadable_database_gives_metrics_ok_0_and_no_camera_series(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/cr.db")
    try:
        families = list(CameraHealthCollector(make_session_factory(engine)).collect())
    finally:
        engine.dispose()
    assert [(f.name, [s.value for s in f.samples]) for f in families] == [
        ("controlroom_camera_metrics_ok", [0])
    ]
