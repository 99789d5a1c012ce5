"""`controlroom camera add|list` on the database registry: sealed credentials, a required reason, the audit
row, and add-from-ONVIF against ipycam."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from access.audit.models import AuditEntry
from db.session import make_session_factory
from devices.camera.models import Camera
from runtime.cli import app
from tests.support.onvif_peer import PASSWORD, USER, PtzPeer, ptz_peer

runner = CliRunner()
URL = "rtsp://viewer:Sup3rSecret@10.0.0.5/stream1"


@pytest.fixture
def run(sqlite_url: str):
    def invoke(*args: str):
        env = {"CONTROLROOM_DATABASE__URL": sqlite_url, "CONTROLROOM_LOGGING__JSON": "false"}
        return runner.invoke(app, ["camera", *args], env=env)

    return invoke


def _rows(sqlite_url: str, model: type) -> list:
    engine = create_engine(sqlite_url)
    try:
        with make_session_factory(engine)() as s:
            return list(s.scalars(select(model)))
    finally:
        engine.dispose()


def test_add_stores_the_url_sealed_and_list_shows_it_masked(run, sqlite_url: str) -> None:
    added = run("add", "gate", URL, "--reason", "new gate camera", "--key", "--title", "Main gate")
    assert added.exit_code == 0, added.output
    assert "rtsp://viewer:***@10.0.0.5/stream1" in added.output and "Sup3rSecret" not in added.output
    listing = run("list")
    assert listing.exit_code == 0, listing.output
    assert "gate" in listing.output and "key on" in listing.output and "(1 of 1)" in listing.output
    assert "Sup3rSecret" not in listing.output
    [camera] = _rows(sqlite_url, Camera)
    assert camera.key and "Sup3rSecret" not in camera.url_sealed
    [entry] = [e for e in _rows(sqlite_url, AuditEntry) if e.action == "camera.create"]
    assert entry.actor == "cli" and entry.detail == {"reason": "new gate camera", "source": "cli"}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("gate", URL), "--reason is required"),
        (("bad name!", URL, "--reason", "testing"), "NAME: String should match pattern"),
        (("gate", "--reason", "testing"), "give the stream URL, or --onvif"),
        (("gate", "--onvif", "cam:notaport", "--reason", "testing"), "--onvif 'cam:notaport'"),
    ],
)
def test_bad_input_exits_2_naming_what_is_wrong(
    run, sqlite_url: str, args: tuple[str, ...], says: str
) -> None:
    result = run("add", *args)
    assert result.exit_code == 2
    assert says in result.output
    assert _rows(sqlite_url, Camera) == []


def test_a_taken_name_is_refused(run) -> None:
    assert run("add", "gate", URL, "--reason", "new gate camera").exit_code == 0
    again = run("add", "gate", URL, "--reason", "again")
    assert again.exit_code == 2 and "taken" in again.output


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PtzPeer]:
    with ptz_peer(tmp_path_factory.mktemp("ipycam")) as started:
        yield started


@pytest.mark.rtsp
def test_add_from_onvif_asks_the_device_for_streams_and_name(run, sqlite_url: str, peer: PtzPeer) -> None:
    address = f"127.0.0.1:{peer.port}"
    wrong = run(
        "add", "dome", "--onvif", address, "--user", USER, "--password", "wrong", "--reason", "new dome"
    )
    assert wrong.exit_code == 2 and "auth refused" in wrong.output and "wrong" not in wrong.output
    ok = run(
        "add", "dome", "--onvif", address, "--user", USER, "--password", PASSWORD, "--reason", "new dome"
    )
    assert ok.exit_code == 0, ok.output
    assert f"rtsp://{USER}:***@127.0.0.1:{peer.cam.rtsp_port}/video_main" in ok.output
    assert "PythonCam VirtualCam-1" in ok.output and PASSWORD not in ok.output
    [camera] = _rows(sqlite_url, Camera)
    assert (camera.title, camera.onvif_port, camera.onvif_user) == ("Virtual Camera", peer.port, USER)
    assert camera.sub_url_sealed and PASSWORD not in camera.onvif_password_sealed
    [entry] = [e for e in _rows(sqlite_url, AuditEntry) if e.action == "camera.create"]
    assert entry.detail["device"] == "PythonCam VirtualCam-1" and entry.detail["reason"] == "new dome"
