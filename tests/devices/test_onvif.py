"""ONVIF against ipycam (and ipycam behind the repairing proxy for presets and status)."""

from __future__ import annotations

import time

import pytest

from devices.adapters import MjpegSource, RtspSource
from devices.errors import AuthError, ConnectError, OnvifFault
from devices.onvif import OnvifClient, OnvifPtz, PtzAction, PtzController, describe
from devices.onvif.discovery import discover
from tests.devices.conftest import PASSWORD, USER

pytestmark = pytest.mark.rtsp


def test_describe_fills_a_camera_record(ipycam):
    d = describe("127.0.0.1", ipycam.onvif_port, USER, PASSWORD)
    assert d.info.manufacturer == "PythonCam"
    assert d.info.model
    assert d.capabilities.ptz
    assert d.capabilities.media
    main = d.profiles[0]
    assert (main.encoding, main.width, main.height) == ("H264", 320, 180)
    assert main.has_ptz
    assert d.stream_uri == f"rtsp://127.0.0.1:{ipycam.rtsp_port}/video_main"
    assert d.sub_stream_uri is not None
    assert d.snapshot_uri == f"http://127.0.0.1:{ipycam.onvif_port}/snapshot.jpg"


def test_the_described_stream_uri_plays(ipycam):
    uri = describe("127.0.0.1", ipycam.onvif_port, USER, PASSWORD).stream_uri
    with RtspSource(uri, camera_id="ipycam", open_timeout=10) as src:
        frame = src.read()
    assert frame is not None
    assert frame.image.shape == (180, 320)


def test_mjpeg_stream_with_basic_auth(ipycam):
    url = f"http://127.0.0.1:{ipycam.onvif_port}/stream.mjpeg"
    with MjpegSource(url, camera_id="mj", user=USER, password=PASSWORD) as src:
        frame = src.read()
    assert frame is not None
    assert frame.image.shape == (180, 320)


def test_wrong_password_is_an_auth_error(ipycam):
    with pytest.raises(AuthError) as info:
        describe("127.0.0.1", ipycam.onvif_port, USER, "wrong")
    assert "wrong" not in str(info.value)


def test_no_device_is_a_connect_error(refused_port):
    with pytest.raises(ConnectError) as info:
        describe("127.0.0.1", refused_port, USER, PASSWORD, timeout=5)
    assert info.value.reason == "connection refused"


def test_ptz_move_stop_goto_and_absolute_are_told_to_listeners(ipycam):
    heard = []
    with OnvifClient("127.0.0.1", ipycam.onvif_port, USER, PASSWORD) as client:
        ptz = PtzController(OnvifPtz(client, "Profile_Main"), camera_id="ipycam", listeners=[heard.append])
        ptz.move(0.5, 0.0)
        time.sleep(0.2)
        ptz.stop()
        ptz.goto_preset("1")
        ptz.move_to(0.1, -0.1, 0.0)
    assert [c.action for c in heard] == [
        PtzAction.MOVE,
        PtzAction.STOP,
        PtzAction.GOTO_PRESET,
        PtzAction.MOVE_TO,
    ]
    assert heard[0].pan == 0.5
    assert heard[2].preset == "1"


def test_undeclared_xml_prefixes_are_a_clear_onvif_fault(ipycam):
    with OnvifClient("127.0.0.1", ipycam.onvif_port, USER, PASSWORD) as client:
        ptz = PtzController(OnvifPtz(client, "Profile_Main"), camera_id="ipycam")
        with pytest.raises(OnvifFault) as info:
            ptz.presets()
        with pytest.raises(OnvifFault):
            client.ptz_call("GetStatus", {"ProfileToken": "Profile_Main"})
    err = info.value
    assert err.reason == "malformed reply"
    assert "GetPresets" in err.message
    assert "tptz:Preset" in err.message
    assert "Traceback" not in err.message


def test_presets_round_trip_on_a_well_formed_peer(repaired_onvif):
    with OnvifClient("127.0.0.1", repaired_onvif.port, USER, PASSWORD) as client:
        ptz = PtzController(OnvifPtz(client, "Profile_Main"), camera_id="cam")
        ptz.move_to(0.3, 0.2, 0.0)
        token = ptz.set_preset("home")
        ptz.move_to(-0.5, -0.5, 0.0)
        ptz.goto_preset(token)
        presets = ptz.presets()
        status = client.ptz_call("GetStatus", {"ProfileToken": "Profile_Main"})
    assert token
    assert (token, "home") in [(p.token, p.name) for p in presets]
    assert status.Position.PanTilt.x == pytest.approx(0.3, abs=0.05)


def test_unicast_discovery_finds_ipycam(ipycam):
    found = discover(hosts=["127.0.0.1"], multicast=False, timeout=2)
    xaddrs = [x for d in found for x in d.xaddrs]
    assert f"http://127.0.0.1:{ipycam.onvif_port}/onvif/device_service" in xaddrs
    assert found[0].source == "127.0.0.1"
