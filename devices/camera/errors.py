"""Errors of the camera registry."""

from __future__ import annotations

from core.errors import Conflict, NotFound

__all__ = ["CameraNameTaken", "CameraNotFound", "NoOnvif"]


class CameraNotFound(NotFound):
    """No camera with that id or name."""

    code = "camera_not_found"


class CameraNameTaken(Conflict):
    """Another camera already has that name."""

    code = "camera_name_taken"


class NoOnvif(Conflict):
    """The camera has no ONVIF access configured (no PTZ)."""

    code = "camera_has_no_onvif"
