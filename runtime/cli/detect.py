"""`controlroom detect VIDEO`: run the detection core on a video file and print its events as JSON lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from pydantic import ValidationError

from config.detection import DetectConfig
from monitor.events import MonitorEvent
from monitor.pipeline import Detector
from runtime.cli.progress import progress
from runtime.decode import NotAVideo, VideoFile

__all__ = ["parse_polygon", "register", "run_detect"]


class BadOption(Exception):
    """An option value that cannot be used; the message is the one-line reason."""


def parse_polygon(text: str) -> list[tuple[float, float]]:
    """Parse `x1,y1,x2,y2,...` into at least three (x, y) points in source pixels."""
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise BadOption(f"polygon {text!r}: coordinates must be numbers") from exc
    if len(values) % 2 or len(values) < 6:
        raise BadOption(f"polygon {text!r}: needs at least 3 x,y pairs")
    return list(zip(values[::2], values[1::2], strict=True))


def _parse_zone(text: str) -> dict[str, Any]:
    name, sep, points = text.partition("=")
    if not sep or not name.strip():
        raise BadOption(f"--zone {text!r}: expected NAME=x1,y1,x2,y2,x3,y3,...")
    return {"name": name.strip(), "polygon": parse_polygon(points)}


def _format_validation(error: ValidationError, prefix: str) -> str:
    first = error.errors()[0]
    path = ".".join(str(part) for part in (prefix, *first["loc"]))
    return f"{path}: {first['msg']}"


def build_config(
    config_file: Path | None, zones: list[str], masks: list[str], fps: str | None
) -> DetectConfig:
    """Merge the YAML `detect` section with the command-line zones, masks and fps; validate the result."""
    data: dict[str, Any] = {}
    if config_file is not None:
        try:
            loaded = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise BadOption(f"--config {config_file}: cannot read YAML ({exc.__class__.__name__})") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise BadOption(f"--config {config_file}: expected a mapping of detection settings")
        data = dict(loaded or {})
    data["zones"] = [*data.get("zones", []), *(_parse_zone(z) for z in zones)]
    data["exclusion_masks"] = [
        *data.get("exclusion_masks", []),
        *({"polygon": parse_polygon(m)} for m in masks),
    ]
    if fps is not None:
        try:
            data["fps"] = float(fps)
        except ValueError as exc:
            raise BadOption(f"--fps {fps!r}: must be a number") from exc
    try:
        return DetectConfig.model_validate(data)
    except ValidationError as exc:
        raise BadOption(_format_validation(exc, "detect")) from exc


def event_json(event: MonitorEvent) -> str:
    """The one-line JSON form of a closed event."""
    end = event.end_ts if event.end_ts is not None else event.start_ts
    record = {
        "kind": event.kind.value,
        "start_s": round(event.start_ts, 3),
        "end_s": round(end, 3),
        "zone": event.zone,
        "score": round(event.score, 4),
    }
    return json.dumps(record)


def run_detect(video: Path, config: DetectConfig, *, quiet: bool = True) -> list[MonitorEvent]:
    """Decode `video` at the configured rate, run the detector, and return the closed events in order."""
    source = VideoFile(video, fps=config.fps)
    try:
        detector = Detector(config, source.frame_shape, camera_id=video.stem)
        closed: list[MonitorEvent] = []
        count = 0
        with progress(f"detect {video.name}", source.duration_s, quiet=quiet) as advance:
            for frame in source.frames():
                count += 1
                closed.extend(e for e in detector.process(frame) if not e.is_open)
                advance(frame.ts)
        closed.extend(detector.flush())
    finally:
        source.close()
    if count == 0:
        raise NotAVideo(f"{video}: no video frames could be decoded", field="video")
    return sorted(closed, key=lambda e: (e.start_ts, e.kind.value, e.zone or ""))


def _text_line(event: MonitorEvent) -> str:
    end = event.end_ts if event.end_ts is not None else event.start_ts
    zone = event.zone or "-"
    return f"{event.kind.value:<9} {event.start_ts:8.2f}s - {end:8.2f}s  zone={zone}  score={event.score:.3f}"


def detect(
    video: Annotated[Path, typer.Argument(help="Video file to analyse.", show_default=False)],
    zone: Annotated[
        list[str] | None, typer.Option("--zone", help="Zone NAME=x1,y1,x2,y2,x3,y3,... in source pixels.")
    ] = None,
    mask: Annotated[
        list[str] | None, typer.Option("--mask", help="Exclusion mask x1,y1,x2,y2,x3,y3,... (repeatable).")
    ] = None,
    fps: Annotated[str | None, typer.Option("--fps", help="Analysis frame rate [default: 5].")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="YAML file with a camera's detect settings.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json/--text", help="JSON lines (default) or text.")] = True,
) -> None:
    """Detect motion and tampering in a video file; print one event per line."""
    try:
        settings = build_config(config, zone or [], mask or [], fps)
        events = run_detect(video, settings, quiet=as_json)
    except (BadOption, NotAVideo) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for event in events:
        typer.echo(event_json(event) if as_json else _text_line(event))


def register(app: typer.Typer) -> None:
    """Add the detect command to the CLI."""
    app.command("detect")(detect)
