"""Cameras reached by URL through PyAV (RTSP, MJPEG): one constructor for the scheme check, the credentials in
the URL and the open and read timeouts; each protocol names only its schemes, demuxer and FFmpeg options."""

from __future__ import annotations

from typing import ClassVar

from devices.adapters.pyav import PyAvSource
from devices.urls import scheme_of, with_credentials

__all__ = ["NetworkSource"]


class NetworkSource(PyAvSource):
    """A network camera; subclasses set `SCHEMES`, and `FORMAT` and `OPTIONS` when FFmpeg needs them."""

    SCHEMES: ClassVar[tuple[str, ...]] = ()
    FORMAT: ClassVar[str | None] = None  # None: FFmpeg probes the container
    OPTIONS: ClassVar[dict[str, str]] = {}

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
        low_power: bool = False,
        thread_type: str = "SLICE",
    ) -> None:
        if scheme_of(url) not in self.SCHEMES:
            wanted = " or ".join(f"{scheme}://" for scheme in self.SCHEMES)
            raise ValueError(f"{type(self).__name__} needs a {wanted} URL")
        super().__init__(
            with_credentials(url, user, password),
            camera_id=camera_id,
            fps=fps,
            options={**self.OPTIONS, "timeout": str(int(read_timeout * 1_000_000))},  # socket I/O, µs
            timeout=(open_timeout, read_timeout),
            container_format=self.FORMAT,
            thread_type=thread_type,
        )
        self._low_power = low_power
