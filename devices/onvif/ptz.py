"""PTZ with typed commands that a caller can audit, and the return-to-home idle timer (R2).

`PtzController` checks arguments, calls a `PtzBackend` (ONVIF here, a fake in tests) and then tells its
listeners about the `PtzCommand` that succeeded: the audit writer and `ReturnToHome.touch` subscribe there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.clock import Clock
from core.errors import Invalid
from devices.errors import DeviceError, PtzError
from devices.onvif.client import OnvifClient
from devices.onvif.models import Preset

__all__ = ["OnvifPtz", "PtzAction", "PtzBackend", "PtzCommand", "PtzController", "ReturnToHome"]


class PtzAction(StrEnum):
    """The kinds of PTZ command."""

    MOVE = "move"
    STOP = "stop"
    MOVE_TO = "move_to"
    GOTO_PRESET = "goto_preset"
    GOTO_HOME = "goto_home"
    SET_PRESET = "set_preset"


@dataclass(frozen=True, slots=True)
class PtzCommand:
    """A PTZ command that was carried out; what an audit record needs from the device side."""

    camera_id: str
    action: PtzAction
    pan: float | None = None
    tilt: float | None = None
    zoom: float | None = None
    preset: str | None = None
    name: str | None = None


class PtzBackend(Protocol):
    """The device operations behind `PtzController`; each raises a `DeviceError` on failure."""

    def continuous_move(self, pan: float, tilt: float, zoom: float) -> None:
        """Start moving at the given velocities (-1..1)."""

    def stop(self) -> None:
        """Stop pan, tilt and zoom."""

    def absolute_move(self, pan: float, tilt: float, zoom: float) -> None:
        """Move to an absolute position (pan/tilt -1..1, zoom 0..1)."""

    def get_presets(self) -> list[Preset]:
        """List the presets."""

    def goto_preset(self, token: str) -> None:
        """Move to a preset."""

    def goto_home(self) -> None:
        """Move to the device's own home position."""

    def set_preset(self, name: str, token: str | None) -> str:
        """Store the current position as a preset; return its token."""


class OnvifPtz:
    """`PtzBackend` over an `OnvifClient` and one media profile."""

    def __init__(self, client: OnvifClient, profile_token: str) -> None:
        self.client, self.profile = client, profile_token

    def continuous_move(self, pan: float, tilt: float, zoom: float) -> None:
        """ContinuousMove."""
        velocity = {"PanTilt": {"x": pan, "y": tilt}, "Zoom": {"x": zoom}}
        self.client.ptz_call("ContinuousMove", {"ProfileToken": self.profile, "Velocity": velocity})

    def stop(self) -> None:
        """Stop."""
        self.client.ptz_call("Stop", {"ProfileToken": self.profile, "PanTilt": True, "Zoom": True})

    def absolute_move(self, pan: float, tilt: float, zoom: float) -> None:
        """AbsoluteMove."""
        position = {"PanTilt": {"x": pan, "y": tilt}, "Zoom": {"x": zoom}}
        self.client.ptz_call("AbsoluteMove", {"ProfileToken": self.profile, "Position": position})

    def get_presets(self) -> list[Preset]:
        """GetPresets."""
        return self.client.presets(self.profile)

    def goto_preset(self, token: str) -> None:
        """GotoPreset."""
        self.client.ptz_call("GotoPreset", {"ProfileToken": self.profile, "PresetToken": token})

    def goto_home(self) -> None:
        """GotoHomePosition."""
        self.client.ptz_call("GotoHomePosition", {"ProfileToken": self.profile})

    def set_preset(self, name: str, token: str | None) -> str:
        """SetPreset."""
        params = {"ProfileToken": self.profile, "PresetName": name}
        if token:
            params["PresetToken"] = token
        reply = self.client.ptz_call("SetPreset", params)
        return str(reply if isinstance(reply, str) else getattr(reply, "PresetToken", token or ""))


def _check(value: float, field: str, low: float = -1.0, high: float = 1.0) -> float:
    if not low <= value <= high:
        raise Invalid(f"{field} must be within {low:g}..{high:g}", field=field)
    return float(value)


class PtzController:
    """Typed PTZ commands for one camera; listeners hear each command that succeeded."""

    def __init__(
        self,
        backend: PtzBackend,
        *,
        camera_id: str,
        listeners: Iterable[Callable[[PtzCommand], None]] = (),
    ) -> None:
        self.backend, self.camera_id = backend, camera_id
        self.listeners = list(listeners)

    def _do(self, command: PtzCommand, call: Callable[[], object]) -> None:
        try:
            call()
        except DeviceError:
            raise
        except Exception as exc:
            raise PtzError(f"PTZ {command.action} failed on camera {self.camera_id}: {exc}") from exc
        for listener in list(self.listeners):
            listener(command)

    def move(self, pan: float, tilt: float, zoom: float = 0.0) -> None:
        """Start a continuous move at velocities -1..1 (stops on `stop()`)."""
        pan, tilt, zoom = _check(pan, "pan"), _check(tilt, "tilt"), _check(zoom, "zoom")
        cmd = PtzCommand(self.camera_id, PtzAction.MOVE, pan=pan, tilt=tilt, zoom=zoom)
        self._do(cmd, lambda: self.backend.continuous_move(pan, tilt, zoom))

    def stop(self) -> None:
        """Stop any movement."""
        self._do(PtzCommand(self.camera_id, PtzAction.STOP), self.backend.stop)

    def move_to(self, pan: float, tilt: float, zoom: float = 0.0) -> None:
        """Move to an absolute position: pan/tilt -1..1, zoom 0..1."""
        pan, tilt, zoom = _check(pan, "pan"), _check(tilt, "tilt"), _check(zoom, "zoom", 0.0)
        cmd = PtzCommand(self.camera_id, PtzAction.MOVE_TO, pan=pan, tilt=tilt, zoom=zoom)
        self._do(cmd, lambda: self.backend.absolute_move(pan, tilt, zoom))

    def presets(self) -> list[Preset]:
        """List the camera's presets (a read: listeners are not told)."""
        return self.backend.get_presets()

    def goto_preset(self, token: str) -> None:
        """Move to the preset `token`."""
        if not token:
            raise Invalid("preset token is empty", field="preset")
        self._do(
            PtzCommand(self.camera_id, PtzAction.GOTO_PRESET, preset=token),
            lambda: self.backend.goto_preset(token),
        )

    def goto_home(self) -> None:
        """Move to the device's own home position."""
        self._do(PtzCommand(self.camera_id, PtzAction.GOTO_HOME), self.backend.goto_home)

    def set_preset(self, name: str, token: str | None = None) -> str:
        """Store the current position as preset `name` (overwriting `token` if given); return its token."""
        if not name.strip():
            raise Invalid("preset name is empty", field="name")
        result: list[str] = []
        cmd = PtzCommand(self.camera_id, PtzAction.SET_PRESET, preset=token, name=name)
        self._do(cmd, lambda: result.append(self.backend.set_preset(name, token)))
        return result[0]


class ReturnToHome:
    """After `idle` without PTZ commands, call `go_home` once; driven by `poll()` on a clock.

    Subscribe `touch` to a `PtzController`; a command that is itself the move home disarms the timer.
    """

    def __init__(
        self, *, clock: Clock, idle: dt.timedelta, go_home: Callable[[], None], home_preset: str
    ) -> None:
        if idle <= dt.timedelta(0):
            raise ValueError("idle must be positive")
        self.clock, self.idle, self.go_home, self.home_preset = clock, idle, go_home, home_preset
        self.last_command: dt.datetime | None = None
        self.armed = False

    def touch(self, command: PtzCommand | None = None) -> None:
        """Note a PTZ command now (arms the timer, unless the command went home)."""
        self.last_command = self.clock.now()
        going_home = command is not None and (
            command.action is PtzAction.GOTO_HOME
            or (command.action is PtzAction.GOTO_PRESET and command.preset == self.home_preset)
        )
        self.armed = not going_home

    def due_at(self) -> dt.datetime | None:
        """When the camera will be sent home, or None if it is not armed."""
        if not self.armed or self.last_command is None:
            return None
        return self.last_command + self.idle

    def poll(self) -> bool:
        """Send the camera home if the idle time has passed; return True if it did."""
        due = self.due_at()
        if due is None or self.clock.now() < due:
            return False
        self.armed = False
        self.go_home()
        return True
