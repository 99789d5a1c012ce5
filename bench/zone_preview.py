"""Cost of the zone editor's "Preview" against the running pipeline on the same frames.

    python -m bench.zone_preview [--repeat 5]

The preview decodes the live snapshots (JPEG, 1080p and 720p) to luma and runs `monitor.preview` (the
same zone maps, masks and `MotionDetector`) over them; the baseline is the worker's own `Detector`
processing the same luma frames. Single thread. Prints milliseconds per preview (8 frames, as the page
asks for) and the ratio to the baseline; the preview's wall time is dominated by the 0.25 s it waits
between snapshots, not by this CPU cost.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import DetectConfig
from monitor.frames import Frame
from monitor.pipeline import Detector
from monitor.preview import motion_preview

FRAMES = 8
Luma = NDArray[np.uint8]


def _frames(shape: tuple[int, int], seed: int = 7) -> list[Luma]:
    """A textured scene with a block walking across, with sensor noise."""
    rng = np.random.default_rng(seed)
    h, w = shape
    base = cv2.resize(rng.normal(128, 30, (h // 20, w // 20)).astype(np.float32), (w, h))
    out = []
    for i in range(FRAMES):
        img = base.copy()
        x = w // 10 + i * w // 40
        cv2.rectangle(img, (x, h // 2), (x + w // 30, h // 2 + h // 6), 40, -1)
        out.append(np.clip(img + rng.normal(0, 2.5, img.shape), 0, 255).astype(np.uint8))
    return out


def _config(shape: tuple[int, int]) -> DetectConfig:
    h, w = shape
    return DetectConfig.model_validate(
        {
            "zones": [{"name": "street", "polygon": [[0, h / 3], [w, h / 3], [w, h], [0, h]]}],
            "privacy_masks": [{"polygon": [[0, 0], [w / 4, 0], [w / 4, h / 4], [0, h / 4]]}],
        }
    )


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    """Time the preview and the pipeline on 1080p and 720p frames; print ms and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    for shape in ((1080, 1920), (720, 1280)):
        frames = _frames(shape)
        config = _config(shape)
        jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes() for f in frames]

        def pipeline(frames: list[Luma] = frames, config: DetectConfig = config) -> None:
            detector = Detector(config, frames[0].shape)
            for i, image in enumerate(frames):
                detector.process(Frame("bench", i / 5, image, i))

        def preview(jpegs: list[bytes] = jpegs, config: DetectConfig = config) -> None:
            decoded = [cv2.imdecode(np.frombuffer(j, np.uint8), cv2.IMREAD_GRAYSCALE) for j in jpegs]
            motion_preview(decoded, config)

        base, prev = _best(pipeline, args.repeat), _best(preview, args.repeat)
        label = f"{shape[1]}x{shape[0]}"
        print(
            f"{label}: preview of {FRAMES} snapshots {prev * 1000:.1f} ms, pipeline on the same frames "
            f"{base * 1000:.1f} ms, ratio {prev / base:.2f}"
        )


if __name__ == "__main__":
    main()
