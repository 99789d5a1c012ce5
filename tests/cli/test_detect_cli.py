"""`controlroom detect VIDEO`, run as a user would run it (a real process on real video files)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench.evalset.build import encode_gray
from bench.evalset.vtest import LAWN, LAWN_TRUTH, find_vtest

KEYS = {"kind", "start_s", "end_s", "zone", "score"}
LEFT = "0,0,160,0,160,240,0,240"
RIGHT = "160,0,320,0,320,240,160,240"


def detect(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runtime.cli", "detect", *args], capture_output=True, text=True, timeout=120
    )


def _events(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def walk_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s at 10 fps, 320x240 H.264: a dark figure walks along the left half from 3 s to 8 s."""
    rng = np.random.default_rng(1)
    base = cv2.resize(
        rng.uniform(60, 190, (24, 32)).astype(np.float32), (320, 240), interpolation=cv2.INTER_CUBIC
    )
    frames = []
    for i in range(120):
        img = base.copy()
        t = i / 10
        if 3 <= t < 8:
            x = round(10 + 25 * (t - 3))
            cv2.rectangle(img, (x, 120), (x + 14, 200), 25, -1)
        frames.append(np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8))
    path = tmp_path_factory.mktemp("clips") / "walk.mp4"
    encode_gray(frames, path, 10.0)
    return path


def test_detect_prints_one_json_object_per_event_with_exact_keys(walk_clip: Path):
    events = _events(detect(str(walk_clip)))
    assert len(events) == 1
    event = events[0]
    assert set(event) == KEYS
    assert event["kind"] == "motion" and event["zone"] is None
    assert isinstance(event["start_s"], float) and isinstance(event["end_s"], float)
    assert 2.8 <= event["start_s"] <= 3.6 and 7.4 <= event["end_s"] <= 8.2
    assert 0 < event["score"] <= 1


def test_zone_option_names_the_zone_and_ignores_motion_outside_it(walk_clip: Path):
    events = _events(detect(str(walk_clip), "--zone", f"left={LEFT}", "--zone", f"right={RIGHT}"))
    assert [(e["kind"], e["zone"]) for e in events] == [("motion", "left")]


def test_mask_option_hides_motion(walk_clip: Path):
    assert _events(detect(str(walk_clip), "--mask", LEFT)) == []


def test_config_file_settings_are_used(walk_clip: Path, tmp_path: Path):
    config = tmp_path / "detect.yaml"
    config.write_text(
        "fps: 10\nzones:\n  - name: door\n    polygon: [[0, 0], [160, 0], [160, 240], [0, 240]]\n"
    )
    events = _events(detect(str(walk_clip), "--config", str(config)))
    assert [e["zone"] for e in events] == ["door"]


def test_text_output_is_one_line_per_event(walk_clip: Path):
    result = detect(str(walk_clip), "--text")
    assert (
        result.returncode == 0 and result.stdout.startswith("motion") and len(result.stdout.splitlines()) == 1
    )


def _fails_with_one_line(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert text in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2_with_one_line(tmp_path: Path):
    _fails_with_one_line(detect(str(tmp_path / "nope.mp4")), "no such file")


def test_file_that_is_not_a_video_exits_2_with_one_line(tmp_path: Path):
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 50)
    _fails_with_one_line(detect(str(text)), "not a video")


def test_config_with_zero_fps_exits_2_naming_detect_fps(walk_clip: Path, tmp_path: Path):
    config = tmp_path / "bad.yaml"
    config.write_text("fps: 0\n")
    _fails_with_one_line(detect(str(walk_clip), "--config", str(config)), "detect.fps")


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        (["--zone", "gate=1,2,3"], "needs at least 3 x,y pairs"),
        (["--zone", "1,2,3,4,5,6"], "expected NAME="),
        (["--mask", "a,b,c,d,e,f"], "must be numbers"),
        (["--fps", "fast"], "--fps 'fast': must be a number"),
        (["--fps", "-1"], "detect.fps"),
    ],
)
def test_bad_option_values_exit_2_with_a_one_line_reason(walk_clip: Path, option: list[str], reason: str):
    _fails_with_one_line(detect(str(walk_clip), *option), reason)


def test_real_footage_reports_the_annotated_walk_on_the_lawn():
    video = find_vtest()
    if video is None:
        pytest.skip("vtest.avi unavailable: `apt-get download opencv-doc` failed (no network or no apt)")
    lawn = ",".join(f"{x},{y}" for x, y in LAWN)
    events = _events(detect(str(video), "--zone", f"lawn={lawn}"))
    assert [(e["kind"], e["zone"]) for e in events] == [("motion", "lawn")]
    assert abs(events[0]["start_s"] - LAWN_TRUTH[0]) <= 1.0 and abs(events[0]["end_s"] - LAWN_TRUTH[1]) <= 1.0
