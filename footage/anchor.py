"""Stream time to wall time for the recorder: a minimum-delay anchor.

A packet cannot arrive before its picture was taken, so `arrival - pts` (in seconds) is the picture's
capture time plus a delay that is never negative. Over many packets the smallest value is the best
estimate of the stream's wall-clock offset: the packet that waited least. Packets that arrive in a burst
(the GOP an RTSP server has buffered when a client connects, the packets FFmpeg read ahead while probing
the stream) have larger delays, so they never move the anchor late; they only bound it until the stream
runs live. A camera clock slower than wall time (or a jump back in its timestamps) makes the smallest delay
grow instead: beyond `reanchor_s` the anchor follows the wall clock and starts a new `epoch`.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

__all__ = ["Anchor"]


class Anchor:
    """Maps a stream's pts to wall time by the smallest delay seen: `observe(pts, arrival)` each packet."""

    def __init__(self, time_base: Fraction, *, reanchor_s: float = 5.0) -> None:
        self.seconds_per_tick = float(time_base)
        self.reanchor_s = reanchor_s
        self.offset: float | None = None  # POSIX seconds of pts 0
        self.epoch = 0  # counts re-anchors: times of different epochs are not comparable

    def observe(self, pts: int, arrival: dt.datetime) -> None:
        """A packet with this pts arrived at `arrival` (aware UTC)."""
        delay = arrival.timestamp() - pts * self.seconds_per_tick
        if self.offset is None or delay < self.offset:
            self.offset = delay
        elif delay - self.offset > self.reanchor_s:
            self.offset = delay
            self.epoch += 1

    def at(self, pts: int) -> dt.datetime:
        """The wall time of `pts` (after at least one `observe`)."""
        assert self.offset is not None, "no packet observed yet"
        return dt.datetime.fromtimestamp(self.offset + pts * self.seconds_per_tick, dt.UTC)
