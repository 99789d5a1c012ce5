"""HTTP multipart MJPEG cameras, demuxed by FFmpeg's `mpjpeg` reader through PyAV."""

from __future__ import annotations

from devices.adapters.network import NetworkSource

__all__ = ["MjpegSource"]


class MjpegSource(NetworkSource):
    """Read an http(s):// multipart MJPEG stream as luma frames at `fps` (None = every frame)."""

    SCHEMES = ("http", "https")
    FORMAT = "mpjpeg"
