"""`controlroom serve` and `controlroom demo`."""

from __future__ import annotations

import json
import logging
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import make_url

from access.roles import Role
from access.users import service as users
from config.settings import Settings
from core.actor import Actor
from core.clock import utcnow
from core.logging import configure_logging
from runtime.cli.common import Database, fail, load, open_database, require_real_secret
from runtime.cli.processes import (
    GRACEFUL_STOP_S,
    bind,
    exit_on_sigterm,
    fork_process,
    plan,
    register_workers,
    stop_children,
    url_of,
)
from runtime.demo import demo_cameras, ensure_demo_shift
from runtime.migrate import upgrade

HostOpt = Annotated[str, typer.Option(help="Address to listen on.")]
PortOpt = Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")]
ProcessesOpt = Annotated[
    int,
    typer.Option(
        min=1,
        max=64,
        help="API processes sharing the port (PostgreSQL only); the first worker.processes of them (1 by "
        "default, at least that many processes) also run a capture worker each.",
    ),
]
log = logging.getLogger("controlroom.serve")

DEMO_USERS: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("admin", "Ada Admin", (Role.ADMIN,)),
    ("supervisor", "Sun Supervisor", (Role.SUPERVISOR,)),
    ("leader", "Li Leader", (Role.SHIFT_LEADER, Role.OPERATOR)),
    ("operator", "Olga Operator", (Role.OPERATOR,)),
    ("operator2", "Wang Operator", (Role.OPERATOR,)),
    ("maintenance", "Ma Maintenance", (Role.MAINTENANCE,)),
)


def _import_cameras(settings: Settings, database: Database) -> None:
    from access.audit import service as audit
    from devices.camera import service as cameras
    from devices.credentials import CredentialBox

    if not settings.cameras:
        return
    box = CredentialBox(settings.auth.secret_key.get_secret_value())
    with database.session() as session:
        report = cameras.import_config(session, cameras=settings.cameras, box=box)
        if report.created or report.differs:
            audit.record(
                session,
                actor=Actor.system("config"),
                action="camera.import",
                detail={"created": report.created, "differs": report.differs},
                now=utcnow(),
            )
    if report.created:
        typer.echo(f"cameras from the config: {', '.join(report.created)}")
    for name, fields in report.differs.items():
        typer.echo(
            f"camera {name}: the config file differs in {', '.join(fields)}; the database is authoritative "
            "(change it in the console or with PATCH /api/v1/cameras/{id})",
            err=True,
        )


def _adopt_rule_file(settings: Settings, database: Database) -> None:
    """Store the (already validated) rule file as a version before serving, if it is new or changed."""
    from shift_logs.rules.model import load_duty_rules
    from shift_logs.rules.store import sync_from_file

    with database.session() as session:
        row = sync_from_file(session, load_duty_rules(settings.duty_rules.file), now=utcnow())
        if row is not None:
            typer.echo(f"duty rules from the file: version {row.version}")


def _run(
    settings: Settings,
    database: Database,
    host: str,
    port: int,
    *,
    banner: Callable[[str], None] | None = None,
    sock: socket.socket | None = None,
    processes: int = 1,
) -> None:
    import uvicorn  # heavy: imported only by the serving commands

    from api.app import create_app
    from runtime.worker import Worker

    sock = sock or bind(host, port)
    configure_logging(settings.logging.level, json_format=settings.logging.json_format)
    _import_cameras(settings, database)
    _adopt_rule_file(settings, database)
    plans = plan(settings, processes)
    first = plans[0]
    sockets = [sock] if first.internal is None else [sock, first.internal]
    children: list[int] = []
    if processes > 1:
        register_workers(plans, database)
        database.engine.dispose()  # no pooled connection may cross the fork
        children = [fork_process(each, plans, database, sock) for each in plans[1:]]
        for each in plans[1:]:
            if each.internal is not None:
                each.internal.close()  # served by its own process
        # uvicorn re-raises the SIGTERM it handled once it has stopped; exit through `finally` (which stops
        # the other processes) instead of dying there
        signal.signal(signal.SIGTERM, exit_on_sigterm)
    settings = first.settings
    app = create_app(settings, engine=database.engine)
    worker = Worker(settings, database.factory)
    app.state.ctx.live = worker.capture
    # open streams (SSE, MJPEG, passthrough) never end by themselves: cut them after a few seconds of a stop so
    # that the worker still stops its readers and gives its leases back before a service manager kills it
    config = uvicorn.Config(app, log_config=None, access_log=False, timeout_graceful_shutdown=GRACEFUL_STOP_S)
    server = uvicorn.Server(config)
    url = url_of(sock)

    def announce() -> None:  # once the server answers, so that the last lines on screen are the useful ones
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            capturing = sum(p.captures for p in plans)
            suffix = f" ({processes} processes, {capturing} capturing)" if processes > 1 else ""
            (banner or (lambda u: typer.echo(f"controlroom: serving on {u}{suffix}")))(url)

    worker.start()
    threading.Thread(target=announce, name="announce", daemon=True).start()
    try:
        server.run(sockets=sockets)
    finally:
        stop_children(children)
        worker.stop()
        for listener in sockets:
            listener.close()


def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 8000, processes: ProcessesOpt = 1) -> None:
    """Run the web service (console and API) with the configured database."""
    settings = load()
    require_real_secret(settings)
    if settings.worker.enabled:
        processes = max(processes, settings.worker.processes)
    if processes > 1 and make_url(settings.database.url.get_secret_value()).get_backend_name() == "sqlite":
        fail(
            "--processes above 1 needs PostgreSQL (SQLite takes one writer at a time; worker.processes "
            "counts too): leave it at 1"
        )
    _run(settings, open_database(settings), host, port, processes=processes)


def _demo_users(database: Database, data_dir: Path) -> dict[str, str]:
    """Create the sample users once; keep their generated passwords in the demo folder."""
    path = data_dir / "demo-credentials.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return stored
    credentials = {}
    with database.session() as session:
        for username, name, roles in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            users.create(
                session, username=username, password=password, roles=roles, display_name=name, now=utcnow()
            )
            credentials[username] = password
    path.write_text(json.dumps(credentials, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return credentials


def demo(
    data_dir: Annotated[Path, typer.Option(help="Folder for the demo database and footage.")] = Path(
        "controlroom-demo"
    ),
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
) -> None:
    """Start a self-contained demo: SQLite in a local folder, sample users, built-in demo cameras."""
    sock = bind(host, port)  # a busy port is one line before anything is created
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = load(
        data_dir=data_dir,
        database={"url": f"sqlite:///{data_dir.resolve() / 'controlroom.db'}"},
        cameras=demo_cameras(),
        logging={"json": False},  # read by a person at a terminal, not by a log collector
    )
    database = open_database(settings, require_schema=False)
    upgrade(database.engine)
    credentials = _demo_users(database, data_dir)
    _import_cameras(settings, database)
    with database.session() as session:
        site = ensure_demo_shift(session, now=utcnow())

    def banner(url: str) -> None:
        typer.echo("")
        typer.echo(f"controlroom demo: data in {data_dir.resolve()}; {site}")
        typer.echo(f"open {url} and sign in as one of:")
        for username, _name, roles in DEMO_USERS:
            typer.echo(f"  {username:<12} {credentials[username]:<14} ({', '.join(roles)})")
        typer.echo(f"(these passwords are kept in {data_dir.resolve() / 'demo-credentials.json'})")

    _run(settings, database, host, port, banner=banner, sock=sock)


def register(app: typer.Typer) -> None:
    """Add serve and demo."""
    app.command("serve")(serve)
    app.command("demo")(demo)
