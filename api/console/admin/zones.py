"""/admin/cameras/{id}/zones: the live picture with the camera's zones, exclusion masks and privacy masks
as polygons to draw and edit, and a preview of what the motion detector sees with the draft settings.

Saving sends the whole `detect` section to `PATCH /api/v1/cameras/{id}` (one audited change with a
reason); the page never writes the camera itself."""

from __future__ import annotations

import time
from typing import Any

import cv2
import numpy as np
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from numpy.typing import NDArray

from api.console.routes import render
from api.deps import CurrentToken, SessionDep, SettingsDep, get_context
from api.policies import ADMINS
from config.detection import DetectConfig
from core.errors import NotFound
from core.schemas import WriteSchema
from devices.adapters.base import encode_jpeg
from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from devices.errors import DeviceError
from devices.stream_check import grab_frames
from monitor.preview import motion_preview
from monitor.zones import blank_privacy, privacy_mask

__all__ = ["router"]

router = APIRouter(include_in_schema=False, dependencies=[Depends(ADMINS)])
PREVIEW_FRAMES = 8
PREVIEW_GAP_S = 0.25
GRAB_TIMEOUT_S = 8.0


class PreviewIn(WriteSchema):
    """The draft detection settings to preview."""

    detect: DetectConfig


def _detect(camera: Camera) -> DetectConfig:
    return DetectConfig.model_validate(camera.detect or {})


@router.get("/admin/cameras/{camera_id}/zones")
def zones_page(camera_id: int, request: Request, token: CurrentToken, session: SessionDep) -> HTMLResponse:
    """The zone and mask editor over the live picture."""
    camera = cameras.require(session, camera_id)
    return render(
        request,
        "admin/zones.html",
        token=token,
        camera=camera,
        detect=_detect(camera).model_dump(mode="json"),
    )


def _live_jpeg(request: Request, name: str) -> bytes | None:
    live = get_context(request).live
    return live.snapshot_jpeg(name) if live is not None else None


def _grab(camera: Camera, settings: SettingsDep, count: int) -> list[NDArray[np.uint8]]:
    """Frames straight from the stream, when no reader runs in this process."""
    url = cameras.stream_url(camera, CredentialBox(settings.auth.secret_key.get_secret_value()))
    try:
        return [f.image for f in grab_frames(url, count=count, timeout=GRAB_TIMEOUT_S)]
    except DeviceError as exc:
        raise NotFound(f"no picture from camera {camera.name!r}: {exc.reason}") from exc


@router.get("/admin/cameras/{camera_id}/zones/snapshot")
def zones_snapshot(camera_id: int, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The full-resolution live picture (privacy masks blanked) the polygons are drawn on."""
    camera = cameras.require(session, camera_id)
    jpeg = _live_jpeg(request, camera.name)
    if jpeg is None:
        image = _grab(camera, settings, 1)[0]
        jpeg = encode_jpeg(blank_privacy(image, privacy_mask(_detect(camera), image.shape[:2])))
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


def _decode(jpeg: bytes) -> NDArray[np.uint8]:
    image = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    return np.asarray(image, dtype=np.uint8)


@router.post("/admin/cameras/{camera_id}/zones/preview")
def preview_zones(
    camera_id: int, body: PreviewIn, request: Request, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Boxes the motion detector reports over about two seconds of live picture with the draft settings."""
    camera = cameras.require(session, camera_id)
    frames: list[NDArray[np.uint8]] = []
    if get_context(request).live is not None:
        for i in range(PREVIEW_FRAMES):
            jpeg = _live_jpeg(request, camera.name)
            if jpeg is not None:
                frames.append(_decode(jpeg))
            if i < PREVIEW_FRAMES - 1:
                time.sleep(PREVIEW_GAP_S)
    if not frames:
        frames = _grab(camera, settings, PREVIEW_FRAMES * 3)[::3]
    boxes = motion_preview(frames, body.detect)
    return {
        "frames": len(frames),
        "width": int(frames[0].shape[1]),
        "height": int(frames[0].shape[0]),
        "boxes": [{"zone": b.zone, "x": b.x, "y": b.y, "w": b.w, "h": b.h} for b in boxes],
    }
