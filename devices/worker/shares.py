"""Fair shares of the cameras among the live workers, and the one step a worker takes towards its share.

Pure functions: no session. Every worker computes the same split from the same counts, so the shares add
up to exactly the number of cameras, and a worker never holds more than its share for longer than
the one-camera-at-a-time hand-over takes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Holding", "Step", "fair_share", "next_step", "quotas"]


def quotas(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split `total` cameras among the workers by weight (largest remainder; ties by worker id), so that
    every worker computes the same split and, with equal weights, shares differ by at most one camera:
    `floor(total / workers)` each and one more for the first `total % workers` workers (the share is at
    most `ceil(total / workers)`)."""
    if total <= 0 or not weights:
        return dict.fromkeys(weights, 0)
    whole = sum(weights.values())
    exact = {w: total * weights[w] / whole for w in sorted(weights)}
    out = {w: math.floor(x + 1e-9) for w, x in exact.items()}
    by_remainder = sorted(exact, key=lambda w: (-(exact[w] - out[w]), w))
    for w in by_remainder[: total - sum(out.values())]:
        out[w] += 1
    return out


def fair_share(total: int, weights: Mapping[str, float], me: str) -> int:
    """This worker's quota of `total` cameras (0 when it is not among the live workers)."""
    return quotas(total, weights).get(me, 0)


@dataclass(frozen=True, slots=True)
class Holding:
    """What one worker holds and may take, counted in one transaction."""

    held: int  # cameras leased to this worker
    held_keys: int  # of which key cameras
    share: int  # its fair share of all enabled cameras
    key_share: int  # its fair share of the enabled key cameras
    free_keys: int  # key cameras nobody holds (or whose lease ran out)


@dataclass(frozen=True, slots=True)
class Step:
    """Release one camera (`release` = "key" or "other"), or claim up to `keys` key and `others` cameras."""

    release: str | None = None
    keys: int = 0
    others: int = 0


def next_step(h: Holding) -> Step:
    """Key cameras are spread first (at most a key share each); above its share a worker gives back one
    camera per step; a full worker with room for a free key camera gives back an ordinary one for it."""
    if h.held_keys > h.key_share:
        return Step(release="key")
    if h.held > h.share:
        return Step(release="other" if h.held > h.held_keys else "key")
    room = h.share - h.held
    keys = min(h.key_share - h.held_keys, h.free_keys, room)
    if keys == 0 and room == 0 and h.free_keys and h.held_keys < h.key_share and h.held > h.held_keys:
        return Step(release="other")
    return Step(keys=keys, others=room - keys)
