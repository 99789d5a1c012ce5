"""What the app holds for its lifetime: settings, database, clock, metrics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram
from sqlalchemy import Engine

from api.notify import Notifier
from config.settings import Settings
from core.clock import Clock, SystemClock
from db.session import SessionFactory

if TYPE_CHECKING:
    from api.alert_feed import AlertFeed
    from api.camera_feed import CameraStates

__all__ = ["AppContext", "HttpMetrics", "LiveView"]


class LiveView(Protocol):
    """Live pictures of the cameras this process reads (provided by the capture runtime)."""

    def reads(self, camera_name: str) -> bool:
        """True while this process reads the camera."""
        ...

    def live_fmp4(self, camera_name: str) -> Iterator[bytes] | None:
        """The camera live as fragmented MP4 without re-encoding, or None when that cannot be had here."""
        ...

    def snapshot_jpeg(self, camera_name: str, width: int | None = None) -> bytes | None:
        """The latest frame as JPEG (at most `width` wide) with privacy masks blanked, or None when not
        read here."""
        ...


@dataclass
class HttpMetrics:
    """Prometheus metrics of the HTTP layer, in the app's own registry."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    refused: Counter

    @classmethod
    def create(cls) -> HttpMetrics:
        """Make a fresh registry with the HTTP metrics."""
        registry = CollectorRegistry()
        requests = Counter(
            "controlroom_http_requests",
            "HTTP requests served",
            ["method", "route", "status"],
            registry=registry,
        )
        latency = Histogram(
            "controlroom_http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )
        refused = Counter(
            "controlroom_http_refused",
            "Refused state-changing requests kept out of the audit chain (anonymous callers, unknown paths)",
            ["reason"],
            registry=registry,
        )
        return cls(registry=registry, requests=requests, latency=latency, refused=refused)


@dataclass
class AppContext:
    """Everything a request may need that lives as long as the app."""

    settings: Settings
    engine: Engine
    session_factory: SessionFactory
    clock: Clock = field(default_factory=SystemClock)
    metrics: HttpMetrics = field(default_factory=HttpMetrics.create)
    live: LiveView | None = None
    notifier: Notifier | None = None  # wakes the SSE streams (LISTEN on PostgreSQL, a timer on SQLite)
    alert_feed: AlertFeed | None = (
        None  # the one reader of alert changes for every SSE stream (made at first use)
    )
    camera_states: CameraStates | None = None  # the one reader of camera states for every stream (likewise)
