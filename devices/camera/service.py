"""The camera registry: create, change (with a reason), import from the config, health and worker leases."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from config.cameras import CameraConfig
from db import lookup
from devices.camera.errors import CameraNameTaken, CameraNotFound
from devices.camera.models import Camera
from devices.camera.schemas import CameraCreate, CameraUpdate
from devices.credentials import CredentialBox
from devices.urls import mask_url
from devices.worker import service as workers
from devices.worker.shares import Holding, fair_share, next_step

__all__ = [
    "ImportReport",
    "audit_view",
    "claim",
    "create",
    "get_by_name",
    "import_config",
    "list_",
    "registered_names",
    "release",
    "require",
    "require_by_name",
    "reseal",
    "set_health",
    "stream_url",
    "update",
    "versions",
]

_SECRET_FIELDS = {"url": "url_sealed", "sub_url": "sub_url_sealed", "onvif_password": "onvif_password_sealed"}
_JSON_FIELDS = ("detect", "recording")


def require(session: Session, camera_id: int) -> Camera:
    """The camera with `camera_id`, or CameraNotFound."""
    return lookup.require(session, Camera, camera_id, error=CameraNotFound, what="camera")


def get_by_name(session: Session, name: str) -> Camera | None:
    """The camera called `name`, or None."""
    return session.scalar(select(Camera).where(Camera.name == name))


def registered_names(session: Session, names: Sequence[str]) -> set[str]:
    """Which of `names` are registered cameras (one query)."""
    return set(session.scalars(select(Camera.name).where(Camera.name.in_(list(names)))))


def require_by_name(session: Session, name: str) -> Camera:
    """The camera called `name`, or CameraNotFound."""
    camera = get_by_name(session, name)
    if camera is None:
        raise CameraNotFound(f"no camera called {name!r}")
    return camera


def list_(
    session: Session, *, limit: int, offset: int, group: str | None = None, enabled: bool | None = None
) -> tuple[list[Camera], int]:
    """One page of cameras (key cameras first, then by name) and the total."""
    stmt = select(Camera)
    if group:
        stmt = stmt.where(Camera.group == group)
    if enabled is not None:
        stmt = stmt.where(Camera.enabled.is_(enabled))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Camera.key.desc(), Camera.name).limit(limit).offset(offset)).all()
    return list(rows), total


def _apply(camera: Camera, values: dict[str, Any], box: CredentialBox) -> list[str]:
    """Set the given fields (sealing secrets); return the names of the fields that changed."""
    changed = []
    for field, value in values.items():
        if field in _SECRET_FIELDS:
            plain = value.get_secret_value() if value is not None else ""
            column = _SECRET_FIELDS[field]
            if box.open(getattr(camera, column)) != plain:
                setattr(camera, column, box.seal(plain))
                changed.append(field)
            if field == "url":
                camera.url_masked = mask_url(plain)
            continue
        if field in _JSON_FIELDS and value is not None and not isinstance(value, dict):
            value = value.model_dump(mode="json")
        if getattr(camera, field) != value:
            setattr(camera, field, value)
            changed.append(field)
    return changed


def audit_view(camera: Camera) -> dict[str, Any]:
    """The camera's settings as the audit log records them before and after a change: the URL with its
    password masked, the sub-stream URL and ONVIF password only as whether one is set."""
    return {
        "title": camera.title,
        "location": camera.location,
        "group": camera.group,
        "url": camera.url_masked,
        "sub_url": "***" if camera.sub_url_sealed else "",
        "onvif_host": camera.onvif_host,
        "onvif_port": camera.onvif_port,
        "onvif_user": camera.onvif_user,
        "onvif_password": "***" if camera.onvif_password_sealed else "",
        "key": camera.key,
        "enabled": camera.enabled,
        "detect": camera.detect,
        "recording": camera.recording,
    }


def create(session: Session, *, data: CameraCreate, box: CredentialBox) -> Camera:
    """Register a camera."""
    if get_by_name(session, data.name) is not None:
        raise CameraNameTaken(f"camera name {data.name!r} is taken")
    camera = Camera(name=data.name, url_sealed="", url_masked="")
    _apply(camera, {k: getattr(data, k) for k in type(data).model_fields if k not in ("name", "reason")}, box)
    session.add(camera)
    session.flush()
    return camera


def update(
    session: Session,
    *,
    camera: Camera,
    data: CameraUpdate,
    box: CredentialBox,
    now: dt.datetime,
) -> list[str]:
    """Apply the given changes; return the names of the fields that changed (secrets by name only)."""
    values = {k: getattr(data, k) for k in data.model_fields_set if k != "reason"}
    changed = _apply(camera, values, box)
    if changed:
        camera.updated_at = now
    session.flush()
    return changed


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What importing the config file did: cameras created, and for cameras that already existed the fields
    where the file differs from the database (the database wins; nothing of an existing camera changes)."""

    created: list[str] = dataclasses.field(default_factory=list)
    differs: dict[str, list[str]] = dataclasses.field(default_factory=dict)


def _config_values(cfg: CameraConfig) -> dict[str, Any]:
    return {
        "title": cfg.title,
        "location": cfg.location,
        "group": cfg.group,
        "url": cfg.url,
        "sub_url": cfg.sub_url,
        "key": cfg.key,
        "enabled": cfg.enabled,
        "detect": cfg.detect.model_dump(mode="json"),
        "recording": cfg.recording.model_dump(mode="json"),
        "onvif_host": cfg.onvif.host if cfg.onvif else "",
        "onvif_port": cfg.onvif.port if cfg.onvif else 80,
        "onvif_user": cfg.onvif.user if cfg.onvif else "",
        "onvif_password": cfg.onvif.password if cfg.onvif else None,
    }


def _differences(camera: Camera, values: dict[str, Any], box: CredentialBox) -> list[str]:
    """The fields whose value in `values` differs from the camera's (secrets compared in clear)."""
    differ = []
    for name, value in values.items():
        if name in _SECRET_FIELDS:
            plain = value.get_secret_value() if value is not None else ""
            if box.open(getattr(camera, _SECRET_FIELDS[name])) != plain:
                differ.append(name)
        elif getattr(camera, name) != value:
            differ.append(name)
    return differ


def import_config(session: Session, *, cameras: Sequence[CameraConfig], box: CredentialBox) -> ImportReport:
    """Create the cameras of the config file that do not exist yet. Once a camera exists the database is
    authoritative: the file never overwrites it (a privacy mask set in the console must never be lost to a
    restart); where the file differs, the report names the fields."""
    report = ImportReport()
    for cfg in cameras:
        values = _config_values(cfg)
        camera = get_by_name(session, cfg.name)
        if camera is None:
            camera = Camera(name=cfg.name, url_sealed="", url_masked="")
            session.add(camera)
            _apply(camera, values, box)
            report.created.append(cfg.name)
        elif differ := _differences(camera, values, box):
            report.differs[cfg.name] = differ
    session.flush()
    return report


def reseal(session: Session, *, old: CredentialBox, new: CredentialBox) -> int:
    """Re-encrypt every stored camera and ONVIF credential from `old` to `new`; return the cameras changed.
    Fails (ConfigError) before changing anything if one of them does not open with `old`."""
    rows = list(session.scalars(select(Camera).order_by(Camera.id)))
    plain = [{column: old.open(getattr(cam, column)) for column in _SECRET_FIELDS.values()} for cam in rows]
    for camera, values in zip(rows, plain, strict=True):
        for column, value in values.items():
            setattr(camera, column, new.seal(value))
    session.flush()
    return len(rows)


def stream_url(camera: Camera, box: CredentialBox, *, sub: bool = False) -> str:
    """The clear stream URL (the sub stream when asked and configured), for the reader only."""
    if sub and camera.sub_url_sealed:
        return box.open(camera.sub_url_sealed)
    return box.open(camera.url_sealed)


def set_health(session: Session, *, name: str, status: str, reason: str, since: dt.datetime) -> Camera | None:
    """Record a camera's new health (shared with every process through the database)."""
    camera = get_by_name(session, name)
    if camera is None:
        return None
    camera.health, camera.health_reason, camera.health_since = status, mask_url(reason)[:500], since
    session.flush()
    return camera


def claim(
    session: Session,
    *,
    worker_id: str,
    lease: dt.timedelta,
    now: dt.datetime,
    weight: float = 1.0,
    address: str = "",
) -> list[Camera]:
    """Heartbeat, renew this worker's leases and take one step towards its fair share (claim free or
    expired cameras up to it, or give one back above it); return the cameras it now holds.

    Race-free on PostgreSQL: free cameras are picked `FOR UPDATE SKIP LOCKED` and taken by a conditional
    update, so two workers never take the same camera and none takes more than its own share."""
    workers.heartbeat(session, worker_id=worker_id, now=now, address=address, weight=weight)
    weights = workers.live_weights(session, since=now - lease)
    mine = Camera.worker_id == worker_id
    session.execute(
        sql_update(Camera)
        .where(mine)
        .values(
            worker_id=case((Camera.enabled.is_(True), worker_id), else_=None),
            lease_until=case((Camera.enabled.is_(True), now + lease), else_=None),
        )
        .execution_options(synchronize_session=False)
    )
    step = next_step(_holding(session, worker_id=worker_id, weights=weights, now=now))
    if step.release is not None:
        _give_back_one(session, worker_id=worker_id, key=step.release == "key")
    for key, count in ((True, step.keys), (False, step.others)):
        if count > 0:
            _take(session, worker_id=worker_id, key=key, limit=count, now=now, until=now + lease)
    session.expire_all()
    return list(session.scalars(select(Camera).where(mine, Camera.enabled.is_(True)).order_by(Camera.id)))


def _free(now: dt.datetime) -> ColumnElement[bool]:
    return or_(Camera.worker_id.is_(None), Camera.lease_until.is_(None), Camera.lease_until < now)


def _holding(session: Session, *, worker_id: str, weights: dict[str, float], now: dt.datetime) -> Holding:
    enabled = Camera.enabled.is_(True)
    total, keys, held, held_keys, free_keys = session.execute(
        select(
            func.count(),
            func.count().filter(Camera.key.is_(True)),
            func.count().filter(Camera.worker_id == worker_id),
            func.count().filter(Camera.worker_id == worker_id, Camera.key.is_(True)),
            func.count().filter(Camera.key.is_(True), _free(now)),
        ).where(enabled)
    ).one()
    return Holding(
        held=held,
        held_keys=held_keys,
        share=fair_share(total, weights, worker_id),
        key_share=min(fair_share(keys, weights, worker_id), fair_share(total, weights, worker_id)),
        free_keys=free_keys,
    )


def _take(
    session: Session, *, worker_id: str, key: bool, limit: int, now: dt.datetime, until: dt.datetime
) -> None:
    free = and_(Camera.enabled.is_(True), Camera.key.is_(key), _free(now))
    ids = list(
        session.scalars(
            select(Camera.id).where(free).order_by(Camera.id).limit(limit).with_for_update(skip_locked=True)
        )
    )
    if ids:
        session.execute(
            sql_update(Camera)
            .where(Camera.id.in_(ids), free)
            .values(worker_id=worker_id, lease_until=until)
            .execution_options(synchronize_session=False)
        )


def _give_back_one(session: Session, *, worker_id: str, key: bool) -> None:
    """Release one camera (the most recently registered of its kind) for a worker below its share."""
    camera_id = session.scalar(
        select(Camera.id)
        .where(Camera.worker_id == worker_id, Camera.key.is_(key))
        .order_by(Camera.id.desc())
        .limit(1)
    )
    if camera_id is not None:
        session.execute(
            sql_update(Camera)
            .where(Camera.id == camera_id, Camera.worker_id == worker_id)
            .values(worker_id=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )


def versions(session: Session, *, worker_id: str) -> dict[str, dt.datetime]:
    """The settings version (`updated_at`) of every camera leased to `worker_id`: a worker polls this to
    apply changes made by any process within a second."""
    rows = session.execute(select(Camera.name, Camera.updated_at).where(Camera.worker_id == worker_id))
    return {row.name: row.updated_at for row in rows}


def release(session: Session, *, worker_id: str) -> None:
    """Give up every lease of `worker_id` and unregister it (at shutdown), so the others take over at once."""
    workers.forget(session, worker_id=worker_id)
    session.execute(
        sql_update(Camera)
        .where(Camera.worker_id == worker_id)
        .values(worker_id=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
