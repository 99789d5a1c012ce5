"""Coarse grid statistics shared by the illumination (gain) field and the noise model."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = ["cell_means", "median"]


def cell_means(image: NDArray[np.float32], grid: tuple[int, int]) -> NDArray[np.float32]:
    """Mean of `image` over each cell of a (rows, columns) grid."""
    rows, cols = grid
    return np.asarray(cv2.resize(image, (cols, rows), interpolation=cv2.INTER_AREA), dtype=np.float32)


def median(values: NDArray[np.float32]) -> float:
    """Median (upper) of an array's values; np.median costs several times more on small arrays."""
    flat = values.ravel()
    k = flat.size // 2
    return float(np.partition(flat, k)[k])
