"""What people may see of a frame: privacy masks blanked (D6), in colour where the source has it, as JPEG."""

from __future__ import annotations

import cv2
import numpy as np

from config.detection import DetectConfig
from devices.adapters.base import encode_jpeg
from monitor.frames import Frame

__all__ = ["blank_privacy_masks", "shown_jpeg"]


def blank_privacy_masks(image: np.ndarray, detect: DetectConfig, *, scale: float = 1.0) -> np.ndarray:
    """A copy of `image` with every privacy mask filled black (D6), ready to show or store; `scale` maps
    the masks' frame coordinates onto a picture of another width."""
    out = image.copy()
    for mask in detect.privacy_masks:
        points = np.array([[round(x * scale), round(y * scale)] for x, y in mask.polygon], dtype=np.int32)
        cv2.fillPoly(out, [points], 0)
    return out


def shown_jpeg(frame: Frame, detect: DetectConfig, width: int | None = None) -> bytes:
    """The frame as people may see it: in colour where the source has it, masks blanked, as JPEG."""
    picture = frame.picture(width)
    scale = picture.shape[1] / frame.image.shape[1]
    return encode_jpeg(blank_privacy_masks(picture, detect, scale=scale))
