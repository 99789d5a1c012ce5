"""Pick the adapter for a camera URL or spec from its scheme."""

from __future__ import annotations

from pathlib import Path

from devices.adapters.base import SourceBase
from devices.adapters.file import FileSource
from devices.adapters.mjpeg import MjpegSource
from devices.adapters.rtsp import RtspSource
from devices.adapters.synthetic import SyntheticSource
from devices.urls import scheme_of

__all__ = ["open_source"]


def open_source(
    url_or_spec: str,
    *,
    camera_id: str,
    fps: float | None = None,
    user: str | None = None,
    password: str | None = None,
    open_timeout: float = 10.0,
    read_timeout: float = 5.0,
    loop: bool = False,
    realtime: bool | None = None,
    encode: bool = False,
) -> SourceBase:
    """Return an unopened source: rtsp(s):// -> RTSP, http(s):// -> MJPEG, demo:// -> synthetic, else a file.

    `loop` applies to files; `realtime` (pacing to the clock) defaults to off for files, on for demo://;
    `encode` makes a demo:// camera encode H.264 as well (live passthrough and recording, `devices.demo_encoder`).
    """
    scheme = scheme_of(url_or_spec)
    for network in (RtspSource, MjpegSource):
        if scheme in network.SCHEMES:
            return network(
                url_or_spec,
                camera_id=camera_id,
                fps=fps,
                user=user,
                password=password,
                open_timeout=open_timeout,
                read_timeout=read_timeout,
            )
    if scheme == "demo":
        return SyntheticSource.from_url(
            url_or_spec, camera_id=camera_id, realtime=realtime is not False, encode=encode
        )
    if scheme in ("", "file"):
        path = Path(url_or_spec.split("://", 1)[1]) if scheme == "file" else Path(url_or_spec)
        return FileSource(path, camera_id=camera_id, fps=fps, loop=loop, realtime=bool(realtime))
    raise ValueError(f"unknown camera URL scheme {scheme!r}")
