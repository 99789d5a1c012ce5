"""`controlroom serve --processes N`: N API processes share one port on PostgreSQL, the first one alone runs
the capture worker (and publishes a loopback address for the others to relay live pictures from), all of
them answer, and stopping the first stops them all. On SQLite the option is refused (exit 2)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from db.session import make_engine, make_session_factory, session_scope
from devices.camera.models import Camera
from devices.worker.models import CaptureWorker
from runtime.cli import app
from runtime.migrate import upgrade
from testkit.cluster import SERVER_KEY, fresh_pg_database
from testkit.rtsp import free_port
from tests.conftest import PG_ADMIN_URL, make_settings
from tests.factories.access import make_api_token, make_user
from tests.support.peers import RtspServer, missing_peer
from tests.support.scene import make_person_clip

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait(condition: str, check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {condition}")


def _config(
    tmp_path: Path, url: str, worker: dict[str, object], cameras: list[dict[str, object]] | None = None
) -> Path:
    """The config file of a `serve` under test: the database, quiet plain logs, the worker settings."""
    config = tmp_path / "serve.yaml"
    data: dict[str, object] = {
        "database": {"url": url, "pool_size": 4},
        "auth": {"secret_key": SERVER_KEY},
        "logging": {"level": "WARNING", "json": False},
        "data_dir": str(tmp_path / "data"),
        "worker": worker,
    }
    if cameras:
        data["cameras"] = cameras
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    return config


@pytest.mark.postgres
@pytest.mark.slow
def test_several_processes_share_the_port_and_stop_together(tmp_path: Path) -> None:
    with fresh_pg_database(PG_ADMIN_URL) as url:
        engine = make_engine(make_settings(url).database)
        upgrade(engine)
        with session_scope(make_session_factory(engine)) as session:
            token = make_api_token(session, make_user(session, username="olga"))
        config = _config(tmp_path, url, {"worker_id": "only-worker", "sync_s": 1})
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
        cmd = [sys.executable, "-m", "runtime.cli", "--config", str(config), "serve"]
        cmd += ["--port", str(port), "--processes", "3"]
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:

            def healthy() -> bool:
                assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
                try:
                    return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
                except httpx.HTTPError:
                    return False

            _wait("the service to answer", healthy, 180)
            _wait("two API processes besides the first", lambda: len(_children(proc.pid)) == 2, 60)
            pids = [proc.pid, *_children(proc.pid)]

            # the capture worker runs once, in the first process, published at a loopback address of its own
            def registered() -> list[CaptureWorker]:
                with session_scope(make_session_factory(engine)) as session:
                    rows = list(session.scalars(select(CaptureWorker)))
                    session.expunge_all()
                    return rows

            _wait("the worker to register", registered, 60)
            workers = registered()
            assert [w.worker_id for w in workers] == ["only-worker"]
            assert workers[0].address.startswith("http://127.0.0.1:")
            assert workers[0].address != base
            refused = httpx.get(f"{workers[0].address}/internal/v1/live/c1/snapshot", timeout=10)
            assert refused.status_code in (401, 403)  # served there, and only with the shared secret

            before = {pid: _cpu_s(pid) for pid in pids}
            headers = {"Authorization": f"Bearer {token}"}

            def read(_: int) -> int:
                with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                    return [client.get("/api/v1/alerts").status_code for _ in range(5)][-1]

            with ThreadPoolExecutor(16) as pool:
                statuses = list(pool.map(read, range(48)))
            assert statuses == [200] * 48
            busy = [pid for pid in pids if _cpu_s(pid) - before[pid] >= 0.05]
            assert len(busy) >= 2, f"only {busy} of {pids} served requests"

            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
            for pid in pids[1:]:
                _wait(f"API process {pid} to stop", lambda pid=pid: not Path(f"/proc/{pid}").exists(), 30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            engine.dispose()


def test_several_processes_need_postgresql(sqlite_url: str) -> None:
    env = {"CONTROLROOM_DATABASE__URL": sqlite_url, "CONTROLROOM_AUTH__SECRET_KEY": SERVER_KEY}
    result = CliRunner().invoke(app, ["serve", "--port", "1", "--processes", "2"], env=env)
    assert result.exit_code == 2
    assert "--processes above 1 needs PostgreSQL" in result.output


@pytest.mark.postgres
@pytest.mark.rtsp
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_capture_processes_split_the_cameras_and_each_serves_its_live_view(tmp_path: Path) -> None:
    """`worker.processes: 2`: `serve` runs two processes, each a capture worker of its own at a loopback
    address of its own; the fair shares split the cameras between them at once (both registered before
    either claims), every camera's tile is answered whichever process the request lands on (read there,
    or relayed from the other), and SIGTERM stops both and gives every lease back."""
    if not RtspServer.available():
        missing_peer("GStreamer RTSP server not loadable by /usr/bin/python3")
    clip = make_person_clip("processes", seconds=30, enter_at=3, size=(384, 216))
    names = [f"p{i}" for i in range(1, 5)]
    rtsp = RtspServer([arg for name in names for arg in ("--file", f"{name}={clip}")]).start()
    with fresh_pg_database(PG_ADMIN_URL) as url:
        engine = make_engine(make_settings(url).database)
        upgrade(engine)
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            token = make_api_token(session, make_user(session, username="olga"))
        worker = {"worker_id": "box", "processes": 2, "sync_s": 1, "lease_s": 6}
        config = _config(
            tmp_path,
            url,
            worker,
            cameras=[{"name": n, "url": rtsp.url(n), "detect": {"fps": 2}} for n in names],
        )
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
        cmd = [sys.executable, "-m", "runtime.cli", "--config", str(config), "serve", "--port", str(port)]
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"

        def holders() -> dict[str, str | None]:
            with session_scope(factory) as session:
                return {c.name: c.worker_id for c in session.scalars(select(Camera))}

        try:
            _wait("two capture processes", lambda: proc.poll() is None and len(_children(proc.pid)) == 1, 180)
            _wait(
                "the cameras split two and two",
                lambda: Counter(holders().values()) == Counter({"box": 2, "box.2": 2}),
                180,
            )
            with session_scope(factory) as session:
                workers = {w.worker_id: w.address for w in session.scalars(select(CaptureWorker))}
                ids = {c.name: c.id for c in session.scalars(select(Camera))}
            assert sorted(workers) == ["box", "box.2"]
            assert len(set(workers.values())) == 2
            assert all(a.startswith("http://127.0.0.1:") and a != base for a in workers.values())

            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30) as http:

                def tiles() -> bool:  # several asks each, so that both processes answer for every camera
                    for camera_id in ids.values():
                        for _ in range(4):
                            r = http.get(f"/api/v1/cameras/{camera_id}/snapshot", params={"width": 320})
                            if r.status_code != 200 or r.headers["content-type"] != "image/jpeg":
                                return False
                    return True

                _wait("every camera's tile through either process", tiles, 120)

            child = _children(proc.pid)[0]
            proc.send_signal(signal.SIGTERM)
            proc.wait(90)
            _wait("the second capture process to stop", lambda: not Path(f"/proc/{child}").exists(), 30)
            assert set(holders().values()) == {None}, "a clean stop gives every lease back"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            rtsp.stop()
            engine.dispose()
