"""RTSP/RTSPS cameras through PyAV: TCP transport, open and read timeouts, analysis-rate decoding, low power."""

from __future__ import annotations

from typing import ClassVar

from devices.adapters.network import NetworkSource

__all__ = ["RtspSource"]


class RtspSource(NetworkSource):
    """Read an RTSP(S) camera over TCP; frames are Y planes at `fps` (None = every frame).

    `set_low_power(True)` decodes only keyframes (codec `skip_frame = "NONKEY"`, non-key packets dropped before
    the decoder) and can be switched at runtime; full decoding resumes at once after a decoded keyframe.
    """

    SCHEMES = ("rtsp", "rtsps")
    OPTIONS: ClassVar[dict[str, str]] = {
        "rtsp_transport": "tcp",
        "probesize": "500000",
        "analyzeduration": "500000",  # microseconds of stream to probe: a faster first frame
    }
