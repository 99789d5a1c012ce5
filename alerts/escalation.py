"""Pure rules of the alert queue: priority, acknowledgement targets, escalation, retry backoff."""

from __future__ import annotations

import datetime as dt
import random

from alerts.models import AlertState, Priority

__all__ = ["ack_deadline", "is_overdue", "priority_for", "retry_delay"]

TAMPER_KINDS = frozenset({"covered", "defocused", "moved", "frozen", "offline"})


def priority_for(kind: str, *, key_camera: bool, person: bool = False) -> Priority:
    """Tampering, key cameras (D2) and a confirmed person are high priority; other motion is normal."""
    if kind in TAMPER_KINDS or key_camera or person:
        return Priority.HIGH
    return Priority.NORMAL


def ack_deadline(first_seen: dt.datetime, priority: Priority, targets: dict[Priority, float]) -> dt.datetime:
    """When an alert of `priority` must be acknowledged at the latest."""
    return first_seen + dt.timedelta(seconds=targets[priority])


def is_overdue(
    *,
    state: AlertState,
    escalated: bool,
    first_seen: dt.datetime,
    priority: Priority,
    targets: dict[Priority, float],
    now: dt.datetime,
) -> bool:
    """True for a new, not yet escalated alert past its acknowledgement target."""
    return state is AlertState.NEW and not escalated and now >= ack_deadline(first_seen, priority, targets)


def retry_delay(attempt: int, *, base_s: float, cap_s: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter for delivery attempt `attempt` (1-based)."""
    ceiling = min(cap_s, base_s * (2 ** max(0, attempt - 1)))
    return rng.uniform(ceiling / 2, ceiling)
