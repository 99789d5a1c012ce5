"""One camera a capture worker reads: its settings, detector, health last written, live passthrough hub,
decode mode and the latest picture as people may see it (split from runtime/capture.py)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from config.detection import DetectConfig
from devices.adapters.base import SnapshotBuffer
from devices.camera.models import Camera
from devices.health import Health
from devices.packet_feed import PacketFeed
from devices.passthrough import PacketHub, live_packet
from monitor.pipeline import Detector
from runtime.pictures import shown_jpeg

__all__ = ["CameraRun"]


@dataclass
class CameraRun:
    """One camera this worker reads."""

    camera_id: int
    name: str
    title: str
    key: bool
    detect: DetectConfig
    url: str = ""
    version: dt.datetime | None = None  # the camera's `updated_at` these settings come from
    detector: Detector | None = None
    reported: Health | None = None  # the health last written to the database
    added: float = field(default_factory=time.monotonic)
    hub: PacketHub = field(default_factory=PacketHub)  # compressed video for live passthrough
    feed: PacketFeed = field(default_factory=PacketFeed)  # the same packets for this camera's recorder
    active_at: float = field(default_factory=time.monotonic)  # motion or a tamper sign last seen
    quiet: bool = False  # keyframes only: nothing moved for worker.quiet_after_s
    shed: bool = False  # keyframes only: the worker is overloaded (never for key cameras)
    mode: str = "full"  # the decode mode last written to the database
    snapshots: SnapshotBuffer = field(init=False)  # the latest frame, as people may see it

    def __post_init__(self) -> None:
        self.snapshots = SnapshotBuffer(render=lambda frame, width: shown_jpeg(frame, self.detect, width))

    def tee(self, packet: object, stream: object) -> None:
        """Hand a compressed packet to the recorder's feed and to live passthrough, the latter unless the
        camera has privacy masks (D6: recordings are blanked when played, live video cannot be)."""
        item = live_packet(packet)
        if item is None:
            return
        self.feed.put(item, stream)
        if not self.detect.privacy_masks:
            self.hub.put_item(item, stream)

    def stop(self) -> None:
        """This camera is no longer read here: end its live viewers (they reconnect and find the new
        owner) and its recorder's feed."""
        self.hub.close_viewers()
        self.feed.close()

    def reconfigure(self, camera: Camera, detect: DetectConfig) -> None:
        """Take new detection settings and masks at once: the next tile, MJPEG frame and alert snapshot are
        drawn with them, the detector is rebuilt on the next frame, passthrough viewers of a camera that now
        has masks are ended."""
        self.title, self.key, self.version = camera.title or camera.name, camera.key, camera.updated_at
        self.detect, self.detector = detect, None
        if detect.privacy_masks:
            self.hub.close_viewers()
        latest = self.snapshots.latest
        if latest is not None:
            self.snapshots.put(latest)  # drop JPEGs rendered with the old masks
