"""What the motion detector sees on a few frames with draft settings (the zone editor's preview).

Pure: luma frames in, boxes in source pixels out, through the same zone maps, masks and `MotionDetector`
the running pipeline uses, so the preview shows exactly what the saved settings would detect."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import DetectConfig
from monitor.motion import MotionDetector
from monitor.zones import analysis_shape, build_zone_maps, decimation, valid_mask

__all__ = ["PreviewBox", "motion_preview"]


@dataclass(frozen=True, slots=True)
class PreviewBox:
    """A moving object large enough to count, in source pixels, and the zone it moved in."""

    zone: str | None
    x: int
    y: int
    w: int
    h: int


def motion_preview(frames: Sequence[NDArray[np.uint8]], config: DetectConfig) -> list[PreviewBox]:
    """Run the detector over `frames` (same-size luma images, oldest first; the first is the background)
    and return every box it reports on any later frame, scaled to source pixels."""
    if not frames:
        return []
    frame_shape = (int(frames[0].shape[0]), int(frames[0].shape[1]))
    shape = analysis_shape(frame_shape, config.analysis_width)
    zones = build_zone_maps(config, frame_shape, shape)
    # The pipeline's finer frame (every `stride`-th pixel), on which small distant objects are confirmed.
    stride, fine_shape = decimation(frame_shape, shape)
    detector = MotionDetector(config.motion, zones, shape, valid_mask(config, frame_shape, shape), fine_shape)
    sx, sy = frame_shape[1] / shape[1], frame_shape[0] / shape[0]
    boxes: list[PreviewBox] = []
    for image in frames:
        if image.shape[:2] != frame_shape:
            continue
        small = (
            image
            if shape == frame_shape
            else cv2.resize(image, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
        )
        fine = np.ascontiguousarray(image[::stride, ::stride], dtype=np.uint8) if detector.refines else None
        result = detector.detect(np.ascontiguousarray(small, dtype=np.uint8), fine)
        for zone in result.zones:
            boxes += [
                PreviewBox(zone.zone, round(b.x * sx), round(b.y * sy), round(b.w * sx), round(b.h * sy))
                for b in zone.boxes
            ]
    return boxes
