"""A known data set for the report: November 2026 (current) and October 2026 (previous), Asia/Shanghai.

Every number the report must show for it is derived by hand in tests/db/reports/test_report_figures.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from access.users.models import User
from alerts.models import Alert, AlertState, Priority
from devices.camera.models import Camera
from footage.models import AccessRequest, EvidenceHold, Export, ExportState, HoldCategory, RequestState
from maintenance.lifecycle import FaultState
from maintenance.models import Equipment, EquipmentKind, Fault, FaultSource, Severity
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from shift_logs.handover.models import Handover, HandoverState, Verdict
from shift_logs.incident.models import Channel, Incident, IncidentSource, IncidentState
from shift_logs.roster.models import FlagKind, Post, Presence, PresenceFlag, RosterEntry, Shift

TZ = "Asia/Shanghai"
_ZONE = zoneinfo.ZoneInfo(TZ)
_n = itertools.count(1)
NOW = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)


def local(*parts: int) -> dt.datetime:
    """A Shanghai wall-clock time as aware UTC."""
    return dt.datetime(*parts, tzinfo=_ZONE).astimezone(dt.UTC)  # type: ignore[misc]


@dataclass
class Seeded:
    """What was created (the names the tests scope by)."""

    cam_a: Camera
    cam_b: Camera
    desk1: Post
    desk2: Post
    users: list[User]


def _add(session: Session, obj: Any) -> Any:
    session.add(obj)
    session.flush()
    return obj


def _alert(session: Session, cam: Camera, first: dt.datetime, **kw: Any) -> Alert:
    ack = kw.pop("ack", None)
    values: dict[str, Any] = {
        "camera_id": cam.id,
        "camera_name": cam.name,
        "kind": "motion",
        "priority": Priority.NORMAL,
        "state": AlertState.ACKNOWLEDGED if ack is not None else AlertState.NEW,
        "first_seen": first,
        "last_seen": first,
        "created_at": first,
    }
    if ack is not None:
        values |= {"acknowledged_at": first + dt.timedelta(seconds=ack), "ack_seconds": float(ack)}
    values.update(kw)
    return _add(session, Alert(**values))


def seed_alerts(session: Session, cam_a: Camera, cam_b: Camera) -> list[Alert]:
    """Six alerts in November (one exactly at its start), one at its end (December), two in October."""
    now = local(2026, 11, 10, 14, 5)
    return [
        _alert(session, cam_a, local(2026, 11, 2, 1, 0), priority=Priority.HIGH, ack=20),
        _alert(session, cam_a, local(2026, 11, 2, 1, 30), ack=50, state=AlertState.FALSE_ALARM),
        _alert(
            session,
            cam_a,
            local(2026, 11, 10, 14, 0),
            kind="tamper",
            priority=Priority.HIGH,
            ack=40,
            dispatched_at=now,
            state=AlertState.RESOLVED,
        ),
        _alert(
            session, cam_b, local(2026, 11, 20, 14, 10), ack=200, escalated_at=local(2026, 11, 20, 14, 11)
        ),
        _alert(session, cam_b, local(2026, 11, 30, 23, 59), escalated_at=local(2026, 11, 30, 23, 59, 59)),
        _alert(session, cam_b, local(2026, 11, 1, 0, 0), kind="person", ack=60, state=AlertState.RESOLVED),
        _alert(session, cam_b, local(2026, 12, 1, 0, 0), ack=5),
        _alert(session, cam_a, local(2026, 10, 5, 10, 0), ack=30),
        _alert(session, cam_a, local(2026, 10, 31, 23, 59, 59), ack=100, state=AlertState.RESOLVED),
    ]


def _incident(session: Session, opener: User, created: dt.datetime, **kw: Any) -> Incident:
    values: dict[str, Any] = {
        "source": IncidentSource.REPORT,
        "content": "c",
        "opened_by_id": opener.id,
        "created_at": created,
    }
    if kw.get("source", IncidentSource.REPORT) is IncidentSource.REPORT:
        values |= {
            "ack_due_at": created + dt.timedelta(days=15),
            "result_due_at": created + dt.timedelta(days=60),
        }
    values.update(kw)
    return _add(session, Incident(**values))


def seed_incidents(session: Session, opener: User, desk1: Post, desk2: Post, alert: Alert) -> None:
    """Four incidents in November (one from an alert), one overdue report from October."""
    i1 = local(2026, 11, 3, 10, 0)
    _incident(
        session,
        opener,
        i1,
        channel=Channel.PHONE,
        category="theft",
        post_id=desk1.id,
        acknowledged_at=i1 + dt.timedelta(days=2),
        closed_at=local(2026, 11, 10),
        state=IncidentState.CLOSED,
    )
    i2 = local(2026, 11, 5, 9, 0)
    _incident(
        session,
        opener,
        i2,
        channel=Channel.LETTER,
        category="noise",
        post_id=desk1.id,
        acknowledged_at=local(2026, 11, 25),
        state=IncidentState.ACKNOWLEDGED,
    )
    _incident(
        session, opener, local(2026, 11, 28), channel=Channel.ONLINE, category="theft", post_id=desk2.id
    )
    _incident(
        session,
        opener,
        local(2026, 11, 10, 14, 2),
        source=IncidentSource.ALERT,
        alert_id=alert.id,
        category="intrusion",
        post_id=desk2.id,
        acknowledged_at=local(2026, 11, 10, 14, 3),
        state=IncidentState.ACKNOWLEDGED,
    )
    _incident(
        session, opener, local(2026, 10, 10), channel=Channel.WALK_IN, category="noise", post_id=desk1.id
    )


def seed_handovers(session: Session, users: list[User], desk1: Post, desk2: Post) -> None:
    """Three handovers in November (late; with reservations; a draft), one late in October."""
    a, b = users[0].id, users[1].id
    t1, t2 = local(2026, 11, 10, 16, 20), local(2026, 11, 11, 8, 0)
    rows = [
        Handover(
            post_id=desk1.id,
            outgoing_id=a,
            incoming_id=b,
            state=HandoverState.COUNTERSIGNED,
            late=True,
            verdict=Verdict.ACCEPT,
            outgoing_signed_at=t1,
            incoming_signed_at=t1,
            countersigned_at=t1,
            created_at=t1,
        ),
        Handover(
            post_id=desk1.id,
            outgoing_id=b,
            incoming_id=a,
            state=HandoverState.ACCEPTED,
            verdict=Verdict.RESERVATIONS,
            reservations=["radio missing"],
            outgoing_signed_at=t2,
            incoming_signed_at=t2,
            created_at=t2,
        ),
        Handover(post_id=desk2.id, outgoing_id=a, incoming_id=b, created_at=local(2026, 11, 12)),
        Handover(
            post_id=desk1.id,
            outgoing_id=a,
            incoming_id=b,
            state=HandoverState.COUNTERSIGNED,
            late=True,
            verdict=Verdict.ACCEPT,
            outgoing_signed_at=local(2026, 10, 9),
            countersigned_at=local(2026, 10, 9),
            created_at=local(2026, 10, 9),
        ),
    ]
    session.add_all(rows)
    session.flush()


def _rostered(session: Session, post: Post, user: User, start: dt.datetime, end: dt.datetime) -> RosterEntry:
    shift = _add(session, Shift(name=f"shift {next(_n)}", starts_at=start, ends_at=end))
    return _add(
        session,
        RosterEntry(shift_id=shift.id, post_id=post.id, user_id=user.id, starts_at=start, ends_at=end),
    )


def _present(
    session: Session, entry: RosterEntry, start: dt.datetime, end: dt.datetime | None, late: bool = False
) -> None:
    _add(
        session,
        Presence(
            roster_id=entry.id,
            post_id=entry.post_id,
            user_id=entry.user_id,
            checked_in_at=start,
            checked_out_at=end,
            late=late,
            last_activity_at=start,
        ),
    )


def seed_presence(session: Session, users: list[User], desk1: Post, desk2: Post) -> None:
    """Two November roster entries with gaps, one across the month boundary; two presence flags."""
    r1 = _rostered(session, desk1, users[0], local(2026, 11, 10, 8), local(2026, 11, 10, 16))
    _present(session, r1, local(2026, 11, 10, 8, 30), local(2026, 11, 10, 16), late=True)
    r2 = _rostered(session, desk2, users[1], local(2026, 11, 10, 16), local(2026, 11, 11, 0))
    _present(session, r2, local(2026, 11, 10, 16), local(2026, 11, 10, 20))
    _present(session, r2, local(2026, 11, 10, 21), None)
    r3 = _rostered(session, desk1, users[0], local(2026, 10, 31, 20), local(2026, 11, 1, 4))
    _present(session, r3, local(2026, 10, 31, 20), local(2026, 11, 1, 2))
    session.add_all(
        [
            PresenceFlag(
                roster_id=r2.id,
                post_id=desk2.id,
                kind=FlagKind.UNSTAFFED,
                raised_at=local(2026, 11, 10, 20, 5),
            ),
            PresenceFlag(
                roster_id=r1.id,
                post_id=desk1.id,
                kind=FlagKind.LATE_CHECKIN,
                raised_at=local(2026, 11, 10, 8, 10),
            ),
        ]
    )
    session.flush()


def seed_duty_log(session: Session, user: User, desk1: Post, desk2: Post) -> None:
    """Three entries in November (one a correction), one in October."""
    first = duty_log.append(
        session,
        post_id=desk1.id,
        kind=EntryKind.OBSERVATION,
        text="gate open",
        author=user,
        now=local(2026, 11, 3),
    )
    duty_log.append(
        session, post_id=desk2.id, kind=EntryKind.CALL, text="call", author=user, now=local(2026, 11, 4)
    )
    duty_log.append(
        session,
        post_id=desk1.id,
        kind=EntryKind.CORRECTION,
        text="gate closed",
        author=user,
        now=local(2026, 11, 5),
        corrects_id=first.id,
    )
    duty_log.append(
        session, post_id=desk1.id, kind=EntryKind.PATROL, text="round", author=user, now=local(2026, 10, 4)
    )


def _fault(
    session: Session, equipment: Equipment, reported: dt.datetime, severity: Severity, **kw: Any
) -> Fault:
    fixed = kw.get("fixed_at")
    if fixed is not None:
        kw.setdefault("state", FaultState.FIXED)
        kw["repair_seconds"] = (fixed - reported).total_seconds()
    return _add(
        session, Fault(equipment_id=equipment.id, title="f", severity=severity, reported_at=reported, **kw)
    )


def seed_faults(session: Session, cam_a: Camera) -> None:
    """Three faults reported in November, two in October (one fixed in November, one rejected)."""
    e1 = _add(session, Equipment(name=f"E-cam-{next(_n)}", kind=EquipmentKind.CAMERA, camera_id=cam_a.id))
    e2 = _add(session, Equipment(name=f"E-rec-{next(_n)}", kind=EquipmentKind.RECORDER))
    _fault(session, e1, local(2026, 11, 5, 10), Severity.HIGH, fixed_at=local(2026, 11, 5, 12))
    _fault(session, e2, local(2026, 11, 20, 9), Severity.LOW, source=FaultSource.AUTO)
    _fault(session, e1, local(2026, 11, 29), Severity.MEDIUM, fixed_at=local(2026, 12, 1))
    _fault(session, e2, local(2026, 10, 20, 8), Severity.CRITICAL, fixed_at=local(2026, 11, 2, 8))
    _fault(
        session, e1, local(2026, 10, 1), Severity.LOW, state=FaultState.REJECTED, closed_at=local(2026, 10, 2)
    )


def seed_footage(session: Session, user: User, cam: Camera) -> None:
    """Three requests in November (approved, refused, pending), one from October decided in November."""
    span = {"camera_ids": [cam.id], "start": local(2026, 11, 1), "end": local(2026, 11, 1, 1)}

    def request(org: str, created: dt.datetime, state: RequestState, decided: dt.datetime | None) -> None:
        _add(
            session,
            AccessRequest(
                requester_id=user.id,
                requester=user.username,
                organisation=org,
                reason="r",
                state=state,
                decided_at=decided,
                created_at=created,
                **span,
            ),
        )

    request("police", local(2026, 11, 3), RequestState.APPROVED, local(2026, 11, 4))
    request("police", local(2026, 11, 20), RequestState.REFUSED, local(2026, 11, 21))
    request("insurer", local(2026, 11, 29), RequestState.PENDING, None)
    request("court", local(2026, 10, 28), RequestState.APPROVED, local(2026, 11, 1, 9))
    for created, state in ((local(2026, 11, 4), ExportState.DONE), (local(2026, 11, 5), ExportState.FAILED)):
        _add(
            session, Export(user_id=user.id, exporter=user.username, state=state, created_at=created, **span)
        )
    hold = {"camera_id": cam.id, "start": local(2026, 11, 1), "end": local(2026, 11, 1, 1), "placed_by": "x"}
    _add(
        session,
        EvidenceHold(
            incident_ref="i1",
            category=HoldCategory.THEFT,
            created_at=local(2026, 11, 6),
            released_at=local(2026, 11, 8),
            **hold,
        ),
    )
    _add(
        session,
        EvidenceHold(incident_ref="i2", category=HoldCategory.FIGHT, created_at=local(2026, 10, 15), **hold),
    )


def seed(session: Session) -> Seeded:
    """The whole data set."""
    tag = next(_n)
    users = [_add(session, User(username=f"rep{tag}-{i}", password_hash="x")) for i in range(2)]
    cam_a = _add(session, Camera(name=f"cam-a{tag}", group="north", url_sealed="", url_masked="demo://a"))
    cam_b = _add(session, Camera(name=f"cam-b{tag}", group="south", url_sealed="", url_masked="demo://b"))
    desk1 = _add(session, Post(name=f"desk1-{tag}"))
    desk2 = _add(session, Post(name=f"desk2-{tag}"))
    alerts = seed_alerts(session, cam_a, cam_b)
    seed_incidents(session, users[0], desk1, desk2, alerts[2])
    seed_handovers(session, users, desk1, desk2)
    seed_presence(session, users, desk1, desk2)
    seed_duty_log(session, users[0], desk1, desk2)
    seed_faults(session, cam_a)
    seed_footage(session, users[0], cam_a)
    return Seeded(cam_a, cam_b, desk1, desk2, users)
