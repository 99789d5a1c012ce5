"""Evidence holds (R8) and footage-access grants (R7) on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from access.roles import Role
from config.footage import FootageSettings
from core.clock import utcnow
from core.errors import Forbidden
from footage import grants, holds, segments
from footage.errors import (
    BadRange,
    GrantRefused,
    HoldAlreadyReleased,
    HoldOverlaps,
    RequestAlreadyDecided,
    SamePerson,
)
from footage.models import HoldCategory, RequestState
from tests.factories.access import make_user
from tests.factories.alerts import make_camera
from tests.factories.footage import T0, make_grant, make_hold, make_segment

MIN = dt.timedelta(minutes=1)
SETTINGS = FootageSettings(standing_access_roles=["supervisor"], grant_validity_hours=24)


def test_operator_places_a_hold_and_an_overlapping_one_is_refused_naming_the_first(session):
    camera = make_camera(session)
    first = make_hold(session, camera, start=T0, minutes=10, incident_ref="INC-7")
    with pytest.raises(HoldOverlaps, match=f"hold {first.id} \\(incident INC-7\\)"):
        make_hold(session, camera, start=T0 + 5 * MIN, minutes=10)


def test_holds_on_adjacent_ranges_or_other_cameras_do_not_overlap(session):
    camera, other = make_camera(session), make_camera(session)
    make_hold(session, camera, start=T0, minutes=10)
    make_hold(session, camera, start=T0 + 10 * MIN, minutes=10)
    make_hold(session, other, start=T0, minutes=10)
    assert len(holds.active_on(session, camera_id=camera.id)) == 2


def test_reversed_hold_range_is_a_clear_error(session):
    camera = make_camera(session)
    with pytest.raises(BadRange, match="reversed"):
        make_hold(session, camera, start=T0, minutes=-5)


def test_maintenance_cannot_place_a_hold(session):
    camera = make_camera(session)
    with pytest.raises(Forbidden, match="operator"):
        make_hold(session, camera, user=make_user(session, roles=(Role.MAINTENANCE,)))


def test_release_needs_a_supervisor_other_than_the_placer(session):
    camera = make_camera(session)
    boss = make_user(session, roles=(Role.SUPERVISOR,))
    hold = make_hold(session, camera, user=boss)
    leader = make_user(session, roles=(Role.SHIFT_LEADER,))
    with pytest.raises(Forbidden, match="supervisor"):
        holds.release_hold(session, hold_id=hold.id, user=leader, reason="done", now=utcnow())
    with pytest.raises(SamePerson):
        holds.release_hold(session, hold_id=hold.id, user=boss, reason="done", now=utcnow())
    other = make_user(session, roles=(Role.SUPERVISOR,))
    released = holds.release_hold(session, hold_id=hold.id, user=other, reason="case closed", now=T0)
    assert released.released_by == other.username and not released.active
    with pytest.raises(HoldAlreadyReleased):
        holds.release_hold(session, hold_id=hold.id, user=other, reason="again", now=utcnow())


def test_a_released_hold_no_longer_blocks_a_new_one(session):
    camera = make_camera(session)
    hold = make_hold(session, camera, minutes=10)
    holds.release_hold(
        session,
        hold_id=hold.id,
        user=make_user(session, roles=(Role.SUPERVISOR,)),
        reason="x",
        now=utcnow(),
    )
    assert make_hold(session, camera, minutes=10).active


def test_requester_cannot_approve_their_own_request_and_decisions_are_final(session):
    camera = make_camera(session)
    leader = make_user(session, roles=(Role.SHIFT_LEADER,))
    request = grants.file_request(
        session,
        user=leader,
        organisation="Police",
        reason="x",
        camera_ids=[camera.id],
        start=T0,
        end=T0 + MIN,
        settings=SETTINGS,
        now=utcnow(),
    )
    with pytest.raises(SamePerson):
        grants.decide(
            session, request_id=request.id, user=leader, approve=True, settings=SETTINGS, now=utcnow()
        )
    operator = make_user(session, roles=(Role.OPERATOR,))
    with pytest.raises(Forbidden, match="shift leader or supervisor"):
        grants.decide(
            session, request_id=request.id, user=operator, approve=True, settings=SETTINGS, now=utcnow()
        )
    boss = make_user(session, roles=(Role.SUPERVISOR,))
    refused = grants.decide(
        session, request_id=request.id, user=boss, approve=False, settings=SETTINGS, now=utcnow()
    )
    assert refused.state is RequestState.REFUSED and refused.expires_at is None
    with pytest.raises(RequestAlreadyDecided):
        grants.decide(
            session, request_id=request.id, user=boss, approve=True, settings=SETTINGS, now=utcnow()
        )


def test_grant_covers_exactly_its_cameras_and_range_until_it_expires(session):
    cam, other = make_camera(session), make_camera(session)
    outsider = make_user(session, roles=(Role.MAINTENANCE,))
    grant = make_grant(session, outsider, [cam], start=T0, minutes=10, now=T0, settings=SETTINGS)

    def check(camera_ids, start, end, now=T0 + MIN, grant_id=grant.id, user=outsider):
        return grants.authorize(
            session,
            user=user,
            camera_ids=camera_ids,
            start=start,
            end=end,
            grant_id=grant_id,
            settings=SETTINGS,
            now=now,
        )

    assert check([cam.id], T0, T0 + 10 * MIN).grant_id == grant.id
    with pytest.raises(GrantRefused, match="outside grant"):
        check([cam.id], T0 - MIN, T0 + MIN)
    with pytest.raises(GrantRefused, match="outside grant"):
        check([cam.id], T0 + 9 * MIN, T0 + 11 * MIN)
    with pytest.raises(GrantRefused, match="not in grant"):
        check([other.id], T0, T0 + MIN)
    with pytest.raises(GrantRefused, match="expired"):
        check([cam.id], T0, T0 + MIN, now=T0 + dt.timedelta(hours=25))
    with pytest.raises(GrantRefused, match="not to you"):
        check([cam.id], T0, T0 + MIN, user=make_user(session, roles=(Role.OPERATOR,)))
    with pytest.raises(GrantRefused, match="none was given"):
        check([cam.id], T0, T0 + MIN, grant_id=None)


def test_standing_access_role_needs_no_grant_but_others_do(session):
    cam = make_camera(session)
    boss = make_user(session, roles=(Role.SUPERVISOR,))
    basis = grants.authorize(
        session,
        user=boss,
        camera_ids=[cam.id],
        start=T0,
        end=T0 + MIN,
        grant_id=None,
        settings=SETTINGS,
        now=utcnow(),
    )
    assert basis.standing and basis.describe() == "standing access"


def test_pending_request_is_not_a_grant(session):
    cam = make_camera(session)
    user = make_user(session, roles=(Role.OPERATOR,))
    request = grants.file_request(
        session,
        user=user,
        organisation="x",
        reason="y",
        camera_ids=[cam.id],
        start=T0,
        end=T0 + MIN,
        settings=SETTINGS,
        now=utcnow(),
    )
    with pytest.raises(GrantRefused, match="pending"):
        grants.authorize(
            session,
            user=user,
            camera_ids=[cam.id],
            start=T0,
            end=T0 + MIN,
            grant_id=request.id,
            settings=SETTINGS,
            now=utcnow(),
        )


def test_request_longer_than_allowed_is_refused(session):
    cam = make_camera(session)
    user = make_user(session)
    with pytest.raises(BadRange, match="longer"):
        grants.file_request(
            session,
            user=user,
            organisation="x",
            reason="y",
            camera_ids=[cam.id],
            start=T0,
            end=T0 + dt.timedelta(days=30),
            settings=SETTINGS,
            now=utcnow(),
        )


def test_spans_join_adjacent_segments_and_split_at_gaps(session):
    cam = make_camera(session)
    for i in range(3):
        make_segment(session, cam, start=T0 + dt.timedelta(seconds=10 * i))
    make_segment(session, cam, start=T0 + dt.timedelta(seconds=60))
    found = segments.spans(session, camera_id=cam.id, start=T0, end=T0 + 2 * MIN)
    assert [(s.start, s.end, s.segments) for s in found] == [
        (T0, T0 + dt.timedelta(seconds=30), 3),
        (T0 + dt.timedelta(seconds=60), T0 + dt.timedelta(seconds=70), 1),
    ]


def test_hold_category_values_are_the_regulation_categories():
    assert {c.value for c in HoldCategory} == {"fight", "theft", "fire", "mass_incident", "other"}
