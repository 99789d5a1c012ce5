"""Add a camera from its ONVIF address: the device tells its stream URLs, name, location and model."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr
from sqlalchemy.orm import Session

from devices.camera import service as cameras
from devices.camera.errors import CameraNameTaken
from devices.camera.models import Camera
from devices.camera.schemas import CameraCreate, CameraOnvifCreate
from devices.credentials import CredentialBox
from devices.errors import DeviceError, OnvifFault
from devices.onvif.client import OnvifClient
from devices.onvif.models import DeviceDescription, scope_value
from devices.urls import with_credentials

__all__ = ["OnvifAdded", "create_from_onvif"]


@dataclass(frozen=True, slots=True)
class OnvifAdded:
    """The camera created, and what the device said about itself."""

    camera: Camera
    description: DeviceDescription
    scopes: list[str]

    @property
    def device(self) -> str:
        """Manufacturer and model, e.g. "Axis P5655-E"."""
        return f"{self.description.info.manufacturer} {self.description.info.model}".strip()


def _ask(
    host: str, port: int, user: str, password: str, timeout: float
) -> tuple[DeviceDescription, list[str]]:
    with OnvifClient(host, port, user or None, password or None, timeout=timeout) as client:
        description = client.describe()
        try:
            scopes = client.scopes()
        except DeviceError:
            scopes = []  # optional: only used for the name and location
    return description, scopes


def _with_login(uri: str | None, user: str, password: str) -> SecretStr | None:
    """The stream URI with the ONVIF login added (devices return it bare; RTSP asks for the same login)."""
    if not uri:
        return None
    if urlsplit(uri).username or not user:
        return SecretStr(uri)
    return SecretStr(with_credentials(uri, user, password))


def create_from_onvif(
    session: Session, *, data: CameraOnvifCreate, box: CredentialBox, timeout: float = 10.0
) -> OnvifAdded:
    """Describe the device at data.host:port and register it (stream URLs and password stored sealed)."""
    if cameras.get_by_name(session, data.name) is not None:
        raise CameraNameTaken(f"camera name {data.name!r} is taken")
    password = data.password.get_secret_value() if data.password is not None else ""
    description, scopes = _ask(data.host, data.port, data.user, password, timeout)
    url = _with_login(description.stream_uri, data.user, password)
    if url is None:
        raise OnvifFault(
            f"the ONVIF device at {data.host}:{data.port} reports no RTSP stream URI", reason="no stream URI"
        )
    model = f"{description.info.manufacturer} {description.info.model}".strip()
    create = CameraCreate(
        name=data.name,
        title=(data.title or scope_value(scopes, "name") or model)[:200],
        location=(data.location or scope_value(scopes, "location") or "")[:200],
        group=data.group,
        url=url,
        sub_url=_with_login(description.sub_stream_uri, data.user, password),
        onvif_host=data.host,
        onvif_port=data.port,
        onvif_user=data.user,
        onvif_password=data.password,
        key=data.key,
        enabled=data.enabled,
        reason=data.reason,
    )
    camera = cameras.create(session, data=create, box=box)
    return OnvifAdded(camera=camera, description=description, scopes=scopes)
