"""The per-camera detector: downscale, motion per zone, tamper checks, events with start and end."""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import DetectConfig
from monitor.events import Box, EventKind, EventTracker, MonitorEvent
from monitor.frames import Frame
from monitor.motion import MotionDetector, MotionResult
from monitor.tamper import TamperDetector, TamperState
from monitor.zones import analysis_shape, build_zone_maps, decimation, valid_mask

__all__ = ["Detector", "EventSink"]

EventSink = Callable[[MonitorEvent], None]

_TAMPER_KINDS = (EventKind.COVERED, EventKind.DEFOCUSED, EventKind.MOVED, EventKind.FROZEN)


class Detector:
    """Runs the detection core on one camera's frames and emits `MonitorEvent`s.

    Each event is emitted twice: a start notice (`end_ts is None`) when it is confirmed, and the closed
    event when it ends. `flush()` closes whatever is still open at the end of the input.
    """

    def __init__(
        self,
        config: DetectConfig,
        frame_shape: tuple[int, int],
        *,
        camera_id: str = "",
        sink: EventSink | None = None,
    ) -> None:
        self.config = config
        self.frame_shape = frame_shape
        self.camera_id = camera_id
        self.sink = sink
        self.shape = analysis_shape(frame_shape, config.analysis_width)
        self._small = np.zeros(self.shape, dtype=np.uint8)
        self._stride, fine_shape = decimation(frame_shape, self.shape)
        self._scale = (frame_shape[1] / self.shape[1], frame_shape[0] / self.shape[0])
        zones = build_zone_maps(config, frame_shape, self.shape)
        # The decimated picture (about twice the analysis size) the downscale passes through anyway: small
        # objects are confirmed on it.
        self.motion = MotionDetector(
            config.motion, zones, self.shape, valid_mask(config, frame_shape, self.shape), fine_shape
        )
        self._fine = (
            np.zeros(fine_shape, dtype=np.uint8) if self.motion.refines and self._stride > 1 else None
        )
        self.tamper = TamperDetector(config.tamper, self.shape, config.fps)
        self._next_id = 1
        self._motion_trackers = [self._motion_tracker(zone.name) for zone in zones]
        self._tamper_trackers = {kind: self._tamper_tracker(kind) for kind in _TAMPER_KINDS}
        self.activity = False  # motion or a tamper sign on the last frame, before any confirmation

    def process(self, frame: Frame) -> list[MonitorEvent]:
        """Analyse one frame; return (and send to the sink) the events that started or ended on it."""
        small = self._downscale(frame.image)
        events: list[MonitorEvent] = []
        state = (
            self.tamper.check(small, frame.ts) if self.config.tamper.enabled else TamperState(learning=False)
        )
        self._track_tamper(frame, state, events)
        # No motion inside an active tamper of this camera: one cause, one event.
        tampered = any(t.active for t in self._tamper_trackers.values())
        suspect = state.covered or state.moved or state.frozen or state.defocused
        if tampered or suspect:
            self.motion.reset()
            result = None
        else:
            result = self.motion.detect(small, self._fine_frame(frame.image))
        moving = result is not None and any(zone.active for zone in result.zones)
        self.activity = tampered or suspect or state.defocused or moving
        self._track_motion(frame, result, events)
        self._emit(events)
        return events

    def flush(self) -> list[MonitorEvent]:
        """Close every open event (end of input); return and send the closed events."""
        trackers = [*self._motion_trackers, *self._tamper_trackers.values()]
        events = [event for event in (tracker.close() for tracker in trackers) if event is not None]
        self._emit(events)
        return events

    def accept_view(self) -> None:
        """Take the current view as the new reference (after an intended re-aim)."""
        self.tamper.reset()
        self.motion.reset()

    def _downscale(self, image: NDArray[np.uint8]) -> NDArray[np.uint8]:
        if image.shape != self.frame_shape:
            raise ValueError(f"frame shape {image.shape} does not match the detector's {self.frame_shape}")
        if self.shape == self.frame_shape:
            np.copyto(self._small, image)
        else:
            # Decimate large frames to about twice the analysis size first (a strided view; kept as the
            # finer frame when small objects are refined), then area-average: most of INTER_AREA's noise
            # reduction at a fraction of its cost.
            view = image[:: self._stride, :: self._stride] if self._stride > 1 else image
            if self._fine is not None:
                np.copyto(self._fine, view)
                view = self._fine
            cv2.resize(view, (self.shape[1], self.shape[0]), dst=self._small, interpolation=cv2.INTER_AREA)
        return self._small

    def _fine_frame(self, image: NDArray[np.uint8]) -> NDArray[np.uint8] | None:
        """The finer frame of the last downscale, when the motion detector refines small objects."""
        if not self.motion.refines:
            return None
        return self._fine if self._fine is not None else image

    def _track_tamper(self, frame: Frame, state: TamperState, events: list[MonitorEvent]) -> None:
        verdicts = {
            EventKind.COVERED: (state.covered, state.covered_score),
            EventKind.DEFOCUSED: (state.defocused, state.defocused_score),
            EventKind.MOVED: (state.moved, state.moved_score),
            EventKind.FROZEN: (state.frozen, state.frozen_score),
        }
        for kind, (hit, score) in verdicts.items():
            self._feed(self._tamper_trackers[kind], frame, hit, score, (), events)

    def _track_motion(self, frame: Frame, result: MotionResult | None, events: list[MonitorEvent]) -> None:
        for index, tracker in enumerate(self._motion_trackers):
            if result is None:
                self._feed(tracker, frame, False, 0.0, (), events)
                continue
            zone = result.zones[index]
            boxes = tuple(self._to_source(box) for box in zone.boxes)
            self._feed(tracker, frame, zone.active, zone.changed_ratio, boxes, events)

    def _feed(
        self,
        tracker: EventTracker,
        frame: Frame,
        hit: bool,
        score: float,
        boxes: tuple[Box, ...],
        events: list[MonitorEvent],
    ) -> None:
        event = tracker.update(frame.ts, frame.index, hit, score=score, boxes=boxes, next_id=self._next_id)
        if event is not None:
            if event.is_open:
                self._next_id += 1
            events.append(event)

    def _to_source(self, box: Box) -> Box:
        sx, sy = self._scale
        return Box(round(box.x * sx), round(box.y * sy), round(box.w * sx), round(box.h * sy))

    def _motion_tracker(self, zone: str | None) -> EventTracker:
        params = self.config.motion
        return EventTracker(
            EventKind.MOTION,
            camera_id=self.camera_id,
            zone=zone,
            start_frames=params.min_consecutive_frames,
            quiet_s=params.quiet_time_s,
        )

    def _tamper_tracker(self, kind: EventKind) -> EventTracker:
        p = self.config.tamper
        hold = {
            EventKind.COVERED: p.covered_s,
            EventKind.DEFOCUSED: p.defocused_s,
            EventKind.MOVED: p.moved_s,
            EventKind.FROZEN: p.frozen_s,
        }[kind]
        start_frames = max(1, math.floor(hold * self.config.fps * 0.5))
        return EventTracker(
            kind,
            camera_id=self.camera_id,
            zone=None,
            start_frames=start_frames,
            start_s=hold,
            quiet_s=p.clear_s,
            gap_s=p.clear_s,
        )

    def _emit(self, events: list[MonitorEvent]) -> None:
        if self.sink is not None:
            for event in events:
                self.sink(event)
