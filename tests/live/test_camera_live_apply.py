"""Camera settings are one source of truth, applied live (D6, R2): a privacy mask added through the API
blanks the next snapshot, tile, MJPEG frame and alert snapshot of a real RTSP camera within 2 s without a
restart, and survives a restart that re-imports the config file; the next export of footage recorded from
that camera is blanked too; a new URL is followed within 2 s."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy import select

from access.roles import Role
from api.app import create_app
from config.cameras import CameraConfig
from db.session import make_engine, make_session_factory, session_scope
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from footage.models import Segment
from runtime.pictures import shown_jpeg
from runtime.worker import Worker
from tests.conftest import make_settings
from tests.support.app_env import Env
from tests.support.live_server import LiveServer
from tests.support.peers import RtspServer, free_port, make_clip, missing_peer

pytestmark = [pytest.mark.rtsp, pytest.mark.slow]
EVERYTHING = [[0, 0], [100_000, 0], [100_000, 100_000], [0, 100_000]]
APPLY_S = 2.0
SLACK_S = 1.0  # a loaded 2-core machine; the product's own budget is APPLY_S


@pytest.fixture(scope="module")
def server() -> Iterator[RtspServer]:
    if not RtspServer.available():
        missing_peer("GStreamer RTSP server not loadable by /usr/bin/python3")
    clip = make_clip("testsrc2", size="640x360", rate=25, seconds=60)
    rtsp = RtspServer(["--file", f"cam={clip}"]).start()
    yield rtsp
    rtsp.stop()


def _brightness(jpeg: bytes) -> float:
    return float(np.mean(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)))


def _wait(check: Callable[[], bool], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s")


class Site:
    """The database, the app and one worker, restartable."""

    def __init__(self, url: str, camera: CameraConfig, data_dir: Path, **overrides: object) -> None:
        self.settings = make_settings(url, worker={"lease_s": 30}, data_dir=data_dir, **overrides)
        self.engine = make_engine(self.settings.database)
        self.factory = make_session_factory(self.engine)
        self.camera = camera
        self.box = CredentialBox(self.settings.auth.secret_key.get_secret_value())
        self.report = self.import_config()
        self.app = create_app(self.settings, engine=self.engine)
        self.env = Env(app=self.app, client=None, engine=self.engine, settings=self.settings)  # type: ignore[arg-type]
        self.worker: Worker | None = None

    def import_config(self) -> cameras.ImportReport:
        with session_scope(self.factory) as s:
            return cameras.import_config(s, cameras=[self.camera], box=self.box)

    def start(self) -> Worker:
        self.worker = Worker(self.settings, self.factory)
        self.app.state.ctx.live = self.worker.capture
        self.worker.start()
        return self.worker

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None


def test_a_mask_set_through_the_api_blanks_every_live_picture_at_once_and_survives_a_restart(
    sqlite_url: str, server: RtspServer, tmp_path: Path
) -> None:
    camera = CameraConfig(name="gate", url=server.url("cam"), detect={"fps": 5})  # type: ignore[arg-type]
    site = Site(sqlite_url, camera, tmp_path)
    admin = site.env.token(site.env.user(Role.ADMIN, username="ada"))
    watcher = site.env.token(site.env.user(Role.OPERATOR, username="olga"))
    worker = site.start()
    try:
        with LiveServer(site.app) as live, httpx.Client(base_url=live.url, timeout=10) as http:
            [camera] = http.get("/api/v1/cameras", headers=watcher).json()["items"]
            snap = f"/api/v1/cameras/{camera['id']}/snapshot"
            _wait(lambda: http.get(snap, headers=watcher).status_code == 200, 20)
            assert _brightness(http.get(snap, headers=watcher).content) > 40
            body = {"detect": {"fps": 5, "privacy_masks": [{"polygon": EVERYTHING}]}, "reason": "privacy"}
            assert http.patch(f"/api/v1/cameras/{camera['id']}", json=body, headers=admin).status_code == 200
            took = _wait(lambda: _brightness(http.get(snap, headers=watcher).content) < 3, APPLY_S + SLACK_S)
            assert took <= APPLY_S + SLACK_S
            tile = http.get(snap, params={"width": 320}, headers=watcher)
            assert _brightness(tile.content) < 3
            with http.stream("GET", f"/api/v1/cameras/{camera['id']}/mjpeg", headers=watcher) as mjpeg:
                data = b""
                for chunk in mjpeg.iter_bytes():
                    data += chunk
                    if data.count(b"\xff\xd9") >= 1:
                        break
            part = data[data.index(b"\xff\xd8") : data.index(b"\xff\xd9") + 2]
            assert _brightness(part) < 3
            run = worker.capture._runs["gate"]
            frame = run.snapshots.latest
            assert frame is not None and _brightness(shown_jpeg(frame, run.detect)) < 3  # the alert snapshot
            assert http.get(f"/api/v1/cameras/{camera['id']}/live.mp4", headers=watcher).status_code == 409
        site.stop()

        report = site.import_config()  # a restart re-imports the file, whose camera has no masks
        assert report.differs == {"gate": ["detect"]}
        worker = site.start()
        client = site.env.session
        with client() as s:
            camera_row = cameras.require_by_name(s, "gate")
            assert camera_row.detect["privacy_masks"]
        _wait(lambda: worker.capture.snapshot_jpeg("gate") is not None, 20)
        jpeg = worker.capture.snapshot_jpeg("gate")
        assert jpeg is not None and _brightness(jpeg) < 3
    finally:
        site.stop()
        site.engine.dispose()


def test_a_new_url_is_followed_by_the_running_reader_and_recorder(
    sqlite_url: str, server: RtspServer, tmp_path: Path
) -> None:
    dead = f"rtsp://127.0.0.1:{free_port()}/cam"
    recording = {"mode": "continuous"}
    camera = CameraConfig(name="gate", url=dead, detect={"fps": 5}, recording=recording)  # type: ignore[arg-type]
    site = Site(sqlite_url, camera, tmp_path)
    admin = site.env.token(site.env.user(Role.ADMIN, username="ada"))
    worker = site.start()
    try:
        time.sleep(3)  # the reader is failing and backing off on the dead address
        assert worker.capture.snapshot_jpeg("gate") is None
        with LiveServer(site.app) as live, httpx.Client(base_url=live.url, timeout=10) as http:
            [camera] = http.get("/api/v1/cameras", headers=admin).json()["items"]
            body = {"url": server.url("cam"), "reason": "camera moved to the new switch"}
            assert http.patch(f"/api/v1/cameras/{camera['id']}", json=body, headers=admin).status_code == 200
            switched = _wait(lambda: worker.capture._runs["gate"].url == server.url("cam"), APPLY_S + SLACK_S)
            assert switched <= APPLY_S + SLACK_S
            recorders = worker.footage.recorders if worker.footage else {}
            # the recorder is replaced on a URL change (absent for a moment while it restarts)
            _wait(
                lambda: getattr(recorders.get(camera["id"]), "url", None) == server.url("cam"),
                APPLY_S + SLACK_S,
            )
            _wait(lambda: worker.capture.snapshot_jpeg("gate") is not None, 10)
    finally:
        site.stop()
        site.engine.dispose()


def test_a_mask_set_through_the_api_blanks_the_next_export_of_footage_recorded_from_the_camera(
    sqlite_url: str, server: RtspServer, tmp_path: Path
) -> None:
    camera = CameraConfig(
        name="gate",
        url=server.url("cam"),  # type: ignore[arg-type]
        detect={"fps": 5},  # type: ignore[arg-type]
        recording={"mode": "continuous"},  # type: ignore[arg-type]
    )
    site = Site(sqlite_url, camera, tmp_path, footage={"segment_s": 2})
    admin = site.env.token(site.env.user(Role.ADMIN, username="ada"))
    boss = site.env.token(site.env.user(Role.SUPERVISOR, username="sue"))  # standing access (R7)
    site.start()
    try:
        with LiveServer(site.app) as live, httpx.Client(base_url=live.url, timeout=10) as http:
            [row] = http.get("/api/v1/cameras", headers=admin).json()["items"]

            def recorded() -> list[Segment]:
                with site.env.session() as s:
                    return list(s.scalars(select(Segment).order_by(Segment.start)))

            _wait(lambda: len(recorded()) >= 2, 40)
            first = recorded()[0]

            def export() -> bytes:
                span = {"cameras": ["gate"], "start": first.start.isoformat(), "end": first.end.isoformat()}
                made = http.post("/api/v1/footage/exports", json=span, headers=boss)
                assert made.status_code == 202, made.text
                url = f"/api/v1/footage/exports/{made.json()['id']}"
                _wait(lambda: http.get(url, headers=boss).json()["state"] != "running", 30)
                assert http.get(url, headers=boss).json()["state"] == "done"
                with zipfile.ZipFile(io.BytesIO(http.get(f"{url}/download", headers=boss).content)) as z:
                    return z.read("gate.mp4")

            def brightest(mp4: bytes) -> int:
                with av.open(io.BytesIO(mp4)) as c:
                    return int(next(c.decode(video=0)).to_ndarray(format="gray").max())

            assert brightest(export()) > 100  # testsrc2 before the mask
            body = {"detect": {"fps": 5, "privacy_masks": [{"polygon": EVERYTHING}]}, "reason": "privacy"}
            assert http.patch(f"/api/v1/cameras/{row['id']}", json=body, headers=admin).status_code == 200
            assert brightest(export()) < 30, "the same footage, exported after the mask, is blanked"
    finally:
        site.stop()
        site.engine.dispose()
