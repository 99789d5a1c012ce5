"""A month of reports from the public (November 2026, Asia/Shanghai) taken through the real services, and
one October report to compare with. The expected disposal figures are worked out by hand in the test."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from access.roles import Role
from shift_logs.incident import follow, transfer
from shift_logs.incident import service as incidents
from shift_logs.incident.models import Channel, Incident
from shift_logs.incident.workflow import Finding, ReportType
from shift_logs.unit import service as units
from tests.factories.access import make_user
from tests.factories.reports import local

__all__ = ["seed_disposal"]

SECRET = b"seed"
_n = itertools.count(1)


def _report(
    session: Session, lead: object, at: dt.datetime, channel: Channel, kind: ReportType, **kw: object
) -> Incident:
    args: dict[str, object] = {"reporter_name": "Wang Fang", "reporter_contact": "138"} | kw
    return incidents.open_from_report(
        session,
        channel=channel,
        category=str(args.pop("category", "conduct")),
        content="c",
        place="",
        opened_by=lead,  # type: ignore[arg-type]
        now=at,
        report_type=kind,
        secret=SECRET,
        **args,  # type: ignore[arg-type]
    )


def _r1(session: Session, lead: object, unit_id: int) -> Incident:
    """Phone accusation: transferred, reminded, replied, false accusation clarified, dissatisfied, reviewed."""
    r = _report(session, lead, local(2026, 11, 2, 10), Channel.PHONE, ReportType.ACCUSATION)
    kw = {"incident_id": r.id, "user": lead}
    follow.accept(session, now=local(2026, 11, 3), decision="accepted", **kw)  # type: ignore[arg-type]
    transfer.transfer(session, unit_id=unit_id, now=local(2026, 11, 4), note="", secret=SECRET, **kw)  # type: ignore[arg-type]
    transfer.remind(session, now=local(2026, 11, 12), **kw)  # type: ignore[arg-type]
    transfer.reply(session, now=local(2026, 11, 14), text="nothing found", **kw)  # type: ignore[arg-type]
    follow.conclude(
        session,
        now=local(2026, 11, 16),
        finding=Finding.FALSE_ACCUSATION,
        summary="untrue",
        clarification="guard Li cleared",
        **kw,  # type: ignore[arg-type]
    )
    follow.answer(session, now=local(2026, 11, 17), via="phone", **kw)  # type: ignore[arg-type]
    follow.visit(session, now=local(2026, 11, 20), satisfied=False, **kw)  # type: ignore[arg-type]
    follow.review(session, now=local(2026, 11, 25), result="upheld", **kw)  # type: ignore[arg-type]
    return r


def seed_disposal(session: Session) -> None:
    """Six November reports, one October report (see the test for what each one is)."""
    lead = make_user(session, roles=(Role.SHIFT_LEADER,))
    unit_id = units.create(
        session,
        name=f"Street office {next(_n)}",
        contact="",
        external=True,
        reply_days=5,
        now=local(2026, 10, 1),
    ).id
    r1 = _r1(session, lead, unit_id)
    # r2: letter appeal, checked, case opened, substantiated, answered, satisfied
    r2 = _report(session, lead, local(2026, 11, 5), Channel.LETTER, ReportType.APPEAL)
    kw = {"incident_id": r2.id, "user": lead}
    follow.accept(session, now=local(2026, 11, 6), decision="accepted", **kw)  # type: ignore[arg-type]
    follow.check(session, now=local(2026, 11, 7), note="first look", **kw)  # type: ignore[arg-type]
    follow.open_case(session, now=local(2026, 11, 8), note="case", **kw)  # type: ignore[arg-type]
    follow.conclude(session, now=local(2026, 11, 20), finding=Finding.SUBSTANTIATED, summary="true", **kw)  # type: ignore[arg-type]
    follow.answer(session, now=local(2026, 11, 21), via="letter", **kw)  # type: ignore[arg-type]
    follow.visit(session, now=local(2026, 11, 24), satisfied=True, **kw)  # type: ignore[arg-type]
    # r3: collective visit of 12, owned by a leader, promised Nov 15, concluded late as partly substantiated
    r3 = _report(
        session,
        lead,
        local(2026, 11, 9),
        Channel.WALK_IN,
        ReportType.ACCUSATION,
        collective="visit",
        headcount=12,
    )
    kw = {"incident_id": r3.id, "user": lead}
    follow.accept(
        session, now=local(2026, 11, 10), decision="accepted", promised_result_at=local(2026, 11, 15), **kw
    )  # type: ignore[arg-type]
    follow.check(session, now=local(2026, 11, 11), note="leader owns it", owner_id=lead.id, **kw)  # type: ignore[arg-type]
    follow.conclude(session, now=local(2026, 11, 20), finding=Finding.PARTLY, summary="partly", **kw)  # type: ignore[arg-type]
    # r4: anonymous online suggestion, refused
    r4 = _report(
        session,
        lead,
        local(2026, 11, 11),
        Channel.ONLINE,
        ReportType.SUGGESTION,
        anonymous=True,
        category="service",
    )
    follow.refuse(session, incident_id=r4.id, user=lead, now=local(2026, 11, 12), decision="not ours")
    # r5: joint letter of 3 about r1's matter, received late in the month, not yet accepted (not due)
    _report(
        session,
        lead,
        local(2026, 11, 25),
        Channel.LETTER,
        ReportType.ACCUSATION,
        collective="letter",
        headcount=3,
        related_to_id=r1.id,
    )
    # r6: phone, other, accepted after 19 days (late)
    r6 = _report(session, lead, local(2026, 11, 1, 9), Channel.PHONE, ReportType.OTHER, category="noise")
    follow.accept(session, incident_id=r6.id, user=lead, now=local(2026, 11, 20), decision="accepted late")
    # October: one phone accusation, accepted and concluded unsubstantiated in time
    r0 = _report(session, lead, local(2026, 10, 10), Channel.PHONE, ReportType.ACCUSATION)
    follow.accept(session, incident_id=r0.id, user=lead, now=local(2026, 10, 12), decision="accepted")
    follow.conclude(
        session,
        incident_id=r0.id,
        user=lead,
        now=local(2026, 10, 20),
        finding=Finding.UNSUBSTANTIATED,
        summary="no",
    )
