"""Incident intake, tasks and the visitor register."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.audit.models import AuditEntry
from access.roles import Role
from core.actor import Actor
from db.outbox import OutboxMessage
from shift_logs.incident import service as incidents
from shift_logs.incident.errors import AlertAlreadyOpened, IncidentStateError, OutcomeRequired, UnknownAlert
from shift_logs.incident.models import Incident, IncidentState
from shift_logs.task import service as tasks
from shift_logs.task.errors import NoTaskTarget, TaskClosed, TaskNotYours
from shift_logs.visitor import service as visits
from shift_logs.visitor.errors import VisitStateError
from shift_logs.visitor.models import VisitState
from tests.factories.access import make_user
from tests.factories.alerts import make_alert, make_camera
from tests.factories.shift_logs import T0, make_post, make_report

ACTOR = Actor(id=None, name="tester")


def test_reporter_is_withheld_from_operators_and_every_view_by_a_leader_is_audited(session: Session) -> None:
    operator, leader = make_user(session), make_user(session, roles=(Role.SHIFT_LEADER,))
    incident = make_report(session, opened_by=operator)
    seen = incidents.view(session, incident_id=incident.id, viewer=operator, actor=ACTOR, now=T0)
    assert seen.reporter_name is None and seen.reporter_contact is None
    seen = incidents.view(session, incident_id=incident.id, viewer=leader, actor=ACTOR, now=T0)
    assert seen.reporter_name == "Wang Fang"
    views = session.scalars(select(AuditEntry).where(AuditEntry.action == "incident.reporter.view")).all()
    assert [v.target for v in views] == [f"incident:{incident.id}"]


def test_responders_are_notified_and_deadlines_flagged_once(session: Session) -> None:
    operator = make_user(session)
    incident = make_report(session, opened_by=operator, post_id=make_post(session).id)
    topics = session.scalars(select(OutboxMessage.topic)).all()
    assert f"controlroom/incidents/{incident.id}/created" in topics
    assert incident.ack_due_at == T0 + dt.timedelta(days=15)
    assert incidents.flag_overdue(session, now=T0 + dt.timedelta(days=14)) == []
    assert incidents.flag_overdue(session, now=T0 + dt.timedelta(days=16)) == [incident]
    assert incidents.flag_overdue(session, now=T0 + dt.timedelta(days=17)) == []
    incidents.acknowledge(session, incident_id=incident.id, user=operator, now=T0 + dt.timedelta(days=16))
    with pytest.raises(IncidentStateError):
        incidents.acknowledge(session, incident_id=incident.id, user=operator, now=T0)
    with pytest.raises(OutcomeRequired):
        incidents.close(session, incident_id=incident.id, user=operator, outcome="  ", now=T0)
    incidents.close(session, incident_id=incident.id, user=operator, outcome="bicycle found", now=T0)
    assert incident.state is IncidentState.CLOSED


def test_one_incident_per_alert(session: Session) -> None:
    operator = make_user(session)
    kw = {
        "category": "intrusion",
        "content": "person at fence",
        "place": "fence",
        "opened_by": operator,
        "now": T0,
    }
    alert = make_alert(session, make_camera(session))
    first = incidents.open_from_alert(session, alert_id=alert.id, **kw)  # type: ignore[arg-type]
    assert first.ack_due_at is None and first.alert_id == alert.id
    with pytest.raises(AlertAlreadyOpened):
        incidents.open_from_alert(session, alert_id=alert.id, **kw)  # type: ignore[arg-type]


def test_an_incident_cannot_name_an_alert_that_does_not_exist(session: Session) -> None:
    operator = make_user(session)
    with pytest.raises(UnknownAlert) as refused:
        incidents.open_from_alert(
            session, alert_id=999_999, category="x", content="y", place="z", opened_by=operator, now=T0
        )
    assert refused.value.field == "alert_id"
    assert session.scalars(select(Incident)).all() == []


def test_tasks_need_a_target_and_only_the_right_people_complete_them(session: Session) -> None:
    leader, alice, bob = (
        make_user(session, roles=(Role.SHIFT_LEADER,)),
        make_user(session),
        make_user(session),
    )
    post = make_post(session)
    with pytest.raises(NoTaskTarget):
        tasks.assign(session, title="x", assigned_by=leader, now=T0)
    mine = tasks.assign(session, title="call patrol", assigned_by=leader, now=T0, assignee_id=alice.id)
    postal = tasks.assign(session, title="check door", assigned_by=leader, now=T0, post_id=post.id)
    with pytest.raises(TaskNotYours):
        tasks.complete(session, task_id=mine.id, user=bob, outcome="done", now=T0, post_ids=set())
    with pytest.raises(TaskNotYours):
        tasks.complete(session, task_id=postal.id, user=bob, outcome="done", now=T0, post_ids={post.id + 1})
    tasks.complete(session, task_id=postal.id, user=bob, outcome="locked", now=T0, post_ids={post.id})
    with pytest.raises(TaskClosed):
        tasks.complete(session, task_id=postal.id, user=bob, outcome="again", now=T0, post_ids={post.id})
    rows, total = tasks.list_(session, limit=10, offset=0, assignee_id=alice.id)
    assert [t.id for t in rows] == [mine.id] and total == 1


def test_visit_is_approved_then_leaves_and_both_are_logged(session: Session) -> None:
    post, operator = make_post(session), make_user(session)
    leader = make_user(session, roles=(Role.SHIFT_LEADER,))
    visit = visits.register(
        session,
        post_id=post.id,
        name="Li Lei",
        organisation="City Power",
        reason="UPS service",
        registered_by=operator,
        now=T0,
    )
    with pytest.raises(VisitStateError):
        visits.leave(session, visit_id=visit.id, user=operator, now=T0)
    visits.approve(session, visit_id=visit.id, approver=leader, now=T0)
    visits.leave(session, visit_id=visit.id, user=operator, now=T0 + dt.timedelta(hours=1))
    assert visit.state is VisitState.LEFT and visit.approved_by_id == leader.id
    from shift_logs.duty_log import service as duty_log

    rows, _ = duty_log.list_(session, limit=10, offset=0, post_id=post.id)
    assert [r.ref for r in rows] == [f"visit:{visit.id}"] * 2
