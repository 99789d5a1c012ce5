"""Detection core: motion with zones and masks, tamper checks, typed events. Imports numpy and OpenCV only."""

from monitor.events import Box, EventKind, MonitorEvent
from monitor.frames import Frame, FrameSource
from monitor.pipeline import Detector, EventSink

__all__ = ["Box", "Detector", "EventKind", "EventSink", "Frame", "FrameSource", "MonitorEvent"]
