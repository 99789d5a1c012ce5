"""RTSP/RTSPS cameras through PyAV: TCP transport, open and read timeouts, analysis-rate decoding, low power."""

from __future__ import annotations

from devices.adapters.pyav import PyAvSource
from devices.urls import scheme_of, with_credentials

__all__ = ["RtspSource"]


class RtspSource(PyAvSource):
    """Read an RTSP(S) camera over TCP; frames are Y planes at `fps` (None = every frame).

    `set_low_power(True)` decodes only keyframes (codec `skip_frame = "NONKEY"`, non-key packets dropped before
    the decoder) and can be switched at runtime; full decoding resumes at once after a decoded keyframe.
    """

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
        if scheme_of(url) not in ("rtsp", "rtsps"):
            raise ValueError("RtspSource needs an rtsp:// or rtsps:// URL")
        options = {
            "rtsp_transport": "tcp",
            "timeout": str(int(read_timeout * 1_000_000)),  # socket I/O timeout, microseconds
            "probesize": "500000",
            "analyzeduration": "500000",  # microseconds of stream to probe: a faster first frame
        }
        super().__init__(
            with_credentials(url, user, password),
            camera_id=camera_id,
            fps=fps,
            options=options,
            timeout=(open_timeout, read_timeout),
            thread_type=thread_type,
        )
        self._low_power = low_power
