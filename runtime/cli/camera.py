"""`controlroom camera add|list|test|discover`: the camera registry, probing a stream, finding ONVIF devices.

Stream, ONVIF and database modules are imported inside the commands, so that `controlroom --help` and the
other command groups start without loading av, zeep or SQLAlchemy models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from core.actor import Actor
from core.clock import utcnow
from devices.errors import DeviceError
from devices.urls import mask_url
from runtime.cli.common import fail, load, open_database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from devices.camera.models import Camera
    from devices.camera.schemas import CameraCreate, CameraOnvifCreate

__all__ = ["camera_app", "register"]

camera_app = typer.Typer(
    name="camera",
    help="Cameras: add and list them, test a stream, discover ONVIF devices.",
    no_args_is_help=True,
)


@camera_app.command("test")
def test_stream(
    url: Annotated[
        str, typer.Argument(help="rtsp://, rtsps://, http(s):// MJPEG, demo://name or a file path")
    ],
    user: Annotated[str | None, typer.Option(help="user name, if not in the URL")] = None,
    password: Annotated[
        str | None, typer.Option(envvar="CONTROLROOM_CAMERA_PASSWORD", help="password, if not in the URL")
    ] = None,
    frames: Annotated[int, typer.Option(min=1, max=1000, help="read at least this many frames")] = 10,
    seconds: Annotated[float, typer.Option(min=0, max=60, help="and at least this much stream time")] = 2.0,
    timeout: Annotated[float, typer.Option(min=0.5, max=120, help="open and read timeout, seconds")] = 10.0,
) -> None:
    """Connect to a stream, read a few frames and print codec, resolution, fps and timing (exit 2 on failure)."""
    from devices.stream_check import measure_stream

    try:
        r = measure_stream(url, user=user, password=password, frames=frames, seconds=seconds, timeout=timeout)
    except DeviceError as exc:
        text = exc.message if exc.message.startswith(exc.reason) else f"{exc.reason}: {exc.message}"
        typer.echo(f"FAIL {text}", err=True)
        raise typer.Exit(2) from None
    except ValueError as exc:  # an URL the adapters cannot open (scheme, shape)
        typer.echo(f"FAIL {exc}", err=True)
        raise typer.Exit(2) from None
    declared = f"{r.declared_fps:.2f}" if r.declared_fps else "?"
    measured = f"{r.measured_fps:.2f}" if r.measured_fps else "?"
    typer.echo(f"OK {mask_url(url)}")
    typer.echo(f"  codec        {r.codec}")
    typer.echo(f"  resolution   {r.width}x{r.height}")
    typer.echo(f"  fps          {declared} declared, {measured} measured over {r.frames} frames")
    typer.echo(
        f"  latency      connected in {r.connect_ms:.0f} ms, first frame after {r.first_frame_ms:.0f} ms"
    )


@camera_app.command("discover")
def discover_cmd(
    host: Annotated[
        list[str] | None, typer.Option("--host", help="probe this host by unicast (repeatable)")
    ] = None,
    subnet: Annotated[
        str | None, typer.Option(help="probe every host of this subnet, e.g. 192.168.1.0/24")
    ] = None,
    multicast: Annotated[bool, typer.Option(help="send the LAN multicast probe")] = True,
    timeout: Annotated[float, typer.Option(min=0.2, max=60, help="seconds to wait for answers")] = 3.0,
) -> None:
    """Find ONVIF cameras by WS-Discovery (multicast on the LAN, plus unicast to --host/--subnet)."""
    from devices.onvif.discovery import discover

    try:
        found = discover(hosts=host or [], subnet=subnet, multicast=multicast, timeout=timeout)
    except ValueError as exc:
        typer.echo(f"FAIL {exc}", err=True)
        raise typer.Exit(2) from None
    if not found:
        typer.echo("no ONVIF device answered")
        return
    for d in found:
        typer.echo(f"{d.source:15}  {d.name or '?':20}  {' '.join(d.xaddrs)}  {d.hardware or ''}".rstrip())
    typer.echo(f"{len(found)} device(s) found")


# ---- the registry: add and list ----------------------------------------------------------------------

_OPTION_OF = {"name": "NAME", "url": "URL", "host": "--onvif", "port": "--onvif"}


def _onvif_address(value: str) -> tuple[str, int]:
    """Split HOST[:PORT] (port 80 when absent); exit 2 when it is not an address."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(f"//{value}")
        host, port = parts.hostname, parts.port or 80
    except ValueError:
        host = None
    if not host:
        fail(f"--onvif {value!r}: give HOST or HOST:PORT")
    return host, port


def _build(fields: dict[str, object], *, onvif: bool) -> CameraCreate | CameraOnvifCreate:
    """The validated request (CameraOnvifCreate or CameraCreate); exit 2 naming the option that is wrong."""
    from pydantic import ValidationError

    from devices.camera.schemas import CameraCreate, CameraOnvifCreate

    schema: type[CameraCreate | CameraOnvifCreate] = CameraOnvifCreate if onvif else CameraCreate
    try:
        return schema.model_validate({k: v for k, v in fields.items() if k in schema.model_fields})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else ""
        fail(f"{_OPTION_OF.get(field, '--' + field.replace('_', '-'))}: {err['msg']}")


@camera_app.command("add")
def add_camera(
    name: Annotated[str, typer.Argument(help="Unique camera name: letters, digits, '.', '_' or '-'.")],
    url: Annotated[
        str | None, typer.Argument(help="Main stream URL; omit it with --onvif to ask the device for it.")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why the camera is added (required; audited).")] = "",
    onvif: Annotated[
        str | None, typer.Option(metavar="HOST[:PORT]", help="ONVIF address (PTZ, and the stream URLs).")
    ] = None,
    user: Annotated[str, typer.Option(help="ONVIF user (also used for the device's stream URLs).")] = "",
    password: Annotated[
        str | None,
        typer.Option(envvar="CONTROLROOM_CAMERA_PASSWORD", help="ONVIF password (stored encrypted)."),
    ] = None,
    sub_url: Annotated[str | None, typer.Option(help="Sub stream URL (tiles and detection).")] = None,
    title: Annotated[str, typer.Option(help="Shown on the wall (default: the device's name).")] = "",
    location: Annotated[str, typer.Option(help="Where the camera looks.")] = "",
    group: Annotated[str, typer.Option(help="Group on the wall.")] = "",
    key: Annotated[bool, typer.Option("--key", help="A key camera: always on the wall (D2).")] = False,
) -> None:
    """Register a camera by its stream URL, or from its ONVIF address (credentials stored encrypted)."""
    if not reason.strip():
        fail("--reason is required: say why the camera is added (it goes into the audit log)")
    if url is None and onvif is None:
        fail("give the stream URL, or --onvif HOST[:PORT] to ask the device for it")
    host, port = _onvif_address(onvif) if onvif else ("", 80)
    fields: dict[str, object] = {
        "name": name, "url": url, "sub_url": sub_url, "title": title, "location": location, "group": group,
        "key": key, "reason": reason, "host": host, "port": port, "user": user, "password": password,
        "onvif_host": host, "onvif_port": port, "onvif_user": user, "onvif_password": password,
    }  # fmt: skip
    data = _build(fields, onvif=url is None)
    settings = load()
    database = open_database(settings)
    with database.session() as session:
        camera, detail = _create(session, data, settings.auth.secret_key.get_secret_value())
        typer.echo(f"added camera {camera.name} (id {camera.id}): {camera.url_masked}")
        if detail.get("device"):
            typer.echo(f"  device       {detail['device']}, title {camera.title!r}")


def _create(
    session: Session, data: CameraCreate | CameraOnvifCreate, secret: str
) -> tuple[Camera, dict[str, str]]:
    """Create the camera and its audit row in one transaction; exit 2 with the device's reason."""
    from access.audit import service as audit
    from devices.camera import service as cameras
    from devices.camera.onvif_add import create_from_onvif
    from devices.camera.schemas import CameraOnvifCreate
    from devices.credentials import CredentialBox

    box = CredentialBox(secret)
    detail = {"source": "cli"}
    try:
        if isinstance(data, CameraOnvifCreate):
            added = create_from_onvif(session, data=data, box=box)
            camera, detail["device"] = added.camera, added.device
            detail["onvif"] = f"{data.host}:{data.port}"
        else:
            camera = cameras.create(session, data=data, box=box)
    except DeviceError as exc:
        fail(exc.message if exc.message.startswith(exc.reason) else f"{exc.reason}: {exc.message}")
    audit.record(
        session,
        actor=Actor.system("cli"),
        action="camera.create",
        target=f"camera:{camera.name}",
        detail={"reason": data.reason, **detail},
        now=utcnow(),
    )
    return camera, detail


@camera_app.command("list")
def list_cameras(
    group: Annotated[str | None, typer.Option(help="Only this group.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Rows per page.")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Rows to skip.")] = 0,
) -> None:
    """List the registered cameras (key cameras first) with health, ONVIF address and masked URL."""
    from devices.camera import service as cameras

    database = open_database(load())
    with database.session() as session:
        rows, total = cameras.list_(session, limit=limit, offset=offset, group=group)
        typer.echo(f"{'ID':>4}  {'NAME':<20} {'STATE':<8} {'HEALTH':<9} {'ONVIF':<22} URL")
        for c in rows:
            state = ("key " if c.key else "") + ("on" if c.enabled else "off")
            onvif = f"{c.onvif_host}:{c.onvif_port}" if c.onvif_host else "-"
            typer.echo(f"{c.id:>4}  {c.name:<20} {state:<8} {c.health:<9} {onvif:<22} {c.url_masked}")
        typer.echo(f"({len(rows)} of {total})")


def register(app: typer.Typer) -> None:
    """Add the `camera` command group to the CLI."""
    app.add_typer(camera_app, name="camera")
