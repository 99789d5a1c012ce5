"""Console pages of the live path: the camera wall, the alert queue, one camera in focus."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from alerts import service as alerts
from alerts.models import AlertState
from alerts.schemas import AlertRead
from api.console.routes import render
from api.deps import IN_ROOM, CurrentToken, SessionDep, SettingsDep
from devices.camera import ptz
from devices.camera import service as cameras
from devices.camera.schemas import CameraRead
from footage.models import HoldCategory

router = APIRouter(include_in_schema=False)
WATCHERS = IN_ROOM


@router.get("/wall", dependencies=[Depends(WATCHERS)])
def wall_page(request: Request, token: CurrentToken, session: SessionDep) -> HTMLResponse:
    """The camera wall: key cameras pinned first, tiles refreshed live."""
    rows, _ = cameras.list_(session, limit=64, offset=0, enabled=True)
    tiles = [CameraRead.model_validate(c).model_dump(mode="json") for c in rows]
    return render(request, "wall.html", token=token, tiles=tiles)


@router.get("/alerts", dependencies=[Depends(WATCHERS)])
def alerts_page(
    request: Request, token: CurrentToken, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The alert queue, kept live over SSE."""
    rows, _ = alerts.list_(session, limit=200, offset=0, states=[AlertState.NEW, AlertState.ACKNOWLEDGED])
    items = [AlertRead.model_validate(a).model_dump(mode="json") for a in rows]
    responders = [r.model_dump() for r in settings.alerts.responders]
    last_change_id = alerts.last_change_id(session)
    return render(
        request,
        "alerts.html",
        token=token,
        alerts=items,
        responders=responders,
        last_change_id=last_change_id,
        hold_categories=[c.value for c in HoldCategory],
    )


@router.get("/cameras/{camera_id}", dependencies=[Depends(WATCHERS)])
def camera_page(
    camera_id: int, request: Request, token: CurrentToken, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """One camera in focus, live, with PTZ controls for the roles configured for PTZ."""
    row = cameras.require(session, camera_id)
    camera = CameraRead.model_validate(row).model_dump(mode="json")
    controls = ptz.console_controls(row, token.user.roles, settings.camera_control)
    return render(request, "camera.html", token=token, camera=camera, ptz=controls)
