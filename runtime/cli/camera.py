"""`controlroom camera test URL` and `controlroom camera discover`; `add`/`list` join this group later."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

import typer

from devices.adapters import open_source
from devices.errors import DeviceError
from devices.onvif.discovery import discover
from devices.urls import mask_url

__all__ = ["camera_app", "register"]

camera_app = typer.Typer(
    name="camera", help="Cameras: test a stream, discover ONVIF devices.", no_args_is_help=True
)


@dataclass(frozen=True, slots=True)
class StreamReport:
    """What `camera test` measured."""

    codec: str
    width: int
    height: int
    declared_fps: float | None
    measured_fps: float | None
    connect_ms: float
    first_frame_ms: float
    frames: int


def measure_stream(
    url: str, *, user: str | None, password: str | None, frames: int, seconds: float, timeout: float
) -> StreamReport:
    """Connect, read at least `frames` frames and `seconds` of stream, and time it; `DeviceError` on failure.

    The measured rate counts only the second half of the reading time: the first half drains what the
    demuxer buffered while probing, which arrives in a burst.
    """
    source = open_source(
        url, camera_id="test", user=user, password=password, open_timeout=timeout, read_timeout=timeout
    )
    t0 = time.monotonic()
    with source:
        t_open = time.monotonic()
        first = source.read()
        t_first = time.monotonic()
        if first is None:
            raise DeviceError(f"the stream ended before its first frame: {mask_url(url)}", reason="no frames")
        arrivals = [t_first]
        while len(arrivals) < frames or arrivals[-1] - t_first < seconds:
            if source.read() is None:
                break
            arrivals.append(time.monotonic())
    count, t_end = len(arrivals), arrivals[-1]
    info = source.info
    t_mid = (t_first + t_end) / 2
    late = sum(1 for t in arrivals if t > t_mid)
    measured = late / (t_end - t_mid) if late > 1 and t_end > t_mid else None
    return StreamReport(
        codec=info.codec if info else "?",
        width=info.width if info else first.image.shape[1],
        height=info.height if info else first.image.shape[0],
        declared_fps=info.fps if info else None,
        measured_fps=measured,
        connect_ms=(t_open - t0) * 1000,
        first_frame_ms=(t_first - t0) * 1000,
        frames=count,
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
    try:
        r = measure_stream(url, user=user, password=password, frames=frames, seconds=seconds, timeout=timeout)
    except DeviceError as exc:
        text = exc.message if exc.message.startswith(exc.reason) else f"{exc.reason}: {exc.message}"
        typer.echo(f"FAIL {text}", err=True)
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


def register(app: typer.Typer) -> None:
    """Add the `camera` command group to the CLI."""
    app.add_typer(camera_app, name="camera")
