"""HTTP multipart MJPEG cameras, demuxed by FFmpeg's `mpjpeg` reader through PyAV."""

from __future__ import annotations

from devices.adapters.pyav import PyAvSource
from devices.urls import scheme_of, with_credentials

__all__ = ["MjpegSource"]


class MjpegSource(PyAvSource):
    """Read an http(s):// multipart MJPEG stream as luma frames at `fps` (None = every frame)."""

    def __init__(
        self,
        url: str,
        *,
        camera_id: str,
        fps: float | None = None,
        user: str | None = None,
        password: str | None = None,
        open_timeout: float = 10.0,
        read_timeout: float = 5.0,
    ) -> None:
        if scheme_of(url) not in ("http", "https"):
            raise ValueError("MjpegSource needs an http:// or https:// URL")
        super().__init__(
            with_credentials(url, user, password),
            camera_id=camera_id,
            fps=fps,
            options={"timeout": str(int(read_timeout * 1_000_000))},
            timeout=(open_timeout, read_timeout),
            container_format="mpjpeg",
        )
