"""Which packets a recorder copies: a camera whose reader reads the recorded stream is recorded from that
reader's packets (one connection per camera); a camera with a separate sub stream for detection, or any
camera with `footage.record_from_reader: false`, over a connection of the recorder's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from config.cameras import CameraConfig
from db.session import make_engine, make_session_factory, session_scope
from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from devices.packet_feed import PacketFeed
from footage.runtime import FootageRuntime
from tests.conftest import make_settings

DEAD = "rtsp://127.0.0.1:9/{}"  # nothing answers: the recorders only try to connect


@pytest.mark.parametrize("from_reader", [True, False])
def test_the_recorder_takes_the_readers_packets_only_where_they_are_the_recorded_stream(
    sqlite_url: str, tmp_path: Path, from_reader: bool
) -> None:
    settings = make_settings(
        sqlite_url, data_dir=tmp_path, footage={"record_from_reader": from_reader, "min_free_mb": 0}
    )
    engine = make_engine(settings.database)
    factory = make_session_factory(engine)
    box = CredentialBox(settings.auth.secret_key.get_secret_value())
    recording = {"mode": "continuous"}
    cams = [
        CameraConfig(name="single", url=DEAD.format("main"), recording=recording),  # type: ignore[arg-type]
        CameraConfig(  # type: ignore[call-arg]
            name="dual", url=DEAD.format("main"), sub_url=DEAD.format("sub"), recording=recording
        ),
    ]
    with session_scope(factory) as session:
        cameras.import_config(session, cameras=cams, box=box)
        for camera in session.scalars(select(Camera)):
            camera.worker_id = "w1"
    feeds = {"single": PacketFeed(), "dual": PacketFeed()}
    runtime = FootageRuntime(settings, factory, worker_id="w1")
    runtime.feeds = feeds.get
    try:
        runtime.sync()
        by_name = {r.camera_name: r for r in runtime.recorders.values()}
        assert set(by_name) == {"single", "dual"}
        single, dual = by_name["single"].feed, by_name["dual"].feed
        assert dual is None, "a sub stream for detection: the recorder needs the main stream itself"
        if from_reader:
            assert single is not None and single() is feeds["single"]
        else:
            assert single is None
    finally:
        runtime.stop()
        engine.dispose()
