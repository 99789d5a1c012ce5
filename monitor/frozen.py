"""The frozen-picture check: frames that repeat for longer than the healthy picture ever repeats.

A stuck stream repeats the decoder's picture; an encoder re-quantising a frozen picture changes it by
hundredths of a level on average, a live one, even a static scene behind strong compression, by tenths at
least. A live still scene behind strong compression repeats its picture between key frames too, and each
key frame brings the sensor's fresh noise: such a "refresh" ends a stuck run. A frozen picture is refreshed
at key frames as well, by its re-encoding; what tells the two apart is how the refreshes go on. A live
scene's key frames each bring new noise of the same statistics, so one refresh is as large as the one before
(within a few per cent: the mean over the whole picture of independent noise); a frozen picture's
re-encodings converge on the one picture they encode, so the refreshes fall clearly below the first
(measured with x264 at 150 kbit/s: 1.1 -> 0.7 -> 0.3 levels, 0.9 -> 0.7 -> 0.3, 1.2 -> 0.6 -> 0.4; on a
noisy sensor the rate control makes them uneven: 1.9 -> 1.4 -> 1.0 -> 1.5 -> 1.3; live key frames
2.02 -> 2.01, 0.55 -> 0.53 -> 0.53). So the run a refresh ended stays in doubt until the next refreshes: one
that fell clearly resumes it as stuck, and the run is not taken as the healthy picture's; once resumed,
only steady refreshes (a live scene's) or motion end it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

__all__ = ["FrozenCheck"]

# Mean absolute change (levels) below which a frame repeats the previous one.
STILL_LEVELS = 0.02
# Share of repeated frames in the healthy picture above which `frozen` cannot be judged (a live,
# noise-free static scene repeats most frames; a stream at a low bit rate repeats some).
_STILL_SHARE_MAX = 0.6
# A run of repeats is stuck once longer than this and than twice the healthy picture's longest run.
_MIN_STUCK_S = 0.3
# A fresh frame after a run of repeats that changes the picture by more than this (mean levels) is a
# refresh: a key frame, a live scene's (fresh sensor noise, encoded anew: 2.3-4 levels measured with x264 at
# CRF 26) or a frozen picture's re-encoding. A smaller one (0.25-0.5 at CRF 26-35) re-quantises a frozen
# picture and does not end a stuck run.
_REFRESH_LEVELS = 0.5
# Share of the picture's cells a refresh reaches (a key frame: all of them).
_WHOLE = 0.5
# Refreshes (their median change over the cells) that fell to this share of the first one, never growing
# by more than `_GROWING` from one to the next, are a frozen picture's re-encodings converging; a live
# scene's stay within a few per cent of each other.
_CONVERGED = 0.85
_GROWING = 1.03
# Refreshes a doubt waits for before the run counts as a live scene's after all.
_DOUBT_REFRESHES = 3
# Steady refreshes in a row (each within `_GROWING` of the one before) that end a converged run.
_STEADY_REFRESHES = 2
_STILL_RATE = 0.02


class _Doubt(NamedTuple):
    """A stuck run that a refresh ended: the first and the last refresh since, how many came (once the
    run converged: how many steady ones in a row), and what the healthy picture's statistics were before
    the run was taken as healthy."""

    first: float
    last: float
    refreshes: int
    healthy_run: float
    still_share: float


class FrozenCheck:
    """Follows runs of repeated frames and says when the picture is stuck."""

    def __init__(self) -> None:
        self.still_share = 0.0
        self.healthy_run = 0.0  # the longest run of repeats of the healthy picture (seconds, decaying)
        self._still_since: float | None = None  # time of the frame a run of repeats started from
        self._previous_ts = 0.0
        self._stuck, self._grace = False, 0
        self._fresh = False  # the previous frame did not repeat the one before it
        self._doubt: _Doubt | None = None

    @property
    def stuck(self) -> bool:
        """Whether the current run of repeats is judged stuck."""
        return self._stuck

    def update(
        self,
        change: float,
        ts: float,
        *,
        seen: int,
        learning: bool,
        covered: bool,
        cells: Callable[[], tuple[float, float]],
    ) -> bool:
        """True when frames have repeated the previous one (mean `change` in levels from it) for longer
        than the healthy picture ever repeats, in a scene whose healthy frames mostly do not repeat. One
        fresh frame within a stuck run that changes the picture only slightly does not end it. `seen`
        counts the frames since the start (or a reset): the first has no change to judge. `cells()` gives
        the share of the picture's cells the change reaches and its median over the cells (asked only of
        refreshes: a key frame changes the whole picture, an on-screen clock ticking a corner of it, which
        the median leaves out)."""
        previous_ts, self._previous_ts = self._previous_ts, ts
        if seen == 1:
            return False
        still = change <= STILL_LEVELS
        ended = 0.0  # a run of repeats that ended on this frame (seconds)
        if not still:
            if self._still_since is not None:
                ended = previous_ts - self._still_since
            self._still_since = None
        elif self._still_since is None:
            self._still_since = previous_ts
        run = ts - self._still_since if self._still_since is not None else 0.0
        judged = not learning and self.still_share < _STILL_SHARE_MAX
        frozen = still and judged and (self._stuck or run > max(_MIN_STUCK_S, 2.0 * self.healthy_run))
        if frozen:
            self._stuck, self._grace = True, 1
        elif not still:
            self._fresh_frame(change, ended, cells)
        self._fresh = not still
        if not frozen and not covered:
            rate = 1.0 / (seen - 1) if learning else _STILL_RATE
            self.still_share += rate * (float(still) - self.still_share)
            ended = 0.0 if self._stuck else ended
            self.healthy_run = max(ended, self.healthy_run * (1.0 - _STILL_RATE))
        return frozen

    def _fresh_frame(self, change: float, ended: float, cells: Callable[[], tuple[float, float]]) -> None:
        """A frame that does not repeat the previous one. A refresh (a key frame after a run of repeats)
        ends a stuck run and puts the run in doubt; the refreshes after it either converge (a frozen
        picture re-encoded: the run is stuck again, and its statistics are not the healthy picture's) or
        do not (a live scene's key frames: the doubt is over). Once converged, the re-encodings may go up
        and down with the encoder's rate control; only refreshes as large as the ones before, twice in a
        row (a live key frame's steadiness), end the run. Two fresh frames in a row are a live picture."""
        doubt = self._doubt
        if self._fresh:
            self._doubt = None
        elif doubt is not None and ended > _MIN_STUCK_S and (measured := cells())[0] >= _WHOLE:
            size = measured[1]
            if self._stuck:  # converged earlier: only a live scene's steady key frames end the run
                steady = doubt.refreshes + 1 if abs(size - doubt.last) <= (_GROWING - 1.0) * doubt.last else 0
                if steady < _STEADY_REFRESHES:
                    self._doubt = doubt._replace(last=size, refreshes=steady)
                    return
                self._doubt, self._stuck = None, False
                return
            if size > _GROWING * doubt.last:
                self._doubt = None  # a live scene's key frames
            elif size < _CONVERGED * doubt.first:
                self.healthy_run, self.still_share = doubt.healthy_run, doubt.still_share
                self._stuck, self._grace = True, 1
                self._doubt = doubt._replace(last=size, refreshes=0)
                return
            elif doubt.refreshes >= _DOUBT_REFRESHES:
                self._doubt = None  # as steady as a live scene's key frames
            else:
                self._doubt = doubt._replace(last=size, refreshes=doubt.refreshes + 1)
        refresh = change > _REFRESH_LEVELS
        if self._stuck and refresh and self._doubt is None:
            size = cells()[1]
            self._doubt = _Doubt(size, size, 1, self.healthy_run, self.still_share)
        self._stuck = self._stuck and self._grace > 0 and not refresh
        self._grace -= 1
