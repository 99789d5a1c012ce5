"""The processes of one `controlroom serve`: `--processes N` API processes accept on one port, and the first
`worker.processes` of them (K, default 1) each run a capture worker of their own, so that one machine's
capture uses its cores (one Python process holds about one core).

K = 1: the first process alone captures; it listens on a port of its own for the others' live relay (on
loopback, or on the host of a configured `worker.advertise_url`, whose port is then replaced by the one the
kernel chose: the shared port would hand a relay request to any process), and makes an `internal_secret`
if none is set.
K > 1: every capture process registers as a worker of its own (`<worker_id>`, `<worker_id>.2`, …), each
with a listener of its own (on loopback, or on the host of a configured `advertise_url`), port chosen by
the kernel, published as its address. All K are registered before any of them claims a camera, so the
fair shares split the cameras at once instead of one hand-over per heartbeat.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import signal
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import SecretStr

from config.settings import Settings
from core.clock import utcnow
from runtime.cli.common import Database, fail

__all__ = [
    "GRACEFUL_STOP_S",
    "ProcessPlan",
    "bind",
    "exit_on_sigterm",
    "fork_process",
    "plan",
    "register_workers",
    "stop_children",
    "url_of",
]

log = logging.getLogger("controlroom.serve")

GRACEFUL_STOP_S = 5  # open streams are cut this long after SIGTERM


@dataclass(frozen=True)
class ProcessPlan:
    """One process of the service: its settings (capture on or off) and its private internal listener."""

    settings: Settings
    internal: socket.socket | None = None

    @property
    def captures(self) -> bool:
        """True when this process runs a capture worker."""
        return self.settings.worker.enabled


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket first, so that a busy port is one clear line (exit 2) before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = (
            "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be opened ({exc.strerror})"
        )
        fail(f"port {port} on {host} {reason}: stop what uses it or choose another with --port")
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The http:// base URL a bound socket answers on."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _secret(settings: Settings) -> SecretStr:
    secret = settings.worker.internal_secret.get_secret_value()
    return SecretStr(secret if len(secret) >= 16 else secrets.token_urlsafe(24))


def _capture_process(settings: Settings, worker_id: str, host: str, secret: SecretStr) -> ProcessPlan:
    internal = bind(host, 0)
    worker = settings.worker.model_copy(
        update={"worker_id": worker_id, "advertise_url": url_of(internal), "internal_secret": secret}
    )
    return ProcessPlan(settings.model_copy(update={"worker": worker}), internal)


def plan(settings: Settings, processes: int) -> list[ProcessPlan]:
    """What each of `processes` processes runs: the first K (`worker.processes`, at most `processes`)
    capture, the rest serve the API only."""
    captures = min(settings.worker.processes, processes) if settings.worker.enabled else 0
    if processes == 1:
        return [ProcessPlan(settings)]
    first: list[ProcessPlan] = []
    # every capture process listens on a port of its own even when an address is configured: on the shared
    # port a relay request would land on any of the processes, and an API-only one does not read the camera
    host = urlsplit(settings.worker.advertise_url).hostname or "127.0.0.1"
    if captures == 1:
        first = [_capture_process(settings, settings.worker.worker_id, host, _secret(settings))]
    elif captures > 1:
        base = settings.worker.worker_id or f"{socket.gethostname()}:{os.getpid()}"
        secret = _secret(settings)
        ids = [base] + [f"{base}.{i}" for i in range(2, captures + 1)]
        first = [_capture_process(settings, worker_id, host, secret) for worker_id in ids]
    shared = first[0].settings.worker if first else settings.worker
    api_only = settings.model_copy(
        update={
            "worker": settings.worker.model_copy(
                update={"enabled": False, "internal_secret": shared.internal_secret}
            )
        }
    )
    return first + [ProcessPlan(api_only)] * (processes - len(first))


def register_workers(plans: list[ProcessPlan], database: Database) -> None:
    """Register every capture worker of this machine before any claims a camera, so that each one's
    first claim already counts the others (fair shares at once, no hand-over one camera at a time)."""
    from devices.worker import service as workers

    capturing = [p.settings.worker for p in plans if p.captures]
    if len(capturing) < 2:
        return
    now = utcnow()
    with database.session() as session:
        for worker in capturing:
            workers.heartbeat(
                session,
                worker_id=worker.worker_id,
                now=now,
                address=worker.advertise_url,
                weight=worker.weight,
            )


def exit_on_sigterm(signum: int, frame: object) -> None:
    """uvicorn re-raises the SIGTERM it handled once it has stopped: leave through `finally` instead."""
    raise SystemExit(128 + signum)


def fork_process(
    plan_: ProcessPlan, plans: list[ProcessPlan], database: Database, sock: socket.socket
) -> int:
    """Fork one more process of the service that serves `sock` (and runs a capture worker when its plan
    says so); return its pid."""
    import uvicorn

    from api.app import create_app
    from runtime.worker import Worker

    pid = os.fork()
    if pid:
        return pid
    code = 0
    parent = os.getppid()

    def orphaned() -> None:  # the first process was killed outright (kill -9): do not serve on alone
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    worker = None
    try:  # the child: its own connections (the parent's pool was emptied before the fork), its own app
        for other in plans:
            if other.internal is not None and other is not plan_:
                other.internal.close()
        threading.Thread(target=orphaned, name="orphaned", daemon=True).start()
        signal.signal(signal.SIGTERM, exit_on_sigterm)
        app = create_app(plan_.settings, engine=database.engine)
        sockets = [sock] if plan_.internal is None else [sock, plan_.internal]
        if plan_.captures:
            worker = Worker(plan_.settings, database.factory)
            app.state.ctx.live = worker.capture
            worker.start()
        uvicorn.Server(
            uvicorn.Config(app, log_config=None, access_log=False, timeout_graceful_shutdown=GRACEFUL_STOP_S)
        ).run(sockets=sockets)
    except SystemExit:
        pass
    except BaseException:
        log.exception("a serve process failed")
        code = 1
    finally:
        if worker is not None:
            worker.stop()
        os._exit(code)


def stop_children(children: list[int], timeout_s: float = 30) -> None:
    """SIGTERM every child, wait up to `timeout_s` for all of them (a capture process stops its readers
    and gives its leases back), then kill what is left."""
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    waiting = set(children)
    while waiting and time.monotonic() < deadline:
        for pid in list(waiting):
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0] == 0:
                    continue
            waiting.discard(pid)
        time.sleep(0.05)
    for pid in waiting:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
