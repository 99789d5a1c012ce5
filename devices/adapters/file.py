"""A local video file as a frame source: for tests, demos and `controlroom detect`."""

from __future__ import annotations

import time
from pathlib import Path

from devices.adapters.pyav import PyAvSource
from devices.errors import ConnectError
from devices.urls import mask_url

__all__ = ["FileSource"]


class FileSource(PyAvSource):
    """Decode a video file into luma frames, optionally looping and optionally paced to real time.

    `fps` is the analysis rate (None = every frame). Timestamps keep increasing across loops.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        camera_id: str,
        fps: float | None = None,
        loop: bool = False,
        realtime: bool = False,
    ) -> None:
        super().__init__(str(path), camera_id=camera_id, fps=fps, thread_type="AUTO")
        self.path = Path(path)
        self.loop = loop
        self.realtime = realtime
        self._wall0: float | None = None
        self._ts0 = 0.0

    def open(self) -> None:
        """Open the file; `ConnectError` if it is missing, `NoVideoTrack`/`UnsupportedCodec` if unusable."""
        if not self.path.is_file():
            raise ConnectError(f"no such file: {mask_url(str(self.path))}", reason="file not found")
        super().open()
        self._wall0 = None

    def _rewind(self) -> bool:
        if not self.loop or self._container is None or self.stats.frames_decoded == 0:
            return False
        fps = self.info.fps if self.info and self.info.fps else 25.0
        self._ts_offset = self._last_ts + 1.0 / fps
        self._container.seek(0)
        self._stream.codec_context.flush_buffers()
        self._packets = self._container.demux(self._stream)
        return True

    def _pace(self, ts: float) -> None:
        if not self.realtime:
            return
        now = time.monotonic()
        if self._wall0 is None:
            self._wall0, self._ts0 = now, ts
            return
        delay = self._wall0 + (ts - self._ts0) - now
        if delay > 0:
            time.sleep(delay)
