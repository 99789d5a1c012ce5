"""Several controlroom processes on one PostgreSQL database: capture workers and API-only processes, each a
real `controlroom serve` subprocess with its own config file. Used by tests/cluster and bench.cluster."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import yaml
from sqlalchemy import make_url

from testkit.rtsp import free_port

ROOT = Path(__file__).resolve().parents[1]
SECRET = "cluster-internal-secret-0123456789"
SERVER_KEY = "cluster-server-key-0123456789abcdef"


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def fresh_pg_database(admin_url: str) -> Iterator[str]:
    """A throw-away PostgreSQL database on the server of `admin_url` (dropped afterwards)."""
    name = f"cr_cluster_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@dataclass
class Node:
    """One `controlroom serve` process."""

    name: str
    port: int
    config: Path
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    """Workers (`w1`…) and API processes (`api1`…) sharing `database_url`; `start()`, `kill(name)`, `stop()`."""

    database_url: str
    workdir: Path
    workers: int = 3
    apis: int = 2
    lease_s: float = 5
    settings: dict[str, Any] = field(default_factory=dict)  # extra settings for every process
    nodes: dict[str, Node] = field(default_factory=dict)

    def base_settings(self) -> dict[str, Any]:
        """What every process shares."""
        return {
            "database": {"url": self.database_url, "pool_size": 4},
            "auth": {"secret_key": SERVER_KEY},
            "logging": {"level": "WARNING", "json": False},
            **self.settings,
        }

    def _node(self, name: str, worker: dict[str, Any]) -> Node:
        port = free_port()
        values = self.base_settings()
        values["data_dir"] = str(self.workdir / name)
        values["worker"] = {
            "worker_id": name,
            "lease_s": self.lease_s,
            "sync_s": 1,
            "internal_secret": SECRET,
            **worker,
        }
        if worker.get("enabled", True):
            values["worker"]["advertise_url"] = f"http://127.0.0.1:{port}"
        config = self.workdir / f"{name}.yaml"
        config.write_text(yaml.safe_dump(values), encoding="utf-8")
        return Node(name, port, config, self.workdir / f"{name}.log")

    def start(self, timeout: float = 300) -> Cluster:
        """Start every process and wait until each answers /healthz (about 15 s on an idle 2-core machine;
        minutes when many test runs share it: five processes import the whole application at once)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        for i in range(1, self.workers + 1):
            self.nodes[f"w{i}"] = self._node(f"w{i}", {"enabled": True})
        for i in range(1, self.apis + 1):
            self.nodes[f"api{i}"] = self._node(f"api{i}", {"enabled": False})
        deadline = time.monotonic() + timeout
        try:
            # all at once: processes starting together on an empty database import the duty rules once
            # (shift_logs.rules.store.sync_from_file serialises on an advisory lock)
            for node in self.nodes.values():
                self._spawn(node)
            for node in self.nodes.values():
                self._wait_healthy(node, deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, node: Node) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
        cmd = [sys.executable, "-m", "runtime.cli", "--config", str(node.config), "serve"]
        cmd += ["--host", "127.0.0.1", "--port", str(node.port)]
        with node.log.open("wb") as log:
            node.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def _wait_healthy(self, node: Node, deadline: float) -> None:
        while time.monotonic() < deadline:
            assert node.proc is not None
            if node.proc.poll() is not None:
                raise RuntimeError(f"{node.name} exited: {node.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{node.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{node.name} did not answer: {node.log.read_text(errors='replace')[-2000:]}")

    def kill(self, name: str) -> None:
        """`kill -9` one process."""
        proc = self.nodes[name].proc
        assert proc is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop(self, timeout: float = 20) -> None:
        """Stop every process that still runs: SIGTERM to all, then SIGKILL to those still running after
        `timeout` seconds (one deadline for all, not one per process)."""
        running = [n.proc for n in self.nodes.values() if n.proc is not None and n.proc.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in running:
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
