"""`controlroom export verify FILE` and `controlroom footage retention|export`: sealed exports and retention.

Footage modules (PyAV, cryptography, SQLAlchemy models) are imported inside the commands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Annotated

import typer

from core.actor import Actor
from core.clock import utcnow
from runtime.cli.common import fail, load, open_database
from runtime.cli.progress import progress

__all__ = ["register"]

export_app = typer.Typer(name="export", help="Sealed footage exports.", no_args_is_help=True)
footage_app = typer.Typer(
    name="footage", help="Recorded footage: retention and exports.", no_args_is_help=True
)


@export_app.command("verify")
def export_verify(
    file: Annotated[Path, typer.Argument(help="The export ZIP.", exists=True, dir_okay=False)],
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", help="PEM key to check against (default: this site's key, if present)."),
    ] = None,
) -> None:
    """Check an export's signature and every file's SHA-256; exit 1 naming what is wrong."""
    from footage.export import verify_export
    from footage.signing import load_public_key

    key_path = public_key
    if key_path is None:
        settings = load()
        site_key = settings.footage.key_path(settings.data_dir)
        key_path = site_key if site_key.exists() else None
    key = load_public_key(key_path) if key_path is not None else None
    check = verify_export(file, key)
    manifest = check.manifest
    if check.ok:
        files = manifest.get("files", [])
        span = manifest.get("range", {})
        typer.echo(
            f"OK: {len(files)} file(s), {span.get('start')} .. {span.get('end')}, exported by "
            f"{manifest.get('exporter', {}).get('username')} at {manifest.get('exported_at')}; "
            f"signature checked with {check.key_source}"
        )
        return
    for problem in check.problems:
        typer.echo(f"FAIL: {problem}", err=True)
    raise typer.Exit(1)


JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object on stdout; no progress.")]


@footage_app.command("retention")
def footage_retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be removed.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Apply retention now (age, size, events-only, high-water mark); held footage is never removed.
    Shows progress on a terminal while segments are removed."""
    from footage.jobs import run_retention

    settings = load()
    database = open_database(settings)
    label = "retention (dry run)" if dry_run else "retention: removing old footage"
    with progress(label, 1.0, quiet=as_json) as advance:
        report = run_retention(database.factory, settings, utcnow(), dry_run=dry_run, progress=advance)
    if as_json:
        body = {
            **dataclasses.asdict(report),
            "removed_total": report.removed_total,
            "summary": report.summary(),
        }
        typer.echo(json.dumps(body))
    else:
        typer.echo(report.summary())
    if report.fault:
        raise typer.Exit(1)


def _parse_time(value: str, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        fail(f"--{name}: not an ISO time (e.g. 2026-11-25T08:00:00+00:00)")
    if parsed.tzinfo is None:
        fail(f"--{name}: give a time zone (e.g. +08:00 or Z)")
    return parsed


@footage_app.command("export")
def footage_export(
    cameras: Annotated[list[str], typer.Option("--camera", "-c", help="Camera name (repeat for several).")],
    start: Annotated[str, typer.Option(help="Start, ISO time with zone.")],
    end: Annotated[str, typer.Option(help="End, ISO time with zone.")],
    user: Annotated[str, typer.Option("--as", help="The user who exports (their grant or role applies).")],
    out: Annotated[Path, typer.Option(help="Where to write the ZIP.")],
    grant: Annotated[int | None, typer.Option(help="The approved request (grant) to use.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="mp4 (one per camera) or segments.")] = "mp4",
    as_json: JsonOption = False,
) -> None:
    """Write a sealed export with a progress bar (on a terminal); audited like the console's."""
    from access.audit import service as audit
    from access.users import service as users
    from devices.camera import service as camera_service
    from footage import export as exports
    from footage.storage import Storage

    settings = load()
    database = open_database(settings)
    begin, finish = _parse_time(start, "start"), _parse_time(end, "end")
    with database.session() as session:
        who = users.get_by_username(session, user)
        if who is None:
            fail(f"no user {user!r}")
        ids = [camera_service.require_by_name(session, name).id for name in cameras]
        created = exports.create_export(
            session,
            user=who,
            camera_ids=ids,
            start=begin,
            end=finish,
            grant_id=grant,
            fmt=fmt,
            settings=settings,
            now=utcnow(),
        )
        audit.record(
            session,
            actor=Actor.of(who, client="cli"),
            action="footage.export",
            target=f"cameras:{','.join(cameras)}",
            detail={"export": created.id, "grant": grant},
            now=utcnow(),
        )
        export_id = created.id
    with progress(f"export {', '.join(cameras)}", 1.0, quiet=as_json) as advance:
        result = exports.run_export(database.factory, export_id, settings, advance)
    if result.state.value != "done":
        fail(f"export failed: {result.error}", 1)
    shutil.copyfile(Storage.of(settings).absolute(result.path), out)
    if as_json:
        typer.echo(
            json.dumps({"export": export_id, "path": str(out), "size": result.size, "sha256": result.sha256})
        )
    else:
        typer.echo(f"wrote {out} ({result.size / 1e6:.1f} MB, sha256 {result.sha256})")


def register(app: typer.Typer) -> None:
    """Add the export and footage command groups."""
    app.add_typer(export_app, name="export")
    app.add_typer(footage_app, name="footage")
