"""A shift leader re-assigns a handover to another incoming person (issue #18: no handover stuck "signed by the
outgoing" because its incoming person cannot sign): audited, written into the duty log with the renewed content
hash, refused with 409 naming the state once the incoming person has signed, and never to someone the post does
not allow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from core.clock import FixedClock
from shift_logs.duty_log.models import DutyEntry
from shift_logs.handover.models import Handover
from shift_logs.roster import post_admin
from tests.factories.access import DEFAULT_PASSWORD, make_user
from tests.factories.shift_logs import T0, Crew, make_crew
from tests.support.app_env import Env

PW = DEFAULT_PASSWORD


def _post(env: Env, path: str, user: Any, body: dict[str, Any] | None = None) -> Any:
    return env.client.post(path, json=body or {}, headers=env.token(user))


def _signed_handover(env: Env) -> tuple[Crew, str]:
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(hours=11, minutes=50))
    with env.session() as s:
        crew = make_crew(s)
    body = {"post_id": crew.post.id, "checklist": {"keys": {"ok": True}, "radios": {"ok": True}}}
    h = _post(env, "/api/v1/handovers", crew.outgoing, body).json()
    url = f"/api/v1/handovers/{h['id']}"
    assert _post(env, f"{url}/sign", crew.outgoing, {"password": PW}).status_code == 200
    return crew, url


def _row(env: Env, url: str) -> tuple[str, int, str | None]:
    with env.session() as s:
        h = s.get(Handover, int(url.rsplit("/", 1)[1]))
        assert h is not None
        return str(h.state), h.incoming_id, h.content_hash


def _audit(env: Env) -> list[AuditEntry]:
    with env.session() as s:
        stmt = select(AuditEntry).where(AuditEntry.action == "handover.reassign").order_by(AuditEntry.seq)
        return list(s.scalars(stmt))


def test_a_leader_reassigns_a_signed_handover_and_the_new_person_signs(env: Env) -> None:
    crew, url = _signed_handover(env)
    with env.session() as s:
        stand_in = make_user(s, username="standin")
    signed_hash = _row(env, url)[2]

    response = _post(
        env, f"{url}/reassign", crew.leader, {"incoming_id": stand_in.id, "reason": "called in sick"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["incoming"]["username"] == "standin" and body["state"] == "signed"
    assert body["content_hash"] != signed_hash and body["content_intact"] is True
    [entry] = _audit(env)
    assert entry.outcome == "ok" and entry.target == f"handover:{body['id']}"
    assert entry.detail["from"] == crew.incoming.username and entry.detail["to"] == "standin"
    assert entry.detail["reason"] == "called in sick"
    with env.session() as s:
        texts = list(s.scalars(select(DutyEntry.text).where(DutyEntry.ref == f"handover:{body['id']}")))
    assert any(
        f"re-assigned by {crew.leader.username} (shift leader) from {crew.incoming.username} to standin" in t
        and f"content sha256 {body['content_hash']}" in t
        for t in texts
    ), texts

    accept = {"password": PW, "verdict": "accept"}
    refused = _post(env, f"{url}/accept", crew.incoming, accept)
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_signer"
    assert _post(env, f"{url}/accept", stand_in, accept).status_code == 200
    again = _post(env, f"{url}/reassign", crew.leader, {"incoming_id": crew.incoming.id})
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "handover_signed" and "accepted" in again.json()["detail"]
    assert _post(env, f"{url}/countersign", crew.leader, {"password": PW}).status_code == 200
    after = _row(env, url)
    closed = _post(env, f"{url}/reassign", crew.leader, {"incoming_id": crew.incoming.id})
    assert closed.status_code == 409, closed.text
    problem = closed.json()
    assert problem["code"] == "handover_signed" and "countersigned" in problem["detail"]
    assert problem["info"]["state"] == "countersigned"
    assert _row(env, url) == after
    assert [e.outcome for e in _audit(env)] == ["ok", "refused", "refused"]


def test_a_draft_can_be_reassigned_and_signs_with_the_new_person(env: Env) -> None:
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(hours=11, minutes=50))
    with env.session() as s:
        crew = make_crew(s)
        stand_in = make_user(s)
    h = _post(env, "/api/v1/handovers", crew.outgoing, {"post_id": crew.post.id}).json()
    url = f"/api/v1/handovers/{h['id']}"
    response = _post(env, f"{url}/reassign", crew.leader, {"incoming_id": stand_in.id})
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "draft" and response.json()["content_hash"] is None
    assert response.json()["incoming"]["id"] == stand_in.id


def test_bad_reassignments_are_clear_4xx_naming_the_field_and_change_nothing(env: Env) -> None:
    crew, url = _signed_handover(env)
    with env.session() as s:
        post = s.merge(crew.post)
        post_admin.update_post(s, post=post, roles=["operator"])
        tech = make_user(s, roles=(Role.MAINTENANCE,))
        gone = make_user(s, disabled=True)
        other_leader = make_user(s, roles=(Role.SHIFT_LEADER,))
    before = _row(env, url)

    def refused(user: Any, body: dict[str, Any], status: int, code: str, field: str | None) -> None:
        response = _post(env, f"{url}/reassign", user, body)
        assert response.status_code == status, response.text
        problem = response.json()
        assert problem["code"] == code, problem
        if field is not None:
            assert [e["field"] for e in problem["errors"]] == [field], problem
        assert _row(env, url) == before

    refused(crew.outgoing, {"incoming_id": tech.id}, 403, "forbidden", None)
    refused(crew.leader, {"incoming_id": tech.id}, 422, "wrong_role_for_post", "incoming_id")
    refused(crew.leader, {"incoming_id": gone.id}, 422, "handover_reassign_invalid", "incoming_id")
    refused(crew.leader, {"incoming_id": 99999}, 422, "handover_reassign_invalid", "incoming_id")
    refused(crew.leader, {"incoming_id": crew.incoming.id}, 422, "handover_reassign_invalid", "incoming_id")
    refused(crew.leader, {"incoming_id": 0}, 422, "validation_error", "body.incoming_id")
    refused(crew.leader, {}, 422, "validation_error", "body.incoming_id")
    refused(crew.leader, {"incoming_id": tech.id, "x": 1}, 422, "validation_error", "body.x")
    refused(
        crew.leader,
        {"incoming_id": other_leader.id, "reason": "x" * 501},
        422,
        "validation_error",
        "body.reason",
    )
    # separation of duties: the outgoing operator cannot be their own incoming
    refused(crew.leader, {"incoming_id": crew.outgoing.id}, 409, "wrong_signer", None)
    missing = _post(env, "/api/v1/handovers/99999/reassign", crew.leader, {"incoming_id": tech.id})
    assert missing.status_code == 404 and missing.json()["code"] == "handover_not_found"
    assert all(e.outcome == "refused" for e in _audit(env))
