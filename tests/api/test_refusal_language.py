"""A duty-rule refusal reaches the console in the reader's language; an API client gets the English sentence
and the message key with its parameters (`said`)."""

from __future__ import annotations

import datetime as dt

from access.roles import Role
from tests.factories.shift_logs import make_crew, make_post
from tests.support.app_env import Env


def _too_long_a_duty(env: Env) -> tuple[dict[str, int], str]:
    """A roster entry that would put the incoming operator on duty 24 h (max_continuous_duty blocks it)."""
    with env.session() as s:
        crew = make_crew(s, start=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        other = make_post(s, name="desk-2")
        form = {"shift_id": crew.first.id, "post_id": other.id, "user_id": crew.incoming.id}
        return form, crew.leader.username


def test_a_refusal_is_in_chinese_on_the_console_and_keyed_in_the_api(env: Env) -> None:
    form, leader = _too_long_a_duty(env)
    csrf = env.login(leader)
    env.client.cookies.set("cr_lang", "zh")
    refused = env.client.post("/roster/entries", data=form, headers={"x-csrf-token": csrf})
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert "连续值班" in problem["detail"] and "最长连续值班" in problem["detail"]
    assert "would be on duty" not in problem["detail"]
    assert problem["said"]["key"] == "msg.rule.refused"
    env.client.cookies.set("cr_lang", "en")
    english = env.client.post("/roster/entries", data=form, headers={"x-csrf-token": csrf}).json()
    assert "would be on duty 24 h" in english["detail"]
    env.client.cookies.clear()
    # an API client (bearer token) keeps the English sentence, with the key and parameters beside it
    body = {"shift_id": form["shift_id"], "post_id": form["post_id"], "user_id": form["user_id"]}
    api = env.client.post("/api/v1/roster", json=body, headers=env.token(env.user(Role.SHIFT_LEADER)))
    assert api.status_code == 409, api.text
    assert "would be on duty 24 h" in api.json()["detail"]
    assert api.json()["said"]["params"]["why"]["key"] == "msg.rule.max_continuous_duty"
