"""Checking photo uploads: a JPEG or PNG by its magic bytes and header size, then really decoded by OpenCV.

The size in the header is checked before decoding, so a small file that claims a huge picture
(a decompression bomb) is refused without allocating it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import cv2
import numpy as np

from maintenance.errors import PhotoRefused

__all__ = ["CheckedPhoto", "check_photo", "header_size", "sniff"]

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start-of-frame markers (not DHT, JPG, DAC)


@dataclass(frozen=True, slots=True)
class CheckedPhoto:
    """An upload that passed: its type, size in pixels and bytes."""

    content_type: str
    width: int
    height: int
    size: int


def sniff(data: bytes) -> str | None:
    """'image/jpeg' or 'image/png' from the first bytes, else None."""
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if data.startswith(PNG_MAGIC):
        return "image/png"
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _SOF:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


def header_size(data: bytes, content_type: str) -> tuple[int, int] | None:
    """(width, height) as the file's header declares it, or None when the header is unreadable."""
    return _png_size(data) if content_type == "image/png" else _jpeg_size(data)


def check_photo(data: bytes, *, max_bytes: int, max_pixels: int) -> CheckedPhoto:
    """Accept a real JPEG or PNG within the limits; raise PhotoRefused saying why not."""
    if len(data) > max_bytes:
        raise PhotoRefused(
            f"the photo is {len(data)} bytes; at most {max_bytes} are accepted",
            field="photo",
            detail={"reason": "too_large", "max_bytes": max_bytes},
        )
    content_type = sniff(data)
    if content_type is None:
        raise PhotoRefused(
            "only JPEG or PNG photos are accepted", field="photo", detail={"reason": "not_an_image"}
        )
    declared = header_size(data, content_type)
    if declared is None or declared[0] <= 0 or declared[1] <= 0:
        raise PhotoRefused("the image header is damaged", field="photo", detail={"reason": "not_an_image"})
    if declared[0] * declared[1] > max_pixels:
        raise PhotoRefused(
            f"the image is {declared[0]}x{declared[1]} pixels; at most {max_pixels} pixels are accepted",
            field="photo",
            detail={"reason": "too_large", "max_pixels": max_pixels},
        )
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None or image.shape[1] != declared[0] or image.shape[0] != declared[1]:
        raise PhotoRefused("the image does not decode", field="photo", detail={"reason": "not_an_image"})
    return CheckedPhoto(content_type=content_type, width=declared[0], height=declared[1], size=len(data))
