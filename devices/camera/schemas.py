"""Request and response shapes of the camera registry. Credentials are write-only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, computed_field, field_validator

from config.cameras import RecordingConfig
from config.detection import DetectConfig
from core.schemas import ReadSchema, WriteSchema
from devices.health import reason_message

__all__ = [
    "CameraCreate",
    "CameraHealthRead",
    "CameraOnvifCreate",
    "CameraRead",
    "CameraUpdate",
    "PtzCommandRead",
    "PtzHome",
    "PtzMove",
    "PtzPreset",
    "PtzPresetRead",
    "PtzReason",
]

STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")
MAX_URL_LENGTH = 2048


def _stream_url(value: SecretStr) -> SecretStr:
    """A camera stream URL: rtsp, rtsps, http or https, with a host, at most 2,048 characters (never echoed:
    it may hold a password)."""
    url = value.get_secret_value()
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"must be at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise ValueError("is not a valid URL") from exc
    if parts.scheme.lower() not in STREAM_SCHEMES:
        raise ValueError(f"must start with one of {', '.join(s + '://' for s in STREAM_SCHEMES)}")
    if not host:
        raise ValueError("must name a host")
    return value


StreamUrl = Annotated[SecretStr, AfterValidator(_stream_url)]
Reason = Field(min_length=3, max_length=500, description="Why (required for every change; audited).")


class CameraCreate(WriteSchema):
    """A new camera."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = Field(default="", max_length=200)
    location: str = Field(default="", max_length=200)
    group: str = Field(default="", max_length=100)
    url: StreamUrl = Field(description="Main stream URL; stored encrypted, never returned.")
    sub_url: StreamUrl | None = None
    onvif_host: str = Field(default="", max_length=255)
    onvif_port: int = Field(default=80, ge=1, le=65535)
    onvif_user: str = Field(default="", max_length=128)
    onvif_password: SecretStr | None = None
    key: bool = False
    enabled: bool = True
    detect: DetectConfig = Field(default_factory=DetectConfig)
    recording: RecordingConfig = Field(default_factory=RecordingConfig)
    reason: str = Reason


class CameraOnvifCreate(WriteSchema):
    """A new camera from its ONVIF address: the device fills in the stream URLs (and title, location)."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    host: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_.:\[\]-]+$")
    port: int = Field(default=80, ge=1, le=65535)
    user: str = Field(default="", max_length=128)
    password: SecretStr | None = Field(default=None, description="Stored encrypted, never returned.")
    title: str = Field(default="", max_length=200, description="Empty: the device's name or model.")
    location: str = Field(default="", max_length=200, description="Empty: the device's location scope.")
    group: str = Field(default="", max_length=100)
    key: bool = False
    enabled: bool = True
    reason: str = Reason


class CameraUpdate(WriteSchema):
    """Changes to a camera; absent fields stay. Every change needs a reason (R2, D3)."""

    title: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    group: str | None = Field(default=None, max_length=100)
    url: StreamUrl | None = None
    sub_url: StreamUrl | None = None
    onvif_host: str | None = Field(default=None, max_length=255)
    onvif_port: int | None = Field(default=None, ge=1, le=65535)
    onvif_user: str | None = Field(default=None, max_length=128)
    onvif_password: SecretStr | None = None
    key: bool | None = None
    enabled: bool | None = None
    detect: DetectConfig | None = None
    recording: RecordingConfig | None = None
    reason: str = Reason

    @field_validator(
        "title",
        "location",
        "group",
        "onvif_host",
        "onvif_port",
        "onvif_user",
        "key",
        "enabled",
        "detect",
        "recording",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        """An explicit null is refused (422 naming the field): leave a field out to keep it."""
        if value is None:
            raise ValueError("must not be null; leave the field out to keep its value")
        return value


class CameraRead(ReadSchema):
    """A camera as shown to signed-in users (the URL with its password masked)."""

    id: int
    name: str
    title: str
    location: str
    group: str
    url_masked: str
    onvif_host: str
    onvif_port: int
    onvif_user: str
    has_onvif: bool
    key: bool
    enabled: bool
    detect: dict[str, Any]
    recording: dict[str, Any]
    health: str
    health_reason: str
    health_since: dt.datetime | None
    last_motion_at: dt.datetime | None
    decode_mode: str = Field(
        description="full, quiet (keyframes only: no motion for a while) or shed (overload)."
    )
    worker_id: str | None
    home_preset: str
    ptz_moved_at: dt.datetime | None


class CameraHealthRead(ReadSchema):
    """A camera's health."""

    id: int
    name: str
    health: str
    health_reason: str
    health_since: dt.datetime | None
    last_motion_at: dt.datetime | None
    decode_mode: str = Field(description="full, quiet (keyframes only: nothing moved for a while) or shed.")
    worker_id: str | None = Field(description="The worker reading the camera (its lease).")

    @computed_field(  # type: ignore[prop-decorator]
        description="`health_reason` as a message key with parameters (for the reader's language), or null "
        "for a reason the stream itself gave (an error text, shown as it came)."
    )
    @property
    def health_message(self) -> dict[str, Any] | None:
        message = reason_message(self.health_reason)
        return None if message is None else message.as_json()


class PtzMove(WriteSchema):
    """A continuous PTZ move (velocities -1..1) for a short time, with the operator's reason."""

    pan: float = Field(default=0, ge=-1, le=1)
    tilt: float = Field(default=0, ge=-1, le=1)
    zoom: float = Field(default=0, ge=-1, le=1)
    seconds: float = Field(default=0.5, gt=0, le=10)
    reason: str = Reason


class PtzPreset(WriteSchema):
    """Go to a preset, with the operator's reason."""

    preset: str = Field(min_length=1, max_length=64)
    reason: str = Reason


class PtzReason(WriteSchema):
    """A PTZ command without parameters (stop, return home), with the operator's reason."""

    reason: str = Reason


class PtzHome(WriteSchema):
    """Set the camera's home preset: an existing preset, or (without `preset`) the current view."""

    preset: str | None = Field(default=None, min_length=1, max_length=64)
    reason: str = Reason


class PtzPresetRead(ReadSchema):
    """A preset of a camera."""

    token: str
    name: str
    home: bool


class PtzCommandRead(ReadSchema):
    """A PTZ command that the camera carried out, and when the camera will return home by itself."""

    camera_id: int
    camera: str
    action: str
    pan: float | None = None
    tilt: float | None = None
    zoom: float | None = None
    preset: str | None = None
    return_home_at: dt.datetime | None = None
