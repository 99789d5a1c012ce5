import datetime as dt

import pytest

from core.clock import FixedClock
from core.errors import Invalid
from devices.errors import OnvifFault, PtzError
from devices.onvif.models import Preset
from devices.onvif.ptz import PtzAction, PtzController, ReturnToHome

T0 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)


class FakePtz:
    def __init__(self, fail: Exception | None = None):
        self.calls: list[tuple] = []
        self.fail = fail

    def _record(self, *call):
        if self.fail:
            raise self.fail
        self.calls.append(call)

    def continuous_move(self, pan, tilt, zoom):
        self._record("move", pan, tilt, zoom)

    def stop(self):
        self._record("stop")

    def absolute_move(self, pan, tilt, zoom):
        self._record("abs", pan, tilt, zoom)

    def get_presets(self):
        return [Preset("1", "home")]

    def goto_preset(self, token):
        self._record("goto", token)

    def goto_home(self):
        self._record("home")

    def set_preset(self, name, token):
        self._record("set", name, token)
        return token or "new-token"


def test_commands_reach_the_backend_and_then_the_listeners():
    backend, heard = FakePtz(), []
    ptz = PtzController(backend, camera_id="c1", listeners=[heard.append])
    ptz.move(0.5, -0.25)
    ptz.stop()
    ptz.goto_preset("1")
    assert ptz.set_preset("door") == "new-token"
    assert backend.calls == [("move", 0.5, -0.25, 0.0), ("stop",), ("goto", "1"), ("set", "door", None)]
    assert [c.action for c in heard] == [
        PtzAction.MOVE,
        PtzAction.STOP,
        PtzAction.GOTO_PRESET,
        PtzAction.SET_PRESET,
    ]
    assert heard[0].camera_id == "c1"
    assert ptz.presets() == [Preset("1", "home")]
    assert len(heard) == 4, "reading presets is not a command"


@pytest.mark.parametrize(
    ("pan", "tilt", "zoom", "field"), [(1.5, 0, 0, "pan"), (0, -2, 0, "tilt"), (0, 0, 3, "zoom")]
)
def test_out_of_range_velocity_is_invalid_and_not_sent(pan, tilt, zoom, field):
    backend = FakePtz()
    with pytest.raises(Invalid) as info:
        PtzController(backend, camera_id="c").move(pan, tilt, zoom)
    assert info.value.field == field
    assert backend.calls == []


def test_failed_command_is_not_told_to_listeners():
    heard = []
    ptz = PtzController(FakePtz(fail=OnvifFault("device fault")), camera_id="c", listeners=[heard.append])
    with pytest.raises(OnvifFault):
        ptz.stop()
    ptz = PtzController(FakePtz(fail=RuntimeError("boom")), camera_id="c", listeners=[heard.append])
    with pytest.raises(PtzError):
        ptz.stop()
    assert heard == []


def make_rth(idle=60):
    clock = FixedClock(T0)
    homes = []
    rth = ReturnToHome(
        clock=clock,
        idle=dt.timedelta(seconds=idle),
        go_home=lambda: homes.append(clock.now()),
        home_preset="home",
    )
    return clock, rth, homes


def test_return_to_home_after_idle_time_since_last_command():
    clock, rth, homes = make_rth(60)
    ptz = PtzController(FakePtz(), camera_id="c", listeners=[rth.touch])
    assert rth.poll() is False
    ptz.move(0.2, 0)
    clock.advance(dt.timedelta(seconds=30))
    ptz.stop()  # activity restarts the idle time
    clock.advance(dt.timedelta(seconds=59))
    assert rth.poll() is False
    clock.advance(dt.timedelta(seconds=1))
    assert rth.poll() is True
    assert homes == [T0 + dt.timedelta(seconds=90)]
    clock.advance(dt.timedelta(seconds=600))
    assert rth.poll() is False, "goes home once"


def test_going_home_by_hand_disarms_the_timer():
    clock, rth, homes = make_rth(10)
    ptz = PtzController(FakePtz(), camera_id="c", listeners=[rth.touch])
    ptz.move(0.1, 0)
    ptz.goto_preset("home")
    assert rth.due_at() is None
    clock.advance(dt.timedelta(seconds=100))
    assert rth.poll() is False
    assert homes == []


def test_the_home_move_itself_disarms_when_wired_to_the_controller():
    clock = FixedClock(T0)
    backend = FakePtz()
    ptz = PtzController(backend, camera_id="c")
    rth = ReturnToHome(
        clock=clock, idle=dt.timedelta(seconds=5), go_home=lambda: ptz.goto_preset("home"), home_preset="home"
    )
    ptz.listeners.append(rth.touch)
    ptz.move(0.3, 0.3)
    clock.advance(dt.timedelta(seconds=5))
    assert rth.poll() is True
    assert backend.calls[-1] == ("goto", "home")
    assert rth.due_at() is None


def test_idle_must_be_positive():
    with pytest.raises(ValueError):
        ReturnToHome(clock=FixedClock(T0), idle=dt.timedelta(0), go_home=lambda: None, home_preset="h")
