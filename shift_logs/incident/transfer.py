"""Transfers of reports to units: the unit's own deadline, reminders, the reply (console or link).

A reply link is `<transfer id>.<nonce>.<expiry epoch>.<signature>`: HMAC-SHA256 over the first three
parts with the server secret. Only the nonce's hash is stored; a link is good once, until it expires,
and only for the transfer it was made for. It shows the matter without the reporter's identity.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access.users.models import User
from db.outbox import enqueue
from shift_logs.incident.errors import ReplyLinkInvalid, ReportInvalid
from shift_logs.incident.follow import advance, deadlines, require_report
from shift_logs.incident.models import Incident, Transfer
from shift_logs.incident.workflow import Action, Stage
from shift_logs.unit import service as units

__all__ = [
    "LinkedMatter",
    "current_transfer",
    "list_transfers",
    "make_link",
    "open_link",
    "remind",
    "reply",
    "reply_by_link",
    "transfer",
]

MAX_LINK_DAYS = 30


def _sign(secret: bytes, body: str) -> str:
    mac = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def _notify(session: Session, row: Transfer, incident: Incident, *, kind: str, now: dt.datetime) -> None:
    """Tell the unit (outbox): the matter and its deadline, never the reporter."""
    payload = {
        "transfer_id": row.id,
        "ref_code": incident.ref_code,
        "category": incident.category,
        "place": incident.place,
        "content": incident.content,
        "due_at": row.due_at.isoformat(),
        "reminders": row.reminders,
    }
    enqueue(
        session, topic=f"controlroom/units/{row.unit_id}/{kind}", payload=payload, targets=["mqtt"], now=now
    )


def make_link(transfer: Transfer, *, secret: bytes, now: dt.datetime, days: int) -> str:
    """A new single-use reply token for `transfer` (replaces any earlier one), valid for `days`."""
    if not 1 <= days <= MAX_LINK_DAYS:
        raise ReportInvalid(f"a reply link is valid for 1 to {MAX_LINK_DAYS} days", field="link_days")
    nonce = secrets.token_urlsafe(18)
    expires = now + dt.timedelta(days=days)
    body = f"{transfer.id}.{nonce}.{int(expires.timestamp())}"
    transfer.link_nonce, transfer.link_expires_at, transfer.link_used_at = _hash(nonce), expires, None
    return f"{body}.{_sign(secret, body)}"


def transfer(
    session: Session,
    *,
    incident_id: int,
    unit_id: int,
    user: User,
    now: dt.datetime,
    note: str,
    secret: bytes,
    link_days: int | None = None,
) -> tuple[Transfer, str | None]:
    """Hand the report to a unit with its deadline; with `link_days`, also a reply link (token returned)."""
    unit = units.require(session, unit_id)
    if not unit.active:
        raise ReportInvalid(f"unit {unit.name} is inactive", field="unit_id")
    days = unit.reply_days or deadlines(session, now).unit_reply_days
    incident = advance(
        session,
        incident_id=incident_id,
        action=Action.TRANSFER,
        user=user,
        now=now,
        note=f"to {unit.name}" + (f": {note.strip()}" if note.strip() else ""),
        values={"unit_id": unit.id},
        unit_days=days,
    )
    assert incident.due_at is not None
    row = Transfer(
        incident_id=incident.id,
        unit_id=unit.id,
        sent_at=now,
        sent_by_id=user.id,
        due_at=incident.due_at,
        note=note.strip(),
    )
    session.add(row)
    session.flush()
    token = make_link(row, secret=secret, now=now, days=link_days) if link_days else None
    session.flush()
    _notify(session, row, incident, kind="transfer", now=now)
    return row, token


def current_transfer(session: Session, incident_id: int) -> Transfer | None:
    """The latest transfer of the report."""
    stmt = select(Transfer).where(Transfer.incident_id == incident_id).order_by(Transfer.id.desc()).limit(1)
    return session.scalars(stmt).first()


def list_transfers(session: Session, incident_id: int) -> list[Transfer]:
    """Every transfer of the report, oldest first."""
    return list(
        session.scalars(select(Transfer).where(Transfer.incident_id == incident_id).order_by(Transfer.id))
    )


def remind(session: Session, *, incident_id: int, user: User, now: dt.datetime, note: str = "") -> Transfer:
    """Supervise a transferred report: a reminder to the unit (counted; the stage stays)."""
    row = current_transfer(session, incident_id)
    advance(
        session, incident_id=incident_id, action=Action.REMIND, user=user, now=now, note=note or "reminder"
    )
    assert row is not None
    row.reminders += 1
    row.reminded_at = now
    session.flush()
    _notify(session, row, require_report(session, incident_id), kind="reminder", now=now)
    return row


def _record_reply(
    session: Session, row: Transfer, *, text: str, via: str, user: User | None, label: str, now: dt.datetime
) -> Incident:
    if not text.strip():
        raise ReportInvalid("the unit's reply must not be empty", field="reply")
    incident = advance(
        session,
        incident_id=row.incident_id,
        action=Action.UNIT_REPLY,
        user=user,
        now=now,
        note=text.strip(),
        actor_label=label,
    )
    row.replied_at, row.reply_text, row.reply_via = now, text.strip(), via
    session.flush()
    return incident


def reply(session: Session, *, incident_id: int, user: User, now: dt.datetime, text: str) -> Incident:
    """Record the unit's report back, entered in the console."""
    row = current_transfer(session, incident_id)
    if row is None:
        raise ReportInvalid("the report was never transferred", field="reply")
    return _record_reply(session, row, text=text, via="console", user=user, label="", now=now)


@dataclass(frozen=True, slots=True)
class LinkedMatter:
    """What a reply link shows: the matter, never the reporter."""

    transfer: Transfer
    ref_code: str
    category: str
    content: str
    place: str
    unit_name: str
    due_at: dt.datetime


def _resolve(session: Session, token: str, *, secret: bytes, now: dt.datetime) -> Transfer:
    parts = token.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
        raise ReplyLinkInvalid("this reply link is not valid")
    body = ".".join(parts[:3])
    if not hmac.compare_digest(_sign(secret, body), parts[3]):
        raise ReplyLinkInvalid("this reply link is not valid")
    row = session.get(Transfer, int(parts[0]))
    if row is None or row.link_nonce is None or not hmac.compare_digest(row.link_nonce, _hash(parts[1])):
        raise ReplyLinkInvalid("this reply link is not valid")
    if row.link_used_at is not None or row.link_expires_at is None or row.link_expires_at <= now:
        raise ReplyLinkInvalid("this reply link was used already or has expired")
    return row


def open_link(session: Session, *, token: str, secret: bytes, now: dt.datetime) -> LinkedMatter:
    """The matter behind a valid, unused, unexpired link (ReplyLinkInvalid otherwise)."""
    row = _resolve(session, token, secret=secret, now=now)
    incident = require_report(session, row.incident_id)
    unit = units.require(session, row.unit_id)
    return LinkedMatter(
        transfer=row,
        ref_code=incident.ref_code or str(incident.id),
        category=incident.category,
        content=incident.content,
        place=incident.place,
        unit_name=unit.name,
        due_at=row.due_at,
    )


def reply_by_link(session: Session, *, token: str, secret: bytes, now: dt.datetime, text: str) -> Incident:
    """The unit's reply through its link; the link is spent in the same conditional update."""
    row = _resolve(session, token, secret=secret, now=now)
    spent = session.execute(
        update(Transfer)
        .where(Transfer.id == row.id, Transfer.link_used_at.is_(None))
        .values(link_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise ReplyLinkInvalid("this reply link was used already or has expired")
    session.refresh(row)
    unit = units.require(session, row.unit_id)
    incident = require_report(session, row.incident_id)
    if incident.stage is not Stage.TRANSFERRED:
        raise ReplyLinkInvalid("this matter is no longer waiting for a reply")
    return _record_reply(session, row, text=text, via="link", user=None, label=f"unit: {unit.name}", now=now)
