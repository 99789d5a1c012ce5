"""/admin/cameras: the registry with health, lease holder and last error; add by URL (with the same stream
check as `controlroom camera test`) or by ONVIF (discovery or address, pick a profile); edit, enable and
disable (admin only). Changes go through the camera services and are audited with a reason; the worker
reads cameras from the database, so they apply without a restart."""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import Field, SecretStr

from api.console.admin.schemas import OnvifAsk, OnvifDiscover, StreamTest
from api.console.routes import render
from api.deps import CurrentToken, SessionDep, SettingsDep, audit_as
from api.policies import ADMINS
from core.errors import Invalid
from devices.camera import service as cameras
from devices.camera.schemas import CameraCreate, CameraRead
from devices.credentials import CredentialBox
from devices.errors import DeviceError
from devices.onvif.client import describe
from devices.onvif.discovery import discover
from devices.stream_check import measure_stream
from devices.urls import scheme_of, with_credentials

__all__ = ["router"]

router = APIRouter(include_in_schema=False, dependencies=[Depends(ADMINS)])
TESTABLE = frozenset({"rtsp", "rtsps", "http", "https", "demo"})
DEVICE_TIMEOUT_S = 8.0


class CameraAdd(CameraCreate):
    """A new camera from the page: the stream login may be given apart from the URL."""

    user: str = Field(default="", max_length=128)
    password: SecretStr | None = None


def _box(settings: SettingsDep) -> CredentialBox:
    return CredentialBox(settings.auth.secret_key.get_secret_value())


@router.get("/admin/cameras")
def cameras_page(request: Request, token: CurrentToken, session: SessionDep) -> HTMLResponse:
    """Every camera with its health, lease holder and last error; the add and edit forms."""
    rows, total = cameras.list_(session, limit=1000, offset=0)
    return render(
        request,
        "admin/cameras.html",
        token=token,
        cameras=rows,
        total=total,
        payload=[CameraRead.model_validate(c).model_dump(mode="json") for c in rows],
    )


@router.post("/admin/cameras", status_code=201)
def add_camera(
    body: CameraAdd, request: Request, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Register a camera (the login, when given apart, is sealed into the URL)."""
    data = body.model_dump(exclude={"user", "password"})
    if body.user:
        password = body.password.get_secret_value() if body.password else ""
        data["url"] = with_credentials(body.url.get_secret_value(), body.user, password)
        if body.sub_url is not None:
            data["sub_url"] = with_credentials(body.sub_url.get_secret_value(), body.user, password)
    else:
        data["url"] = body.url.get_secret_value()
        data["sub_url"] = body.sub_url.get_secret_value() if body.sub_url else None
    camera = cameras.create(session, data=CameraCreate.model_validate(data), box=_box(settings))
    audit_as(
        request,
        "camera.create",
        f"camera:{camera.name}",
        detail={
            "reason": body.reason,
            "after": {"url": camera.url_masked, "key": camera.key},
        },
    )
    return CameraRead.model_validate(camera).model_dump(mode="json")


def _target(
    body: StreamTest, session: SessionDep, settings: SettingsDep
) -> tuple[str, str | None, str | None]:
    """The URL and login to try: as typed, or the stored ones of `camera_id` when the URL is '*'."""
    if body.url == "*" and body.camera_id is not None:
        camera = cameras.require(session, body.camera_id)
        return cameras.stream_url(camera, _box(settings)), None, None
    if scheme_of(body.url) not in TESTABLE:
        raise Invalid("use an rtsp://, rtsps://, http(s):// or demo:// URL", field="url")
    return body.url, body.user or None, body.password or None


@router.post("/admin/cameras/test")
def test_stream(body: StreamTest, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Read a few frames like `controlroom camera test`; the first picture, or the failure in plain words."""
    url, user, password = _target(body, session, settings)
    try:
        r = measure_stream(
            url, user=user, password=password, frames=5, seconds=1.0, timeout=DEVICE_TIMEOUT_S, picture=True
        )
    except DeviceError as exc:
        return {"ok": False, "reason": exc.reason, "message": exc.message}
    picture = base64.b64encode(r.picture or b"").decode("ascii")
    return {
        "ok": True,
        "codec": r.codec,
        "width": r.width,
        "height": r.height,
        "fps": round(r.measured_fps or r.declared_fps or 0, 1),
        "first_frame_ms": round(r.first_frame_ms),
        "picture": f"data:image/jpeg;base64,{picture}",
    }


@router.post("/admin/cameras/onvif/describe")
def describe_onvif(body: OnvifAsk) -> dict[str, Any]:
    """The ONVIF device's model and profiles with their stream and snapshot URIs (for the add form)."""
    try:
        d = describe(body.host, body.port, body.user or None, body.password or None, timeout=DEVICE_TIMEOUT_S)
    except DeviceError as exc:
        return {"ok": False, "reason": exc.reason, "message": exc.message}
    return {
        "ok": True,
        "device": f"{d.info.manufacturer} {d.info.model}".strip(),
        "profiles": [asdict(p) for p in d.profiles],
    }


@router.post("/admin/cameras/onvif/discover")
def discover_onvif(body: OnvifDiscover | None = None) -> dict[str, Any]:
    """WS-Discovery: a multicast probe on the local network (answered only where the network lets it
    through) and, when an address is typed, a unicast probe to it (which passes where multicast does not)."""
    hosts = [body.host] if body is not None and body.host else []
    try:
        found = discover(hosts=hosts, timeout=2.0)
    except OSError as exc:
        return {"ok": False, "reason": "network", "message": str(exc), "devices": []}
    return {"ok": True, "devices": [asdict(d) for d in found]}
