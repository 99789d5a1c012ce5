"""One ONVIF peer for PTZ tests: ipycam plus the repairing proxy in front of it (presets and status parse).

`ptz_peer(workdir)` starts both; `position()` reads ipycam's PTZ position, `park()` moves it absolutely.
ipycam starts in about half a second, so each test module may start its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devices.onvif import OnvifClient
from tests.support.onvif_proxy import RepairingProxy
from tests.support.peers import Ipycam, make_clip, missing_peer

USER, PASSWORD = "admin", "s3cret"
PROFILE = "Profile_Main"


@dataclass
class PtzPeer:
    """ipycam (`port`) and the repairing proxy in front of it (`repaired_port`); both share ipycam's state."""

    cam: Ipycam
    proxy: RepairingProxy

    @property
    def port(self) -> int:
        """ipycam's own ONVIF port (its GetPresets/SetPreset replies do not parse)."""
        return self.cam.onvif_port

    @property
    def repaired_port(self) -> int:
        """The proxy's port: a well-behaved device with working presets."""
        return self.proxy.port

    def client(self) -> OnvifClient:
        """A client through the proxy."""
        return OnvifClient("127.0.0.1", self.repaired_port, USER, PASSWORD)

    def position(self) -> tuple[float, float, float]:
        """ipycam's current pan, tilt and zoom (GetStatus)."""
        with self.client() as client:
            status = client.ptz_call("GetStatus", {"ProfileToken": PROFILE})
        pos = status.Position
        return float(pos.PanTilt.x), float(pos.PanTilt.y), float(pos.Zoom.x)

    def settled_position(self) -> tuple[float, float, float]:
        """The position once the camera stands still (two reads 0.2 s apart agree); fails if it keeps moving."""
        before = self.position()
        for _ in range(20):
            time.sleep(0.2)
            now = self.position()
            if all(abs(a - b) < 1e-3 for a, b in zip(before, now, strict=True)):
                return now
            before = now
        raise AssertionError(f"the camera is still moving at {now}")

    def park(self, pan: float = 0.0, tilt: float = 0.0, zoom: float = 0.0) -> None:
        """Move ipycam to an absolute position (and stop any movement)."""
        with self.client() as client:
            position = {"PanTilt": {"x": pan, "y": tilt}, "Zoom": {"x": zoom}}
            client.ptz_call("AbsoluteMove", {"ProfileToken": PROFILE, "Position": position})


@contextmanager
def ptz_peer(workdir: Path) -> Iterator[PtzPeer]:
    """Start ipycam (USER/PASSWORD) and the repairing proxy; stop both at the end."""
    source = make_clip("ipycam-src", size="320x180", rate=5, seconds=20)
    cam = Ipycam(source, workdir, user=USER, password=PASSWORD)
    try:
        cam.start()
    except RuntimeError as exc:
        missing_peer(f"ipycam did not start: {exc}")
    proxy = RepairingProxy(cam.onvif_port).start()
    try:
        yield PtzPeer(cam, proxy)
    finally:
        proxy.stop()
        cam.stop()
