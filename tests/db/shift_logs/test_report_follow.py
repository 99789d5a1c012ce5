"""A report's follow-through on the database: every step timed, logged and conditional; overdue steps
raise alerts and compliance violations; reply links are single-use; one of two concurrent steps wins."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from access.roles import Role
from access.users.models import User, UserRole
from alerts.models import Alert
from api.console.i18n import render_message
from config.alerting import AlertSettings
from core.messages import message_of
from db.outbox import OutboxMessage
from db.session import make_session_factory, session_scope
from reports.service import build_report
from shift_logs.duty_log.models import DutyEntry
from shift_logs.incident import follow, supervise, transfer
from shift_logs.incident import service as incidents
from shift_logs.incident.errors import ReplyLinkInvalid, ReportInvalid, ReportStageError
from shift_logs.incident.models import Incident, IncidentStep, Transfer
from shift_logs.incident.workflow import DueKind, Finding, Stage
from shift_logs.rules.models import Violation
from shift_logs.unit import service as units
from tests.conftest import make_settings
from tests.factories.access import make_user
from tests.factories.shift_logs import T0, make_post, make_report, make_shift

SECRET = b"test-secret"
DAY = dt.timedelta(days=1)


def _unit(session: Session, name: str = "Street office", **over: object) -> int:
    args: dict[str, object] = {"contact": "", "external": True, "reply_days": None} | over
    return units.create(session, name=name, now=T0, **args).id  # type: ignore[arg-type]


def test_a_report_is_followed_from_phone_to_review_with_every_step_on_the_timeline(session: Session) -> None:
    post = make_post(session)
    op, lead = make_user(session), make_user(session, roles=(Role.SHIFT_LEADER,))
    report = make_report(session, opened_by=op, post_id=post.id)
    assert report.stage is Stage.RECEIVED and report.ref_code and report.ref_code.startswith("R")
    assert (report.due_kind, report.due_at) == (DueKind.ACCEPTANCE, T0 + 15 * DAY)
    rid = report.id
    follow.accept(session, incident_id=rid, user=lead, now=T0 + DAY, decision="accepted: theft at the gate")
    unit_id = _unit(session, reply_days=5)
    row, token = transfer.transfer(
        session,
        incident_id=rid,
        unit_id=unit_id,
        user=lead,
        now=T0 + 2 * DAY,
        note="",
        secret=SECRET,
        link_days=10,
    )
    assert row.due_at == T0 + 7 * DAY and token is not None
    transfer.remind(session, incident_id=rid, user=op, now=T0 + 8 * DAY)
    to_unit = session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic.like(f"controlroom/units/{unit_id}/%"))
    ).all()
    assert [m.topic.rsplit("/", 1)[1] for m in to_unit] == ["transfer", "reminder"]
    assert all("Wang" not in str(m.payload) and "138" not in str(m.payload) for m in to_unit)
    matter = transfer.open_link(session, token=token, secret=SECRET, now=T0 + 9 * DAY)
    assert "Wang Fang" not in repr(matter) and matter.content == "bicycle taken at the north gate"
    transfer.reply_by_link(
        session, token=token, secret=SECRET, now=T0 + 9 * DAY, text="no theft; the bike was moved"
    )
    with pytest.raises(ReportInvalid) as missing:
        follow.conclude(
            session,
            incident_id=rid,
            user=lead,
            now=T0 + 10 * DAY,
            finding=Finding.FALSE_ACCUSATION,
            summary="x",
        )
    assert missing.value.field == "clarification"
    follow.conclude(
        session,
        incident_id=rid,
        user=lead,
        now=T0 + 10 * DAY,
        finding=Finding.FALSE_ACCUSATION,
        summary="the accused guard did not take it",
        clarification="guard Li cleared in writing at the team meeting",
    )
    follow.answer(session, incident_id=rid, user=op, now=T0 + 11 * DAY, via="phone")
    follow.visit(session, incident_id=rid, user=op, now=T0 + 12 * DAY, satisfied=False, note="wants more")
    done = follow.review(session, incident_id=rid, user=lead, now=T0 + 13 * DAY, result="finding upheld")
    assert done.stage is Stage.CLOSED and done.due_at is None and str(done.state) == "closed"
    timeline = follow.steps(session, rid)
    assert [s.action for s in timeline] == [
        "receive",
        "accept",
        "transfer",
        "remind",
        "unit_reply",
        "conclude",
        "answer",
        "visit",
        "review",
    ]
    assert timeline[4].actor_label == "unit: Street office" and timeline[4].actor_id is None
    # each step that moved the report on is measured against the deadline of the stage it left: the unit
    # replied two days after its own deadline; the answer had none (a concluded report waits for no limit)
    assert [s.late for s in timeline] == [None, False, False, None, True, False, None, False, False]
    assert (timeline[4].due_kind, timeline[4].due_at) == ("unit_reply", T0 + 7 * DAY)
    assert (timeline[1].due_kind, timeline[1].due_at) == ("acceptance", T0 + 15 * DAY)
    log = session.scalars(select(DutyEntry.text).where(DutyEntry.ref == f"incident:{rid}")).all()
    assert len(log) == 9 and not any("Wang Fang" in t for t in log)
    with pytest.raises(ReplyLinkInvalid):
        transfer.open_link(session, token=token, secret=SECRET, now=T0 + 9 * DAY)


def test_steps_out_of_order_name_the_stage_and_change_nothing(session: Session) -> None:
    lead = make_user(session, roles=(Role.SHIFT_LEADER,))
    report = make_report(session, opened_by=lead)
    with pytest.raises(ReportStageError) as refused:
        follow.answer(session, incident_id=report.id, user=lead, now=T0, via="phone")
    assert refused.value.detail == {"stage": "received", "action": "answer"}
    assert session.get(Incident, report.id).stage is Stage.RECEIVED  # type: ignore[union-attr]
    assert len(follow.steps(session, report.id)) == 1


def test_forged_or_expired_reply_links_are_refused(session: Session) -> None:
    lead = make_user(session, roles=(Role.SHIFT_LEADER,))
    report = make_report(session, opened_by=lead)
    follow.accept(session, incident_id=report.id, user=lead, now=T0, decision="ok")
    _, token = transfer.transfer(
        session,
        incident_id=report.id,
        unit_id=_unit(session),
        user=lead,
        now=T0,
        note="",
        secret=SECRET,
        link_days=2,
    )
    assert token is not None
    with pytest.raises(ReplyLinkInvalid):
        transfer.open_link(session, token=token, secret=b"other", now=T0)
    with pytest.raises(ReplyLinkInvalid):
        transfer.open_link(session, token=token, secret=SECRET, now=T0 + 3 * DAY)
    tid, nonce, exp, sig = token.split(".")
    with pytest.raises(ReplyLinkInvalid):
        transfer.open_link(session, token=f"{int(tid) + 1}.{nonce}.{exp}.{sig}", secret=SECRET, now=T0)


def test_overdue_steps_raise_an_alert_to_the_leader_on_duty_and_a_compliance_violation_once_and_the_next_step_resolves_it(
    session: Session,
) -> None:
    lead = make_user(session, roles=(Role.SHIFT_LEADER,))
    on_duty = make_user(session, roles=(Role.SHIFT_LEADER,))
    report = make_report(session, opened_by=lead)
    follow.accept(session, incident_id=report.id, user=lead, now=T0, decision="ok")
    transfer.transfer(
        session, incident_id=report.id, unit_id=_unit(session), user=lead, now=T0, note="", secret=SECRET
    )
    late = T0 + 16 * DAY
    make_shift(session, starts_at=late - dt.timedelta(hours=2), leader=on_duty)
    assert incidents.is_overdue(report, late)
    settings = AlertSettings()
    assert [i.id for i in incidents.flag_overdue(session, now=late, alert_settings=settings)] == [report.id]
    assert incidents.flag_overdue(session, now=late + DAY, alert_settings=settings) == []
    key = f"report:{report.id}:unit_reply"
    violation = session.scalar(select(Violation).where(Violation.key == key))
    assert violation is not None and violation.rule_id == "report_deadlines" and violation.resolution is None
    alert = session.scalar(select(Alert).where(Alert.zone == f"report:{report.id}"))
    assert alert is not None and alert.kind == "report.overdue"
    # addressed to the leader of the shift running now at once, not only after the acknowledgement target
    assert (alert.escalated_at, alert.escalated_to) == (late, [on_duty.username])
    said = message_of(alert.message)
    assert said is not None
    assert render_message("zh", said).startswith(f"报告 {report.ref_code} 超期：承办单位回复期限")
    # counted in compliance: the periodic report's compliance section has it under its rule
    figures = build_report(
        session,
        period="day",
        at=late.date().isoformat(),
        scope="all",
        settings=make_settings("sqlite://"),
        now=late,
    ).section("compliance")
    assert {r.label: r.current for r in next(t for t in figures.tables if t.key == "by_rule").rows} == {
        "report_deadlines": 1
    }
    transfer.reply(session, incident_id=report.id, user=lead, now=late + DAY, text="done")
    session.refresh(violation)
    assert violation.resolution is not None


def test_repeated_false_accusations_from_one_source_are_flagged_without_naming_it(session: Session) -> None:
    lead = make_user(session, roles=(Role.SHIFT_LEADER,))
    reports = []
    for n in range(2):
        r = incidents.open_from_report(
            session,
            channel=incidents.Channel.PHONE,
            reporter_name="Zhao Lei",
            reporter_contact=" 139 1111 ",
            category="conduct",
            content=f"claim {n}",
            place="",
            opened_by=lead,
            now=T0,
            secret=SECRET,
        )
        follow.accept(session, incident_id=r.id, user=lead, now=T0, decision="ok")
        follow.conclude(
            session,
            incident_id=r.id,
            user=lead,
            now=T0 + DAY,
            finding=Finding.FALSE_ACCUSATION,
            summary="untrue",
            clarification="name restored",
        )
        reports.append(r)
    assert reports[0].source_key == reports[1].source_key and "Zhao" not in reports[0].source_key
    assert supervise.repeated_false_source(session, reports[1])
    other = make_report(session, opened_by=lead)
    assert not supervise.repeated_false_source(session, other)


def test_public_status_shows_only_the_stage_and_the_unit(session: Session) -> None:
    lead = make_user(session, roles=(Role.SHIFT_LEADER,))
    report = make_report(session, opened_by=lead)
    follow.accept(session, incident_id=report.id, user=lead, now=T0, decision="ok")
    transfer.transfer(
        session,
        incident_id=report.id,
        unit_id=_unit(session, "Parks dept"),
        user=lead,
        now=T0,
        note="",
        secret=SECRET,
    )
    code = report.ref_code or ""
    status = supervise.public_status(session, f" {code.lower()} ")
    assert (status.stage, status.unit) == ("transferred", "Parks dept")


def test_two_leaders_accepting_at_once_get_exactly_one_success(engine: Engine) -> None:
    """A's accept is not committed yet; B waits for it, then finds the report accepted (409 naming it)."""
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        a_user, b_user = make_user(s, roles=(Role.SHIFT_LEADER,)), make_user(s, roles=(Role.SHIFT_LEADER,))
        rid, ids = make_report(s, opened_by=a_user).id, (a_user.id, b_user.id)
    try:
        a = factory()
        follow.accept(a, incident_id=rid, user=a.get(User, ids[0]), now=T0, decision="A")  # type: ignore[arg-type]
        with ThreadPoolExecutor(1) as pool:
            b_try = pool.submit(_accept_in_new_session, factory, rid, ids[1])
            time.sleep(0.3)
            assert not b_try.done(), "B must wait for A's transaction"
            a.commit()
            a.close()
            assert b_try.result(timeout=30) == "accepted"
        with session_scope(factory) as s:
            assert [st.action for st in follow.steps(s, rid)] == ["receive", "accept"]
    finally:
        with session_scope(factory) as s:
            s.execute(delete(IncidentStep).where(IncidentStep.incident_id == rid))
            s.execute(delete(Transfer).where(Transfer.incident_id == rid))
            s.execute(delete(Incident).where(Incident.id == rid))
            s.execute(delete(OutboxMessage).where(OutboxMessage.topic.like(f"controlroom/incidents/{rid}/%")))
            s.execute(delete(UserRole).where(UserRole.user_id.in_(ids)))
            s.execute(delete(User).where(User.id.in_(ids)))


def _accept_in_new_session(factory: object, rid: int, user_id: int) -> str:
    with factory() as b:  # type: ignore[operator]
        try:
            follow.accept(b, incident_id=rid, user=b.get(User, user_id), now=T0, decision="B")
        except ReportStageError as exc:
            b.rollback()
            return str(exc.detail["stage"])
        b.commit()
        return "B won"
