"""Baseline: OpenCV's MOG2 background subtractor as open-source NVRs use it, with the same zones, masks,
minimum sizes and event timing as the core (so only the pixel-level detector differs). Motion only."""

from __future__ import annotations

import cv2
import numpy as np

from config.detection import DetectConfig
from monitor.events import EventKind, EventTracker, MonitorEvent
from monitor.frames import Frame
from monitor.zones import analysis_shape, build_zone_maps


class Mog2Detector:
    """MOG2 foreground -> open -> dilate -> components per zone -> the core's event hysteresis."""

    def __init__(self, config: DetectConfig, frame_shape: tuple[int, int]) -> None:
        self.shape = analysis_shape(frame_shape, config.analysis_width)
        self.zones = build_zone_maps(config, frame_shape, self.shape)
        self.mog = cv2.createBackgroundSubtractorMOG2(history=500, varThreshold=16, detectShadows=False)
        self.kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
        params = config.motion
        self.trackers = [
            EventTracker(
                EventKind.MOTION,
                camera_id="",
                zone=z.name,
                start_frames=params.min_consecutive_frames,
                quiet_s=params.quiet_time_s,
            )
            for z in self.zones
        ]
        self.small = np.zeros(self.shape, dtype=np.uint8)
        self.frames = 0

    def process(self, frame: Frame) -> list[MonitorEvent]:
        """Run one frame; return closed events."""
        cv2.resize(frame.image, (self.shape[1], self.shape[0]), dst=self.small, interpolation=cv2.INTER_AREA)
        fg = self.mog.apply(self.small)
        self.frames += 1
        fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, self.kernel)
        fg = cv2.dilate(fg, self.kernel)
        out = []
        for zone, tracker in zip(self.zones, self.trackers, strict=True):
            inside = cv2.bitwise_and(fg, zone.mask)
            hit = False
            if self.frames > 1 and cv2.countNonZero(inside) >= zone.min_area_px:
                _, _, stats, _ = cv2.connectedComponentsWithStats(inside)
                hit = any(
                    int(s[4]) >= zone.min_area_px and max(int(s[2]), int(s[3])) >= zone.min_size
                    for s in stats[1:]
                )
            event = tracker.update(frame.ts, frame.index, hit, score=1.0 if hit else 0.0, next_id=1)
            if event is not None and not event.is_open:
                out.append(event)
        return out

    def flush(self) -> list[MonitorEvent]:
        """Close open events."""
        return [e for e in (t.close() for t in self.trackers) if e is not None]
