"""Errors of the device layer. Adapters translate av/socket/zeep/onvif exceptions at the edge into these.

    core.errors.Unavailable
    └── DeviceError            a camera or its stream cannot be used right now
        ├── ConnectError       host unreachable, connection refused, not a stream server, file missing
        ├── StreamTimeout      no answer or no data within the open/read timeout
        ├── AuthError          the device refused the credentials
        ├── NoVideoTrack       the stream has no video track
        ├── UnsupportedCodec   no decoder for the stream's codec
        ├── PtzError           a PTZ command failed or PTZ is not supported
        └── OnvifFault         the ONVIF service answered with a fault or a malformed reply

Every error carries `reason`, a short stable phrase for humans ("connection refused"), and a message that
never contains a password: URLs go through `devices.urls.mask_url` first.
"""

from __future__ import annotations

from typing import Any

from core.errors import Unavailable
from devices.urls import mask_text

__all__ = [
    "AuthError",
    "ConnectError",
    "DeviceError",
    "NoVideoTrack",
    "OnvifFault",
    "PtzError",
    "StreamTimeout",
    "UnsupportedCodec",
]


class DeviceError(Unavailable):
    """A camera, stream or device service cannot be used right now."""

    code = "device_error"
    default_reason = "device error"

    def __init__(self, message: str, *, reason: str | None = None, detail: Any = None) -> None:
        super().__init__(mask_text(message), detail=detail)
        self.reason = reason or self.default_reason


class ConnectError(DeviceError):
    """The device could not be reached: unreachable host, refused connection, wrong protocol, missing file."""

    code = "device_connect"
    default_reason = "cannot connect"


class StreamTimeout(DeviceError):
    """The device did not answer, or the stream delivered no data, within the timeout."""

    code = "device_timeout"
    default_reason = "timeout"


class AuthError(DeviceError):
    """The device refused the credentials."""

    code = "device_auth"
    default_reason = "auth refused"


class NoVideoTrack(DeviceError):
    """The stream opened but carries no video."""

    code = "device_no_video"
    default_reason = "no video track"


class UnsupportedCodec(DeviceError):
    """The stream's video codec has no decoder here."""

    code = "device_codec"
    default_reason = "unsupported codec"


class PtzError(DeviceError):
    """A PTZ command failed, or the device has no PTZ."""

    code = "device_ptz"
    default_reason = "PTZ failed"


class OnvifFault(DeviceError):
    """The ONVIF service answered with a SOAP fault or a reply that does not parse."""

    code = "device_onvif"
    default_reason = "ONVIF fault"
