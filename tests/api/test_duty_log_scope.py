"""R4: a post's duty log is written and corrected by the people rostered on (or substituting at) that post
and by shift leaders; refusals name the rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.clock import FixedClock
from shift_logs.roster.models import LeaveRequest, LeaveState
from tests.factories.access import make_user
from tests.factories.shift_logs import T0, make_crew, make_post
from tests.support.app_env import Env


def _post(env: Env, path: str, user: Any, body: dict[str, Any]) -> Any:
    return env.client.post(path, json=body, headers=env.token(user))


def test_only_the_posts_people_and_leaders_write_and_correct_its_log(env: Env) -> None:
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(hours=1))
    with env.session() as s:
        desk1, desk2 = make_crew(s), make_crew(s)
        empty = make_post(s)
        colleague = make_user(s, username="colleague")
        s.add(
            LeaveRequest(
                post_id=desk2.post.id,
                requester_id=desk2.outgoing.id,
                substitute_id=colleague.id,
                reason="doctor",
                state=LeaveState.APPROVED,
            )
        )
    operator = desk1.outgoing
    for post_id in (desk2.post.id, empty.id):
        refused = _post(env, "/api/v1/duty-log", operator, {"post_id": post_id, "kind": "call", "text": "x"})
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "not_at_post" and "duty_log.post_scope" in refused.json()["detail"]
    own = _post(env, "/api/v1/duty-log", operator, {"post_id": desk1.post.id, "kind": "call", "text": "ok"})
    assert own.status_code == 201
    theirs = _post(
        env, "/api/v1/duty-log", desk2.outgoing, {"post_id": desk2.post.id, "kind": "call", "text": "t"}
    )
    assert theirs.status_code == 201
    # correcting another operator's entry: refused, naming the rule (at another post, and at one's own)
    fix = {"text": "rewritten"}
    away = _post(env, f"/api/v1/duty-log/{theirs.json()['id']}/corrections", operator, fix)
    assert away.status_code == 403 and away.json()["code"] == "not_at_post"
    sub = _post(env, f"/api/v1/duty-log/{theirs.json()['id']}/corrections", colleague, fix)
    assert sub.status_code == 403 and "duty_log.correct_own" in sub.json()["detail"]
    # the substitute writes at the post; the leader writes anywhere and corrects anyone's entry
    body = {"post_id": desk2.post.id, "kind": "call", "text": "covering"}
    assert _post(env, "/api/v1/duty-log", colleague, body).status_code == 201
    assert _post(env, "/api/v1/duty-log", desk1.leader, {**body, "post_id": empty.id}).status_code == 201
    led = _post(env, f"/api/v1/duty-log/{theirs.json()['id']}/corrections", desk1.leader, fix)
    assert led.status_code == 201
    assert _post(env, f"/api/v1/duty-log/{own.json()['id']}/corrections", operator, fix).status_code == 201
