"""Camera settings reach the worker that holds the camera through the database only: a privacy mask set
through the API of another OS process (`controlroom serve` with its worker disabled) blanks the next
snapshot of the worker in this process within 2 s (issue 17, "What to build" 1: several workers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from access.roles import Role
from db.session import make_engine, make_session_factory, session_scope
from runtime.migrate import upgrade
from runtime.worker import Worker
from testkit.cluster import SERVER_KEY
from testkit.rtsp import free_port
from tests.conftest import make_settings
from tests.factories.access import make_api_token, make_user
from tests.live.test_camera_live_apply import APPLY_S, EVERYTHING, SLACK_S, _brightness, _wait, server
from tests.support.peers import RtspServer

__all__ = ["server"]
pytestmark = [pytest.mark.rtsp, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_a_mask_set_in_another_process_reaches_the_worker_holding_the_camera(
    server: RtspServer, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'site.db'}"
    settings = make_settings(url, auth={"secret_key": SERVER_KEY}, worker={"lease_s": 30}, data_dir=tmp_path)
    engine = make_engine(settings.database)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as s:
        token = make_api_token(s, make_user(s, username="ada", roles=(Role.ADMIN,)))
    config = tmp_path / "api.yaml"
    camera = {"name": "gate", "url": server.url("cam"), "detect": {"fps": 5}}
    config.write_text(
        yaml.safe_dump(
            {
                "database": {"url": url},
                "auth": {"secret_key": SERVER_KEY},
                "logging": {"level": "WARNING", "json": False},
                "data_dir": str(tmp_path / "api"),
                "worker": {"enabled": False},  # an API-only process: it holds no camera
                "cameras": [camera],
            }
        ),
        encoding="utf-8",
    )
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
    cmd = [sys.executable, "-m", "runtime.cli", "--config", str(config), "serve", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        api = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker: Worker | None = None
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:

            def answering() -> bool:
                assert api.poll() is None, log.read_text(errors="replace")[-2000:]
                try:
                    return http.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    return False

            _wait(answering, 120)
            worker = Worker(settings, make_session_factory(engine))  # this process holds the camera
            worker.start()
            capture = worker.capture
            _wait(lambda: capture.snapshot_jpeg("gate") is not None, 30)
            first = capture.snapshot_jpeg("gate")
            assert first is not None and _brightness(first) > 40
            headers = {"Authorization": f"Bearer {token}"}
            [row] = http.get("/api/v1/cameras", headers=headers).json()["items"]
            body = {"detect": {"fps": 5, "privacy_masks": [{"polygon": EVERYTHING}]}, "reason": "privacy"}
            assert http.patch(f"/api/v1/cameras/{row['id']}", json=body, headers=headers).status_code == 200

            def blanked() -> bool:
                jpeg = capture.snapshot_jpeg("gate")
                return jpeg is not None and _brightness(jpeg) < 3

            took = _wait(blanked, APPLY_S + SLACK_S)
            assert took <= APPLY_S + SLACK_S
    finally:
        if worker is not None:
            worker.stop()
        api.terminate()
        api.wait(timeout=30)
        engine.dispose()
