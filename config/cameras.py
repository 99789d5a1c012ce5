"""Camera definitions as they appear in the YAML config (`cameras:`), validated with every field bounded."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from config.detection import DetectConfig
from core.schemas import StrictSchema

__all__ = ["CameraConfig", "OnvifConfig", "RecordingConfig"]


class OnvifConfig(StrictSchema):
    """How to reach the camera's ONVIF services (optional)."""

    host: str = Field(min_length=1, max_length=255, description="ONVIF host name or address.")
    port: int = Field(default=80, ge=1, le=65535, description="ONVIF HTTP port.")
    user: str = Field(default="", max_length=128, description="ONVIF user name.")
    password: SecretStr = Field(default=SecretStr(""), description="ONVIF password (stored encrypted).")


class RecordingConfig(StrictSchema):
    """Per-camera recording policy."""

    mode: str = Field(
        default="off", pattern="^(off|continuous|events)$", description="off, continuous, events."
    )
    retain_days: int = Field(default=30, ge=1, le=3650, description="Keep footage this many days.")
    pre_roll_s: float = Field(default=5.0, ge=0, le=120, description="Seconds kept before an event.")
    post_roll_s: float = Field(default=10.0, ge=0, le=600, description="Seconds kept after an event.")


class CameraConfig(StrictSchema):
    """One camera: where its streams are and how it is watched."""

    name: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", description="Unique short name."
    )
    title: str = Field(default="", max_length=200, description="Human-readable name shown on the wall.")
    location: str = Field(default="", max_length=200, description="Where the camera is.")
    group: str = Field(default="", max_length=100, description="Camera group (for layouts and reports).")
    url: SecretStr = Field(
        description="Main stream URL (rtsp://, rtsps://, http:// MJPEG, file path or demo://)."
    )
    sub_url: SecretStr | None = Field(default=None, description="Sub stream URL used for detection, if any.")
    key: bool = Field(default=False, description="Key camera: always on the console wall (D2).")
    enabled: bool = Field(default=True, description="Disabled cameras are not read.")
    onvif: OnvifConfig | None = Field(default=None, description="ONVIF access for PTZ and discovery.")
    detect: DetectConfig = Field(default_factory=DetectConfig, description="Motion and tamper detection.")
    recording: RecordingConfig = Field(default_factory=RecordingConfig)

    @model_validator(mode="after")
    def _url_not_empty(self) -> Self:
        if not self.url.get_secret_value().strip():
            raise ValueError("url: must not be empty")
        return self
