"""What people see of a live frame: colour when the source has it, at the asked width, masks blanked (D6)."""

from __future__ import annotations

import cv2
import numpy as np

from config.detection import DetectConfig
from monitor.frames import Frame
from runtime.pictures import shown_jpeg

MASKED = DetectConfig.model_validate(
    {"privacy_masks": [{"name": "window", "polygon": [[0, 0], [320, 0], [320, 180], [0, 180]]}]}
)


def _orange(width: int) -> np.ndarray:
    picture = np.zeros((round(360 * width / 640), width, 3), np.uint8)
    picture[:] = (0, 128, 255)
    return picture


def _decode(jpeg: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_UNCHANGED)


def test_a_colour_frame_is_shown_in_colour_with_its_mask_blanked_at_any_width() -> None:
    frame = Frame("c", 0.0, np.full((360, 640), 150, np.uint8), color=_orange)
    for width, half in ((None, (180, 320)), (320, (90, 160))):
        shown = _decode(shown_jpeg(frame, MASKED, width))
        assert shown.shape[:2] == (half[0] * 2, half[1] * 2) and shown.shape[2] == 3
        assert shown[: half[0] - 4, : half[1] - 4].max() < 20, "the mask is scaled with the picture"
        rest = shown[half[0] + 4 :, half[1] + 4 :].reshape(-1, 3).mean(axis=0)
        assert rest[2] > 200 and rest[0] < 40, "orange stays orange"


def test_a_grey_frame_is_shown_grey_and_its_own_plane_is_left_untouched() -> None:
    image = np.full((360, 640), 150, np.uint8)
    image.flags.writeable = False
    shown = _decode(shown_jpeg(Frame("c", 0.0, image), MASKED, 320))
    assert shown.shape == (180, 320)
    assert shown[:80, :150].max() < 20 and abs(int(shown[120:, 200:].mean()) - 150) < 4
    assert image.min() == 150
