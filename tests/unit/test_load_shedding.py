"""Under load, cameras that are not key cameras fall back to keyframes; key cameras keep full analysis (D2)."""

from __future__ import annotations

from dataclasses import dataclass, field

from config.detection import DetectConfig
from runtime.camera_run import CameraRun as _Run
from runtime.capture import CaptureRuntime
from tests.conftest import make_settings


@dataclass
class Status:
    camera_id: str
    dropped: int
    low_power: bool


@dataclass
class FakeSupervisor:
    """Only what shed_load reads and sets: per-camera drop counters and the low-power switch."""

    dropped: dict[str, int]
    low: dict[str, bool] = field(default_factory=dict)

    def status(self) -> list[Status]:
        return [Status(n, d, self.low.get(n, False)) for n, d in self.dropped.items()]

    def set_low_power(self, name: str, on: bool) -> None:
        self.low[name] = on


def test_overload_sheds_non_key_cameras_and_recovers() -> None:
    runtime = CaptureRuntime(make_settings("sqlite://"), factory=None)  # type: ignore[arg-type]
    fake = FakeSupervisor({"gate": 0, "lobby": 0})
    runtime.supervisor = fake  # type: ignore[assignment]
    runtime._runs = {
        "gate": _Run(1, "gate", "Gate", True, DetectConfig()),
        "lobby": _Run(2, "lobby", "Lobby", False, DetectConfig()),
    }
    runtime.shed_load()
    assert fake.low == {}
    fake.dropped["gate"] = 5  # frames dropped somewhere: the worker cannot keep up
    runtime.shed_load()
    assert fake.low == {"lobby": True}
    runtime.shed_load()  # a round without new drops
    assert fake.low == {"lobby": False}
