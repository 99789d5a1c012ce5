"""PTZ under the room's rules (R2, D3, D6): only the configured roles, a reason on every command (the caller
audits it), and back to the home preset after an idle time.

The device is reached over ONVIF with the password from the sealed column and the PTZ profile token from
`describe()`. `ptz_moved_at` in the cameras table records when PTZ last moved a camera away from home; the
return-to-home job reads it, so any worker may send any camera home and two workers never both do.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from config.settings import CameraControlSettings
from devices.camera.errors import NoOnvif, NoSuchPreset, PtzNotAllowed
from devices.camera.models import Camera
from devices.camera.schemas import PtzMove
from devices.credentials import CredentialBox
from devices.errors import DeviceError, PtzError
from devices.onvif.client import OnvifClient
from devices.onvif.models import Preset
from devices.onvif.ptz import OnvifPtz, PtzAction, PtzBackend, PtzCommand, PtzController

__all__ = [
    "HOME_PRESET_NAME",
    "Connect",
    "ConsoleControls",
    "PtzResult",
    "claim_return",
    "console_controls",
    "goto_preset",
    "may_use_ptz",
    "move",
    "onvif_connector",
    "presets",
    "require_onvif",
    "require_ptz_role",
    "return_home",
    "return_home_due",
    "send_home",
    "set_home",
    "stop",
]

HOME_PRESET_NAME = "home"

Connect = Callable[[Camera], AbstractContextManager[PtzBackend]]
"""Opens a camera's PTZ device for the duration of a `with` block."""


@dataclass(frozen=True, slots=True)
class PtzResult:
    """A command the camera carried out, and when the camera will go home by itself (None: it is home)."""

    camera: Camera
    command: PtzCommand
    return_home_at: dt.datetime | None


# ---- who may, and which camera ---------------------------------------------------------------------


def may_use_ptz(roles: Iterable[str], settings: CameraControlSettings) -> bool:
    """True when one of `roles` is configured for PTZ (`camera_control.ptz_roles`)."""
    return not set(roles).isdisjoint(settings.ptz_roles)


def require_ptz_role(roles: Iterable[str], settings: CameraControlSettings) -> None:
    """Raise PtzNotAllowed, naming the configured roles, unless one of `roles` may use PTZ."""
    if not may_use_ptz(roles, settings):
        allowed = ", ".join(settings.ptz_roles) or "nobody (camera_control.ptz_roles is empty)"
        raise PtzNotAllowed(f"PTZ is allowed only to the roles: {allowed}")


def require_onvif(camera: Camera) -> None:
    """Raise NoOnvif unless the camera has ONVIF access configured."""
    if not camera.has_onvif:
        raise NoOnvif(f"camera {camera.name!r} has no ONVIF address configured, so it has no PTZ")


@dataclass(frozen=True, slots=True)
class ConsoleControls:
    """Which PTZ controls a user sees on a camera's page."""

    move: bool  # arrows, zoom, presets, return home
    set_home: bool  # choose the home preset (supervisor or admin)
    return_home_s: float  # idle time before the camera goes home by itself


HOME_SETTER_ROLES = frozenset({"supervisor", "admin"})  # as declared on POST .../ptz/home


def console_controls(
    camera: Camera, roles: Iterable[str], settings: CameraControlSettings
) -> ConsoleControls:
    """The PTZ controls to show: none without ONVIF or without a PTZ role."""
    held = set(roles)
    move_ok = camera.has_onvif and may_use_ptz(held, settings)
    set_home = move_ok and not HOME_SETTER_ROLES.isdisjoint(held)
    return ConsoleControls(move=move_ok, set_home=set_home, return_home_s=settings.return_home_s)


# ---- reaching the device ----------------------------------------------------------------------------


class _ProfileTokens:
    """PTZ profile tokens by device, so that only the first command per device pays for `describe()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, int, str], str] = {}

    def get(self, key: tuple[str, int, str]) -> str | None:
        with self._lock:
            return self._tokens.get(key)

    def put(self, key: tuple[str, int, str], token: str) -> None:
        with self._lock:
            self._tokens[key] = token

    def forget(self, key: tuple[str, int, str]) -> None:
        with self._lock:
            self._tokens.pop(key, None)


_profile_tokens = _ProfileTokens()


def _ptz_profile(client: OnvifClient, camera: Camera) -> str:
    description = client.describe()
    if not description.capabilities.ptz:
        raise PtzError(f"camera {camera.name!r} has no ONVIF PTZ service", reason="no PTZ")
    profile = next((p for p in description.profiles if p.has_ptz), None)
    if profile is None:
        raise PtzError(f"camera {camera.name!r} has no media profile with PTZ", reason="no PTZ")
    return profile.token


def onvif_connector(box: CredentialBox, *, timeout: float = 10.0) -> Connect:
    """A `Connect` over ONVIF: the password comes from the sealed column, the profile from `describe()`."""

    @contextmanager
    def connect(camera: Camera) -> Iterator[PtzBackend]:
        require_onvif(camera)
        password = box.open(camera.onvif_password_sealed) or None
        key = (camera.onvif_host, camera.onvif_port, camera.onvif_user)
        with OnvifClient(
            camera.onvif_host, camera.onvif_port, camera.onvif_user or None, password, timeout=timeout
        ) as client:
            token = _profile_tokens.get(key) or _ptz_profile(client, camera)
            try:
                yield OnvifPtz(client, token)
            except DeviceError:
                _profile_tokens.forget(key)  # the device may have been re-configured: describe it again
                raise
            _profile_tokens.put(key, token)

    return connect


@contextmanager
def _controller(camera: Camera, connect: Connect) -> Iterator[tuple[PtzController, list[PtzCommand]]]:
    heard: list[PtzCommand] = []
    with connect(camera) as backend:
        yield PtzController(backend, camera_id=camera.name, listeners=[heard.append]), heard


# ---- commands ------------------------------------------------------------------------------------


def _result(camera: Camera, command: PtzCommand, settings: CameraControlSettings) -> PtzResult:
    moved = camera.ptz_moved_at
    due = moved + dt.timedelta(seconds=settings.return_home_s) if moved is not None else None
    return PtzResult(camera=camera, command=command, return_home_at=due)


def _is_home(camera: Camera, command: PtzCommand) -> bool:
    if command.action is PtzAction.GOTO_HOME:
        return True
    return command.action is PtzAction.GOTO_PRESET and command.preset == camera.home_preset


def _note(session: Session, camera: Camera, command: PtzCommand, now: dt.datetime | None) -> None:
    """Keep the return-to-home stamp: a move away sets it, going home clears it, a stop keeps it."""
    if _is_home(camera, command):
        camera.ptz_moved_at = None
    elif command.action is not PtzAction.STOP:
        camera.ptz_moved_at = now
    session.flush()


def move(
    session: Session,
    *,
    camera: Camera,
    roles: Iterable[str],
    data: PtzMove,
    settings: CameraControlSettings,
    connect: Connect,
    now: dt.datetime,
    pause: Callable[[float], None] = time.sleep,
) -> PtzResult:
    """Move at the given velocities for `data.seconds`, then stop; stamps the camera as moved."""
    require_ptz_role(roles, settings)
    require_onvif(camera)
    with _controller(camera, connect) as (ptz, heard):
        ptz.move(data.pan, data.tilt, data.zoom)
        try:
            pause(data.seconds)
        finally:
            _stop_hard(ptz)
    _note(session, camera, heard[0], now)
    return _result(camera, heard[0], settings)


def _stop_hard(ptz: PtzController) -> None:
    """Stop, trying a second time if the first Stop fails (a lost Stop leaves the camera turning)."""
    try:
        ptz.stop()
    except DeviceError:
        ptz.stop()


def stop(
    session: Session,
    *,
    camera: Camera,
    roles: Iterable[str],
    settings: CameraControlSettings,
    connect: Connect,
    now: dt.datetime,
) -> PtzResult:
    """Stop any movement."""
    require_ptz_role(roles, settings)
    require_onvif(camera)
    with _controller(camera, connect) as (ptz, heard):
        ptz.stop()
    _note(session, camera, heard[0], now)
    return _result(camera, heard[0], settings)


def presets(
    *, camera: Camera, roles: Iterable[str], settings: CameraControlSettings, connect: Connect
) -> list[Preset]:
    """The camera's presets, as the device lists them."""
    require_ptz_role(roles, settings)
    require_onvif(camera)
    with _controller(camera, connect) as (ptz, _):
        return ptz.presets()


def goto_preset(
    session: Session,
    *,
    camera: Camera,
    roles: Iterable[str],
    preset: str,
    settings: CameraControlSettings,
    connect: Connect,
    now: dt.datetime,
) -> PtzResult:
    """Move to a preset (the home preset clears the moved stamp, any other sets it)."""
    require_ptz_role(roles, settings)
    require_onvif(camera)
    with _controller(camera, connect) as (ptz, heard):
        ptz.goto_preset(preset)
    _note(session, camera, heard[0], now)
    return _result(camera, heard[0], settings)


def return_home(
    session: Session,
    *,
    camera: Camera,
    roles: Iterable[str],
    settings: CameraControlSettings,
    connect: Connect,
) -> PtzResult:
    """Send the camera home now (its home preset, or the device's home position when none is set)."""
    require_ptz_role(roles, settings)
    require_onvif(camera)
    command = send_home(camera, connect=connect)
    _note(session, camera, command, None)
    return _result(camera, command, settings)


def set_home(
    session: Session,
    *,
    camera: Camera,
    preset: str | None,
    settings: CameraControlSettings,
    connect: Connect,
    now: dt.datetime,
) -> PtzResult:
    """Make `preset` the camera's home (it must exist), or without one store the current view as home."""
    require_onvif(camera)
    with _controller(camera, connect) as (ptz, _):
        existing = ptz.presets()
        if preset is not None:
            if preset not in {p.token for p in existing}:
                have = ", ".join(f"{p.token} ({p.name})" if p.name else p.token for p in existing)
                raise NoSuchPreset(
                    f"camera {camera.name!r} has no preset {preset!r}; it has: {have or 'none'}",
                    field="preset",
                )
            token = preset
            command = PtzCommand(camera.name, PtzAction.SET_PRESET, preset=token, name="home")
        else:
            own = next((p.token for p in existing if p.name == HOME_PRESET_NAME), None)
            token = ptz.set_preset(HOME_PRESET_NAME, own)
            command = PtzCommand(camera.name, PtzAction.SET_PRESET, preset=token, name=HOME_PRESET_NAME)
            camera.ptz_moved_at = None  # the camera is where home now is
    camera.home_preset = token
    camera.updated_at = now
    session.flush()
    return _result(camera, command, settings)


# ---- return to home (R2) ---------------------------------------------------------------------------


def return_home_due(session: Session, *, now: dt.datetime, settings: CameraControlSettings) -> list[Camera]:
    """Cameras that PTZ moved away from home longer than `return_home_s` before `now`, oldest first."""
    cutoff = now - dt.timedelta(seconds=settings.return_home_s)
    stmt = (
        select(Camera)
        .where(Camera.ptz_moved_at.is_not(None), Camera.ptz_moved_at <= cutoff, Camera.onvif_host != "")
        .order_by(Camera.ptz_moved_at, Camera.id)
    )
    return list(session.scalars(stmt))


def claim_return(
    session: Session, *, camera_id: int, now: dt.datetime, settings: CameraControlSettings
) -> Camera | None:
    """Clear the camera's moved stamp if it is still due (one worker wins); the camera, or None.

    The caller sends the camera home in the same transaction: if that fails and rolls back, the stamp
    is back and the next run tries again. A move made meanwhile makes the camera no longer due.
    """
    cutoff = now - dt.timedelta(seconds=settings.return_home_s)
    result = session.execute(
        sql_update(Camera)
        .where(Camera.id == camera_id, Camera.ptz_moved_at.is_not(None), Camera.ptz_moved_at <= cutoff)
        .values(ptz_moved_at=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    camera = session.get(Camera, camera_id)
    if camera is not None:
        session.refresh(camera)
    return camera


def send_home(camera: Camera, *, connect: Connect) -> PtzCommand:
    """GotoPreset(home), or GotoHomePosition when the camera has no home preset; the command sent."""
    with _controller(camera, connect) as (ptz, heard):
        if camera.home_preset:
            ptz.goto_preset(camera.home_preset)
        else:
            ptz.goto_home()
    return heard[0]
