"""PTZ over HTTP (R2, D3, D6): configured roles only, a reason on every command, every command audited.

Who may move cameras is configuration (`camera_control.ptz_roles`), checked by `devices.camera.ptz`;
the routes declare the widest set of roles that configuration may name. Device failures are 503 with the
device's reason, a camera without ONVIF is 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from api.deps import CurrentUser, SessionDep, SettingsDep, audit_as, now_of
from api.errors import PROBLEM_RESPONSES
from api.policies import OVERSEERS, ROOM_OR_ADMIN
from api.schemas import Problem
from core.types import RowId
from devices.camera import ptz
from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.camera.schemas import PtzCommandRead, PtzHome, PtzMove, PtzPreset, PtzPresetRead, PtzReason
from devices.credentials import CredentialBox

router = APIRouter(
    prefix="/api/v1/cameras/{camera_id}/ptz",
    tags=["ptz"],
    responses={**PROBLEM_RESPONSES, 503: {"model": Problem, "description": "The camera cannot be reached"}},
)
ONVIF_TIMEOUT_S = 10.0


def _camera(camera_id: RowId, request: Request, session: SessionDep) -> Camera:
    """The camera of the path; it names the audit target of the request."""
    camera = cameras.require(session, camera_id)
    audit_as(request, target=f"camera:{camera.name}")
    return camera


CameraDep = Annotated[Camera, Depends(_camera)]


def _connect(settings: SettingsDep) -> ptz.Connect:
    return ptz.onvif_connector(
        CredentialBox(settings.auth.secret_key.get_secret_value()), timeout=ONVIF_TIMEOUT_S
    )


ConnectDep = Annotated[ptz.Connect, Depends(_connect)]


def _audit(request: Request, audit_action: str, reason: str, **command: Any) -> None:
    """Name the audit row before the command runs, so a refused or failed command is audited too."""
    audit_as(request, audit_action, detail={"reason": reason, "command": command})


def _read(result: ptz.PtzResult) -> PtzCommandRead:
    c = result.command
    return PtzCommandRead(
        camera_id=result.camera.id,
        camera=result.camera.name,
        action=c.action.value,
        pan=c.pan,
        tilt=c.tilt,
        zoom=c.zoom,
        preset=c.preset,
        return_home_at=result.return_home_at,
    )


@router.post("/move", dependencies=[Depends(ROOM_OR_ADMIN)], response_model=PtzCommandRead)
def move_camera(
    body: PtzMove,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    camera: CameraDep,
    connect: ConnectDep,
) -> PtzCommandRead:
    """Pan/tilt/zoom at the given velocities (-1..1) for `seconds`, then stop (with a reason; audited)."""
    _audit(request, "camera.ptz.move", body.reason, action="move", **body.model_dump(exclude={"reason"}))
    result = ptz.move(
        session,
        camera=camera,
        roles=user.roles,
        data=body,
        settings=settings.camera_control,
        connect=connect,
        now=now_of(request),
    )
    return _read(result)


@router.post("/stop", dependencies=[Depends(ROOM_OR_ADMIN)], response_model=PtzCommandRead)
def stop_camera(
    body: PtzReason,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    camera: CameraDep,
    connect: ConnectDep,
) -> PtzCommandRead:
    """Stop any PTZ movement (with a reason; audited)."""
    _audit(request, "camera.ptz.stop", body.reason, action="stop")
    result = ptz.stop(
        session,
        camera=camera,
        roles=user.roles,
        settings=settings.camera_control,
        connect=connect,
        now=now_of(request),
    )
    return _read(result)


@router.get("/presets", dependencies=[Depends(ROOM_OR_ADMIN)], response_model=list[PtzPresetRead])
def list_presets(
    settings: SettingsDep, user: CurrentUser, camera: CameraDep, connect: ConnectDep
) -> list[PtzPresetRead]:
    """The camera's presets as the device lists them; `home` marks the home preset."""
    found = ptz.presets(camera=camera, roles=user.roles, settings=settings.camera_control, connect=connect)
    return [PtzPresetRead(token=p.token, name=p.name, home=p.token == camera.home_preset) for p in found]


@router.post("/preset", dependencies=[Depends(ROOM_OR_ADMIN)], response_model=PtzCommandRead)
def goto_preset(
    body: PtzPreset,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    camera: CameraDep,
    connect: ConnectDep,
) -> PtzCommandRead:
    """Move to a preset (with a reason; audited)."""
    _audit(request, "camera.ptz.preset", body.reason, action="goto_preset", preset=body.preset)
    result = ptz.goto_preset(
        session,
        camera=camera,
        roles=user.roles,
        preset=body.preset,
        settings=settings.camera_control,
        connect=connect,
        now=now_of(request),
    )
    return _read(result)


@router.post("/return-home", dependencies=[Depends(ROOM_OR_ADMIN)], response_model=PtzCommandRead)
def return_camera_home(
    body: PtzReason,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    camera: CameraDep,
    connect: ConnectDep,
) -> PtzCommandRead:
    """Send the camera to its home preset now (with a reason; audited)."""
    _audit(request, "camera.ptz.return_home", body.reason, action="return_home")
    result = ptz.return_home(
        session, camera=camera, roles=user.roles, settings=settings.camera_control, connect=connect
    )
    return _read(result)


@router.post("/home", dependencies=[Depends(OVERSEERS)], response_model=PtzCommandRead)
def set_home_preset(
    body: PtzHome,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    camera: CameraDep,
    connect: ConnectDep,
) -> PtzCommandRead:
    """Set the home preset: an existing preset, or the current view (admin or supervisor; audited)."""
    _audit(request, "camera.ptz.set_home", body.reason, action="set_home", preset=body.preset)
    result = ptz.set_home(
        session,
        camera=camera,
        preset=body.preset,
        settings=settings.camera_control,
        connect=connect,
        now=now_of(request),
    )
    # the preset token the device gave
    audit_as(request, more={"command": {"action": "set_home", "preset": result.command.preset}})
    return _read(result)
