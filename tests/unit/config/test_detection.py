"""Detection settings: every bad value fails with a message that names the field."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from config.detection import DetectConfig


class _Camera(BaseModel):
    """How the main settings embed the section (`cameras[i].detect`)."""

    model_config = ConfigDict(extra="forbid")
    detect: DetectConfig


def _locs(exc: ValidationError) -> list[str]:
    return [".".join(str(p) for p in err["loc"]) for err in exc.errors()]


def test_defaults_are_valid():
    config = DetectConfig()
    assert config.fps == 5 and config.zones == [] and config.tamper.enabled


def test_zero_fps_fails_naming_detect_fps():
    with pytest.raises(ValidationError) as err:
        _Camera.model_validate({"detect": {"fps": 0}})
    assert _locs(err.value) == ["detect.fps"]
    assert "greater than 0" in str(err.value)


def test_unknown_key_fails_naming_it():
    with pytest.raises(ValidationError) as err:
        DetectConfig.model_validate({"motion": {"sensitivty": 50}})
    assert _locs(err.value) == ["motion.sensitivty"]


def test_zone_polygon_needs_three_points():
    with pytest.raises(ValidationError) as err:
        DetectConfig.model_validate({"zones": [{"name": "gate", "polygon": [[0, 0], [10, 10]]}]})
    assert _locs(err.value) == ["zones.0.polygon"]


def test_negative_coordinate_fails_naming_the_point():
    with pytest.raises(ValidationError) as err:
        DetectConfig.model_validate({"exclusion_masks": [{"polygon": [[0, 0], [-5, 10], [10, 10]]}]})
    assert _locs(err.value) == ["exclusion_masks.0.polygon.1.0"]


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        (
            {"zones": [{"name": "z", "polygon": [[0, 0], [1, 0], [1, 1]], "sensitivity": 0}]},
            "zones.0.sensitivity",
        ),
        ({"analysis_width": 10}, "analysis_width"),
        ({"motion": {"quiet_time_s": -1}}, "motion.quiet_time_s"),
        ({"tamper": {"defocus_ratio": 1.5}}, "tamper.defocus_ratio"),
        ({"privacy_masks": [{"polygon": "nope"}]}, "privacy_masks.0.polygon"),
    ],
)
def test_out_of_range_values_fail_naming_the_field(data, loc):
    with pytest.raises(ValidationError) as err:
        DetectConfig.model_validate(data)
    assert _locs(err.value) == [loc]


def test_duplicate_zone_names_are_refused():
    zone = {"name": "gate", "polygon": [[0, 0], [10, 0], [10, 10]]}
    with pytest.raises(ValidationError, match="zones: names must be unique"):
        DetectConfig.model_validate({"zones": [zone, zone]})
