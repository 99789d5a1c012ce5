"""Roster, check-in/out, leave-post with a substitute (the live presence rules: tests/db/duty_rules)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.models import AlertChange
from core.clock import utcnow
from db.outbox import OutboxMessage
from shift_logs.roster import flags as presence_flags
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from shift_logs.roster.errors import (
    AlreadyCheckedIn,
    InvalidWindow,
    LeaveNotPending,
    NotCheckedIn,
    NotRostered,
    RosterOverlap,
    SelfApproval,
    SubstituteNotOnDuty,
)
from shift_logs.roster.models import FlagKind, LeaveState
from tests.factories.access import make_user
from tests.factories.alerts import make_alert, make_camera
from tests.factories.shift_logs import T0, make_crew, make_post, make_shift

MIN = dt.timedelta(minutes=1)


def test_overlapping_roster_entries_are_refused_for_a_person_and_for_a_post(session: Session) -> None:
    crew = make_crew(session)
    other_post = make_post(session)
    with pytest.raises(RosterOverlap):
        roster.roster(
            session, shift_id=crew.first.id, post_id=other_post.id, user=crew.outgoing, now=utcnow()
        )
    with pytest.raises(RosterOverlap):
        roster.roster(
            session, shift_id=crew.first.id, post_id=crew.post.id, user=make_user(session), now=utcnow()
        )
    with pytest.raises(InvalidWindow):
        roster.roster(
            session,
            shift_id=crew.first.id,
            post_id=other_post.id,
            user=make_user(session),
            starts_at=T0 + 5 * MIN,
            ends_at=T0,
            now=utcnow(),
        )
    with pytest.raises(InvalidWindow):
        make_shift(session, hours=0)


def test_check_in_needs_a_roster_entry_now_and_late_check_in_is_flagged(session: Session) -> None:
    crew = make_crew(session)
    with pytest.raises(NotRostered):
        presence.check_in(session, user=crew.incoming, post_id=crew.post.id, now=T0)
    stay = presence.check_in(session, user=crew.outgoing, post_id=crew.post.id, now=T0 + 25 * MIN)
    assert stay.late
    with pytest.raises(AlreadyCheckedIn):
        presence.check_in(session, user=crew.outgoing, post_id=crew.post.id, now=T0 + 26 * MIN)
    flags = presence_flags.list_flags(session, since=T0)
    assert [f.kind for f in flags] == [FlagKind.LATE_CHECKIN]
    topics = session.scalars(select(OutboxMessage.topic)).all()
    assert f"controlroom/posts/{crew.post.id}/late_checkin" in topics
    presence.check_out(session, user=crew.outgoing, now=T0 + 60 * MIN)
    with pytest.raises(NotCheckedIn):
        presence.check_out(session, user=crew.outgoing, now=T0 + 61 * MIN)


def test_leave_needs_a_substitute_on_duty_and_a_leader_and_routes_the_post(session: Session) -> None:
    crew = make_crew(session)
    helper_post = make_post(session)
    helper = make_user(session)
    roster.roster(session, shift_id=crew.first.id, post_id=helper_post.id, user=helper, now=utcnow())
    presence.check_in(session, user=crew.outgoing, post_id=crew.post.id, now=T0)
    with pytest.raises(SubstituteNotOnDuty):
        presence.request_leave(session, user=crew.outgoing, substitute=helper, reason="toilet", now=T0 + MIN)
    presence.check_in(session, user=helper, post_id=helper_post.id, now=T0)
    leave = presence.request_leave(
        session, user=crew.outgoing, substitute=helper, reason="toilet", now=T0 + MIN
    )
    assert presence.responsible_for(session, post_id=crew.post.id) == crew.outgoing
    with pytest.raises(SelfApproval):
        presence.approve_leave(session, leave_id=leave.id, leader=crew.outgoing, now=T0 + MIN)
    presence.approve_leave(session, leave_id=leave.id, leader=crew.leader, now=T0 + 2 * MIN)
    assert leave.state is LeaveState.APPROVED
    assert presence.responsible_for(session, post_id=crew.post.id) == helper
    with pytest.raises(LeaveNotPending):
        presence.approve_leave(session, leave_id=leave.id, leader=crew.leader, now=T0 + 3 * MIN)
    presence.return_from_leave(session, leave_id=leave.id, user=crew.outgoing, now=T0 + 9 * MIN)
    assert presence.responsible_for(session, post_id=crew.post.id) == crew.outgoing


def test_alerts_route_to_the_post_carrier_then_to_the_substitute_during_a_leave_and_back(
    session: Session,
) -> None:
    crew = make_crew(session)
    gate, lobby = make_camera(session, name="gate"), make_camera(session, name="lobby")
    crew.post.cameras = ["gate"]
    helper_post = make_post(session, cameras=("lobby",))
    helper = make_user(session)
    roster.roster(session, shift_id=crew.first.id, post_id=helper_post.id, user=helper, now=utcnow())
    early = make_alert(session, gate, now=T0)
    assert early.routed_to is None
    presence.check_in(session, user=crew.outgoing, post_id=crew.post.id, now=T0)
    presence.check_in(session, user=helper, post_id=helper_post.id, now=T0)
    assert early.routed_to == crew.outgoing.username
    later = make_alert(session, gate, kind="tamper.covered", now=T0 + MIN)
    assert presence.route_alert(session, alert=later, now=T0 + MIN) is True
    assert later.routed_to == crew.outgoing.username
    elsewhere = make_alert(session, lobby, now=T0 + MIN)
    presence.route_alert(session, alert=elsewhere, now=T0 + MIN)
    assert elsewhere.routed_to == helper.username

    leave = presence.request_leave(session, user=crew.outgoing, substitute=helper, reason="break", now=T0)
    assert later.routed_to == crew.outgoing.username
    presence.approve_leave(session, leave_id=leave.id, leader=crew.leader, now=T0 + 2 * MIN)
    assert early.routed_to == later.routed_to == helper.username
    changes = session.scalars(
        select(AlertChange).where(AlertChange.alert_id == later.id, AlertChange.action == "routed")
    ).all()
    assert [c.detail["to"] for c in changes] == [crew.outgoing.username, helper.username]
    presence.return_from_leave(session, leave_id=leave.id, user=crew.outgoing, now=T0 + 9 * MIN)
    assert early.routed_to == later.routed_to == crew.outgoing.username
    presence.check_out(session, user=crew.outgoing, now=T0 + 60 * MIN)
    assert later.routed_to is None and elsewhere.routed_to == helper.username
