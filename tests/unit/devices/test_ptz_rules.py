"""Who sees and may use PTZ, how often return-to-home looks, and the device home position disarming the timer."""

from __future__ import annotations

import datetime as dt

import pytest

from config.settings import CameraControlSettings
from core.clock import FixedClock
from core.errors import Forbidden
from devices.camera import ptz
from devices.camera.models import Camera
from devices.onvif.ptz import PtzAction, PtzCommand, ReturnToHome
from runtime.ptz_home import ReturnHomeJob
from tests.conftest import make_settings

POLICY = CameraControlSettings(ptz_roles=["operator", "shift_leader"])


def _camera(onvif: bool = True) -> Camera:
    return Camera(name="dock", url_sealed="", url_masked="", onvif_host="10.0.0.9" if onvif else "")


@pytest.mark.parametrize(
    ("roles", "onvif", "move", "set_home"),
    [
        ({"operator"}, True, True, False),
        ({"shift_leader", "supervisor"}, True, True, True),
        ({"supervisor"}, True, False, False),  # not in ptz_roles: no controls at all
        ({"maintenance"}, True, False, False),
        ({"operator", "admin"}, False, False, False),  # no ONVIF, no PTZ
    ],
)
def test_console_shows_ptz_only_to_configured_roles_on_onvif_cameras(roles, onvif, move, set_home) -> None:
    controls = ptz.console_controls(_camera(onvif), roles, POLICY)
    assert (controls.move, controls.set_home) == (move, set_home)


def test_the_refusal_names_the_configured_roles() -> None:
    ptz.require_ptz_role({"shift_leader"}, POLICY)
    with pytest.raises(Forbidden, match=r"allowed only to the roles: operator, shift_leader$"):
        ptz.require_ptz_role({"supervisor", "maintenance"}, POLICY)


@pytest.mark.parametrize(("idle_s", "interval_s"), [(5, 1.0), (60, 6.0), (120, 12.0), (3600, 30.0)])
def test_return_home_looks_ten_times_per_idle_time_within_1_to_30_s(tmp_path, idle_s, interval_s) -> None:
    settings = make_settings(f"sqlite:///{tmp_path}/x.db", camera_control={"return_home_s": idle_s})
    assert ReturnHomeJob(settings, factory=None).interval_s == interval_s  # type: ignore[arg-type]


def test_going_to_the_devices_home_position_disarms_the_idle_timer() -> None:
    clock = FixedClock(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC))
    sent: list[str] = []
    timer = ReturnToHome(
        clock=clock, idle=dt.timedelta(seconds=60), go_home=lambda: sent.append("home"), home_preset=""
    )
    timer.touch(PtzCommand("dock", PtzAction.MOVE, pan=1, tilt=0, zoom=0))
    assert timer.due_at() is not None
    timer.touch(PtzCommand("dock", PtzAction.GOTO_HOME))
    clock.advance(dt.timedelta(seconds=120))
    assert timer.poll() is False and sent == []
