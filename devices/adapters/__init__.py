"""Frame sources implementing `monitor.frames.FrameSource`: RTSP, MJPEG, file and the synthetic demo camera."""

from devices.adapters.base import SnapshotBuffer, SourceBase, SourceStats, StreamInfo
from devices.adapters.factory import open_source
from devices.adapters.file import FileSource
from devices.adapters.mjpeg import MjpegSource
from devices.adapters.rtsp import RtspSource
from devices.adapters.synthetic import SyntheticSource

__all__ = [
    "FileSource",
    "MjpegSource",
    "RtspSource",
    "SnapshotBuffer",
    "SourceBase",
    "SourceStats",
    "StreamInfo",
    "SyntheticSource",
    "open_source",
]
