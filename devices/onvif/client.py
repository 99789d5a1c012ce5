"""A sync facade over onvif-zeep-async: describe a device, read stream/snapshot URIs, drive PTZ.

Calls run on one background event loop (`loop.run_sync`); every library error becomes a `DeviceError`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from onvif import ONVIFCamera

from devices.errors import DeviceError
from devices.onvif.errors import translate_onvif_error
from devices.onvif.loop import run_sync
from devices.onvif.models import DeviceCapabilities, DeviceDescription, DeviceInfo, MediaProfile, Preset
from devices.urls import scrub_exception

__all__ = ["OnvifClient", "describe"]

T = TypeVar("T")
_CAPABILITY_KEYS = ("Media", "PTZ", "Imaging", "Events", "Analytics")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class OnvifClient:
    """A connection to one ONVIF device; use as a context manager or call `close()`."""

    def __init__(
        self,
        host: str,
        port: int = 80,
        user: str | None = None,
        password: str | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._user, self._password = user, password
        self._cam: Any = None
        self._services: dict[str, Any] = {}

    def _run(self, operation: str, make: Callable[[], Awaitable[T]]) -> T:
        async def go() -> T:
            return await self._op(operation, make)

        try:
            return run_sync(go(), self.timeout)
        except TimeoutError as exc:
            raise translate_onvif_error(exc, host=self._where, operation=operation) from exc

    async def _op(self, operation: str, make: Callable[[], Awaitable[T]]) -> T:
        try:
            return await make()
        except DeviceError:
            raise
        except Exception as exc:
            raise translate_onvif_error(exc, host=self._where, operation=operation) from scrub_exception(exc)

    @property
    def _where(self) -> str:
        return f"{self.host}:{self.port}"

    async def _service(self, kind: str) -> Any:
        if self._cam is None:
            self._cam = ONVIFCamera(self.host, self.port, self._user or "", self._password or "")
            await self._op("GetServices", self._cam.update_xaddrs)
        if kind not in self._services:
            create = getattr(self._cam, f"create_{kind}_service")
            self._services[kind] = await self._op(f"connect {kind} service", create)
        return self._services[kind]

    def describe(self) -> DeviceDescription:
        """GetDeviceInformation, GetCapabilities, GetProfiles, GetStreamUri and GetSnapshotUri in one go."""
        return self._run("describe", self._describe)

    async def _describe(self) -> DeviceDescription:
        dev = await self._service("devicemgmt")
        raw = await self._op("GetDeviceInformation", dev.GetDeviceInformation)
        info = DeviceInfo(
            manufacturer=_text(raw.Manufacturer),
            model=_text(raw.Model),
            firmware=_text(raw.FirmwareVersion),
            serial=_text(raw.SerialNumber),
            hardware_id=_text(raw.HardwareId),
        )
        caps = await self._op("GetCapabilities", self._cam.get_capabilities) or {}
        capabilities = DeviceCapabilities(
            **{k.lower(): caps.get(k) is not None for k in _CAPABILITY_KEYS},
            xaddrs={str(k): str(v) for k, v in self._cam.xaddrs.items()},
        )
        profiles = await self._profiles() if capabilities.media or "Media" not in caps else []
        return DeviceDescription(self.host, self.port, info, capabilities, profiles)

    async def _profiles(self) -> list[MediaProfile]:
        media = await self._service("media")
        raw_profiles = await self._op("GetProfiles", media.GetProfiles)
        out = []
        for p in raw_profiles or []:
            stream = await self._uri(media, "GetStreamUri", p.token)
            snapshot = await self._uri(media, "GetSnapshotUri", p.token, required=False)
            out.append(_profile(p, stream, snapshot))
        return out

    async def _uri(self, media: Any, op: str, token: str, *, required: bool = True) -> str | None:
        params: dict[str, Any] = {"ProfileToken": token}
        if op == "GetStreamUri":
            params["StreamSetup"] = {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}}
        try:
            reply = await self._op(op, lambda: getattr(media, op)(params))
        except Exception:
            if required:
                raise
            return None
        return _text(reply.Uri) or None

    def scopes(self) -> list[str]:
        """GetScopes: the device's scope URIs (onvif://www.onvif.org/name/..., /location/..., /hardware/...)."""

        async def call() -> list[str]:
            dev = await self._service("devicemgmt")
            raw = await self._op("GetScopes", dev.GetScopes)
            return [_text(getattr(item, "ScopeItem", item)) for item in raw or []]

        return self._run("GetScopes", call)

    # PTZ primitives (one ONVIF operation each); `PtzController` wraps them with typed checks and listeners.

    def ptz_call(self, operation: str, params: dict[str, Any]) -> Any:
        """Call one PTZ service operation with `params` and return the raw reply."""

        async def call() -> Any:
            ptz = await self._service("ptz")
            return await self._op(operation, lambda: getattr(ptz, operation)(params))

        return self._run(operation, call)

    def presets(self, profile_token: str) -> list[Preset]:
        """GetPresets for a profile."""
        raw = self.ptz_call("GetPresets", {"ProfileToken": profile_token}) or []
        return [Preset(token=_text(p.token), name=_text(getattr(p, "Name", ""))) for p in raw]

    def close(self) -> None:
        """Close the device's HTTP sessions; safe to call twice."""
        cam, self._cam = self._cam, None
        self._services.clear()
        if cam is not None:
            run_sync(cam.close(), 5.0)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _profile(p: Any, stream: str | None, snapshot: str | None) -> MediaProfile:
    enc = getattr(p, "VideoEncoderConfiguration", None)
    res = getattr(enc, "Resolution", None)
    rate = getattr(getattr(enc, "RateControl", None), "FrameRateLimit", None)
    return MediaProfile(
        token=_text(p.token),
        name=_text(getattr(p, "Name", "")),
        encoding=_text(getattr(enc, "Encoding", None)) or None,
        width=int(res.Width) if res is not None else None,
        height=int(res.Height) if res is not None else None,
        fps=float(rate) if rate else None,
        has_ptz=getattr(p, "PTZConfiguration", None) is not None,
        stream_uri=stream,
        snapshot_uri=snapshot,
    )


def describe(
    host: str, port: int = 80, user: str | None = None, password: str | None = None, *, timeout: float = 10.0
) -> DeviceDescription:
    """Describe the ONVIF device at host:port (device info, capabilities, profiles, stream and snapshot URIs)."""
    with OnvifClient(host, port, user, password, timeout=timeout) as client:
        return client.describe()
