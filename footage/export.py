"""Sealed exports (R10): a ZIP with one MP4 per camera (or the original segments) and a manifest listing
cameras, range, every file's and source segment's SHA-256, the exporter, the grant and the time, signed
with the site's Ed25519 key. `verify_export` checks the signature and every file."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from access.users.models import User
from config.settings import Settings
from core.clock import utcnow
from core.hashchain import canonical
from db.session import SessionFactory, session_scope
from devices.camera import service as cameras
from footage import grants, segments, signing
from footage.errors import BadRange, ExportNotFound, NoFootage
from footage.media import write_clip
from footage.models import AccessRequest, Export, ExportState
from footage.playback import masks_of, sources
from footage.ranges import check_range
from footage.storage import Storage

__all__ = [
    "FORMATS",
    "MANIFEST",
    "SIGNATURE",
    "ExportCheck",
    "create_export",
    "finished_file",
    "public_key_pem",
    "require_export",
    "run_export",
    "verify_export",
]

log = logging.getLogger(__name__)
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
FORMATS = ("mp4", "segments")
Progress = Callable[[float], None]


def create_export(
    session: Session,
    *,
    user: User,
    camera_ids: Sequence[int],
    start: dt.datetime,
    end: dt.datetime,
    grant_id: int | None,
    fmt: str,
    settings: Settings,
    now: dt.datetime,
) -> Export:
    """Authorize an export and record it as running (`run_export` then writes it)."""
    if fmt not in FORMATS:
        raise BadRange(f"format must be one of {', '.join(FORMATS)}", field="format")
    check_range(start, end, max_length=dt.timedelta(minutes=settings.footage.playback_max_minutes))
    ids = sorted({cameras.require(session, c).id for c in camera_ids})
    basis = grants.authorize(
        session,
        user=user,
        camera_ids=ids,
        start=start,
        end=end,
        grant_id=grant_id,
        settings=settings.footage,
        now=now,
    )
    if not any(segments.in_range(session, camera_id=c, start=start, end=end) for c in ids):
        raise NoFootage("nothing was recorded on those cameras in that range")
    export = Export(
        user_id=user.id,
        exporter=user.username,
        camera_ids=ids,
        start=start,
        end=end,
        grant_id=basis.grant_id,
        format=fmt,
        created_at=now,
    )
    session.add(export)
    session.flush()
    return export


def require_export(session: Session, *, export_id: int, user: User) -> Export:
    """The caller's own export, or ExportNotFound."""
    export = session.get(Export, export_id)
    if export is None or export.user_id != user.id:
        raise ExportNotFound(f"no export {export_id} of yours")
    return export


def finished_file(session: Session, *, export_id: int, user: User, settings: Settings) -> tuple[Export, Path]:
    """The caller's finished export and its file, or ExportNotFound."""
    export = require_export(session, export_id=export_id, user=user)
    if export.state is not ExportState.DONE:
        raise ExportNotFound(f"export {export_id} is {export.state.value}, not done")
    return export, Storage.of(settings).absolute(export.path)


def public_key_pem(settings: Settings) -> bytes:
    """The site's public key (PEM) that verifies exports off-site."""
    key = signing.load_or_create_key(settings.footage.key_path(settings.data_dir)).public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _grant_entry(session: Session, grant_id: int | None) -> dict[str, Any]:
    if grant_id is None:
        return {"basis": "standing access"}
    grant = session.get(AccessRequest, grant_id)
    assert grant is not None
    return {
        "basis": "grant",
        "id": grant.id,
        "requester": grant.requester,
        "organisation": grant.organisation,
        "reason": grant.reason,
        "approved_by": grant.decided_by,
        "approved_at": grant.decided_at.isoformat() if grant.decided_at else None,
        "range": [grant.start.isoformat(), grant.end.isoformat()],
    }


@dataclass
class _Plan:
    export_id: int
    fmt: str
    start: dt.datetime
    end: dt.datetime
    cameras: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def _plan(session: Session, export: Export, settings: Settings, storage: Storage) -> _Plan:
    plan = _Plan(export.id, export.format, export.start, export.end)
    for camera_id in export.camera_ids:
        camera = cameras.require(session, camera_id)
        rows = segments.in_range(session, camera_id=camera_id, start=export.start, end=export.end)
        plan.cameras.append(
            {
                "id": camera.id,
                "name": camera.name,
                "masks": masks_of(camera),
                "sources": sources(storage, rows),
            }
        )
    plan.manifest = {
        "format": "controlroom-export/1",
        "site": settings.site.name,
        "export_id": export.id,
        "exporter": {"id": export.user_id, "username": export.exporter},
        "grant": _grant_entry(session, export.grant_id),
        "range": {"start": export.start.isoformat(), "end": export.end.isoformat()},
        "media": export.format,
        "cameras": [{"id": c["id"], "name": c["name"], "masked": bool(c["masks"])} for c in plan.cameras],
    }
    return plan


def _write_media(plan: _Plan, work: Path, progress: Progress) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = []
    total = max(len(plan.cameras), 1)
    for index, camera in enumerate(plan.cameras):
        srcs = camera["sources"]
        if not srcs:
            continue

        def step(part: float, i: int = index) -> None:
            progress((i + part) / total)

        used = [{"file": s.path.name, "sha256": s.sha256, "start": s.start.isoformat()} for s in srcs]
        if plan.fmt == "segments" and not camera["masks"]:
            for n, src in enumerate(srcs):
                name = f"{camera['name']}/{src.path.name}"
                clip = write_clip([src], max(plan.start, src.start), plan.end, work / name)
                if clip.frames:
                    files.append(
                        {
                            "name": name,
                            "camera": camera["name"],
                            "sha256": clip.sha256,
                            "size": clip.size,
                            "frames": clip.frames,
                            "first_frame": clip.first.isoformat() if clip.first else None,
                            "source_segments": [used[n]],
                        }
                    )
                step((n + 1) / len(srcs))
            continue
        name = f"{camera['name']}.mp4"
        clip = write_clip(srcs, plan.start, plan.end, work / name, masks=camera["masks"], progress=step)
        files.append(
            {
                "name": name,
                "camera": camera["name"],
                "sha256": clip.sha256,
                "size": clip.size,
                "frames": clip.frames,
                "masked": clip.masked,
                "first_frame": clip.first.isoformat() if clip.first else None,
                "last_frame": clip.last.isoformat() if clip.last else None,
                "source_segments": used,
            }
        )
    return files


def _seal(
    plan: _Plan, work: Path, files: list[dict[str, Any]], settings: Settings, target: Path
) -> tuple[dict[str, Any], str]:
    key = signing.load_or_create_key(settings.footage.key_path(settings.data_dir))
    manifest = {
        **plan.manifest,
        "files": files,
        "exported_at": utcnow().isoformat(),
        "signing_key": {
            "id": signing.key_id(key.public_key()),
            "ed25519": signing.public_raw(key.public_key()),
        },
    }
    body = canonical(manifest)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(MANIFEST, body)
        archive.writestr(SIGNATURE, signing.sign(key, body))
        for entry in files:
            archive.write(work / entry["name"], entry["name"])
    return manifest, hashlib.sha256(target.read_bytes()).hexdigest()


def run_export(
    factory: SessionFactory, export_id: int, settings: Settings, progress: Progress | None = None
) -> Export:
    """Write the export's ZIP and manifest, keeping its progress in the database."""
    storage = Storage.of(settings)
    with session_scope(factory) as session:
        export = session.get(Export, export_id)
        if export is None:
            raise ExportNotFound(f"no export {export_id}")
        plan = _plan(session, export, settings, storage)
    last = [0.0]

    def report(fraction: float) -> None:
        if progress is not None:
            progress(fraction)
        if fraction - last[0] >= 0.1 or fraction >= 1.0:
            last[0] = fraction
            with session_scope(factory) as s:
                row = s.get(Export, export_id)
                if row is not None:
                    row.progress = round(min(fraction, 0.99), 3)

    work = storage.work_dir(f"export-{export_id}")
    target = storage.work_dir("exports") / f"export-{export_id}.zip"
    try:
        files = _write_media(plan, work, report)
        manifest, digest = _seal(plan, work, files, settings, target)
        outcome: dict[str, Any] = {
            "state": ExportState.DONE,
            "progress": 1.0,
            "manifest": manifest,
            "sha256": digest,
            "path": storage.relative(target),
            "size": target.stat().st_size,
        }
    except Exception as exc:
        log.exception("export %d failed", export_id)
        outcome = {"state": ExportState.FAILED, "error": str(exc)[:500]}
    finally:
        for leftover in sorted(work.rglob("*"), reverse=True):
            leftover.unlink() if leftover.is_file() else leftover.rmdir()
        work.rmdir()
    with session_scope(factory) as session:
        export = session.get(Export, export_id)
        assert export is not None
        for name, value in outcome.items():
            setattr(export, name, value)
        export.finished_at = utcnow()
    return export


@dataclass
class ExportCheck:
    """The outcome of verifying an export: problems (empty when sound) and what it claims."""

    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    key_source: str = ""

    @property
    def ok(self) -> bool:
        """True when the signature and every file check out."""
        return not self.problems


def _check_files(archive: zipfile.ZipFile, manifest: dict[str, Any], check: ExportCheck) -> None:
    listed = {entry["name"]: entry for entry in manifest.get("files", [])}
    present = set(archive.namelist()) - {MANIFEST, SIGNATURE}
    for extra in sorted(present - set(listed)):
        check.problems.append(f"{extra}: not listed in the manifest")
    for name, entry in sorted(listed.items()):
        if name not in present:
            check.problems.append(f"{name}: listed in the manifest but missing")
            continue
        digest, size = hashlib.sha256(), 0
        with archive.open(name) as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        if digest.hexdigest() != entry["sha256"] or size != entry["size"]:
            check.problems.append(f"{name}: SHA-256 or size differs from the manifest (changed)")


def verify_export(path: Path, public_key: Ed25519PublicKey | None = None) -> ExportCheck:
    """Check an export's signature (with `public_key`, else the key it names) and every file's hash."""
    check = ExportCheck()
    try:
        with zipfile.ZipFile(path) as archive:
            body = archive.read(MANIFEST)
            signature = archive.read(SIGNATURE).decode("ascii", "replace")
            check.manifest = json.loads(body)
            embedded = check.manifest.get("signing_key", {}).get("ed25519", "")
            if public_key is None:
                public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(embedded))
                check.key_source = "the key named in the manifest (not checked against the site's key)"
            else:
                check.key_source = f"the site's key {signing.key_id(public_key)}"
            if not signing.verify_signature(public_key, body, signature):
                check.problems.append("manifest signature does not verify (manifest changed or another key)")
            _check_files(archive, check.manifest, check)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, zipfile.LargeZipFile) as exc:
        check.problems.append(f"not a readable export: {exc}")
    return check
