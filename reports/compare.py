"""Period-over-period comparison as pure rules: absolute and percent change, zero bases without division."""

from __future__ import annotations

from collections.abc import Mapping

from reports.schemas import Change, Number, Row

__all__ = ["change", "compare_rows"]


def change(current: Number | None, previous: Number | None) -> Change:
    """current - previous and its percent of previous; a zero base is `new` (or `n/a` when both are 0)."""
    if current is None or previous is None:
        return Change(absolute=None, percent=None, note="n/a")
    absolute = round(current - previous, 4)
    if isinstance(current, int) and isinstance(previous, int):
        absolute = int(absolute)
    if previous == 0:
        return Change(absolute=absolute, percent=None, note="new" if current else "n/a")
    return Change(absolute=absolute, percent=round(absolute / abs(previous) * 100, 1))


def compare_rows(current: Mapping[str, Number], previous: Mapping[str, Number]) -> list[Row]:
    """Rows for every label in either period (missing = 0), largest current first, then by label."""
    labels = sorted(set(current) | set(previous), key=lambda k: (-current.get(k, 0), -previous.get(k, 0), k))
    return [
        Row(
            label=label,
            current=current.get(label, 0),
            previous=previous.get(label, 0),
            change=change(current.get(label, 0), previous.get(label, 0)),
        )
        for label in labels
    ]
