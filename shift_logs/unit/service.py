"""The unit register: departments and outside units that reports are transferred to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import lookup
from shift_logs.unit.errors import UnitNameTaken, UnitNotFound
from shift_logs.unit.models import Unit

__all__ = ["create", "list_", "require", "update"]


def create(
    session: Session, *, name: str, contact: str, external: bool, reply_days: int | None, now: dt.datetime
) -> Unit:
    """Register a unit (names are unique)."""
    if session.scalar(select(Unit.id).where(Unit.name == name.strip())) is not None:
        raise UnitNameTaken(f"a unit named {name.strip()!r} exists already")
    unit = Unit(
        name=name.strip(), contact=contact.strip(), external=external, reply_days=reply_days, created_at=now
    )
    session.add(unit)
    session.flush()
    return unit


def require(session: Session, unit_id: int) -> Unit:
    """The unit, or UnitNotFound."""
    return lookup.require(session, Unit, unit_id, error=UnitNotFound, what="unit")


def list_(session: Session, *, active_only: bool = False) -> list[Unit]:
    """Every unit by name."""
    stmt = select(Unit).order_by(Unit.name)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    return list(session.scalars(stmt))


def update(session: Session, *, unit_id: int, active: bool | None = None, contact: str | None = None) -> Unit:
    """Deactivate/reactivate a unit or change its contact."""
    unit = require(session, unit_id)
    if active is not None:
        unit.active = active
    if contact is not None:
        unit.contact = contact.strip()
    session.flush()
    return unit
