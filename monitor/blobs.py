"""From a foreground mask to objects: blobs large enough for a zone, confirmed by persistence.

A blob counts when its box's longer side reaches the zone's smallest object size (set in source pixels, so
it means the same at any analysis resolution); a blob less than twice that size must also persist: the
previous frame had foreground near it, so a lone noise, snowflake or compression speck never counts.
A faint person is often split by the 3x3 change test into parts each under the minimum (the torso and
head above, the legs below, with the hips lost in between): parts stacked one above the other, their
columns overlapping and the gap under half the minimum size, are judged together as one upright object
(taller than wide), which must persist like any small blob.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from monitor.events import Box

__all__ = ["Blob", "find_objects", "persists", "stack_parts"]

# Parts of an upright object may be this share of the smallest object's size apart (vertically).
_STACK_GAP = 0.5
# Stacking applies where the smallest object is at least this many analysis pixels (smaller ones are
# confirmed on the finer frame); a part covers at least _PART_AREA of the square of that size, the union is
# filled to _FILL by its parts and its largest part is _LARGEST of that size long.
_STACK_FROM, _PART_AREA, _FILL, _LARGEST = 8.0, 0.1, 0.35, 0.6
# Share of a small blob's area that must have been foreground near it on the previous frame.
_PERSIST = 0.3

Blob = tuple[int, int, int, int, float]  # x, y, w, h (analysis pixels), pixel count


def persists(prev_fg: NDArray[np.uint8], x: int, y: int, w: int, h: int, area: float) -> bool:
    """True when the previous frame's foreground had at least 30 % of `area` within half an object size
    of this box (a person walks about half a body length per analysed frame at most)."""
    m = max(w, h) // 2 + 1
    x0, y0 = max(0, x - m), max(0, y - m)
    return cv2.countNonZero(prev_fg[y0 : y + h + m, x0 : x + w + m]) >= _PERSIST * area


def find_objects(
    fg: NDArray[np.uint8], prev_fg: NDArray[np.uint8], min_size: float, min_area: float
) -> tuple[list[Box], float]:
    """Boxes of the objects in `fg` (one zone's foreground) and their total pixel count."""
    contours, _ = cv2.findContours(fg, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes: list[Box] = []
    moving = 0.0
    parts: list[Blob] = []
    for contour in contours:
        # Pixel count of a blob from its outline (Pick's theorem); far cheaper than labelling.
        area = cv2.contourArea(contour) + cv2.arcLength(contour, closed=True) / 2 + 1
        if area < min_area:
            continue
        x, y, w, h = cv2.boundingRect(contour)
        side = max(w, h)
        if side < min_size:
            parts.append((x, y, w, h, area))
            continue
        if side < 2 * min_size and not persists(prev_fg, x, y, w, h, area):
            continue
        boxes.append(Box(x, y, w, h))
        moving += area
    for x, y, w, h, area in stack_parts(parts, min_size):
        if persists(prev_fg, x, y, w, h, area):
            boxes.append(Box(x, y, w, h))
            moving += area
    return boxes, moving


def stack_parts(parts: list[Blob], min_size: float) -> list[Blob]:
    """Upright objects made of two or more `parts` (each under `min_size`) stacked one above the other.
    Only parts of some substance count (specks of snow or rain stack too); two parts stack when their
    columns overlap over half the narrower one and the gap between them is under half `min_size`; the
    union must be at least `min_size` tall, taller than wide, filled to a third by its parts, and its
    largest part at least 0.6 of `min_size` long."""
    if min_size < _STACK_FROM:
        return []
    parts = [p for p in parts if p[4] >= _PART_AREA * min_size * min_size]
    if len(parts) < 2:
        return []
    gap = _STACK_GAP * min_size
    groups: list[tuple[Blob, int, int]] = [(p, 1, max(p[2], p[3])) for p in sorted(parts, key=lambda p: p[1])]
    merged = True
    while merged:
        merged = False
        for i, (a, count_a, side_a) in enumerate(groups):
            for j in range(i + 1, len(groups)):
                b, count_b, side_b = groups[j]
                if _stacked(a, b, gap):
                    groups[i] = (_union(a, b), count_a + count_b, max(side_a, side_b))
                    del groups[j]
                    merged = True
                    break
            if merged:
                break
    return [
        g
        for g, count, side in groups
        if count > 1
        and g[3] >= min_size
        and g[3] > g[2]
        and g[4] >= _FILL * g[2] * g[3]
        and side >= _LARGEST * min_size
    ]


def _stacked(a: Blob, b: Blob, gap: float) -> bool:
    columns = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    rows = max(a[1], b[1]) - min(a[1] + a[3], b[1] + b[3])
    return columns >= 0.5 * min(a[2], b[2]) and rows <= gap


def _union(a: Blob, b: Blob) -> Blob:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0, a[4] + b[4])
