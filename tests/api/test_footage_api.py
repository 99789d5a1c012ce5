"""Footage over HTTP: holds (R8), requests and grants (R7), audited search, playback and export (R10)."""

from __future__ import annotations

import datetime as dt
import io

import av
import pytest

from access.roles import Role
from footage.models import AccessRequest
from tests.api.footage_support import MIN, audit_rows, grant_for, iso
from tests.factories.alerts import make_camera
from tests.factories.footage import T0


# ---- holds -------------------------------------------------------------------------------------------
def test_hold_is_placed_by_an_operator_overlap_is_409_and_release_needs_another_supervisor(fenv):
    with fenv.session() as s:
        make_camera(s, name="gate")
    operator, boss, other_boss = (
        fenv.user(Role.OPERATOR),
        fenv.user(Role.SUPERVISOR),
        fenv.user(Role.SUPERVISOR),
    )
    body = {
        "camera": "gate",
        "start": iso(T0),
        "end": iso(T0 + 5 * MIN),
        "incident_ref": "42",
        "category": "fight",
    }
    placed = fenv.client.post("/api/v1/footage/holds", json=body, headers=fenv.token(boss))
    assert placed.status_code == 201, placed.text
    hold_id = placed.json()["id"]
    again = fenv.client.post(
        "/api/v1/footage/holds", json={**body, "start": iso(T0 + MIN)}, headers=fenv.token(operator)
    )
    assert again.status_code == 409 and again.json()["code"] == "hold_overlaps"
    assert f"hold {hold_id}" in again.json()["detail"]
    release = {"reason": "case closed"}
    url = f"/api/v1/footage/holds/{hold_id}/release"
    assert fenv.client.post(url, json=release, headers=fenv.token(operator)).status_code == 403
    same = fenv.client.post(url, json=release, headers=fenv.token(boss))
    assert same.status_code == 403 and same.json()["code"] == "same_person"
    done = fenv.client.post(url, json=release, headers=fenv.token(other_boss))
    assert done.status_code == 200 and done.json()["released_by"] == other_boss.username
    assert [r.outcome for r in audit_rows(fenv, "footage.hold.place")] == ["ok", "refused"]
    assert [r.outcome for r in audit_rows(fenv, "footage.hold.release")] == ["refused", "ok"]
    assert [r.outcome for r in audit_rows(fenv, "release_hold")] == ["refused"]  # stopped by the role guard


def test_reversed_time_range_is_a_clear_422_naming_the_field(fenv):
    with fenv.session() as s:
        make_camera(s, name="gate")
    body = {
        "camera": "gate",
        "start": iso(T0),
        "end": iso(T0 - MIN),
        "incident_ref": "1",
        "category": "theft",
    }
    answer = fenv.client.post(
        "/api/v1/footage/holds", json=body, headers=fenv.token(fenv.user(Role.OPERATOR))
    )
    assert answer.status_code == 422
    assert "reversed" in answer.json()["detail"]
    assert answer.json()["errors"][0]["field"].endswith("end")


def test_unknown_hold_category_is_refused(fenv):
    with fenv.session() as s:
        make_camera(s, name="gate")
    body = {
        "camera": "gate",
        "start": iso(T0),
        "end": iso(T0 + MIN),
        "incident_ref": "1",
        "category": "graffiti",
    }
    answer = fenv.client.post(
        "/api/v1/footage/holds", json=body, headers=fenv.token(fenv.user(Role.OPERATOR))
    )
    assert answer.status_code == 422


# ---- requests and grants -----------------------------------------------------------------------------
def test_requester_cannot_decide_their_own_request_and_operators_cannot_decide_at_all(fenv):
    with fenv.session() as s:
        make_camera(s, name="gate")
    leader = fenv.user(Role.SHIFT_LEADER)
    asked = fenv.client.post(
        "/api/v1/footage/requests",
        json={
            "organisation": "Insurance",
            "reason": "claim 77 review",
            "cameras": ["gate"],
            "start": iso(T0),
            "end": iso(T0 + MIN),
        },
        headers=fenv.token(leader),
    ).json()
    url = f"/api/v1/footage/requests/{asked['id']}/approve"
    own = fenv.client.post(url, json={}, headers=fenv.token(leader))
    assert own.status_code == 403 and own.json()["code"] == "same_person"
    assert fenv.client.post(url, json={}, headers=fenv.token(fenv.user(Role.OPERATOR))).status_code == 403
    boss = fenv.user(Role.SUPERVISOR)
    refused = fenv.client.post(
        f"/api/v1/footage/requests/{asked['id']}/refuse", json={"note": "no"}, headers=fenv.token(boss)
    )
    assert refused.json()["state"] == "refused"
    assert fenv.client.post(url, json={}, headers=fenv.token(boss)).status_code == 409


def test_outsider_sees_only_their_own_requests_and_their_valid_grants(recorded):
    outsider = recorded.user(Role.MAINTENANCE)
    grant_id = grant_for(recorded, outsider)
    grant_for(recorded, recorded.user(Role.OPERATOR))
    mine = recorded.client.get("/api/v1/footage/requests", headers=recorded.token(outsider)).json()
    assert [r["id"] for r in mine["items"]] == [grant_id]
    grants = recorded.client.get("/api/v1/footage/grants", headers=recorded.token(outsider)).json()
    assert [g["id"] for g in grants["items"]] == [grant_id]
    assert grants["items"][0]["expires_at"] is not None


# ---- access under a grant ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("camera", "start", "end", "reason"),
    [
        ("gate", T0 - MIN, T0 + MIN, "outside grant"),
        ("gate", T0 + 30 * dt.timedelta(seconds=1), T0 + 2 * MIN, "outside grant"),
        ("yard", T0, T0 + MIN, "not in grant"),
    ],
)
def test_playback_outside_the_grant_is_403_with_the_reason_and_audited(recorded, camera, start, end, reason):
    outsider = recorded.user(Role.OPERATOR)
    grant_id = grant_for(recorded, outsider)
    answer = recorded.client.post(
        "/api/v1/footage/playbacks",
        json={"camera": camera, "start": iso(start), "end": iso(end), "grant": grant_id},
        headers=recorded.token(outsider),
    )
    assert answer.status_code == 403 and answer.json()["code"] == "grant_refused"
    assert reason in answer.json()["detail"]
    row = audit_rows(recorded, "footage.playback")[-1]
    assert row.outcome == "refused" and reason in row.detail["reason"] and row.actor == outsider.username


def test_expired_grant_is_403_and_audited(recorded):
    outsider = recorded.user(Role.OPERATOR)
    grant_id = grant_for(recorded, outsider)
    with recorded.session() as s:
        s.get(AccessRequest, grant_id).expires_at = dt.datetime.now(dt.UTC) - MIN
    answer = recorded.client.get(
        "/api/v1/footage/cameras/gate/spans",
        params={"start": iso(T0), "end": iso(T0 + MIN), "grant": grant_id},
        headers=recorded.token(outsider),
    )
    assert answer.status_code == 403 and "expired" in answer.json()["detail"]
    row = audit_rows(recorded, "footage.search")[-1]
    assert row.outcome == "refused" and "expired" in row.detail["reason"]


def test_search_without_a_grant_is_refused_but_a_standing_role_may_search(recorded):
    operator, boss = recorded.user(Role.OPERATOR), recorded.user(Role.SUPERVISOR)
    params = {"start": iso(T0), "end": iso(T0 + MIN)}
    refused = recorded.client.get(
        "/api/v1/footage/cameras/gate/spans", params=params, headers=recorded.token(operator)
    )
    assert refused.status_code == 403 and "none was given" in refused.json()["detail"]
    found = recorded.client.get(
        "/api/v1/footage/cameras/gate/spans", params=params, headers=recorded.token(boss)
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["basis"] == "standing access" and len(body["spans"]) == 1
    assert body["spans"][0]["start"].startswith("2026-11-25T08:00:00")
    assert [r.outcome for r in audit_rows(recorded, "footage.search")] == ["refused", "ok"]


def test_playback_serves_exactly_the_range_with_http_range_requests_to_its_owner_only(recorded):
    outsider = recorded.user(Role.OPERATOR)
    grant_id = grant_for(recorded, outsider)
    start, end = T0 + dt.timedelta(seconds=3), T0 + dt.timedelta(seconds=9)
    opened = recorded.client.post(
        "/api/v1/footage/playbacks",
        json={"camera": "gate", "start": iso(start), "end": iso(end), "grant": grant_id},
        headers=recorded.token(outsider),
    )
    assert opened.status_code == 201, opened.text
    url = opened.json()["url"]
    headers = recorded.token(outsider)
    part = recorded.client.get(url, headers={**headers, "Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"].startswith("bytes 0-99/")
    whole = recorded.client.get(url, headers=headers)
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(whole.content)) as media:
        stream = media.streams.video[0]
        times = [float(p.pts * stream.time_base) for p in media.demux(stream) if p.pts is not None and p.size]
    assert times[0] == 0 and 5.0 <= times[-1] < 6.0  # keyframe at 3 s .. last frame before 9 s
    assert len(times) == 6 * 25
    other = recorded.client.get(url, headers=recorded.token(recorded.user(Role.OPERATOR)))
    assert other.status_code == 404
    ok = audit_rows(recorded, "footage.playback")[-1]
    assert ok.outcome == "ok" and ok.detail["grant"] == grant_id


def test_masked_camera_is_re_encoded_with_the_mask_blanked(recorded):
    with recorded.session() as s:
        from devices.camera.service import require_by_name

        require_by_name(s, "yard").detect = {
            "privacy_masks": [{"polygon": [[0, 0], [320, 0], [320, 180], [0, 180]]}]
        }
    boss = recorded.user(Role.SUPERVISOR)
    opened = recorded.client.post(
        "/api/v1/footage/playbacks",
        json={"camera": "yard", "start": iso(T0), "end": iso(T0 + dt.timedelta(seconds=2))},
        headers=recorded.token(boss),
    )
    assert opened.status_code == 201 and opened.json()["masked"] is True
    media = recorded.client.get(opened.json()["url"], headers=recorded.token(boss)).content
    with av.open(io.BytesIO(media)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="gray")
    assert frame[:170, :310].max() < 30, "the masked corner is black"
    assert frame[200:, 400:].mean() > 40, "the rest is picture"


def test_the_console_timeline_shows_footage_only_through_the_one_gate_and_every_view_is_audited(recorded):
    recorded.user(Role.OPERATOR, username="olga")
    recorded.user(Role.SUPERVISOR, username="sue")
    day = {"camera": "gate", "day": T0.date().isoformat()}
    recorded.login("olga")  # no standing access: the timeline shows holds and alerts, no recordings
    assert recorded.client.get("/footage", params=day).status_code == 200
    assert audit_rows(recorded, "footage.search") == []
    recorded.login("sue")  # the supervisor's standing access (R7): the view is searched and audited (R10)
    assert recorded.client.get("/footage", params=day).status_code == 200
    params = {"start": iso(T0), "end": iso(T0 + MIN)}
    assert recorded.client.get("/api/v1/footage/cameras/gate/spans", params=params).status_code == 200
    rows = audit_rows(recorded, "footage.search")
    assert [(r.outcome, r.detail["via"], r.detail["basis"], r.detail["spans"]) for r in rows] == [
        ("ok", "console", "standing access", 1),
        ("ok", "api", "standing access", 1),
    ]
    assert {r.actor for r in rows} == {"sue"}
