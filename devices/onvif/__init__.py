"""ONVIF: WS-Discovery, describing a device from its address, and PTZ (with return-to-home)."""

from devices.onvif.client import OnvifClient, describe
from devices.onvif.models import (
    DeviceCapabilities,
    DeviceDescription,
    DeviceInfo,
    DiscoveredDevice,
    MediaProfile,
    Preset,
)
from devices.onvif.ptz import OnvifPtz, PtzAction, PtzBackend, PtzCommand, PtzController, ReturnToHome

__all__ = [
    "DeviceCapabilities",
    "DeviceDescription",
    "DeviceInfo",
    "DiscoveredDevice",
    "MediaProfile",
    "OnvifClient",
    "OnvifPtz",
    "Preset",
    "PtzAction",
    "PtzBackend",
    "PtzCommand",
    "PtzController",
    "ReturnToHome",
    "describe",
]
