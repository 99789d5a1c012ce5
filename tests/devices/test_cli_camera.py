"""`controlroom camera test|discover` against real peers."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from runtime.cli import app
from tests.devices.conftest import PASSWORD, USER

pytestmark = pytest.mark.rtsp

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["camera", *args])


def test_camera_test_prints_codec_resolution_fps_and_latency(rtsp_server):
    result = run("test", rtsp_server.url("cam"), "--frames", "5", "--seconds", "1")
    assert result.exit_code == 0, result.output
    assert "h264" in result.output
    assert "640x360" in result.output
    assert "25.00 declared" in result.output
    assert "first frame after" in result.output


def test_camera_test_with_credentials_masks_the_password(auth_rtsp_server):
    result = run("test", auth_rtsp_server.url("cam", USER, PASSWORD), "--frames", "2", "--seconds", "0")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert f"{USER}:***@" in result.output


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("refused", "connection refused"),
        ("auth", "auth refused"),
        ("http", "not an RTSP stream"),
        ("no_video", "no video track"),
        ("no_mount", "stream not found"),
        ("silent", "timeout"),
        ("no_host", "host not found"),
    ],
)
def test_camera_test_gives_a_clear_reason_and_exit_2(
    case, reason, rtsp_server, auth_rtsp_server, refused_port, http_port, silent_port
):
    url = {
        "refused": f"rtsp://127.0.0.1:{refused_port}/x",
        "auth": auth_rtsp_server.url("cam", USER, "wrong"),
        "http": f"rtsp://127.0.0.1:{http_port}/",
        "no_video": rtsp_server.url("audio"),
        "no_mount": rtsp_server.url("nothing-here"),
        "silent": f"rtsp://127.0.0.1:{silent_port}/x",
        "no_host": "rtsp://no-such-camera.invalid/x",
    }[case]
    result = run("test", url, "--timeout", "2")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"FAIL {reason}")
    assert "wrong" not in result.output
    assert "Traceback" not in result.output


def test_camera_discover_lists_ipycam(ipycam):
    result = run("discover", "--host", "127.0.0.1", "--no-multicast", "--timeout", "1.5")
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{ipycam.onvif_port}/onvif/device_service" in result.output
    assert "1 device(s) found" in result.output
