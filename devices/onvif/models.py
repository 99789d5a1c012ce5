"""What an ONVIF device tells about itself: typed results of describe, presets and discovery."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "DeviceCapabilities",
    "DeviceDescription",
    "DeviceInfo",
    "DiscoveredDevice",
    "MediaProfile",
    "Preset",
    "scope_value",
]


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """GetDeviceInformation."""

    manufacturer: str
    model: str
    firmware: str
    serial: str
    hardware_id: str


@dataclass(frozen=True, slots=True)
class DeviceCapabilities:
    """Which services the device offers (from GetCapabilities), with their addresses."""

    media: bool = False
    ptz: bool = False
    imaging: bool = False
    events: bool = False
    analytics: bool = False
    xaddrs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MediaProfile:
    """One media profile (GetProfiles) with its stream and snapshot URIs."""

    token: str
    name: str
    encoding: str | None
    width: int | None
    height: int | None
    fps: float | None
    has_ptz: bool
    stream_uri: str | None
    snapshot_uri: str | None


@dataclass(frozen=True, slots=True)
class DeviceDescription:
    """Everything needed to add a camera from its ONVIF address."""

    host: str
    port: int
    info: DeviceInfo
    capabilities: DeviceCapabilities
    profiles: list[MediaProfile]

    @property
    def stream_uri(self) -> str | None:
        """The main profile's RTSP URI."""
        return next((p.stream_uri for p in self.profiles if p.stream_uri), None)

    @property
    def sub_stream_uri(self) -> str | None:
        """The second profile's RTSP URI (usually the low-resolution sub stream), if any."""
        uris = [p.stream_uri for p in self.profiles if p.stream_uri]
        return uris[1] if len(uris) > 1 else None

    @property
    def snapshot_uri(self) -> str | None:
        """The main profile's snapshot URI."""
        return next((p.snapshot_uri for p in self.profiles if p.snapshot_uri), None)


@dataclass(frozen=True, slots=True)
class Preset:
    """A PTZ preset position."""

    token: str
    name: str


@dataclass(frozen=True, slots=True)
class DiscoveredDevice:
    """A ProbeMatch answer to a WS-Discovery probe."""

    address: str  # the endpoint reference (urn:uuid:...)
    xaddrs: list[str]
    scopes: list[str]
    types: list[str]
    source: str  # IP the answer came from

    @property
    def name(self) -> str | None:
        """The device name from its `onvif://www.onvif.org/name/...` scope."""
        return scope_value(self.scopes, "name")

    @property
    def hardware(self) -> str | None:
        """The hardware model from its `onvif://www.onvif.org/hardware/...` scope."""
        return scope_value(self.scopes, "hardware")


def scope_value(scopes: list[str], key: str) -> str | None:
    """The value of the first `onvif://www.onvif.org/<key>/<value>` scope (percent-decoded), or None."""
    from urllib.parse import unquote

    prefix = f"onvif://www.onvif.org/{key}/"
    return next((unquote(s[len(prefix) :]) for s in scopes if s.startswith(prefix)), None)
