"""Photo uploads: only real JPEG/PNG images within the limits pass."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from maintenance.errors import PhotoRefused
from maintenance.photos import check_photo, header_size, sniff

LIMITS = {"max_bytes": 200_000, "max_pixels": 1_000_000}


def _encode(ext: str, width: int = 64, height: int = 48) -> bytes:
    image = np.random.default_rng(1).integers(0, 255, (height, width, 3), dtype=np.uint8)
    ok, data = cv2.imencode(ext, image)
    assert ok
    return bytes(data)


def _png_claiming(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00" * 64


@pytest.mark.parametrize(("ext", "mime"), [(".jpg", "image/jpeg"), (".png", "image/png")])
def test_real_jpeg_and_png_are_accepted_with_their_size(ext, mime):
    checked = check_photo(_encode(ext), **LIMITS)
    assert (checked.content_type, checked.width, checked.height) == (mime, 64, 48)


def test_header_size_is_read_from_progressive_jpeg_too():
    image = np.zeros((30, 50, 3), dtype=np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    assert ok and header_size(bytes(data), "image/jpeg") == (50, 30)


@pytest.mark.parametrize(
    "data",
    [b"", b"GIF89a....", b"%PDF-1.7 not an image", b"<svg xmlns='http://www.w3.org/2000/svg'/>"],
)
def test_non_images_are_refused(data):
    assert sniff(data) is None
    with pytest.raises(PhotoRefused, match="JPEG or PNG"):
        check_photo(data, **LIMITS)


def test_image_with_the_right_magic_but_garbage_body_is_refused():
    data = _encode(".jpg")
    broken = data[:40] + bytes(200) + data[-2:]
    with pytest.raises(PhotoRefused) as err:
        check_photo(broken, **LIMITS)
    assert err.value.detail == {"reason": "not_an_image"}


def test_oversized_upload_is_refused_before_decoding():
    with pytest.raises(PhotoRefused, match="at most 100 are accepted"):
        check_photo(_encode(".png"), max_bytes=100, max_pixels=10**6)


def test_small_file_claiming_a_huge_picture_is_refused_without_decoding():
    with pytest.raises(PhotoRefused, match="pixels") as err:
        check_photo(_png_claiming(60_000, 60_000), **LIMITS)
    assert err.value.detail["reason"] == "too_large"
