"""Errors of the camera registry."""

from __future__ import annotations

from core.errors import Conflict, Forbidden, Invalid, NotFound

__all__ = ["CameraNameTaken", "CameraNotFound", "NoOnvif", "NoSuchPreset", "PtzNotAllowed"]


class CameraNotFound(NotFound):
    """No camera with that id or name."""

    code = "camera_not_found"


class CameraNameTaken(Conflict):
    """Another camera already has that name."""

    code = "camera_name_taken"


class NoOnvif(Conflict):
    """The camera has no ONVIF access configured (no PTZ)."""

    code = "camera_has_no_onvif"


class PtzNotAllowed(Forbidden):
    """The caller holds none of the roles configured for PTZ (camera_control.ptz_roles)."""

    code = "ptz_not_allowed"


class NoSuchPreset(Invalid):
    """The camera has no preset with that token."""

    code = "ptz_no_such_preset"
