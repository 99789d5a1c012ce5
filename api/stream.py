"""MJPEG and the wall's multiplexed live video (the SSE streams are `api.alert_feed` and `api.camera_feed`)."""

from __future__ import annotations

import logging
import queue
import struct
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator

import anyio

from api.context import LiveView

__all__ = [
    "MJPEG_BOUNDARY",
    "WALL_MAX_CAMERAS",
    "mjpeg_frames",
    "mux_live",
]

log = logging.getLogger(__name__)

MJPEG_BOUNDARY = "controlroomframe"


async def mjpeg_frames(live: LiveView, camera_name: str, fps: float) -> AsyncIterator[bytes]:
    """Yield multipart JPEG parts of the camera's latest frame, skipping repeats, until the client leaves
    or this process stops reading the camera."""
    period = 1.0 / fps
    previous: bytes | None = None
    while live.reads(camera_name):  # ends when the camera moves to another worker: the viewer reconnects
        jpeg = await anyio.to_thread.run_sync(live.snapshot_jpeg, camera_name)
        if jpeg is not None and jpeg != previous:
            previous = jpeg
            head = f"--{MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
            yield head.encode() + jpeg + b"\r\n"
        await anyio.sleep(period)


WALL_MAX_CAMERAS = 16


Opener = Callable[[], Iterator[bytes] | None]


def mux_live(opens: list[Opener], *, stop_after_s: float = 3600.0) -> Iterator[bytes]:
    """Several cameras' fragmented MP4 in one response, for a wall: a browser holds only six HTTP/1.1
    connections per server, so sixteen tiles cannot each hold a `live.mp4` of their own.

    Each frame is the camera's index in the request (1 byte), the payload length (4 bytes, big-endian) and
    the payload; a zero length says that camera's stream ended (or never started: masked, not H.264, not
    read), and the tile falls back to stills. One thread per camera opens its stream and pulls from it."""
    mux = _Mux(len(opens))
    for index, open_ in enumerate(opens):
        threading.Thread(target=mux.pull, args=(index, open_), name=f"wall-live-{index}", daemon=True).start()
    deadline, ended = time.monotonic() + stop_after_s, 0
    try:
        while ended < len(opens) and time.monotonic() < deadline:
            got = mux.take()
            if got is None:
                yield b""  # lets the server notice a viewer that went away
                continue
            index, chunk = got
            ended += not chunk
            yield struct.pack(">BI", index, len(chunk)) + chunk
    finally:
        mux.stop.set()


class _Mux:
    """The frames of several streams on their way into one response."""

    def __init__(self, streams: int) -> None:
        self.out: queue.Queue[tuple[int, bytes]] = queue.Queue(maxsize=64 * max(1, streams))
        self.stop = threading.Event()
        self.taken = time.monotonic()  # when the response last took a frame (a viewer gone 10 s stops all)

    def take(self) -> tuple[int, bytes] | None:
        """The next frame, or None after a second without one."""
        try:
            return self.out.get(timeout=1.0)
        except queue.Empty:
            return None
        finally:
            self.taken = time.monotonic()

    def put(self, item: tuple[int, bytes]) -> bool:
        """Queue `item` unless the response is over; False once it is."""
        while not self.stop.is_set():
            try:
                self.out.put(item, timeout=0.5)
                return True
            except queue.Full:
                if time.monotonic() - self.taken > 10.0:
                    self.stop.set()
        return False

    def pull(self, index: int, open_: Opener) -> None:
        """Open one camera's stream and forward its chunks; a camera that fails ends only its own tile."""
        chunks = None
        try:
            chunks = open_()
            for chunk in chunks or ():
                if not self.put((index, chunk)):
                    return
        except Exception:
            log.info("wall live: camera %d ended with an error", index, exc_info=True)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            self.put((index, b""))
