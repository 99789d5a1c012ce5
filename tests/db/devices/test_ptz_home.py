"""Return-to-home from the database (R2), on SQLite and PostgreSQL, with fixed times and a fake PTZ device:
which cameras are due, one claim per camera, and the stamp that PTZ commands keep."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from config.settings import CameraControlSettings
from core.clock import utcnow
from core.errors import Forbidden
from db.session import SessionFactory, make_session_factory, session_scope
from devices.camera import ptz
from devices.camera.errors import NoOnvif, NoSuchPreset
from devices.camera.models import Camera
from devices.camera.schemas import PtzMove
from devices.credentials import CredentialBox
from devices.onvif.models import Preset
from devices.onvif.ptz import PtzAction, PtzBackend
from tests.factories.devices import make_ptz_camera

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
POLICY = CameraControlSettings(ptz_roles=["operator", "supervisor"], return_home_s=120)
BOX = CredentialBox("test-secret")
OPERATOR = frozenset({"operator"})


class FakeDevice:
    """A PTZ device that records what it was told (pure logic only; the real device is ipycam)."""

    def __init__(self, presets: list[Preset] | None = None) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.preset_list = presets or []

    def continuous_move(self, pan: float, tilt: float, zoom: float) -> None:
        self.calls.append(("move", pan, tilt, zoom))

    def stop(self) -> None:
        self.calls.append(("stop",))

    def absolute_move(self, pan: float, tilt: float, zoom: float) -> None:
        self.calls.append(("abs", pan, tilt, zoom))

    def get_presets(self) -> list[Preset]:
        return list(self.preset_list)

    def goto_preset(self, token: str) -> None:
        self.calls.append(("goto", token))

    def goto_home(self) -> None:
        self.calls.append(("home",))

    def set_preset(self, name: str, token: str | None) -> str:
        self.calls.append(("set", name, token))
        return token or "tok-new"


def connector(device: FakeDevice) -> ptz.Connect:
    @contextmanager
    def connect(camera: Camera) -> Iterator[PtzBackend]:
        yield device

    return connect


def _camera(
    session: Session, *, moved: dt.datetime | None = None, onvif: bool = True, home: str = ""
) -> Camera:
    camera = make_ptz_camera(session, BOX, port=8000 if onvif else None, home_preset=home)
    camera.ptz_moved_at = moved
    session.flush()
    return camera


def test_cameras_idle_longer_than_return_home_s_are_due_oldest_first(session: Session) -> None:
    later = _camera(session, moved=T0 - dt.timedelta(seconds=121))
    oldest = _camera(session, moved=T0 - dt.timedelta(seconds=600))
    _camera(session, moved=T0 - dt.timedelta(seconds=119))  # not yet
    _camera(session, moved=None)  # never moved, or already home
    _camera(session, moved=T0 - dt.timedelta(seconds=600), onvif=False)  # no PTZ to send home
    exactly = _camera(session, moved=T0 - dt.timedelta(seconds=120))
    due = ptz.return_home_due(session, now=T0, settings=POLICY)
    assert [c.id for c in due] == [oldest.id, later.id, exactly.id]


def test_only_one_claim_wins_and_a_camera_moved_again_is_not_claimed(session: Session) -> None:
    idle = _camera(session, moved=T0 - dt.timedelta(seconds=300))
    claimed = ptz.claim_return(session, camera_id=idle.id, now=T0, settings=POLICY)
    assert claimed is not None and claimed.ptz_moved_at is None
    assert ptz.claim_return(session, camera_id=idle.id, now=T0, settings=POLICY) is None
    busy = _camera(session, moved=T0 - dt.timedelta(seconds=300))
    busy.ptz_moved_at = T0 - dt.timedelta(seconds=5)  # an operator moved it after the job looked
    session.flush()
    assert ptz.claim_return(session, camera_id=busy.id, now=T0, settings=POLICY) is None
    assert ptz.return_home_due(session, now=T0, settings=POLICY) == []


def test_a_move_stamps_the_camera_and_going_home_clears_the_stamp(session: Session) -> None:
    device = FakeDevice()
    camera = _camera(session, home="tok-home")
    pauses: list[float] = []
    result = ptz.move(
        session,
        camera=camera,
        roles=OPERATOR,
        data=PtzMove(pan=0.5, tilt=-0.25, seconds=2, reason="following a van"),
        settings=POLICY,
        connect=connector(device),
        now=T0,
        pause=pauses.append,
    )
    assert device.calls == [("move", 0.5, -0.25, 0.0), ("stop",)] and pauses == [2]
    assert camera.ptz_moved_at == T0 and result.return_home_at == T0 + dt.timedelta(seconds=120)
    ptz.stop(
        session,
        camera=camera,
        roles=OPERATOR,
        settings=POLICY,
        connect=connector(device),
        now=T0 + dt.timedelta(seconds=9),
    )
    assert camera.ptz_moved_at == T0, "a stop neither arms nor disarms"
    other = ptz.goto_preset(
        session,
        camera=camera,
        roles=OPERATOR,
        preset="tok-door",
        settings=POLICY,
        connect=connector(device),
        now=T0 + dt.timedelta(seconds=10),
    )
    assert camera.ptz_moved_at == T0 + dt.timedelta(seconds=10) and other.return_home_at is not None
    home = ptz.goto_preset(
        session,
        camera=camera,
        roles=OPERATOR,
        preset="tok-home",
        settings=POLICY,
        connect=connector(device),
        now=utcnow(),
    )
    assert camera.ptz_moved_at is None and home.return_home_at is None


def test_refused_roles_and_cameras_without_onvif_never_reach_the_device(session: Session) -> None:
    device = FakeDevice()
    camera = _camera(session)
    move = PtzMove(pan=1, reason="following a van")
    with pytest.raises(Forbidden, match="operator, supervisor"):
        ptz.move(
            session,
            camera=camera,
            roles={"maintenance", "admin"},
            data=move,
            settings=POLICY,
            connect=connector(device),
            now=utcnow(),
        )
    with pytest.raises(NoOnvif):
        ptz.move(
            session,
            camera=_camera(session, onvif=False),
            roles=OPERATOR,
            data=move,
            settings=POLICY,
            connect=connector(device),
            now=utcnow(),
        )
    nobody = CameraControlSettings(ptz_roles=[])
    with pytest.raises(Forbidden, match="nobody"):
        ptz.stop(
            session, camera=camera, roles=OPERATOR, settings=nobody, connect=connector(device), now=utcnow()
        )
    assert device.calls == [] and camera.ptz_moved_at is None


def test_set_home_checks_the_preset_exists_or_saves_the_view_once(session: Session) -> None:
    device = FakeDevice([Preset("tok-gate", "gate")])
    camera = _camera(session, moved=T0)
    with pytest.raises(NoSuchPreset, match=r"tok-gate \(gate\)"):
        ptz.set_home(
            session, camera=camera, preset="nope", settings=POLICY, connect=connector(device), now=utcnow()
        )
    ptz.set_home(
        session, camera=camera, preset="tok-gate", settings=POLICY, connect=connector(device), now=T0
    )
    assert camera.home_preset == "tok-gate" and camera.ptz_moved_at == T0, "choosing a preset moves nothing"
    saved = ptz.set_home(
        session, camera=camera, preset=None, settings=POLICY, connect=connector(device), now=utcnow()
    )
    assert saved.command.preset == "tok-new" and camera.home_preset == "tok-new"
    assert camera.ptz_moved_at is None, "the camera is where home now is"
    device.preset_list.append(Preset("tok-new", "home"))
    ptz.set_home(
        session, camera=camera, preset=None, settings=POLICY, connect=connector(device), now=utcnow()
    )
    assert device.calls == [("set", "home", None), ("set", "home", "tok-new")], (
        "the own home preset is overwritten"
    )


def test_send_home_uses_the_home_preset_or_the_devices_home_position(session: Session) -> None:
    device = FakeDevice()
    with_preset = _camera(session, home="tok-home")
    without = _camera(session)
    assert ptz.send_home(with_preset, connect=connector(device)).action is PtzAction.GOTO_PRESET
    assert ptz.send_home(without, connect=connector(device)).action is PtzAction.GOTO_HOME
    assert device.calls == [("goto", "tok-home"), ("home",)]


@pytest.mark.parametrize("first_send", ["fails", "succeeds"])
def test_two_workers_never_both_send_a_camera_home(engine: Engine, first_send: str) -> None:
    """Worker A claims and is still talking to the camera; worker B's claim waits for A's transaction:
    if A's GotoPreset failed (rollback), B takes the camera; if it succeeded, B finds nothing to do."""
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        camera_id = _camera(s, moved=T0 - dt.timedelta(seconds=300)).id
    try:
        a = factory()
        assert ptz.claim_return(a, camera_id=camera_id, now=T0, settings=POLICY) is not None
        with ThreadPoolExecutor(1) as pool:
            b_claim = pool.submit(_claim_in_new_session, factory, camera_id)
            time.sleep(0.3)
            assert not b_claim.done(), "B must wait for A's transaction"
            if first_send == "fails":
                a.rollback()
            else:
                a.commit()
            a.close()
            assert b_claim.result(timeout=30) is (first_send == "fails")
    finally:
        with session_scope(factory) as s:
            s.execute(delete(Camera).where(Camera.id == camera_id))


def _claim_in_new_session(factory: SessionFactory, camera_id: int) -> bool:
    with factory() as b:
        claimed = ptz.claim_return(b, camera_id=camera_id, now=T0, settings=POLICY) is not None
        b.rollback()
        return claimed
