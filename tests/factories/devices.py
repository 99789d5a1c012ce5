"""Cameras with ONVIF access for the PTZ tests."""

from __future__ import annotations

from itertools import count

from pydantic import SecretStr
from sqlalchemy.orm import Session

from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.camera.schemas import CameraCreate
from devices.credentials import CredentialBox

_n = count(1)


def make_ptz_camera(
    session: Session,
    box: CredentialBox,
    *,
    port: int | None,
    name: str | None = None,
    user: str = "admin",
    password: str = "s3cret",
    home_preset: str = "",
    url: str = "rtsp://127.0.0.1:1/none",
    title: str = "",
) -> Camera:
    """A registered camera whose ONVIF address is 127.0.0.1:port (no ONVIF when port is None)."""
    data = CameraCreate(
        name=name or f"ptz{next(_n)}",
        title=title,
        url=SecretStr(url),
        onvif_host="127.0.0.1" if port is not None else "",
        onvif_port=port or 80,
        onvif_user=user if port is not None else "",
        onvif_password=SecretStr(password) if port is not None else None,
        reason="test camera",
    )
    camera = cameras.create(session, data=data, box=box)
    camera.home_preset = home_preset
    session.flush()
    return camera
